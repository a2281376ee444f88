"""`handbook worksheets --roster pairs.csv`: one personalized booklet per mentoring pair."""

from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from generator.atomic import check_replaceable, staged_folder
from generator.calendars import CalendarWriter
from generator.catalog.model import Catalog
from generator.csvsafe import column_name, delimiter_for
from generator.dates import MAX_DATE, MIN_DATE, DateRangeError, parse_date
from generator.files import open_regular_file, too_large, utf8_position
from generator.pdf.render import (
    PAIR_SHEETS,
    Job,
    Pair,
    Renderer,
    _items_for,
    pair_title,
    run_jobs,
)
from generator.pdf.reuse import BookletParts
from generator.pdf.shards import ManifestWriter, Shard
from generator.problems import HandbookError
from generator.progress import Progress
from generator.report.read import pair_key
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


Row = tuple[int, Pair | None, list[tuple[int, str]]]  # line, pair, (column, message)s


def scan_roster(path: Path, catalog: Catalog, visit: Visit | None = None) -> RosterSummary:
    """Read the roster row by row, validating every row; RosterInvalid lists every bad cell,
    and every row naming a pair an earlier row named (see _Repeats).

    `visit(n, pair)` is called for the n-th valid pair (1-based) as it is read; memory stays
    flat because no row is kept. Callers that must not act on a bad roster run one pass
    without `visit` first (see render_roster).
    """
    digest = hashlib.sha256()
    errors: list[str] = []
    count = 0
    repeats = _Repeats()
    for line, pair, problems in _rows(path, catalog, digest):
        if len(errors) < MAX_REPORTED:
            errors += [
                f"{path}:{line}:{c}: {m}" if c else f"{path}:{line}: {m}" for c, m in problems
            ]
        elif problems:
            errors.append("")  # counted, not kept: a huge wrong file stays small
        if pair is not None:
            repeats.add(pair)
            count += 1
            if visit is not None and not errors:
                visit(count, pair)
    errors += repeats.confirm(path, catalog)
    if errors:
        shown = [e for e in errors if e][:MAX_REPORTED]
        more = f"\n  ... and {len(errors) - len(shown)} more" if len(shown) < len(errors) else ""
        raise RosterInvalid("bad roster rows:\n  " + "\n  ".join(shown) + more)
    if not count:
        raise RosterInvalid(f"{path}: no pairs in the roster")
    return RosterSummary(count, digest.hexdigest())


def _rows(path: Path, catalog: Catalog, digest: Hash) -> Iterator[Row]:
    """Every row of the roster that is not blank: its line, and its Pair or its problems
    (a CSV error ends the rows, as the problem of the line it stopped on)."""
    with open_regular_file(path, max_bytes=MAX_ROSTER_BYTES, follow_symlinks=True) as file:
        lines = _lines(file, path, digest)
        header = next(lines, "")
        delimiter = delimiter_for(header, REQUIRED)  # ";" from Excel in much of Europe
        reader = csv.DictReader(itertools.chain([header], lines), delimiter=delimiter)
        try:
            cells = reader.fieldnames or []
        except csv.Error as exc:
            raise RosterInvalid(f"{path}:1: {exc}") from None
        columns = [column_name(c) for c in cells]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            found = ", ".join(repr(c.strip()) for c in cells) or "nothing"
            raise RosterInvalid(
                f"{path}:1: missing column(s): {', '.join(missing)} (the first line has: {found})"
            )
        col = {name: n for n, name in reversed(list(enumerate(columns, 1)))}  # first duplicate
        known = {g.id for g in catalog.goals}
        try:
            for row in reader:
                if not any(v.strip() for k, v in row.items() if k and v):
                    continue  # only separators (",,,"): a cleared row, as Excel saves it
                pair, problems = _row(row, col, known)
                yield reader.line_num, pair, problems
        except csv.Error as exc:  # e.g. a NUL byte: reported with the rows found so far
            yield reader.line_num, None, [(0, str(exc))]


