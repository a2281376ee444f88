"""Progress reports: `(done, total, item)` callbacks that the command line shows as bars.

Each counts the real units of its work (sheets, pages, pairs), so the bar's length and its
time estimate are those of the work itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SiteProgress:
    """The site's page loops, each reported on its own (their pages cost differently, so one
    bar over all of them would misjudge the time left)."""

    generated: Progress | None = None  # Markdown pages generated from the catalog
    rendered: Progress | None = None  # pages MkDocs turned into HTML, on every core
    written: Progress | None = None  # pages MkDocs laid into the theme and wrote
    # A line to show while an engine that reports nothing works (Zensical): what it builds,
    # and how long its last build took.
    waiting: Callable[[str], None] | None = None


@dataclass(frozen=True)
class BuildProgress:
    """Everything `handbook build` reports: the site's pages, the worksheets, the book."""

    site: SiteProgress = SiteProgress()
    worksheets: Progress | None = None
    book: Progress | None = None
