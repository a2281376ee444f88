"""A booklet put together from PDFs rendered once ("parts") and one small per-pair "overlay".

Every sheet and the front matter are rendered once per language and paper by WeasyPrint with
pdf_tags=True; per pair, one overlay (one page per booklet page, only the pair's own text) is
drawn on top. `compose` copies the parts' pages with qpdf (pikepdf), stamps the overlay onto
them and merges what is document-wide: the structure tree (ParentTree renumbered), outline,
named destinations, form fields, /Info and the trailer /ID. Nothing is laid out or drawn again,
so a 21-page booklet costs a few hundredths of a second instead of seconds.

WeasyPrint's tagged PDFs are relied on for: one /Document element whose kids are grouped page
by page; a ParentTree keyed by each page's /StructParents (an array of MCID -> element, MCIDs
0..n-1) and then one key per annotation; marked content as `/Tag <</MCID n>> BDC`.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, String

from generator.pdf.fontshare import embedded_fonts

LINK_SCHEME = "handbook-anchor:"
ID_BYTES = 16
# qpdf's fixed second /ID entry when saving with static_id=True (QPDFWriter::generateID); the
# written file gets the caller's identifier in its place (same length, so offsets hold).
_QPDF_STATIC_ID = bytes.fromhex("31415926535897932384626433832795")
# Operators naming a resource: (resource category, index of the operand that names it).
_RESOURCE_OPERANDS = {
    "Tf": ("/Font", 0),
    "Do": ("/XObject", 0),
    "gs": ("/ExtGState", 0),
    "sh": ("/Shading", 0),
    "cs": ("/ColorSpace", 0),
    "CS": ("/ColorSpace", 0),
    "scn": ("/Pattern", -1),
    "SCN": ("/Pattern", -1),
    "BDC": ("/Properties", 1),
    "DP": ("/Properties", 1),
}
_OVERLAY_PREFIX = "ov"  # overlay resources are renamed /ovF1 ... (a digit is added on a clash)


@dataclass
class _Copy:
    """One input PDF copied into the result: its catalog and its page objects there."""

    root: Object
    pages: list[Object]

    def mark_language(self, kids: Iterable[Any], document_language: Any) -> None:
        """Elements of a part in another language than the document's say theirs."""
        own = self.root.get("/Lang")
        if own is None or str(own) == str(document_language):
            return
        for kid in kids:
            if isinstance(kid, Dictionary) and "/Lang" not in kid:
                kid.Lang = own


def compose(
    parts: Sequence[pikepdf.Pdf],
    overlay: pikepdf.Pdf | None,
    target: Path,
    *,
    info: Mapping[str, str],
    identifier: bytes,
    outline_titles: Mapping[str, str] = {},  # read only: a shared default is safe
    font_programs: Mapping[str, bytes] = {},
) -> None:
    """Write the parts' pages in order, overlay page i drawn on page i, as one tagged PDF.

    The parts and the overlay are only read (they can be reused for the next booklet). The same
    inputs give the same bytes. A "handbook-anchor:NAME" link that names no destination of any
    part raises ValueError. `font_programs` (generator/pdf/fontshare.py) replaces the embedded
    program of every part font of a face by one shared stream; each must draw every glyph the
    parts' fonts of its face draw, at the same glyph id. The overlay's fonts keep their own.
    """
    if not parts:
        raise ValueError("compose needs at least one part")
    if len(identifier) != ID_BYTES:
        raise ValueError(f"the identifier must be {ID_BYTES} bytes, not {len(identifier)}")
    with ExitStack() as opened:
        _write(parts, overlay, target, info, identifier, (outline_titles, font_programs), opened)


