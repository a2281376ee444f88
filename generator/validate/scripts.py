"""Text no installed font can print: a warning at the field, before the worksheets show boxes."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from generator.load.documents import Document
from generator.load.yaml_safe import PathKey, json_path
from generator.pdf.fonts import uncovered
from generator.problems import Problem, Severity

SHOWN = 3  # characters named per message; the rest are counted
ADVICE = (
    "the worksheets would print empty boxes; install the Noto fonts the set-up installs "
    "(make runtime-deps: fonts-noto-cjk, fonts-noto-core, fonts-noto-color-emoji) or a font "
    "for this script"
)


def _strings(data: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Every string value in a document, with its path (keys are identifiers, not text)."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from _strings(value, (*path, n))


def _describe(chars: list[str]) -> str:
    named = ", ".join(
        f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars[:SHOWN]
    )
    more = len(chars) - SHOWN
    return named + (f" and {more} more" if more > 0 else "")


def _where(doc: Document, path: PathKey) -> tuple[str, int, int]:
    """The file and line the text comes from: the translation when it supplied this field."""
    overlay = doc.translated_by
    if overlay is not None and overlay.loaded is not None and path in overlay.loaded.positions:
        return (overlay.rel, *overlay.loaded.positions[path])
    assert doc.loaded is not None
    return (doc.rel, *doc.loaded.position(path))


def script_problems(docs: list[Document]) -> list[Problem]:
    """A warning for every text field with characters that no installed font has glyphs for.

    The fonts are asked once, about the distinct characters of all files' text (comments
    included: a superset, cheap to collect); fields are walked only when some character is
    missing, and a Latin-only catalog never lists the installed fonts.
    """
    yaml_docs = [doc for doc in docs if doc.loaded is not None]
    chars: set[str] = set()
    for doc in yaml_docs:
        for source in (doc, doc.translated_by):
            if source is not None and source.loaded is not None:
                chars.update(source.loaded.text)
    missing = uncovered(chars)
    if not missing:
        return []
    problems = []
    for doc in yaml_docs:
        assert doc.loaded is not None
        for path, value in _strings(doc.loaded.data):
            found = [c for c in dict.fromkeys(value) if c in missing]
            if found:
                file, line, col = _where(doc, path)
                message = f"no installed font has glyphs for {_describe(found)}: {ADVICE}"
                problems.append(
                    Problem(file, line, col, json_path(path), message, Severity.WARNING)
                )
    return problems
