"""Jinja environments for our templates, overridable per catalog, always sandboxed and bounded.

A catalog may replace any template by putting a file with the same name in
`overrides/handbook/` (e.g. `overrides/handbook/goal.md` or `overrides/handbook/sheets.html`).
Overrides are owner-reviewed code, but a template is still held to plain data: it renders in
a sandbox that lets it read only strings, numbers, dates, lists, dicts, the Catalog's own
dataclasses and the helper functions the renderer passes in. A `Path` (the repository root, the
logo) or any other object is out of reach, so no template can read a file. Output size and
rendering time are bounded, so a runaway loop fails the build instead of hanging it.
MkDocs does not publish `.md` or `.html` files from its custom_dir, so the override templates
never end up in site/.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import signal
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, Template, TemplateRuntimeError
from jinja2.environment import TemplateModule
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup

from generator.problems import BuildFailed

OVERRIDES = Path("overrides") / "handbook"
MAX_OUTPUT_CHARS = 50_000_000  # one page or worksheet; the largest default page is ~100 KB
MAX_SECONDS = 60
_PLAIN = (str, int, float, bool, type(None), tuple, list, dict, dt.date, Markup)
# Jinja's own runtime objects: imported macro modules, macros, loop variables, namespace().
_JINJA = (TemplateModule, Macro, LoopContext, Namespace, Cycler, Joiner)


class TemplateLimit(TemplateRuntimeError):
    """A template produced too much output or ran too long."""


def _ours(obj: object) -> bool:
    """A value of the project's own model: a dataclass defined in the generator package."""
    cls = type(obj)
    return dataclasses.is_dataclass(obj) and cls.__module__.startswith("generator.")


def _reachable(value: object) -> bool:
    if isinstance(value, _PLAIN + _JINJA) or _ours(value):
        return True
    if isinstance(value, types.MethodType):  # a method of our model or of a plain value
        return _reachable(value.__self__)
    if isinstance(value, types.BuiltinMethodType):  # e.g. str.upper, dict.items
        return isinstance(value.__self__, _PLAIN)
    return False


class PlainDataSandbox(SandboxedEnvironment):
    """A sandbox in which attribute access yields plain data, the model, or their methods."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return super().is_safe_attribute(obj, attr, value) and _reachable(value)

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(obj, types.FunctionType):  # a helper we pass in, or Jinja's globals
            return (obj.__module__ or "").startswith(("generator.", "jinja2."))
        return _reachable(obj) or (isinstance(obj, type) and obj in (dict, list, range))


def template_environment(
    root: Path,
    package_templates: Path,
    *,
    autoescape: bool,
    finalize: Callable[[Any], Any] | None = None,
) -> PlainDataSandbox:
    """Templates from root/overrides/handbook/ first, then the package's own."""
    loader = ChoiceLoader([FileSystemLoader(root / OVERRIDES), FileSystemLoader(package_templates)])
    return PlainDataSandbox(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=autoescape,
        finalize=finalize,
        keep_trailing_newline=True,
    )


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """SIGALRM after `seconds` (main thread only: elsewhere the output bound still holds)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise TemplateLimit(f"a template ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def template_failure(what: str, exc: Exception) -> BuildFailed:
    """A failed template (`what`: "a worksheet template"...) as the build's error, naming the
    template's file and line where known: an override in overrides/handbook/, or a bug in ours."""
    return BuildFailed(f"{_position(exc)}{what} failed: {type(exc).__name__}: {exc}")


def _position(exc: Exception) -> str:
    """Where in a template `exc` arose, as `FILE:LINE: ` ('' when unknown): the file a syntax
    error names, else the innermost template frame of the traceback (Jinja rewrites its frames
    to the template's file and line)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not (filename and line):
        tb = exc.__traceback__
        while tb is not None:
            code_file = tb.tb_frame.f_code.co_filename
            if not code_file.endswith(".py") and Path(code_file).is_file():
                filename, line = code_file, tb.tb_lineno
            tb = tb.tb_next
    return f"{filename}:{line}: " if filename and line else ""


def render_bounded(template: Template, **context: Any) -> str:
    """template.render(**context), failing on oversized output or a runaway template."""
    parts: list[str] = []
    size = 0
    with _deadline(MAX_SECONDS):  # read at call time, so tests may shorten it
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateLimit(
                    f"template {template.name} wrote more than {MAX_OUTPUT_CHARS:,} characters"
                )
            parts.append(chunk)
    return "".join(parts)
