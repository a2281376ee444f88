"""What a returned sheet may hold: every field name the catalog's fillable sheets carry, and
the values each may take (README "Worksheet fields"). Out-of-range answers are found here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from generator.catalog.model import Catalog, Form

# Kinds of answer: how a value is checked, and whether it is a comment (free text).
RATING = "rating"  # 1..5
RECOMMEND = "recommend"  # 0..10
CHOICE = "choice"  # one of `choices`
CHECK = "check"  # a checkbox: "on"
DATE = "date"  # YYYY-MM-DD
MINUTES = "minutes"  # a whole number of minutes
TEXT = "text"  # free text: a comment, reported only with --include-comments
NAME = "name"  # names, contacts, signatures, prefilled blanks: never reported

_NAME_KINDS = {"signature"}
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class Spec:
    kind: str
    choices: tuple[str, ...] = ()


def _form_specs(form: Form) -> dict[str, Spec]:
    specs: dict[str, Spec] = {}
    for section in form.sections:
        for f in section.fields:
            if f.kind in (RATING, RECOMMEND):
                kind = f.kind
            elif f.kind == "checkbox":
                kind = CHECK
            elif f.kind in _NAME_KINDS or f.prefill or "contact" in f.id:
                # names, contacts, and what the tool printed in itself (prefill) are no answers
                kind = NAME
            elif f.kind == "date":
                kind = DATE
            else:
                kind = TEXT
            if section.points:
                for point in section.points:
                    specs[f"{form.id}.{point}.{f.id}"] = Spec(kind)
            else:
                specs[f"{form.id}.{section.id}.{f.id}"] = Spec(kind)
    return specs


def field_specs(catalog: Catalog) -> dict[str, Spec]:
    """Every field name the current catalog's fillable sheets can carry, with its kind."""
    w = catalog.worksheets
    specs: dict[str, Spec] = {
        "participant.code": Spec(NAME),
        "participant.role": Spec(CHOICE, ("mentee", "mentor")),
        **{f"check-in-log.{k}": Spec(NAME) for k in ("mentee", "mentor")},
        "check-in-log.date": Spec(DATE),
    }
    for form in (w.agreement, w.midpoint_reflection, w.closure_reflection, w.evaluation):
        specs.update(_form_specs(form))
    for n in range(1, w.check_in_log.rows + 1):
        specs[f"log.{n}.date"] = Spec(DATE)
        specs[f"log.{n}.minutes"] = Spec(MINUTES)
        specs[f"log.{n}.status"] = Spec(CHOICE, ("planned", "moved", "cancelled"))
        for column in w.check_in_log.columns:
            specs.setdefault(f"log.{n}.{column.id}", Spec(TEXT))
    for goal in catalog.goals:
        g = f"goal.{goal.id}"
        specs.update(
            {f"{g}.mentee": Spec(NAME), f"{g}.mentor": Spec(NAME), f"{g}.date": Spec(DATE)}
        )
        specs[f"{g}.outcome"] = Spec(CHOICE, ("achieved", "partly", "not-yet"))
        specs[f"{g}.outcome-date"] = Spec(DATE)
        for n in range(1, len(goal.milestones) + 1):
            specs[f"{g}.milestone.{n}.progress"] = Spec(TEXT)
            specs[f"{g}.milestone.{n}.done"] = Spec(CHECK)
        for n in range(1, len(goal.measures) + 1):
            specs[f"{g}.measure.{n}"] = Spec(TEXT)
        for p in goal.smart.placeholders:
            specs[f"{g}.smart.{p.name}"] = Spec(TEXT)
        for prompt in goal.smart.prompts:
            specs[f"{g}.prompt.{prompt.key}"] = Spec(TEXT)
        for key in ("help", "actions", "lessons", "team", "review.midpoint", "review.end"):
            specs[f"{g}.{key}"] = Spec(TEXT)
        specs[f"{g}.owner"] = Spec(NAME)
    kpis = (*catalog.measurement.kpis, *(k for g in catalog.goals for k in g.kpis))
    for kpi in kpis:
        for key in ("formula", "baseline", "target", "midpoint", "end", "source"):
            specs[f"kpi.{kpi.id}.{key}"] = Spec(TEXT)
        specs[f"kpi.{kpi.id}.owner"] = Spec(NAME)
    return specs


_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def parse_day(value: str) -> dt.date | None:
    """An ISO date (YYYY-MM-DD), or None."""
    if not _ISO.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def problem(spec: Spec, value: str) -> str | None:
    """Why value is out of range for spec, or None when it is a valid answer."""
    if spec.kind == RATING and value not in {str(n) for n in range(1, 6)}:
        return f"'{value[:40]}' is not a rating from 1 to 5"
    if spec.kind == RECOMMEND and value not in {str(n) for n in range(11)}:
        return f"'{value[:40]}' is not a score from 0 to 10"
    if spec.kind == CHOICE and value not in spec.choices:
        return f"'{value[:40]}' is not one of {', '.join(spec.choices)}"
    if spec.kind == CHECK and value != "on":
        return f"'{value[:40]}' is not a tick ('on')"
    if spec.kind == DATE and parse_day(value) is None:
        return f"'{value[:40]}' is not a date like 2027-02-01"
    if spec.kind == MINUTES and not (
        value.isascii() and value.isdigit() and int(value) <= MAX_MINUTES
    ):
        return f"'{value[:40]}' is not a number of minutes from 0 to {MAX_MINUTES}"
    return None
