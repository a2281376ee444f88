"""The BASE side of `handbook diff`: resolve a git revision and export its tree, offline.

Only local git commands run (rev-parse, merge-base, archive, diff): no fetch, no network. A
shallow clone or a missing ref gives a HandbookError that says how to get the history.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.problems import HandbookError

SHALLOW_HINT = (
    "this is a shallow clone, so older commits are missing; fetch the history first "
    "(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout, or "
    "GIT_DEPTH: 0 in GitLab CI)"
)
EXPORT_DONE = ".handbook-export-complete"  # written last: a half-exported tree is never reused


@dataclass(frozen=True)
class Repository:
    """A catalog inside a git work tree: its top folder and the catalog's prefix within it."""

    root: Path  # the catalog (the folder holding content/)
    top: Path  # the git work tree's top folder
    prefix: str  # the catalog's folder relative to top, "" or ending in "/"

    def git(self, *args: str, check: bool = True) -> str:
        """Run git in the catalog folder; its standard output (a HandbookError on failure)."""
        try:
            done = subprocess.run(
                ["git", "-c", "core.quotepath=off", *args],
                cwd=self.root,
                capture_output=True,
                check=False,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
            )
        except FileNotFoundError as exc:
            raise HandbookError("`handbook diff` needs git; install it and run again") from exc
        if check and done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise HandbookError(f"git {args[0]} failed: {message}")
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""

    @property
    def shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository").strip() == "true"


def open_repository(root: Path) -> Repository:
    """The git work tree holding the catalog at `root`, or a HandbookError."""
    root = root.resolve()
    probe = Repository(root, root, "")
    top = probe.git("rev-parse", "--show-toplevel", check=False).strip()
    if not top:
        raise HandbookError(
            f"{root} is not inside a git repository; `handbook diff` compares two git revisions"
        )
    prefix = probe.git("rev-parse", "--show-prefix").strip()
    return Repository(root, Path(top), prefix)


def _commit(repo: Repository, rev: str) -> str | None:
    sha = repo.git(
        "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False
    )
    return sha.strip() or None


def default_branch(repo: Repository) -> str | None:
    """origin/HEAD when set, else main or master (local, then on origin)."""
    head = repo.git("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", check=False).strip()
    if head:
        return head
    for ref in ("main", "master", "origin/main", "origin/master"):
        if _commit(repo, ref):
            return ref
    return None


def resolve_base(repo: Repository, base: str | None) -> tuple[str, str]:
    """(commit sha, how to call it) for BASE; default: the merge base with the default branch."""
    if base is not None:
        if base.startswith("-"):
            raise HandbookError(f"BASE '{base}' is not a revision (it starts with '-')")
        sha = _commit(repo, base)
        if sha is None:
            hint = f"; {SHALLOW_HINT}" if repo.shallow else ""
            raise HandbookError(f"BASE '{base}' is not a commit in this repository{hint}")
        return sha, base
    branch = default_branch(repo)
    if branch is None:
        hint = SHALLOW_HINT if repo.shallow else "name one, e.g. `handbook diff main`"
        raise HandbookError(
            "no BASE given and no default branch (origin/HEAD, main or master) to compare "
            f"with; {hint}"
        )
    if _commit(repo, "HEAD") is None:
        raise HandbookError("the repository has no commit yet; commit the catalog first")
    sha = repo.git("merge-base", "HEAD", branch, check=False).strip()
    if not sha:
        if repo.shallow:
            raise HandbookError(f"cannot find where this branch left {branch}: {SHALLOW_HINT}")
        raise HandbookError(
            f"this branch and {branch} share no history; name a BASE, e.g. `handbook diff {branch}`"
        )
    name = branch.removeprefix("refs/remotes/")
    return sha, f"merge base with {name}"


def export_tree(repo: Repository, sha: str) -> Path:
    """The catalog folder as it is at `sha`, under ROOT/.cache/review/<sha>/ (reused later)."""
    dest = repo.root / ".cache" / "review" / sha
    if (dest / EXPORT_DONE).is_file():
        return dest
    archive = _archive(repo, sha)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{sha[:12]}-", dir=dest.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            # The "data" filter refuses absolute paths, `..`, devices and links leaving the tree.
            tar.extractall(staging, filter="data")
        inner = staging / repo.prefix if repo.prefix else staging
        inner.mkdir(parents=True, exist_ok=True)
        (inner / EXPORT_DONE).write_text(sha + "\n")
        if dest.exists():
            shutil.rmtree(dest)
        inner.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest


def _archive(repo: Repository, sha: str) -> bytes:
    """`git archive` of the catalog folder at `sha` as tar bytes."""
    args = ["archive", "--format=tar", sha]
    if repo.prefix:
        args += ["--", repo.prefix]
    done = subprocess.run(["git", *args], cwd=repo.top, capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise HandbookError(f"cannot read the catalog at {sha[:12]}: {message}")
    return done.stdout


def changed_paths(repo: Repository, sha: str) -> list[tuple[str, str]]:
    """(status, path relative to the catalog) of every file that differs between `sha` and the
    working tree: tracked changes (A, M, D, T) and untracked files that git does not ignore (A)."""
    out: list[tuple[str, str]] = []
    listed = repo.git("diff", "--no-renames", "--name-status", "-z", sha, "--", ".")
    fields = listed.split("\0")
    for status, path in zip(fields[0::2], fields[1::2], strict=False):
        if status and path:
            out.append((status[0], _relative(repo, path)))
    untracked = repo.git("ls-files", "--others", "--exclude-standard", "-z", "--", ".")
    out += [("A", path) for path in untracked.split("\0") if path]  # ls-files: cwd-relative
    return sorted(set(out), key=lambda item: item[1])


def _relative(repo: Repository, path: str) -> str:
    """A path git printed relative to the top, made relative to the catalog."""
    return path.removeprefix(repo.prefix)
