"""`handbook worksheets` and `handbook build` with PDFs, through the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from generator.cli import main
from tests.fixtures import make_repo


def test_worksheets_for_one_goal_fillable(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["worksheets", "--root", str(root), "--goal", "alpha", "--fillable", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    [pdf] = list(out.rglob("*.pdf"))
    assert pdf.name == "goal-alpha.pdf"
    assert "goal.alpha.smart.skill" in (PdfReader(pdf).get_fields() or {})


def test_unknown_goal_is_a_usage_error(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    result = CliRunner().invoke(main, ["worksheets", "--root", str(root), "--goal", "nope"])
    assert result.exit_code == 2
    assert "no enabled goal with id nope" in result.output


def test_bad_roster_exits_one_with_line_numbers(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    roster = tmp_path / "pairs.csv"
    roster.write_text("mentor,mentee,start_date\nAda,Grace,tomorrow\n")
    result = CliRunner().invoke(main, ["worksheets", "--root", str(root), "--roster", str(roster)])
    assert result.exit_code == 1
    assert f"{roster}:2:3: start_date 'tomorrow' is not a date" in result.output
    assert "Traceback" not in result.output


def test_build_with_pdfs_and_unchanged_rebuild(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    pdf = root / "site/worksheets/a4/goal-alpha.pdf"
    first = pdf.read_bytes()
    cached = sorted((root / ".cache/worksheets").glob("*.pdf"))
    assert len(cached) == 11
    mtimes = [p.stat().st_mtime_ns for p in cached]
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes() == first
    assert [
        p.stat().st_mtime_ns for p in sorted((root / ".cache/worksheets").glob("*.pdf"))
    ] == mtimes


def test_paper_option_decides_both_pdfs_and_links(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")  # organization.yml says letter only
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--paper", "a4"])
    assert result.exit_code == 0, result.output
    assert (root / "site/worksheets/a4/goal-alpha.pdf").is_file()
    assert not (root / "site/worksheets/letter").exists()
    page = (root / "site/goals/mentee/alpha/index.html").read_text()
    assert "worksheets/a4/goal-alpha.pdf" in page and "worksheets/letter/" not in page
