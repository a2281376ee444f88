"""The report's figures: response counts, KPIs with their formulas, idle pairs, suppression.

Privacy: a figure based on fewer than `min_group` people (pairs, goals or meetings for those
counts) is suppressed; where a table shows parts and their total, one more part is hidden when
only one is, so that a hidden cell cannot be worked out as total minus the others.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from generator.catalog.model import Catalog
from generator.dates import Duration
from generator.report.fields import RATING, RECOMMEND, TEXT, Spec, parse_day
from generator.report.read import PARTICIPANT_KINDS, Sheet, Unreadable

POINTS = ("before", "midpoint", "after", "end")
HELD = ("planned", "moved")
STATUSES = (*HELD, "cancelled")
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
    point: str = ""  # the survey point's id (kpis.csv); `point_label` is what the report shows
    point_label: str = ""
    suppressed: bool = False


UI = Callable[[str], str]


@dataclass(frozen=True)
class RosterPair:
    """A pair the team handed sheets to (from the roster), whether or not any came back."""

    pair: str
    label: str
    start: str


@dataclass
class IdlePair:
    pair: str
    label: str
    last: str  # the last check-in held (ISO date), or "" when none
    days: int  # days since the last check-in (or the start); -1 when neither is known
    returned: bool = True  # False: on the roster, but no sheet of this pair came back


@dataclass
class Figures:
    min_group: int
    as_of: str
    sheets: int
    counts: list[CountTable] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    idle: list[IdlePair] = field(default_factory=list)
    comments: list[tuple[str, list[str]]] = field(default_factory=list)


def survey_points(sheet: Sheet) -> set[str]:
    """The survey points an evaluation answers (before, midpoint, ...); {""} when none."""
    points = {name.split(".")[1] for name in sheet.answers if name.startswith("evaluation.")}
    return points or {""}


def _earlier(sheet: Sheet, latest: Sheet) -> Unreadable:
    return Unreadable(
        sheet.source,
        f"an earlier return of the same sheet as {latest.source}; the latest (by file time) counts",
    )


def deduplicate(sheets: Sequence[Sheet]) -> tuple[list[Sheet], list[Unreadable]]:
    """The latest return of every sheet (file time, then name); earlier ones as unreadable.

    An evaluation is one return per participant (code and role) and survey point: separate
    "before" and "after" sheets under one code both count; a later sheet answering a point
    again replaces only that point's answers of the earlier one.
    """
    groups: dict[tuple[str, ...], list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        groups[sheet.key()].append(sheet)
    kept: list[Sheet] = []
    dropped: list[Unreadable] = []
    for group in groups.values():
        group.sort(key=lambda s: (s.returned, s.source), reverse=True)  # latest first
        if group[0].kind not in PARTICIPANT_KINDS:
            kept.append(group[0])
            dropped += [_earlier(s, group[0]) for s in group[1:]]
            continue
        claimed: dict[str, Sheet] = {}  # survey point -> the latest sheet answering it
        for sheet in group:
            points = survey_points(sheet)
            taken = sorted(p for p in points if p in claimed)
            if len(taken) == len(points):
                dropped.append(_earlier(sheet, claimed[taken[-1]]))
                continue
            for point in taken:
                prefix = f"evaluation.{point}."
                sheet.answers = {k: v for k, v in sheet.answers.items() if not k.startswith(prefix)}
                sheet.notes.append(
                    f"its {point} answers are replaced by the later return {claimed[point].source}"
                )
            claimed.update((p, sheet) for p in points if p not in claimed)
            kept.append(sheet)
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


def _named(template: str, **values: object) -> str:
    """A UI string with its {name} placeholders filled (plain replace: no format syntax)."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def compute(
    catalog: Catalog,
    sheets: Sequence[Sheet],
    specs: dict[str, Spec],
    *,
    as_of: dt.date,
    include_comments: bool = False,
    roster: Sequence[RosterPair] = (),
) -> Figures:
    """Every figure of the report from the deduplicated sheets, in the catalog's language."""
    ui = catalog.ui
    k = catalog.organization.report_min_group
    fig = Figures(k, as_of.isoformat(), len(sheets))
    evaluations = [s for s in sheets if s.kind == "evaluation"]
    pair_sheets = [s for s in sheets if s.pair and s.pair != "program"]

    by_kind = Counter(s.kind for s in sheets)
    fig.counts.append(
        _table(
            ui("report.table.sheets"),
            (ui("report.table.sheets_column"),),
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
        point_rows.append((ui(f"worksheet.point.{point}"), [*by_role, len(answered)]))
    fig.counts.append(
        _table(
            ui("report.table.points"),
            (*(ui(f"worksheet.{r}") for r in roles), ui("report.table.total")),
            point_rows,
            k,
        )
    )
    if evaluations:
        no_role = len({s.participant for s in evaluations if not s.role})
        if no_role:  # a row without role would break "mentee + mentor = total": shown apart
            fig.counts[-1].title += f" ({_named(ui('report.table.no_role'), count=no_role)})"

    _goal_kpis(fig, ui, pair_sheets, k)
    _log_kpis(fig, ui, pair_sheets, k)
    _survey_kpis(fig, catalog, evaluations)
    for kpi in fig.kpis:  # primary suppression; no KPI is shown by subgroup, so no secondary
        if 0 < kpi.n < k:  # none at all is "no answers", not a hidden figure
            kpi.suppressed = True
            kpi.numerator = kpi.denominator = kpi.value = None
    fig.idle = idle_pairs(catalog, pair_sheets, roster, as_of)
    if include_comments:
        fig.comments = comments(sheets, specs)
    return fig


def _goal_kpis(fig: Figures, ui: UI, pair_sheets: Sequence[Sheet], k: int) -> None:
    outcomes: list[str] = []
    pairs_with_goals = set()
    for sheet in pair_sheets:
        if sheet.kind in GOAL_KINDS:
            found = goals_set(sheet)
            outcomes += found.values()
            if found:
                pairs_with_goals.add(sheet.pair)
    count = Counter(outcomes)
    outcome_names = (ui(f"worksheet.goal.{o.replace('-', '_')}") for o in OUTCOMES)
    fig.counts.append(
        _table(
            ui("report.table.goals"),
            (*outcome_names, ui("report.table.no_outcome"), ui("report.table.total")),
            [
                (
                    ui("report.table.goals_row"),
                    [*(count[o] for o in OUTCOMES), count[""], len(outcomes)],
                )
            ],
            k,
        )
    )
    kpi = Kpi(
        "goal-attainment",
        ui("report.kpi.goal_attainment"),
        ui("report.kpi.goal_attainment_formula"),
        "percent",
        len(pairs_with_goals),
    )
    fig.kpis.append(_ratio(kpi, count["achieved"], len(outcomes)))


def _log_kpis(fig: Figures, ui: UI, pair_sheets: Sequence[Sheet], k: int) -> None:
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
            ui("report.table.check_ins"),
            (*(ui(f"worksheet.log.{s}") for s in STATUSES), ui("report.table.total")),
            [(ui("report.table.meetings_row"), [*(count[s] for s in STATUSES), len(statuses)])],
            k,
        )
    )
    held = count["planned"] + count["moved"]
    kpi = Kpi(
        "session-completion",
        ui("report.kpi.session_completion"),
        ui("report.kpi.session_completion_formula"),
        "percent",
        len(pairs_logging),
    )
    fig.kpis.append(_ratio(kpi, held, len(statuses)))
    mean = Kpi(
        "meeting-minutes",
        ui("report.kpi.meeting_minutes"),
        ui("report.kpi.meeting_minutes_formula"),
        "minutes",
        len(pairs_logging),
    )
    fig.kpis.append(_ratio(mean, sum(minutes), len(minutes), scale=1.0))


