"""Roster shards: a stable partition by pair, manifests, and a merge that checks every pair."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.catalog.model import Catalog
from generator.cli import main
from generator.pdf.render import Pair
from generator.pdf.roster import (
    plan_roster,
    read_roster,
    render_roster,
    scan_roster,
    stream_batches,
)
from generator.pdf.shards import Shard, pair_id
from generator.validate.check import check_repository
from tests.fixtures import make_repo

HEADER = "mentor,mentee,start_date,goals\n"
ROWS = [f"Mentor {n},Mentee {n},2027-{n % 12 + 1:02d}-{n % 28 + 1:02d},\n" for n in range(300)]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo("minimal", tmp_path_factory.mktemp("shards") / "repo")


@pytest.fixture(scope="module")
def catalog(repo: Path) -> Catalog:
    outcome = check_repository(repo)
    assert outcome.catalog is not None, outcome.problems
    return outcome.catalog


def partition(catalog: Catalog, roster: Path, count: int) -> list[set[str]]:
    """The pair identities of each shard, as a streaming pass assigns them."""
    shards: list[set[str]] = [set() for _ in range(count)]

    def visit(_: int, pair: Pair) -> None:
        owners = [i for i in range(1, count + 1) if Shard(i, count).owns(pair)]
        assert len(owners) == 1
        shards[owners[0] - 1].add(pair_id(pair))

    scan_roster(roster, catalog, visit)
    return shards


def test_partition_is_stable_under_row_shuffles(catalog: Catalog, tmp_path: Path) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    before = partition(catalog, roster, 4)
    shuffled = ROWS[:]
    random.Random(7).shuffle(shuffled)
    roster.write_text(HEADER + "".join(shuffled), encoding="utf-8")
    assert partition(catalog, roster, 4) == before
    assert sum(len(s) for s in before) == len(ROWS)  # every pair in exactly one shard
    assert all(40 < len(s) < 110 for s in before)  # and the split is roughly even


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0"])
def test_bad_shard_is_a_usage_error(repo: Path, tmp_path: Path, text: str) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + ROWS[0])
    args = ["worksheets", "--root", str(repo), "--roster", str(roster), "--shard", text]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "--shard" in result.output


def worksheets(repo: Path, *args: str | Path) -> tuple[int, str]:
    """`handbook worksheets --root repo ARGS...`: exit code and output."""
    result = CliRunner().invoke(main, ["worksheets", "--root", str(repo), *map(str, args)])
    return result.exit_code, result.output


def test_shards_render_every_pair_once_and_merge_checks_them(repo: Path, tmp_path: Path) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + "".join(ROWS[:5]), encoding="utf-8")
    outs = [tmp_path / f"out-{i}" for i in (1, 2, 3)]
    for i, out in enumerate(outs, 1):
        code, output = worksheets(repo, "--roster", roster, "--shard", f"{i}/3", "-o", out)
        assert code == 0, output
        assert (out / f"manifest-{i}-of-3.json").is_file()
    rows = [
        entry["row"]
        for i, out in enumerate(outs, 1)
        for entry in json.loads((out / f"manifest-{i}-of-3.json").read_text())["pairs"]
    ]
    assert sorted(rows) == [1, 2, 3, 4, 5]
    merged = tmp_path / "merged"
    code, output = worksheets(repo, "--merge-shards", *outs, "-o", merged)
    assert code == 0, output
    assert len(list(merged.rglob("*.pdf"))) == 5

    # A missing shard: named, with the pairs it held, and the merged folder is left as it was.
    empty = next(i for i, out in enumerate(outs, 1) if list(out.rglob("*.pdf")))
    rest = [out for i, out in enumerate(outs, 1) if i != empty]
    code, output = worksheets(repo, "--merge-shards", *rest, "-o", merged)
    assert code == 1, output
    assert f"missing shard(s): {empty}/3" in output
    assert "pairs are in no shard" in output
    assert len(list(merged.rglob("*.pdf"))) == 5

    # A changed file and a shard given twice are caught too.
    pdf = next(outs[empty - 1].rglob("*.pdf"))
    pdf.write_bytes(pdf.read_bytes() + b"\n")
    code, output = worksheets(repo, "--merge-shards", *outs, outs[0], "-o", merged)
    assert code == 1, output
    assert f"{pdf}: missing or changed" in output
    assert "shard 1/3 appears twice" in output


def test_calendars_are_in_the_manifests_and_merge_like_an_unsharded_run(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + "".join(ROWS[:6]), encoding="utf-8")
    whole = tmp_path / "whole"
    code, output = worksheets(repo, "--roster", roster, "--ics", "-o", whole)
    assert code == 0, output
    outs = [tmp_path / f"out-{i}" for i in (1, 2)]
    for i, out in enumerate(outs, 1):
        code, output = worksheets(repo, "--roster", roster, "--shard", f"{i}/2", "--ics", "-o", out)
        assert code == 0, output
        manifest = json.loads((out / f"manifest-{i}-of-2.json").read_text())
        listed = {f["path"] for entry in manifest["pairs"] for f in entry["files"]}
        assert {p.relative_to(out).as_posix() for p in out.rglob("pair-*.ics")} == {
            p for p in listed if p.endswith(".ics")
        }
        assert manifest["calendar"]["path"] == "calendars/program-team.ics"
    merged = tmp_path / "merged"
    code, output = worksheets(repo, "--merge-shards", *outs, "-o", merged)
    assert code == 0, output

    def calendars(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in (folder / "calendars").iterdir()}

    assert calendars(merged) == calendars(whole)  # the team calendar too, byte for byte
    assert len(calendars(merged)) == 7
    # The CI merge job installs no Pango: merging must not import WeasyPrint.
    script = (
        "import sys\nfrom generator.cli import main\n"
        "main(sys.argv[1:], standalone_mode=False)\n"
        "assert 'weasyprint' not in sys.modules, 'merge imported WeasyPrint'\n"
    )
    args = ["worksheets", "--root", str(repo), "--merge-shards", *map(str, outs), "-o"]
    done = subprocess.run(
        [sys.executable, "-c", script, *args, str(tmp_path / "merged-2")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr

    # A shard rendered without --ics, and a changed team calendar, are refused.
    plain = tmp_path / "plain-2"
    code, output = worksheets(repo, "--roster", roster, "--shard", "2/2", "-o", plain)
    assert code == 0, output
    code, output = worksheets(repo, "--merge-shards", outs[0], plain, "-o", merged)
    assert code == 1 and f"these do not: {plain}" in output, output
    team = outs[0] / "calendars/program-team.ics"
    team.write_bytes(team.read_bytes().replace(b"Mentee", b"Mentey", 1))
    code, output = worksheets(repo, "--merge-shards", *outs, "-o", merged)
    assert code == 1 and f"{team}: missing or changed" in output, output
    assert calendars(merged) == calendars(whole)  # left as it was


def _roster_peak(catalog: Catalog, roster: Path, keep: list[object] | None) -> int:
    """tracemalloc's peak while both passes read the roster and plan every pair's jobs."""
    shard, papers = Shard(1, 1), ("a4", "letter")
    tracemalloc.start()
    try:
        plan = plan_roster(catalog, roster, shard, papers)
        stream_batches(
            catalog, roster, shard, papers, plan, keep.append if keep is not None else len
        )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_from_100_to_1000_pairs(catalog: Catalog, tmp_path: Path) -> None:
    rows = [f"Mentor {n},Mentee {n},2027-{n % 12 + 1:02d}-{n % 28 + 1:02d},\n" for n in range(1000)]
    small, big = tmp_path / "100.csv", tmp_path / "1000.csv"
    small.write_text(HEADER + "".join(rows[:100]), encoding="utf-8")
    big.write_text(HEADER + "".join(rows), encoding="utf-8")
    # Warm what is cached per distinct value (templates, parsed dates: at most one per day)
    _roster_peak(catalog, big, None)
    flat = _roster_peak(catalog, small, None), _roster_peak(catalog, big, None)
    kept = _roster_peak(catalog, small, []), _roster_peak(catalog, big, [])
    # The measure sees accumulation: keeping the batches grows with the roster.
    assert kept[1] - kept[0] > 500_000, kept
    # Streaming does not: 900 more pairs cost less than 64 KiB of peak.
    assert flat[1] - flat[0] < 64 * 1024, flat


def test_progress_counts_the_shards_sheets(catalog: Catalog, tmp_path: Path) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_text(HEADER + "".join(ROWS[:4]), encoding="utf-8")
    shard = Shard(1, 2)
    plan = plan_roster(catalog, roster, shard, ("a4",))
    reports: list[tuple[int, int, str]] = []
    render_roster(
        catalog,
        roster,
        tmp_path / "out",
        papers=("a4",),
        shard=shard,
        progress=lambda d, t, item: reports.append((d, t, item)),
    )
    owned = sum(shard.owns(p) for p in read_roster(roster, catalog))
    first = reports.pop(0)  # before any booklet: the shared sheets (generator/pdf/reuse.py)
    assert first[:2] == (0, plan.sheets) and "once" in first[2], first
    assert plan.pairs == owned and len(reports) == owned  # one report per booklet
    per_booklet = plan.sheets // owned
    assert per_booklet >= 5  # agreement, log, goal sheet(s), two reflections
    assert [d for d, _, _ in reports] == [per_booklet * k for k in range(1, owned + 1)]
    assert {t for _, t, _ in reports} == {plan.sheets}
    assert reports[-1][2].startswith(f"pair 1-{owned} of {owned}: a4/pair-")
