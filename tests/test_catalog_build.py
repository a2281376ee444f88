"""Building the Catalog: goals built on every core (large catalogs) equal those built in one."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalog import build as catalog_build
from generator.export import catalog_to_json
from generator.validate.check import check_repository


def test_parallel_goal_building_equals_serial(
    repo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_build, "PARALLEL_MIN_GOALS", 10**9)
    serial = check_repository(repo_copy).catalog
    monkeypatch.setattr(catalog_build, "PARALLEL_MIN_GOALS", 1)  # 16 goals in 8 slices
    parallel = check_repository(repo_copy).catalog
    assert serial is not None and parallel is not None
    assert parallel == serial
    assert [g.id for g in parallel.goals] == [g.id for g in serial.goals]
    assert catalog_to_json(parallel) == catalog_to_json(serial)
