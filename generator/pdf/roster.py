"""`handbook worksheets --roster pairs.csv`: one personalized booklet per mentoring pair."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from generator.catalog.model import Catalog
from generator.pdf.render import PAIR_SHEETS, Job, Pair, Progress, Renderer, _items_for, run_jobs
from generator.problems import HandbookError

REQUIRED = ("mentor", "mentee", "start_date")


class RosterInvalid(HandbookError):
    """The roster CSV has bad rows; every one is listed with its line number."""


def read_roster(path: Path, catalog: Catalog) -> list[Pair]:
    """The pairs of a roster CSV; RosterInvalid naming each bad line (all of them at once)."""
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise RosterInvalid(f"{path}:1: missing column(s): {', '.join(missing)}")
    known = {g.id for g in catalog.goals}
    pairs: list[Pair] = []
    errors: list[str] = []
    for row in reader:
        line = reader.line_num
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        problems = [f"'{c}' is empty" for c in REQUIRED if not values.get(c)]
        start = values.get("start_date", "")
        if start:
            try:
                dt.date.fromisoformat(start)
            except ValueError:
                problems.append(f"start_date '{start}' is not a date like 2027-02-01")
        goals = tuple(values.get("goals", "").split())
        problems += [f"goal '{g}' is not in the catalog" for g in goals if g not in known]
        if problems:
            errors.append(f"{path}:{line}: " + "; ".join(problems))
        else:
            pairs.append(Pair(values["mentor"], values["mentee"], start, goals))
    if errors:
        raise RosterInvalid("bad roster rows:\n  " + "\n  ".join(errors))
    if not pairs:
        raise RosterInvalid(f"{path}: no pairs in the roster")
    return pairs


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "pair"


def render_roster(
    catalog: Catalog,
    roster_csv: Path,
    out_dir: Path,
    *,
    papers: tuple[str, ...] | None = None,
    fillable: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """One booklet per pair (agreement, log, goal sheets, reflections) with names and dates."""
    pairs = read_roster(roster_csv, catalog)
    jobs = []
    for paper in papers or catalog.organization.paper:
        for n, pair in enumerate(pairs, 1):
            goals = (
                [catalog.goal(g) for g in pair.goals] if pair.goals else catalog.goals_for("mentee")
            )
            title = f"{pair.mentee} · {pair.mentor}"
            path = f"{paper}/pair-{n:03d}-{_slug(pair.mentee)}.pdf"
            items = _items_for(catalog, PAIR_SHEETS, goals)
            jobs.append(Job(path, paper, title, items, booklet=True, pair=pair))
    written, _ = run_jobs(Renderer(catalog, fillable), jobs, out_dir, None, progress)
    return written