def participants(evaluations: Sequence[Sheet]) -> list[dict[str, str]]:
    """Every participant's answers over all their evaluations (code and role match them).

    After `deduplicate` no two of one participant's sheets answer the same survey point, so
    separate "before" and "after" sheets merge without conflict.
    """
    merged: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for sheet in evaluations:
        merged[(sheet.participant, sheet.role)].update(sheet.answers)
    return [merged[key] for key in sorted(merged)]


def _survey_kpis(fig: Figures, catalog: Catalog, evaluations: Sequence[Sheet]) -> None:
    ui = catalog.ui
    people = participants(evaluations)

    def point_label(point: str) -> str:
        return ui(f"worksheet.point.{point}")

    for field_id, label, points in _statements(catalog, RECOMMEND):
        for point in points:
            scores = [int(v) for a in people if (v := a.get(f"evaluation.{point}.{field_id}"))]
            promoters = sum(x >= 9 for x in scores)
            detractors = sum(x <= 6 for x in scores)
            kpi = Kpi(
                "recommendation-score",
                _named(ui("report.kpi.recommendation"), label=label.split(" (")[0]),
                ui("report.kpi.recommendation_formula"),
                "score",
                len(scores),
                point=point,
                point_label=point_label(point),
            )
            fig.kpis.append(_ratio(kpi, promoters - detractors, len(scores)))
    for field_id, label, points in _statements(catalog, RATING):
        if "before" in points and "after" in points:
            matched = [
                (int(b), int(a))
                for answers in people
                if (b := answers.get(f"evaluation.before.{field_id}"))
                and (a := answers.get(f"evaluation.after.{field_id}"))
            ]
            kpi = Kpi(
                f"change.{field_id}",
                _named(ui("report.kpi.change"), label=label),
                ui("report.kpi.change_formula"),
                "points",
                len(matched),
                point="before→after",
                point_label=f"{point_label('before')} → {point_label('after')}",
            )
            fig.kpis.append(_ratio(kpi, sum(a - b for b, a in matched), len(matched), scale=1.0))
        for point in (p for p in points if p not in ("before", "after")):
            ratings = [int(v) for a in people if (v := a.get(f"evaluation.{point}.{field_id}"))]
            kpi = Kpi(
                f"mean.{field_id}",
                _named(ui("report.kpi.mean"), label=label),
                ui("report.kpi.mean_formula"),
                "points",
                len(ratings),
                point=point,
                point_label=point_label(point),
            )
            fig.kpis.append(_ratio(kpi, sum(ratings), len(ratings), scale=1.0))


