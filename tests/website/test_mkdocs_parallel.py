"""MkDocs on both cores (mkdocs_parallel) writes the very site plain `mkdocs build` writes."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mkdocs.commands.build import build as plain_build
from mkdocs.config import load_config

from benchmarks.synthetic import synthetic_catalog
from generator import pool
from generator.catalog.model import Catalog
from generator.cli import main
from generator.validate.check import check_repository
from generator.website import engines, generate, mkdocs_parallel
from generator.website.build import generate_tree
from generator.website.mkdocs_parallel import Parallel
from generator.website.offline import OFFLINE_ENV
from tests.conftest import REPO
from tests.website.sitetools import build

two_cores = pytest.mark.skipif(pool.cores() < 2, reason="workers are forked on two cores or more")

# Above the NAV_GOAL_LIMIT the tests set: goals leave the nav (titles from pages). The limit
# is lowered rather than the catalog grown to 200 goals: the same layout, a fifth the pages.
SYNTHETIC_GOALS = 40


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    root = synthetic_catalog(tmp_path_factory.mktemp("big") / "repo", SYNTHETIC_GOALS, REPO)
    catalog = check_repository(root).catalog
    assert catalog is not None and len(catalog.goals) == SYNTHETIC_GOALS
    return catalog


def count_forks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The worker pools started from now on (by the start method they asked for)."""
    started: list[str] = []
    get_context: Callable[..., Any] = multiprocessing.get_context

    def counted(method: str | None = None) -> Any:
        started.append(str(method))
        return get_context(method)

    monkeypatch.setattr(multiprocessing, "get_context", counted)
    return started


def build_both(
    catalog: Catalog, tmp_path: Path, directory_urls: bool, helpers: Parallel | None = None
) -> list[str]:
    """Plain `mkdocs build` and build_mkdocs(parallel=helpers) of the same tree into plain/ and
    parallel/ write the same files, byte for byte; returns the worker pools started."""
    config = generate_tree(catalog, tmp_path / "build", directory_urls=directory_urls).config_path
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", "1700000000")
        if not directory_urls:  # the offline copy's tree: Material's offline plugin runs too
            for name, value in OFFLINE_ENV.items():
                env.setenv(name, value)
        plain_build(load_config(str(config), site_dir=str(tmp_path / "plain")))
        forks = count_forks(env)
        engines.build_mkdocs(config, tmp_path / "parallel", parallel=helpers or Parallel())
    expected, built = files(tmp_path / "plain"), files(tmp_path / "parallel")
    assert len(expected) > 50
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []
    assert (tmp_path / "parallel/search/search_index.js").is_file() == (not directory_urls)
    return forks


