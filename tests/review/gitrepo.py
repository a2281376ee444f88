"""A real git repository holding the default catalog, for `handbook diff` tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import main
from tests.conftest import copy_repository


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def make_repository(root: Path, source: Path | None = None) -> Path:
    """`root` as a git repository: the catalog committed on main, branch `change` checked out.

    Without `source` the default catalog (A4 only, to halve the worksheets to render)."""
    if source is None:
        copy_repository(root)
        org = root / "content/organization.yml"
        org.write_text(org.read_text().replace("paper: [a4, letter]", "paper: [a4]"))
    else:
        shutil.copytree(source, root)
    (root / ".gitignore").write_text(".cache/\nsite/\nbuild/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "catalog")
    git(root, "checkout", "-q", "-b", "change")
    return root


def reset(root: Path) -> Path:
    """Back to the `change` branch equal to main, with no edits (the caches stay)."""
    git(root, "checkout", "-q", "-f", "change")
    git(root, "reset", "-q", "--hard", "main")
    git(root, "clean", "-q", "-fd")
    return root


def handbook_diff(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["diff", "--root", str(root), *args])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
