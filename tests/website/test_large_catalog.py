"""Large catalogs: the nav lists audiences, not goals, so page weight stays flat as goals grow."""

from __future__ import annotations

import html
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
    assert sizes(site).keys() == small.keys()  # every goal page is still built
    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    nav = yaml.safe_dump(yaml.safe_load((repo_copy / "build/mkdocs.yml").read_text())["nav"])
    goal = catalog.goals[0]
    assert goal.title not in nav and "goals/mentee/index.md" in nav
    # Every goal is reached from its audience page, as a link under each of its tags.
    for audience in ("mentee", "mentor", "organization"):
        page = html.unescape((site / f"goals/{audience}/index.html").read_text())
        assert "hb-cards" not in page
        for g in catalog.goals_for(audience):
            for tag in g.tags:
                section = page.split(f'id="tag-{tag}"', 1)[1].split("<h2", 1)[0]
                assert re.search(rf'href="{g.id}/"', section), (audience, tag, g.id)
    # Goal pages no longer carry every goal in their sidebar.
    path = f"goals/{goal.audience}/{goal.id}/index.html"
    assert sizes(site)[path] < 0.85 * small[path]
    other = catalog.goals_for("mentor")[0]
    assert other.title not in (site / path).read_text()
