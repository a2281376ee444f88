"""Which worksheet pages change: page texts aligned with difflib, pixels where the text is equal.

Pages are compared by their text with the "Page N of M" footer taken out (one added page would
otherwise change every footer). When two PDFs differ but every page reads the same (a colour,
the logo, a moved line), the pages are compared as small rasters instead. Changed pages are
written as small PNGs (pdftoppm, 40 dpi) for the pull-request comment's artifacts.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.catalog.model import Catalog
from generator.problems import HandbookError

DPI = 40
MAX_PAGES_SHOWN = 4  # per side and worksheet: enough to see what moved, small enough to upload


@dataclass
class WorksheetChange:
    path: str  # e.g. worksheets/a4/goal-learn-new-skills.pdf
    pages_before: int  # 0: the worksheet is new
    pages_after: int  # 0: the worksheet is gone
    changed_before: list[int] = field(default_factory=list)  # 1-based page numbers
    changed_after: list[int] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # relative to the artifacts folder


def render_side(catalog: Catalog, out_dir: Path, cache_dir: Path) -> dict[str, Path]:
    """Every worksheet of one side (from the shared content-hash cache when unchanged)."""
    from generator.pdf.render import render_worksheets

    written = render_worksheets(
        catalog, out_dir, papers=catalog.organization.paper, cache_dir=cache_dir
    )
    return {p.relative_to(out_dir).as_posix(): p for p in written}


def footer_pattern(catalog: Catalog | None) -> re.Pattern[str]:
    """The "Page 3 of 12" footer in the catalog's language."""
    page, of = ("Page", "of") if catalog is None else (
        catalog.ui("worksheet.page"), catalog.ui("worksheet.of")
    )  # fmt: skip
    return re.compile(rf"{re.escape(page)}\s+\d+\s+{re.escape(of)}\s+\d+")


def page_texts(pdf: Path, footer: re.Pattern[str]) -> list[str]:
    """The text of each page, whitespace collapsed and the page footer removed."""
    done = _run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"])
    pages = done.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with a form feed
    return [" ".join(footer.sub("", page).split()) for page in pages]


def _run(args: list[str]) -> bytes:
    try:
        done = subprocess.run(args, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise HandbookError(
            f"`handbook diff` needs {args[0]} (poppler-utils) to compare worksheets; install it"
        ) from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise HandbookError(f"{args[0]} failed on {args[-2]}: {message}")
    return done.stdout


def page_image(pdf: Path, page: int, target: Path) -> Path:
    """One page as a small PNG at `target` (without suffix: pdftoppm adds .png)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _run(["pdftoppm", "-r", str(DPI), "-png", "-f", str(page), "-l", str(page), "-singlefile",
          str(pdf), str(target)])  # fmt: skip
    return target.with_suffix(".png")


def _raster_hashes(pdf: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        _run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), f"{tmp}/p"])
        files = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]


def changed_pages(before: list[str], after: list[str]) -> tuple[list[int], list[int]]:
    """1-based page numbers that differ on each side, aligned so inserted pages shift nothing."""
    old: list[int] = []
    new: list[int] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            old += range(i1 + 1, i2 + 1)
            new += range(j1 + 1, j2 + 1)
    return old, new


def compare_worksheets(
    before: dict[str, Path],
    after: dict[str, Path],
    catalogs: tuple[Catalog | None, Catalog],
    artifacts: Path | None,
) -> list[WorksheetChange]:
    """Worksheets added, removed or with changed pages; PNGs of changed pages into artifacts."""
    footers = (footer_pattern(catalogs[0]), footer_pattern(catalogs[1]))
    out: list[WorksheetChange] = []
    for path in sorted({*before, *after}):
        old, new = before.get(path), after.get(path)
        if old is not None and new is not None and _same_bytes(old, new):
            continue
        texts_old = page_texts(old, footers[0]) if old else []
        texts_new = page_texts(new, footers[1]) if new else []
        change = WorksheetChange(path, len(texts_old), len(texts_new))
        if old is None or new is None:
            out.append(change)  # a new or removed worksheet: listed, not pictured
            continue
        change.changed_before, change.changed_after = changed_pages(texts_old, texts_new)
        if not change.changed_before and not change.changed_after:
            change.changed_before, change.changed_after = changed_pages(
                _raster_hashes(old), _raster_hashes(new)
            )
        if not change.changed_before and not change.changed_after:
            continue  # different bytes, same look (e.g. metadata): nothing for readers
        if artifacts is not None:
            change.images = _pictures(change, old, new, artifacts)
        out.append(change)
    return out


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def _pictures(change: WorksheetChange, old: Path, new: Path, artifacts: Path) -> list[str]:
    stem = change.path.removesuffix(".pdf")
    images = []
    for side, pdf, pages in (
        ("before", old, change.changed_before),
        ("after", new, change.changed_after),
    ):
        for page in pages[:MAX_PAGES_SHOWN]:
            png = page_image(pdf, page, artifacts / f"{stem}-p{page}-{side}")
            images.append(png.relative_to(artifacts).as_posix())
    return images
