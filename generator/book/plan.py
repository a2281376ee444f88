"""What goes into the book: the site's own pages (same templates, same order as its navigation),
turned from the generated Markdown into HTML fragments whose links point inside the book."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import markdown
from markupsafe import Markup

from generator.book.links import Relinker, page_key
from generator.catalog.model import Catalog
from generator.website.generate import _nav, html_text, page_url, render_pages

# The extensions of the shipped mkdocs.yml that our generated pages use. Only headings, tables
# and raw HTML blocks occur in them (rich text arrives as finished, sanitized HTML), so the
# book does not read the organization's mkdocs.yml.
EXTENSIONS = ("toc", "tables", "admonition")


@dataclass(frozen=True)
class BookPage:
    key: str  # anchor of the page in the book, e.g. "p-goals-mentee-learn-new-skills"
    title: Markup  # HTML-escaped, as in the site's navigation
    html: Markup  # the page's body, links rewritten (see links.py)
    section: Markup | None  # the navigation section it belongs to, if any


@dataclass(frozen=True)
class TocEntry:
    title: Markup
    key: str | None  # None: a section heading without a page of its own
    children: list[TocEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Book:
    pages: list[BookPage]
    toc: list[TocEntry]
    unresolved: list[str]  # links that pointed nowhere in the book (printed as plain text)


Placed = tuple[Markup, str, Markup | None]  # title, page (.md), navigation section


def _flatten(nav: list[Any], section: Markup | None = None) -> list[Placed]:
    out: list[Placed] = []
    for item in nav:
        ((title, target),) = item.items()
        if isinstance(target, list):
            out += _flatten(target, Markup(title))
        else:
            out.append((Markup(title), target, section))  # nav titles are HTML-escaped text
    return out


def _home_title(catalog: Catalog, nav: list[Any]) -> list[Any]:
    """The home page is "Home" on the site; a book calls it by its welcome page's title."""
    welcome = next((p for p in catalog.pages if p.slug == "welcome"), None)
    if welcome is None:
        return nav
    home = {html_text(welcome.title): "index.md"}
    return [home if list(item.values()) == ["index.md"] else item for item in nav]


def _toc(nav: list[Any]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    for item in nav:
        ((title, target),) = item.items()
        if isinstance(target, list):
            entries.append(TocEntry(Markup(title), None, _toc(target)))
        else:
            entries.append(TocEntry(Markup(title), page_key(target)))
    return entries


def plan_book(catalog: Catalog) -> Book:
    """Every page of the site, in navigation order, as HTML ready for the book template."""
    sources = render_pages(catalog)
    nav = _home_title(catalog, _nav(catalog, sources, every_goal=True))  # large catalogs too
    urls = {page_url(md): page_key(md) for md in sources}
    pages: list[BookPage] = []
    unresolved: list[str] = []
    for title, md, section in _flatten(nav):
        key = page_key(md)
        body = markdown.markdown(sources[md], extensions=list(EXTENSIONS))
        relinker = Relinker(key, page_url(md), urls)
        pages.append(BookPage(key, title, relinker.rewrite(body), section))
        unresolved += relinker.unresolved
    return Book(pages, _toc(nav), unresolved)
