"""Rosters: safe reading (regular UTF-8 files, ISO dates) and an output folder that mirrors them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.catalog.model import Catalog
from generator.cli import main
from generator.files import UnsafeFile
from generator.pdf import roster as roster_module
from generator.pdf.render import TEMPLATES
from generator.pdf.roster import RosterInvalid, read_roster, render_roster
from generator.problems import BuildFailed, HandbookError
from generator.validate.check import check_repository
from tests.fixtures import make_repo, pdf_text
from tests.test_build import tree_digest

HEADER = "mentor,mentee,start_date,goals\n"
CLI = (sys.executable, "-c", "from generator.cli import main; main()")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo("minimal", tmp_path_factory.mktemp("roster") / "repo")


@pytest.fixture(scope="module")
def catalog(repo: Path) -> Catalog:
    outcome = check_repository(repo)
    assert outcome.catalog is not None, outcome.problems
    return outcome.catalog


def worksheets(repo: Path, roster: Path, out: Path) -> tuple[int, str]:
    args = ["worksheets", "--root", str(repo), "--roster", str(roster), "-o", str(out)]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


# --- the file itself -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_roster_names_the_line_and_the_remedy(
    repo: Path, tmp_path: Path, encoding: str
) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_bytes((HEADER + "Ada,Zoë,2027-03-01,\nJosé,Alan,2027-03-01,\n").encode(encoding))
    code, output = worksheets(repo, roster, tmp_path / "out")
    assert code == 1, output
    assert f"{roster}:2:7: the roster is not UTF-8 text (byte 0xeb on line 2)" in output
    assert "Save the file as CSV UTF-8" in output
    assert "Ã" not in output and "Traceback" not in output  # no mojibake, no crash
    assert not (tmp_path / "out").exists()


@pytest.mark.timeout(60)
def test_fifo_roster_is_refused_without_opening_it(repo: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pairs.csv"
    os.mkfifo(fifo)
    # A separate process: if the reader opened the FIFO it would block, and the timeout fails it.
    result = subprocess.run(
        [*CLI, "worksheets", "--root", str(repo), "--roster", str(fifo), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert result.returncode == 1, result.stderr
    assert f"{fifo}: is a named pipe (FIFO), not a regular file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda tmp: (tmp / "pairs.csv").mkdir() or tmp / "pairs.csv", "a folder"),
        (lambda tmp: Path("/dev/zero"), "a character device"),
        (lambda tmp: tmp / "missing.csv", "no such file"),
    ],
)
def test_roster_that_is_not_a_regular_file_is_refused(
    catalog: Catalog, tmp_path: Path, make: object, kind: str
) -> None:
    assert callable(make)
    path = make(tmp_path)
    with pytest.raises(UnsafeFile, match=kind):
        read_roster(path, catalog)


def test_symlink_to_a_roster_is_followed(catalog: Catalog, tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text(HEADER + "Ada,Grace,2027-03-01,\n", encoding="utf-8")
    (tmp_path / "pairs.csv").symlink_to(real)
    [pair] = read_roster(tmp_path / "pairs.csv", catalog)
    assert pair.mentee == "Grace"


def test_control_characters_are_row_errors(catalog: Catalog, tmp_path: Path) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + "Ada,Grace,2027-03-01,\nAl\x00an,Kay\x1b[2J,2027-03-01,\n")
    with pytest.raises(RosterInvalid) as info:
        read_roster(roster, catalog)
    message = info.value.format_message()
    assert f"{roster}:3:1: 'mentor' contains a control character (U+0000)" in message
    assert f"{roster}:3:2: 'mentee' contains a control character (U+001B)" in message


# --- rows ------------------------------------------------------------------------------------

BAD_DATES = (
    ("2027-W03", "is not a date like 2027-02-01 (YYYY-MM-DD)"),
    ("11/01/2027", "is not a date like 2027-02-01 (YYYY-MM-DD)"),
    ("2027-1-5", "is not a date like 2027-02-01 (YYYY-MM-DD)"),
    ("20270105", "is not a date like 2027-02-01 (YYYY-MM-DD)"),
    ("\uff12\uff10\uff12\uff17-01-05", "is not a date like 2027-02-01 (YYYY-MM-DD)"),  # fullwidth
    ("2027-02-30", "is not a date like 2027-02-01 (no such day)"),
    ("1969-12-31", "is out of range: the year must be from 1970 to 2200"),
    ("2201-01-01", "is out of range: the year must be from 1970 to 2200"),
)


def test_every_bad_date_is_reported_with_line_and_column(catalog: Catalog, tmp_path: Path) -> None:
    roster = tmp_path / "pairs.csv"
    lines = [f",M{n},S{n},{date}" for n, (date, _) in enumerate(BAD_DATES)]
    # start_date is the fourth column here, so the column is read from the header.
    roster.write_text("goals,mentee,mentor,start_date\n,Zoe,Ada,2027-03-01\n" + "\n".join(lines))
    with pytest.raises(RosterInvalid) as info:
        read_roster(roster, catalog)
    message = info.value.format_message()
    for line, (date, why) in enumerate(BAD_DATES, 3):
        assert f"{roster}:{line}:4: start_date '{date}' {why}" in message
    assert ":2:" not in message


def test_bad_roster_rows_are_all_reported_with_line_numbers(
    catalog: Catalog, tmp_path: Path
) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_text(
        HEADER + "Ada,Grace,2027-03-01,\n,Barbara,2027-13-01,\nAlan,Kay,2027-04-05,nope\n"
    )
    with pytest.raises(RosterInvalid) as info:
        render_roster(catalog, roster, tmp_path / "out")
    message = info.value.format_message()
    assert f"{roster}:3:1: 'mentor' is empty" in message
    assert f"{roster}:3:3: start_date '2027-13-01' is not a date" in message
    assert f"{roster}:4:4: goal 'nope' is not in the catalog" in message
    assert not (tmp_path / "out").exists()


def test_rows_of_only_separators_are_skipped_like_blank_lines(
    catalog: Catalog, tmp_path: Path
) -> None:
    # Excel saves rows whose cells were cleared as ",,,": not a pair with three empty cells.
    roster = tmp_path / "pairs.csv"
    rows = HEADER + ",,,\nAda,Grace,2027-03-01,\n\n , ,,\n,,,\n"
    roster.write_bytes(rows.replace("\n", "\r\n").encode("utf-8"))
    assert [(p.mentor, p.mentee) for p in read_roster(roster, catalog)] == [("Ada", "Grace")]


def test_a_repeated_pair_is_refused_naming_both_rows(catalog: Catalog, tmp_path: Path) -> None:
    """The report counts a pair by its names: a row pasted twice (or differing only in case and
    spacing, or in its date) would make two booklets whose returns count as one pair's."""
    roster = tmp_path / "pairs.csv"
    rows = [
        "Ada,Grace,2027-03-01,",
        "Alan,Kay,2027-03-01,",
        "ada ,  GRACE,2027-05-01,",
        "Ada,Grace,2027-03-01,",
        "Grace,Ada,2027-03-01,",  # the other way round: another pair
    ]
    roster.write_text(HEADER + "\n".join(rows) + "\n")
    with pytest.raises(RosterInvalid) as info:
        render_roster(catalog, roster, tmp_path / "out")
    message = info.value.format_message()
    assert f"{roster}:4: mentee 'GRACE' and mentor 'ada' are already a pair on line 2" in message
    assert f"{roster}:5: mentee 'Grace' and mentor 'Ada' are already a pair on line 2" in message
    assert message.count("already a pair") == 2
    assert not (tmp_path / "out").exists()


