"""Results remembered between builds in files under `.cache/` (the schema checks of
validate/cache.py, the whole validation of validate/remembered.py, the safety scan of
safety/memory.py): read leniently, replaced at once.

A file that cannot be read, or holds something else, reads as nothing remembered; one that
cannot be written is left as it was. Either way the next build only does more work.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path


def package_version(module: str, distribution: str | None = None) -> str:
    """The version of the distribution installing `module` (named `distribution` when that
    differs), read off its dist-info folder's name (importing importlib.metadata or the module
    itself would cost more than the check it saves)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return "missing"
    name = distribution or module
    site = Path(spec.origin).parents[1]
    found = sorted(p.name for p in site.glob(f"{name}-*.dist-info"))
    if found:
        return found[-1]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def read_json(path: Path) -> object:
    """The JSON value in `path`, or None when it is missing or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def replace_json(path: Path, value: object) -> None:
    """Replace the file with `value` as JSON (see replace_bytes)."""
    replace_bytes(path, json.dumps(value, sort_keys=True).encode("utf-8"))


def replace_bytes(path: Path, data: bytes) -> None:
    """Replace the file at once (a concurrent build reads the old or the new one)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
