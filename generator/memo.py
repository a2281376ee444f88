"""Results remembered between builds in small JSON files under `.cache/` (the schema checks of
validate/cache.py, the safety scan of safety/memory.py): read leniently, replaced at once.

A file that cannot be read, or holds something else, reads as nothing remembered; one that
cannot be written is left as it was. Either way the next build only does more work.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path


def package_version(name: str) -> str:
    """The installed distribution's version, read off its dist-info folder's name (importing
    importlib.metadata or the package itself would cost more than the check it saves)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return "missing"
    site = Path(spec.origin).parents[1]
    found = sorted(p.name for p in site.glob(f"{name}-*.dist-info"))
    if found:
        return found[-1]
    from importlib.metadata import version

    return version(name)


def read_json(path: Path) -> object:
    """The JSON value in `path`, or None when it is missing or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def replace_json(path: Path, value: object) -> None:
    """Replace the file at once (a concurrent build reads the old or the new one)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
