"""PDF checks: no scripts, automatic or launching actions, attachments or embedded media.

Read with pikepdf (qpdf's parser, C++). First a quick look: every PDF name in the file and in
its decoded object streams (the only places a viewer reads objects from), `#xx` escapes
decoded. Only when one of the names that could matter appears (/JS, /AA, /URI, /OpenAction...)
does the full walk run: every object reachable from the trailer visited once (indirect
references resolved, cycles cut by object number), stream data never decoded, font and
page-content streams not even followed. A 48-page tagged book (15,000 objects, links to other
websites, so walked in full) takes 0.24 s; with pypdf the same walk took 1.2 s.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pikepdf

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


def _watched_names(pdf: pikepdf.Pdf, data: bytes) -> set[bytes]:
    chunks = [data]
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == "/ObjStm":
            chunks.append(obj.read_bytes())
    names = {name for chunk in chunks for name in _NAME.findall(chunk)}
    decoded = {_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), n) for n in names if b"#" in n}
    return (names | decoded) & WATCHED_NAMES


def _name(obj: Any, key: str) -> str:
    """The name at `key` ("/JavaScript"), or "" when the value is not a name."""
    value = obj.get(key)
    return str(value) if isinstance(value, pikepdf.Name) else ""


def _refused(obj: Any) -> list[str]:
    found = [REFUSED_KEYS[key] for key in obj if key in REFUSED_KEYS]
    action = _name(obj, "/S")
    if action in REFUSED_ACTIONS:
        found.append(f"{action[1:]} action")
    if action == "/URI":
        target = normalize(str(obj.get("/URI")))
        if scheme(target) not in URI_SCHEMES:
            found.append(f"link to a {scheme(target) or 'relative'} URI: {target[:80]!r}")
    for key in ("/Type", "/Subtype"):
        kind = _name(obj, key)
        if kind in REFUSED_TYPES:
            found.append(f"{kind[1:]} object")
    if isinstance(obj.get("/OpenAction"), pikepdf.Dictionary):  # an array: a page to open at
        found.append("action run on opening")
    return found


def scan_pdf(rel: str, path: Path) -> list[Finding]:
    """Findings for one PDF file."""
    try:
        data = path.read_bytes()
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                return [Finding(rel, 0, "/Encrypt", "encrypted PDF (cannot be checked)")]
            if not _watched_names(pdf, data):
                return []
            return [Finding(rel, 0, where, what) for where, what in _walk(pdf.trailer)]
    except (pikepdf.PdfError, OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        return [Finding(rel, 0, "", f"not a readable PDF: {type(exc).__name__}: {exc}")]


CONTAINERS = (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)


def _walk(trailer: Any) -> list[tuple[str, str]]:
    """(object path such as "/Root/OpenAction (object 7)", what) for each refused item."""
    found: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, int, Any]] = [("", 0, trailer)]
    while stack:
        path, number, obj = stack.pop()
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
            number = obj.objgen[0]
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            where = f"{path or 'trailer'} (object {number})" if number else path or "trailer"
            found += [(where, what) for what in _refused(obj)]
            for key, value in obj.items():
                if key not in SKIPPED_KEYS and isinstance(value, CONTAINERS):
                    stack.append((f"{path}{key}", number, value))
        elif isinstance(obj, pikepdf.Array):
            stack += [
                (f"{path}[{i}]", number, v) for i, v in enumerate(obj) if isinstance(v, CONTAINERS)
            ]
    return found
