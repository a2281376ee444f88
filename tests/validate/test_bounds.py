"""Values `validate` once accepted and `build` then crashed on: each is now an error at file:line.

Every counterexample of the parity property test (test_parity.py) lands here as a plain test.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.load.documents import Document
from generator.load.translations import translation_problem
from tests.website.sitetools import build, visible_text

ORG = "content/organization.yml"
LEARN = "content/goals/mentee/learn-new-skills.yml"
TURNOVER = "content/goals/organization/reduce-turnover.yml"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, rel: str, needle: str) -> int:
    """The 1-based line of the first line containing `needle`, after the edit."""
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def assert_invalid_at(root: Path, rel: str, line: int, message: str) -> str:
    """`handbook validate` exits 1 and reports `message` at rel:line (and no traceback)."""
    result = CliRunner().invoke(main, ["validate", "--root", str(root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "This is a bug" not in result.output
    hits = [row for row in result.output.splitlines() if row.startswith(f"{rel}:{line}:")]
    assert hits, f"nothing reported at {rel}:{line}:\n{result.output}"
    assert any(message in row for row in hits), f"expected {message!r}:\n{result.output}"
    return result.output


# --- dates and durations: the schema bounds them, dates.py checks what a pattern cannot -------

PROGRAM_CASES = [
    ('start_date: "2027-02-01"', 'start_date: "9999-12-31"', "start_date", "2200-12-31"),
    ('start_date: "2027-02-01"', 'start_date: "1969-12-31"', "start_date", "1970-01-01"),
    ("cadence: P2W", "cadence: P0D", "cadence", "at least one day"),
    ("cadence: P2W", "cadence: P999Y", "cadence", "at most one year"),
    ("cadence: P2W", "cadence: P13M", "cadence", "the cadence P13M is longer than P1Y"),
    ("cadence: P2W", "cadence: P366D", "cadence", "the cadence P366D is longer than P1Y"),
    ("duration: P6M", "duration: P0D", "duration", "at least one week"),
    ("duration: P6M", "duration: P6D", "duration", "the program duration P6D is shorter than P1W"),
    ("duration: P6M", "duration: P61M", "duration", "the program duration P61M is longer than P5Y"),
]


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    PROGRAM_CASES,
    ids=[new.replace(" ", "").replace('"', "") for _, new, _, _ in PROGRAM_CASES],
)
def test_program_dates_out_of_range_are_errors(
    repo_copy: Path, old: str, new: str, key: str, message: str
) -> None:
    edit(repo_copy, ORG, old, new)
    assert_invalid_at(repo_copy, ORG, line_of(repo_copy, ORG, new), message)


MILESTONE_CASES = [
    (LEARN, "due: P2W", "due: P0D", "at least one day (`P1D`)"),
    (LEARN, "due: P3M", "due: P60W", "milestone P60W falls after the program ends (P6M)"),
    (LEARN, "due: P3M", "due: P6M1D", "milestone P6M1D falls after the program ends (P6M)"),
    # A stretch goal may run beyond one program, but not beyond five years.
    (TURNOVER, "due: P1Y", "due: P5Y1D", "the milestone P5Y1D is longer than P5Y"),
    (TURNOVER, "period: P1Y", "period: P0D", "at least one day (`P1D`)"),
    (TURNOVER, "period: P1Y", "period: P11Y", "the KPI period P11Y is longer than P10Y"),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "message"),
    MILESTONE_CASES,
    ids=[f"{Path(rel).stem}-{new.replace(' ', '')}" for rel, _, new, _ in MILESTONE_CASES],
)
def test_goal_durations_out_of_range_are_errors(
    repo_copy: Path, rel: str, old: str, new: str, message: str
) -> None:
    edit(repo_copy, rel, old, new)
    assert_invalid_at(repo_copy, rel, line_of(repo_copy, rel, new), message)


def test_a_shorter_program_reports_each_milestone_it_cuts_off(repo_copy: Path) -> None:
    edit(repo_copy, ORG, "duration: P6M", "duration: P2M")
    output = assert_invalid_at(
        repo_copy, LEARN, line_of(repo_copy, LEARN, "due: P3M"), "falls after the program ends"
    )
    assert "reduce-turnover" not in output  # stretch goals may outlast the program


def test_the_bounds_that_remain_still_build(repo_copy: Path) -> None:
    """The extremes that validate also publish (site, and a goal's dated worksheet)."""
    from generator.pdf.render import Renderer, render_worksheets
    from generator.validate.check import check_repository

    edit(repo_copy, ORG, 'start_date: "2027-02-01"', 'start_date: "2200-12-31"')
    edit(repo_copy, ORG, "duration: P6M", "duration: P5Y")
    edit(repo_copy, ORG, "cadence: P2W", "cadence: P1Y")
    edit(repo_copy, "content/worksheets.yml", "rows: 13", "rows: 60")
    edit(repo_copy, TURNOVER, "due: P1Y", "due: P5Y")
    outcome = check_repository(repo_copy)
    assert outcome.ok and outcome.catalog is not None, outcome.problems
    build(repo_copy)
    out = repo_copy / "pdfs"
    render_worksheets(outcome.catalog, out, papers=("a4",), goal_ids=("reduce-turnover",))
    assert (out / "worksheets/a4/goal-reduce-turnover.pdf").stat().st_size > 0
    dates = Renderer(outcome.catalog).log_dates(outcome.catalog.organization.start_date)
    assert len(dates) == 60 and dates[-1] == "2259-12-31"


# --- published goals ------------------------------------------------------------------------


def _all_goal_ids(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "content/goals").glob("*/*.yml"))


