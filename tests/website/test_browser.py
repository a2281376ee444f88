"""The built site in Debian's Chromium (Playwright, never a downloaded browser) over local HTTP."""

from __future__ import annotations

import functools
import http.server
import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.catalog.model import Catalog, Goal
from generator.cli import main
from generator.colour import contrast_ratio
from generator.export import catalog_data
from generator.load.locales import PACKAGE_LOCALES
from generator.load.yaml_safe import flatten_keys
from generator.outputs import book_path, worksheet_files
from generator.validate.check import check_repository
from tests.conftest import shared_build
from tests.fixtures import make_repo
from tests.website.payloads import MARKER, PACKS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [pytest.mark.browser, pytest.mark.uses_full_build]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Served:
    url: str
    catalog: Catalog
    name: str = "default"


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
    if request.param == "default":
        root = request.getfixturevalue("full_build")  # built once for every module
    else:
        root = make_repo(request.param, tmp_path_factory.mktemp("browser") / "repo")
        result = CliRunner().invoke(main, ["build", "--root", str(root)])
        assert result.exit_code == 0, result.output
    catalog = check_repository(root).catalog
    assert catalog is not None
    with http_server(root / "site") as url:
        yield Served(url, catalog, request.param)


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
    org = served.catalog.organization
    expected |= {served.url + book_path(org.language, p) for p in org.paper}  # the book, too
    assert set(all_pdfs) == expected
    for href in sorted(expected):
        response = page.request.head(href)  # type: ignore[attr-defined]
        assert response.status == 200, href
        assert response.headers["content-type"] == "application/pdf"