@two_cores
@pytest.mark.parametrize("directory_urls", [True, False], ids=["site", "offline-copy"])
@pytest.mark.parametrize("which", ["default", "synthetic"])
def test_parallel_build_is_byte_identical_to_mkdocs_build(
    which: str,
    directory_urls: bool,
    default_catalog: Catalog,
    synthetic: Catalog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(generate, "NAV_GOAL_LIMIT", SYNTHETIC_GOALS - 10)
    catalog = default_catalog if which == "default" else synthetic
    assert generate.large_catalog(catalog) == (which == "synthetic")
    forks = build_both(catalog, tmp_path, directory_urls)
    assert forks == ["fork", "fork"]  # both page loops ran in forked workers


def test_on_one_core_the_same_steps_run_in_process(
    default_catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "cores", lambda: 1)
    assert build_both(default_catalog, tmp_path, directory_urls=True) == []


def test_smaller_sites_than_the_default_keep_mkdocs_own_build(
    default_catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = generate_tree(default_catalog, tmp_path / "build").config_path
    assert mkdocs_parallel.worth_it(config)  # 16 goals, 25 pages: on both cores
    pages = sum(1 for _ in (config.parent / "docs").rglob("*.md"))
    monkeypatch.setattr(mkdocs_parallel, "PARALLEL_MIN_PAGES", pages + 1)
    assert not mkdocs_parallel.worth_it(config)  # forking would cost more than it saves


@two_cores
def test_compiled_templates_kept_between_builds_write_the_same_bytes(
    repo_copy: Path, tmp_path: Path
) -> None:
    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    kept = tmp_path / "templates"
    build_both(catalog, tmp_path / "first", True, Parallel(templates=kept))
    assert len(list(kept.iterdir())) > 10  # Jinja kept the theme's compiled templates
    build_both(catalog, tmp_path / "second", True, Parallel(templates=kept))  # read back
    # An edited override is compiled again (Jinja compares each template's source).
    main_html = repo_copy / "overrides" / "main.html"
    text = main_html.read_text().replace(
        "{% block extrahead %}", "{% block extrahead %}<!-- edited override -->"
    )
    main_html.write_text(text)
    build_both(catalog, tmp_path / "third", True, Parallel(templates=kept))
    assert "edited override" in (tmp_path / "third/parallel/index.html").read_text()


@pytest.mark.parametrize(
    ("addition", "known"),
    [
        ("", True),
        ("plugins:\n  - search\n  - tags\n", False),  # a plugin's page state could stay in a worker
        ("hooks:\n  - hook.py\n", False),
    ],
)
def test_only_known_plugins_are_built_in_parallel(
    default_catalog: Catalog, tmp_path: Path, addition: str, known: bool
) -> None:
    config = generate_tree(default_catalog, tmp_path / "build").config_path
    (config.parent / "hook.py").write_text(
        "def on_page_markdown(markdown, **kwargs):\n    return markdown\n"
    )
    config.write_text(config.read_text(encoding="utf-8") + addition, encoding="utf-8")
    loaded = load_config(str(config), site_dir=str(tmp_path / "site"))
    assert mkdocs_parallel.supported(loaded) == known


def _break_one_goal(root: Path, goal_id: str, addition: str) -> None:
    """A page template override that adds `addition` to one goal's page only."""
    overrides = root / "overrides" / "handbook"
    overrides.mkdir(parents=True, exist_ok=True)
    template = (generate.TEMPLATES / "goal.md").read_text(encoding="utf-8")
    extra = f'\n{{% if goal.id == "{goal_id}" %}}{addition}{{% endif %}}\n'
    (overrides / "goal.md").write_text(template + extra, encoding="utf-8")


@two_cores
def test_a_warning_on_a_workers_page_fails_the_strict_build(
    repo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mkdocs_parallel, "PARALLEL_MIN_PAGES", 1)
    site = build(repo_copy)
    before = files(site)
    _break_one_goal(repo_copy, "find-a-sponsor", "[a missing page](no-such-page.md)")
    warning = (
        "WARNING: Doc file 'goals/mentee/find-a-sponsor.md' contains a link 'no-such-page.md', "
        "but the target 'goals/mentee/no-such-page.md' is not found among documentation files."
    )
    outputs = []
    for threshold in (1, 10_000):  # parallel, then MkDocs' own build: the same report
        monkeypatch.setattr(mkdocs_parallel, "PARALLEL_MIN_PAGES", threshold)
        forks = count_forks(monkeypatch)
        result = CliRunner().invoke(main, ["build", "--root", str(repo_copy), "--no-pdf"])
        assert result.exit_code == 1, result.output
        assert len(forks) == (2 if threshold == 1 else 1)  # page loops; else engine + prescan
        assert f"MkDocs reported problems:\n  {warning}" in result.output
        outputs.append(result.output[result.output.index("Error:") :])  # after the bars
        assert files(site) == before  # the previous site is intact
    assert outputs[0] == outputs[1]


@two_cores
def test_an_error_on_a_workers_page_fails_the_build(
    repo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mkdocs_parallel, "PARALLEL_MIN_PAGES", 1)
    site = build(repo_copy)
    before = files(site)
    main_html = repo_copy / "overrides" / "main.html"
    page = "goals/mentor/learn-soft-skills.md"
    block = "{% block extrahead %}"
    failing = (
        f'{block}{{% if page and page.file.src_uri == "{page}" %}}{{{{ 1 // 0 }}}}{{% endif %}}'
    )
    text = main_html.read_text(encoding="utf-8")
    assert block in text
    main_html.write_text(text.replace(block, failing), encoding="utf-8")
    forks = count_forks(monkeypatch)
    result = CliRunner().invoke(main, ["build", "--root", str(repo_copy), "--no-pdf"])
    assert result.exit_code == 1, result.output
    assert forks == ["fork", "fork"]  # it failed in a worker of the second page loop
    assert "MkDocs could not build the site: ZeroDivisionError: integer division" in result.output
    assert "Traceback" not in result.output
    assert files(site) == before
