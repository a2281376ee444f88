"""What the site theme (Material for MkDocs) supports, decided in one place."""

from __future__ import annotations

import functools
from importlib.util import find_spec
from pathlib import Path


@functools.cache
def theme_languages() -> frozenset[str]:
    """Languages Material for MkDocs has interface strings for (partials/languages/*.html)."""
    spec = find_spec("material")
    if spec is None or spec.origin is None:
        return frozenset({"en"})
    folder = Path(spec.origin).parent / "templates" / "partials" / "languages"
    return frozenset(p.stem for p in folder.glob("*.html"))


def theme_language(language: str) -> str:
    """The theme's language for a catalog's: the same when the theme has it, else English
    (the theme's own few labels, such as "Search", then stay English; ours are translated)."""
    return language if language in theme_languages() else "en"
