"""`handbook serve`: rebuild on every change and reload the browser; errors never stop it."""

from __future__ import annotations

import errno
import html
import logging
import shutil
import signal
import tempfile
from pathlib import Path
from types import FrameType

import click

from generator.build import refuse_unsafe_output
from generator.problems import HandbookError
from generator.validate.check import check_repository
from generator.validate.report import report_text
from generator.website.build import build_site
from generator.website.engines import DEFAULT_ENGINE
from generator.website.generate import ASSETS, TEMPLATES

log = logging.getLogger("mkdocs.handbook")

PREVIEW_MEMORY = "preview"  # the scan's verdicts on the preview's files (.cache/scan/)
ERROR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Catalog errors</title>
<style>body{{font:16px/1.5 sans-serif;margin:2em;max-width:60em}}pre{{white-space:pre-wrap;
background:#fff4f4;border-left:4px solid #b00020;padding:1em}}</style></head>
<body><h1>The catalog has errors</h1>
<p>Fix them and save: this page reloads by itself.</p><pre>{problems}</pre></body></html>
"""


def show_errors(site_dir: Path, report: str) -> None:
    """Replace every page of the preview with the error report, so any open tab shows it."""
    page = ERROR_PAGE.format(problems=html.escape(report)).encode("utf-8")
    pages = list(site_dir.rglob("*.html")) or [site_dir / "index.html"]
    for path in pages:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page)


def rebuild(root: Path, site_dir: Path, engine: str = DEFAULT_ENGINE) -> bool:
    """Validate and build into the preview folder; on errors show them. True when built.

    Nothing escapes: an exception in a watcher callback would stop live reloading, so every
    failure (invalid content, a broken override, a bug) is shown and the server goes on.
    """
    try:
        return _rebuild(root, site_dir, engine)
    except Exception as exc:
        message = exc.format_message() if isinstance(exc, HandbookError) else repr(exc)
        click.echo(f"Error: {message}", err=True)
        show_errors(site_dir, message)
        return False


def _rebuild(root: Path, site_dir: Path, engine: str) -> bool:
    outcome = check_repository(root)
    if outcome.problems:
        click.echo(report_text(outcome.problems), err=True)
    if not outcome.ok or outcome.catalog is None:
        show_errors(site_dir, report_text(outcome.problems))
        return False
    try:
        build_site(outcome.catalog, root / "build", site_dir, engine)
    except HandbookError as exc:  # a broken override or template: show it, keep serving
        click.echo(f"Error: {exc.format_message()}", err=True)
        show_errors(site_dir, exc.format_message())
        return False
    try:  # the preview shows only what `build` would publish (this thread must not fork)
        refuse_unsafe_output(site_dir, root, engine, memory=PREVIEW_MEMORY, fork=False)
    except HandbookError as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        shutil.rmtree(site_dir, ignore_errors=True)  # no file of it is served, pages or not
        show_errors(site_dir, exc.format_message())
        return False
    return True


def serve(root: Path, host: str, port: int, engine: str = DEFAULT_ENGINE) -> None:
    """Serve a live preview of the handbook at http://host:port/ until interrupted.

    Both engines use the same watcher and server (MkDocs' LiveReloadServer): each change runs
    the full `handbook` rebuild with the chosen engine, so the preview shows exactly what
    `handbook build --engine ...` publishes (`zensical serve` would skip our generation step).
    """
    logging.basicConfig(format="%(message)s")
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    # A process manager or an IDE stops the preview with SIGTERM: clean up as after Ctrl-C.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    site_dir = Path(tempfile.mkdtemp(prefix="handbook-preview-"))
    try:
        _serve(root, host, port, site_dir, engine)
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _serve(root: Path, host: str, port: int, site_dir: Path, engine: str) -> None:
    from mkdocs.livereload import LiveReloadServer

    rebuild(root, site_dir, engine)

    def builder() -> None:
        rebuild(root, site_dir, engine)

    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir))
    # The package's templates and CSS too, so a change to the generator itself shows at once.
    for path in (root / "content", root / "overrides", root / "mkdocs.yml", TEMPLATES, ASSETS):
        if path.exists():
            server.watch(str(path))
    try:
        server.serve()  # type: ignore[no-untyped-call]
    except OSError as exc:  # binding the port
        if exc.errno != errno.EADDRINUSE:
            raise
        raise HandbookError(
            f"{host}:{port} is already in use (another preview or server?); stop it or choose "
            "another --port"
        ) from None
    except KeyboardInterrupt:
        log.info("Stopping the preview")
    finally:
        server.shutdown()