def _write(
    parts: Sequence[pikepdf.Pdf],
    overlay: pikepdf.Pdf | None,
    target: Path,
    info: Mapping[str, str],
    identifier: bytes,
    options: tuple[Mapping[str, str], Mapping[str, bytes]],
    opened: ExitStack,
) -> None:
    outline_titles, font_programs = options
    out = opened.enter_context(pikepdf.new())  # closed (memory freed) when written
    copies = [_copy_part(out, _source(part, parts[:n], opened)) for n, part in enumerate(parts)]
    pages = [page for copy in copies for page in copy.pages]
    _share_fonts(out, pages, font_programs)  # before the overlay's fonts join the pages
    tree = _StructTree(out, copies, len(pages))
    extra = _copy_overlay(out, overlay, len(pages)) if overlay is not None else None
    if extra is not None:
        _stamp(out, extra, pages, tree)
    tree.finish()
    first = copies[0].root
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
        if key in first:
            out.Root[key] = first[key]
    all_copies = [*copies, *([extra] if extra is not None else [])]
    names = _merge_destinations(out, copies)  # the overlay's pages are not the result's
    _convert_links(pages, names)
    _merge_outlines(out, copies, outline_titles)
    _merge_forms(out, all_copies)
    _set_info(out, parts[0], info)
    out.trailer.ID = Array([String(identifier), String(identifier)])
    version = max((pdf.pdf_version for pdf in (*parts, *([overlay] if overlay else []))), key=_v)
    data = _saved(out, identifier, version)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _source(part: pikepdf.Pdf, before: Sequence[pikepdf.Pdf], opened: ExitStack) -> pikepdf.Pdf:
    """The part, or a twin of it when it came before: qpdf copies an object from one source
    into a PDF only once (then hands back that copy), and a repeated sheet needs its own."""
    if not any(other is part for other in before):
        return part
    buffer = io.BytesIO()
    part.save(buffer, static_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return opened.enter_context(pikepdf.open(buffer))


def _share_fonts(out: pikepdf.Pdf, pages: Sequence[Object], programs: Mapping[str, bytes]) -> None:
    """Point every font descriptor of a face in `programs` at one stream holding its program."""
    shared: dict[str, Object] = {}
    for face, descriptor, _font in embedded_fonts(pages):
        if face not in programs:
            continue
        if face not in shared:
            data = programs[face]
            shared[face] = out.make_stream(data, Length1=len(data))
        descriptor.FontFile2 = shared[face]


def _v(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split(".") if n.isdigit())


def _copy_part(out: pikepdf.Pdf, part: pikepdf.Pdf) -> _Copy:
    """Append the part's pages to `out`, then its catalog: qpdf maps every reference to a part's
    page (structure elements' /Pg, destinations) onto the appended copy."""
    start = len(out.pages)
    with warnings.catch_warnings():
        # Its caveat (named destinations not carried) is what _merge_destinations answers.
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        out.pages.extend(part.pages)
    return _Copy(out.copy_foreign(part.Root), [p.obj for p in out.pages[start:]])


def _copy_overlay(out: pikepdf.Pdf, overlay: pikepdf.Pdf, count: int) -> _Copy:
    """The overlay's pages copied as loose objects (never added to the page tree), then its
    catalog: its structure elements then lead to these copies, re-pointed when stamping."""
    if len(overlay.pages) != count:
        raise ValueError(f"the overlay has {len(overlay.pages)} pages, the parts {count}")
    loose = [out.copy_foreign(page.obj) for page in overlay.pages]
    return _Copy(out.copy_foreign(overlay.Root), loose)


# --- structure tree ---------------------------------------------------------------------------


def _number_tree(node: Any, depth: int = 0) -> Iterator[tuple[int, Any]]:
    """(key, value) of a number tree (flat /Nums or /Kids)."""
    if not isinstance(node, Dictionary) or depth > 32:
        return
    nums = node.get("/Nums")
    if isinstance(nums, Array):
        for n in range(0, len(nums) - 1, 2):
            yield int(nums[n]), nums[n + 1]
    for kid in node.get("/Kids") or []:
        yield from _number_tree(kid, depth + 1)


def _document(root: Object) -> Object:
    """The /Document element of a WeasyPrint structure tree."""
    tree = root.get("/StructTreeRoot")
    kids = tree.get("/K") if isinstance(tree, Dictionary) else None
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, Dictionary) and kid.get("/S") == "/Document":
            return kid
    raise ValueError("not a tagged PDF with a /Document structure element")


