"""Zensical started ahead: on an unchanged rebuild the engine runs while handbook validates.

Before Zensical can start, `handbook build` imports its modules, validates (or reads back the
remembered outcome) and regenerates the docs tree: 0.3 s at 16 goals, 0.6 s at 1,000 goals,
during which the engine, the largest part of an unchanged rebuild, waits. Yet when nothing the
build reads has changed, the tree it regenerates is, byte for byte, the one already in build/.

So each generation of build/docs records what it was generated from (TREE_KEY: the digest of
everything validation reads, see validate/remembered.py, and the build's settings), and a build
whose inputs give the same key starts Zensical on build/ at once (`started_ahead`). Once the
tree is regenerated, the run is kept only if generation wrote or removed no file of the tree
(`Ahead.take`); else it is stopped, its output and Zensical's own cache (build/.cache/, which a
stopped run may leave half written) are dropped, and Zensical runs again on the new tree. The
run's output then goes through the same checks and the same safety scan as any other.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.website.engines import ZensicalRun

TREE_KEY = ".tree-key"  # in build/: what build/docs and build/mkdocs.yml were generated from
CONFIG = "mkdocs.yml"


def tree_key(inputs: bytes, settings: object) -> str:
    """The key of a generation: the validation inputs' digest and the build's settings (their
    repr: engine, paper sizes, fillable, folders...), which together decide every byte of the
    tree."""
    return hashlib.sha256(inputs + b"\0" + repr(settings).encode()).hexdigest()


def forget(build_dir: Path) -> None:
    """Before build_dir/docs is written: no key stands for it until it is complete again."""
    (build_dir / TREE_KEY).unlink(missing_ok=True)


def record(build_dir: Path, key: str) -> None:
    """After build_dir/docs was written in full from inputs with `key`."""
    (build_dir / TREE_KEY).write_text(key, encoding="ascii")


@dataclass
class Ahead:
    """A build's key, and the Zensical run started on the tree its last generation left when
    that generation had the same key."""

    key: str
    build_dir: Path
    run: ZensicalRun | None = None

    def take(self, config_path: Path, env: dict[str, str], unchanged: bool) -> ZensicalRun | None:
        """The run started ahead, when it can stand for a run started now: on this config,
        with this environment, and the tree unchanged by its generation. Else it is stopped
        (and Zensical's cache dropped) and None is returned: start a new run."""
        run, self.run = self.run, None
        if run is None:
            return None
        if unchanged and config_path == self.build_dir / CONFIG and run.env == env:
            return run
        run.cancel()
        shutil.rmtree(self.build_dir / ".cache", ignore_errors=True)
        return None

    def cancel(self) -> None:
        """Stop a run nobody took (validation failed, or the build did)."""
        if self.run is not None:
            self.run.cancel()
            self.run = None


@contextmanager
def started_ahead(root: Path, engine: str, key: str) -> Iterator[Ahead]:
    """An Ahead for a build of the repository at `root` with `key`: with Zensical already
    running when build/ was last generated with the same key. A run not taken by the end of
    the block is stopped."""
    build_dir = root.resolve() / "build"
    ahead = Ahead(key, build_dir)
    if engine == "zensical" and _generated_with(build_dir, key):
        from generator.problems import BuildFailed
        from generator.website.engines import ZensicalRun, engine_environment

        with suppress(BuildFailed):  # no Zensical: the build says so where it needs it
            ahead.run = ZensicalRun(build_dir / CONFIG, engine_environment(root))
    try:
        yield ahead
    finally:
        ahead.cancel()


def _generated_with(build_dir: Path, key: str) -> bool:
    try:
        recorded = (build_dir / TREE_KEY).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return False
    return recorded == key and (build_dir / CONFIG).is_file()