def test_every_goal_disabled_in_organization_yml_is_an_error(repo_copy: Path) -> None:
    ids = ", ".join(_all_goal_ids(repo_copy))
    edit(repo_copy, ORG, "disabled_goals: []", f"disabled_goals: [{ids}]")
    line = line_of(repo_copy, ORG, "disabled_goals:")
    assert_invalid_at(repo_copy, ORG, line, "every goal is disabled")


def test_every_goal_enabled_false_is_an_error(repo_copy: Path) -> None:
    for path in sorted((repo_copy / "content/goals").glob("*/*.yml")):
        rel = path.relative_to(repo_copy).as_posix()
        edit(repo_copy, rel, "\ntitle:", "\nenabled: false\ntitle:")
    first = "content/goals/mentee/find-a-sponsor.yml"
    assert_invalid_at(
        repo_copy,
        first,
        line_of(repo_copy, first, "enabled:"),
        "every goal file says `enabled: false`",
    )


def test_an_audience_without_goals_is_left_out_everywhere(repo_copy: Path) -> None:
    """All mentee goals disabled: the site has no mentee section, card, booklet or link, and the
    SMART guide's worked example (a mentee goal) falls back with a warning."""
    mentee = sorted(p.stem for p in (repo_copy / "content/goals/mentee").glob("*.yml"))
    edit(repo_copy, ORG, "disabled_goals: []", f"disabled_goals: [{', '.join(mentee)}]")
    result = CliRunner().invoke(main, ["validate", "--root", str(repo_copy)])
    assert result.exit_code == 0, result.output
    assert "content/smart.yml:" in result.output
    assert "goal 'learn-new-skills' is disabled; the SMART guide shows" in result.output
    site = build(repo_copy)
    assert not (site / "goals/mentee").exists()
    assert (site / "goals/mentor/index.html").exists()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "goals/mentee" not in html and "booklet-mentee" not in html, page
    home = visible_text((site / "index.html").read_text(encoding="utf-8"))
    assert "Mentee goals" not in home and "Mentor goals" in home


# --- numbers, terms and statements -----------------------------------------------------------


def test_a_5000_digit_integer_in_organization_yml_is_an_error(repo_copy: Path) -> None:
    edit(repo_copy, ORG, "meeting_minutes: 45", "meeting_minutes: " + "9" * 5000)
    line = line_of(repo_copy, ORG, "meeting_minutes:")
    assert_invalid_at(repo_copy, ORG, line, "a number with 5,000 digits is too long")


def test_a_5000_digit_goal_order_is_an_error(repo_copy: Path) -> None:
    edit(repo_copy, LEARN, "\norder: 1\n", "\norder: " + "9" * 5000 + "\n")
    line = line_of(repo_copy, LEARN, "order:")
    assert_invalid_at(repo_copy, LEARN, line, "a number with 5,000 digits is too long")


def test_an_order_above_the_maximum_is_an_error(repo_copy: Path) -> None:
    edit(repo_copy, LEARN, "\norder: 1\n", "\norder: 10001\n")
    line = line_of(repo_copy, LEARN, "order:")
    assert_invalid_at(repo_copy, LEARN, line, "10001 is greater than the maximum of 10000")


