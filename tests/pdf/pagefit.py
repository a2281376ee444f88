"""Rasterize a PDF's last page and say whether it is near-empty or a signature block alone."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from generator.catalog.model import Catalog
from generator.pdf.render import PAGE_MARGINS_MM

DPI = 20  # enough to see where ink is; a page rasterizes in milliseconds
MIN_FILL = 0.25  # the last page's ink must reach at least this far down its text area
INK = 200  # grey levels below this count as ink


def last_page_fill(pdf: Path, paper: str) -> float:
    """How far down the last page's text area (between the page margins) ink reaches, 0-1."""
    last = len(PdfReader(pdf).pages)
    with tempfile.TemporaryDirectory() as tmp:
        args = ["-r", str(DPI), "-gray", "-f", str(last), "-l", str(last), str(pdf)]
        subprocess.run(
            ["pdftoppm", *args, f"{tmp}/page"],
            check=True,
        )
        image = Image.open(next(Path(tmp).glob("page*"))).convert("L")
    width, height = image.size
    top, bottom = (round(mm / 25.4 * DPI) for mm in PAGE_MARGINS_MM[paper])
    side = round(15 / 25.4 * DPI)
    pixels = image.load()
    inked = [
        y
        for y in range(top, height - bottom)
        if any(pixels[x, y] < INK for x in range(side, width - side))
    ]
    return (max(inked) - top + 1) / (height - bottom - top) if inked else 0.0


def signature_labels(catalog: Catalog) -> list[str]:
    """Every label printed over a signature line, in the catalog's language."""
    w = catalog.worksheets
    forms = (w.agreement, w.midpoint_reflection, w.closure_reflection, w.evaluation)
    labels = [
        f.label for form in forms for s in form.sections for f in s.fields if f.kind == "signature"
    ]
    keys = ("worksheet.mentee_signature", "worksheet.mentor_signature")
    return labels + [catalog.ui(k) for k in (*keys, "worksheet.program.owner_signature")]


def only_signatures(pdf: Path, catalog: Catalog, running: list[str]) -> bool:
    """True if the last page holds nothing but signature labels (besides header and footer)."""
    last = len(PdfReader(pdf).pages)
    text = pdf_text_page(pdf, last)
    for part in sorted([*signature_labels(catalog), *running], key=len, reverse=True):
        text = text.replace(part, " ")
    text = re.sub(
        rf"{catalog.ui('worksheet.page')} \d+ {catalog.ui('worksheet.of')} \d+", " ", text
    )
    return not text.split()


def pdf_text_page(pdf: Path, page: int) -> str:
    args = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return " ".join(subprocess.run(args, capture_output=True, text=True, check=True).stdout.split())
