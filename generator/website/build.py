"""Build the site with MkDocs, in process, strict: any MkDocs warning fails the build."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import TemplateError

from generator.catalog.model import Catalog
from generator.problems import BuildFailed
from generator.website.generate import generate_docs

# Material for MkDocs announces its maintenance mode on every build; that notice is not a
# problem with the catalog and must not fail a strict build.
_IGNORED = ("Material for MkDocs", "MkDocs 2.0", "maintenance mode")


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not any(marker in message for marker in _IGNORED):
            self.messages.append(f"{record.levelname}: {message}")


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


def build_site(catalog: Catalog, build_dir: Path, site_dir: Path) -> None:
    """Generate the docs tree into build_dir and build it with MkDocs into site_dir."""
    try:
        config_path = generate_docs(catalog, build_dir)
    except TemplateError as exc:  # an override in overrides/handbook/ (or a bug in ours)
        raise BuildFailed(f"a handbook page template failed: {type(exc).__name__}: {exc}") from exc
    run_mkdocs(catalog, config_path, site_dir)


def run_mkdocs(
    catalog: Catalog, config_path: Path, site_dir: Path, env: dict[str, str] | None = None
) -> None:
    """MkDocs in process on a generated config, strict, with extra environment variables."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    collector = _Collector()
    mkdocs_logger = logging.getLogger("mkdocs")
    mkdocs_logger.addHandler(collector)
    try:
        with _env({"SOURCE_DATE_EPOCH": source_date_epoch(catalog.root), **(env or {})}):
            config = load_config(str(config_path), site_dir=str(site_dir))
            build(config)
    except MkDocsException as exc:
        raise BuildFailed(f"MkDocs could not build the site: {exc}") from exc
    except Exception as exc:  # a template error in overrides/ arrives as a Jinja exception
        raise BuildFailed(f"MkDocs could not build the site: {type(exc).__name__}: {exc}") from exc
    finally:
        mkdocs_logger.removeHandler(collector)
    if collector.messages:
        raise BuildFailed("MkDocs reported problems:\n  " + "\n  ".join(collector.messages))