class _StructTree:
    """The result's structure tree: the first part's root and /Document reused, every part's
    elements in order, the ParentTree renumbered (pages 0..N-1, then annotations)."""

    def __init__(self, out: pikepdf.Pdf, copies: Sequence[_Copy], page_count: int) -> None:
        self.out = out
        self.root = copies[0].root.StructTreeRoot
        self.document = _document(copies[0].root)
        self.language = copies[0].root.get("/Lang")
        self.page_index: dict[tuple[int, int], int] = {}
        self.kids: list[tuple[int, Any]] = []  # (page index, element) in reading order
        self.marks: list[list[Any]] = []  # page index -> elements by MCID
        self.annotations: list[Any] = []  # ParentTree values after the pages'
        self.next_annotation = page_count
        for copy in copies:
            self._add_part(copy)

    def _add_part(self, copy: _Copy) -> None:
        start = len(self.marks)
        for n, page in enumerate(copy.pages, start):
            self.page_index[page.objgen] = n
        entries = dict(_number_tree(copy.root.StructTreeRoot.get("/ParentTree")))
        for n, page in enumerate(copy.pages, start):
            marks = entries.get(int(page.get("/StructParents", -1)))
            self.marks.append(list(marks) if isinstance(marks, Array) else [])
            page.StructParents = n
        for page in copy.pages:
            self.renumber_annotations(page.get("/Annots") or [], entries)
        current = start
        kids = list(_document(copy.root).K)
        copy.mark_language(kids, self.language)
        for kid in kids:
            current = self.page_of(kid, current)
            kid.P = self.document
            self.kids.append((current, kid))

    def renumber_annotations(self, annotations: Iterable[Any], entries: Mapping[int, Any]) -> None:
        """Give tagged annotations the next ParentTree keys after the pages'."""
        for annotation in annotations:
            old = annotation.get("/StructParent")
            if old is not None and int(old) in entries:
                annotation.StructParent = self.next_annotation
                self.annotations.append(entries[int(old)])
                self.next_annotation += 1

    def page_of(self, element: Any, default: int) -> int:
        page = element.get("/Pg") if isinstance(element, Dictionary) else None
        return self.page_index.get(page.objgen, default) if page is not None else default

    def add_overlay(self, index: int, marks: Array | None, kids: Sequence[Any]) -> int:
        """Append the overlay's elements of result page `index`; its MCIDs' offset."""
        offset = len(self.marks[index])
        self.marks[index] += list(marks) if marks is not None else []
        for kid in kids:
            kid.P = self.document
            self.kids.append((index, kid))
        return offset

    def finish(self) -> None:
        """Write /Document's kids (page by page, stable) and the ParentTree."""
        ordered = sorted(enumerate(self.kids), key=lambda item: (item[1][0], item[0]))
        self.document.K = Array([kid for _n, (_page, kid) in ordered])
        nums: list[Any] = []
        for n, marks in enumerate(self.marks):
            nums += [n, Array(marks)]
        first = len(self.marks)
        for n, element in enumerate(self.annotations, first):
            nums += [n, element]
        self.root.ParentTree = self.out.make_indirect(Dictionary(Nums=Array(nums)))
        self.root.ParentTreeNextKey = first + len(self.annotations)
        self.root.K = Array([self.document])
        self.out.Root.StructTreeRoot = self.root


# --- overlay ----------------------------------------------------------------------------------


