"""The report's figures: response counts, KPIs with their formulas, idle pairs, suppression.

Privacy: a figure based on fewer than `min_group` people (pairs, goals or meetings for those
counts) is suppressed; where a table shows parts and their total, one more part is hidden when
only one is, so that a hidden cell cannot be worked out as total minus the others.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from generator.catalog.model import Catalog
from generator.dates import Duration
from generator.report.fields import RATING, RECOMMEND, TEXT, Spec, parse_day
from generator.report.read import Sheet, Unreadable

POINTS = ("before", "midpoint", "after", "end")
HELD = ("planned", "moved")
OUTCOMES = ("achieved", "partly", "not-yet")
LOG_KINDS = ("pair-booklet", "check-in-log")
GOAL_KINDS = ("pair-booklet", "goal-pair", "booklet", "goal-program")


@dataclass
class Cell:
    count: int
    hidden: bool = False


@dataclass
class CountTable:
    title: str
    columns: tuple[str, ...]  # the last one is the total of the others when `total` is True
    rows: list[tuple[str, list[Cell]]]
    total: bool = True


@dataclass
class Kpi:
    id: str
    label: str
    formula: str
    unit: str  # percent | points | score
    n: int  # people (or pairs) the figure is based on
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    point: str = ""
    suppressed: bool = False


@dataclass
class IdlePair:
    pair: str
    label: str
    last: str  # the last check-in held (ISO date), or "" when none
    days: int  # days since the last check-in (or the start)


@dataclass
class Figures:
    min_group: int
    as_of: str
    sheets: int
    counts: list[CountTable] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    idle: list[IdlePair] = field(default_factory=list)
    comments: list[tuple[str, list[str]]] = field(default_factory=list)


def deduplicate(sheets: Sequence[Sheet]) -> tuple[list[Sheet], list[Unreadable]]:
    """The latest return of every sheet (file time, then name); earlier ones as unreadable."""
    groups: dict[tuple[str, ...], list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        groups[sheet.key()].append(sheet)
    kept: list[Sheet] = []
    dropped: list[Unreadable] = []
    for group in groups.values():
        group.sort(key=lambda s: (s.returned, s.source))
        kept.append(group[-1])
        dropped += [
            Unreadable(
                s.source,
                f"an earlier return of the same sheet as {group[-1].source}; "
                "the latest (by file time) counts",
            )
            for s in group[:-1]
        ]
    kept.sort(key=lambda s: s.source)
    return kept, dropped


def suppress_row(cells: list[Cell], min_group: int, total: bool) -> None:
    """Primary suppression of small non-zero cells; with a total, secondary suppression."""
    for cell in cells:
        cell.hidden = 0 < cell.count < min_group
    if not total:
        return
    parts, whole = cells[:-1], cells[-1]
    if whole.hidden:
        for cell in parts:
            cell.hidden = cell.count > 0
        return
    hidden = [c for c in parts if c.hidden]
    if len(hidden) == 1:  # total minus the visible parts would give it away
        others = sorted((c for c in parts if not c.hidden), key=lambda c: (c.count == 0, c.count))
        if others:
            others[0].hidden = True


def _table(
    title: str,
    columns: tuple[str, ...],
    rows: list[tuple[str, list[int]]],
    k: int,
    total: bool = True,
) -> CountTable:
    table = CountTable(
        title, columns, [(label, [Cell(n) for n in counts]) for label, counts in rows], total
    )
    for _label, cells in table.rows:
        suppress_row(cells, k, total)
    return table


def _ratio(kpi: Kpi, numerator: float, denominator: float, scale: float = 100.0) -> Kpi:
    kpi.numerator, kpi.denominator = numerator, denominator
    kpi.value = round(scale * numerator / denominator, 1) if denominator else None
    return kpi


def goals_set(sheet: Sheet) -> dict[str, str]:
    """goal id -> outcome ('' when not ticked) for every goal the sheet shows as set."""
    goals: dict[str, str] = {}
    for name, value in sheet.answers.items():
        parts = name.split(".")
        if parts[0] != "goal":
            continue
        if parts[2] in ("smart", "outcome", "milestone", "measure"):
            goals.setdefault(parts[1], "")
        if parts[2] == "outcome":
            goals[parts[1]] = value
    return goals


def log_rows(sheet: Sheet) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = defaultdict(dict)
    for name, value in sheet.answers.items():
        parts = name.split(".")
        if parts[0] == "log" and len(parts) == 3:
            rows[parts[1]][parts[2]] = value
    return rows


def _statements(catalog: Catalog, kind: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(field id, label, points) of the evaluation's rating or recommend fields."""
    return [
        (f.id, f.label, s.points)
        for s in catalog.worksheets.evaluation.sections
        for f in s.fields
        if f.kind == kind and s.points
    ]


