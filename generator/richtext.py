"""Rich text: a small Markdown subset turned into HTML that an allow-list sanitizer has cleaned."""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {"p", "strong", "em", "ul", "ol", "li", "a", "code", "br", "blockquote", "h2", "h3"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"https", "http", "mailto"}
# No extensions: attr_list and md_in_html would let text set attributes or raw HTML blocks.
# One parser, reset per call: building a Markdown instance costs more than converting a field.
_MARKDOWN = markdown.Markdown(extensions=[], output_format="html")


def render_markdown(source: str) -> str:
    """Markdown to sanitized HTML: no raw HTML, scripts, handlers, styles or script URLs survive."""
    html = _MARKDOWN.reset().convert(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
