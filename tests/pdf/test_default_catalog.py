"""The default catalog's worksheets: every goal's labels and prompts, no WeasyPrint warnings.

The sheets are those `handbook build` published in the shared full build (tests/conftest.py),
whose WeasyPrint warnings that build recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalog.model import Catalog
from generator.outputs import worksheet_files
from tests.conftest import shared_outcome
from tests.fixtures import pdf_text


@pytest.fixture(scope="module")
def goal_pdfs(default_catalog: Catalog, full_build: Path) -> dict[str, Path]:
    warnings = shared_outcome(full_build)["weasyprint"]
    assert not warnings, warnings
    site = full_build / "site"
    files = [f for f in worksheet_files(default_catalog, ("a4",)) if f.kind == "goal"]
    assert sorted(
        p.relative_to(site).as_posix() for p in site.glob("worksheets/a4/goal-*.pdf")
    ) == sorted(f.path for f in files)
    return {f.key: site / f.path for f in files}


def test_every_goal_worksheet_has_its_labels_and_prompts(
    default_catalog: Catalog, goal_pdfs: dict[str, Path]
) -> None:
    assert set(goal_pdfs) == {g.id for g in default_catalog.goals}
    for goal in default_catalog.goals:
        raw = pdf_text(goal_pdfs[goal.id])
        text = " ".join(raw.split())
        expected = [goal.title, *(p.label for p in goal.smart.placeholders)]
        expected += [p.prompt for p in goal.smart.prompts]
        expected += [m.title for m in goal.milestones] + list(goal.check_in_questions)
        missing = [e for e in expected if " ".join(e.split()) not in text]
        assert not missing, f"{goal.id}: {missing}"
