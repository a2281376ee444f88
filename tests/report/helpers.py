"""Blank fillable sheets rendered once, and filling them with known answers (pypdf)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from generator.catalog.model import Catalog
from generator.outputs import worksheet_files
from generator.pdf.render import Renderer, job_for, run_jobs
from generator.pdf.roster import render_roster

GOAL = "learn-new-skills"
PAIRS = [(f"Mentor {n}", f"Mentee {n}") for n in range(1, 7)]
START = "2027-02-01"


@dataclass
class Blanks:
    booklets: list[Path]  # one per pair of PAIRS, names and start date printed in
    evaluation: Path


def render_blanks(catalog: Catalog, out: Path) -> Blanks:
    """A 6-pair roster's fillable booklets (one goal each) and the fillable evaluation, A4."""
    roster = out / "pairs.csv"
    rows = [f"{mentor},{mentee},{START},{GOAL}" for mentor, mentee in PAIRS]
    roster.write_text("mentor,mentee,start_date,goals\n" + "\n".join(rows) + "\n")
    booklets = render_roster(catalog, roster, out / "pairs", papers=("a4",), fillable=True)
    files = [f for f in worksheet_files(catalog, ("a4",)) if f.key == "evaluation"]
    run_jobs(Renderer(catalog, True), [job_for(catalog, files[0])], out / "forms", None, None)
    return Blanks(sorted(booklets), out / "forms" / files[0].path)


def fill(source: Path, target: Path, values: dict[str, str], mtime: float | None = None) -> Path:
    """A copy of source with the fields filled (radio/checkbox values as /name)."""
    writer = PdfWriter(clone_from=PdfReader(source))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    writer.write(target)
    if mtime is not None:
        os.utime(target, (mtime, mtime))
    return target
