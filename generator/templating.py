"""Jinja environments for our templates, overridable per catalog, always sandboxed.

A catalog may replace any template by putting a file with the same name in
`overrides/handbook/` (e.g. `overrides/handbook/goal.md` or `overrides/handbook/sheets.html`).
Overrides are owner-reviewed, but they still render in a SandboxedEnvironment: a template can
format the Catalog, never reach Python internals. MkDocs does not publish `.md` or `.html` files
from its custom_dir, so the override templates never end up in site/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

OVERRIDES = Path("overrides") / "handbook"


def template_environment(
    root: Path,
    package_templates: Path,
    *,
    autoescape: bool,
    finalize: Callable[[Any], Any] | None = None,
) -> SandboxedEnvironment:
    """Templates from root/overrides/handbook/ first, then the package's own."""
    loader = ChoiceLoader([FileSystemLoader(root / OVERRIDES), FileSystemLoader(package_templates)])
    return SandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=autoescape,
        finalize=finalize,
        keep_trailing_newline=True,
    )
