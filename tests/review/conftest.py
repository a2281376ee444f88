"""One git repository for the module's tests: its worksheet cache stays warm between them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.review.gitrepo import make_repository, reset


@pytest.fixture(scope="package")
def shared_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repository(tmp_path_factory.mktemp("review") / "repo")


@pytest.fixture()
def repo(shared_repo: Path) -> Iterator[Path]:
    yield reset(shared_repo)
    reset(shared_repo)
