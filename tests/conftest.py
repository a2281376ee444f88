"""Shared fixtures: the repository, a copy of it to break, the default catalog, and the builds
that several test files read (tests/shared_builds.py)."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.catalog.model import Catalog
from generator.validate.check import check_repository
from tests import shared_builds
from tests.fixtures import copy_repository

__all__ = ["REPO", "copy_repository"]  # tests import both from here

REPO = Path(__file__).resolve().parents[1]

# Shared builds worth starting as soon as the tests are collected, by the fixture that reads
# them. Others are started by the first test that asks for them.
BACKGROUND = {"full_build": "full-build", "german_build": "german-build"}

_started: list[subprocess.Popen[bytes]] = []  # the builds this process started

# The order in which the test files go to the workers (`make test`: -n auto --dist loadfile
# --no-loadscope-reorder): the longest first, so that no long file is left for the end while
# the other worker idles, except that the first three need no shared build (those are made
# beside them). Seconds: each file in a whole run on the 2-core machine (the first three share
# it with the shared builds). Files not listed follow in collection order, each under 10 s.
FILE_ORDER = {
    "tests/report/test_collect.py": 87,  # no shared build
    "tests/pdf/test_reuse.py": 51,  # no shared build
    "tests/website/test_mkdocs_parallel.py": 25,  # no shared build
    "tests/website/test_browser.py": 173,
    "tests/review/test_diff.py": 59,
    "tests/book/test_book.py": 53,
    "tests/validate/test_parity.py": 35,
    "tests/test_admin_e2e.py": 32,
    "tests/pdf/test_worksheets.py": 30,
    "tests/test_fillable_site.py": 27,
    "tests/pdf/test_cli.py": 22,
    "tests/website/test_offline.py": 18,
    "tests/pdf/test_pages_fit.py": 15,
    "tests/safety/test_templates.py": 14,
    "tests/pdf/test_shards.py": 13,
    "tests/safety/test_prescan.py": 12,
    "tests/safety/test_scan.py": 11,
    "tests/safety/test_bounded_time.py": 11,
    "tests/safety/test_cache.py": 10,
}


def _run_folder(config: pytest.Config) -> Path:
    """The test run's folder, the same for every worker (a worker's basetemp lies inside it)."""
    base: Path = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    return base.parent if hasattr(config, "workerinput") else base


def start_build(config: pytest.Config, name: str) -> Path:
    """Start the shared build `name` unless a test process of this run already has; its folder.

    The build process inherits the lock on running.lock taken here and holds it until it ends.
    """
    shared = _run_folder(config)
    folder = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not folder.is_dir():
            folder.mkdir()
            with (
                (folder / shared_builds.LOCK).open("w") as running,
                (folder / "log").open("wb") as log,
            ):
                fcntl.flock(running, fcntl.LOCK_EX)
                _started.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "tests.shared_builds", name, str(folder)],
                        cwd=REPO,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        pass_fds=(running.fileno(),),
                        start_new_session=True,  # its own process group, to stop it whole
                    )
                )
    return folder


def shared_build(config: pytest.Config, name: str) -> Path:
    """The repository of the shared build `name` (tests/shared_builds.py), once it is built.
    Read only: copy what you change."""
    folder = start_build(config, name)
    result = folder / shared_builds.RESULT
    while not result.is_file():
        with (folder / shared_builds.LOCK).open() as running:
            try:
                fcntl.flock(running, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:  # still building
                time.sleep(0.1)
                continue
        if not result.is_file():  # the build process ended without a result
            log = (folder / "log").read_text(errors="replace")
            pytest.fail(f"the shared build {name} died:\n{log}")
    outcome = shared_outcome(folder / "repo")
    assert outcome["exit_code"] == 0, outcome["output"]
    return folder / "repo"


def shared_outcome(root: Path) -> dict[str, Any]:
    """What the build of a shared repository reported: exit_code, output, weasyprint (its
    warnings)."""
    outcome: dict[str, Any] = json.loads((root.parent / shared_builds.RESULT).read_text())
    return outcome


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    order = {path: n for n, path in enumerate(FILE_ORDER)}
    items.sort(key=lambda item: order.get(item.nodeid.split("::", 1)[0], len(order)))  # stable
    if config.option.collectonly:
        return
    needed = {fixture for item in items for fixture in item.fixturenames} & set(BACKGROUND)
    for item in items:
        marker = item.get_closest_marker("uses_full_build")
        if marker is not None:
            needed.add("full_build")
    for fixture in sorted(needed):
        start_build(config, BACKGROUND[fixture])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    stopped = exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldfail or session.shouldstop
    for process in _started:
        if stopped and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def default_catalog() -> Catalog:
    outcome = check_repository(REPO)
    assert outcome.ok, "\n".join(f"{p.file}:{p.line}: {p.message}" for p in outcome.problems)
    assert outcome.catalog is not None
    return outcome.catalog


@pytest.fixture()
def repo_copy(tmp_path: Path) -> Iterator[Path]:
    yield copy_repository(tmp_path / "repo")


@pytest.fixture(scope="session")
def full_build(request: pytest.FixtureRequest) -> Path:
    """A copy of the repository built in full (site, PDFs, book, offline copy) by `handbook
    build` with SOURCE_DATE_EPOCH at 2026-01-01, once per test run for every worker. Read only:
    copy its site/ before changing anything."""
    return shared_build(request.config, "full-build")


@pytest.fixture(scope="session")
def german_build(request: pytest.FixtureRequest) -> Path:
    """The same as full_build with `language: de` in organization.yml. Read only."""
    return shared_build(request.config, "german-build")
