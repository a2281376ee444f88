"""No catalog string can become active content anywhere in the built site.

A corpus of payloads goes into every free-text field of every content file (goals, SMART guide,
measurement, worksheets, hand-written pages, organization.yml, the locale file) and into the URL
fields as far as their schema lets it; the built site is then scanned for anything a browser
would run. The corpus is split into packs small enough that every payload reaches every field
whole (fields are at most 200 characters); each pack is one build.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import shared_build
from tests.website.payloads import PACKS, PAYLOADS
from tests.website.sitetools import visible_text


class ActiveContent(HTMLParser):
    """Collects every script, handler and script-capable URL in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "object", "embed", "style", "base", "frame", "meta") and not (
            tag == "meta" and "http-equiv" not in dict(attrs)
        ):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                self.found.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "xlink:href", "data") and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"{tag} {name}={value}")
        if tag == "script":
            self._in_script = True
            self.scripts.append(dict(attrs).get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def scan(site: Path) -> tuple[list[str], set[str]]:
    """Active content per page, and the set of every script in the site."""
    found: list[str] = []
    scripts: set[str] = set()
    for page in sorted(site.rglob("*.html")):
        parser = ActiveContent()
        parser.feed(page.read_text())
        found += [f"{page.relative_to(site)}: {f}" for f in parser.found]
        scripts |= {re.sub(r"\s+", " ", s) for s in parser.scripts}
    return found, scripts


@pytest.fixture(scope="module")
def clean_scripts(request: pytest.FixtureRequest) -> set[str]:
    site = shared_build(request.config, "second-org") / "site"  # built --no-pdf, as below
    found, scripts = scan(site)
    assert not found, found  # the scanner itself finds nothing in a normal site
    return scripts


def test_every_payload_reaches_every_field_whole() -> None:
    assert all(len(" ".join(p)) <= 170 for p in PACKS)
    assert [x for p in PACKS for x in p] == PAYLOADS


@pytest.mark.parametrize("n", range(len(PACKS)), ids=[f"pack{i}" for i in range(len(PACKS))])
def test_no_catalog_text_becomes_active_content(
    request: pytest.FixtureRequest, clean_scripts: set[str], n: int
) -> None:
    # a shared build (tests/shared_builds.py, also opened in the browser by test_browser):
    # make_repo("second-org"), poison_repository(root, " ".join(PACKS[n])), build --no-pdf
    pack = PACKS[n]
    site = shared_build(request.config, f"poisoned-{n}") / "site"
    found, scripts = scan(site)
    assert not found, found
    assert scripts == clean_scripts  # only Material's own scripts and ours, unchanged
    text = " ".join(visible_text((site / "goals/mentee/alpha/index.html").read_text()).split())
    assert " ".join(pack[0].split()) in text  # the payload is on the page, as text
    assert "49" not in text  # Jinja in content is never evaluated
    # Material's search shows index entries as HTML: they must hold no markup from the catalog.
    index = (site / "search/search_index.json").read_text()
    assert not re.search(r"<(script|img|svg|iframe|style|div|a)\b", index), index[:500]
