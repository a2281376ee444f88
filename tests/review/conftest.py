"""One git repository for the module's tests: its worksheet cache stays warm between them.

The cache starts as the one the shared full build of the same catalog left (tests/conftest.py),
as on a machine that has built the catalog before: `handbook diff` renders BASE as if it lay in
the working tree, so its worksheets come from those entries, and only the sheets a test changes
are rendered."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.review.gitrepo import make_repository, reset


@pytest.fixture(scope="package")
def shared_repo(tmp_path_factory: pytest.TempPathFactory, full_build: Path) -> Path:
    repo = make_repository(tmp_path_factory.mktemp("review") / "repo")
    shutil.copytree(full_build / ".cache/worksheets", repo / ".cache/worksheets")  # git-ignored
    return repo


@pytest.fixture()
def repo(shared_repo: Path) -> Iterator[Path]:
    yield reset(shared_repo)
    reset(shared_repo)
