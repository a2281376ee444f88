"""Where the project's own files are: inside the installed package, or in a source checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def project_dir() -> Path:
    """The folder holding content/, schemas/, overrides/ and mkdocs.yml of the default catalog.

    A wheel carries them under generator/_project/ (see pyproject.toml); an editable install or
    a checkout uses the repository itself.
    """
    packaged = PACKAGE / "_project"
    return packaged if packaged.is_dir() else PACKAGE.parent
