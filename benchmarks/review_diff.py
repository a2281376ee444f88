"""`handbook diff` for a one-goal change against one incremental `handbook build`, in one run.

Run: .venv/bin/python -m benchmarks.review_diff
A git repository with the default catalog is built once on main (the worksheet cache is warm,
as in CI restoring it or on an admin's machine). On a branch one goal's summary changes. Timed:
1. `handbook build` (incremental: only the changed goal's worksheets and booklets render);
2. the worksheet cache is put back as it was before step 1, then `handbook diff main`, which
   has to render the same new worksheets itself, plus BASE from the cache, and compare.
Target: diff < 2x the incremental build.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import REPO

HANDBOOK = [sys.executable, "-m", "generator"]
GOAL = "content/goals/mentee/learn-new-skills.yml"


def run(args: list[str], cwd: Path) -> float:
    """Seconds one command takes (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args],
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        for name in ("content", "overrides"):
            shutil.copytree(REPO / name, root / name)
        shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
        (root / ".gitignore").write_text(".cache/\nsite/\nbuild/\n")
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "catalog")
        run([*HANDBOOK, "build"], root)  # warm: BASE's worksheets are in the cache
        git(root, "checkout", "-q", "-b", "change")
        goal = root / GOAL
        goal.write_text(goal.read_text().replace("through practice,", "through daily practice,"))
        cache = root / ".cache" / "worksheets"
        snapshot = Path(tmp) / "cache-before"
        shutil.copytree(cache, snapshot)

        build = run([*HANDBOOK, "build"], root)
        shutil.rmtree(cache)
        shutil.copytree(snapshot, cache)  # the diff renders the changed worksheets itself
        diff = run([*HANDBOOK, "diff", "main", "--artifacts", str(Path(tmp) / "out")], root)
        report = (Path(tmp) / "out" / "report.md").read_text()
        assert "learn-new-skills" in report, report

    ratio = diff / build
    print(f"{'incremental build':<24}{build:8.2f} s")
    print(f"{'handbook diff':<24}{diff:8.2f} s")
    verdict = "ok" if ratio < 2 else "MISSED"
    print(f"{'ratio diff / build':<24}{ratio:8.2f}   target < 2.0: {verdict}")


if __name__ == "__main__":
    main()
