"""One layout for every paper size: the book is laid out once, on A4, with a text area that
also fits US Letter; a Letter edition is that layout re-centred on the Letter sheet.

Laying a 50-page book out costs WeasyPrint about ten seconds and writing it five more; moving
the written pages onto another sheet costs a fraction of a second. The editions then also share
their page numbers, so a workshop with both papers can point at "page 12". The price: A4 pages
have the text height Letter allows (10 mm less than the worksheets' A4 pages).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf

LAYOUT_PAPER = "a4"  # the sheet the book is laid out on
SHEETS_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}  # width, height
SIDE_MM = 15.0  # left and right margin of the layout sheet
# Top and bottom margins on the smallest sheet (Letter: the worksheets' Letter margins). The
# layout sheet's margins are these plus half of what it is taller, so the text area fits both.
TOP_MM, BOTTOM_MM = 12.7, 14.0
COVER_MM = 20.0  # the cover's margin on every sheet
PT_PER_MM = Decimal(72) / Decimal("25.4")
BOXES = ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox")


def _overhang_mm() -> float:
    """How much taller the layout sheet is than the shortest sheet, per edge."""
    shortest = min(height for _width, height in SHEETS_MM.values())
    return (SHEETS_MM[LAYOUT_PAPER][1] - shortest) / 2


def page_css() -> str:
    """The book's page margins on the layout sheet (laid over print.css's @page rules)."""
    extra = _overhang_mm()
    top, bottom, cover = TOP_MM + extra, BOTTOM_MM + extra, COVER_MM + extra
    return (
        f"@page {{ margin: {top:.2f}mm {SIDE_MM}mm {bottom:.2f}mm; }}\n"
        f"@page cover {{ margin: {cover:.2f}mm {COVER_MM}mm; }}\n"
    )


def _shift(paper: str) -> tuple[Decimal, Decimal]:
    """Points to move the layout sheet's drawing by to centre it on `paper`'s sheet."""
    (w0, h0), (w1, h1) = SHEETS_MM[LAYOUT_PAPER], SHEETS_MM[paper]
    return (
        Decimal(str((w1 - w0) / 2)) * PT_PER_MM,
        Decimal(str((h1 - h0) / 2)) * PT_PER_MM,
    )


def _sheet_box(paper: str) -> pikepdf.Array:
    width, height = (Decimal(str(mm)) * PT_PER_MM for mm in SHEETS_MM[paper])
    return pikepdf.Array([0, 0, round(width, 6), round(height, 6)])


def _moved(values: Any, dx: Decimal, dy: Decimal) -> pikepdf.Array:
    """x, y, x, y, ... shifted (a rectangle, quad points or a /FitR destination's corners)."""
    out = [Decimal(str(v)) + (dx if n % 2 == 0 else dy) for n, v in enumerate(values)]
    return pikepdf.Array([round(v, 6) for v in out])


def _move_destination(dest: Any, dx: Decimal, dy: Decimal) -> None:
    """An explicit destination [page /XYZ left top zoom] (or /FitH top, /FitR ...), in place."""
    if not isinstance(dest, pikepdf.Array) or len(dest) < 2:
        return  # a named destination: its array is moved where the name is defined
    kind = str(dest[1])

    def move(index: int, by: Decimal) -> None:
        value = dest[index] if index < len(dest) else None
        if isinstance(value, int | Decimal):  # null keeps the viewer's current position
            dest[index] = round(Decimal(value) + by, 6)

    if kind == "/XYZ":
        move(2, dx)
        move(3, dy)
    elif kind in ("/FitH", "/FitBH"):
        move(2, dy)
    elif kind in ("/FitV", "/FitBV"):
        move(2, dx)
    elif kind == "/FitR" and len(dest) == 6:
        dest[2:6] = list(_moved(dest[2:6], dx, dy))


def _move_link_target(holder: Any, dx: Decimal, dy: Decimal) -> None:
    """An outline item's or link's /Dest, or the /D of its GoTo action."""
    _move_destination(holder.get("/Dest"), dx, dy)
    action = holder.get("/A")
    if isinstance(action, pikepdf.Dictionary):
        _move_destination(action.get("/D"), dx, dy)


def _name_tree_values(node: Any) -> list[Any]:
    values: list[Any] = []
    pairs = node.get("/Names")
    if isinstance(pairs, pikepdf.Array):
        values += [pairs[n] for n in range(1, len(pairs), 2)]
    for kid in node.get("/Kids") or []:
        values += _name_tree_values(kid)
    return values


def _move_named_destinations(pdf: pikepdf.Pdf, dx: Decimal, dy: Decimal) -> None:
    names = pdf.Root.get("/Names")
    tree = names.get("/Dests") if isinstance(names, pikepdf.Dictionary) else None
    values = _name_tree_values(tree) if tree is not None else []
    old_style = pdf.Root.get("/Dests")  # PDF 1.1 style: a dictionary of names
    if isinstance(old_style, pikepdf.Dictionary):
        values += [value for _name, value in old_style.items()]
    for value in values:
        _move_destination(value.get("/D") if isinstance(value, pikepdf.Dictionary) else value,
                          dx, dy)  # fmt: skip


def _move_outlines(pdf: pikepdf.Pdf, dx: Decimal, dy: Decimal) -> None:
    outlines = pdf.Root.get("/Outlines")
    stack = [outlines.get("/First")] if isinstance(outlines, pikepdf.Dictionary) else []
    while stack:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary):
            continue
        _move_link_target(item, dx, dy)
        stack += [item.get("/Next"), item.get("/First")]


def _move_layout_boxes(pdf: pikepdf.Pdf, dx: Decimal, dy: Decimal) -> None:
    """Structure elements' /BBox layout attributes (figures): where a screen reader's
    reflow finds the picture."""
    root = pdf.Root.get("/StructTreeRoot")
    stack: list[Any] = [root]
    while stack:
        element = stack.pop()
        if not isinstance(element, pikepdf.Dictionary):
            continue
        attributes = element.get("/A")
        for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(attribute, pikepdf.Dictionary) and "/BBox" in attribute:
                attribute.BBox = _moved(attribute.BBox, dx, dy)
        kids = element.get("/K")
        stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def refit(source: Path, target: Path, paper: str) -> None:
    """Write `source` (laid out on LAYOUT_PAPER) as `paper`: every page's drawing, links,
    destinations and figure boxes moved to the centre of the new sheet; fonts, tags and text
    untouched. The same source gives the same bytes (the document id derives from content)."""
    dx, dy = _shift(paper)
    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            for name in BOXES:
                if name in page.obj:
                    page.obj[name] = _sheet_box(paper)
            page.contents_add(f"q 1 0 0 1 {dx:.6f} {dy:.6f} cm\n".encode(), prepend=True)
            page.contents_add(b"\nQ\n")
            for annotation in page.obj.get("/Annots") or []:
                if "/Rect" in annotation:
                    annotation.Rect = _moved(annotation.Rect, dx, dy)
                if "/QuadPoints" in annotation:
                    annotation.QuadPoints = _moved(annotation.QuadPoints, dx, dy)
                _move_link_target(annotation, dx, dy)
        _move_named_destinations(pdf, dx, dy)
        _move_outlines(pdf, dx, dy)
        _move_layout_boxes(pdf, dx, dy)
        target.parent.mkdir(parents=True, exist_ok=True)
        pdf.save(target, deterministic_id=True)
