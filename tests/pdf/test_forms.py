"""Fillable sheets: every field has an appearance and a human tooltip, values read back as the
documented names and numbers, and typed text shows when poppler draws the filled form."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from generator.catalog.model import Catalog
from generator.outputs import worksheet_files
from generator.pdf.render import Renderer, job_for, run_jobs
from tests.fixtures import pdf_text

SHEETS = ("goal-find-a-sponsor", "goal-reduce-turnover", "evaluation", "check-in-log", "kpi-sheet")


@pytest.fixture(scope="module")
def sheets(default_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("forms")
    files = [f for f in worksheet_files(default_catalog, ("a4",)) if Path(f.path).stem in SHEETS]
    jobs = [job_for(default_catalog, f) for f in files]
    run_jobs(Renderer(default_catalog, fillable=True), jobs, out / "fillable", None, None)
    run_jobs(Renderer(default_catalog), jobs, out / "print", None, None)
    return out


def widgets(pdf: Path) -> list[dict]:  # type: ignore[type-arg]
    reader = PdfReader(pdf)
    return [
        a.get_object()
        for page in reader.pages
        for a in page.get("/Annots", [])
        if a.get_object().get("/Subtype") == "/Widget"
    ]


@pytest.mark.parametrize("stem", SHEETS)
def test_every_widget_has_appearances_and_a_human_tooltip(sheets: Path, stem: str) -> None:
    pdf = sheets / "fillable/worksheets/a4" / f"{stem}.pdf"
    found = widgets(pdf)
    assert found
    for w in found:
        field = w["/Parent"].get_object() if "/Parent" in w else w
        name, tip = str(field["/T"]), str(field.get("/TU", ""))
        assert "/N" in w["/AP"], name
        assert tip and tip != name and "." not in tip.split()[0], (name, tip)
        if field["/FT"] == "/Btn":
            assert "/Off" in w["/AP"]["/N"] and len(w["/AP"]["/N"]) == 2, name
        else:
            assert "/Helv" in str(w["/DA"]), name  # a standard font: typed glyphs always exist
    reader = PdfReader(pdf)
    assert all(page["/Tabs"] == "/S" for page in reader.pages)
    printable = PdfReader(sheets / "print/worksheets/a4" / f"{stem}.pdf")
    assert len(reader.pages) == len(printable.pages)


def test_fill_read_back_and_render(sheets: Path, tmp_path: Path) -> None:
    source = sheets / "fillable/worksheets/a4/evaluation.pdf"
    writer = PdfWriter(clone_from=PdfReader(source))
    values = {
        "participant.code": "AB-17",
        "evaluation.before.clarity": "/2",
        "evaluation.after.clarity": "/4",
        "evaluation.end.recommend": "/9",
        "evaluation.end.useful": "Zoë's questions",
        "evaluation.end.join-again": "/on",
    }
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    filled = tmp_path / "filled.pdf"
    writer.write(filled)
    fields = PdfReader(filled).get_fields() or {}
    assert {k: fields[k].get("/V") for k in values} == values
    flat = tmp_path / "flat.pdf"  # poppler draws the form's appearances into a plain PDF
    subprocess.run(["pdftocairo", "-pdf", str(filled), str(flat)], check=True)
    text = pdf_text(flat)
    assert "AB-17" in text and "Zoë's questions" in text


def test_documented_field_names(sheets: Path) -> None:
    """The names README documents for `handbook collect`, with their values."""
    goal = PdfReader(sheets / "fillable/worksheets/a4/goal-find-a-sponsor.pdf").get_fields() or {}
    outcome = goal["goal.find-a-sponsor.outcome"]
    assert set(outcome["/_States_"]) == {"/achieved", "/partly", "/not-yet"}
    assert "goal.find-a-sponsor.milestone.1.progress" in goal
    log = PdfReader(sheets / "fillable/worksheets/a4/check-in-log.pdf").get_fields() or {}
    assert set(log["log.1.status"]["/_States_"]) == {"/planned", "/moved", "/cancelled"}
    assert {"log.1.date", "log.1.minutes", "log.13.topics"} <= set(log)
    kpi = PdfReader(sheets / "fillable/worksheets/a4/kpi-sheet.pdf").get_fields() or {}
    parts = ("formula", "baseline", "target", "midpoint", "end", "source", "owner")
    assert {f"kpi.voluntary-turnover.{p}" for p in parts} <= set(kpi)
    meta = PdfReader(sheets / "print/worksheets/a4/evaluation.pdf").metadata
    assert meta is not None and "sheet.kind=evaluation" in str(meta.get("/Keywords"))
    assert "catalog.version=" in str(meta.get("/Keywords"))
