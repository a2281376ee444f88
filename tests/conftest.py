"""Shared fixtures: the repository, a copy of it to break, and the default catalog."""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.catalog.model import Catalog
from generator.validate.check import check_repository

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def default_catalog() -> Catalog:
    outcome = check_repository(REPO)
    assert outcome.ok, "\n".join(f"{p.file}:{p.line}: {p.message}" for p in outcome.problems)
    assert outcome.catalog is not None
    return outcome.catalog


def copy_repository(dest: Path) -> Path:
    """A throwaway copy of the repository's catalog: content/, mkdocs.yml, overrides/."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "content", dest / "content")
    for name in ("mkdocs.yml",):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, dest / name)
    if (REPO / "overrides").exists():
        shutil.copytree(REPO / "overrides", dest / "overrides")
    return dest


@pytest.fixture()
def repo_copy(tmp_path: Path) -> Iterator[Path]:
    yield copy_repository(tmp_path / "repo")


@pytest.fixture(scope="session")
def full_build(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A copy of the repository built in full (site, PDFs, book, offline copy) by `handbook
    build`, once per test run: the test workers share it (the first one builds it, under a
    lock). Read only: copy its site/ before changing anything."""
    from click.testing import CliRunner

    from generator.cli import main

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base  # the run's folder, all workers'
    root = shared / "full-build" / "repo"
    with (shared / "full-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "site" / "index.html").is_file():
            shutil.rmtree(root.parent, ignore_errors=True)
            copy_repository(root)
            result = CliRunner().invoke(main, ["build", "--root", str(root)])
            assert result.exit_code == 0, result.output
    return root
