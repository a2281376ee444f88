"""The built site in Debian's Chromium (Playwright, never a downloaded browser) over local HTTP."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.fixtures import make_repo

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_repo("second-org", tmp_path_factory.mktemp("browser") / "repo")
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    handler = functools.partial(QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make system-deps`")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


def test_home_page_has_no_console_errors_and_shows_the_logo(page: object, site_url: str) -> None:
    page.goto(site_url)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    width = page.evaluate("document.querySelector('.md-header .md-logo img').naturalWidth")  # type: ignore[attr-defined]
    assert width > 0
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_header_uses_the_brand_colour(page: object, site_url: str) -> None:
    page.goto(site_url)  # type: ignore[attr-defined]
    colour = page.evaluate(  # type: ignore[attr-defined]
        "getComputedStyle(document.querySelector('.md-header')).backgroundColor"
    )
    assert colour == "rgb(91, 42, 134)"  # #5b2a86 from organization.yml


def test_search_finds_a_goal_by_a_word_of_its_summary(page: object, site_url: str) -> None:
    page.goto(site_url)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    page.keyboard.press("s")  # Material's shortcut focuses the search box  # type: ignore[attr-defined]
    page.keyboard.type("colleague", delay=20)  # type: ignore[attr-defined]
    result = page.wait_for_selector(".md-search-result__item", timeout=15000)  # type: ignore[attr-defined]
    assert result is not None
    texts = page.inner_text(".md-search-result__list")  # type: ignore[attr-defined]
    assert "Shadow a colleague in another team" in texts


def test_worksheet_links_serve_pdfs(page: object, site_url: str) -> None:
    page.goto(site_url + "goals/mentee/alpha/")  # type: ignore[attr-defined]
    hrefs = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "a[href$='.pdf']", "links => links.map(a => a.href)"
    )
    assert hrefs and all("/worksheets/letter/" in h for h in hrefs)
    for href in hrefs:
        response = page.request.get(href)  # type: ignore[attr-defined]
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF-")
    page.goto(site_url + "worksheets/")  # type: ignore[attr-defined]
    all_pdfs = page.eval_on_selector_all("a[href$='.pdf']", "l => l.map(a => a.href)")  # type: ignore[attr-defined]
    assert len(all_pdfs) >= 8
    for href in all_pdfs:
        assert page.request.get(href).status == 200  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["", "goals/mentee/", "goals/mentee/alpha/", "smart/"])
def test_no_serious_accessibility_violations(page: object, site_url: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site_url + path)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, "\n".join(bad)
