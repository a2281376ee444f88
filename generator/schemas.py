"""Where the JSON Schemas live and which schema each kind of content file follows."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from generator.resources import project_dir

SCHEMA_BY_KIND = {
    "goal": "goal.schema.json",
    "organization": "organization.schema.json",
    "smart": "smart.schema.json",
    "measurement": "measurement.schema.json",
    "worksheets": "worksheets.schema.json",
    "locale": "locale.schema.json",
}


def schema_dir() -> Path:
    """The schemas/ folder of the installed package or the checkout."""
    return project_dir() / "schemas"


@cache
def load_schemas() -> dict[str, dict[str, Any]]:
    """Every schema by its file name."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(schema_dir().glob("*.schema.json"))
    }


SHARED = "defs.schema.json"
# Schemas that use no shared definitions (so nothing is embedded into them): the ones that
# describe output, and the translation schema.
SELF_CONTAINED = ("export.schema.json", "diff.schema.json", "translation.schema.json")


def embed_shared_definitions() -> list[Path]:
    """Copy defs.schema.json into each schema's `$defs.shared`, so every schema is self-contained.

    The embedded copy keeps its own `$id`, so `defs.schema.json#/$defs/...` references resolve
    inside the file: tools such as check-jsonschema or an editor never fetch anything.
    Returns the files that changed.
    """
    folder = schema_dir()
    shared = json.loads((folder / SHARED).read_text(encoding="utf-8"))
    shared.pop("$schema", None)
    changed = []
    for path in sorted(folder.glob("*.schema.json")):
        if path.name == SHARED or path.name in SELF_CONTAINED:
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        if schema.setdefault("$defs", {}).get("shared") == shared:
            continue
        schema["$defs"]["shared"] = shared
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        changed.append(path)
    return changed


if __name__ == "__main__":
    for changed_path in embed_shared_definitions():
        print(f"updated {changed_path}")
