"""Roster shards: a stable partition by pair, manifests, and a merge that checks every pair."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.catalog.model import Catalog
from generator.cli import main
from generator.pdf.render import Pair
from generator.pdf.roster import scan_roster
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