VIEWS = [("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)]  # desktop and phone
VIEW_IDS = [f"{scheme}-{width}" for scheme, width in VIEWS]


@contextmanager
def viewed(browser: object, scheme: str, width: int) -> Iterator[Any]:
    """A page in a fresh context with the given colour scheme and viewport width."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def site_paths(catalog: Catalog) -> dict[str, str]:
    goal = catalog.goals[0]
    return {
        "home": "",
        "audience index": f"goals/{goal.audience}/",
        "goal page": goal_url(goal),
        "smart guide": "smart/",
        "measuring": "measuring/",
        "worksheets": "worksheets/",
    }


@pytest.mark.parametrize(("scheme", "width"), VIEWS, ids=VIEW_IDS)
@pytest.mark.parametrize(
    "where", ["home", "audience index", "goal page", "smart guide", "measuring", "worksheets"]
)
def test_no_serious_accessibility_violations(
    browser: object, served: Served, where: str, scheme: str, width: int
) -> None:
    """axe in light and dark, desktop and phone; wide tables never widen the page. The second
    organization differs in its brand (colours, logo, terms): it is checked light on a desktop
    and dark on a phone, which puts each of its colours and each width under axe once."""
    if served.name != "default" and (scheme, width) not in (VIEWS[0], VIEWS[3]):
        pytest.skip("the second organization: light desktop and dark phone only")
    with viewed(browser, scheme, width) as page:
        page.goto(served.url + site_paths(served.catalog)[where])
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(100)  # the scroll frames of wide tables are marked per frame
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        bad = serious_violations(page)
        assert not bad, "\n".join(bad)


def _rgb(css: str) -> str:
    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _over(css: str, below: str) -> str:
    """A computed `rgb()`/`rgba()` colour drawn over the #rrggbb colour `below`."""
    parts = [float(x) for x in re.findall(r"[\d.]+", css)]
    alpha = parts[3] if len(parts) > 3 else 1.0
    under = [int(below[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = (round(c * alpha + u * (1 - alpha)) for c, u in zip(parts[:3], under, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*mixed)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_buttons_stay_readable_at_rest_and_on_hover(
    browser: object, served: Served, scheme: str
) -> None:
    """Text on every button reaches WCAG AA 4.5:1, also under the pointer (the accent colour),
    which axe does not look at."""
    assert_buttons_readable(browser, served.url + goal_url(served.catalog.goals[0]), scheme)


def assert_buttons_readable(browser: object, url: str, scheme: str) -> None:
    with viewed(browser, scheme, 1280) as page:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        buttons = page.locator(".md-typeset .md-button")
        assert buttons.count() >= 1
        page_bg = _rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        for n in range(buttons.count()):
            button = buttons.nth(n)
            for state in ("rest", "hover"):
                if state == "hover":
                    button.hover()
                else:
                    page.mouse.move(0, 0)
                page.wait_for_timeout(400)  # Material fades colours in 250 ms
                style = button.evaluate(
                    "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]"
                )
                bg = _over(style[1], page_bg)  # Zensical tints outlined buttons (rgba)
                fg = _over(style[0], bg)
                ratio = contrast_ratio(fg, bg)
                assert ratio >= 4.5, (url, scheme, n, state, fg, bg, round(ratio, 2))


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def served_pale_brand(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The second organization with a pale yellow primary and a pale orange accent (validation
    only warns), built without PDFs by each engine: its download links are buttons all the same."""
    root = make_repo("second-org", tmp_path_factory.mktemp("pale") / "repo")
    org = root / "content" / "organization.yml"
    text = org.read_text(encoding="utf-8")
    text = text.replace('"#5b2a86"', '"#ffd54f"').replace('"#1b7f5a"', '"#ffe0b2"')
    org.write_text(text.replace("paper: [letter]", "paper: [a4, letter]"), encoding="utf-8")
    args = ["build", "--root", str(root), "--no-pdf", "--engine", request.param]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    with http_server(root / "site") as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("where", ["goals/mentee/alpha/", "worksheets/"])
def test_outlined_buttons_stay_readable_with_a_pale_primary_colour(
    browser: object, served_pale_brand: str, where: str, scheme: str
) -> None:
    """Material draws an outlined button's text in the primary colour: a pale one vanished on
    white (1.4:1) until the readable shade of it was used."""
    assert_buttons_readable(browser, served_pale_brand + where, scheme)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_current_page_in_the_menu_is_readable(
    browser: object, served_pale_brand: str, scheme: str
) -> None:
    """Zensical marks the current page in its menu with accent text on a 10% tint of that
    accent (4.0:1 with the default catalog's); a shade of the accent that reads on its tint."""
    with viewed(browser, scheme, 390) as page:
        page.goto(served_pale_brand + "goals/mentee/alpha/")
        page.wait_for_load_state("networkidle")
        page_bg = _rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        current = page.locator(".md-nav--primary .md-nav__link--active")
        assert current.count() >= 1
        for n in range(current.count()):
            style = current.nth(n).evaluate(
                "a => [getComputedStyle(a).color, getComputedStyle(a).backgroundColor]"
            )
            bg = _over(style[1], page_bg)
            fg = _over(style[0], bg)
            ratio = contrast_ratio(fg, bg)
            assert ratio >= 4.5, (scheme, n, fg, bg, round(ratio, 2))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_header_logo_stands_out_from_the_brand_colour(
    browser: object, served: Served, scheme: str
) -> None:
    """Most logos are drawn in the brand colour the header is filled with: most of the logo's
    box must differ from that colour, or the reader sees an empty header."""
    from PIL import Image

    primary = served.catalog.organization.primary
    header = tuple(int(primary[i : i + 2], 16) for i in (1, 3, 5))
    with viewed(browser, scheme, 1280) as page:
        page.goto(served.url)
        page.wait_for_load_state("networkidle")
        shot = page.locator(".md-header .md-logo img").screenshot()
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    pixels = [image.getpixel((x, y)) for x in range(image.width) for y in range(image.height)]
    like_header = sum(
        1 for px in pixels if sum(abs(a - b) for a, b in zip(px, header, strict=True)) < 40
    )
    assert like_header / len(pixels) < 0.5, (scheme, like_header, len(pixels))


@pytest.fixture(scope="module")
def served_german(german_build: Path) -> Iterator[Served]:
    """The default catalog published in German (the shared build), served over local HTTP."""
    catalog = check_repository(german_build).catalog
    assert catalog is not None and catalog.organization.language == "de"
    with http_server(german_build / "site") as url:
        yield Served(url, catalog)


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict | list):
        for value in data.values() if isinstance(data, dict) else data:
            yield from _strings(value)


def _ui_strings(lang: str) -> dict[str, str]:
    data = yaml.safe_load((PACKAGE_LOCALES / f"{lang}.yml").read_text(encoding="utf-8"))
    return {".".join(map(str, k)): str(v) for k, v in flatten_keys(data).items()}


@pytest.mark.parametrize(("scheme", "width"), [VIEWS[0], VIEWS[3]], ids=[VIEW_IDS[0], VIEW_IDS[3]])
def test_german_pages_show_no_english_ui_string(
    browser: object, served_german: Served, scheme: str, width: int
) -> None:
    """Every UI string whose German differs from the English is German on the German site."""
    german = _ui_strings("de")
    english = {
        k: v
        for k, v in _ui_strings("en").items()
        if k.startswith("site.") and german.get(k) != v and "{" not in v
    }
    # German UI strings and the catalog's own text may hold English words ("US Letter", a
    # source's title): they are taken out before looking for English UI strings
    catalog_text = [v for v in _strings(catalog_data(served_german.catalog)) if len(v) > 3]
    german_values = sorted({*german.values(), *catalog_text}, key=len, reverse=True)
    with viewed(browser, scheme, width) as page:
        for where, path in site_paths(served_german.catalog).items():
            page.goto(served_german.url + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(100)
            assert page.evaluate("document.documentElement.lang") == "de"
            # what a reader sees and hears, less catalog text (sources, tags stay as written)
            text = page.evaluate(
                """() => { const c = document.body.cloneNode(true);
                c.querySelectorAll('.hb-source, .hb-tag, script, style').forEach(e => e.remove());
                const labels = [...c.querySelectorAll('[aria-label],[title],[placeholder]')]
                  .map(e => [e.getAttribute('aria-label'), e.getAttribute('title'),
                             e.getAttribute('placeholder')].join(' '));
                return c.textContent + ' ' + labels.join(' '); }"""
            )
            for value in german_values:  # German strings may contain English words ("US Letter")
                text = text.replace(value, " ")
            shown = [
                f"{key}: {value!r}"
                for key, value in english.items()
                if re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text)
            ]
            assert not shown, (where, shown)
            bad = serious_violations(page)
            assert not bad, (where, bad)


@pytest.mark.parametrize("pack", range(len(PACKS)), ids=[f"pack{i}" for i in range(len(PACKS))])
def test_payloads_stay_inert_in_the_browser_and_in_search_results(
    browser: object, request: pytest.FixtureRequest, pack: int
) -> None:
    """The static scan (test_safety) in a real browser: nothing runs, even in search results,
    which Material renders from the search index as HTML. The poisoned sites are test_safety's
    (shared builds: the second organization with a pack in every field)."""
    site = shared_build(request.config, f"poisoned-{pack}") / "site"
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
