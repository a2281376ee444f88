"""`handbook worksheets --roster pairs.csv`: one personalized booklet per mentoring pair."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

from generator.atomic import check_replaceable, staged_folder
from generator.catalog.model import Catalog
from generator.files import read_regular_file, utf8_position
from generator.pdf.render import PAIR_SHEETS, Job, Pair, Progress, Renderer, _items_for, run_jobs
from generator.problems import HandbookError

REQUIRED = ("mentor", "mentee", "start_date")
MAX_ROSTER_BYTES = 4 * 1024 * 1024  # ~40,000 pairs; anything bigger is a wrong file
YEARS = range(1970, 2201)  # dates outside are typos, and date arithmetic stays far from year 9999
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # invisible in a PDF, and never part of a name
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # [0-9], not \d: no other scripts' digits


class RosterInvalid(HandbookError):
    """The roster CSV has bad rows; every one is listed with its line and column."""


def roster_text(path: Path) -> str:
    """The roster as text: a regular file in UTF-8 (a BOM, as Excel writes, is allowed)."""
    raw = read_regular_file(path, max_bytes=MAX_ROSTER_BYTES, follow_symlinks=True)
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = utf8_position(body, exc)
        raise RosterInvalid(
            f"{path}:{line}:{col}: the roster is not UTF-8 text (byte 0x{body[exc.start]:02x} "
            f"on line {line}); it was probably saved as Latin-1/Windows-1252 (Excel's plain "
            "'CSV'). "
            "Save the file as CSV UTF-8 and run again."
        ) from None


def _control_problem(column: str, value: str) -> str | None:
    found = _CONTROL.search(value)
    if found is None:
        return None
    return f"'{column}' contains a control character (U+{ord(found.group()):04X})"


def _date_problem(value: str) -> str | None:
    """Why value is not an ISO date (YYYY-MM-DD) in YEARS, or None."""
    if not _ISO_DATE.fullmatch(value):
        return f"start_date '{value}' is not a date like 2027-02-01 (YYYY-MM-DD)"
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return f"start_date '{value}' is not a date like 2027-02-01 (no such day)"
    if day.year not in YEARS:
        return (
            f"start_date '{value}' is out of range: the year must be from {YEARS[0]} to {YEARS[-1]}"
        )
    return None


def read_roster(path: Path, catalog: Catalog) -> list[Pair]:
    """The pairs of a roster CSV; RosterInvalid naming each bad cell as FILE:LINE:COL (all)."""
    reader = csv.DictReader(io.StringIO(roster_text(path), newline=""))
    try:
        columns = [c.strip() for c in reader.fieldnames or []]
    except csv.Error as exc:
        raise RosterInvalid(f"{path}:1: {exc}") from None
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise RosterInvalid(f"{path}:1: missing column(s): {', '.join(missing)}")
    col = {name: n for n, name in reversed(list(enumerate(columns, 1)))}  # first of duplicates
    known = {g.id for g in catalog.goals}
    pairs: list[Pair] = []
    errors: list[str] = []
    try:
        for row in reader:
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
            errors += [f"{path}:{reader.line_num}:{c}: {message}" for c, message in problems]
            if not problems:
                pairs.append(Pair(values["mentor"], values["mentee"], start, goals))
    except csv.Error as exc:  # e.g. a NUL byte: report it with the rows found so far
        errors.append(f"{path}:{reader.line_num}: {exc}")
    if errors:
        raise RosterInvalid("bad roster rows:\n  " + "\n  ".join(errors))
    if not pairs:
        raise RosterInvalid(f"{path}: no pairs in the roster")
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
) -> list[Path]:
    """One booklet per pair (agreement, log, goal sheets, reflections) with names and dates.

    out_dir ends up holding exactly this roster's booklets: they are written beside it and
    swapped in, so pairs removed from the roster lose their PDFs and a failure changes nothing.
    With `ics`, calendars/ holds one .ics per pair (named as its booklet) and program-team.ics.
    """
    pairs = read_roster(roster_csv, catalog)
    check_replaceable(out_dir, catalog.root, kind="roster output")
    jobs = []
    names = [f"pair-{n:03d}-{_slug(pair.mentee)}" for n, pair in enumerate(pairs, 1)]
    for paper in papers or catalog.organization.paper:
        for n, pair in enumerate(pairs, 1):
            goals = (
                [catalog.goal(g) for g in pair.goals] if pair.goals else catalog.goals_for("mentee")
            )
            title = f"{pair.mentee} · {pair.mentor}"
            path = f"{paper}/{names[n - 1]}.pdf"
            items = _items_for(catalog, PAIR_SHEETS, goals)
            jobs.append(Job(path, paper, title, items, booklet=True, pair=pair))
    with staged_folder(out_dir, catalog.root) as staging:
        written, _ = run_jobs(Renderer(catalog, fillable), jobs, staging, None, progress)
        if ics:
            from generator.calendars import write_calendars

            written += write_calendars(catalog, pairs, names, staging)
    return [out_dir / path.relative_to(staging) for path in written]
