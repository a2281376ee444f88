"""Zensical started ahead (website/ahead.py): taken only when the tree it read is the tree
the build regenerates; stopped, with its output and Zensical's cache dropped, otherwise."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import BuildSettings
from generator.cli import main
from generator.validate.check import check_repository
from generator.validate.remembered import validation_digest
from generator.website import ahead
from generator.website.ahead import TREE_KEY, started_ahead, tree_key
from generator.website.engines import ZensicalRun, engine_environment, zensical_output
from generator.website.generate import generate_docs
from tests.fixtures import make_repo
from tests.website.sitetools import build


def _settings(root: Path) -> BuildSettings:
    """The settings `handbook build --no-pdf --engine zensical --root ROOT` makes."""
    root = root.resolve()
    return BuildSettings(root, root / "site", pdf=False, engine="zensical", offline=False)


def _key(root: Path) -> str:
    return tree_key(validation_digest(root), _settings(root))


def _same_tree(a: Path, b: Path) -> bool:
    compared = filecmp.dircmp(a, b)
    if compared.left_only or compared.right_only or compared.diff_files or compared.funny_files:
        return False
    return all(_same_tree(a / sub, b / sub) for sub in compared.common_dirs)


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    """A small repository built once with Zensical: build/ holds the tree and its key."""
    root = make_repo("minimal", tmp_path / "repo")
    build(root, "--engine", "zensical")
    return root


def test_a_build_records_what_its_tree_was_generated_from(built: Path) -> None:
    assert (built / "build" / TREE_KEY).read_text() == _key(built)
    with started_ahead(built, "zensical", _key(built)) as started:
        assert started.run is not None  # the same inputs: Zensical is already running
        assert started.run.process.poll() is None or started.run.process.returncode == 0


def test_changed_inputs_or_the_other_engine_start_nothing(built: Path) -> None:
    goal = next((built / "content" / "goals").rglob("*.yml"))
    goal.write_text(goal.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with started_ahead(built, "zensical", _key(built)) as started:
        assert started.run is None
    with started_ahead(built, "mkdocs", (built / "build" / TREE_KEY).read_text()) as started:
        assert started.run is None


def test_the_run_ahead_builds_what_a_fresh_run_builds(built: Path, tmp_path: Path) -> None:
    key = _key(built)
    config = built / "build" / "mkdocs.yml"
    env = engine_environment(built)
    with started_ahead(built, "zensical", key) as started:
        run = started.take(config, env, unchanged=True)
        assert run is not None
        run.finish(tmp_path / "ahead")
    fresh = ZensicalRun(config, env)
    fresh.finish(tmp_path / "fresh")
    assert _same_tree(tmp_path / "ahead", tmp_path / "fresh")


def test_a_run_on_a_tree_that_generation_changes_is_stopped(built: Path) -> None:
    cache = built / "build" / ".cache"
    cache.mkdir(exist_ok=True)
    with started_ahead(built, "zensical", _key(built)) as started:
        run = started.run
        assert run is not None
        taken = started.take(built / "build" / "mkdocs.yml", engine_environment(built), False)
        assert taken is None
        assert run.process.returncode is not None  # waited for: stopped or ended
        assert not zensical_output(built / "build" / "mkdocs.yml").exists()
        assert not cache.exists()  # a stopped run may leave Zensical's cache half written
        assert started.run is None


def test_a_run_nobody_takes_is_stopped_when_the_build_fails(built: Path) -> None:
    with pytest.raises(RuntimeError), started_ahead(built, "zensical", _key(built)) as started:
        run = started.run
        assert run is not None
        raise RuntimeError("validation failed")
    assert run.process.returncode is not None
    assert not zensical_output(built / "build" / "mkdocs.yml").exists()


def test_a_hand_edited_tree_is_regenerated_and_built_again(built: Path) -> None:
    """build/docs edited by hand since the last build: the run started ahead reads the edit,
    generation writes the page back, and the site must not show the edit."""
    page = built / "build" / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEDITED-BY-HAND\n", encoding="utf-8")
    site = build(built, "--engine", "zensical")
    assert "EDITED-BY-HAND" not in (site / "index.html").read_text(encoding="utf-8")
    assert (built / "build" / TREE_KEY).read_text() == _key(built)


def test_a_generation_that_fails_leaves_no_key(built: Path) -> None:
    """A tree half written by a failed generation never stands for its inputs."""
    override = built / "overrides" / "handbook" / "goal.md"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("{{ nothing.at.all() }}", encoding="utf-8")
    before = {p.name for p in (built / "site").iterdir()}
    command = ["build", "--no-pdf", "--engine", "zensical", "--root", str(built)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1, result.output
    assert "template" in result.output
    assert not (built / "build" / TREE_KEY).exists()
    assert {p.name for p in (built / "site").iterdir()} == before  # the old site stays
    shutil.rmtree(override.parent)
    ahead.forget(built / "build")  # no key: no run ahead
    with started_ahead(built, "zensical", _key(built)) as started:
        assert started.run is None


def test_generation_says_whether_it_changed_the_tree(tmp_path: Path) -> None:
    """`unchanged` is what lets a run started ahead stand: true only when no file of the tree
    was written or removed."""
    root = make_repo("minimal", tmp_path / "repo")
    build_dir = root / "build"

    def generate() -> bool:
        catalog = check_repository(root).catalog
        assert catalog is not None
        return generate_docs(catalog, build_dir, source_links=True).unchanged

    assert not generate()  # the first generation writes everything
    assert generate()
    stray = build_dir / "docs" / "stray.md"
    stray.write_text("left by hand\n", encoding="utf-8")
    assert not generate() and not stray.exists()  # pruned
    assert generate()
    (build_dir / "docs" / "assets" / "brand.css").write_text("/* edited */\n", encoding="utf-8")
    assert not generate()  # an asset written back
    goal = next((root / "content" / "goals").rglob("*.yml"))
    text = goal.read_text(encoding="utf-8")
    goal.write_text(text.replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    assert not generate()  # a page rendered anew
    assert generate()
