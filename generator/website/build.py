"""Build the site: generate the docs tree, then run the chosen engine (see engines.py)."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError

from generator.catalog.model import Catalog
from generator.pool import pool_list, shared
from generator.problems import BuildFailed
from generator.resources import theme_overrides
from generator.website import engines, mkdocs_parallel
from generator.website.engines import DEFAULT_ENGINE
from generator.website.generate import generate_docs
from generator.website.mkdocs_parallel import Parallel

if TYPE_CHECKING:
    from generator.safety.scan import PageCheck, Verdict


def source_date_epoch(root: Path) -> str:
    """SOURCE_DATE_EPOCH if set, else the last commit's time, else 0: builds are reproducible."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "0"
    except (OSError, subprocess.SubprocessError):
        return "0"


@contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    old = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def generate_tree(
    catalog: Catalog, build_dir: Path, directory_urls: bool = True, engine: str = "mkdocs"
) -> Path:
    """generate_docs for `engine`, a template failure reported as a build failure; the config."""
    try:
        return generate_docs(catalog, build_dir, directory_urls, engine == "zensical").config_path
    except TemplateError as exc:  # an override in overrides/handbook/ (or a bug in ours)
        raise BuildFailed(f"a handbook page template failed: {type(exc).__name__}: {exc}") from exc


Run = tuple[str, Path, Path, dict[str, str]]  # engine, config, site folder, environment
ENGINE_DONE = ".engine-done"  # in build/: tells the prescan that the engine has finished
TEMPLATES_CACHE = Path(".cache") / "templates"  # the theme's compiled templates (Jinja's own)
# Files written beside the engine's output: site path -> the function making the text.
ExtraFiles = Mapping[str, Callable[[Catalog], str]]


def build_site(
    catalog: Catalog,
    build_dir: Path,
    site_dir: Path,
    engine: str = DEFAULT_ENGINE,
    offline_site: Path | None = None,
    prescan: bool = False,
    extra_files: ExtraFiles | None = None,
) -> dict[str, Verdict]:
    """Generate the docs tree into build_dir and build it with `engine` into site_dir.

    MkDocs renders on one core, so the second core works beside it: with `offline_site`
    it builds the offline copy's site (same engine, see offline.py) into that folder. Alone, a
    site of PARALLEL_MIN_PAGES or more is built by MkDocs on every core, its workers scanning
    the pages they write when `prescan` is set. Else, with `prescan`, the second core makes
    the `extra_files` texts (while the engine is still loading) and then scans the pages as
    the engine writes them. Returns the verdicts on the pages scanned ahead, for
    refuse_unsafe_output(passed=...). The extra files are written into site_dir after the
    engine (which empties the folder first).
    """
    done = build_dir / ENGINE_DONE
    done.unlink(missing_ok=True)
    config = generate_tree(catalog, build_dir, engine=engine)
    extra = dict(extra_files or {})
    # Forked workers only from a single thread (the preview server's threads could hold locks).
    alone = offline_site is None and threading.active_count() == 1
    if alone and engine == "mkdocs" and mkdocs_parallel.worth_it(config):
        check = _page_check(catalog, site_dir, engine) if prescan else None  # in the workers
        helpers = Parallel(check, catalog.root / TEMPLATES_CACHE)
        passed = run_engine(catalog, engine, config, site_dir, parallel=helpers)
        _write_texts(site_dir, _texts(catalog, extra))
        return passed
    runs: list[tuple[str, Any]] = [("engine", (engine, config, site_dir, {}, done))]
    if offline_site is not None:
        from generator.website.offline import OFFLINE_ENV, check_offline_site

        offline = generate_tree(catalog, build_dir / "offline", directory_urls=False, engine=engine)
        runs.append(("engine", (engine, offline, offline_site, OFFLINE_ENV, None)))
    if prescan and offline_site is None:
        # Zensical writes into its own folder first (moved into site_dir at its end): the
        # prescan reads it there; the paths within are the same. Zensical runs on about one
        # core (user + sys about its wall time at 1,000 goals): the second is free.
        written = site_dir if engine == "mkdocs" else engines.zensical_output(config)
        runs.append(("prescan", (_page_check(catalog, written, engine), done, extra)))
    results = pool_list(_run, runs, min_parallel=2, shared={"catalog": catalog})
    done.unlink(missing_ok=True)
    if offline_site is not None:
        check_offline_site(offline_site, engine)
    made = next((r for r in results if r is not None), None)  # the prescan's, when it ran
    passed, texts = made if made is not None else ({}, _texts(catalog, extra))
    _write_texts(site_dir, texts)
    return passed


def _page_check(catalog: Catalog, folder: Path, engine: str) -> PageCheck:
    """The scan of pages as the engine writes them into `folder`, with the verdicts the site's
    earlier builds remembered (made here, before forking: the worker inherits it)."""
    from generator.safety.memory import memory_file
    from generator.safety.scan import PageCheck

    memory = memory_file(catalog.root, "site")
    return PageCheck(folder, [theme_overrides(catalog.root)], engine, memory)


def _write_texts(site_dir: Path, texts: dict[str, str]) -> None:
    for name, text in texts.items():
        target = site_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _texts(catalog: Catalog, extra: dict[str, Callable[[Catalog], str]]) -> dict[str, str]:
    return {name: make(catalog) for name, make in extra.items()}


def _run(run: tuple[str, Any]) -> tuple[dict[str, Verdict], dict[str, str]] | None:
    kind, args = run
    if kind == "prescan":
        from generator.safety.scan import prescan

        check, done, extra = args
        texts = _texts(shared()["catalog"], extra)
        return prescan(check, done), texts
    engine, config, site_dir, env, done = args
    try:
        run_engine(shared()["catalog"], engine, config, site_dir, env)
    finally:
        if done is not None:
            done.touch()
    return None


def run_engine(
    catalog: Catalog,
    engine: str,
    config_path: Path,
    site_dir: Path,
    env: dict[str, str] | None = None,
    parallel: Parallel | None = None,
) -> dict[str, Verdict]:
    """The engine on a generated config, with reproducible dates and extra environment;
    with `parallel` it may fork workers (this process is no pool worker). Returns the pages
    they scanned and passed."""
    with _env({"SOURCE_DATE_EPOCH": source_date_epoch(catalog.root), **(env or {})}):
        return engines.build(engine, config_path, site_dir, parallel)
