"""Whether two PDFs look the same page by page, up to glyph-width rounding.

Used by tests/pdf/test_reuse.py and benchmarks/roster_pages.py to compare a composed pair
booklet (generator/pdf/reuse.py) with a fresh render: the same words in the same places
(pdftotext -bbox) and the same rasterized pixels (pdftoppm) up to anti-aliasing. Exact pixel
equality is not reachable even between two fresh renders: WeasyPrint rounds each glyph's width
to 1/1000 em at the size a document first uses it, so a glyph can sit up to ~0.2 pt (on a long
line) from where another document puts it. `same_look` allows that and nothing more.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from PIL import Image, ImageChops

DRIFT_PT = 0.25  # how far a word may sit from the fresh render's (glyph-width rounding)
RESOLUTION = 72  # dpi of the raster comparison
MAX_CHANGED = 0.02  # share of pixels that may differ at all (anti-aliased glyph edges)
MAX_DELTA = 128  # no pixel may differ by half the scale or more: that would be a changed glyph

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def words(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        [(m[4], *(float(v) for v in m[:4])) for m in _WORD.findall(page)]
        for page in out.split("<page ")[1:]
    ]


def rasters(pdf: Path, folder: Path) -> list[Image.Image]:
    prefix = folder / pdf.stem
    subprocess.run(
        ["pdftoppm", "-r", str(RESOLUTION), "-gray", "-png", str(pdf), str(prefix)], check=True
    )
    pngs = sorted(folder.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [Image.open(png).convert("L") for png in pngs]


def same_look(fresh: Path, composed: Path, folder: Path) -> list[str]:
    """What differs between two PDFs' pages beyond glyph-width rounding (empty: nothing)."""
    problems: list[str] = []
    a, b = words(fresh), words(composed)
    if len(a) != len(b):
        return [f"{len(a)} pages against {len(b)}"]
    for n, (page_a, page_b) in enumerate(zip(a, b, strict=True), 1):
        if [w[0] for w in page_a] != [w[0] for w in page_b]:
            problems.append(f"page {n}: other words")
            continue
        drift = max(
            (
                abs(x - y)
                for wa, wb in zip(page_a, page_b, strict=True)
                for x, y in zip(wa[1:], wb[1:], strict=True)
            ),
            default=0.0,
        )
        if drift > DRIFT_PT:
            problems.append(f"page {n}: a word moved {drift:.2f} pt")
    (folder / "a").mkdir(parents=True, exist_ok=True)
    (folder / "b").mkdir(parents=True, exist_ok=True)
    for n, (x, y) in enumerate(
        zip(rasters(fresh, folder / "a"), rasters(composed, folder / "b"), strict=True), 1
    ):
        histogram = ImageChops.difference(x, y).histogram()
        changed = sum(histogram[1:]) / (x.width * x.height)
        if changed > MAX_CHANGED or any(histogram[MAX_DELTA:]):
            problems.append(f"page {n}: {changed:.2%} of pixels differ")
    return problems
