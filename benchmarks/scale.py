"""Scale: time per goal and page weight of `handbook build --no-pdf` as the catalog grows.

Run: .venv/bin/python -m benchmarks.scale [--sizes 150 1200] [--engine mkdocs|zensical]
     .venv/bin/python -m benchmarks.scale --goals 10000     (a manual run: minutes, GBs)
     .venv/bin/python -m benchmarks.scale --vs-engine --sizes 16 1000
The last form also times, per size, an unchanged rebuild and the plain engine (`mkdocs build`
or `zensical build`) over the same generated tree (build/docs + build/mkdocs.yml), and prints
handbook/plain (target: within 1.1x): the clean build against the plain engine with a cold
cache (Zensical keeps one in build/.cache/), the unchanged rebuild against the plain engine
run again (`--rounds` alternated runs, medians). Plain Zensical's output is removed after
each run, untimed (handbook moves it into site/, so its next build finds none). `handbook
build --no-pdf` skips the offline copy.
Every size is built as a fresh process in the same run; the ratios compare the largest size
with the smallest. Targets (issue 11): time per goal and average page weight at 1,200 goals
at most 1.5x those at 150. Peak memory is the largest process of the build (ru_maxrss of the
build and the workers it waited for); the site size is what would be published; "work" is what
the build keeps on disk besides it (build/ and .cache/; while it runs, the new site is staged
beside the old one, so the disk a build needs at most is two sites and its work folders).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.synthetic import REPO, run_command, synthetic_catalog, time_command

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Figures:
    goals: int
    seconds: float
    pages: int
    page_bytes: float  # average size of a page (index.html)
    site_bytes: int
    search_bytes: int
    peak_mib: float
    work_bytes: int  # build/ and .cache/ after the build: the disk it keeps besides site/

    @property
    def per_goal_ms(self) -> float:
        return 1000 * self.seconds / self.goals


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(root: Path, goals: int, engine: str) -> Figures:
    """Build the catalog at root once, as a fresh process, and read the figures off its site."""
    cmd = [str(BIN / "handbook"), "build", "--no-pdf", "--engine", engine, "--root", str(root)]
    run = run_command(cmd)
    settle(root)
    if run.returncode != 0:
        raise SystemExit(f"build of {goals} goals failed:\n{run.output[-3000:]}")
    site = root / "site"
    pages = list(site.rglob("index.html"))
    search = [site / "search/search_index.json", site / "search.json"]
    return Figures(
        goals=goals,
        seconds=run.seconds,
        pages=len(pages),
        page_bytes=sum(p.stat().st_size for p in pages) / len(pages),
        site_bytes=_size(site),
        search_bytes=sum(p.stat().st_size for p in search if p.is_file()),
        peak_mib=run.peak_kib / 1024,
        work_bytes=_size(root / "build") + _size(root / ".cache"),
    )


def settle(root: Path, timeout: float = 300) -> None:
    """Wait (untimed) until the background deletion of the replaced site is over, so its work
    does not slow the next command measured."""
    trash = root / ".cache" / "trash"
    deadline = time.monotonic() + timeout
    while trash.is_dir() and any(trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)


def plain_engine(root: Path, engine: str, cold: bool = False) -> float:
    """Seconds of the plain engine over the tree the last build generated, as a fresh process;
    `cold`: Zensical's own cache (build/.cache/) removed first, as a clean build finds it."""
    if cold:
        shutil.rmtree(root / "build" / ".cache", ignore_errors=True)
    out = root / "plain-site"
    config = root / "build" / "mkdocs.yml"
    if engine == "mkdocs":
        cmd = [str(BIN / "mkdocs"), "build", "-q", "-f", str(config), "-d", str(out)]
    else:  # Zensical wants site_dir inside the config's folder: the copy handbook made
        cmd = [str(BIN / "zensical"), "build", "-f", str(root / "build" / ".zensical.yml")]
    seconds = time_command(cmd, root / "build", 1)
    # Untimed: handbook moves Zensical's output into site/, so it finds none left there; plain
    # zensical's would be deleted by the next handbook build, on its clock.
    shutil.rmtree(root / "build" / ".zensical-site", ignore_errors=True)
    return seconds


def compare(root: Path, clean: Figures, engine: str, rounds: int = 2) -> None:
    """Unchanged rebuilds and the plain engine, alternated (a shared machine's load drifts)
    beside the clean build just measured; medians."""
    again: list[float] = []
    plain: list[float] = []
    for _ in range(rounds):
        plain.append(plain_engine(root, engine))
        again.append(measure(root, clean.goals, engine).seconds)
    a, p = statistics.median(again), statistics.median(plain)
    # A clean build against a cold plain engine: only Zensical keeps a cache of its own.
    cold = plain_engine(root, engine, cold=True) if engine == "zensical" else p
    print(
        f"{'':>6} unchanged rebuild {a:.1f}s, plain {engine} {p:.1f}s, cold {cold:.1f}s "
        f"(medians of {rounds}, alternated): handbook/plain {clean.seconds / cold:.2f}x clean, "
        f"{a / p:.2f}x unchanged (target <= 1.1x)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 1200])
    parser.add_argument("--goals", type=int, help="one size only (e.g. 10000 for a manual run)")
    parser.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs")
    parser.add_argument("--vs-engine", action="store_true", help="compare with the plain engine")
    parser.add_argument("--rounds", type=int, default=2, help="alternated runs per --vs-engine")
    args = parser.parse_args()
    sizes = [args.goals] if args.goals else sorted(args.sizes)
    print(f"engine {args.engine}, {os.cpu_count()} CPU(s)")
    print(
        f"{'goals':>6} {'time':>8} {'ms/goal':>8} {'pages':>6} {'KB/page':>8} "
        f"{'site MB':>8} {'search KB/goal':>15} {'peak MiB':>9} {'work MB':>8}"
    )
    rows: list[Figures] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            root = synthetic_catalog(Path(tmp) / f"cat{size}", size, REPO)
            f = measure(root, size, args.engine)
            rows.append(f)
            print(
                f"{f.goals:>6} {f.seconds:>7.1f}s {f.per_goal_ms:>8.1f} {f.pages:>6} "
                f"{f.page_bytes / 1000:>8.1f} {f.site_bytes / 1e6:>8.1f} "
                f"{f.search_bytes / 1000 / f.goals:>15.2f} {f.peak_mib:>9.0f} "
                f"{f.work_bytes / 1e6:>8.1f}",
                flush=True,
            )
            if args.vs_engine:
                compare(root, f, args.engine, args.rounds)
    if len(rows) > 1:
        small, big = rows[0], rows[-1]
        print(
            f"ratio {big.goals} vs {small.goals} goals: time per goal "
            f"{big.per_goal_ms / small.per_goal_ms:.2f}x, page weight "
            f"{big.page_bytes / small.page_bytes:.2f}x, search index per goal "
            f"{(big.search_bytes / big.goals) / (small.search_bytes / small.goals):.2f}x "
            "(targets: <= 1.5x)"
        )


if __name__ == "__main__":
    main()
