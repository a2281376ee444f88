"""The default catalog built for real with MkDocs: every page holds what its catalog data says.

Expectations come from the Catalog itself, so the test follows the catalog as it is edited.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

import pytest

from generator.catalog.model import Catalog, Goal
from generator.outputs import book_path, worksheet_files
from tests.website.sitetools import visible_text


@pytest.fixture(scope="module")
def site(full_build: Path) -> Path:
    """The site of the shared full build (tests/conftest.py). Read only."""
    return full_build / "site"


def text_of(site: Path, url: str) -> str:
    """The visible text of a page by its URL folder, whitespace collapsed."""
    return " ".join(visible_text((site / url / "index.html").read_text()).split())


def flat(value: str) -> str:
    return " ".join(value.split())


def goal_url(goal: Goal) -> str:
    return f"goals/{goal.audience}/{goal.id}/"


def test_every_goal_page_shows_its_catalog_content(site: Path, default_catalog: Catalog) -> None:
    for goal in default_catalog.goals:
        page = (site / goal_url(goal) / "index.html").read_text()
        text = text_of(site, goal_url(goal))
        expected = [
            goal.title,
            goal.summary,
            *(e.source.name for e in goal.evidence),
            *(p.label for p in goal.smart.placeholders),
            *(p.hint for p in goal.smart.placeholders),
            *(p.prompt for p in goal.smart.prompts),
            goal.smart.example,
            *(m.title for m in goal.milestones),
            *(m.metric for m in goal.measures),
            *goal.check_in_questions,
            *goal.conversation_starters,
            *(default_catalog.goal(r).title for r in goal.related),
            *(k.name for k in goal.kpis),
        ]
        missing = [x for x in expected if flat(x) not in text]
        assert not missing, f"{goal.id}: {missing}"
        assert page.count('class="hb-blank"') == len(goal.smart.placeholders)
        for e in goal.evidence:
            if e.source.url:
                assert f'href="{e.source.url}"' in html.unescape(page), goal.id
        for r in goal.related:
            other = default_catalog.goal(r)
            assert f"/{other.audience}/{other.id}/" in html.unescape(page) or (
                other.audience == goal.audience and f'href="../{other.id}/"' in page
            )
        for paper in default_catalog.organization.paper:
            assert f'href="../../../worksheets/{paper}/goal-{goal.id}.pdf"' in page, goal.id


def test_milestones_show_offsets_and_dates_from_the_start(
    site: Path, default_catalog: Catalog
) -> None:
    assert default_catalog.organization.start_date is not None
    goal = default_catalog.goals[0]
    text = text_of(site, goal_url(goal))
    first = goal.milestones[0]
    assert re.search(rf"\d{{4}}-\d\d-\d\d \([^)]*after the start\) {re.escape(first.title)}", text)


def test_audience_index_is_a_card_grid_of_its_goals(site: Path, default_catalog: Catalog) -> None:
    for audience in ("mentee", "mentor", "organization"):
        page = (site / "goals" / audience / "index.html").read_text()
        assert 'class="grid cards hb-cards"' in page
        text = text_of(site, f"goals/{audience}/")
        goals = default_catalog.goals_for(audience)
        assert page.count('class="hb-card-title"') == len(goals)
        for goal in goals:
            assert flat(goal.title) in text and flat(goal.summary) in text
            assert default_catalog.ui(f"site.horizon.{goal.horizon}") in text
            assert all(f"#{tag}" in text for tag in goal.tags)


def test_home_page_has_welcome_overview_and_how_to_use(
    site: Path, default_catalog: Catalog
) -> None:
    text = text_of(site, "")
    org = default_catalog.organization
    assert org.program_name in text and org.tagline in text
    assert default_catalog.ui("site.home.overview") in text
    assert all(p.title in text for p in default_catalog.pages if p.slug != "welcome")
    welcome = next(p for p in default_catalog.pages if p.slug == "welcome")
    first_words = flat(visible_text(welcome.body.html))[:40]
    assert first_words in text
    assert (site / "guide/how-to-use/index.html").is_file()


def test_smart_guide_has_criteria_and_the_worked_example(
    site: Path, default_catalog: Catalog
) -> None:
    text = text_of(site, "smart/")
    smart = default_catalog.smart
    assert all(c.name in text and flat(c.question) in text for c in smart.criteria)
    assert all(flat(step) in text for step in smart.steps)
    example = default_catalog.goal(smart.worked_example)
    assert example.title in text and flat(example.smart.example) in text


def test_measuring_page_lists_practices_kpis_and_levels(
    site: Path, default_catalog: Catalog
) -> None:
    text = text_of(site, "measuring/")
    m = default_catalog.measurement
    assert all(p.title in text for p in m.practices)
    kpis = [*m.kpis, *(k for g in default_catalog.goals for k in g.kpis)]
    assert all(k.name in text for k in kpis)
    assert all(e.name in text for e in m.evaluation_levels)


def test_worksheets_page_links_every_worksheet_file(site: Path, default_catalog: Catalog) -> None:
    page = (site / "worksheets/index.html").read_text()
    links = {
        posixpath.normpath("worksheets/" + h) for h in re.findall(r'href="([^"]+\.pdf)"', page)
    }
    org = default_catalog.organization
    books = {book_path(org.language, paper) for paper in org.paper}
    assert links == {f.path for f in worksheet_files(default_catalog)} | books


def test_tags_index_lists_every_tag_with_its_goals(site: Path, default_catalog: Catalog) -> None:
    page = (site / "tags/index.html").read_text()
    for goal in default_catalog.goals:
        for tag in goal.tags:
            assert f'id="tag-{tag}"' in html.unescape(page)
    assert page.count("<li><a href=") == sum(len(g.tags) for g in default_catalog.goals)


def test_navigation_breadcrumbs_search_and_footer(site: Path, default_catalog: Catalog) -> None:
    goal = default_catalog.goals_for("mentor")[0]
    page = (site / goal_url(goal) / "index.html").read_text()
    assert '<nav class="md-path"' in page  # navigation.path breadcrumbs
    assert default_catalog.ui("site.audience.mentor.title") in visible_text(page)
    assert 'class="md-search"' in page and (site / "search/search_index.json").is_file()
    org = default_catalog.organization
    assert f"mailto:{org.contact_email}" in page and org.contact_name in page
    assert html.escape(org.name) in page  # "Harbor & Pine" escaped in the footer


def test_every_page_is_in_the_navigation(site: Path, default_catalog: Catalog) -> None:
    nav = (site / "index.html").read_text()
    for goal in default_catalog.goals:
        assert f'href="{goal_url(goal)}"' in nav, goal.id
    for url in ("smart/", "measuring/", "worksheets/", "tags/", "guide/how-to-use/"):
        assert f'href="{url}"' in nav