def _stamp(out: pikepdf.Pdf, extra: _Copy, pages: Sequence[Object], tree: _StructTree) -> None:
    """Draw overlay page i on top of result page i, its tags and annotations merged."""
    entries = dict(_number_tree(extra.root.StructTreeRoot.get("/ParentTree")))
    loose = {page.objgen: n for n, page in enumerate(extra.pages)}
    by_page: dict[int, list[Any]] = {}
    current = 0
    kids = list(_document(extra.root).K)
    extra.mark_language(kids, tree.language)
    for kid in kids:
        page = kid.get("/Pg") if isinstance(kid, Dictionary) else None
        current = loose.get(page.objgen, current) if page is not None else current
        by_page.setdefault(current, []).append(kid)
    save = out.make_stream(b"q\n")
    resources = _Resources(out)
    for n, (page, source) in enumerate(zip(pages, extra.pages, strict=True)):
        if _box(source) != _box(page):
            raise ValueError(
                f"overlay page {n + 1} measures {_box(source)} pt, the booklet's {_box(page)} pt"
            )
        marks = entries.get(int(source.get("/StructParents", -1)))
        offset = tree.add_overlay(
            n, marks if isinstance(marks, Array) else None, by_page.get(n, [])
        )
        _retarget(by_page.get(n, []), loose, pages, offset)
        page.Resources, names = resources.merged(page.get("/Resources"), source.get("/Resources"))
        drawn = _overlay_content(source, names, offset)
        contents = page.get("/Contents")
        old = list(contents) if isinstance(contents, Array) else [contents]
        page.Contents = Array([save, *old, out.make_stream(b"Q\nq\n" + drawn + b"\nQ\n")])
        annotations = list(source.get("/Annots") or [])
        if annotations:
            for annotation in annotations:
                if "/P" in annotation:
                    annotation.P = page
            page.Annots = Array([*(page.get("/Annots") or []), *annotations])
            tree.renumber_annotations(annotations, entries)


def _box(page: Object) -> tuple[float, ...]:
    """A page's media box in points, to the hundredth."""
    return tuple(round(float(v), 2) for v in page.get("/MediaBox") or [])


def _retarget(
    kids: Sequence[Any], loose: Mapping[Any, int], pages: Sequence[Object], offset: int
) -> None:
    """The overlay's elements: /Pg to the result page, MCIDs moved past the base page's."""
    stack = list(kids)
    while stack:
        element = stack.pop()
        if not isinstance(element, Dictionary):
            continue
        page = element.get("/Pg")
        if page is not None and page.objgen in loose:
            element.Pg = pages[loose[page.objgen]]
        kind = element.get("/Type")
        if kind == "/MCR" and "/MCID" in element:
            element.MCID = int(element.MCID) + offset
        if kind in ("/MCR", "/OBJR"):
            continue
        k = element.get("/K")
        if isinstance(k, int):
            element.K = k + offset
        elif isinstance(k, Array):
            values = list(k)
            if any(isinstance(v, int) for v in values):
                element.K = Array([v + offset if isinstance(v, int) else v for v in values])
            stack += [v for v in values if isinstance(v, Dictionary)]
        elif isinstance(k, Dictionary):
            stack.append(k)


def _free_prefix(taken: set[str], wanted: Sequence[str]) -> str:
    """A prefix under which none of `wanted` clashes with a name in `taken`."""
    for n in range(1000):
        prefix = _OVERLAY_PREFIX + (str(n) if n else "")
        if not any(f"/{prefix}{name[1:]}" in taken for name in wanted):
            return prefix
    raise ValueError("no free resource name for the overlay")


class _Resources:
    """Base pages' resources with the overlay's added under new names: one dictionary per
    (base, overlay) pair, shared by the pages that have both (a part's pages share theirs)."""

    def __init__(self, out: pikepdf.Pdf) -> None:
        self.out = out
        self.made: dict[tuple[Any, Any], tuple[Object, dict[str, dict[str, Name]]]] = {}

    def merged(self, base: Any, extra: Any) -> tuple[Object, dict[str, dict[str, Name]]]:
        """The merged /Resources and category -> {overlay name: its name there}."""
        key = (_identity(base), _identity(extra))
        if key not in self.made:
            self.made[key] = _merge_resources(base, extra)
        merged, names = self.made[key]
        if key[0] is None or key[1] is None:  # a direct dictionary: not shared
            return merged, names
        if not merged.is_indirect:
            merged = self.out.make_indirect(merged)
            self.made[key] = merged, names
        return merged, names


def _identity(obj: Any) -> Any:
    """An indirect object's number, None for a direct one (compared by value, not shared)."""
    return obj.objgen if isinstance(obj, Dictionary) and obj.is_indirect else None


