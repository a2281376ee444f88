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


def theme_overrides(root: Path) -> Path:
    """The theme's custom_dir: the catalog's own overrides/, or the project's (which escape
    titles and show the contact). The site build and the safety scan both trust this folder."""
    overrides = root / "overrides"
    return overrides if overrides.is_dir() else project_dir() / "overrides"


def symlinks_under(folder: Path) -> list[Path]:
    """The folder itself when it is a symbolic link, else every link inside it."""
    if folder.is_symlink():
        return [folder]
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_symlink())
