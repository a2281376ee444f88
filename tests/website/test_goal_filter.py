"""The goal-list filter of large catalogs (overrides/.../hb-filter.js) in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.validate.check import check_repository
from generator.website import generate
from tests.website import test_browser
from tests.website.sitetools import build
from tests.website.test_browser import http_server

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
