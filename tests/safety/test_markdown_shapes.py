"""Markdown shapes that turn harmless-looking text into links or images after rendering.

Each shape goes, with its newlines, into a hand-written page and into a goal's `why`; the real
build renders it; the site must hold it as text only. Then Chromium opens both pages and clicks
every link the rich text made: no dialog fires and no request leaves for another host.
"""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

import pytest
import yaml

from generator.load.yaml_safe import load_yaml
from generator.safety.richtext import render_rich
from tests.fixtures import make_repo
from tests.website.sitetools import build
from tests.website.test_browser import ARGS, CHROMIUM, http_server
from tests.website.test_safety import ActiveContent

SHAPES = [
    "    [a](javascript:alert(1))",  # indented code block
    "```\n[b](javascript:alert(2))\n```",  # fenced code block
    "~~~\n![c](https://evil.example/c.png)\n~~~",
    "#### \\[d\\](javascript:alert(4))",  # a heading level the sanitizer strips
    "###### [e](javascript:alert(5))",
    "##### ![f](https://evil.example/f.png)",
    "> [g](javascript:alert(7))",
    "- `[h](javascript:alert(8))`",
    "<pre>[i](javascript:alert(9))</pre>",
    "[j]: javascript:alert(10)\n\n[j]",
    "[k](<javascript:alert(11)>)",
    "[l](jav&#x09;ascript:alert(12))",
    "\\<script\\>alert(13)\\</script\\>",
    "&lt;script&gt;alert(14)&lt;/script&gt;",
    "`` <img src=x onerror=alert(15)> ``",
    "**[m](javascript:alert(16))**",
    "[n](https://ok.example/ 'x\" onmouseover=\"alert(17)')",
    "![o](data:image/png;base64,iVBORw0KGgo=)",
    "![p](https://evil.example/p.png)",
    "<img src=https://evil.example/q.png>",
    "    <svg onload=alert(18)>",
    "[r](data:text/html;base64,PHNjcmlwdD5hbGVydCgxOSk8L3NjcmlwdD4=)",
    "[s]( javascript:alert(20) )",
    "\t[t](javascript:alert(21))",
]
BODY = "\n\n".join(SHAPES)
EXTERNAL = re.compile(r"https?://(?!127\.0\.0\.1)")


class Resources(ActiveContent):
    """Active content plus every resource (img/src) a page would load."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        for name, value in attrs:
            if name in ("src", "srcset", "poster") and value and EXTERNAL.match(value.strip()):
                self.found.append(f"{tag} {name}={value}")


@pytest.fixture(scope="module")
def shaped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo("second-org", tmp_path_factory.mktemp("shapes") / "repo")
    goal = root / "content/goals/mentee/alpha.yml"
    data = load_yaml(goal.read_text()).data
    data["why"] = BODY
    goal.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    (root / "content/pages/shapes.md").write_text("# Shapes\n\n" + BODY + "\n")
    return build(root)


@pytest.mark.parametrize("shape", SHAPES)
def test_rich_text_renders_each_shape_without_active_content(shape: str) -> None:
    out = render_rich(shape)
    parser = Resources()
    parser.feed(out)
    assert not parser.found, out
    assert "<img" not in out and "<pre" not in out


@pytest.mark.parametrize("page", ["guide/shapes/index.html", "goals/mentee/alpha/index.html"])
def test_built_pages_hold_the_shapes_as_text_only(shaped_site: Path, page: str) -> None:
    source = (shaped_site / page).read_text()
    parser = Resources()
    parser.feed(source)
    assert not parser.found, parser.found
    rich = source.split('<div class="hb-rich">', 1)[1]
    assert "alert(1)" in html.unescape(rich)  # the text is there, inert


@pytest.mark.browser
def test_clicking_every_rich_text_link_runs_nothing_and_requests_no_host(
    shaped_site: Path,
) -> None:
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    requests: list[str] = []
    with http_server(shaped_site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        def route(r: object) -> None:
            requests.append(r.request.url)  # type: ignore[attr-defined]
            if r.request.url.startswith(url):  # type: ignore[attr-defined]
                r.continue_()  # type: ignore[attr-defined]
            else:  # another host: recorded, answered with an empty page, never fetched
                r.fulfill(status=200, content_type="text/html", body="<p>away</p>")  # type: ignore[attr-defined]

        page.route("**/*", route)
        clicked = 0
        for path in ("guide/shapes/", "goals/mentee/alpha/"):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            page.locator(".hb-rich").first.hover()
            count = page.locator(".hb-rich a").count()
            for i in range(count):
                page.goto(url + path)
                page.locator(".hb-rich a").nth(i).click()
                page.wait_for_load_state("load")
                clicked += 1
        time.sleep(0.5)
        browser.close()
    assert clicked >= 1  # the one safe https link is there and was clicked
    assert dialogs == []
    hosts = {r for r in requests if not r.startswith(url) and not r.startswith("data:")}
    assert hosts <= {"https://ok.example/"}, hosts  # only the link the reader clicked
