"""The default catalog's worksheets: every goal's labels and prompts, no WeasyPrint warnings."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from generator.catalog.model import Catalog
from generator.pdf.render import render_worksheets
from tests.fixtures import pdf_text


@pytest.fixture(scope="module")
def goal_pdfs(
    default_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("default")
    logger = logging.getLogger("weasyprint")
    records: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        written = render_worksheets(default_catalog, out, papers=("a4",))
    finally:
        logger.removeHandler(handler)
    assert not records, records
    return {p.stem.removeprefix("goal-"): p for p in written if p.stem.startswith("goal-")}


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
