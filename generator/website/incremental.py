"""Incremental generation: a page is rendered again only when the inputs it was made from changed.

Every page of the docs tree gets a key, a digest of everything its template reads (the goal's
data, the goals it links to, the shared context: organization, UI strings, terms, templates and
this package's page code). build/<tree>/.pages.json records each page's key and the size and
time stamp of the file it wrote; a page whose key and file are unchanged is neither rendered nor
written, so an unchanged rebuild generates no Markdown and the tree's time stamps stay put for
the engine's own caching (Zensical).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".pages.json"
_VERSION = 1  # bump when the manifest's meaning changes


def digest(*parts: object) -> str:
    """A stable digest of plain data (the catalog's frozen dataclasses repr deterministically)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def files_digest(*folders: Path) -> str:
    """A digest of every file's path and bytes under folders (missing folders count as empty)."""
    h = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def _entry(key: str, path: Path) -> list[object]:
    """[key, size, mtime] of a page's file (None, None for a missing file)."""
    try:
        st = path.stat()
    except OSError:
        return [key, None, None]
    return [key, st.st_size, st.st_mtime_ns]


@dataclass
class PageManifest:
    """The keys the pages in a docs tree were rendered from (see the module docstring)."""

    path: Path
    entries: dict[str, list[object]] = field(default_factory=dict)  # page -> [key, size, mtime]
    seen: dict[str, list[object]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> PageManifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["pages"] if data.get("version") == _VERSION else {}
        except (OSError, ValueError, TypeError, KeyError):
            entries = {}
        return cls(path, entries if isinstance(entries, dict) else {})

    def fresh(self, page: str, key: str, file: Path) -> bool:
        """Whether `file` still holds what `page` rendered from inputs with this `key`."""
        entry = self.entries.get(page)
        return entry is not None and file.is_file() and entry == _entry(key, file)

    def record(self, page: str, key: str, file: Path) -> None:
        self.seen[page] = _entry(key, file)

    def save(self) -> None:
        """Keep only the pages of this generation (a deleted goal's entry goes with its page)."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"version": _VERSION, "pages": self.seen}), encoding="utf-8")
        os.replace(tmp, self.path)
