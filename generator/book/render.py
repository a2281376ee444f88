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

from generator.book.links import page_slot
from generator.book.pages import anchor_pages, filled_share, number_pages
from generator.book.paper import LAYOUT_PAPER, page_css, refit
from generator.book.plan import Book, plan_book
from generator.catalog.model import Catalog
from generator.dates import source_date_epoch
from generator.outputs import book_path
from generator.pdf.render import Job, Renderer, css_string, without_gc, write_cached
from generator.problems import BuildFailed
from generator.progress import Progress
from generator.templating import render_bounded, template_environment, template_failure

TEMPLATES = Path(__file__).parent / "templates"
BOOK_CSS = Path(__file__).parent / "assets" / "book.css"
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
    """The build's date (SOURCE_DATE_EPOCH, else the last commit): the same input, the same PDF.
    Empty outside a git repository without SOURCE_DATE_EPOCH (the cover then names no date)."""
    seconds = int(source_date_epoch(root) or 0)
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat() if seconds else ""


def digits_for(book: Book) -> int:
    """A generous guess of the page count's digits (a goal page rarely runs past two pages)."""
    return len(str(3 * len(book.pages) + 9))


class BookRenderer:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.book: Book = plan_book(catalog)
        self.pdf = Renderer(catalog, extra_css=book_css(catalog))
        env = template_environment(catalog.root, TEMPLATES, autoescape=True)
        self.template = env.get_template("book.html")
        self.date = edition_date(catalog.root)

    def html(
        self,
        tight: bool = False,
        digits: int | None = None,
        part: list[int] | None = None,
        first_page: int = 1,
        fit: bool = False,
    ) -> str:
        """The book's HTML, its page-number slots holding `digits` zeros (default: a guess).

        part: only the chapters at these places, numbered from first_page, carrying the running
        headers the cover would have set (see `tightened`, `fitted`); fit: set a little closer.
        """
        org = self.catalog.organization
        pages = self.book.pages if part is None else [self.book.pages[n] for n in part]
        try:
            html = render_bounded(
                self.template,
                org=org,
                ui=self.catalog.ui,
                toc=self.book.toc,
                pages=pages,
                front=part is None,
                carry=self._carry(pages[0].key, first_page) if part else "",
                date=self.date,
                tight=tight,
                fit=fit,
                logo_url=self.pdf.logo_url,  # relative: the same bytes in any checkout
                slot=page_slot,
            )
        except TemplateError as exc:  # an override in overrides/handbook/ (or a bug in ours)
            raise template_failure("the book template", exc) from exc
        zeros = "0" * (digits or digits_for(self.book))
        return SLOT.sub(lambda m: m[1] + zeros + m[2], html)

    def _carry(self, key: str, first_page: int) -> Markup:
        """CSS for chapters laid out alone: their page numbers and the cover's running headers."""
        org = self.catalog.organization
        strings = f"program {css_string(org.program_name)}, org {css_string(org.name)}"
        return Markup(  # css_string escapes every character a style element could end on
            f"@page :first {{ counter-reset: page {first_page}; }}\n"
            f"#{key} {{ string-set: {strings}; }}\n"
        )

    def write(self, target: Path, key: str) -> None:
        """Lay out once; set chapters whose last page would hold a few lines a little closer;
        run the last chapter on after the one before if the book's last page would; write the
        page numbers in; save."""
        paper, digits = LAYOUT_PAPER, digits_for(self.book)
        document = self.pdf.layout(self.html(), paper, key)
        if len(str(len(document.pages))) > digits:  # the guess was short: room for all
            digits = len(str(len(document.pages)))
            document = self.pdf.layout(self.html(digits=digits), paper, key)
        document = self.fitted(document, key, digits)
        if len(document.pages) > 2 and filled_share(document.pages[-1]) < NEAR_EMPTY:
            document = self.tightened(document, key, digits)
        number_pages(document)
        self.pdf.save(document, paper, target, key)

    def fitted(self, document: Any, key: str, digits: int) -> Any:
        """The book with each chapter that spills a few lines onto a page of their own set a
        little closer, where that saves the page.

        Those chapters are laid out again together, as one document whose pages replace
        theirs chapter by chapter; the pages after a shortened chapter move up and
        `number_pages` renumbers them. If the last chapter still ends near-empty, `tightened`
        runs it on after the one before.
        """
        starts = anchor_pages(document)
        keys = [page.key for page in self.book.pages]
        if any(k not in starts for k in keys):  # an override's template: leave it as it is
            return document
        bounds = [starts[k] for k in keys] + [len(document.pages) + 1]
        chapters = [document.pages[bounds[n] - 1 : bounds[n + 1] - 1] for n in range(len(keys))]
        spill = [
            n
            for n, own in enumerate(chapters)
            if len(own) > 1 and filled_share(own[-1]) < NEAR_EMPTY
        ]
        if not spill:
            return document
        html = self.html(digits=digits, part=spill, first_page=bounds[spill[0]], fit=True)
        again = self.pdf.layout(html, LAYOUT_PAPER, key)
        found = anchor_pages(again)
        if any(keys[n] not in found for n in spill):  # an override's template
            return document
        ends = [found[keys[n]] for n in spill[1:]] + [len(again.pages) + 1]
        for n, end in zip(spill, ends, strict=True):
            closer = again.pages[found[keys[n]] - 1 : end - 1]
            if len(closer) < len(chapters[n]):
                chapters[n] = closer
        pages = list(document.pages[: bounds[0] - 1]) + [p for own in chapters for p in own]
        return document.copy(pages) if len(pages) < len(document.pages) else document

    def tightened(self, document: Any, key: str, digits: int) -> Any:
        """The book with its last chapter run on after the one before, if that saves a page.

        Everything before the second-to-last chapter stays as laid out; only that chapter
        and the last one are laid out again, as a document of their own whose pages replace
        the old ones (links resolve by anchor name across the pages of the whole book).
        """
        start = anchor_pages(document).get(self.book.pages[-TAIL].key, 0)
        if len(self.book.pages) <= TAIL or start < 2:
            return document
        last = list(range(len(self.book.pages)))[-TAIL:]
        tail = self.pdf.layout(
            self.html(True, digits, part=last, first_page=start), LAYOUT_PAPER, key
        )
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
        key = self.pdf.key(Job(layout, LAYOUT_PAPER, layout, []), self.html())
        keys = {paper: _paper_key(key, paper) for paper in papers}
        targets = {paper: out_dir / book_path(language, paper) for paper in papers}
        with tempfile.TemporaryDirectory(prefix="book-") as scratch:
            laid_out = targets.get(LAYOUT_PAPER, Path(scratch) / layout)
            done: list[Path] = []

            def lay_out() -> Path:
                if not done:  # once, whichever paper asks first
                    with without_gc():
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
