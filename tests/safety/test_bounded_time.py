"""Any rich text within the size limits renders in seconds, however it is shaped.

Python-Markdown took minutes on 50,000 unclosed `[`; the rich-text path is now linear. Each
case is rendered the whole way a page goes: our renderer and sanitizer, the re-encoding for the
generated page, and the Markdown pass MkDocs makes over that page. The bound is generous (a
quadratic parser needs minutes at this size); `benchmarks/richtext.py` measures the worst case
at the 512 KB file limit.
"""

from __future__ import annotations

import time

import markdown
import pytest

from generator.safety.richtext import render_rich
from generator.website.escape import md_html

SIZE = 64_000
UNITS = {
    "brackets": "[",
    "image openers": "![",
    "link openers": "[x](",
    "link closers": "](",
    "nested links": None,  # "[a" * n + "](b)" * n
    "emphasis": "*a",
    "strong mix": "**_",
    "emphasis mix": "*_",
    "backticks": "``a",
    "entities": "&#",
    "named entities": "&amp;",
    "angle brackets": "<a ",
    "escaped brackets": "\\[",
    "blockquote nesting": "> ",
    "list nesting": "  - ",
    "headings": "#### [x](\n",
    "reference defs": "[a]: <\n",
    "parentheses": "(",
}


def shaped(unit: str | None) -> str:
    if unit is None:
        half = SIZE // 8
        return "[a" * half + "](b)" * half
    return unit * (SIZE // len(unit))


@pytest.mark.parametrize("unit", list(UNITS.values()), ids=list(UNITS))
def test_adversarial_rich_text_renders_in_seconds(unit: str | None) -> None:
    source = shaped(unit)
    start = time.perf_counter()
    page = md_html(render_rich(source))
    markdown.Markdown(extensions=["toc", "tables", "admonition"]).convert("# T\n\n" + page)
    assert time.perf_counter() - start < 20, "rich text rendering is not linear"
