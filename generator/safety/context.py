"""What every file check needs: the folder, the hosts resources may come from, the theme."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from generator.safety.theme import Theme
from generator.safety.urls import is_local, normalize


@dataclass
class Context:
    folder: Path
    allowed_hosts: frozenset[str]
    theme: Theme
    _theme_files: dict[str, bool] = field(default_factory=dict)
    # The site files the current file's verdict rests on (its scripts): scan.py resets it per
    # file and memory.py re-checks them before trusting a remembered verdict.
    consulted: set[str] = field(default_factory=set)

    def theme_script_problem(self, page: str, url: str) -> str | None:
        """Why `url`, loaded as a script from site page `page`, is not one of the theme's files."""
        value = normalize(url)
        if not is_local(value):
            return f"script from outside the site's own files: {url.strip()[:80]!r}"
        path = unquote(value.split("#", 1)[0].split("?", 1)[0])
        # "/x" (MkDocs' 404 page) is taken from the site's root.
        base = "" if path.startswith("/") else posixpath.dirname(page)
        rel = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        if rel.startswith("../") or rel == "..":
            return f"script path leaves the site: {url.strip()[:80]!r}"
        self.consulted.add(rel)
        return self.theme_file_problem(rel)

    def theme_file_problem(self, rel: str) -> str | None:
        """Why the site file at `rel` may not run as a script: it is not the theme's file."""
        if rel not in self._theme_files:
            try:
                data = (self.folder / rel).read_bytes()
            except OSError:
                data = None
            self._theme_files[rel] = data is not None and self.theme.owns_file(rel, data)
        if not self._theme_files[rel]:
            return f"script that is not a theme file: {rel}"
        return None
