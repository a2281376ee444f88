"""The goal-list filter of large catalogs (overrides/.../hb-filter.js) in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.colour import contrast_ratio
from generator.validate.check import check_repository
from generator.website import generate
from tests.website import test_browser
from tests.website.sitetools import build
from tests.website.test_browser import _over, _rgb, http_server, viewed

pytestmark = pytest.mark.browser
browser = test_browser.browser  # the fixtures, shared
page = test_browser.page


def visible(tab: Any) -> list[str]:
    return tab.eval_on_selector_all(  # type: ignore[no-any-return]
        "ul.hb-goal-list > li:not([hidden]) > a:first-child", "els => els.map(e => e.textContent)"
    )


def test_filter_narrows_an_audience_page_by_text_and_by_tag(
    repo_copy: Path, monkeypatch: pytest.MonkeyPatch, page: Any
) -> None:
    monkeypatch.setattr(generate, "NAV_GOAL_LIMIT", 10)  # the 16-goal default catalog is "large"
    site = build(repo_copy)
    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    goals = catalog.goals_for("mentee")
    with http_server(site) as url:
        page.goto(url + "goals/mentee/")
        page.wait_for_load_state("networkidle")
        assert sorted(visible(page)) == sorted(g.title for g in goals)
        target = goals[-1]
        page.fill(".hb-filter input", target.title.split()[-1].upper())  # case does not matter
        shown = visible(page)
        assert target.title in shown and len(shown) < len(goals)
        page.fill(".hb-filter input", "")
        tag = next(t for t in target.tags if sum(t in g.tags for g in goals) < len(goals))
        page.select_option(".hb-filter select", tag)
        assert sorted(visible(page)) == sorted(g.title for g in goals if tag in g.tags)
        assert page.console_errors == []


def test_filter_fields_show_their_edges_in_both_schemes(
    repo_copy: Path, monkeypatch: pytest.MonkeyPatch, browser: Any
) -> None:
    """Material strips a text field's border: the filter box was white on the white page, only
    its grey placeholder showed. Its edge must reach 3:1 against the page (WCAG 1.4.11)."""
    monkeypatch.setattr(generate, "NAV_GOAL_LIMIT", 10)
    site = build(repo_copy)
    with http_server(site) as url:
        for scheme in ("light", "dark"):
            with viewed(browser, scheme, 390) as tab:
                tab.goto(url + "goals/mentee/")
                tab.wait_for_load_state("networkidle")
                page_bg = _rgb(tab.evaluate("getComputedStyle(document.body).backgroundColor"))
                edges = (
                    "e => [getComputedStyle(e).borderTopWidth, getComputedStyle(e).borderTopColor]"
                )
                for field in (".hb-filter input", ".hb-filter select"):
                    width, edge = tab.eval_on_selector(field, edges)
                    ratio = contrast_ratio(_over(edge, page_bg), page_bg)
                    assert float(width.removesuffix("px")) >= 1, (scheme, field, width)
                    assert ratio >= 3, (scheme, field, edge, round(ratio, 2))
