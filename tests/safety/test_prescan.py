"""The prescan: pages scanned while the engine writes them may skip the final scan only while
their bytes are unchanged; everything else is still scanned in full."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from generator.pool import cores
from generator.resources import theme_overrides
from generator.safety.scan import PageCheck, prescan, scan_output
from tests.website.sitetools import build


def test_prescan_saves_only_pages_that_stay_as_scanned(repo_copy: Path) -> None:
    site = build(repo_copy)
    overrides = [theme_overrides(repo_copy)]
    done = repo_copy / "done"
    hostile = site / "smart/index.html"
    hostile.write_text(hostile.read_text().replace("</body>", "<script>alert(1)</script></body>"))
    threading.Timer(6.0, done.touch).start()  # the "engine" finishes after a while
    passed = prescan(PageCheck(site, overrides), done)
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert "smart/index.html" not in passed  # a page with findings is never skipped
    assert set(passed) == files - {"smart/index.html"}  # pages, styles, scripts, the rest
    assert len(pages & set(passed)) == len(pages) - 1
    found = scan_output(site, theme_dirs=overrides, passed=passed)
    assert [f.file for f in found] == ["smart/index.html"]
    # A page changed after it passed is scanned again, as is a file the prescan never saw.
    page = site / "tags/index.html"
    page.write_text(page.read_text().replace("</body>", '<img src=x onerror="alert(1)"></body>'))
    (site / "extra.js").write_text("alert(1)")
    found = scan_output(site, theme_dirs=overrides, passed=passed)
    assert {f.file for f in found} == {"smart/index.html", "tags/index.html", "extra.js"}


def test_prescan_stops_at_once_when_the_engine_is_done(tmp_path: Path) -> None:
    (tmp_path / "done").touch()
    (tmp_path / "page.html").write_text("<p>hi</p>")
    assert prescan(PageCheck(tmp_path), tmp_path / "done") == {}


def test_a_small_site_on_one_core_is_mostly_prescanned_while_the_engine_writes_it(
    repo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.validate.check import check_repository
    from generator.website import mkdocs_parallel
    from generator.website.build import build_site

    monkeypatch.setattr(mkdocs_parallel, "PARALLEL_MIN_PAGES", 10**9)  # MkDocs on one core
    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    site = repo_copy / "site"
    passed = build_site(catalog, repo_copy / "build", site, prescan=True)
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    # A one-second build writes every page within half a second of the end: a long settle
    # time saw none of them, and the whole scan was left to run after the engine. The theme's
    # files are copied first: the prescan has them all.
    assert pages & set(passed)
    assert "assets/stylesheets/" in " ".join(passed) and "assets/javascripts/" in " ".join(passed)
    assert scan_output(site, theme_dirs=[theme_overrides(repo_copy)], passed=passed) == []


@pytest.mark.skipif(cores() < 2, reason="MkDocs runs on every core only with two")
def test_on_every_core_the_workers_scan_each_page_they_write(repo_copy: Path) -> None:
    from generator.validate.check import check_repository
    from generator.website.build import build_site

    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    site = repo_copy / "site"
    passed = build_site(catalog, repo_copy / "build", site, prescan=True)
    pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert len(pages) > 20 and pages <= set(passed)
    assert all(rel.endswith(".html") for rel in passed)
    assert scan_output(site, theme_dirs=[theme_overrides(repo_copy)], passed=passed) == []


def test_zensical_pages_are_left_to_the_final_scan(repo_copy: Path) -> None:
    """Zensical writes its pages in one burst at its end, so nothing is scanned beside it:
    every file is the final scan's, and the texts are made while Zensical works."""
    from generator.export import catalog_to_json
    from generator.validate.check import check_repository
    from generator.website.build import build_site

    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    site = repo_copy / "site"
    extra = {"catalog.json": catalog_to_json}
    passed = build_site(catalog, repo_copy / "build", site, "zensical", None, True, extra)
    assert passed == {}
    assert (site / "catalog.json").read_text(encoding="utf-8") == catalog_to_json(catalog)
    overrides = [theme_overrides(repo_copy)]
    assert scan_output(site, theme_dirs=overrides, passed=passed, engine="zensical") == []
