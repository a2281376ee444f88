"""The outcome of validating an unchanged repository, remembered between builds.

`build` validates on every run (1.1 s at 1,000 goals even with the schema results of
cache.py). When nothing validation reads has changed since the last build that validated,
that build's outcome (the Catalog and its warnings) is read back instead (0.1 s). "Nothing
changed" is one digest over the path, kind and bytes of every file and link under content/ and
overrides/, the tool's own files (its package, schemas and default content), Python's version,
the versions of the libraries validation uses and the options of the run. Outcomes with errors
are never remembered, so errors are reported on every run with their positions.

The file holds a pickle, sealed with the machine user's key (see memo.py): a file planted in
.cache/ or restored from another machine's cache reads as nothing remembered, and is never
unpickled.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.memo import package_version, read_sealed, replace_sealed
from generator.resources import PACKAGE, project_dir

if TYPE_CHECKING:
    from generator.validate.check import Outcome

OUTCOME_FILE = Path(".cache") / "validation" / "outcome.pickle"
_LIBRARIES = {  # module: distribution
    "jsonschema": "jsonschema",
    "yaml": "pyyaml",
    "markdown_it": "markdown_it_py",
    "nh3": "nh3",
    "PIL": "pillow",
    "defusedxml": "defusedxml",
}
_SKIPPED = {"__pycache__", ".git"}


def _tree(digest: hashlib._Hash, folder: Path) -> None:
    """Path, kind and bytes of every entry under `folder`, in name order (links unfollowed)."""
    if not folder.is_dir():
        digest.update(f"\0absent {folder.name}\0".encode())
        return
    for base, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED)
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(base, d))]):
            path = os.path.join(base, name)
            rel = os.path.relpath(path, folder).encode("utf-8", "surrogateescape")
            if os.path.islink(path):
                target = os.readlink(path).encode("utf-8", "surrogateescape")
                digest.update(b"\0link\0" + rel + b"\0" + target)
            elif os.path.isfile(path):
                with open(path, "rb") as stream:
                    digest.update(
                        b"\0file\0" + rel + b"\0" + hashlib.sha256(stream.read()).digest()
                    )
            else:
                digest.update(b"\0other\0" + rel)


def inputs_digest(root: Path, options: str) -> bytes:
    """What validating the repository at `root` reads, as one digest."""
    digest = hashlib.sha256(f"{sys.version}\0{options}\0{root.resolve()}".encode())
    for module, distribution in _LIBRARIES.items():
        digest.update(f"\0{module}={package_version(module, distribution)}".encode())
    for folder in (root / "content", root / "overrides", PACKAGE, project_dir() / "schemas"):
        _tree(digest, folder)
    if project_dir().resolve() != root.resolve():
        _tree(digest, project_dir() / "content")
    return digest.digest()


def validation_digest(root: Path, *, build: bool = True, language: str | None = None) -> bytes:
    """The digest of what check_repository(root, build=..., language=...) reads."""
    return inputs_digest(root, f"build={build} language={language}")


def recall(root: Path, digest: bytes) -> Outcome | None:
    """The outcome remembered under `digest`, or None (none, another digest, unreadable)."""
    data = read_sealed(root / OUTCOME_FILE)
    if data is None or data[: len(digest)] != digest:
        return None
    try:
        outcome: Outcome = pickle.loads(data[len(digest) :])
    except Exception:  # from another version of the tool: validate
        return None
    return outcome


def remember(root: Path, digest: bytes, outcome: Outcome) -> None:
    """Keep a valid outcome under `digest` (see memo.replace_sealed)."""
    if not outcome.ok or outcome.catalog is None:
        return
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    replace_sealed(root / OUTCOME_FILE, digest + data)
