"""PDF checks: no scripts, automatic or launching actions, attachments or embedded media.

First a quick look: every PDF name in the file and in its decoded object streams (the only
places pypdf, or a viewer, reads objects from), `#xx` escapes decoded. Only when one of the
names that could matter appears (/JS, /AA, /URI, /OpenAction...) does the full walk run: every
object reachable from the trailer visited once (indirect references resolved, cycles cut by
object number), stream data never decoded, font and page-content streams not even loaded.
Parsing every object with pypdf costs ~70 ms a worksheet, the quick look ~10 ms.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from generator.safety.finding import Finding
from generator.safety.urls import normalize, scheme

REFUSED_KEYS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/AA": "additional (automatic) actions",
    "/Launch": "launch action",
    "/EmbeddedFiles": "embedded files",
    "/EF": "embedded file",
    "/RichMedia": "rich media",
    "/RichMediaContent": "rich media",
    "/XFA": "XFA form (can hold scripts)",
}
REFUSED_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/GoToR", "/GoToE", "/ImportData", "/SubmitForm",
     "/RichMediaExecute", "/Rendition", "/Sound", "/Movie"}
)  # fmt: skip
REFUSED_TYPES = frozenset({"/EmbeddedFile", "/FileAttachment", "/RichMedia", "/Screen", "/Movie"})
URI_SCHEMES = frozenset({"http", "https", "mailto"})
# Streams that are only drawn, never acted on: not worth loading.
SKIPPED_KEYS = frozenset(
    {"/Contents", "/FontFile", "/FontFile2", "/FontFile3", "/ToUnicode", "/CIDToGIDMap",
     "/Widths", "/W", "/Parent", "/P", "/StructParent", "/StructParents"}
)  # fmt: skip


_NAME = re.compile(rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
_NAME_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
# Names whose presence sends the file through the full walk.
WATCHED_NAMES = frozenset(
    name.encode()
    for name in (*REFUSED_KEYS, *REFUSED_ACTIONS, *REFUSED_TYPES, "/URI", "/OpenAction", "/Encrypt")
)


def _watched_names(reader: PdfReader, data: bytes) -> set[bytes]:
    chunks = [data]
    for number in sorted({stream for stream, _ in reader.xref_objStm.values()}):
        chunks.append(reader.get_object(number).get_data())  # type: ignore[union-attr]
    names = {name for chunk in chunks for name in _NAME.findall(chunk)}
    decoded = {_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), n) for n in names if b"#" in n}
    return (names | decoded) & WATCHED_NAMES


def _value(obj: DictionaryObject, key: str) -> PdfObject | None:
    """The value at `key`, indirect references resolved."""
    value = obj.get(key)
    return None if value is None else value.get_object()


def _name(obj: DictionaryObject, key: str) -> str:
    """The name at `key` ("/JavaScript"), or "" when the value is not a name."""
    value = _value(obj, key)
    return str(value) if isinstance(value, NameObject) else ""


def _refused(obj: DictionaryObject) -> list[str]:
    found = [REFUSED_KEYS[key] for key in obj if key in REFUSED_KEYS]
    action = _name(obj, "/S")
    if action in REFUSED_ACTIONS:
        found.append(f"{action[1:]} action")
    if action == "/URI":
        target = normalize(str(_value(obj, "/URI")))
        if scheme(target) not in URI_SCHEMES:
            found.append(f"link to a {scheme(target) or 'relative'} URI: {target[:80]!r}")
    for key in ("/Type", "/Subtype"):
        kind = _name(obj, key)
        if kind in REFUSED_TYPES:
            found.append(f"{kind[1:]} object")
    if isinstance(_value(obj, "/OpenAction"), DictionaryObject):  # an array: a page to open at
        found.append("action run on opening")
    return found


def scan_pdf(rel: str, path: Path) -> list[Finding]:
    """Findings for one PDF file."""
    try:
        data = path.read_bytes()
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return [Finding(rel, 0, "/Encrypt", "encrypted PDF (cannot be checked)")]
        if not _watched_names(reader, data):
            return []
        return [Finding(rel, 0, where, what) for where, what in _walk(reader.trailer)]
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        return [Finding(rel, 0, "", f"not a readable PDF: {type(exc).__name__}: {exc}")]


def _walk(trailer: DictionaryObject) -> list[tuple[str, str]]:
    """(object path such as "/Root/OpenAction (object 7)", what) for each refused item."""
    found: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, int, Any]] = [("", 0, trailer)]
    while stack:
        path, number, obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            number, obj = obj.idnum, obj.get_object()
        if isinstance(obj, DictionaryObject):
            where = f"{path or 'trailer'} (object {number})" if number else path or "trailer"
            found += [(where, what) for what in _refused(obj)]
            stack += [(f"{path}{k}", number, v) for k, v in obj.items() if k not in SKIPPED_KEYS]
        elif isinstance(obj, ArrayObject):
            stack += [(f"{path}[{i}]", number, v) for i, v in enumerate(obj)]
    return found
