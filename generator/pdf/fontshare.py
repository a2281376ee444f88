"""One embedded font program per face for a composed booklet, instead of one per part.

Every part of a booklet (generator/pdf/reuse.py) embeds its own subsets of Lato: 25 font
programs, 106 KB of a 260 KB booklet. WeasyPrint's subsets keep the glyph ids of the glyphs a
document draws (the ids its text shows, listed in the font's /W widths), so one subset of the
bundled Lato face holding every glyph any part draws, at the same ids, serves all the parts'
fonts of that face (generator/pdf/compose.py `font_programs`). Glyph outlines are the font's
own, never changed: the pages look the same. Faces other than the bundled Lato are left alone.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont

from generator.pdf.fonts import BUNDLED_FACES, FONT_DIR


def embedded_fonts(pages: Iterable[Any]) -> Iterator[tuple[str, Any, Any]]:
    """(face, font descriptor, font) of every TrueType font the pages draw with (forms too),
    the face being the descriptor's /FontName without its subset tag (ABCDEF+Lato: Lato)."""
    seen: set[tuple[int, int]] = set()
    todo = [page.get("/Resources") for page in pages]
    while todo:
        resources = todo.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        for font in (resources.get("/Font") or {}).values():
            for descendant in font.get("/DescendantFonts") or [font]:
                descriptor = descendant.get("/FontDescriptor")
                if descriptor is None or "/FontFile2" not in descriptor:
                    continue
                if descriptor.objgen in seen:
                    continue
                seen.add(descriptor.objgen)
                yield str(descriptor.FontName).split("+", 1)[-1], descriptor, descendant
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                todo.append(xobject.get("/Resources"))


def drawn_glyphs(font: Any) -> set[int]:
    """The glyph ids a CID font's text draws: those its /W array gives widths for."""
    widths = font.get("/W") or []
    found: set[int] = set()
    n = 0
    while n + 1 < len(widths):
        first = int(widths[n])
        if isinstance(widths[n + 1], pikepdf.Array):
            found.update(range(first, first + len(widths[n + 1])))
            n += 2
        else:
            found.update(range(first, int(widths[n + 1]) + 1))
            n += 3
    return found


def bundled_file(face: str) -> str | None:
    """The bundled Lato file of a face as WeasyPrint names it (Lato, Lato-Bold, Lato-Italic)."""
    for name in (f"{face}.ttf", f"{face}-Regular.ttf"):
        if name in BUNDLED_FACES:
            return name
    return None


def subset_program(file: str, glyphs: Iterable[int]) -> bytes:
    """The bundled face cut down to `glyphs` (and their components) at their own ids, without
    hinting or layout tables, as WeasyPrint embeds it."""
    options = subset.Options(
        retain_gids=True,
        passthrough_tables=True,
        ignore_missing_glyphs=True,
        hinting=False,
        desubroutinize=True,
        notdef_outline=True,
    )
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=sorted(glyphs))
    font = TTFont(str(FONT_DIR / file), recalcTimestamp=False)  # same glyphs, same bytes
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def shared_programs(parts: Iterable[pikepdf.Pdf]) -> dict[str, bytes]:
    """Per bundled face the parts draw with, one program with every glyph they draw."""
    glyphs: dict[str, set[int]] = {}
    for part in parts:
        for face, _descriptor, font in embedded_fonts(part.pages):
            if bundled_file(face) is not None and font.get("/CIDToGIDMap") == "/Identity":
                glyphs.setdefault(face, set()).update(drawn_glyphs(font))
    return {
        face: subset_program(file, used)
        for face, used in sorted(glyphs.items())
        if (file := bundled_file(face)) is not None
    }
