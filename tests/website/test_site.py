"""The handbook site built for real with MkDocs: pages, branding, terms, safety, determinism."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import copy_repository, shared_build
from tests.fixtures import make_repo
from tests.website.sitetools import build, visible_text


@pytest.fixture(scope="module")
def second_org(request: pytest.FixtureRequest) -> Path:
    """tests/fixtures/second-org built --no-pdf (a shared build, test_safety reads it too)."""
    return shared_build(request.config, "second-org") / "site"


def test_second_organization_shows_its_own_brand_and_terms(second_org: Path) -> None:
    index = (second_org / "index.html").read_text()
    assert "<title>Bridges Scheme</title>" in index
    assert "Learn from the people around you" in index
    assert "Learner goals" in index
    brand = (second_org / "assets/brand.css").read_text()
    assert "--md-primary-fg-color: #5b2a86;" in brand and "--md-accent-fg-color: #1b7f5a;" in brand
    assert (second_org / "assets/logo.svg").read_text().count("Lakeside") == 1
    assert "bridges@lakeside.example" in index and "Learning and Development" in index
    # the disabled goal is gone; the organization's own goal is there
    assert not (second_org / "goals/organization/omega").exists()
    assert (second_org / "goals/mentee/shadow-a-colleague/index.html").is_file()
    # renamed terms everywhere in the text (URLs keep the audience ids)
    for page in second_org.rglob("*.html"):
        text = visible_text(page.read_text())
        assert not re.search(r"\b(mentees?|mentors?|programs?)\b", text, re.I), page


def test_goal_page_has_every_section_and_worksheet_links(second_org: Path) -> None:
    page = (second_org / "goals/mentee/alpha/index.html").read_text()
    text = visible_text(page)
    for expected in (
        "Practise one skill",
        "Why it matters",
        "Written goals are more often reached.",
        "The SMART goal",
        "One skill.",
        "Which skill?",
        "2027-02-08",
        "Minutes practised",
        "What did you practise?",
        "Shadow a colleague in another team",
    ):
        assert expected in text, expected
    assert 'href="../../../worksheets/letter/goal-alpha.pdf"' in page
    assert "worksheets/a4/" not in page  # this organization prints on Letter only


def searchable_text(index: Path, location: str) -> str:
    """What the site's search (MkDocs' search_index.json, Zensical's search.json) holds for a
    section: the text its words are cut from."""
    data = json.loads(index.read_text())
    entries = data["docs"] if "docs" in data else data["items"]
    return " ".join(f"{e['title']} {e['text']}" for e in entries if e["location"] == location)


def assert_table_cells_searchable_apart(index: Path) -> None:
    """Table cells, and the lines of a cell, reach search as separate words: cells written
    side by side without space were one word ("Minutes practisedA tally..."), so a word that
    starts a cell was not found."""
    measures = searchable_text(index, "goals/mentee/alpha/#how-to-measure-progress")
    assert re.search(r"Minutes practised\s+A tally in the check-in log\.\s+30 a week", measures)
    smart = searchable_text(index, "smart/#the-five-criteria")  # a <br> inside the last cell
    assert re.search(r"\bS\s+Specific\s+Clear\.\s+What\?\s+Tip: Name it\.", smart), smart


def test_table_cells_are_searched_as_separate_words(second_org: Path) -> None:
    assert_table_cells_searchable_apart(second_org / "search/search_index.json")


def test_a_tag_is_a_word_for_search(second_org: Path) -> None:
    """Tags show as `#skills`: split only at spaces and hyphens, `#skills` was one word, and a
    search for `skills` found neither the goal nor the tags page (mkdocs.yml sets the separator
    MkDocs' search cuts the index and the query with)."""
    data = json.loads((second_org / "search/search_index.json").read_text())
    separator = re.compile(data["config"]["separator"])
    for location in ("goals/mentee/alpha/", "tags/#tag-skills"):
        text = searchable_text(second_org / "search/search_index.json", location)
        words = separator.split(re.sub(r"<[^>]*>", " ", text))  # Material's worker drops markup
        assert "#skills" in text and "skills" in words, (location, words)


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_the_not_found_page_speaks_the_site_language(
    tmp_path: Path, second_org: Path, engine: str
) -> None:
    """The theme's 404 page said "404 - Not found" on a German site too."""
    assert "<h1>404 - Not found</h1>" in (second_org / "404.html").read_text()
    root = copy_repository(tmp_path / "repo")
    org = root / "content" / "organization.yml"
    org.write_text(org.read_text().replace("language: en", "language: de"))
    page = (build(root, "--engine", engine) / "404.html").read_text()
    assert '<html lang="de"' in page and "<h1>404 \u2013 Seite nicht gefunden</h1>" in page
    assert "Not found" not in page


def test_internal_links_resolve(second_org: Path) -> None:
    for page in second_org.rglob("*.html"):
        for target in re.findall(r'href="([^"#:?]+)"', page.read_text()):
            if target.endswith((".pdf", ".zip")) or target.startswith("/"):  # --no-pdf build
                continue
            resolved = (page.parent / target).resolve()
            assert resolved.exists(), f"{page}: {target}"


def test_fonts_are_self_hosted(second_org: Path) -> None:
    for page in second_org.rglob("*.html"):
        assert (
            "fonts.googleapis" not in page.read_text() and "fonts.gstatic" not in page.read_text()
        )
    assert (second_org / "assets/fonts/Lato-Regular.ttf").is_file()


def test_catalog_json_is_published(second_org: Path) -> None:
    data = json.loads((second_org / "catalog.json").read_text())
    assert [g["id"] for g in data["goals"]] == ["alpha", "shadow-a-colleague"]
    assert data["organization"]["terms"]["mentee"] == "learner"


@pytest.mark.parametrize("fixture", ["second-org", "default"])
def test_two_builds_are_byte_identical(tmp_path: Path, fixture: str) -> None:
    def repo(dest: Path) -> Path:
        return copy_repository(dest) if fixture == "default" else make_repo(fixture, dest)

    one = build(repo(tmp_path / "one"))
    two = build(repo(tmp_path / "two"))
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    different = [str(f) for f in files if (one / f).read_bytes() != (two / f).read_bytes()]
    assert not different


def test_a_template_override_replaces_a_page_and_stays_sandboxed(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    overrides = root / "overrides" / "handbook"
    overrides.mkdir(parents=True)
    (overrides / "tags.md").write_text("# Our tags\n\n{{ ui('site.nav.tags') }} are listed here.\n")
    site = build(root)
    assert "Tags are listed here." in visible_text((site / "tags/index.html").read_text())
    assert not list(site.rglob("handbook/tags.md"))  # MkDocs does not publish the template
    (overrides / "tags.md").write_text("{{ catalog.__class__.__init__.__globals__ }}\n")
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--no-pdf"])
    assert result.exit_code == 1
    assert "a handbook page template failed: SecurityError" in result.output
    assert "unsafe" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "where", "error"),
    [
        ("# Tags\n\n{{ no_such_value }}\n", 3, "UndefinedError"),
        ("# Tags\n{% if %}\n", 2, "TemplateSyntaxError"),
    ],
    ids=["undefined", "syntax"],
)
def test_a_broken_override_is_named_with_its_line(
    tmp_path: Path, text: str, where: int, error: str
) -> None:
    """The message named only Jinja's error, not the override file and line it came from."""
    root = make_repo("second-org", tmp_path / "repo")
    overrides = root / "overrides" / "handbook"
    overrides.mkdir(parents=True)
    (overrides / "tags.md").write_text(text)
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--no-pdf"])
    assert result.exit_code == 1
    assert f"overrides/handbook/tags.md:{where}: a handbook page template failed: {error}" in (
        result.output
    ), result.output
