"""One embedded font program per face for a composed booklet, instead of one per part.

Every part of a booklet (generator/pdf/reuse.py) embeds its own subsets of Lato: 25 font
programs, 106 KB of a 260 KB booklet. WeasyPrint subsets with HarfBuzz keeping glyph ids (the
glyphs a document does not use are left empty), so the subsets of one face can be merged glyph
by glyph into one program that draws every glyph any of them draws, at the same id; all the
parts' fonts of that face then point at it (generator/pdf/compose.py `font_programs`). Glyph
outlines are copied, never changed: the pages look the same.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont


def embedded_fonts(pages: Iterable[Any]) -> Iterator[tuple[str, Any]]:
    """(face, font descriptor) of every TrueType font the pages draw with (forms included),
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
                yield str(descriptor.FontName).split("+", 1)[-1], descriptor
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                todo.append(xobject.get("/Resources"))


def _glyphs(font: TTFont) -> list[Any]:
    table = font["glyf"]
    return [table[name] for name in font.getGlyphOrder()]


def merged_program(programs: Iterable[bytes]) -> bytes:
    """One TrueType program holding every glyph any of `programs` (subsets of one font that
    kept glyph ids) draws; the one with the most glyphs is the base, the others fill its gaps."""
    fonts = sorted(
        (TTFont(io.BytesIO(data)) for data in set(programs)),
        key=lambda f: (len(f.getGlyphOrder()), f.reader.file.getvalue()),
    )
    base = fonts.pop()
    names = base.getGlyphOrder()
    glyf, hmtx = base["glyf"], base["hmtx"]
    for other in fonts:
        other_names = other.getGlyphOrder()
        for gid, glyph in enumerate(_glyphs(other)):
            if glyph.numberOfContours == 0 or glyf[names[gid]].numberOfContours != 0:
                continue
            if glyph.isComposite():
                # components are named in the other font: give them this font's names
                for component in glyph.components:
                    component.glyphName = names[other_names.index(component.glyphName)]
            glyf[names[gid]] = glyph
            hmtx[names[gid]] = other["hmtx"][other_names[gid]]
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()


def shared_programs(parts: Iterable[pikepdf.Pdf]) -> dict[str, bytes]:
    """Per face drawn by more than one of the parts' fonts, the merged program of them all."""
    found: dict[str, list[bytes]] = {}
    for part in parts:
        for face, descriptor in embedded_fonts(part.pages):
            found.setdefault(face, []).append(descriptor.FontFile2.read_bytes())
    return {face: merged_program(data) for face, data in sorted(found.items()) if len(data) > 1}
