"""The book's cost: `handbook book` against the full `handbook build` that includes it.

Run: .venv/bin/python -m benchmarks.book [--goals 150 1200] [--repeat 1]
Each run is a fresh process with empty caches. Targets: the book adds at most 25% to a full
default build (book / (build - book)), and its time grows linearly with the goals.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.synthetic import REPO, synthetic_catalog, time_command


def _cold(root: Path, args: list[str], repeat: int) -> float:
    """Median wall time of a handbook command with empty caches."""
    shutil.rmtree(root / ".cache", ignore_errors=True)
    return time_command(
        [sys.executable, "-m", "generator", *args, "--root", str(root)], root, repeat
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--goals", type=int, nargs="*", default=[])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = synthetic_catalog(Path(tmp) / "default", 0, REPO)
        build = _cold(root, ["build"], args.repeat)
        book = _cold(root, ["book", "-o", str(Path(tmp) / "book")], args.repeat)
        print(f"{'catalog':<12}{'build s':>10}{'book s':>10}{'book adds':>12}")
        print(f"{'default':<12}{build:>10.1f}{book:>10.1f}{book / (build - book):>11.0%}")
        for goals in args.goals:
            big = synthetic_catalog(Path(tmp) / f"g{goals}", goals, REPO)
            seconds = _cold(big, ["book", "-o", str(Path(tmp) / f"book{goals}")], args.repeat)
            print(f"{goals:<12}{'':>10}{seconds:>10.1f}{seconds / goals:>10.3f}/goal")


if __name__ == "__main__":
    main()
