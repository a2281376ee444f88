"""Shared fixtures: the repository, a copy of it to break, and the default catalog."""

from __future__ import annotations

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