def test_the_repeat_check_confirms_what_its_filter_flags(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Distinct pairs pass whatever the filter flags: with 64 bits every row after the first
    few is flagged, and the second read finds no repeat among them."""
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + "".join(f"Mentor {n},Mentee {n},2027-03-01,\n" for n in range(300)))
    monkeypatch.setattr(roster_module._Repeats, "BITS", 64)
    flagged: list[int] = []
    confirm = roster_module._Repeats.confirm

    def counted(self: roster_module._Repeats, path: Path, catalog: Catalog) -> list[str]:
        flagged.append(len(self.flagged))
        return confirm(self, path, catalog)

    monkeypatch.setattr(roster_module._Repeats, "confirm", counted)
    assert len(read_roster(roster, catalog)) == 300
    assert flagged and flagged[0] > 200  # nearly all were candidates, none a repeat
    roster.write_text(roster.read_text() + "Mentor 7,Mentee 7,2027-04-01,\n")
    with pytest.raises(RosterInvalid, match=r":302: mentee 'Mentee 7' .* on line 9"):
        read_roster(roster, catalog)


def test_missing_roster_column(catalog: Catalog, tmp_path: Path) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_text("mentor,mentee,Start\nAda,Grace,2027-03-01\n")
    with pytest.raises(RosterInvalid) as info:
        render_roster(catalog, roster, tmp_path / "out")
    assert info.value.format_message().endswith(
        ":1: missing column(s): start_date (the first line has: 'mentor', 'mentee', 'Start')"
    )


def test_headers_as_a_spreadsheet_user_types_them(catalog: Catalog, tmp_path: Path) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_text(" Mentor ;MENTEE;Start Date;Goals\nAda;Grace;2027-03-01;\n")
    assert [(p.mentor, p.mentee, p.start) for p in read_roster(roster, catalog)] == [
        ("Ada", "Grace", "2027-03-01")
    ]


# --- rendering (kept small: rendering is slow) -----------------------------------------------


@pytest.fixture(scope="module")
def booklets(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two pairs from a UTF-8 roster with a BOM (as Excel's "CSV UTF-8" writes it), A4 only."""
    folder = tmp_path_factory.mktemp("booklets")
    roster = folder / "pairs.csv"
    rows = (
        HEADER + "José Núñez,Zoë Ångström,2027-03-01,alpha\nAlan Kay,Barbara Liskov,2027-04-05,\n"
    )
    roster.write_bytes(b"\xef\xbb\xbf" + rows.replace("\n", "\r\n").encode("utf-8"))
    written = render_roster(catalog, roster, folder / "out", papers=("a4",))
    assert written == [
        folder / "out/a4/pair-001-zoe-angstrom.pdf",
        folder / "out/a4/pair-002-barbara-liskov.pdf",
    ]
    return folder / "out"


def test_bom_roster_names_come_through(booklets: Path) -> None:
    text = pdf_text(booklets / "a4/pair-001-zoe-angstrom.pdf", layout=True)
    assert "Zoë Ångström" in text and "José Núñez" in text
    assert "2027-03-08" in text  # alpha's first milestone, from this pair's start
    assert "Barbara Liskov" in pdf_text(booklets / "a4/pair-002-barbara-liskov.pdf")


def test_smaller_roster_leaves_exactly_its_pairs(
    catalog: Catalog, booklets: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(booklets, out)
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + "Alan Kay,Barbara Liskov,2027-04-05,alpha\n", encoding="utf-8")
    render_roster(catalog, roster, out, papers=("a4",))
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert files == ["a4/pair-001-barbara-liskov.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pairs.csv"]  # no staging left


def test_failed_render_keeps_the_previous_output(booklets: Path, tmp_path: Path) -> None:
    # An override template that breaks on the second pair only: the first PDF is already
    # written (into the staging folder) when the render fails.
    repo = make_repo("minimal", tmp_path / "repo")
    template = (TEMPLATES / "document.html").read_text(encoding="utf-8")
    override = repo / "overrides/handbook/document.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        template + '{% if pair and pair.mentee == "Boom" %}{{ no_such_name }}{% endif %}\n'
    )
    outcome = check_repository(repo)
    assert outcome.catalog is not None, outcome.problems
    out = tmp_path / "out"
    shutil.copytree(booklets, out)
    before = tree_digest(out)
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + "Ada,Grace,2027-03-01,alpha\nZed,Boom,2027-03-01,alpha\n")
    with pytest.raises(BuildFailed, match="no_such_name"):
        render_roster(outcome.catalog, roster, out, papers=("a4",))
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pairs.csv", "repo"]


