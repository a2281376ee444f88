"""The book's cost: a full `handbook build` with and without the book, and the book alone.

Run: .venv/bin/python -m benchmarks.book [--goals 150 1200] [--repeat 1]
Every run is a fresh process with empty caches; times are wall clock and CPU (the process and
its pool workers, which the shared machine disturbs less). Targets: the book adds at most 25%
to a full build of the default catalog (build with book / build without, same run), and its
time per goal stays flat from 150 to 1,200 goals (`handbook book`, one paper size).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import REPO, synthetic_catalog

# A build without the book has no CLI switch (the site links the book): the benchmark sets it.
BUILD = (
    "import sys; from pathlib import Path; from generator.build import BuildSettings, build; "
    "from generator.validate.check import check_repository; root = Path(sys.argv[1]); "
    "build(check_repository(root).catalog, BuildSettings(root, root / 'site', book=%s))"
)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cold(root: Path, code_or_args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one fresh process with empty caches; exits on failure."""
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "site", ignore_errors=True)
    cpu, wall = _children_cpu(), time.perf_counter()
    result = subprocess.run(
        [sys.executable, *code_or_args], cwd=REPO, capture_output=True, text=True, check=False
    )
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"{code_or_args} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return wall, cpu


def build_ratio(root: Path, repeat: int) -> None:
    """Full builds without and with the book, one right after the other, `repeat` pairs.

    On a shared machine the load changes between runs, so each pair gives its own ratio and
    the median pair is the result (two runs far apart can differ by a third).
    """
    pairs = []
    print(f"{'default build':<22}{'wall s':>9}{'CPU s':>9}{'book adds wall':>16}{'CPU':>7}")
    for n in range(1, repeat + 1):
        (wall0, cpu0), (wall1, cpu1) = (
            _cold(root, ["-c", BUILD % book, str(root)]) for book in (False, True)
        )
        pairs.append((wall1 / wall0 - 1, cpu1 / cpu0 - 1))
        print(f"{f'pair {n}: without book':<22}{wall0:>9.1f}{cpu0:>9.1f}")
        print(f"{f'pair {n}: with book':<22}{wall1:>9.1f}{cpu1:>9.1f}"
              f"{pairs[-1][0]:>16.0%}{pairs[-1][1]:>7.0%}", flush=True)  # fmt: skip
    wall, cpu = (sorted(values)[len(values) // 2] for values in zip(*pairs, strict=True))
    print(f"{'median pair':<40}{wall:>16.0%}{cpu:>7.0%}   (target <= 25%)")


def per_goal(tmp: Path, goals: list[int], paper: str) -> None:
    """`handbook book` alone for growing catalogs: CPU per goal, relative to the smallest."""
    print(f"\n{'goals':<10}{'wall s':>9}{'CPU s':>9}{'CPU/goal':>10}{'vs first':>10}")
    first = None
    for count in goals:
        root = synthetic_catalog(tmp / f"g{count}", count, REPO)
        out = tmp / f"book{count}"
        wall, cpu = _cold(root, ["-m", "generator", "book", "--root", str(root), "-o", str(out),
                                 "--paper", paper])  # fmt: skip
        first = first or cpu / count
        print(f"{count:<10}{wall:>9.1f}{cpu:>9.1f}{cpu / count:>10.3f}{cpu / count / first:>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--goals", type=int, nargs="*", default=[])
    parser.add_argument("--paper", default="a4")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-build", action="store_true", help="skip the build ratio")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_build:
            build_ratio(synthetic_catalog(Path(tmp) / "default", 0, REPO), args.repeat)
        if args.goals:
            per_goal(Path(tmp), args.goals, args.paper)


if __name__ == "__main__":
    main()
