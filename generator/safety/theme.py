"""The theme's own scripts: inline snippets and script files the scan lets through.

Inline scripts are recognized by their text: each bare `<script>...</script>` in the installed
engine's templates (Material's, or Zensical's own copy of them) and in the project's overrides/
becomes a pattern. Literal text must match
exactly (lines compared stripped, blank lines dropped, since Jinja's indentation varies); each
`{{ ... }}` expression may only be a JSON string (`| tojson`) or a plain URL-path value without
quotes, backslashes, spaces or `<>` - neither can end the string it sits in, so the text stays
the theme's code. The engine's redirect.html is left out: it puts page metadata into a script.
Script files must be byte-identical to a theme file at the same path.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MATERIAL_TEMPLATES = Path(str(importlib.resources.files("material"))) / "templates"


def engine_templates(engine: str) -> Path:
    """The installed templates of the engine's theme (Zensical ships its own Material fork)."""
    if engine == "zensical":
        return Path(str(importlib.resources.files("zensical"))) / "templates"
    return MATERIAL_TEMPLATES


# Script files this package adds to the offline copy (the iframe-worker shim), at site paths.
PACKAGE_THEME = Path(__file__).resolve().parents[1] / "website" / "vendor"
_BARE_SCRIPT = re.compile(r"(?s)<script>(.*?)</script>")
_JINJA = re.compile(r"(?s)\{\{(.*?)\}\}|\{%.*?%\}|\{#.*?#\}")
_JSON_STRING = r'"(?:[^"\\\x00-\x1f<>&]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"'
_PLAIN_VALUE = r"[\w.~/:%?#@!$&*+,;=-]*"
_UNTRUSTED_TEMPLATES = frozenset({"redirect.html"})


def normalize_script(text: str) -> str:
    """Lines stripped, blank lines dropped: indentation is not part of a script's meaning."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _pattern(body: str) -> str:
    parts: list[str] = []
    last = 0
    for match in _JINJA.finditer(body):
        parts.append(re.escape(body[last : match.start()]))
        if match.group(1) is not None:
            parts.append(_JSON_STRING if "tojson" in match.group(1) else _PLAIN_VALUE)
        last = match.end()
    parts.append(re.escape(body[last:]))
    return "".join(parts)


@dataclass(frozen=True)
class Theme:
    dirs: tuple[Path, ...]  # the engine's templates first, our vendored files, then overrides
    inline: re.Pattern[str]

    def allows_inline(self, text: str) -> bool:
        """Whether an inline script is one the theme writes."""
        return self.inline.fullmatch(normalize_script(text)) is not None

    def owns_file(self, rel: str, data: bytes) -> bool:
        """Whether `data` at site path `rel` is byte-identical to the theme's file there."""
        return any(_read(d / rel) == data for d in self.dirs if ".." not in rel.split("/"))


@functools.lru_cache(maxsize=64)
def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _templates(base: Path, dirs: Iterable[Path]) -> Iterable[Path]:
    for folder in dirs:
        for path in sorted(folder.rglob("*.html")):
            if path.name not in _UNTRUSTED_TEMPLATES or folder != base:
                yield path


@functools.lru_cache(maxsize=8)
def load_theme(overrides: tuple[Path, ...] = (), base: Path = MATERIAL_TEMPLATES) -> Theme:
    """The allow-list from the engine's installed templates (`base`), our vendored files and the
    override folders."""
    dirs = (base, PACKAGE_THEME, *overrides)
    patterns = {
        _pattern(normalize_script(body))
        for path in _templates(base, (base, *overrides))
        for body in _BARE_SCRIPT.findall(path.read_text(encoding="utf-8"))
    }
    joined = "|".join(f"(?:{p})" for p in sorted(patterns)) or r"(?!)"
    return Theme(dirs=dirs, inline=re.compile(joined))
