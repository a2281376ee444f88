"""Break-even of MkDocs on both cores: `handbook build --no-pdf` with the page loops in forked
workers (mkdocs_parallel) against MkDocs on one core with the prescan beside it.

Run: .venv/bin/python -m benchmarks.parallel_site [--sizes 16 60 120 250] [--repeat 3]
Each build is a fresh process, the two ways alternated (a shared machine's load drifts);
medians. PARALLEL_MIN_PAGES in generator/website/mkdocs_parallel.py comes from this.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.synthetic import REPO, synthetic_catalog, time_command

# A build with PARALLEL_MIN_PAGES set from the command line (1: always parallel).
_BUILD = (
    "import sys\n"
    "import generator.website.mkdocs_parallel as parallel\n"
    "parallel.PARALLEL_MIN_PAGES = int(sys.argv[1])\n"
    "from generator.cli import main\n"
    "main(['build', '--no-pdf', '--root', sys.argv[2]], prog_name='handbook')\n"
)
ALWAYS, NEVER = 1, 10**9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 60, 120, 250])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        for goals in args.sizes:
            root = synthetic_catalog(Path(tmp) / f"cat{goals}", goals, REPO)
            build = [sys.executable, "-c", _BUILD]
            time_command([*build, str(ALWAYS), str(root)], root, 1)  # caches, as in use
            pages = sum(1 for _ in (root / "build" / "docs").rglob("*.md"))
            times: dict[int, list[float]] = {ALWAYS: [], NEVER: []}
            for _ in range(args.repeat):
                for threshold, runs in times.items():
                    runs.append(time_command([*build, str(threshold), str(root)], root, 1))
            both = statistics.median(times[ALWAYS])
            one = statistics.median(times[NEVER])
            print(
                f"{goals:>6} goals {pages:>6} pages: both cores {both:6.2f}s, one core + "
                f"prescan {one:6.2f}s, ratio {both / one:.2f} (load {os.getloadavg()[0]:.2f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
