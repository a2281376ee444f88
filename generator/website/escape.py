"""Escaping catalog text for Markdown that MkDocs will render.

Every value a template prints passes through `finalize`: plain text becomes inert characters
(HTML-escaped, and Markdown's special characters turned into numeric entities so no link,
emphasis, attribute list `{ ... }` or raw HTML can form). Only values wrapped in `Markup`
(sanitized rich text re-encoded by `md_html`, or HTML our templates build) pass unchanged.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
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


class _Reencoder(HTMLParser):
    """Re-serializes HTML with every text node and attribute value made inert for Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(f"<{tag}")
        for name, value in attrs:
            self.out.append(f' {escape(name)}="{md_text(value or "")}"')
        self.out.append(">")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(md_text(data))


def md_html(html: str) -> Markup:
    """Sanitized HTML placed into a Markdown page so that Markdown cannot touch it.

    MkDocs renders our generated pages with Python-Markdown, a second Markdown pass over HTML
    that was already rendered and cleaned. The HTML is re-encoded from its parse: one line (so no
    blank line, indentation or heading marker can start a Markdown block), wrapped in a block
    element (raw HTML that Markdown passes through), and every character Markdown gives meaning
    to, in text and attribute values alike, written as a numeric entity (so even a parser that
    did look inside would find no link, emphasis or code to make).
    """
    parser = _Reencoder()
    parser.feed(html)
    parser.close()
    return Markup('<div class="hb-rich">' + "".join(parser.out) + "</div>")
