"""The site's progress bars count its real pages: generated, rendered and written."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from generator.catalog.model import Catalog
from generator.cli import BUILD_BARS, main
from generator.progress import SiteProgress
from generator.website.build import build_site
from generator.website.generate import page_jobs
from tests.conftest import shared_outcome

Reports = list[tuple[int, int, str]]


def _counted(reports: Reports, total: int) -> None:
    """One report per unit, counting 1..total, each naming its own item."""
    assert [done for done, _, _ in reports] == list(range(1, total + 1))
    assert {t for _, t, _ in reports} == {total}
    assert len({item for _, _, item in reports}) == total


def test_every_page_is_reported_once_per_loop(default_catalog: Catalog, tmp_path: Path) -> None:
    generated: Reports = []
    rendered: Reports = []
    written: Reports = []
    progress = SiteProgress(
        lambda *r: generated.append(r), lambda *r: rendered.append(r), lambda *r: written.append(r)
    )
    site = tmp_path / "site"
    build_site(default_catalog, tmp_path / "build", site, progress=progress)
    pages = page_jobs(default_catalog, True, False)
    assert len(pages) >= 20  # a site MkDocs builds on every core
    _counted(generated, len(pages))
    assert {item for _, _, item in generated} == {job.page for job in pages}
    _counted(rendered, len(pages))
    _counted(written, len(pages))
    assert all((site / rel).is_file() for _, _, rel in written)  # each names the file written

    again: Reports = []
    build_site(
        default_catalog, tmp_path / "build", site, progress=SiteProgress(lambda *r: again.append(r))
    )
    assert again == []  # an unchanged rebuild generates no page: nothing to count


def test_pages_are_reported_from_the_worker_beside_the_offline_copy(
    default_catalog: Catalog, tmp_path: Path
) -> None:
    """A full build runs MkDocs in a worker beside the offline copy's run: its pages still
    reach the parent's bars, once each (the offline copy's run reports none)."""
    rendered: Reports = []
    written: Reports = []
    progress = SiteProgress(None, lambda *r: rendered.append(r), lambda *r: written.append(r))
    site, offline = tmp_path / "site", tmp_path / "offline"
    build_site(default_catalog, tmp_path / "build", site, offline_site=offline, progress=progress)
    pages = page_jobs(default_catalog, True, False)
    _counted(rendered, len(pages))
    _counted(written, len(pages))
    assert all((site / rel).is_file() for _, _, rel in written)  # the site's, not the copy's
    assert (offline / "search/search_index.js").is_file()


def test_the_full_build_shows_every_bar(full_build: Path) -> None:
    output = shared_outcome(full_build)["output"]
    for label in BUILD_BARS:
        assert label in output, label


def test_build_shows_the_site_bars(repo_copy: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--no-pdf", "--root", str(repo_copy)])
    assert result.exit_code == 0, result.output
    for label in BUILD_BARS[:3]:
        assert label in result.output


def test_zensical_gets_a_line_with_its_pages_and_its_last_time(
    default_catalog: Catalog, tmp_path: Path
) -> None:
    """Zensical reports no progress: the build says what it builds, and from its second build
    on, how long the last run took."""
    lines: list[str] = []
    progress = SiteProgress(waiting=lines.append)
    pages = len(page_jobs(default_catalog, True, True))
    for _ in range(2):
        build_site(
            default_catalog, tmp_path / "build", tmp_path / "site", "zensical", progress=progress
        )
    first, second = lines
    assert first == f"Zensical is building {pages} pages; it reports no progress."
    seconds = float((tmp_path / "build/.zensical-seconds").read_text())
    assert 0 < seconds < 600
    assert second.startswith(f"Zensical is building {pages} pages; it reports no progress (its")
    assert re.search(r"its last build here took \d+ s\)\.$", second), second
