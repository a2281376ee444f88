"""Replace a whole output folder at once: write beside it, then swap it in with two renames."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def swap_in(staging: Path, site_dir: Path) -> None:
    """Replace site_dir by staging with two renames, so site/ is never half-written."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
        site_dir.rename(old)
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A fresh folder beside target to fill; swapped in for target on success, removed on failure.

    Beside, not under /tmp, so both renames stay on one file system and are atomic.
    """
    target = Path(os.path.abspath(target))  # "." and "out/.." have no usable parent
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        yield staging
        os.chmod(staging, 0o755)  # mkdtemp makes 0700; the folder is meant to be shared or served
        swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
