"""`handbook worksheets --roster pairs.csv`: one personalized booklet per mentoring pair."""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from generator.atomic import check_replaceable, staged_folder
from generator.catalog.model import Catalog
from generator.dates import MAX_DATE, MIN_DATE, DateRangeError, parse_date
from generator.files import open_regular_file, too_large, utf8_position
from generator.pdf.render import PAIR_SHEETS, Job, Pair, Progress, Renderer, _items_for, run_jobs
from generator.pdf.shards import Shard, write_manifest
from generator.problems import HandbookError
from generator.safety.text import FORBIDDEN

if TYPE_CHECKING:
    from hashlib import _Hash as Hash

REQUIRED = ("mentor", "mentee", "start_date")
MAX_ROSTER_BYTES = 64 * 1024 * 1024  # ~600,000 pairs (read row by row); more is a wrong file
MAX_REPORTED = 500  # bad cells listed in full; the rest are counted
# Content's forbidden characters, plus tab and line ends: a name never holds them.
_CONTROL = re.compile(f"{FORBIDDEN.pattern}|[\t\n\r]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # [0-9], not \d: no other scripts' digits


class RosterInvalid(HandbookError):
    """The roster CSV has bad rows; every one is listed with its line and column."""


def _lines(file: BinaryIO, path: Path, digest: Hash) -> Iterator[str]:
    """The roster's lines, decoded one at a time (a BOM, as Excel writes, is dropped).

    The bytes read go into `digest`, so a second pass can tell the file did not change.
    """
    size = 0
    for number, raw in enumerate(file, 1):
        size += len(raw)
        if size > MAX_ROSTER_BYTES:  # the file grew after its size was checked
            raise too_large(path, MAX_ROSTER_BYTES)
        digest.update(raw)
        line = raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as exc:
            _, col = utf8_position(line, exc)
            raise RosterInvalid(
                f"{path}:{number}:{col}: the roster is not UTF-8 text (byte "
                f"0x{line[exc.start]:02x} on line {number}); it was probably saved as "
                "Latin-1/Windows-1252 (Excel's plain 'CSV'). Save the file as CSV UTF-8 and "
                "run again."
            ) from None


def _control_problem(column: str, value: str) -> str | None:
    found = _CONTROL.search(value)
    if found is None:
        return None
    return f"'{column}' contains a control character (U+{ord(found.group()):04X})"


def _date_problem(value: str) -> str | None:
    """Why value is not an ISO date (YYYY-MM-DD) within the dates every date in the tool obeys."""
    if not _ISO_DATE.fullmatch(value):
        return f"start_date '{value}' is not a date like 2027-02-01 (YYYY-MM-DD)"
    try:
        parse_date(value)
    except DateRangeError:
        return (
            f"start_date '{value}' is out of range: the year must be from {MIN_DATE.year} to "
            f"{MAX_DATE.year}"
        )
    except ValueError:
        return f"start_date '{value}' is not a date like 2027-02-01 (no such day)"
    return None


@dataclass(frozen=True)
class RosterSummary:
    """What a full pass over a valid roster found: its pairs and the file's SHA-256."""

    pairs: int
    sha256: str


Visit = Callable[[int, Pair], None]


def scan_roster(path: Path, catalog: Catalog, visit: Visit | None = None) -> RosterSummary:
    """Read the roster row by row, validating every row; RosterInvalid lists every bad cell.

    `visit(n, pair)` is called for the n-th valid pair (1-based) as it is read; memory stays
    flat because no row is kept. Callers that must not act on a bad roster run one pass
    without `visit` first (see render_roster).
    """
    digest = hashlib.sha256()
    errors: list[str] = []
    count = 0
    with open_regular_file(path, max_bytes=MAX_ROSTER_BYTES, follow_symlinks=True) as file:
        reader = csv.DictReader(_lines(file, path, digest))
        try:
            columns = [c.strip() for c in reader.fieldnames or []]
        except csv.Error as exc:
            raise RosterInvalid(f"{path}:1: {exc}") from None
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise RosterInvalid(f"{path}:1: missing column(s): {', '.join(missing)}")
        col = {name: n for n, name in reversed(list(enumerate(columns, 1)))}  # first duplicate
        known = {g.id for g in catalog.goals}
        try:
            for row in reader:
                pair, problems = _row(row, col, known)
                if len(errors) < MAX_REPORTED:
                    errors += [f"{path}:{reader.line_num}:{c}: {m}" for c, m in problems]
                elif problems:
                    errors.append("")  # counted, not kept: a huge wrong file stays small
                if pair is not None:
                    count += 1
                    if visit is not None and not errors:
                        visit(count, pair)
        except csv.Error as exc:  # e.g. a NUL byte: report it with the rows found so far
            errors.append(f"{path}:{reader.line_num}: {exc}")
    if errors:
        shown = [e for e in errors if e]
        more = f"\n  ... and {len(errors) - len(shown)} more" if len(shown) < len(errors) else ""
        raise RosterInvalid("bad roster rows:\n  " + "\n  ".join(shown) + more)
    if not count:
        raise RosterInvalid(f"{path}: no pairs in the roster")
    return RosterSummary(count, digest.hexdigest())


def _row(
    row: dict[str | None, str | None], col: dict[str, int], known: set[str]
) -> tuple[Pair | None, list[tuple[int, str]]]:
    """One CSV row as a Pair, or the (column, message) problems that keep it from being one."""
    values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
    problems = [(col[c], f"'{c}' is empty") for c in REQUIRED if not values.get(c)]
    problems += [(col[c], p) for c, v in values.items() if (p := _control_problem(c, v))]
    start = values.get("start_date", "")
    date_problem = _date_problem(start) if start else None
    if date_problem:
        problems.append((col["start_date"], date_problem))
    goals = tuple(values.get("goals", "").split())
    problems += [
        (col["goals"], f"goal '{g}' is not in the catalog") for g in goals if g not in known
    ]
    if problems:
        return None, problems
    return Pair(values["mentor"], values["mentee"], start, goals), []


def read_roster(path: Path, catalog: Catalog) -> list[Pair]:
    """All pairs of a roster CSV (for small rosters and tests; rendering streams instead)."""
    pairs: list[Pair] = []
    scan_roster(path, catalog, lambda _, pair: pairs.append(pair))
    return pairs


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()  # Zoë: zoe
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "pair"


def render_roster(
    catalog: Catalog,
    roster_csv: Path,
    out_dir: Path,
    *,
    papers: tuple[str, ...] | None = None,
    fillable: bool = False,
    ics: bool = False,
    progress: Progress | None = None,
    shard: Shard | None = None,
) -> list[Path]:
    """One booklet per pair (agreement, log, goal sheets, reflections) with names and dates.

    out_dir ends up holding exactly this roster's booklets: they are written beside it and
    swapped in, so pairs removed from the roster lose their PDFs and a failure changes nothing.
    With `shard` only that shard's pairs are rendered, and out_dir gets its manifest
    (generator/pdf/shards.py); pairs keep their roster number in the file name, so the shards'
    files never collide when merged.
    With `ics`, calendars/ holds one .ics per pair (named as its booklet) and program-team.ics.
    """
    sharded = shard is not None
    shard = shard or Shard(1, 1)
    first = scan_roster(roster_csv, catalog)  # every row checked before anything is rendered
    check_replaceable(out_dir, catalog.root, kind="roster output")
    mine: list[tuple[int, Pair]] = []
    second = scan_roster(
        roster_csv, catalog, lambda n, pair: mine.append((n, pair)) if shard.owns(pair) else None
    )
    if second != first:
        raise RosterInvalid(f"{roster_csv}: the roster changed while it was being read; run again")
    jobs = []
    files: dict[int, list[str]] = {n: [] for n, _ in mine}
    names = {n: f"pair-{n:03d}-{_slug(pair.mentee)}" for n, pair in mine}
    for paper in papers or catalog.organization.paper:
        for n, pair in mine:
            goals = (
                [catalog.goal(g) for g in pair.goals] if pair.goals else catalog.goals_for("mentee")
            )
            title = f"{pair.mentee} · {pair.mentor}"
            path = f"{paper}/{names[n]}.pdf"
            items = _items_for(catalog, PAIR_SHEETS, goals)
            jobs.append(Job(path, paper, title, items, booklet=True, pair=pair))
            files[n].append(path)
    with staged_folder(out_dir, catalog.root) as staging:
        written, _ = run_jobs(Renderer(catalog, fillable), jobs, staging, None, progress)
        if sharded:
            write_manifest(staging, shard, first, [(n, p, files[n]) for n, p in mine])
        if ics:
            from generator.calendars import write_calendars

            pairs = [pair for _, pair in mine]
            written += write_calendars(catalog, pairs, [names[n] for n, _ in mine], staging)
    return [out_dir / path.relative_to(staging) for path in written]
