"""The validated catalog for other tools: JSON (schemas/export.schema.json) and a flat CSV."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from generator.catalog.model import Catalog, Goal
from generator.csvsafe import csv_text

EXPORT_VERSION = 1
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "audience",
    "title",
    "summary",
    "horizon",
    "tags",
    "smart_statement",
    "smart_example",
    "milestones",
    "measures",
    "related",
    "kpis",
    "source_file",
)


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass (None for other types): looked up once per type."""
    if cls not in _FIELDS:
        fields = dataclasses.fields(cls) if dataclasses.is_dataclass(cls) else None
        _FIELDS[cls] = None if fields is None else tuple(f.name for f in fields)
    return _FIELDS[cls]


def _plain(value: Any, root: Path) -> Any:
    if isinstance(value, (str, int, float, type(None))):  # most values: answered first
        return value
    names = _field_names(type(value))
    if names is not None:
        return {name: _plain(getattr(value, name), root) for name in names}
    if isinstance(value, (tuple, list)):
        return [_plain(v, root) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, root) for k, v in value.items()}
    if isinstance(value, Path):
        return value.relative_to(root).as_posix() if value.is_relative_to(root) else value.name
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def catalog_data(catalog: Catalog) -> dict[str, Any]:
    """The catalog as plain JSON-ready data (paths relative to the repository)."""
    data = _plain(catalog, catalog.root)
    del data["root"]
    data["strings"] = dict(sorted(catalog.strings.items()))
    return {"export_version": EXPORT_VERSION, **data}


def catalog_to_json(catalog: Catalog) -> str:
    return json.dumps(catalog_data(catalog), indent=2, ensure_ascii=False) + "\n"


def _goal_row(goal: Goal) -> dict[str, str]:
    return {
        "id": goal.id,
        "audience": goal.audience,
        "title": goal.title,
        "summary": goal.summary,
        "horizon": goal.horizon,
        "tags": " ".join(goal.tags),
        "smart_statement": goal.smart.statement,
        "smart_example": goal.smart.example,
        "milestones": "; ".join(f"{m.due} {m.title}" for m in goal.milestones),
        "measures": "; ".join(f"{m.metric}: {m.target}" for m in goal.measures),
        "related": " ".join(goal.related),
        "kpis": " ".join(k.id for k in goal.kpis),
        "source_file": goal.source_file,
    }


def catalog_to_csv(catalog: Catalog) -> str:
    """One row per enabled goal, columns CSV_COLUMNS (lists joined by spaces or '; ')."""
    return csv_text(CSV_COLUMNS, (_goal_row(goal) for goal in catalog.goals))


EXPORTER_BY_NAME = {"json": catalog_to_json, "csv": catalog_to_csv}