def test_output_folder_with_other_files_is_not_replaced(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + "Ada,Grace,2027-03-01,\n", encoding="utf-8")
    with pytest.raises(HandbookError, match="choose a new or empty folder"):
        render_roster(catalog, roster, out, papers=("a4",))
    assert (out / "notes.txt").read_text() == "mine"


def _overlapping_words(pdf: Path) -> list[tuple[int, str, str]]:
    """Pairs of words whose boxes overlap, per page (pdftotext -bbox): text drawn over text."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">')
    found = []
    for number, page in enumerate(out.split("<page ")[1:], 1):
        boxes = [
            (tuple(map(float, m.groups())), page[m.end() : m.end() + 20])
            for m in word.finditer(page)
        ]
        for i, ((x0, y0, x1, y1), a) in enumerate(boxes):
            for (u0, v0, u1, v1), b in boxes[i + 1 :]:
                if x0 < u1 - 0.5 and u0 < x1 - 0.5 and y0 < v1 - 0.5 and v0 < y1 - 0.5:
                    found.append((number, a.split("<")[0], b.split("<")[0]))
    return found


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_long_names_wrap_below_their_line_not_over_the_next_heading(
    catalog: Catalog, tmp_path: Path, paper: str
) -> None:
    # Mentee, mentor and date share one row on the check-in log and the goal sheets: a name
    # that wraps onto three lines there used to overflow its 8.5 mm blank, through the rule
    # and over the heading below it.
    mentee = "Bartholomäus Konstantin Friedrich-Wilhelm Schwarzenberg-Liechtenstein der Jüngere"
    mentor = "Maximiliane Alexandra Theodora von und zu Hohenzollern-Sigmaringen-Wittelsbach"
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + f"{mentor},{mentee},2027-03-01,alpha\n", encoding="utf-8")
    [booklet] = render_roster(catalog, roster, tmp_path / "out", papers=(paper,))
    assert "Jüngere" in pdf_text(booklet)
    assert _overlapping_words(booklet) == []
