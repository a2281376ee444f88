"""No sheet ends on a near-empty page, in any kind, paper size and language (rasterized).

The sheets of the default catalog are those `handbook build` published in the shared full builds,
English and German (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalog.model import AUDIENCES, Catalog
from generator.outputs import WorksheetFile, worksheet_files
from generator.pdf.render import Renderer, job_for, run_jobs
from generator.validate.check import check_repository
from tests.conftest import copy_repository
from tests.pdf.pagefit import MIN_FILL, last_page_fill, only_signatures

LANGUAGES = ("en", "de")


@pytest.fixture(scope="module", params=LANGUAGES)
def built(request: pytest.FixtureRequest) -> tuple[Catalog, Path]:
    """The default catalog in a language and the site `handbook build` published for it."""
    root = request.getfixturevalue("full_build" if request.param == "en" else "german_build")
    outcome = check_repository(root)
    assert outcome.catalog is not None, outcome.problems
    assert outcome.catalog.organization.language == request.param
    assert set(outcome.catalog.organization.paper) == {"a4", "letter"}
    return outcome.catalog, root / "site"


def longest_goals(catalog: Catalog, renderer: Renderer) -> set[str]:
    """Per audience, the goal whose sheet has the most text: the one likeliest to spill."""
    files = {f.key: f for f in worksheet_files(catalog, ("a4",)) if f.kind == "goal"}
    size = {key: len(renderer.html(job_for(catalog, f))) for key, f in files.items()}
    return {
        max((g.id for g in catalog.goals_for(a)), key=size.__getitem__)
        for a in AUDIENCES
        if catalog.goals_for(a)
    }


def published(catalog: Catalog, every_goal: bool) -> list[WorksheetFile]:
    """Every sheet kind (goal sheets: all, or the longest per audience) in A4 and Letter."""
    renderer = Renderer(catalog)
    goals = {g.id for g in catalog.goals} if every_goal else longest_goals(catalog, renderer)
    return [
        f
        for f in worksheet_files(catalog, ("a4", "letter"))
        if f.kind in ("form", "kpi-sheet") or (f.kind == "goal" and f.key in goals)
    ]


def near_empty_last_pages(catalog: Catalog, out: Path, files: list[WorksheetFile]) -> list[str]:
    running = [catalog.organization.program_name, catalog.organization.name]
    bad = []
    for f in files:
        pdf = out / f.path
        title = job_for(catalog, f).title
        fill = last_page_fill(pdf, f.paper)
        if fill < MIN_FILL:
            bad.append(f"{f.path}: last page {fill:.0%} filled")
        elif only_signatures(pdf, catalog, [*running, title]):
            bad.append(f"{f.path}: last page holds only signatures")
    return bad


def test_no_sheet_kind_ends_on_a_near_empty_page(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    files = published(catalog, every_goal=False)
    assert {f.kind for f in files} == {"goal", "form", "kpi-sheet"}
    assert near_empty_last_pages(catalog, site, files) == []


@pytest.mark.slow
def test_no_goal_sheet_ends_on_a_near_empty_page(built: tuple[Catalog, Path]) -> None:
    catalog, site = built
    files = [f for f in published(catalog, every_goal=True) if f.kind == "goal"]
    assert near_empty_last_pages(catalog, site, files) == []


def test_the_check_finds_a_signature_block_alone_and_an_empty_page(tmp_path: Path) -> None:
    """The rule can fail: a closure reflection stretched until its signatures spill over."""
    root = copy_repository(tmp_path / "repo")
    sheets = root / "content/worksheets.yml"
    text = sheets.read_text()
    field = "{id: next-steps, label: Next steps for the mentee, kind: lines, lines: "
    text = text.replace(field + "3}", field + "8}")
    sheets.write_text(text)
    outcome = check_repository(root)
    assert outcome.catalog is not None, outcome.problems
    catalog = outcome.catalog
    f = next(f for f in worksheet_files(catalog, ("a4",)) if f.key == "closure-reflection")
    run_jobs(Renderer(catalog), [job_for(catalog, f)], tmp_path / "out", None, None)
    assert near_empty_last_pages(catalog, tmp_path / "out", [f]) != []