def _merge_resources(base: Any, extra: Any) -> tuple[Object, dict[str, dict[str, Name]]]:
    """The base page's resources plus the overlay's, renamed where a name is taken."""
    base = base if isinstance(base, Dictionary) else Dictionary()
    merged = Dictionary({key: value for key, value in base.items()})
    renamed: dict[str, dict[str, Name]] = {}
    for category, entries in extra.items() if isinstance(extra, Dictionary) else []:
        if not isinstance(entries, Dictionary):  # /ProcSet: an array of names, merged as a set
            known = list(merged.get(category) or [])
            merged[category] = Array(known + [v for v in entries if v not in known])
            continue
        own = base.get(category)
        own_items = dict(own.items()) if isinstance(own, Dictionary) else {}
        theirs: dict[str, Any] = dict(entries.items())
        prefix = _free_prefix(set(own_items), list(theirs))
        names = {key: Name(f"/{prefix}{key[1:]}") for key in theirs}
        renamed[category] = names
        merged[category] = Dictionary(
            {**own_items, **{str(names[key]): value for key, value in theirs.items()}}
        )
    return merged, renamed


def _overlay_content(page: Object, names: Mapping[str, Mapping[str, Name]], offset: int) -> bytes:
    """The overlay page's content with resources renamed and MCIDs moved by `offset`."""
    instructions: list[Any] = []
    for instruction in pikepdf.parse_content_stream(pikepdf.Page(page)):
        # Inline images have no operator to look at; most instructions are kept as parsed.
        rule = _RESOURCE_OPERANDS.get(str(getattr(instruction, "operator", "")))
        if rule is not None and instruction.operands:
            operands = _renamed(list(instruction.operands), rule, names, offset)
            instruction = pikepdf.ContentStreamInstruction(operands, instruction.operator)
        instructions.append(instruction)
    return pikepdf.unparse_content_stream(instructions)


def _renamed(
    operands: list[Any], rule: tuple[str, int], names: Mapping[str, Mapping[str, Name]], offset: int
) -> list[Any]:
    """An instruction's operands with the overlay's resource renamed and its MCID moved."""
    category, index = rule
    name = operands[index]
    if isinstance(name, Name) and str(name) in names.get(category, {}):
        operands[index] = names[category][str(name)]
    properties = operands[-1]
    if len(operands) == 2 and isinstance(properties, Dictionary) and "/MCID" in properties:
        moved = Dictionary({key: value for key, value in properties.items()})  # BDC, DP
        moved.MCID = int(properties.MCID) + offset
        operands[-1] = moved
    return operands


# --- document-wide: destinations, links, outline, forms, metadata ------------------------------


def _name_tree(node: Any, depth: int = 0) -> Iterator[tuple[Object, Any]]:
    """(key, value) of a name tree (flat /Names or /Kids), in order."""
    if not isinstance(node, Dictionary) or depth > 32:
        return
    names = node.get("/Names")
    if isinstance(names, Array):
        for n in range(0, len(names) - 1, 2):
            yield names[n], names[n + 1]
    for kid in node.get("/Kids") or []:
        yield from _name_tree(kid, depth + 1)


def _destinations(root: Object) -> Iterator[tuple[Object, Any]]:
    names = root.get("/Names")
    yield from _name_tree(names.get("/Dests") if isinstance(names, Dictionary) else None)
    legacy = root.get("/Dests")  # PDF 1.1: a dictionary of names
    if isinstance(legacy, Dictionary):
        yield from ((String(key[1:]), value) for key, value in legacy.items())


def _merge_destinations(out: pikepdf.Pdf, copies: Sequence[_Copy]) -> set[str]:
    """One /Names /Dests tree, the first definition of a name winning; the names."""
    merged: dict[bytes, tuple[Object, Any]] = {}
    for copy in copies:
        for key, value in _destinations(copy.root):
            merged.setdefault(bytes(key), (key, value))
    if merged:
        pairs = [item for _raw, pair in sorted(merged.items()) for item in pair]
        out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(Names=Array(pairs))))
    return {str(key) for key, _value in merged.values()}


