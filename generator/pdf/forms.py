"""Make WeasyPrint's fillable PDFs show in every viewer: appearance streams for every field,
standard fonts viewers can draw typed text with, radio values that read back as numbers, and a
tab order that follows the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)

TEXT_FONT = "/Helv"  # Helvetica: a standard font every viewer has, so typed glyphs always exist
CHECK_FONT = "/ZaDb"  # ZapfDingbats: the check mark of checkboxes and radio buttons
TEXT_SIZE = 9
MULTILINE = 1 << 12  # field flag: a text area


def _font(base: str) -> DictionaryObject:
    font = DictionaryObject()
    font[NameObject("/Type")] = NameObject("/Font")
    font[NameObject("/Subtype")] = NameObject("/Type1")
    font[NameObject("/BaseFont")] = NameObject(base)
    if base != "/ZapfDingbats":
        font[NameObject("/Encoding")] = NameObject("/WinAnsiEncoding")
    return font


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _xobject(
    writer: PdfWriter, size: tuple[float, float], content: bytes, fonts: DictionaryObject | None
) -> IndirectObject:
    """A form XObject the size of a widget: one appearance state."""
    stream = DecodedStreamObject()
    stream[NameObject("/Type")] = NameObject("/XObject")
    stream[NameObject("/Subtype")] = NameObject("/Form")
    stream[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in (0, 0, *size))
    if fonts is not None:
        stream[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    stream.set_data(content)
    return writer._add_object(stream)


def _text_appearance(value: str, height: float, multiline: bool) -> bytes:
    """Typed text in Helvetica: from the top in text areas, vertically centred in one line."""
    leading = TEXT_SIZE * 1.2
    y = height - TEXT_SIZE - 2 if multiline else (height - TEXT_SIZE) / 2 + 2
    ops = [b"/Tx BMC q BT", f"{TEXT_FONT} {TEXT_SIZE} Tf 0 g 2 {y:.2f} Td".encode()]
    for n, line in enumerate(value.splitlines() if multiline else [value] if value else []):
        if n:
            ops.append(f"0 {-leading:.2f} Td".encode())
        ops.append(b"(" + _escape(line) + b") Tj")
    ops.append(b"ET Q EMC")
    return b"\n".join(ops)


def _dict(obj: Any) -> DictionaryObject:
    """A dictionary entry, resolved (pypdf types references loosely)."""
    value = obj.get_object() if obj is not None else DictionaryObject()
    assert isinstance(value, DictionaryObject)
    return value


def _size(annot: DictionaryObject) -> tuple[float, float]:
    x1, y1, x2, y2 = (float(v) for v in cast(ArrayObject, annot["/Rect"]))
    return abs(x2 - x1), abs(y2 - y1)


def _font_resources(writer: PdfWriter) -> DictionaryObject:
    """Add Helvetica and ZapfDingbats to the form's default resources; returns the fonts."""
    form = _dict(writer._root_object["/AcroForm"])
    resources = _dict(form.get("/DR"))
    fonts = _dict(resources.get("/Font"))
    fonts[NameObject(TEXT_FONT)] = writer._add_object(_font("/Helvetica"))
    fonts[NameObject(CHECK_FONT)] = writer._add_object(_font("/ZapfDingbats"))
    resources[NameObject("/Font")] = fonts
    form[NameObject("/DR")] = resources
    form[NameObject("/DA")] = TextStringObject(f"{TEXT_FONT} {TEXT_SIZE} Tf 0 g")
    return DictionaryObject({NameObject(TEXT_FONT): fonts[TEXT_FONT]})


def _finish_text(writer: PdfWriter, annot: DictionaryObject, fonts: DictionaryObject) -> None:
    annot[NameObject("/DA")] = TextStringObject(f"{TEXT_FONT} {TEXT_SIZE} Tf 0 g")
    size = _size(annot)
    multiline = bool(int(annot.get("/Ff", 0)) & MULTILINE)
    content = _text_appearance(str(annot.get("/V", "")), size[1], multiline)
    annot[NameObject("/AP")] = DictionaryObject(
        {NameObject("/N"): _xobject(writer, size, content, fonts)}
    )


def _finish_button(writer: PdfWriter, annot: DictionaryObject) -> None:
    """An off state beside WeasyPrint's on state; a radio's on state is named by its value."""
    # A fixed mark size: a viewer drawing the mark itself (poppler under NeedAppearances) reads
    # size 0 as a speck, not as "fit the box".
    mark = round(min(_size(annot)) * 0.8, 1)
    annot[NameObject("/DA")] = TextStringObject(f"{CHECK_FONT} {mark} Tf 0 g")
    states = _dict(_dict(annot["/AP"])["/N"])
    parent = annot.get("/Parent")
    if parent is not None and "/Opt" in _dict(parent):
        options = cast(ArrayObject, _dict(parent)["/Opt"])
        index = next(k for k in states if k != "/Off")
        value = NameObject("/" + str(options[int(index.lstrip("/"))]))
        states[value] = states.pop(index)
        if annot.get("/AS", "/Off") != "/Off":
            annot[NameObject("/AS")] = value
    if parent is not None:  # a kid is a widget of its group, not a field with its own name
        for key in ("/T", "/TU"):
            annot.pop(NameObject(key), None)
    states[NameObject("/Off")] = _xobject(writer, _size(annot), b"", None)
    mk = _dict(annot.get("/MK"))
    mk[NameObject("/CA")] = TextStringObject("l" if parent is not None else "4")
    annot[NameObject("/MK")] = mk


def _annots(page: Any) -> list[Any]:
    annots = page.get("/Annots")
    return list(cast(ArrayObject, annots.get_object())) if annots is not None else []


def finish_form(path: Path) -> None:
    """Rewrite a fillable PDF in place so every field has an appearance in every viewer."""
    writer = PdfWriter(clone_from=PdfReader(path))
    fonts = _font_resources(writer)
    annotations = [_dict(ref) for page in writer.pages for ref in _annots(page)]
    widgets = [a for a in annotations if a.get("/Subtype") == "/Widget"]
    for page in writer.pages:
        page[NameObject("/Tabs")] = NameObject("/S")  # tab through fields in reading order
    for annot in widgets:
        kind = annot.get("/FT") or _dict(annot.get("/Parent")).get("/FT")
        if kind == "/Tx":
            _finish_text(writer, annot, fonts)
        elif kind == "/Btn":
            _finish_button(writer, annot)
    for annot in widgets:  # radio values are now their state names: drop the index table
        parent = annot.get("/Parent")
        if parent is not None and "/Opt" in _dict(parent):
            del _dict(parent)["/Opt"]
    with path.open("wb") as out:
        writer.write(out)
