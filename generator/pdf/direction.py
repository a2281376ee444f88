"""Right-to-left text in worksheets: HTML's dir="auto", resolved before WeasyPrint lays out.

WeasyPrint honours `dir="rtl"` but neither `dir="auto"` nor `unicode-bidi: plaintext`. Pango
already orders the characters of a mixed line correctly; what it cannot know is that an Arabic or
Hebrew title is a right-to-left paragraph, which aligns to the right and puts a trailing
full stop on the left. So each text block whose first strong character is right-to-left gets
`dir="rtl"`, which is what a browser does for `dir="auto"`. Templates need not know about it.
"""

from __future__ import annotations

import unicodedata
from xml.etree.ElementTree import Element

# Blocks that hold a paragraph of text (not containers of other blocks, such as a sheet's div,
# whose direction would flip a whole layout).
TEXT_BLOCKS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "td", "th", "caption", "label"}
)
SKIPPED = frozenset({"script", "style", "textarea", "input", "select"})  # as dir="auto" skips


def first_strong(element: Element) -> str | None:
    """'rtl' or 'ltr' after the first strong character in the element's text, else None."""
    for text in _texts(element):
        for char in text:
            kind = unicodedata.bidirectional(char)
            if kind == "L":
                return "ltr"
            if kind in ("R", "AL"):
                return "rtl"
    return None


def _texts(element: Element) -> list[str]:
    """The element's text in document order, leaving out fields and children with their own dir."""
    out = [element.text or ""]
    for child in element:
        if child.tag not in SKIPPED and child.get("dir") is None:
            out += _texts(child)
        out.append(child.tail or "")
    return out


def mark_right_to_left(root: Element) -> int:
    """Give every right-to-left text block without a `dir` of its own `dir="rtl"`; the count."""
    marked = 0
    for element in root.iter():
        if element.tag not in TEXT_BLOCKS or element.get("dir") is not None:
            continue
        if first_strong(element) == "rtl":
            element.set("dir", "rtl")
            marked += 1
    return marked
