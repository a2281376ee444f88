"""The one rich-text path: a small Markdown subset rendered once, then cleaned by an allowlist.

Every rich-text field (hand-written pages, a goal's `why`, the SMART guide's and the
measurement's intros) goes through `render_rich`. The order matters: Markdown makes links and
images *after* any input filter could run, so the sanitizer sees only the final HTML.

The parser is markdown-it-py (CommonMark) rather than Python-Markdown because its inline and
block rules are linear in the input: 50,000 unclosed `[` or `![` take milliseconds instead of
minutes (`tests/safety/test_richtext.py` replays an adversarial corpus). Raw HTML is off, so a
`<tag>` in the source is text; autolinks, tables and typography are off, so the subset stays small.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {"p", "strong", "em", "ul", "ol", "li", "a", "code", "br", "blockquote", "h2", "h3"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Relative links have no scheme and pass; everything with a scheme must be one of these.
ALLOWED_SCHEMES = frozenset({"https", "http", "mailto"})

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


# Images are never published from rich text (no request to a host nobody reviewed): an image
# is written as its alt text.
def _image_as_alt_text(self: object, tokens: list[Token], idx: int, *_: object) -> str:
    return escapeHtml(tokens[idx].content)


_MARKDOWN.add_render_rule("image", _image_as_alt_text)


def render_rich(source: str) -> str:
    """Markdown to sanitized HTML: no raw HTML, script, handler, style, image or script URL."""
    html = _MARKDOWN.render(source)
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
