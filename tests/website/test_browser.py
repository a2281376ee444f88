"""The built site in Debian's Chromium (Playwright, never a downloaded browser) over local HTTP."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.catalog.model import Catalog, Goal
from generator.cli import main
from generator.outputs import worksheet_files
from generator.validate.check import check_repository
from tests.conftest import copy_repository
from tests.fixtures import make_repo
from tests.website.payloads import MARKER, PACKS, poison_repository
from tests.website.sitetools import build

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Served:
    url: str
    catalog: Catalog


@contextmanager
def http_server(folder: Path) -> Iterator[str]:
    """A static HTTP server on 127.0.0.1 at a free port, serving `folder`."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module", params=["second-org", "default"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """Each catalog built in full (PDFs included) and served over local HTTP."""
    dest = tmp_path_factory.mktemp("browser") / "repo"
    root = copy_repository(dest) if request.param == "default" else make_repo(request.param, dest)
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    catalog = check_repository(root).catalog
    assert catalog is not None
    with http_server(root / "site") as url:
        yield Served(url, catalog)


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


def goal_url(goal: Goal) -> str:
    return f"goals/{goal.audience}/{goal.id}/"


def search_term(catalog: Catalog) -> tuple[str, Goal]:
    """A word of one goal's summary that no other goal's title or summary has."""

    def words(text: str) -> set[str]:
        return {w.lower() for w in re.findall(r"[A-Za-z]{7,}", text)}

    for goal in catalog.goals:
        others = set().union(
            *(words(g.title + " " + g.summary) for g in catalog.goals if g != goal)
        )
        unique = sorted(words(goal.summary) - others)
        if unique:
            return unique[0], goal
    raise AssertionError("no goal summary has a word of its own")


def test_home_page_has_no_console_errors_and_shows_the_logo(page: object, served: Served) -> None:
    page.goto(served.url)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    width = page.evaluate("document.querySelector('.md-header .md-logo img').naturalWidth")  # type: ignore[attr-defined]
    assert width > 0
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_header_uses_the_brand_colour(page: object, served: Served) -> None:
    page.goto(served.url)  # type: ignore[attr-defined]
    colour = page.evaluate(  # type: ignore[attr-defined]
        "getComputedStyle(document.querySelector('.md-header')).backgroundColor"
    )
    primary = served.catalog.organization.primary
    rgb = tuple(int(primary[i : i + 2], 16) for i in (1, 3, 5))
    assert colour == "rgb({}, {}, {})".format(*rgb)


def test_search_finds_a_goal_by_a_word_of_its_summary(page: object, served: Served) -> None:
    word, goal = search_term(served.catalog)
    page.goto(served.url)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    page.keyboard.press("s")  # Material's shortcut focuses the search box  # type: ignore[attr-defined]
    page.keyboard.type(word, delay=20)  # type: ignore[attr-defined]
    result = page.wait_for_selector(".md-search-result__item", timeout=15000)  # type: ignore[attr-defined]
    assert result is not None
    texts = page.inner_text(".md-search-result__list")  # type: ignore[attr-defined]
    assert goal.title in texts, (word, texts[:500])
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_worksheet_links_serve_pdfs(page: object, served: Served) -> None:
    goal = served.catalog.goals[0]
    page.goto(served.url + goal_url(goal))  # type: ignore[attr-defined]
    hrefs = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "a[href$='.pdf']", "links => links.map(a => a.href)"
    )
    papers = served.catalog.organization.paper
    assert sorted(hrefs) == sorted(f"{served.url}worksheets/{p}/goal-{goal.id}.pdf" for p in papers)
    for href in hrefs:
        response = page.request.get(href)  # type: ignore[attr-defined]
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF-")
    page.goto(served.url + "worksheets/")  # type: ignore[attr-defined]
    all_pdfs = page.eval_on_selector_all("a[href$='.pdf']", "l => l.map(a => a.href)")  # type: ignore[attr-defined]
    expected = {served.url + f.path for f in worksheet_files(served.catalog)}
    assert set(all_pdfs) == expected
    for href in sorted(expected):
        response = page.request.head(href)  # type: ignore[attr-defined]
        assert response.status == 200, href
        assert response.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize("where", ["home", "audience index", "goal page", "smart guide"])
def test_no_serious_accessibility_violations(page: object, served: Served, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    goal = served.catalog.goals[0]
    path = {
        "home": "",
        "audience index": f"goals/{goal.audience}/",
        "goal page": goal_url(goal),
        "smart guide": "smart/",
    }[where]
    page.goto(served.url + path)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("pack", PACKS, ids=[f"pack{i}" for i in range(len(PACKS))])
def test_payloads_stay_inert_in_the_browser_and_in_search_results(
    browser: object, tmp_path: Path, pack: list[str]
) -> None:
    """The static scan (test_safety) in a real browser: nothing runs, even in search results,
    which Material renders from the search index as HTML."""
    root = make_repo("second-org", tmp_path / "repo")
    poison_repository(root, " ".join(pack))
    site = build(root)
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    handlers = """() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
        .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"""
    with http_server(site) as url:
        for path in ("", "goals/mentee/alpha/", "smart/", "measuring/"):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate(handlers) == [], path
        page.keyboard.press("s")
        page.keyboard.type(MARKER, delay=20)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        page.wait_for_timeout(300)
        assert page.evaluate(handlers) == []
        assert "alert(" in page.inner_text(".md-search-result__list")  # shown as text
    context.close()
    assert dialogs == []
