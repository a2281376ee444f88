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


def _plain(value: Any, root: Path) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name), root) for f in dataclasses.fields(value)}
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
