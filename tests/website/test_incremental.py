"""Incremental builds: an unchanged rebuild renders no page; one changed goal renders only the
pages that read it, and unchanged files keep their time stamps (Zensical's cache relies on it)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from generator.catalog.model import Catalog
from generator.validate.check import check_repository
from generator.website.generate import audience_page, generate_docs, goal_page
from tests.website.sitetools import build

GOAL = "solve-complex-problems"  # not the SMART page's worked example


def catalog_of(root: Path) -> Catalog:
    catalog = check_repository(root).catalog
    assert catalog is not None
    return catalog


def stamps(docs: Path) -> dict[str, int]:
    return {p.relative_to(docs).as_posix(): p.stat().st_mtime_ns for p in docs.rglob("*.md")}


def test_unchanged_rebuild_renders_no_page(
    repo_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="generator.website.generate")
    build(repo_copy)
    first = [r.getMessage() for r in caplog.records if r.getMessage().startswith("generated")]
    assert first and all(not m.startswith("generated 0 of") for m in first)
    before = stamps(repo_copy / "build" / "docs")
    caplog.clear()
    build(repo_copy)
    again = [r.getMessage() for r in caplog.records if r.getMessage().startswith("generated")]
    assert len(again) == 1 and again[0].startswith("generated 0 of"), again
    assert stamps(repo_copy / "build" / "docs") == before
    # The offline copy's tree (links to x.html) keeps its own record beside it.
    offline = repo_copy / "build" / "offline"
    catalog = catalog_of(repo_copy)
    assert generate_docs(catalog, offline, directory_urls=False).rendered
    assert generate_docs(catalog, offline, directory_urls=False).rendered == ()
    assert generate_docs(catalog, repo_copy / "build").rendered == ()


def test_one_changed_goal_renders_only_the_pages_that_read_it(repo_copy: Path) -> None:
    build_dir = repo_copy / "build"
    generate_docs(catalog_of(repo_copy), build_dir)
    before = stamps(build_dir / "docs")
    source = repo_copy / "content/goals/mentee" / f"{GOAL}.yml"
    source.write_text(
        source.read_text().replace("title: Solve complex problems", "title: Untangle")
    )
    catalog = catalog_of(repo_copy)
    done = generate_docs(catalog, build_dir)
    goal = catalog.goal(GOAL)
    linking = {goal_page(g) for g in catalog.goals if GOAL in g.related}
    assert linking  # the default catalog links to it from other goals
    whole_catalog = {"index.md", "measuring.md", "worksheets.md"}  # read every goal
    expected = {goal_page(goal), audience_page(goal.audience), "tags.md"} | linking
    assert set(done.rendered) == expected | whole_catalog
    assert expected <= set(done.written) <= expected | whole_catalog
    after = stamps(build_dir / "docs")
    assert {p for p in after if after[p] != before[p]} == set(done.written)
    assert "Untangle" in (build_dir / "docs" / goal_page(goal)).read_text()
    # A hand edit of a generated page is noticed (its size or time stamp no longer match).
    other = build_dir / "docs" / goal_page(catalog.goals[0])
    other.write_text("edited")
    assert generate_docs(catalog, build_dir).rendered == (goal_page(catalog.goals[0]),)
    assert other.read_text() != "edited"
