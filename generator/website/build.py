"""Build the site: generate the docs tree, then run the chosen engine (see engines.py)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError

from generator.catalog.model import Catalog
from generator.pool import pool_list, report, shared
from generator.progress import Progress, SiteProgress
from generator.resources import theme_overrides
from generator.safety.scan import prepare
from generator.templating import template_failure
from generator.website import ahead, engines, mkdocs_parallel
from generator.website.engines import DEFAULT_ENGINE, engine_environment
from generator.website.generate import Generated, generate_docs
from generator.website.mkdocs_parallel import Parallel

if TYPE_CHECKING:
    from generator.safety.scan import PageCheck, Verdict
    from generator.website.ahead import Ahead


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
    catalog: Catalog,
    build_dir: Path,
    directory_urls: bool = True,
    engine: str = "mkdocs",
    key: str | None = None,
    progress: Progress | None = None,
) -> Generated:
    """generate_docs for `engine`, a template failure reported as a build failure; `key`: what
    the tree is generated from, recorded once it is complete (see ahead.py)."""
    ahead.forget(build_dir)
    try:
        generated = generate_docs(
            catalog, build_dir, directory_urls, engine == "zensical", progress
        )
    except TemplateError as exc:  # an override in overrides/handbook/ (or a bug in ours)
        raise template_failure("a handbook page template", exc) from exc
    if key is not None:
        ahead.record(build_dir, key)
    return generated


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
    started: Ahead | None = None,
    progress: SiteProgress | None = None,
) -> dict[str, Verdict]:
    """Generate the docs tree into build_dir and build it with `engine` into site_dir.

    MkDocs renders on one core, so the second core works beside it: with `offline_site`
    it builds the offline copy's site (same engine, see offline.py) into that folder. Alone, a
    site of PARALLEL_MIN_PAGES or more is built by MkDocs on every core, its workers scanning
    the pages they write when `prescan` is set. Else, with `prescan`, the second core makes
    the `extra_files` texts (while the engine is still loading) and then scans the pages as
    MkDocs writes them. Zensical runs as a subprocess (see _zensical_site); `started` may hold
    one already running on this tree (see ahead.py). `progress` reports the pages generated
    and, with MkDocs, rendered and written (from the worker that runs the site's build when it
    runs beside another job). Returns the verdicts on the pages scanned ahead, for
    refuse_unsafe_output(passed=...). The extra files are written into site_dir after the
    engine (which empties the folder first).
    """
    progress = progress or SiteProgress()
    key = started.key if started else None
    generated = generate_tree(catalog, build_dir, True, engine, key, progress.generated)
    config = generated.config_path
    extra = dict(extra_files or {})
    if engine == "zensical":
        site = _SiteRun(config, site_dir, started, generated.unchanged)
        _zensical_site(catalog, site, offline_site, extra, progress.waiting)
        return {}
    # Forked workers only from a single thread (the preview server's threads could hold locks).
    alone = offline_site is None and threading.active_count() == 1
    if alone and mkdocs_parallel.worth_it(config):
        check = _page_check(catalog, site_dir, engine) if prescan else None  # in the workers
        helpers = Parallel(check, catalog.root / TEMPLATES_CACHE, progress)
        passed = run_engine(catalog, engine, config, site_dir, parallel=helpers)
        _write_texts(site_dir, _texts(catalog, extra))
        return passed
    done = build_dir / ENGINE_DONE
    done.unlink(missing_ok=True)
    # The site's run reports its pages (see _reported); the offline copy's would count them twice.
    runs: list[tuple[str, Any]] = [("engine", (engine, config, site_dir, {}, done, True))]
    if offline_site is not None:
        from generator.website.offline import OFFLINE_ENV

        offline = _offline_tree(catalog, build_dir, engine)
        runs.append(("engine", (engine, offline, offline_site, OFFLINE_ENV, None, False)))
    if prescan and offline_site is None:
        runs.append(("prescan", (_page_check(catalog, site_dir, engine), done, extra)))
    results = pool_list(
        _run, runs, min_parallel=2, shared={"catalog": catalog}, on_report=_shown(progress)
    )
    done.unlink(missing_ok=True)
    if offline_site is not None:
        from generator.website.offline import check_offline_site

        check_offline_site(offline_site, engine)
    made = next((r for r in results if r is not None), None)  # the prescan's, when it ran
    passed, texts = made if made is not None else ({}, _texts(catalog, extra))
    _write_texts(site_dir, texts)
    return passed


@dataclass(frozen=True)
class _SiteRun:
    """The site's Zensical run: its config and folder, and a run started ahead, if any."""

    config: Path
    site_dir: Path
    started: Ahead | None
    unchanged: bool  # the generation wrote nothing: a run started ahead may stand


