"""Large catalogs: the nav lists audiences, not goals, so page weight stays flat as goals grow."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.validate.check import check_repository
from generator.website import generate
from tests.website.sitetools import build


def sizes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("index.html")}


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_large_layout_keeps_goals_out_of_the_nav(
    repo_copy: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    small = sizes(build(repo_copy, "--engine", engine))
    kept = repo_copy.parent / "small-site"
    shutil.copytree(repo_copy / "site", kept)
    monkeypatch.setattr(generate, "NAV_GOAL_LIMIT", 10)  # the 16-goal default catalog is "large"
    site = build(repo_copy, "--engine", engine)
    built = {p for p in sizes(site) if not p.startswith("tags/") or p == "tags/index.html"}
    assert built == small.keys()  # every goal page is still built, plus one page per tag
    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    nav = yaml.safe_dump(yaml.safe_load((repo_copy / "build/mkdocs.yml").read_text())["nav"])
    goal = catalog.goals[0]
    assert goal.title not in nav and "goals/mentee/index.md" in nav
    search = site / ("search.json" if engine == "zensical" else "search/search_index.json")
    index = json.loads(search.read_text())["items" if engine == "zensical" else "docs"]
    # Every goal is reached from its audience page: one filterable list, each goal once.
    for audience in ("mentee", "mentor", "organization"):
        page = html.unescape((site / f"goals/{audience}/index.html").read_text())
        assert "hb-cards" not in page and 'class="hb-goal-list"' in page
        for g in catalog.goals_for(audience):
            (item,) = re.findall(rf'<li data-tags="([^"]*)"><a href="{g.id}/"', page)
            assert item.split() == list(g.tags)
        # The list is left out of search (each goal has its own page): thousands of goals in
        # one search field would break Zensical's index (8,192 token positions per field).
        listed = " ".join(e["text"] for e in index if e["location"] == f"goals/{audience}/")
        assert listed and not any(g.title in html.unescape(listed) for g in catalog.goals)
        # The filter script: the theme override's own file, loaded from it (no inline code).
        assert re.search(r'<script src="(\.\./)+assets/javascripts/hb-filter\.js"></script>', page)
    script = site / "assets/javascripts/hb-filter.js"
    assert script.read_bytes() == (repo_copy / "overrides" / script.relative_to(site)).read_bytes()
    # Goal pages no longer carry every goal in their sidebar.
    path = f"goals/{goal.audience}/{goal.id}/index.html"
    assert sizes(site)[path] < 0.85 * small[path]
    other = catalog.goals_for("mentor")[0]
    assert other.title not in (site / path).read_text()
    # No other page lists every goal: sheets and KPIs of goals stay on the goals' pages.
    sheets = html.unescape((site / "worksheets/index.html").read_text())
    assert all(g.title not in sheets for g in catalog.goals)
    assert 'href="../goals/mentee/"' in sheets
    measuring = html.unescape((site / "measuring/index.html").read_text())
    goal_kpis = [k.name for g in catalog.goals for k in g.kpis]
    assert goal_kpis and all(name not in measuring for name in goal_kpis)
    assert all(k.name in measuring for k in catalog.measurement.kpis)
    # Tags: a short index linking to one page per tag, which lists that tag's goals.
    tags_page = html.unescape((site / "tags/index.html").read_text())
    assert all(g.title not in tags_page for g in catalog.goals)
    for tag, _ in generate.by_tag(catalog.goals):
        assert f'href="{tag}/"' in tags_page
    for tag, goals in generate.by_tag(catalog.goals):
        tag_html = html.unescape((site / f"tags/{tag}/index.html").read_text())
        for g in goals:
            assert f'href="../../goals/{g.audience}/{g.id}/"' in tag_html, (tag, g.id)
        others = [g for g in catalog.goals if tag not in g.tags]
        assert all(f"/{g.id}/" not in tag_html for g in others)
    # Goal pages' tag chips lead to the tag's page.
    first = (site / f"goals/{goal.audience}/{goal.id}/index.html").read_text()
    assert f'href="../../../tags/{goal.tags[0]}/"' in first
    # Out of the nav, a goal page has no breadcrumbs or sidebar: its audience is a link back
    # (Zensical writes it .././).
    assert 'class="md-path"' not in first
    assert re.search(r'<p class="hb-meta">.*<a href="\.\./(\./)?">[^<]+</a>', first)