def idle_pairs(
    catalog: Catalog,
    pair_sheets: Sequence[Sheet],
    roster: Sequence[RosterPair],
    as_of: dt.date,
) -> list[IdlePair]:
    """Pairs whose last check-in held (or start) is more than two cadences before as_of.

    The pairs are those of the returned sheets and, when a roster is given, every pair on it:
    a pair that returned nothing at all is idle once two cadences have passed since its start.
    """
    cadence = Duration.parse(catalog.organization.cadence)
    last: dict[str, dt.date | None] = {}
    start: dict[str, dt.date | None] = {}
    labels: dict[str, str] = {}
    for entry in roster:
        labels[entry.pair] = entry.label
        start[entry.pair] = parse_day(entry.start)
    returned = {s.pair for s in pair_sheets}
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
    for pair in sorted(returned | {e.pair for e in roster}):
        since = last.get(pair) or start.get(pair)
        if since is None:
            idle.append(IdlePair(pair, labels.get(pair, pair), "", -1, pair in returned))
            continue
        if cadence.after(cadence.after(since)) < as_of:
            held_day = last.get(pair)
            idle.append(
                IdlePair(
                    pair,
                    labels.get(pair, pair),
                    held_day.isoformat() if held_day else "",
                    (as_of - since).days,
                    pair in returned,
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
