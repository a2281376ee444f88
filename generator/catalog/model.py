"""The validated catalog: a small typed model that every renderer reads.

Text in the model is final: organization terms ("mentee" -> "learner") are already applied and rich
text is already converted to sanitized HTML. Renderers never see YAML or raw Markdown.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

AUDIENCES: tuple[str, ...] = ("mentee", "mentor", "organization")
SMART_KEYS: tuple[str, ...] = ("specific", "measurable", "achievable", "relevant", "time_bound")


@dataclass(frozen=True)
class RichText:
    """Markdown written by a contributor and its sanitized HTML (safe to insert unescaped)."""

    source: str
    html: str


@dataclass(frozen=True)
class Source:
    name: str
    publisher: str | None = None
    url: str | None = None
    year: int | None = None
    via: str | None = None  # "as reported by" a secondary source


@dataclass(frozen=True)
class Evidence:
    claim: str
    source: Source


@dataclass(frozen=True)
class Placeholder:
    """A blank in a SMART statement, e.g. ``{skill}``."""

    name: str
    label: str
    hint: str
    example: str
    kind: str = "text"  # text | number | percent | duration | date


@dataclass(frozen=True)
class StatementPart:
    """A piece of a SMART statement: literal text or a placeholder."""

    text: str
    placeholder: Placeholder | None = None


@dataclass(frozen=True)
class SmartPrompt:
    key: str  # one of SMART_KEYS
    letter: str  # S, M, A, R, T
    criterion: str  # localized criterion name, e.g. "Specific"
    prompt: str


@dataclass(frozen=True)
class SmartTemplate:
    statement: str
    parts: tuple[StatementPart, ...]
    placeholders: tuple[Placeholder, ...]
    prompts: tuple[SmartPrompt, ...]
    example: str  # the statement with every placeholder replaced by its example


@dataclass(frozen=True)
class Milestone:
    title: str
    due: str  # ISO 8601 duration from the pair's start, e.g. "P2W"
    due_days: int  # the same offset in days (months as calendar months from the program start)
    description: str = ""


@dataclass(frozen=True)
class Measure:
    metric: str
    how: str
    target: str


@dataclass(frozen=True)
class Kpi:
    id: str
    name: str
    description: str
    unit: str  # percent | count | score | currency | days | ratio
    direction: str  # increase | decrease | maintain
    baseline: str
    target: str
    period: str  # ISO 8601 duration between measurements, e.g. "P1Y"


@dataclass(frozen=True)
class Goal:
    id: str
    audience: str  # mentee | mentor | organization
    title: str
    summary: str
    why: RichText
    horizon: str  # habit | reach | stretch
    tags: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    smart: SmartTemplate
    milestones: tuple[Milestone, ...]
    measures: tuple[Measure, ...]
    check_in_questions: tuple[str, ...]
    conversation_starters: tuple[str, ...]
    related: tuple[str, ...]
    kpis: tuple[Kpi, ...]
    source_file: (
        str  # path relative to the repository, e.g. "content/goals/mentee/learn-new-skills.yml"
    )


@dataclass(frozen=True)
class Terms:
    mentor: str
    mentors: str
    mentee: str
    mentees: str
    program: str
    programs: str


@dataclass(frozen=True)
class Organization:
    name: str
    short_name: str
    program_name: str
    tagline: str
    contact_name: str
    contact_email: str
    website: str | None
    logo: Path  # absolute, resolved, inside the repository
    logo_alt: str
    primary: str  # "#rrggbb"
    accent: str  # "#rrggbb"
    language: str  # e.g. "en"
    paper: tuple[str, ...]  # ("a4", "letter")
    start_date: dt.date | None
    duration: str  # ISO 8601 duration of a mentoring pair, e.g. "P6M"
    cadence: str  # ISO 8601 duration between check-ins, e.g. "P2W"
    meeting_minutes: int
    terms: Terms
    fillable: bool = False  # publish fillable PDF forms beside the printable sheets
    report_min_group: int = 5  # `handbook collect`: smallest group a figure may describe
    time_zone: str | None = None  # IANA name for calendar files; None: floating dates


@dataclass(frozen=True)
class Criterion:
    key: str  # one of SMART_KEYS
    letter: str
    name: str
    asks: str
    question: str
    tip: str


@dataclass(frozen=True)
class SmartFramework:
    title: str
    intro: RichText
    criteria: tuple[Criterion, ...]
    steps: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    worked_example: str  # a goal id


@dataclass(frozen=True)
class Practice:
    title: str
    description: str


@dataclass(frozen=True)
class EvaluationLevel:
    level: int
    name: str
    question: str
    how: str


@dataclass(frozen=True)
class Measurement:
    title: str
    intro: RichText
    practices: tuple[Practice, ...]
    kpis: tuple[Kpi, ...]
    evaluation_levels: tuple[EvaluationLevel, ...]


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    hint: str
    kind: str  # lines | text | date | checkbox | signature | rating | recommend
    lines: int  # writing lines for kind "lines"; 1 otherwise
    prefill: str = (
        ""  # what organization.yml (or the roster) prints into the blank; see FIELD_PREFILLS
    )


@dataclass(frozen=True)
class FormSection:
    id: str
    title: str
    intro: str
    fields: tuple[FormField, ...]
    points: tuple[str, ...] = ()  # before | after | midpoint | end: answered at each, side by side


@dataclass(frozen=True)
class Form:
    """A worksheet made of sections of labelled blanks (agreement, reflections, evaluation)."""

    id: str
    title: str
    intro: str
    sections: tuple[FormSection, ...]


@dataclass(frozen=True)
class LogColumn:
    id: str
    label: str
    width: int  # relative width, percent of the table


@dataclass(frozen=True)
class CheckInLog:
    id: str
    title: str
    intro: str
    agenda: tuple[str, ...]
    columns: tuple[LogColumn, ...]
    rows: int  # dated rows to print; dates from the program start and cadence


@dataclass(frozen=True)
class Worksheets:
    agreement: Form
    check_in_log: CheckInLog
    midpoint_reflection: Form
    closure_reflection: Form
    evaluation: Form


@dataclass(frozen=True)
class Page:
    slug: str  # file name without .md
    title: str
    body: RichText


@dataclass(frozen=True)
class Catalog:
    root: Path  # the repository (the folder that holds content/)
    organization: Organization
    goals: tuple[Goal, ...]  # enabled goals, by audience then order then id
    smart: SmartFramework
    measurement: Measurement
    worksheets: Worksheets
    pages: tuple[Page, ...]
    strings: Mapping[str, str] = field(default_factory=dict)  # UI strings, dotted keys

    def goals_for(self, audience: str) -> tuple[Goal, ...]:
        """Goals of one audience, in catalog order."""
        return tuple(g for g in self.goals if g.audience == audience)

    def goal(self, goal_id: str) -> Goal:
        """The goal with this id (KeyError when it is absent or disabled)."""
        return self._goals_by_id[goal_id]

    @functools.cached_property
    def _goals_by_id(self) -> dict[str, Goal]:
        # Pages look related goals up by id: a scan per lookup is quadratic at 10,000 goals.
        return {g.id: g for g in self.goals}

    def ui(self, key: str) -> str:
        """A UI string from the locale file (KeyError when missing: validation guarantees them)."""
        return self.strings[key]
