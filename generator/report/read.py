"""Read returned worksheets: filled PDF forms (fields + /Keywords) and typed-up CSV rows.

Every input is only read. A file that cannot be used becomes an `Unreadable` line with the
reason; a usable sheet with some bad answers is kept, its bad answers dropped and listed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.files import open_regular_file
from generator.pool import cores, pool_list, shared
from generator.report.fields import NAME, Spec, problem

if TYPE_CHECKING:  # imported where used: `worksheets --ics` needs only pair_id
    import pikepdf

MAX_PDF_BYTES = 20 * 1024 * 1024  # a filled booklet is well under 1 MB
KINDS = (
    "goal-pair",
    "goal-program",
    "agreement",
    "check-in-log",
    "midpoint-reflection",
    "closure-reflection",
    "evaluation",
    "kpi-sheet",
    "booklet",
    "pair-booklet",
)
PARTICIPANT_KINDS = ("evaluation",)
_PAIR_NAME_FIELDS = (
    ("check-in-log.mentee", "check-in-log.mentor", "check-in-log.date"),
    (
        "agreement.partners.mentee-name",
        "agreement.partners.mentor-name",
        "agreement.partners.start-date",
    ),
)
_GOAL_NAMES = re.compile(r"goal\.([^.]+)\.(mentee|mentor|date)\Z")
PAIR_ID = re.compile(r"pair-[0-9a-f]{10}\Z")
PARALLEL_MIN = 8


@dataclass
class Sheet:
    """One returned sheet: what it is, whose it is, and its valid answers."""

    source: str
    kind: str
    version: str = ""
    language: str = ""
    paper: str = ""
    returned: float = 0.0  # file modification time (PDF) or `returned` date (CSV), as a timestamp
    participant: str = ""  # the self-chosen code (evaluation)
    role: str = ""
    pair: str = ""  # pair-<hash of the names>: names never leave the reader
    pair_label: str = ""  # "mentee · mentor": only for the idle-pairs table the team acts on
    pair_start: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # bad answers and unknown fields, dropped

    def key(self) -> tuple[str, ...]:
        """Two sheets with the same key are the same return twice (latest wins)."""
        if self.kind in PARTICIPANT_KINDS:
            return (self.kind, self.participant, self.role)
        return (self.kind, self.pair)


@dataclass(frozen=True)
class Unreadable:
    source: str
    reason: str


def pair_id(mentee: str, mentor: str) -> str:
    """A stable id for a pair, from its names: case, spacing and compatibility forms (NFKC:
    full-width letters, ligatures) do not matter; accents do ("Zoë" is not "Zoe")."""
    return f"pair-{pair_key(mentee, mentor).hex()}"


def pair_key(mentee: str, mentor: str) -> bytes:
    """The 5 bytes behind pair_id: two rows with the same key are one pair to the report."""

    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).casefold().split())

    return hashlib.sha256(f"{norm(mentee)}\0{norm(mentor)}".encode()).digest()[:5]


def _keywords(text: str) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in text.split(";"))
    return {k.strip(): v.strip() for k, sep, v in pairs if sep}


def _value(raw: Any) -> str:
    """A field value as text: radio/checkbox names lose their slash; /Off is empty."""
    if raw is None:
        return ""
    text = str(raw)
    if text.startswith("/"):
        text = text[1:]
        return "" if text == "Off" else text
    return text.strip()


def _fields(form: Any) -> dict[str, str]:
    """Field name -> value as text, walking /AcroForm /Fields and named /Kids.

    Only the field tree is touched: no page, widget appearance or content stream is read, and
    a radio group's widgets are not visited (the first kid tells fields from widgets).
    """
    import pikepdf

    out: dict[str, str] = {}
    seen: set[tuple[int, int]] = set()

    def walk(refs: Any, prefix: str, depth: int) -> None:
        if depth > 20 or not isinstance(refs, pikepdf.Array):  # a crafted, cyclic or odd field tree
            return
        for obj in refs:
            if not isinstance(obj, pikepdf.Dictionary):
                continue
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            title = obj.get("/T")
            name = prefix if title is None else f"{prefix}.{title}" if prefix else str(title)
            kids = obj.get("/Kids")
            # Kids are fields (named) or the widgets of this field; the first tells which.
            first = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) else None
            if isinstance(first, pikepdf.Dictionary) and "/T" in first:
                walk(kids, name, depth + 1)
            elif title is not None:
                out[name] = _value(obj.get("/V"))

    walk(form.get("/Fields"), "", 0)
    return out


def _identify(sheet: Sheet, values: Mapping[str, str]) -> str | None:
    """Fill in participant or pair from the answers; the reason when the sheet has neither."""
    if sheet.kind in PARTICIPANT_KINDS:
        sheet.participant = values.get("participant.code", "").strip()
        sheet.role = values.get("participant.role", "")
        return None if sheet.participant else "no participant code filled in"
    candidates = list(_PAIR_NAME_FIELDS)
    for name in sorted(values):
        if (m := _GOAL_NAMES.match(name)) and m.group(2) == "mentee":
            g = f"goal.{m.group(1)}"
            candidates.append((f"{g}.mentee", f"{g}.mentor", f"{g}.date"))
    for mentee_f, mentor_f, start_f in candidates:
        mentee, mentor = values.get(mentee_f, ""), values.get(mentor_f, "")
        if mentee and mentor:
            sheet.pair = pair_id(mentee, mentor)
            sheet.pair_label = f"{mentee} · {mentor}"
            sheet.pair_start = values.get(start_f, "")
            return None
    if sheet.kind in ("kpi-sheet", "goal-program", "booklet"):
        sheet.pair = "program"  # the program team's own sheets
        return None
    return "no mentee and mentor names on the sheet, so it belongs to no pair"


def check_answers(sheet: Sheet, values: Mapping[str, str], specs: Mapping[str, Spec]) -> None:
    """Keep the valid, known, non-name answers; note unknown fields and bad answers."""
    unknown = sorted(k for k, v in values.items() if k not in specs and v)
    if unknown:
        listed = ", ".join(unknown[:12]) + (
            f" and {len(unknown) - 12} more" if len(unknown) > 12 else ""
        )
        sheet.notes.append(
            f"fields this catalog does not have (a sheet from an older catalog?), ignored: {listed}"
        )
    for name in sorted(values):
        value = values[name]
        spec = specs.get(name)
        if not value or spec is None or spec.kind == NAME:
            continue
        why = problem(spec, value)
        if why:
            sheet.notes.append(f"{name}: {why}; answer ignored")
        else:
            sheet.answers[name] = value


def _open(path: Path) -> pikepdf.Pdf:
    """The PDF as qpdf reads it: lazily (only the objects asked for are parsed), no repair.

    qpdf follows incremental updates and object streams as every viewer writes them; a file it
    would have to reconstruct (truncated, broken cross-reference table) may have lost answers,
    so it is refused rather than half counted. qpdf reads the file itself (stream mode): a
    Python file object would cost a callback per read, and a memory map would kill the worker
    (SIGBUS) when the file shrinks while it is read.
    """
    import pikepdf

    return pikepdf.open(path, attempt_recovery=False, access_mode=pikepdf.AccessMode.stream)


def _older_info(path: Path) -> tuple[dict[str, str], str]:
    """Keywords and creator when the newest trailer has no /Info (pypdf's incremental saves).

    qpdf reads only the last trailer; pypdf falls back to the trailers of earlier updates,
    where the worksheet's own /Info still is.
    """
    from pypdf import PdfReader

    meta: Mapping[str, Any] = PdfReader(path).metadata or {}
    return _keywords(str(meta.get("/Keywords", ""))), str(meta.get("/Creator", ""))


def read_pdf(path: Path, specs: Mapping[str, Spec]) -> Sheet | Unreadable:
    """One filled PDF form as a Sheet, or why it cannot be used."""
    import pikepdf
    from pypdf.errors import PyPdfError

    source = str(path)
    try:  # the checks of the one safe reader: a regular file (no FIFO, device), size capped
        with open_regular_file(path, max_bytes=MAX_PDF_BYTES, follow_symlinks=True) as file:
            head = file.read(1024)
            returned = os.fstat(file.fileno()).st_mtime
    except Exception as exc:
        return Unreadable(source, f"cannot be read: {exc}")
    if not head:
        return Unreadable(source, "the file is empty")
    if head.lstrip()[:5] != b"%PDF-":
        return Unreadable(source, "not a PDF file")
    encrypted = "the PDF is encrypted (password-protected); save it unprotected"
    try:
        with _open(path) as pdf:
            if pdf.is_encrypted:
                return Unreadable(source, encrypted)
            info = pdf.trailer.get("/Info")
            if isinstance(info, pikepdf.Dictionary):
                keywords = _keywords(str(info.get("/Keywords", "")))
                creator = str(info.get("/Creator", ""))
            else:
                keywords, creator = _older_info(path)
            form = pdf.Root.get("/AcroForm")
            values = _fields(form) if isinstance(form, pikepdf.Dictionary) else {}
    except pikepdf.PasswordError:
        return Unreadable(source, encrypted)
    except (
        pikepdf.PdfError,
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        RecursionError,
    ) as exc:
        why = " ".join(str(exc).replace(source, "").split()).strip(": ")[:120]
        return Unreadable(
            source, f"a damaged PDF ({why}); open it in a PDF viewer and save it again"
        )
    kind = keywords.get("sheet.kind", "")
    if kind not in KINDS or creator != "mentoring-handbook":
        return Unreadable(
            source, "not a worksheet made by handbook (no sheet kind in its metadata)"
        )
    if not values:
        return Unreadable(
            source, f"a printable {kind} sheet, not a fillable form: type it up in the CSV"
        )
    sheet = Sheet(
        source,
        kind,
        version=keywords.get("catalog.version", ""),
        language=keywords.get("language", ""),
        paper=keywords.get("paper", ""),
        returned=returned,
    )
    return _finish(sheet, values, specs)


def _finish(
    sheet: Sheet, values: Mapping[str, str], specs: Mapping[str, Spec]
) -> Sheet | Unreadable:
    reason = _identify(sheet, values)
    if reason:
        return Unreadable(sheet.source, reason)
    check_answers(sheet, values, specs)
    return sheet


def _read_shared(path: Path) -> Sheet | Unreadable:
    return read_pdf(path, shared()["specs"])


def pdf_inputs(inputs: Iterable[Path]) -> list[Path]:
    """The PDFs named or found (recursively, sorted) in the folders named."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found += sorted(
                p for p in item.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()
            )
        else:
            found.append(item)
    return found


