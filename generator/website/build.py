"""Build the site: generate the docs tree, then run the chosen engine (see engines.py)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import TemplateError

from generator.catalog.model import Catalog
from generator.pool import pool_list, shared
from generator.problems import BuildFailed
from generator.website import engines
from generator.website.engines import DEFAULT_ENGINE
from generator.website.generate import generate_docs


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


def generate_tree(catalog: Catalog, build_dir: Path, directory_urls: bool = True) -> Path:
    """generate_docs with a template failure reported as a build failure; the config path."""
    try:
        return generate_docs(catalog, build_dir, directory_urls).config_path
    except TemplateError as exc:  # an override in overrides/handbook/ (or a bug in ours)
        raise BuildFailed(f"a handbook page template failed: {type(exc).__name__}: {exc}") from exc


def build_site(
    catalog: Catalog,
    build_dir: Path,
    site_dir: Path,
    engine: str = DEFAULT_ENGINE,
    offline_site: Path | None = None,
) -> None:
    """Generate the docs tree into build_dir and build it with `engine` into site_dir.

    With `offline_site`, the offline copy's site (MkDocs, see offline.py) is built into it at the
    same time: an engine run is single-threaded, so on two cores the copy adds no wall time.
    """
    runs: list[tuple[str, Path, Path, dict[str, str]]] = [
        (engine, generate_tree(catalog, build_dir), site_dir, {})
    ]
    if offline_site is not None:
        from generator.website.offline import OFFLINE_ENGINE, OFFLINE_ENV, check_offline_site

        config = generate_tree(catalog, build_dir / "offline", directory_urls=False)
        runs.append((OFFLINE_ENGINE, config, offline_site, OFFLINE_ENV))
    pool_list(_run, runs, min_parallel=2, shared={"catalog": catalog})
    if offline_site is not None:
        check_offline_site(offline_site)


def _run(run: tuple[str, Path, Path, dict[str, str]]) -> None:
    run_engine(shared()["catalog"], *run)


def run_engine(
    catalog: Catalog,
    engine: str,
    config_path: Path,
    site_dir: Path,
    env: dict[str, str] | None = None,
) -> None:
    """The engine on a generated config, with reproducible dates and extra environment."""
    with _env({"SOURCE_DATE_EPOCH": source_date_epoch(catalog.root), **(env or {})}):
        engines.build(engine, config_path, site_dir)
