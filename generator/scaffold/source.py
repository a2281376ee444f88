"""Where the running tool came from, so a new repository installs the same tool.

Four cases, read from the running package and the distribution's `direct_url.json` (PEP 610):
a source checkout (a wheel is built from it and copied into the repository), a wheel file (copied
too), a git URL at a commit, or a package index (the version). `--tool-requirement` overrides.
requirements.txt, the CI files (which install it) and the pre-commit config all use this source.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from generator import __version__
from generator.problems import HandbookError
from generator.resources import PACKAGE

DISTRIBUTION = "mentoring-handbook"
TOOLS = "tools"  # the folder of a repository that holds a copied wheel


@dataclass(frozen=True)
class ToolSource:
    """The requirement line for requirements.txt and what pre-commit needs to run the tool."""

    requirement: str
    described: str  # for the README: where the tool comes from
    wheel: Path | None = None  # a wheel to copy into tools/ (the requirement names that copy)
    checkout: Path | None = None  # a source checkout to build that wheel from
    git_url: str | None = None  # with git_rev: pre-commit's remote-hook pattern works
    git_rev: str | None = None

    @property
    def portable(self) -> bool:
        """True when pip can install the requirement anywhere (pre-commit builds its own env)."""
        return self.wheel is None and self.checkout is None and not _is_path(self.requirement)


def _is_path(requirement: str) -> bool:
    return requirement.startswith((".", "/", "file:"))


def from_direct_url(info: dict[str, Any] | None, version: str = __version__) -> ToolSource:
    """The source recorded by pip for an installed distribution (None: from a package index)."""
    if info is None:
        return ToolSource(f"{DISTRIBUTION}=={version}", f"version {version} from the package index")
    url = str(info.get("url", ""))
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        commit = str(vcs["commit_id"])
        return ToolSource(
            f"{DISTRIBUTION} @ git+{url}@{commit}",
            f"the git repository {url} at commit {commit[:12]}",
            git_url=url,
            git_rev=commit,
        )
    if url.startswith("file:") and url.endswith(".whl"):
        wheel = Path(unquote(urlparse(url).path))
        return ToolSource(f"./{TOOLS}/{wheel.name}", f"the wheel {wheel.name}", wheel=wheel)
    if url.startswith("https:") and "dir_info" not in info:
        return ToolSource(f"{DISTRIBUTION} @ {url}", f"the archive {url}")
    # A local folder (editable or not): no index or URL can give others the same code.
    return _checkout(Path(unquote(urlparse(url).path)))


def _checkout(folder: Path) -> ToolSource:
    """A checkout has no public address: build a wheel of it, later copied into tools/."""
    return ToolSource("", f"a wheel built from the checkout {folder}", checkout=folder)


def running_source() -> ToolSource:
    """The source of the tool that runs now.

    The code that runs wins over pip's records: a checkout on PYTHONPATH is a checkout even when
    another copy is installed.
    """
    checkout = PACKAGE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "generator").resolve() == PACKAGE:
        return _checkout(checkout)
    try:
        raw = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        raw = None
    return from_direct_url(json.loads(raw) if raw else None)


def from_requirement(spec: str) -> ToolSource:
    """`--tool-requirement SPEC`: a pip requirement, or the path of a wheel to copy."""
    spec = spec.strip()
    if not spec or "\n" in spec:
        raise HandbookError("--tool-requirement takes one pip requirement line")
    if spec.endswith(".whl") and Path(spec).is_file():
        wheel = Path(spec).resolve()
        return ToolSource(f"./{TOOLS}/{wheel.name}", f"the wheel {wheel.name}", wheel=wheel)
    if "git+" in spec:  # name @ git+URL@REV: the last "@" starts the revision
        url, _, rev = spec.split("git+", 1)[1].rpartition("@")
        if url and rev and "/" in url:
            return ToolSource(spec, spec, git_url=url, git_rev=rev)
    return ToolSource(spec, spec)


def wheel_of_checkout(checkout: Path, out: Path) -> Path:
    """Build the checkout's wheel into `out` with this Python's pip (offline when hatchling is
    installed; else pip fetches the build backend from the index)."""
    out.mkdir(parents=True, exist_ok=True)
    # pip runs in a scratch folder: a relative `out` would name a folder there.
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out.resolve())]
    try:
        import hatchling  # noqa: F401  (the build backend; present: no download needed)

        command.append("--no-build-isolation")
    except ImportError:
        pass
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            [*command, str(checkout)], capture_output=True, text=True, cwd=scratch, check=False
        )
    wheels = sorted(out.glob("mentoring_handbook-*.whl"))
    if done.returncode != 0 or not wheels:
        raise HandbookError(
            f"could not build a wheel of the checkout {checkout}:\n{done.stderr.strip()}\n"
            "Pass --tool-requirement with a version, git URL or wheel file instead."
        )
    return wheels[-1]


def install_into(source: ToolSource, dest: Path) -> ToolSource:
    """Copy (or build) the source's wheel into dest/tools/; the requirement names that copy."""
    tools = dest / TOOLS
    if source.checkout is not None:
        wheel = wheel_of_checkout(source.checkout, tools)
    elif source.wheel is not None:
        tools.mkdir(parents=True, exist_ok=True)
        wheel = tools / source.wheel.name
        if not (wheel.exists() and wheel.samefile(source.wheel)):  # installed from this copy
            shutil.copy2(source.wheel, wheel)
    else:
        return source
    for old in tools.glob("mentoring_handbook-*.whl"):
        if old.name != wheel.name:
            old.unlink()  # one wheel: requirements.txt names exactly that file
    return ToolSource(f"./{TOOLS}/{wheel.name}", source.described, wheel=wheel)