class _Repeats:
    """Rows that name a pair an earlier row named: the report counts a pair by its names
    (report.read.pair_id), so the two rows' sheets could not be told apart, and the program's
    figures would be wrong. In flat memory, as the roster is read: a Bloom filter of a fixed
    2 MiB over the pairs' keys flags each row whose key may have come before; only if one did
    is the file read once more, for the flagged keys alone, to find which rows share one."""

    BITS = 1 << 24  # a power of two, at most 2**32
    _MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)

    def __init__(self) -> None:
        self.bits = bytearray(self.BITS // 8)
        self.flagged: set[bytes] = set()  # false positives and true repeats: a few at most

    def _positions(self, key: bytes) -> list[int]:
        number = int.from_bytes(key, "big")
        return [
            ((number * m) & 0xFFFF_FFFF_FFFF_FFFF) >> 32 & (self.BITS - 1)
            for m in self._MULTIPLIERS
        ]

    def add(self, pair: Pair) -> None:
        key = pair_key(pair.mentee, pair.mentor)
        seen = True
        for bit in self._positions(key):
            byte, mask = bit >> 3, 1 << (bit & 7)
            seen = seen and bool(self.bits[byte] & mask)
            self.bits[byte] |= mask
        if seen:
            self.flagged.add(key)

    def confirm(self, path: Path, catalog: Catalog) -> list[str]:
        """One error per row that repeats an earlier row's pair (another pass, if flagged)."""
        if not self.flagged:
            return []
        first: dict[bytes, int] = {}
        errors = []
        for line, pair, _ in _rows(path, catalog, hashlib.sha256()):
            if pair is None or (key := pair_key(pair.mentee, pair.mentor)) not in self.flagged:
                continue
            earlier = first.setdefault(key, line)
            if earlier != line:
                errors.append(
                    f"{path}:{line}: mentee '{pair.mentee}' and mentor '{pair.mentor}' are "
                    f"already a pair on line {earlier}: returned sheets could not tell the two "
                    "rows apart; remove the repeated row"
                )
        return errors


def _row(
    row: dict[str | None, str | None], col: dict[str, int], known: set[str]
) -> tuple[Pair | None, list[tuple[int, str]]]:
    """One CSV row as a Pair, or the (column, message) problems that keep it from being one."""
    values = {column_name(k): (v or "").strip() for k, v in row.items() if k}
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


BATCH_PAIRS = 32  # pairs planned and rendered at a time: memory stays flat, workers stay busy
Batch = list[tuple[int, Pair, list[Job]]]


@dataclass(frozen=True)
class RosterPlan:
    """What the first pass found: the roster, and this shard's pairs and sheets (the work)."""

    roster: RosterSummary
    pairs: int
    sheets: int


def _pair_jobs(catalog: Catalog, n: int, pair: Pair, papers: tuple[str, ...]) -> list[Job]:
    """One booklet per paper for the n-th pair: agreement, log, goal sheets, reflections."""
    goals = [catalog.goal(g) for g in pair.goals] if pair.goals else catalog.goals_for("mentee")
    items = _items_for(catalog, PAIR_SHEETS, goals)
    name = pair_name(n, pair)
    title = pair_title(pair)
    return [Job(f"{p}/{name}.pdf", p, title, items, booklet=True, pair=pair) for p in papers]


def pair_name(n: int, pair: Pair) -> str:
    """The file name (without suffix) of the n-th pair's booklets and calendar."""
    return f"pair-{n:03d}-{_slug(pair.mentee)}"


def plan_roster(
    catalog: Catalog, roster_csv: Path, shard: Shard, papers: tuple[str, ...]
) -> RosterPlan:
    """The first pass: every row checked, this shard's pairs and sheets counted (none kept)."""
    counts = [0, 0]

    def count(n: int, pair: Pair) -> None:
        if shard.owns(pair):
            counts[0] += 1
            counts[1] += sum(len(job.items) for job in _pair_jobs(catalog, n, pair, papers))

    return RosterPlan(scan_roster(roster_csv, catalog, count), *counts)


def stream_batches(
    catalog: Catalog,
    roster_csv: Path,
    shard: Shard,
    papers: tuple[str, ...],
    plan: RosterPlan,
    on_batch: Callable[[Batch], None],
) -> None:
    """The second pass: this shard's jobs, BATCH_PAIRS pairs at a time, to on_batch.

    Only one batch is held at a time. The file must be the one the first pass checked:
    RosterInvalid otherwise (what was done with earlier batches is for the caller to drop).
    """
    batch: Batch = []

    def visit(n: int, pair: Pair) -> None:
        if not shard.owns(pair):
            return
        batch.append((n, pair, _pair_jobs(catalog, n, pair, papers)))
        if len(batch) >= BATCH_PAIRS:
            on_batch(batch[:])
            batch.clear()

    second = scan_roster(roster_csv, catalog, visit)
    if second != plan.roster:
        raise RosterInvalid(f"{roster_csv}: the roster changed while it was being read; run again")
    if batch:
        on_batch(batch)


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
    The roster is rendered in batches as it is read a second time: memory does not grow with it.
    The progress bar counts sheets (a booklet's forms and goal sheets), the real work.
    """
    sharded = shard is not None
    shard = shard or Shard(1, 1)
    paper_list = tuple(papers or catalog.organization.paper)
    plan = plan_roster(catalog, roster_csv, shard, paper_list)  # every row checked first
    check_replaceable(out_dir, catalog.root, kind="roster output")
    renderer = Renderer(catalog, fillable)
    parts = renderer.parts = BookletParts(renderer)
    written: list[Path] = []
    done = [0, 0]  # pairs, sheets
    with staged_folder(out_dir, catalog.root) as staging:
        manifest = ManifestWriter(staging, shard, plan.roster) if sharded else None
        calendars = CalendarWriter(catalog, staging) if ics else None

        def render(batch: Batch) -> None:
            jobs = [job for _, _, pair_jobs in batch for job in pair_jobs]
            sheets = {job.path: len(job.items) for job in jobs}

            def step(_n: int, _total: int, path: str) -> None:
                done[1] += sheets[path]
                if progress:
                    label = f"pair {done[0] + 1:,}-{done[0] + len(batch):,} of {plan.pairs:,}"
                    progress(done[1], plan.sheets, f"{label}: {path}")

            if progress and not done[0]:
                progress(0, plan.sheets, "laying out the sheets all pairs share (once)")
            parts.prepare(jobs)  # here, before the workers fork: they share what it renders
            paths, _ = run_jobs(renderer, jobs, staging, None, step)
            written.extend(paths)
            done[0] += len(batch)
            for n, pair, pair_jobs in batch:
                files = [job.path for job in pair_jobs]
                team_events = 0
                if calendars is not None:
                    ics_path, team_events = calendars.add(pair, pair_name(n, pair))
                    written.append(ics_path)
                    files.append(ics_path.relative_to(staging).as_posix())
                if manifest is not None:
                    manifest.add(n, pair, files, team_events)

        stream_batches(catalog, roster_csv, shard, paper_list, plan, render)
        team = calendars.finish() if calendars is not None else None
        if team is not None:
            written.append(team)
        if manifest is not None:
            manifest.finish(team.relative_to(staging).as_posix() if team else None)
    return [out_dir / path.relative_to(staging) for path in written]