def _zensical_site(
    catalog: Catalog,
    site: _SiteRun,
    offline_site: Path | None,
    extra: dict[str, Callable[[Catalog], str]],
    waiting: Callable[[str], None] | None = None,
) -> None:
    """Zensical on the site (and the offline copy's tree) as subprocesses; this process makes
    the texts and prepares the final scan meanwhile. Nothing is scanned ahead: Zensical writes
    its pages in one burst at its end (at 1,000 goals, 36 of 1,067 files existed half a second
    before it finished), so the final scan, on every core, does it at once. Zensical reports
    no progress: `waiting` gets a line saying what it builds and how long its last run took."""
    env = engine_environment(catalog.root)
    with ExitStack() as stack:
        taken = site.started.take(site.config, env, site.unchanged) if site.started else None
        runs = [(taken or engines.ZensicalRun(site.config, env), site.site_dir)]
        stack.callback(runs[0][0].cancel)
        if offline_site is not None:
            from generator.website.offline import OFFLINE_ENV

            offline = _offline_tree(catalog, site.config.parent, "zensical")
            runs.append((engines.ZensicalRun(offline, {**env, **OFFLINE_ENV}), offline_site))
            stack.callback(runs[1][0].cancel)
        if waiting is not None:
            waiting(_zensical_waiting(site.config.parent))
        texts = _texts(catalog, extra)
        prepare([theme_overrides(catalog.root)], "zensical")  # the final scan starts at once
        for run, folder in runs:
            run.finish(folder)
        if runs[0][0].seconds is not None:
            (site.config.parent / ZENSICAL_SECONDS).write_text(f"{runs[0][0].seconds:.1f}")
    if offline_site is not None:
        from generator.website.offline import check_offline_site

        check_offline_site(offline_site, "zensical")
    _write_texts(site.site_dir, texts)


ZENSICAL_SECONDS = ".zensical-seconds"  # in build/: how long the site's last Zensical run took


def _zensical_waiting(build_dir: Path) -> str:
    """What the build shows while Zensical works: its pages, and its last run's time here."""
    pages = sum(1 for _ in (build_dir / "docs").rglob("*.md"))
    try:
        last = float((build_dir / ZENSICAL_SECONDS).read_text(encoding="ascii"))
    except (OSError, ValueError):
        last = -1.0
    took = f" (its last build here took {last:.0f} s)" if 0 <= last < 86400 else ""
    return f"Zensical is building {pages:,} pages; it reports no progress{took}."


def _offline_tree(catalog: Catalog, build_dir: Path, engine: str) -> Path:
    """The offline copy's tree (build/offline/), for file:// links; its config."""
    offline = generate_tree(catalog, build_dir / "offline", directory_urls=False, engine=engine)
    return offline.config_path


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
    engine, config, site_dir, env, done, reports = args
    try:
        parallel = _reported() if reports else None
        run_engine(shared()["catalog"], engine, config, site_dir, env, parallel)
    finally:
        if done is not None:
            done.touch()
    return None


def _reported() -> Parallel:
    """MkDocs' build steps in this process (a pool job beside another), each page rendered and
    written passed to the parent's bars through the pool (`_shown`)."""

    def count(loop: str) -> Progress:
        return lambda done, total, item: report((loop, done, total, item))

    return Parallel(progress=SiteProgress(None, count("rendered"), count("written")), fork=False)


def _shown(progress: SiteProgress) -> Callable[[Any], None]:
    """The parent's end of `_reported`: each count to its bar."""

    def show(value: Any) -> None:
        loop, done, total, item = value
        bar: Progress | None = getattr(progress, loop)
        if bar is not None:
            bar(done, total, item)

    return show


def run_engine(
    catalog: Catalog,
    engine: str,
    config_path: Path,
    site_dir: Path,
    env: dict[str, str] | None = None,
    parallel: Parallel | None = None,
) -> dict[str, Verdict]:
    """The engine on a generated config, with reproducible dates and extra environment;
    with `parallel` MkDocs runs its build steps itself (mkdocs_parallel), forking workers
    unless `parallel.fork` is false (in a pool worker). Returns the pages they scanned and
    passed."""
    with _env(engine_environment(catalog.root, env)):
        return engines.build(engine, config_path, site_dir, parallel)