def _convert_links(pages: Sequence[Object], names: set[str]) -> None:
    """Links to "handbook-anchor:NAME" URIs become links to the named destination NAME."""
    for page in pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get("/A")
            if not isinstance(action, Dictionary) or action.get("/S") != "/URI":
                continue
            uri = str(action.get("/URI", ""))
            if not uri.startswith(LINK_SCHEME):
                continue
            name = unquote(uri[len(LINK_SCHEME) :])
            if name not in names:
                raise ValueError(f"a link leads to {name!r}, a destination no part defines")
            del annotation.A
            annotation.Dest = String(name)
            if "/Contents" in annotation:  # WeasyPrint's text for internal links: the name
                annotation.Contents = String(name)


def _outline_items(root: Object) -> list[Object]:
    """The top-level items of a catalog's outline."""
    outlines = root.get("/Outlines")
    return _siblings(outlines.get("/First") if isinstance(outlines, Dictionary) else None)


def _siblings(item: Any) -> list[Object]:
    """An outline item and the ones after it (/Next), cycles cut."""
    items: list[Object] = []
    seen: set[tuple[int, int]] = set()
    while isinstance(item, Dictionary) and item.objgen not in seen:
        seen.add(item.objgen)
        items.append(item)
        item = item.get("/Next")
    return items


def _retitle(items: Sequence[Object], titles: Mapping[str, str]) -> None:
    stack = list(items)
    while stack:
        item = stack.pop()
        if str(item.get("/Title", "")) in titles:
            item.Title = String(titles[str(item.Title)])
        stack += _siblings(item.get("/First"))


def _merge_outlines(out: pikepdf.Pdf, copies: Sequence[_Copy], titles: Mapping[str, str]) -> None:
    """The parts' top-level outline items in order, each with its subtree."""
    items = [item for copy in copies for item in _outline_items(copy.root)]
    if not items:
        return
    outlines = out.make_indirect(Dictionary(Type=Name.Outlines))
    for n, item in enumerate(items):
        item.Parent = outlines
        for key, other in (("/Prev", n - 1), ("/Next", n + 1)):
            if 0 <= other < len(items):
                item[key] = items[other]
            elif key in item:
                del item[key]
    outlines.First, outlines.Last = items[0], items[-1]
    # Visible items: every top-level item and the open (positive) counts below them.
    outlines.Count = sum(1 + max(int(item.get("/Count", 0)), 0) for item in items)
    _retitle(items, titles)
    out.Root.Outlines = outlines


def _merge_forms(out: pikepdf.Pdf, copies: Sequence[_Copy]) -> None:
    """Fillable parts: every part's fields in one /AcroForm (settings from the first)."""
    forms = [c.root.AcroForm for c in copies if isinstance(c.root.get("/AcroForm"), Dictionary)]
    if forms:
        merged = Dictionary({key: value for key, value in forms[0].items()})
        merged.Fields = Array([f for form in forms for f in form.get("/Fields") or []])
        out.Root.AcroForm = merged


def _set_info(out: pikepdf.Pdf, first: pikepdf.Pdf, info: Mapping[str, str]) -> None:
    source = first.trailer.get("/Info")
    items = dict(source.items()) if isinstance(source, Dictionary) else {}
    merged = Dictionary({key: value for key, value in items.items() if not value.is_indirect})
    for key, value in info.items():
        merged[key if key.startswith("/") else f"/{key}"] = String(value)
    out.trailer.Info = out.make_indirect(merged)


def _saved(out: pikepdf.Pdf, identifier: bytes, version: str) -> bytes:
    """The written file: compressed, its trailer /ID [identifier identifier]."""
    buffer = io.BytesIO()
    out.save(
        buffer,
        static_id=True,  # keeps /ID's first entry (ours); the second is qpdf's fixed one
        min_version=version,
        compress_streams=True,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,  # parts' streams copied as they are
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    ours = identifier.hex().encode()
    written = b"<" + ours + b"><" + _QPDF_STATIC_ID.hex().encode() + b">"
    data = buffer.getvalue()
    if data.count(written) != 1:
        raise RuntimeError("qpdf wrote the trailer /ID in an unexpected form")
    return data.replace(written, b"<" + ours + b"><" + ours + b">")
