"""The pre-commit hook this project provides, run by pre-commit itself against a catalog repo.

No network: pre-commit installs the tool from a snapshot of this working tree into its own
environment (`pip install .`, built with hatchling), while the tool's dependencies come from this
test environment through a folder of links that leaves the tool itself out (PYTHONPATH), so the
hook that runs is the one pre-commit installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures import dependencies_folder, make_repo

REPO = Path(__file__).resolve().parents[1]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.slow
def test_try_repo_passes_a_good_commit_and_blocks_a_bad_one(tmp_path: Path) -> None:
    if not PRE_COMMIT.exists():
        pytest.fail("pre-commit is not installed (it is in the test extra)")
    # pre-commit clones the hook repository: give it a committed snapshot of this working tree.
    hook_repo = tmp_path / "hook-repo"
    ignore = (".venv", "site", "build", ".cache", ".git", "__pycache__", ".*_cache", ".hypothesis")
    shutil.copytree(REPO, hook_repo, ignore=shutil.ignore_patterns(*ignore))
    git(hook_repo, "init", "-q")
    git(hook_repo, "add", "-A")
    git(hook_repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "snapshot")

    catalog = make_repo("minimal", tmp_path / "catalog")
    git(catalog, "init", "-q")
    git(catalog, "add", "-A")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PYTHONPATH": str(dependencies_folder(tmp_path / "deps")),
        "PIP_NO_INDEX": "1",  # the tool from the snapshot, nothing from the network
        "PIP_FIND_LINKS": "",
        # pip reads "0" here as build_isolation=False: hatchling comes from the links too (an
        # isolated build would need the index, which PIP_NO_INDEX has turned off)
        "PIP_NO_BUILD_ISOLATION": "0",
    }

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), "try-repo", str(hook_repo), "handbook-validate", "--all-files"],
            cwd=catalog,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    good = try_repo()
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    goal = catalog / "content/goals/mentee/alpha.yml"
    goal.write_text(goal.read_text().replace("horizon: habit", "horizon: someday"))
    git(catalog, "add", "-A")
    bad = try_repo()
    assert bad.returncode == 1
    assert "content/goals/mentee/alpha.yml:6:10: $.horizon: 'someday' is not one of" in bad.stdout
