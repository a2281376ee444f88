"""Pair booklets from shared parts: each sheet laid out once, only the pair's values per pair.

A fresh pair booklet lays out and writes ~20 pages of which only names, dates and page numbers
are the pair's own. Here every sheet (per paper) and every cover-and-contents (per choice of
goals and paper) is rendered once as a *part* with those values hidden (generator/pdf/slots.py);
a pair then costs one small overlay document with its values in place, stamped onto copies of
the parts' pages (generator/pdf/compose.py). The result looks like a fresh render: the same
words in the same places and the same pixels up to glyph-width rounding (benchmarks/look.py,
tests/pdf/test_reuse.py); bookmarks, links, tags and metadata are those of the fresh booklet.

A booklet is rendered fresh instead when the overlay could not match it: fillable forms (their
fields hold the values), a value wider than its line or longer than a short blank (32
characters), a character the bundled Lato font lacks (a fallback font can change a line's
height), or contents whose page count never settles.
"""

from __future__ import annotations

import html
import io
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import pikepdf

from generator.pdf.compose import compose
from generator.pdf.fonts import lato_draws
from generator.pdf.fontshare import shared_programs
from generator.pdf.render import Item, Job, Renderer, pair_title, pdf_identifier
from generator.pdf.slots import (
    OVERLAY_CSS,
    PLACEHOLDERS,
    OverlayPage,
    Slot,
    overflowing,
    overlay_html,
    slot_geometry,
)

# Laid over print.css in a part: the page number is the overlay's (it counts booklet pages),
# and the contents give page numbers the booklet's layout decided, not the part's.
PART_CSS = """
@page { @bottom-right { visibility: hidden; } }
.slot { visibility: hidden; }
.toc a[data-page]::after { content: leader(".") attr(data-page); }
"""
SHORT_VALUE = 32  # characters: a longer value changes its blank's layout (_macros.html)
BLANK_KEYS = ("mentee", "mentor", "start")  # values printed in blanks (_macros.html people)
_KEYWORDS = re.compile(r'<meta name="keywords" content="([^"]*)">')


@dataclass(frozen=True)
class Part:
    """One part's PDF (opened once, only ever copied from) and its slots."""

    pdf: pikepdf.Pdf
    pages: int
    covers: frozenset[int]  # pages set on the cover's @page
    slots: tuple[Slot, ...]


KEPT_SHEETS = 512  # parts kept per process: ~40 KB each; a huge catalog's rarest are redone
KEPT_FRONTS = 64  # covers: one per choice of goals in use (most rosters use a few)
K = TypeVar("K")


