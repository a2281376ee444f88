"""Render the book with the worksheets' renderer: same fonts, fetcher, logo, cache and tags."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from markupsafe import Markup
from weasyprint.formatting_structure import boxes

from generator.book.links import page_slot
from generator.book.paper import LAYOUT_PAPER, page_css, refit
from generator.book.plan import Book, plan_book
from generator.catalog.model import Catalog
from generator.outputs import book_path
from generator.pdf.render import Job, Renderer, css_string, write_cached
from generator.problems import BuildFailed
from generator.templating import render_bounded, template_environment
from generator.website.build import source_date_epoch

TEMPLATES = Path(__file__).parent / "templates"
BOOK_CSS = Path(__file__).parent / "assets" / "book.css"
Progress = Callable[[int, int, str], None]
# A last page whose text fills less than this share of its height is "near-empty": the book
# is laid out again with the last chapter run on after the one before (see book.css, tight).
NEAR_EMPTY = 0.2
TAIL = 2  # the chapters laid out again, tight: the last one and the one it runs on after
# Page-number slots (links.page_slot) are laid out holding zeros, as many as the longest page
# number needs; the numbers are written in afterwards (`number_pages`).
SLOT = re.compile(r'(<span class="hb-pn" data-ref="[^"]*"(?: data-align="end")?>)(</span>)')


def book_css(catalog: Catalog) -> str:
    """book.css with its UI strings ("p." before a page number, "Page") as escaped CSS strings."""
    css = BOOK_CSS.read_text(encoding="utf-8")
    css = css.replace('"PAGE_LABEL "', css_string(catalog.ui("worksheet.page") + " "))
    css = css.replace('"PAGE_REF "', css_string(catalog.ui("book.page_ref") + " "))
    return "\n" + css + page_css()


def edition_date(root: Path) -> str:
    """The build's date (SOURCE_DATE_EPOCH, else the last commit): the same input, the same PDF."""
    seconds = int(source_date_epoch(root) or 0)
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat()


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


def digits_for(book: Book) -> int:
    """A generous guess of the page count's digits (a goal page rarely runs past two pages)."""
    return len(str(3 * len(book.pages) + 9))


