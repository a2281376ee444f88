"""What the book does to laid-out pages (WeasyPrint's boxes): how full a page is, where
each anchor lies, and page numbers written in after layout, so that pages can be replaced
(chapters fitted, the last chapters run on) without laying the whole book out again."""

from __future__ import annotations

import re
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.text.line_break import split_first_line

# The running footer ends in the page number (book.css: @bottom-right).
FOOTER = "@bottom-right"
TRAILING_NUMBER = re.compile(r"\d+$")


def filled_share(page: Any) -> float:
    """How far down its content area a laid-out page carries text (0.0 to 1.0)."""
    box = page._page_box  # WeasyPrint's page box: its children are the document and margins
    top, height = box.content_box_y(), box.height
    bottoms = [
        line.position_y + line.margin_height()
        for child in box.children
        if not isinstance(child, boxes.MarginBox)
        for line in child.descendants()
        if isinstance(line, boxes.LineBox)
    ]
    return max(0.0, (max(bottoms, default=top) - top) / height) if height else 1.0


def anchor_pages(document: Any) -> dict[str, int]:
    """Each anchor (id) of a laid-out document and the number of the page it lies on."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def number_pages(document: Any) -> None:
    """Write every page's own number into its footer and every anchor's page number into the
    slots that refer to it, in place.

    This replaces target-counter(), for which WeasyPrint lays every page with a reference
    out twice. The slots were laid out holding zeros as wide as the longest number, and
    Lato's digits are tabular, so a number is exactly as wide as its digits: a shorter one
    gives back the rest, which the line closes up (a reference in running text) or which
    stays before the number (a right-aligned contents entry). No line breaks anew.
    """
    pages = anchor_pages(document)
    for number, page in enumerate(document.pages, 1):
        _renumber_footer(page, number)
        for line in page._page_box.descendants():  # WeasyPrint's laid-out boxes
            if not isinstance(line, boxes.LineBox):
                continue
            for box in [b for b in line.descendants() if _is_slot(b)]:
                name = box.element.get("data-ref", "").removeprefix("#")
                target = pages.get(name) or pages.get(name.split("--")[0])
                _fill(line, box, str(target) if target else "")


def _is_slot(box: Any) -> bool:
    return (
        isinstance(box, boxes.TextBox)
        and box.element_tag == "span"
        and box.element.get("class") == "hb-pn"
    )


def _fill(line: Any, box: Any, text: str) -> None:
    """Put `text` in a slot's place; close up the line after it (or align it to the end)."""
    if len(text) > len(box.text):
        raise ValueError(f"page {text} needs more than {len(box.text)} digits")
    shift = box.width * (len(box.text) - len(text)) / len(box.text)
    box.text = box.pango_layout.text = text  # drawing shapes the layout from .text
    if not shift or box.style["direction"] != "ltr":
        return  # right to left: the room given back stays where it is
    if box.element.get("data-align") == "end":
        box.position_x += shift
        box.width -= shift
        return
    end = box.position_x + box.width
    for other in line.descendants():
        if other is box or other is line:
            continue
        if other.position_x >= end - 0.01:  # after the slot: closes up
            other.position_x -= shift
        elif isinstance(other, boxes.InlineBox) and other.position_x + other.margin_width() >= end:
            other.width -= shift  # holds the slot (its link and span): as much narrower
    box.width -= shift


def _renumber_footer(page: Any, number: int) -> None:
    """The footer's page number as the page's place in the book (pages may have been
    replaced after layout); the footer keeps its end where it was (it is right-aligned)."""
    for margin in page._page_box.children:
        if not (isinstance(margin, boxes.MarginBox) and margin.at_keyword == FOOTER):
            continue
        for box in margin.descendants():
            if isinstance(box, boxes.TextBox) and TRAILING_NUMBER.search(box.text):
                text = TRAILING_NUMBER.sub(str(number), box.text)
                if text == box.text:
                    continue
                width = split_first_line(text, box.style, None, None, 0)[3]
                end = box.position_x + box.width
                box.text = box.pango_layout.text = text
                box.position_x, box.width = end - width, width
