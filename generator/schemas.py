"""Where the JSON Schemas live and which schema each kind of content file follows."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_BY_KIND = {
    "goal": "goal.schema.json",
    "organization": "organization.schema.json",
    "smart": "smart.schema.json",
    "measurement": "measurement.schema.json",
    "worksheets": "worksheets.schema.json",
    "locale": "locale.schema.json",
}


def schema_dir() -> Path:
    """The schemas/ folder: inside the installed package, or beside it in a source checkout."""
    packaged = Path(__file__).parent / "schemas"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[1] / "schemas"


@cache
def load_schemas() -> dict[str, dict[str, Any]]:
    """Every schema by its `$id` (which is its file name)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(schema_dir().glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        out[schema["$id"]] = schema
    return out
