"""Replace a whole output folder at once, and only a folder that may be replaced.

A build writes into a staging folder and swaps it in with two renames, so the output is never
half-written and a failure leaves the previous one untouched. Staging folders live in one known
place, `.cache/staging/` of the repository (or beside the output when that is on another file
system, since a rename cannot cross file systems); every run first removes what interrupted
runs left there. Before anything is touched, the output folder is checked: replacing the
repository, one of its parents, the home folder or a folder some other program filled would
delete what is not ours.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.problems import HandbookError

MARKER = ".handbook-output"  # written into every output folder we build
STAGING = Path(".cache") / "staging"
TRASH = Path(".cache") / "trash"  # replaced outputs, deleted in the background
SOURCES = ("content", "overrides", "schemas", ".git")  # the repository's sources: never an output
_PROJECT_SIGNS = ("content", ".git", "pyproject.toml", "mkdocs.yml")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_pid(name: str) -> int | None:
    """The process id in a staging folder's name (`...new-<pid>-<random>`), if any."""
    for part in name.split("-"):
        if part.isdigit():
            return int(part)
    return None


def remove_leftovers(folder: Path, prefix: str = "") -> None:
    """Remove staging folders of runs that are no longer running (interrupted or killed)."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if not entry.name.startswith(prefix) or not entry.is_dir() or entry.is_symlink():
            continue
        pid = _owner_pid(entry.name.removeprefix(prefix))
        if pid is not None and pid != os.getpid() and not _alive(pid):
            shutil.rmtree(entry, ignore_errors=True)


def check_replaceable(target: Path, root: Path, *, kind: str = "site") -> None:
    """Refuse an output folder whose replacement would delete something that is not a build."""
    target = Path(os.path.realpath(target))
    root = Path(os.path.realpath(root))
    home = Path(os.path.realpath(Path.home()))

    def refuse(why: str) -> HandbookError:
        return HandbookError(
            f"{target}: refusing to use this as the {kind} folder: {why}. Nothing was changed; "
            "choose a new or empty folder, or one an earlier build wrote."
        )

    if target == root or root.is_relative_to(target):
        raise refuse("it is the repository or one of its parent folders")
    if target == home or home.is_relative_to(target):
        raise refuse("it is the home folder or one of its parents")
    for sub in SOURCES:
        if target.is_relative_to(root / sub):
            raise refuse(f"it is inside the repository's {sub}/")
    for own in (STAGING, TRASH):  # every run empties them (it once failed half-way there)
        if target.is_relative_to(root / own):
            raise refuse(f"it is inside {own.as_posix()}/, which every build empties")
    if not target.exists():
        return
    if target.is_symlink() or not target.is_dir():
        raise refuse("it is not a folder")
    signs = [s for s in _PROJECT_SIGNS if (target / s).exists()]
    if signs:
        raise refuse(f"it holds {', '.join(signs)}, so it looks like a project")
    if (target / MARKER).is_file() or not any(target.iterdir()):
        return
    if (target / "catalog.json").is_file() and (target / "index.html").is_file():
        return  # a site an earlier version built (before the marker existed)
    raise refuse("it is not empty and no earlier build wrote it")


def check_output_file(path: Path, root: Path) -> None:
    """Refuse a written file (an export, a CSV template) that would land among the
    repository's sources: `-o content/organization.yml` overwrote the catalog."""
    target = Path(os.path.realpath(path))
    root = Path(os.path.realpath(root))
    for sub in SOURCES:
        if target.is_relative_to(root / sub):
            raise HandbookError(
                f"{path}: refusing to write inside the repository's {sub}/ (its sources). "
                "Nothing was changed; choose a file elsewhere."
            )
    if target == root / "mkdocs.yml":
        raise HandbookError(
            f"{path}: refusing to overwrite the repository's mkdocs.yml. Nothing was changed; "
            "choose a file elsewhere."
        )


# Runs as `python -I -S -c _DELETER folder...`: at low priority, since nobody waits for it.
_DELETER = (
    "import os, shutil, sys\n"
    "if hasattr(os, 'nice'): os.nice(10)\n"
    "for folder in sys.argv[1:]: shutil.rmtree(folder, ignore_errors=True)\n"
)
_deleters: list[subprocess.Popen[bytes]] = []


def discard(folders: list[Path]) -> None:
    """Delete folders in a background process that outlives this one; here if none starts."""
    _deleters[:] = [p for p in _deleters if p.poll() is None]  # reap finished ones
    if not folders:
        return
    try:
        _deleters.append(
            subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _DELETER, *map(str, folders)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C of the build does not stop the deletion
            )
        )
    except OSError:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def swap_in(
    staging: Path, target: Path, old_parent: Path | None = None, trash: Path | None = None
) -> None:
    """Replace target by staging with two renames, so target is never half-written.

    With `trash` (a folder on target's file system) the replaced folder is moved there and
    deleted in the background; else it is deleted before returning.
    """
    old = None
    if target.exists():
        if trash is not None:
            trash.mkdir(parents=True, exist_ok=True)
            old = trash / f"{target.name}-{os.getpid()}-{os.urandom(4).hex()}"
        else:
            parent = old_parent or target.parent
            old = parent / f".{target.name}.old-{os.getpid()}-{os.urandom(4).hex()}"
        target.rename(old)
    staging.rename(target)
    if old is not None and trash is not None:
        discard([old])
    elif old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _staging_parent(target: Path, root: Path | None) -> Path:
    """`.cache/staging/` when it is on the target's file system, else the target's parent."""
    if root is not None:
        staging = root / STAGING
        try:
            staging.mkdir(parents=True, exist_ok=True)
            if staging.stat().st_dev == target.parent.stat().st_dev:
                return staging
        except OSError:
            pass
    return target.parent


@contextmanager
def staged_folder(target: Path, root: Path | None = None) -> Iterator[Path]:
    """A fresh folder to fill; swapped in for target on success, removed on failure.

    With `root` (the repository) staging happens in root/.cache/staging/ when that is on the
    same file system as target; else beside target. Leftovers of interrupted runs go first.
    """
    target = Path(os.path.abspath(target))  # "." and "out/.." have no usable parent
    target.parent.mkdir(parents=True, exist_ok=True)
    parent = _staging_parent(target, root)
    prefix = "" if parent != target.parent else f".{target.name}."
    remove_leftovers(parent, prefix)
    trash = root / TRASH if root is not None and parent == root / STAGING else None
    if trash is not None and trash.is_dir():  # what a stopped background deletion left
        discard(sorted(trash.iterdir()))
    staging = Path(tempfile.mkdtemp(prefix=f"{prefix}new-{os.getpid()}-", dir=parent))
    try:
        yield staging
        (staging / MARKER).write_text("Written by `handbook`; replaced on every build.\n")
        os.chmod(staging, 0o755)  # mkdtemp makes 0700; the folder is meant to be shared or served
        swap_in(staging, target, old_parent=parent, trash=trash)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
