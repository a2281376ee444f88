"""The pair's values in a booklet, as slots: laid out invisibly once, drawn per pair on top.

A pair's booklet differs from any other pair's only in its names and dates (and its goals).
A *part* (one sheet, or the cover and contents) is rendered once with every such value as a
`Hidden` placeholder: laid out like the real text would be (same element, one line) but not
drawn. `slot_geometry` reads where each placeholder's line lies; `overlay_html` then places a
pair's real values on those lines in a small document with the same pages, which
generator/pdf/compose.py stamps onto the parts. Keys name what a slot holds ("mentee",
"due:GOAL:N", "log:N", "prefill:NAME", "title", "pair-line"); `Renderer.pair_value` gives a
pair's text for a key with the very functions a fresh render uses.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import tinycss2
from markupsafe import Markup

SLOT_ATTRIBUTE = "data-slot"
PLACEHOLDER_DATE = "2000-01-01"  # what a date slot holds while its line is laid out
PLACEHOLDERS = {"mentee": "Mentee", "mentor": "Mentor", "title": "Mentee · Mentor"}


class Hidden(Markup):
    """A value laid out but not drawn (visibility: hidden), its line marked with its key."""

    key: str
    text: str

    def __new__(cls, key: str, text: str) -> Hidden:
        quoted = html.escape(key, quote=True)
        markup = f'<span class="slot" {SLOT_ATTRIBUTE}="{quoted}">{html.escape(text)}</span>'
        made = super().__new__(cls, markup)
        made.key, made.text = key, text
        return made


def text_length(value: object) -> int:
    """How many characters a value prints (a Hidden placeholder: its placeholder's)."""
    return len(value.text if isinstance(value, Hidden) else str(value))


def placeholder(key: str) -> Hidden:
    """The hidden stand-in for a key: a name-like word or a date, one line either way."""
    return Hidden(key, PLACEHOLDERS.get(key, PLACEHOLDER_DATE))


class HiddenPair:
    """What templates read as `pair` while a part is rendered."""

    def __init__(self) -> None:
        self.mentee = placeholder("mentee")
        self.mentor = placeholder("mentor")
        self.start = placeholder("start")


@dataclass(frozen=True)
class Slot:
    """Where one value's line lies on a part's page, and how its text is set (CSS)."""

    key: str
    page: int  # within the part
    left: float  # CSS px from the page's content area (the @page margins' inner edge)
    top: float
    width: float
    tag: str  # h1 or p: what the value is, for the overlay's tags
    style: str  # the CSS declarations the text is set with


def _boxes(box: Any, parents: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """Every box under a page's, with its ancestors (positioned boxes too)."""
    placed = getattr(box, "_box", None)  # an AbsolutePlaceholder: the positioned box it holds
    if placed is not None:
        box = placed
    yield box, parents
    for child in getattr(box, "children", ()):
        yield from _boxes(child, (*parents, box))


def _css_font_family(families: Sequence[str]) -> str:
    return ", ".join('"' + f.replace("\\", "\\\\").replace('"', '\\"') + '"' for f in families)


def _css_color(color: Any) -> str:
    red, green, blue, alpha = (float(c) for c in color.to("srgb"))
    return f"rgba({red * 255:.3f}, {green * 255:.3f}, {blue * 255:.3f}, {alpha:.4f})"


def _css_length(value: Any, number_unit: str = "px") -> str:
    """A computed length back as CSS; a bare number gets `number_unit` (line-height: none,
    as it is a multiple of the font size)."""
    if value == "normal":
        return "normal"
    if isinstance(value, (int, float)):
        return f"{value!r}{number_unit}"
    return f"{value.value!r}{value.unit or number_unit}"


def text_style(style: Any) -> str:
    """The declarations that decide how a line of text is shaped and where its glyphs sit."""
    declarations = {
        "font-family": _css_font_family(style["font_family"]),
        "font-size": f"{style['font_size']}px",
        "font-weight": str(style["font_weight"]),
        "font-style": style["font_style"],
        "font-stretch": style["font_stretch"],
        "line-height": _css_length(style["line_height"], number_unit=""),
        "color": _css_color(style["color"]),
        "text-align": style["text_align_all"],
        "direction": style["direction"],
        "letter-spacing": _css_length(style["letter_spacing"]),
        "word-spacing": _css_length(style["word_spacing"]),
    }
    return "; ".join(f"{name}: {value}" for name, value in declarations.items())


def slot_geometry(document: Any) -> list[Slot]:
    """Every Hidden placeholder's line in a laid-out part, in page and reading order."""
    slots: list[Slot] = []
    for number, page in enumerate(document.pages):
        page_box = page._page_box
        origin_x, origin_y = page_box.content_box_x(), page_box.content_box_y()
        for box, parents in _boxes(page_box):
            element = getattr(box, "element", None)
            key = element.get(SLOT_ATTRIBUTE) if element is not None else None
            if key is None or type(box).__name__ != "InlineBox":  # not its text's boxes
                continue
            line = next(p for p in reversed(parents) if type(p).__name__ == "LineBox")
            block = parents[parents.index(line) - 1]  # the line's block: its width and alignment
            tag = block.element_tag if block.element_tag in ("h1", "h2", "h3") else "p"
            slots.append(
                Slot(
                    key,
                    number,
                    block.content_box_x() - origin_x,
                    line.position_y - origin_y,
                    block.width,
                    tag,
                    text_style(block.style),
                )
            )
    return slots


PAGE_RULES_ONLY = "/* page rules only */"  # Renderer.stylesheets: keep only print.css's frame
OVERLAY_CSS = (
    PAGE_RULES_ONLY
    + """
body { margin: 0; }
@page { @top-left { visibility: hidden; } @top-right { visibility: hidden; }
        @bottom-left { visibility: hidden; } }
.overlay-page { position: relative; height: 0; break-after: page; }
.overlay-page:last-child { break-after: auto; }
.overlay-page.overlay-cover { page: cover; }
.overlay-page > [data-overlay] { position: absolute; margin: 0; padding: 0; border: 0;
                                 white-space: nowrap; bookmark-level: none; string-set: none; }
"""
)


def page_rules(css: str) -> str:
    """Only the @font-face and @page rules of a stylesheet: all an overlay page needs of it.

    The overlay's few elements carry their own text styles, so the rest of print.css would
    only cost time (~40% of an overlay's layout).
    """
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    kept = [r for r in rules if r.type == "at-rule" and r.lower_at_keyword in ("font-face", "page")]
    return "".join(rule.serialize() + "\n" for rule in kept)


@dataclass(frozen=True)
class OverlayPage:
    """One booklet page's slots and values; `cover` pages use the cover's @page margins."""

    cover: bool
    slots: Sequence[tuple[Slot, str]]


def _style_class(style: str) -> str:
    return "t" + hashlib.sha256(style.encode()).hexdigest()[:10]


def overlay_html(lang: str, pages: Sequence[OverlayPage]) -> tuple[str, str]:
    """A document with one page per booklet page holding only the pair's values, in place,
    and the CSS of its text styles (one class per style: parsing them inline costs time)."""
    body: list[str] = []
    styles: dict[str, str] = {}
    for page in pages:
        items = []
        for slot, text in page.slots:
            name = styles.setdefault(slot.style, _style_class(slot.style))
            items.append(
                f'<{slot.tag} class="{name}" data-overlay="{html.escape(slot.key, quote=True)}" '
                f'style="left: {slot.left!r}px; top: {slot.top!r}px; width: {slot.width!r}px">'
                f"{html.escape(text)}</{slot.tag}>"
            )
        css_class = "overlay-page overlay-cover" if page.cover else "overlay-page"
        body.append(f'<div class="{css_class}">{"".join(items)}</div>')
    document = (
        f'<!doctype html><html lang="{html.escape(lang, quote=True)}"><head><meta charset="utf-8">'
        f"</head><body>{''.join(body)}</body></html>"
    )
    rules = sorted(f".overlay-page > .{name} {{ {style} }}\n" for style, name in styles.items())
    return document, "".join(rules)


def overflowing(document: Any) -> list[str]:
    """Keys of overlay values wider than their slot's line: those need a fresh render."""
    found = []
    for page in document.pages:
        for box, _ in _boxes(page._page_box):
            element = getattr(box, "element", None)
            if element is None or element.get("data-overlay") is None:
                continue
            if type(box).__name__ != "BlockBox":  # not its lines' or text's boxes
                continue
            lines = [c for c in box.children if type(c).__name__ == "LineBox"]
            used = sum(c.width for line in lines for c in line.children)
            if len(lines) != 1 or used > box.width + 0.01:
                found.append(element.get("data-overlay"))
    return found