class Kept(Generic[K]):
    """The parts used last, at most `size` of them: memory stays flat however many pairs."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.parts: OrderedDict[K, Part] = OrderedDict()

    def get(self, key: K) -> Part | None:
        part = self.parts.get(key)
        if part is not None:
            self.parts.move_to_end(key)
        return part

    def __setitem__(self, key: K, part: Part) -> None:
        self.parts[key] = part
        self.parts.move_to_end(key)
        while len(self.parts) > self.size:
            self.parts.popitem(last=False)[1].pdf.close()


class BookletParts:
    """Parts for one renderer's pair booklets, rendered when first needed and then kept."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.sheets: Kept[tuple[str, str]] = Kept(KEPT_SHEETS)
        self.fronts: Kept[tuple[str, tuple[str, ...]]] = Kept(KEPT_FRONTS)
        # one font program per face for each set of parts (fontshare.py): as many as covers
        self.fonts: OrderedDict[tuple[str, tuple[str, ...]], dict[str, bytes]] = OrderedDict()
        self.usable = not renderer.fillable

    def _render(self, job: Job) -> Part:
        renderer = self.renderer
        source = renderer.html(job)
        key = renderer.key(job, source)
        document = renderer.layout(source, job.paper, key, PART_CSS)
        covers = frozenset(
            n for n, page in enumerate(document.pages) if page._page_box.page_type.name == "cover"
        )
        slots = tuple(slot_geometry(document))
        buffer = io.BytesIO()
        renderer.save(document, job.paper, buffer, key, PART_CSS)
        buffer.seek(0)
        return Part(pikepdf.open(buffer), len(document.pages), covers, slots)

    def sheet(self, paper: str, item: Item) -> Part:
        """One sheet of a booklet: agreement, log, a goal sheet or a reflection."""
        found = self.sheets.get((paper, item.anchor))
        if found is None:
            job = Job("part", paper, item.title, [item], part="sheet")
            found = self.sheets[(paper, item.anchor)] = self._render(job)
        return found

    def front(self, paper: str, items: list[Item], sheets: list[Part]) -> Part | None:
        """The cover and contents for these sheets, their page numbers as the booklet has them."""
        anchors = tuple(item.anchor for item in items)
        found = self.fronts.get((paper, anchors))
        if found is not None:
            return found
        front_pages = 2  # cover and one page of contents, unless the layout says otherwise
        for _ in range(3):  # the contents' own length moves the numbers in them
            numbers, page = [], front_pages + 1
            for sheet in sheets:
                numbers.append(page)
                page += sheet.pages
            job = Job("part", paper, PLACEHOLDERS["title"], items, booklet=True, part="front")
            job.toc_pages = tuple(numbers)
            found = self._render(job)
            if found.pages == front_pages:
                self.fronts[(paper, anchors)] = found
                return found
            front_pages = found.pages
        return None  # the contents never settle on a page count: fresh renders will do

    def font_programs(self, paper: str, items: list[Item], parts: list[Part]) -> dict[str, bytes]:
        """The merged font programs of a booklet's parts (the same for every pair using them)."""
        key = (paper, tuple(item.anchor for item in items))
        found = self.fonts.get(key)
        if found is None:
            found = self.fonts[key] = shared_programs(part.pdf for part in parts)
            while len(self.fonts) > KEPT_FRONTS:
                self.fonts.popitem(last=False)
        self.fonts.move_to_end(key)
        return found

    def prepare(self, jobs: list[Job]) -> None:
        """Render the parts these pair booklets need (once: later calls find them)."""
        if not self.usable:
            return
        for job in jobs:
            if job.pair is not None and job.booklet:
                sheets = [self.sheet(job.paper, item) for item in job.items]
                front = self.front(job.paper, job.items, sheets)
                if front is not None:
                    self.font_programs(job.paper, job.items, [front, *sheets])

    def _fits(self, values: dict[str, str]) -> bool:
        """Whether Lato sets every value (as in the part) and every blank's value is short."""
        blanks = [v for k, v in values.items() if k in BLANK_KEYS or k.startswith("prefill:")]
        short = all(len(v) < SHORT_VALUE for v in blanks)
        return short and lato_draws("".join(values.values()))

    def write(self, job: Job, target: Path) -> bool:
        """Write a pair's booklet from parts; False (nothing written) if it needs a fresh render."""
        pair = job.pair
        if not self.usable or pair is None or not job.booklet or len(job.items) > KEPT_SHEETS // 2:
            return False
        renderer = self.renderer
        sheets = [self.sheet(job.paper, item) for item in job.items]
        front = self.front(job.paper, job.items, sheets)
        if front is None:
            return False
        parts = [front, *sheets]
        keys = {slot.key for part in parts for slot in part.slots}  # "mentee" is on every sheet
        values = {key: renderer.pair_value(key, pair) for key in keys}
        if not self._fits(values):
            return False
        pages = [
            OverlayPage(n in part.covers, [(s, values[s.key]) for s in part.slots if s.page == n])
            for part in parts
            for n in range(part.pages)
        ]
        fresh = renderer.html(job)  # what a fresh render would lay out: its key and keywords
        key = renderer.key(job, fresh)
        document, styles = overlay_html(renderer.catalog.organization.language, pages)
        css = OVERLAY_CSS + styles
        overlay = renderer.layout(document, job.paper, key, css)
        if overflowing(overlay) or len(overlay.pages) != len(pages):
            return False
        buffer = io.BytesIO()
        renderer.save(overlay, job.paper, buffer, key, css)
        buffer.seek(0)
        keywords = _KEYWORDS.search(fresh)
        info = {"/Title": pair_title(pair)}
        if keywords:
            info["/Keywords"] = html.unescape(keywords.group(1))
        target.parent.mkdir(parents=True, exist_ok=True)
        with pikepdf.open(buffer) as stamp:
            compose(
                [part.pdf for part in parts],
                stamp,
                target,
                info=info,
                identifier=pdf_identifier(key),
                outline_titles={PLACEHOLDERS["title"]: pair_title(pair)},
                font_programs=self.font_programs(job.paper, job.items, parts),
            )
        return True