def read_pdfs(paths: list[Path], specs: Mapping[str, Spec]) -> list[Sheet | Unreadable]:
    """Every PDF read on every core (shared worker pool), in input order."""
    # Chunks of a few dozen keep the round trips rare and still balance the cores at the end.
    chunk = max(1, min(32, len(paths) // (4 * cores())))
    return pool_list(
        _read_shared, paths, min_parallel=PARALLEL_MIN, shared={"specs": specs}, chunksize=chunk
    )


def csv_sheet(source: str, row: Mapping[str, str], specs: Mapping[str, Spec]) -> Sheet | Unreadable:
    """A typed-up paper sheet from one CSV row (columns as responses.csv)."""
    kind = row.get("sheet_kind", "").strip()
    if kind not in KINDS:
        return Unreadable(source, f"sheet_kind '{kind[:40]}' is not one of {', '.join(KINDS)}")
    returned = row.get("returned", "").strip()
    day = None
    if returned:
        try:
            day = dt.date.fromisoformat(returned[:10])
        except ValueError:
            return Unreadable(source, f"returned '{returned[:40]}' is not a date like 2027-02-01")
    stamp = dt.datetime.combine(day, dt.time(), dt.UTC).timestamp() if day else 0.0
    sheet = Sheet(
        source, kind, version=row.get("catalog_version", ""), returned=stamp, paper="typed"
    )
    sheet.language = row.get("language", "")
    values = {k: (v or "").strip() for k, v in row.items() if k and "." in k}
    values.setdefault("participant.code", row.get("participant_code", "").strip())
    values.setdefault("participant.role", row.get("role", "").strip())
    pair = row.get("pair", "").strip()
    if kind not in PARTICIPANT_KINDS and pair:
        if PAIR_ID.match(pair):
            sheet.pair, sheet.pair_label = pair, pair
        elif "·" in pair or "/" in pair:
            mentee, _, mentor = pair.replace("/", "·").partition("·")
            sheet.pair, sheet.pair_label = (
                pair_id(mentee, mentor),
                f"{mentee.strip()} · {mentor.strip()}",
            )
        else:
            return Unreadable(
                source, f"pair '{pair[:40]}' is neither a pair id nor 'mentee · mentor'"
            )
        sheet.pair_start = row.get("pair_start", "").strip()
        check_answers(sheet, values, specs)
        return sheet
    return _finish(sheet, values, specs)
