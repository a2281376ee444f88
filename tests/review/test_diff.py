"""`handbook diff` on real git repositories with real commits, builds and PDFs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from generator.review.diff import left_out
from generator.review.report import code, escape
from generator.schemas import load_schemas
from generator.validate.check import check_repository
from tests.fixtures import copy_repository
from tests.review.gitrepo import edit, git, handbook_diff, make_repository

GOAL = "content/goals/mentee/learn-new-skills.yml"
MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
INJECTION = "<script>alert(1)</script> @someone [x](javascript:alert(1)) ![i](https://t.example/p)"


def test_changed_goal_shows_its_word_diff_new_host_and_changed_pages(
    repo: Path, tmp_path: Path
) -> None:
    goal = repo / GOAL
    edit(goal, "through practice,", f"through daily practice, {INJECTION}")
    edit(
        goal,
        "      publisher: LinkedIn\n",
        "      publisher: LinkedIn\n      url: https://evil.example/\n",
    )
    more = "".join(f"  - Extra question number {n} about the skill?\n" for n in range(14))
    edit(goal, "check_in_questions:\n", "check_in_questions:\n" + more)
    out = tmp_path / "artifacts"

    result = handbook_diff(repo, "main", "--artifacts", str(out))

    assert result.exit_code == 0, result.output
    text = result.output
    assert "Goal changed: Learn new skills (`learn-new-skills`)" in text
    assert "through **daily** practice\\, **&lt;script&gt;alert\\(1\\)&lt;\\/script&gt;" in text
    assert "`check_in_questions` (en): **Extra question number 0" in text
    assert "- New link host `evil.example`:" in text
    assert "`goals[learn-new-skills].evidence[0].source.url`" in text
    # contributor text cannot become markup, a link, an image or a mention in the comment
    assert "<script" not in text and "](javascript:" not in text and "![i](" not in text
    assert "@someone" not in text and "@\u200bsomeone" in text
    row = next(line for line in text.splitlines() if "goal-learn-new-skills.pdf" in line)
    assert "| 2 → 3 |" in row, row
    before = sorted((out / "worksheets/a4").glob("goal-learn-new-skills-p*-before.png"))
    after = sorted((out / "worksheets/a4").glob("goal-learn-new-skills-p*-after.png"))
    assert before and after and len(after) > len(before)
    assert before[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert before[0].read_bytes() != after[0].read_bytes()
    assert (out / "report.md").read_text() == text

    data = json.loads(handbook_diff(repo, "main", "--format", "json").output)
    jsonschema.validate(data, load_schemas()["diff.schema.json"])
    fields = [c["field"] for c in data["languages"][0]["goals"]["changed"]["learn-new-skills"]]
    assert "summary" in fields and "check_in_questions" in fields
    assert data["look_closely"]["link_hosts"][0]["host"] == "evil.example"
    assert data["nothing_changed"] is False


def test_renamed_and_disabled_goals_and_a_renamed_page(repo: Path) -> None:
    old, new = "build-advisor-reputation", "build-advisor-standing"
    for folder in ("content/goals/mentor", "content/translations/de/goals/mentor"):
        git(repo, "mv", f"{folder}/{old}.yml", f"{folder}/{new}.yml")
    edit(repo / f"content/goals/mentor/{new}.yml", f"id: {old}", f"id: {new}")
    edit(repo / "content/goals/mentor/grow-leadership-skills.yml", old, new)
    org = repo / "content/organization.yml"
    edit(org, "disabled_goals: []", "disabled_goals: [improve-diversity-inclusion]")
    for folder in ("content/pages", "content/translations/de/pages"):
        git(repo, "mv", f"{folder}/how-to-use.md", f"{folder}/using-the-handbook.md")

    result = handbook_diff(repo, "main")

    assert result.exit_code == 0, result.output
    text = result.output
    assert f"- Goal renamed: `{old}` → `{new}`" in text
    assert "- Goal disabled: " in text and "(`improve-diversity-inclusion`)" in text
    assert "- Page renamed: `how-to-use` → `using-the-handbook`" in text
    assert "Goal added" not in text and "Goal removed" not in text
    assert "`related` (en): " in text  # the goal that links to the renamed one
    assert "`guide/using-the-handbook.md`" in text
    row = next(line for line in text.splitlines() if "goal-improve-diversity-inclusion" in line)
    assert "→ removed" in row


def test_theme_override_is_flagged_as_code(repo: Path) -> None:
    (repo / "overrides/main.html").write_text(
        (repo / "overrides/main.html").read_text() + "\n{# a tracking script could go here #}\n"
    )
    result = handbook_diff(repo, "main")
    assert result.exit_code == 0, result.output
    assert "- Code, not content (owners review): `overrides/main.html` (M)" in result.output
    assert "#### Worksheets" not in result.output  # the theme shapes the site, not the PDFs


def test_whitespace_only_change_says_so_in_one_line(repo: Path) -> None:
    goal = repo / GOAL
    goal.write_text(goal.read_text().replace("tags: [skills, ", "tags:   [skills,  ") + "\n\n")
    result = handbook_diff(repo, "main")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Nothing changes for readers or printers compared with `")
    assert result.output.count("\n") == 1


def test_removed_translation_shows_new_warning_and_german_changes(repo: Path) -> None:
    git(repo, "rm", "-q", "content/translations/de/goals/mentee/learn-the-business.yml")
    result = handbook_diff(repo, "main")
    assert result.exit_code == 0, result.output
    assert "- New warning: `content/goals/mentee/learn-the-business.yml:1`" in result.output
    assert "not translated to \\'de\\'" in result.output
    assert "`title` (de): ~~" in result.output  # German readers get the English text now
    assert "#### Worksheets" not in result.output  # the published language (en) is unchanged


def test_invalid_base_is_compared_with_an_empty_catalog(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "broken", "main")
    edit(repo / GOAL, "horizon: reach", "horizon: sometimes")
    git(repo, "commit", "-q", "-am", "break the catalog")
    git(repo, "checkout", "-q", "change")

    result = handbook_diff(repo, "broken")

    assert result.exit_code == 0, result.output
    assert "The base is invalid; diff against an empty catalog." in result.output
    assert "- Goal added: " in result.output and "(`learn-new-skills`)" in result.output
    assert "| `worksheets/a4/goal-learn-new-skills.pdf` | new → 2 |" in result.output
    git(repo, "branch", "-q", "-D", "broken")


def test_base_that_does_not_exist(repo: Path) -> None:
    result = handbook_diff(repo, "no-such-branch")
    assert result.exit_code == 1
    assert "Error: BASE 'no-such-branch' is not a commit in this repository" in result.output
    assert "Traceback" not in result.output


def test_shallow_clone_without_base_says_how_to_fetch(shared_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"  # as actions/checkout does it: one commit, no other refs
    clone.mkdir()
    git(clone, "init", "-q")
    git(clone, "fetch", "-q", "--depth", "1", shared_repo.as_uri(), "change")
    git(clone, "checkout", "-q", "--detach", "FETCH_HEAD")
    result = handbook_diff(clone)
    assert result.exit_code == 1
    assert "shallow clone" in result.output and "fetch-depth: 0" in result.output
    assert "Traceback" not in result.output


def test_logo_swap_is_flagged_and_pictured(tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo", MINIMAL)
    logo = repo / "content/assets/logo.svg"
    edit(logo, 'fill="#1f5f7a"', 'fill="#d01010"')
    out = tmp_path / "artifacts"

    result = handbook_diff(repo, "main", "--artifacts", str(out))

    assert result.exit_code == 0, result.output
    assert "- The logo changed: `content/assets/logo.svg`" in result.output
    assert "#### Worksheets" in result.output  # same text on every page: found by pixels
    befores = sorted(out.rglob("*-before.png"))
    assert befores
    for before in befores:
        after = before.with_name(before.name.replace("-before", "-after"))
        assert after.read_bytes() != before.read_bytes()


def test_contributor_text_is_inert_markdown() -> None:
    text = escape(INJECTION + " <img src=x onerror=alert(1)> www.evil.example `code`")
    assert "<" not in text and ">" not in text and "](" not in text and "@s" not in text
    assert "www\\.evil\\.example" in text and "\\`code\\`" in text
    assert code("a ``b`` c") == "```a ``b`` c```"


def test_a_language_left_out_names_its_first_errors(tmp_path: Path) -> None:
    """A German translation of a goal that is gone: the published language (en) validates,
    the German catalog does not; the note says why, not only that it is left out."""
    root = copy_repository(tmp_path / "repo")
    translations = root / "content/translations/de/goals/mentee"
    ghost = translations / "ghost-goal.yml"
    ghost.write_bytes((translations / "learn-new-skills.yml").read_bytes())
    assert check_repository(root).catalog is not None
    german = check_repository(root, language="de")
    assert german.catalog is None
    note = left_out("de", german.problems)
    assert note.startswith("the catalog does not build in 'de'; that language is left out: ")
    assert "content/translations/de/goals/mentee/ghost-goal.yml" in note
    assert "content/goals/mentee/ghost-goal.yml, which does not exist" in note
    many = left_out("de", german.problems * 5)
    assert many.endswith(" more)") and many.count("which does not exist") == 3
