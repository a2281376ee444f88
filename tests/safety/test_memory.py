"""Scan verdicts remembered between builds: an unchanged file is not scanned again, and a
remembered verdict never hides a change (the file, the scripts it loads, the rules)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from generator.memo import read_json
from generator.safety.memory import Memory
from generator.safety.scan import OFFLINE_INDEXES, SCRIPT_SUFFIXES, _context, scan_output
from tests.conftest import REPO, copy_repository
from tests.website.sitetools import build

THEME_DIRS = (REPO / "overrides",)
HOSTILE = "<script>alert(1)</script></body>"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_repository(tmp_path_factory.mktemp("memory") / "repo"))


@pytest.fixture()
def site(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built, tmp_path / "site"))


def scan(site: Path, memory: Path, **options: frozenset[str]) -> list[str]:
    found = scan_output(site, theme_dirs=THEME_DIRS, memory=memory, **options)
    return sorted({f.file for f in found})


def remember_as_passed(site: Path, memory: Path, rel: str) -> None:
    """What an earlier build would have written had `rel` passed it (as memory.py keys it)."""
    kept = Memory(memory, _context(site, frozenset(), THEME_DIRS, "mkdocs"), "mkdocs")
    digest = hashlib.sha256((site / rel).read_bytes()).digest()
    kept.kept = dict(kept.known)
    kept.keep(rel, (digest, ()))
    kept.save()


def test_every_file_but_scripts_is_remembered_with_the_scripts_it_loads(
    site: Path, tmp_path: Path
) -> None:
    memory = tmp_path / "scan.json"
    assert scan(site, memory) == []
    kept = read_json(memory)
    files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    rememberable = [
        f for f in files if f not in OFFLINE_INDEXES and Path(f).suffix not in SCRIPT_SUFFIXES
    ]
    assert len(kept) == len(rememberable) > 40
    rests = {r for scripts in kept.values() for r in scripts}
    assert any(r.startswith("assets/javascripts/bundle.") for r in rests)
    assert scan(site, memory) == []  # read back: still silent
    assert read_json(memory) == kept


def test_a_remembered_verdict_is_used_but_only_under_the_same_rules(
    site: Path, tmp_path: Path
) -> None:
    memory = tmp_path / "scan.json"
    page = "smart/index.html"
    target = site / page
    target.write_text(target.read_text().replace("</body>", HOSTILE, 1))
    assert scan(site, memory) == [page]
    assert scan(site, memory) == [page]  # findings are never remembered
    remember_as_passed(site, memory, page)  # a verdict planted in the memory file is trusted:
    assert scan(site, memory) == []  # the page was not scanned again (this is the saving)
    # Other rules (allowed hosts here; also the engine, the theme's scripts, the scanner's
    # source and versions) give other keys: the page is scanned again.
    assert scan(site, memory, allowed_hosts=frozenset({"example.org"})) == [page]
    remember_as_passed(site, memory, page)
    target.write_text(target.read_text() + " ")  # other bytes: scanned again
    assert scan(site, memory) == [page]


def test_a_remembered_page_counts_only_while_its_scripts_are_the_themes(
    site: Path, tmp_path: Path
) -> None:
    memory = tmp_path / "scan.json"
    assert scan(site, memory) == []
    bundle = next(site.glob("assets/javascripts/bundle.*.js"))
    bundle.write_text("alert(1)")  # a page unchanged since it passed now loads a foreign script
    found = scan(site, memory)
    assert bundle.relative_to(site).as_posix() in found
    pages = [f for f in found if f.endswith(".html")]
    assert "index.html" in pages and len(pages) > 10


def test_an_unreadable_memory_file_is_ignored_and_replaced(site: Path, tmp_path: Path) -> None:
    memory = tmp_path / "scan.json"
    memory.write_text('{"not": 1, "a list": [3]}')
    assert scan(site, memory) == []
    assert all(isinstance(v, list) for v in read_json(memory).values())
    memory.write_text("\0garbage")
    assert scan(site, memory) == []
