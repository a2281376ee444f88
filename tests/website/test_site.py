"""The handbook site built for real with MkDocs: pages, branding, terms, safety, determinism."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.load.yaml_safe import load_yaml
from tests.fixtures import make_repo


def build(root: Path, *extra: str) -> Path:
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--no-pdf", *extra])
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def second_org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(make_repo("second-org", tmp_path_factory.mktemp("so") / "repo"))


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


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


def test_internal_links_resolve(second_org: Path) -> None:
    for page in second_org.rglob("*.html"):
        for target in re.findall(r'href="([^"#:?]+)"', page.read_text()):
            if target.endswith(".pdf") or target.startswith("/"):
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


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    one = build(make_repo("second-org", tmp_path / "one"))
    two = build(make_repo("second-org", tmp_path / "two"))
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    different = [str(f) for f in files if (one / f).read_bytes() != (two / f).read_bytes()]
    assert not different


PAYLOADS = [
    "<script>alert('x1')</script>",
    "<img src=x onerror=alert('x2')>",
    "[click](javascript:alert('x3'))",
    "[click](&#106;avascript:alert('x4'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "text { onclick=alert('x5') }",
    "<div markdown=1 onmouseover=alert('x6')>**x**</div>",
    "{{ 7*7 }} {% raw %}",
    "<a href='javascript:alert(1)'>x</a>",
    "<svg onload=alert('x7')>",
    "<iframe src=javascript:alert('x8')>",
    "<style>body{display:none}</style>",
]
PAYLOAD = " ".join(PAYLOADS)


def _poison(value: object, key: str = "") -> object:
    if isinstance(value, dict):
        return {k: _poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, key) for v in value]
    if isinstance(value, str) and key not in {
        "id", "audience", "horizon", "due", "type", "url", "unit", "direction", "period",
        "statement", "key", "letter", "kind", "worked_example", "tags", "related",
    }:  # fmt: skip
        return (value + " " + PAYLOAD)[:190]
    return value


class ActiveContent(HTMLParser):
    """Collects every script, handler and script-capable URL in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "object", "embed", "style", "base"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "formaction") and value:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"{tag} {name}={value}")
        if tag == "script":
            self._in_script = True
            self.scripts.append(dict(attrs).get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def scan(site: Path) -> tuple[list[str], set[str]]:
    found, scripts = [], set()
    for page in sorted(site.rglob("*.html")):
        parser = ActiveContent()
        parser.feed(page.read_text())
        found += [f"{page.relative_to(site)}: {f}" for f in parser.found]
        scripts |= {re.sub(r"\s+", " ", s) for s in parser.scripts}
    return found, scripts


def test_no_catalog_text_becomes_active_content(tmp_path: Path) -> None:
    clean = build(make_repo("second-org", tmp_path / "clean"))
    _, clean_scripts = scan(clean)
    root = make_repo("second-org", tmp_path / "poisoned")
    for path in [*root.glob("content/goals/*/*.yml"), root / "content/smart.yml",
                 root / "content/measurement.yml", root / "content/worksheets.yml"]:  # fmt: skip
        data = load_yaml(path.read_text()).data
        path.write_text(yaml.safe_dump(_poison(data), allow_unicode=True, sort_keys=False))
    (root / "content/pages/welcome.md").write_text("# Welcome\n\n" + "\n\n".join(PAYLOADS) + "\n")
    site = build(root)
    found, scripts = scan(site)
    assert not found, found
    assert scripts == clean_scripts  # only Material's own scripts, unchanged
    page = (site / "goals/mentee/alpha/index.html").read_text()
    assert "alert(&#39;x2&#39;)" in page or "alert('x2')" in visible_text(page)  # shown as text
    assert "49" not in visible_text(page)  # Jinja in content is never evaluated


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