# Python's `$` also matches before a final line break; JSON Schema's (ECMA-262) does not. Each
# of these passed validation, and the durations then crashed the build ("a bug in the tool").
TRAILING_NEWLINE_CASES = [
    (ORG, "duration: P6M", 'duration: "P6M\\n"', "How long a mentoring pair runs"),
    (ORG, "cadence: P2W", 'cadence: "P2W\\n"', "Time between check-ins"),
    (ORG, 'primary: "#1f5f7a"', 'primary: "#1f5f7a\\n"', "`#rrggbb`"),
    (ORG, "language: en", 'language: "en\\n"', "Language of the site"),
    (LEARN, "tags: [skills,", 'tags: ["skills\\n",', "lowercase tag word"),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "message"),
    TRAILING_NEWLINE_CASES,
    ids=[old.split(":")[0] for _, old, _, _ in TRAILING_NEWLINE_CASES],
)
def test_a_pattern_value_with_a_trailing_line_break_is_an_error(
    repo_copy: Path, rel: str, old: str, new: str, message: str
) -> None:
    edit(repo_copy, rel, old, new)
    assert_invalid_at(repo_copy, rel, line_of(repo_copy, rel, new), message)


def test_schema_patterns_keep_their_meaning_in_python() -> None:
    from generator.validate.schema_check import ecma_pattern

    assert ecma_pattern(r"^[a-z]{2}$") == r"^[a-z]{2}\Z"
    assert ecma_pattern(r"^a\$[$][]$][^]$]$") == r"^a\$[$][]$][^]$]\Z"


def test_a_renamed_term_never_renames_a_placeholder(repo_copy: Path) -> None:
    """A field named like a term ({mentor}) once became {coach} in the build (KeyError).
    Terms are now renamed in the statement's text only, after the one parser split it."""
    from generator.validate.check import check_repository

    edit(repo_copy, LEARN, "shown by {evidence}.", "shown by {evidence} to my mentor {mentor}.")
    field = "    mentor:\n      label: Mentor\n      hint: Who.\n      example: Ana\n"
    edit(repo_copy, LEARN, "  prompts:\n", field + "  prompts:\n")
    edit(repo_copy, ORG, "mentor: {singular: mentor,", "mentor: {singular: coach,")
    outcome = check_repository(repo_copy)
    assert outcome.ok and outcome.catalog is not None, outcome.problems
    smart = outcome.catalog.goal("learn-new-skills").smart
    assert smart.statement.endswith("shown by {evidence} to my coach {mentor}.")
    names = [p.placeholder.name for p in smart.parts if p.placeholder]
    assert names == ["skill", "timeframe", "evidence", "mentor"]
    page = build(repo_copy) / "goals/mentee/learn-new-skills/index.html"
    assert 'title="Coach">Coach</span>' in page.read_text(encoding="utf-8")


def test_an_unbalanced_brace_after_renaming_is_still_reported(repo_copy: Path) -> None:
    edit(repo_copy, LEARN, "within {timeframe}", "within {timeframe} {mentee")
    line = line_of(repo_copy, LEARN, "statement:")
    assert_invalid_at(repo_copy, LEARN, line, "unbalanced '{' or '}'")


# --- URLs -----------------------------------------------------------------------------------

URLS = [
    "javascript:alert(1)",
    "http://harborpine.example",
    "https://user@harborpine.example",
    "https://user:secret@harborpine.example/",
    "https://harborpine.example/a b",
    "https://harborpine.example/\\u0007",
    "data:text/html,hi",
]


@pytest.mark.parametrize("url", URLS)
def test_unsafe_website_urls_are_errors(repo_copy: Path, url: str) -> None:
    edit(repo_copy, ORG, "website: https://harborpine.example", f'website: "{url}"')
    # A control character is refused before the schema runs (text hygiene), at the same line.
    expected = "U+0007" if "\\u0007" in url else "https://"
    assert_invalid_at(repo_copy, ORG, line_of(repo_copy, ORG, "website:"), expected)


