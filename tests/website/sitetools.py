"""Helpers shared by the site tests: a `handbook build --no-pdf` and a page's visible text."""

from __future__ import annotations

import html
import re
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main


def build(root: Path, *extra: str, pdf: bool = False) -> Path:
    """`handbook build` of a repository, --no-pdf unless `pdf`; returns its site/ (or fails)."""
    no_pdf = [] if pdf else ["--no-pdf"]
    result = CliRunner().invoke(main, ["build", "--root", str(root), *no_pdf, *extra])
    assert result.exit_code == 0, result.output
    return root / "site"


def visible_text(page: str) -> str:
    """The text a reader sees: tags, scripts and styles removed, entities decoded."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))
