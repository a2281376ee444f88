"""Escaping catalog text for Markdown that MkDocs will render.

Every value a template prints passes through `finalize`: plain text becomes inert characters
(HTML-escaped, and Markdown's special characters turned into numeric entities so no link,
emphasis, attribute list `{ ... }` or raw HTML can form). Only values wrapped in `Markup`
(sanitized rich text, or HTML our templates build) pass unchanged.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

_SPECIAL = "\\`*_{}[]()#+-.!|~:<>\"'&=$%@^"
_TABLE = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
_TABLE[ord("\n")] = " "  # a value never starts a new Markdown block
_TABLE[ord("\r")] = " "


def md_text(value: object) -> Markup:
    """Plain text made inert for Markdown and HTML."""
    return Markup(str(value).translate(_TABLE))


def finalize(value: Any) -> Any:
    """Jinja `finalize`: escape everything that is not already Markup."""
    if isinstance(value, Markup):
        return value
    return md_text(value)
