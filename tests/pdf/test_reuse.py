"""Pair booklets from shared parts look and read like a fresh render (generator/pdf/reuse.py).

Compared page by page with a fresh WeasyPrint render of the same pair: the same words in the
same places (pdftotext -bbox), the same rasterized pixels up to anti-aliasing, the same
metadata, bookmarks, links and tagged text. Exact pixel equality is not reachable even between
two fresh renders: WeasyPrint rounds each glyph's width to 1/1000 em at the size the document
first uses it, so a glyph can sit up to ~0.2 pt (a long line) from where another document puts
it. `same_look` allows that and nothing more; the control test shows it tells pairs apart.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from generator.catalog.model import Catalog
from generator.pdf.render import Job, Pair, Renderer
from generator.pdf.reuse import BookletParts
from generator.pdf.roster import _pair_jobs

DRIFT_PT = 0.25  # how far a word may sit from the fresh render's (glyph-width rounding)
RESOLUTION = 72  # dpi of the raster comparison
MAX_CHANGED = 0.02  # share of pixels that may differ at all (anti-aliased glyph edges)
MAX_DELTA = 128  # no pixel may differ by half the scale or more: that would be a changed glyph

ADA = Pair("Alexandra Mentor", "Bob Mentee", "2027-03-01")
ZOE = Pair("Zoë Ångström", "Chris O'Neil", "2027-05-17")
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
            (abs(x - y) for wa, wb in zip(page_a, page_b) for x, y in zip(wa[1:], wb[1:])),
            default=0.0,
        )
        if drift > DRIFT_PT:
            problems.append(f"page {n}: a word moved {drift:.2f} pt")
    (folder / "a").mkdir(exist_ok=True)
    (folder / "b").mkdir(exist_ok=True)
    for n, (x, y) in enumerate(
        zip(rasters(fresh, folder / "a"), rasters(composed, folder / "b"), strict=True), 1
    ):
        histogram = ImageChops.difference(x, y).histogram()
        changed = sum(histogram[1:]) / (x.width * x.height)
        if changed > MAX_CHANGED or any(histogram[MAX_DELTA:]):
            problems.append(f"page {n}: {changed:.2%} of pixels differ")
    return problems


def fresh_and_composed(
    renderer: Renderer, parts: BookletParts, pair: Pair, paper: str, folder: Path
) -> tuple[Job, Path, Path]:
    (job,) = _pair_jobs(renderer.catalog, 1, pair, (paper,))
    fresh, composed = folder / "fresh.pdf", folder / "composed.pdf"
    html = renderer.html(job)
    key = renderer.key(job, html)
    renderer.write(job, html, fresh, key)
    assert parts.write(job, composed), "the booklet was not composed"
    return job, fresh, composed


@pytest.fixture(scope="module")
def renderer(default_catalog: Catalog) -> Renderer:
    return Renderer(default_catalog)


@pytest.fixture(scope="module")
def parts(renderer: Renderer) -> BookletParts:
    return BookletParts(renderer)


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("pair", [ADA, ZOE], ids=["ascii", "accents"])
def test_a_composed_booklet_looks_like_a_fresh_render(
    renderer: Renderer, parts: BookletParts, pair: Pair, paper: str, tmp_path: Path
) -> None:
    _, fresh, composed = fresh_and_composed(renderer, parts, pair, paper, tmp_path)
    assert same_look(fresh, composed, tmp_path) == []
    text = subprocess.run(
        ["pdftotext", str(composed), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert pair.mentee in text and pair.mentor in text and pair.start in text


def test_the_comparison_tells_two_pairs_apart(
    renderer: Renderer, parts: BookletParts, tmp_path: Path
) -> None:
    _, fresh, _ = fresh_and_composed(renderer, parts, ADA, "a4", tmp_path)
    (other,) = _pair_jobs(renderer.catalog, 1, ZOE, ("a4",))
    assert parts.write(other, tmp_path / "other.pdf")
    problems = same_look(fresh, tmp_path / "other.pdf", tmp_path)
    assert any("other words" in p for p in problems)


def test_metadata_bookmarks_and_links_are_the_fresh_ones(
    renderer: Renderer, parts: BookletParts, tmp_path: Path
) -> None:
    _, fresh, composed = fresh_and_composed(renderer, parts, ZOE, "a4", tmp_path)
    with pikepdf.open(fresh) as a, pikepdf.open(composed) as b:
        for name in ("/Title", "/Keywords", "/Author"):
            assert str(b.docinfo[name]) == str(a.docinfo[name]), name
        assert bytes(b.trailer.ID[0]) == bytes(a.trailer.ID[0])
        assert outline(b) == outline(a)
        assert links(b) == links(a)
        assert "/StructTreeRoot" in b.Root and b.Root.MarkInfo.Marked
        assert str(b.Root.Lang) == str(a.Root.Lang)


def outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
    found: list[tuple[int, str, int]] = []
    with pdf.open_outline() as tree:

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                dest = item.destination
                if isinstance(dest, str | pikepdf.String):
                    dest = resolve_name(pdf, str(dest))
                found.append((depth, item.title, pages[dest[0].objgen]))
                walk(item.children, depth + 1)

        walk(tree.root, 0)
    return found


def resolve_name(pdf: pikepdf.Pdf, name: str) -> pikepdf.Array:
    tree = pikepdf.NameTree(pdf.Root.Names.Dests)
    return tree[name]


def links(pdf: pikepdf.Pdf) -> list[tuple[int, int]]:
    """(page, target page) of every internal link."""
    pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
    found = []
    for n, page in enumerate(pdf.pages):
        for annot in page.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest")
            if dest is None and "/A" in annot:
                dest = annot.A.get("/D")
            if dest is None:
                continue
            if not isinstance(dest, pikepdf.Array):
                dest = resolve_name(pdf, str(dest))
            found.append((n, pages[dest[0].objgen]))
    return sorted(found)


@pytest.mark.parametrize(
    "pair",
    [
        Pair("Maximiliane Alexandra von Hohenberg", "Bob", "2027-03-01"),  # a blank's value: long
        Pair("佐藤 花子", "Bob", "2027-03-01"),  # set in a fallback font, not Lato
    ],
    ids=["long-name", "other-script"],
)
def test_booklets_the_overlay_cannot_match_are_left_to_a_fresh_render(
    renderer: Renderer, parts: BookletParts, pair: Pair, tmp_path: Path
) -> None:
    (job,) = _pair_jobs(renderer.catalog, 1, pair, ("a4",))
    assert not parts.write(job, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_fillable_booklets_are_never_composed(default_catalog: Catalog, tmp_path: Path) -> None:
    renderer = Renderer(default_catalog, fillable=True)
    (job,) = _pair_jobs(default_catalog, 1, ADA, ("a4",))
    assert not BookletParts(renderer).write(job, tmp_path / "x.pdf")