def compute(
    catalog: Catalog,
    sheets: Sequence[Sheet],
    specs: dict[str, Spec],
    *,
    as_of: dt.date,
    include_comments: bool = False,
) -> Figures:
    """Every figure of the report from the deduplicated sheets."""
    k = catalog.organization.report_min_group
    fig = Figures(k, as_of.isoformat(), len(sheets))
    evaluations = [s for s in sheets if s.kind == "evaluation"]
    pair_sheets = [s for s in sheets if s.pair and s.pair != "program"]
    pairs = sorted({s.pair for s in pair_sheets})

    by_kind = Counter(s.kind for s in sheets)
    fig.counts.append(
        _table(
            "Sheets returned",
            ("sheets",),
            [(kind, [n]) for kind, n in sorted(by_kind.items())],
            k,
            total=False,
        )
    )
    roles = ("mentee", "mentor")
    point_rows = []
    for point in POINTS:
        answered = [
            s for s in evaluations if any(a.startswith(f"evaluation.{point}.") for a in s.answers)
        ]
        if not any(p == point for s in catalog.worksheets.evaluation.sections for p in s.points):
            continue
        by_role = [sum(s.role == r for s in answered) for r in roles]
        point_rows.append((point, [*by_role, len(answered)]))
    fig.counts.append(
        _table(
            "Evaluations answered per survey point", ("mentee", "mentor", "total"), point_rows, k
        )
    )
    if evaluations:
        no_role = sum(not s.role for s in evaluations)
        if no_role:  # a row without role would break "mentee + mentor = total": shown apart
            fig.counts[-1].title += f" ({no_role} without a role are counted in the total only)"

    _goal_kpis(fig, pair_sheets, k)
    _log_kpis(fig, pair_sheets, k)
    _survey_kpis(fig, catalog, evaluations)
    for kpi in fig.kpis:  # primary suppression; no KPI is shown by subgroup, so no secondary
        if 0 < kpi.n < k:  # none at all is "no answers", not a hidden figure
            kpi.suppressed = True
            kpi.numerator = kpi.denominator = kpi.value = None
    fig.idle = idle_pairs(catalog, pair_sheets, pairs, as_of)
    if include_comments:
        fig.comments = comments(sheets, specs)
    return fig


def _goal_kpis(fig: Figures, pair_sheets: Sequence[Sheet], k: int) -> None:
    outcomes: list[str] = []
    pairs_with_goals = set()
    for sheet in pair_sheets:
        if sheet.kind in GOAL_KINDS:
            found = goals_set(sheet)
            outcomes += found.values()
            if found:
                pairs_with_goals.add(sheet.pair)
    count = Counter(outcomes)
    fig.counts.append(
        _table(
            "Goals by outcome",
            (*OUTCOMES, "no outcome yet", "total"),
            [("goals", [*(count[o] for o in OUTCOMES), count[""], len(outcomes)])],
            k,
        )
    )
    kpi = Kpi(
        "goal-attainment",
        "Goal attainment",
        "goals marked achieved / goals set x 100 (a goal is set when its sheet has a SMART blank, "
        "a milestone, a measure or an outcome filled in)",
        "percent",
        len(pairs_with_goals),
    )
    fig.kpis.append(_ratio(kpi, count["achieved"], len(outcomes)))


def _log_kpis(fig: Figures, pair_sheets: Sequence[Sheet], k: int) -> None:
    statuses: list[str] = []
    minutes: list[int] = []
    pairs_logging = set()
    for sheet in pair_sheets:
        if sheet.kind in LOG_KINDS:
            rows = [r for r in log_rows(sheet).values() if r.get("status")]
            statuses += [r["status"] for r in rows]
            minutes += [int(r["minutes"]) for r in rows if r["status"] in HELD and r.get("minutes")]
            if rows:
                pairs_logging.add(sheet.pair)
    count = Counter(statuses)
    fig.counts.append(
        _table(
            "Check-ins by status",
            ("planned", "moved", "cancelled", "total"),
            [("meetings", [count["planned"], count["moved"], count["cancelled"], len(statuses)])],
            k,
        )
    )
    held = count["planned"] + count["moved"]
    kpi = Kpi(
        "session-completion",
        "Session completion",
        "meetings held (status planned or moved) / meetings scheduled "
        "(log rows with a status) x 100",
        "percent",
        len(pairs_logging),
    )
    fig.kpis.append(_ratio(kpi, held, len(statuses)))
    mean = Kpi(
        "meeting-minutes",
        "Mean meeting length",
        "sum of minutes of held meetings / held meetings with minutes",
        "minutes",
        len(pairs_logging),
    )
    fig.kpis.append(_ratio(mean, sum(minutes), len(minutes), scale=1.0))