def anchor_pages(document: Any) -> dict[str, int]:
    """Each anchor (id) of a laid-out document and the number of the page it lies on."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def number_pages(document: Any) -> None:
    """Write every anchor's page number into the slots that refer to it, in place.

    This replaces target-counter(), for which WeasyPrint lays every page with a reference
    out twice. The slots were laid out holding zeros as wide as the longest number, and
    Lato's digits are tabular, so a number is exactly as wide as its digits: a shorter one
    gives back the rest, which the line closes up (a reference in running text) or which
    stays before the number (a right-aligned contents entry). No line breaks anew.
    """
    pages = anchor_pages(document)
    for page in document.pages:
        for line in page._page_box.descendants():  # WeasyPrint's laid-out boxes
            if not isinstance(line, boxes.LineBox):
                continue
            for box in [b for b in line.descendants() if _is_slot(b)]:
                name = box.element.get("data-ref", "").removeprefix("#")
                number = pages.get(name) or pages.get(name.split("--")[0])
                _fill(line, box, str(number) if number else "")


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


class BookRenderer:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.book: Book = plan_book(catalog)
        self.pdf = Renderer(catalog, extra_css=book_css(catalog))
        env = template_environment(catalog.root, TEMPLATES, autoescape=True)
        self.template = env.get_template("book.html")
        self.date = edition_date(catalog.root)

    def html(self, tight: bool, digits: int | None = None, first_page: int = 1) -> str:
        """The book's HTML, its page-number slots holding `digits` zeros (default: a guess).

        first_page > 1: only its last chapters (`TAIL`), numbered from first_page, carrying
        the running headers the cover would have set (see `tightened`).
        """
        org = self.catalog.organization
        tail = first_page > 1
        pages = self.book.pages[-TAIL:] if tail else self.book.pages
        try:
            html = render_bounded(
                self.template,
                org=org,
                ui=self.catalog.ui,
                toc=self.book.toc,
                pages=pages,
                front=not tail,
                carry=self._carry(pages[0].key, first_page) if tail else "",
                date=self.date,
                tight=tight,
                logo_url=org.logo.as_uri(),
                slot=page_slot,
            )
        except TemplateError as exc:  # an override in overrides/handbook/ (or a bug in ours)
            raise BuildFailed(f"the book template failed: {type(exc).__name__}: {exc}") from exc
        zeros = "0" * (digits or digits_for(self.book))
        return SLOT.sub(lambda m: m[1] + zeros + m[2], html)

    def _carry(self, key: str, first_page: int) -> Markup:
        """CSS for a tail laid out alone: its page numbers and the cover's running headers."""
        org = self.catalog.organization
        strings = f"program {css_string(org.program_name)}, org {css_string(org.name)}"
        return Markup(  # css_string escapes every character a style element could end on
            f"@page :first {{ counter-reset: page {first_page}; }}\n"
            f"#{key} {{ string-set: {strings}; }}\n"
        )

    def write(self, target: Path, key: str) -> None:
        """Lay out once; if the last page would hold only a few lines, lay the last chapters
        out again, tight; write the page numbers in; save."""
        paper, digits = LAYOUT_PAPER, digits_for(self.book)
        document = self.pdf.layout(self.html(False), paper, key)
        if len(str(len(document.pages))) > digits:  # the guess was short: room for all
            digits = len(str(len(document.pages)))
            document = self.pdf.layout(self.html(False, digits), paper, key)
        if len(document.pages) > 2 and filled_share(document.pages[-1]) < NEAR_EMPTY:
            document = self.tightened(document, key, digits)
        number_pages(document)
        self.pdf.save(document, paper, target, key)

    def tightened(self, document: Any, key: str, digits: int) -> Any:
        """The book with its last chapter run on after the one before, if that saves a page.

        Everything before the second-to-last chapter stays as laid out; only that chapter
        and the last one are laid out again, as a document of their own whose pages replace
        the old ones (links resolve by anchor name across the pages of the whole book).
        """
        start = anchor_pages(document).get(self.book.pages[-TAIL].key, 0)
        if len(self.book.pages) <= TAIL or start < 2:
            return document
        tail = self.pdf.layout(self.html(True, digits, first_page=start), LAYOUT_PAPER, key)
        if anchor_pages(tail).get(self.book.pages[-TAIL].key) != 1:  # an override's template
            tail = self.pdf.layout(self.html(True, digits), LAYOUT_PAPER, key)
            start = 1
        pages = document.pages[: start - 1] + tail.pages
        return document.copy(pages) if len(pages) < len(document.pages) else document

    def render(self, papers: tuple[str, ...], out_dir: Path, cache_dir: Path | None) -> list[Path]:
        """The book in each paper size: laid out once (see paper.py), refitted for the others."""
        language = self.catalog.organization.language
        layout = book_path(language, LAYOUT_PAPER)
        # Every layout derives from the untight HTML, so it alone keys the cache.
        key = self.pdf.key(Job(layout, LAYOUT_PAPER, layout, []), self.html(tight=False))
        keys = {paper: _paper_key(key, paper) for paper in papers}
        targets = {paper: out_dir / book_path(language, paper) for paper in papers}
        with tempfile.TemporaryDirectory(prefix="book-") as scratch:
            laid_out = targets.get(LAYOUT_PAPER, Path(scratch) / layout)
            done: list[Path] = []

            def lay_out() -> Path:
                if not done:  # once, whichever paper asks first
                    write_cached(laid_out, key, cache_dir, lambda t: self.write(t, key))
                    done.append(laid_out)
                return laid_out

            for paper in papers:
                if paper == LAYOUT_PAPER:
                    lay_out()
                else:
                    refitted = _refit_from(lay_out, paper)
                    write_cached(targets[paper], keys[paper], cache_dir, refitted)
        refused = self.pdf.fetcher.refused
        if refused:
            listed = "\n  ".join(sorted(set(refused)))
            raise BuildFailed(f"the book tried to load files it may not read:\n  {listed}")
        return [targets[paper] for paper in papers]


def _refit_from(lay_out: Callable[[], Path], paper: str) -> Callable[[Path], None]:
    """Writes `paper`'s edition from the laid-out book (laid out only when first needed)."""
    return lambda target: refit(lay_out(), target, paper)


def _paper_key(layout_key: str, paper: str) -> str:
    """The cache key of one paper size's edition: its layout's key, and the sheet."""
    if paper == LAYOUT_PAPER:
        return layout_key
    return hashlib.sha256(f"{layout_key}\0refit:{paper}".encode()).hexdigest()


def render_book(
    catalog: Catalog,
    out_dir: Path,
    *,
    papers: tuple[str, ...] | None = None,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the handbook PDF for the catalog's language in each paper size under out_dir."""
    renderer = BookRenderer(catalog)
    for line in renderer.book.unresolved:
        logging.getLogger("generator.book").warning("link to no page of the book: %s", line)
    papers = papers or catalog.organization.paper
    written = renderer.render(papers, out_dir, cache_dir)
    for n, path in enumerate(written, 1):
        if progress:
            progress(n, len(written), path.name)
    return written