def test_evidence_urls_with_user_info_are_errors(repo_copy: Path) -> None:
    goal = next(  # any goal whose evidence links its source
        p.relative_to(repo_copy).as_posix()
        for p in sorted((repo_copy / "content/goals").glob("*/*.yml"))
        if "url: https://" in p.read_text(encoding="utf-8")
    )
    url = re.search(r"url: (https://\S+)", (repo_copy / goal).read_text(encoding="utf-8"))
    assert url is not None
    edit(repo_copy, goal, url.group(0), "url: https://me@evil.example/")
    assert_invalid_at(repo_copy, goal, line_of(repo_copy, goal, "me@evil"), "user name")


# --- translations ---------------------------------------------------------------------------

FR = "content/translations/fr/goals/mentee/learn-new-skills.yml"


def _translation(root: Path, rel: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text("title: Apprendre\n", encoding="utf-8")


def test_a_translation_for_a_language_without_locale_is_an_error(repo_copy: Path) -> None:
    _translation(repo_copy, FR)
    assert_invalid_at(repo_copy, FR, 1, "the catalog cannot publish 'fr'")


def test_a_translation_into_the_content_language_is_an_error(repo_copy: Path) -> None:
    rel = FR.replace("/fr/", "/en/")
    _translation(repo_copy, rel)
    assert_invalid_at(repo_copy, rel, 1, "never used")


def test_a_translation_folder_that_is_no_language_code_is_an_error(repo_copy: Path) -> None:
    rel = FR.replace("/fr/", "/deutsch/")
    _translation(repo_copy, rel)
    assert_invalid_at(repo_copy, rel, 1, "'deutsch' is not a language code")


def test_a_translation_for_another_published_language_is_fine(repo_copy: Path) -> None:
    """The default catalog ships German next to English: that folder is no error."""
    result = CliRunner().invoke(main, ["validate", "--root", str(repo_copy)])
    assert result.exit_code == 0 and "(0 warning(s))" in result.output, result.output


def test_a_translation_folder_linked_elsewhere_is_an_error(repo_copy: Path) -> None:
    outside = repo_copy / "elsewhere/goals/mentee"
    outside.mkdir(parents=True)
    (outside / "learn-new-skills.yml").write_text("title: Anderswo\n", encoding="utf-8")
    os.symlink(repo_copy / "elsewhere", repo_copy / "content/translations/fr")
    result = CliRunner().invoke(main, ["validate", "--root", str(repo_copy)])
    assert result.exit_code == 1
    assert "content/translations/fr: $: symbolic links are not allowed" in result.output


@pytest.mark.parametrize(
    "rel",
    [
        "content/translations/de/../../goals/mentee/learn-new-skills.yml",
        "content/translations/de/goals/../../fr/goals/mentee/learn-new-skills.yml",
    ],
)
def test_a_translation_path_that_leaves_its_folder_is_refused(rel: str) -> None:
    problem = translation_problem(Document(rel, "translation", None, ""), {"de"}, "en", None)
    assert problem is not None and "the path leaves content/translations/de/" in problem


def test_a_translation_file_resolving_outside_its_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "content/translations/de/goals/mentee"
    folder.mkdir(parents=True)
    (tmp_path / "outside.yml").write_text("title: x\n")
    (folder / "x.yml").symlink_to(tmp_path / "outside.yml")
    doc = Document("content/translations/de/goals/mentee/x.yml", "translation", None, "")
    problem = translation_problem(doc, {"de"}, "en", tmp_path)
    assert problem is not None and "leaves content/translations/de/" in problem


# --- the one date module ----------------------------------------------------------------------


def test_durations_compare_without_a_start_date() -> None:
    from generator.dates import CADENCE, Duration

    assert Duration.parse("P12M").mean_days() == Duration.parse("P1Y").mean_days()
    assert CADENCE.check("P52W") == Duration(weeks=52)
    with pytest.raises(ValueError, match="the cadence P53W is longer than P1Y"):
        CADENCE.check("P53W")


def test_a_date_beyond_python_s_range_is_a_clear_error_not_an_overflow() -> None:
    import datetime as dt

    from generator.dates import DateRangeError, Duration, parse_date

    with pytest.raises(DateRangeError, match="beyond year 9999"):
        Duration(days=3_000_000).after(dt.date(2200, 12, 31))
    with pytest.raises(DateRangeError, match="beyond year 9999"):
        Duration(years=8000).after(dt.date(2200, 12, 31))
    with pytest.raises(DateRangeError, match=r"outside 1970-01-01\.\.2200-12-31"):
        parse_date("9999-12-31")