def _survey_kpis(fig: Figures, catalog: Catalog, evaluations: Sequence[Sheet]) -> None:
    for field_id, label, points in _statements(catalog, RECOMMEND):
        for point in points:
            scores = [
                int(v)
                for s in evaluations
                if (v := s.answers.get(f"evaluation.{point}.{field_id}"))
            ]
            promoters = sum(x >= 9 for x in scores)
            detractors = sum(x <= 6 for x in scores)
            kpi = Kpi(
                "recommendation-score",
                f"Recommendation score ({label.split(' (')[0]})",
                "% answering 9 or 10 - % answering 0 to 6 (of everyone answering); "
                "from -100 to 100",
                "score",
                len(scores),
                point=point,
            )
            fig.kpis.append(_ratio(kpi, promoters - detractors, len(scores)))
    for field_id, label, points in _statements(catalog, RATING):
        if "before" in points and "after" in points:
            matched = [
                (int(b), int(a))
                for s in evaluations
                if (b := s.answers.get(f"evaluation.before.{field_id}"))
                and (a := s.answers.get(f"evaluation.after.{field_id}"))
            ]
            kpi = Kpi(
                f"change.{field_id}",
                f"Change: {label}",
                "mean(after) - mean(before) of the participants who answered both (matched by "
                "participant code); ratings 1 to 5",
                "points",
                len(matched),
                point="before→after",
            )
            fig.kpis.append(_ratio(kpi, sum(a - b for b, a in matched), len(matched), scale=1.0))
        for point in (p for p in points if p not in ("before", "after")):
            ratings = [
                int(v)
                for s in evaluations
                if (v := s.answers.get(f"evaluation.{point}.{field_id}"))
            ]
            kpi = Kpi(
                f"mean.{field_id}",
                f"Mean rating: {label}",
                "sum of ratings / answers; 1 to 5",
                "points",
                len(ratings),
                point=point,
            )
            fig.kpis.append(_ratio(kpi, sum(ratings), len(ratings), scale=1.0))


def idle_pairs(
    catalog: Catalog, pair_sheets: Sequence[Sheet], pairs: Iterable[str], as_of: dt.date
) -> list[IdlePair]:
    """Pairs whose last check-in held (or start) is more than two cadences before as_of."""
    cadence = Duration.parse(catalog.organization.cadence)
    last: dict[str, dt.date | None] = {}
    start: dict[str, dt.date | None] = {}
    labels: dict[str, str] = {}
    for sheet in pair_sheets:
        labels.setdefault(sheet.pair, sheet.pair_label)
        day = parse_day(sheet.pair_start)
        if day is not None:
            start[sheet.pair] = day
        if sheet.kind in LOG_KINDS:
            held = [
                d
                for r in log_rows(sheet).values()
                if r.get("status", "planned") in HELD
                and (d := parse_day(r.get("date", ""))) is not None
            ]
            latest = max(held, default=None)
            previous = last.get(sheet.pair)
            last[sheet.pair] = (
                max(d for d in (latest, previous) if d) if (latest or previous) else None
            )
    idle: list[IdlePair] = []
    for pair in pairs:
        since = last.get(pair) or start.get(pair)
        if since is None:
            idle.append(IdlePair(pair, labels.get(pair, pair), "", -1))
            continue
        if cadence.after(cadence.after(since)) < as_of:
            held_day = last.get(pair)
            idle.append(
                IdlePair(
                    pair,
                    labels.get(pair, pair),
                    held_day.isoformat() if held_day else "",
                    (as_of - since).days,
                )
            )
    return idle


def comments(sheets: Sequence[Sheet], specs: dict[str, Spec]) -> list[tuple[str, list[str]]]:
    """Free-text answers per field, sorted, with no sheet, code or pair attached."""
    by_field: dict[str, list[str]] = defaultdict(list)
    for sheet in sheets:
        for name, value in sheet.answers.items():
            if specs[name].kind == TEXT and not name.startswith(("goal.", "kpi.")):
                by_field[name].append(value)
    return [(name, sorted(values)) for name, values in sorted(by_field.items())]
