"""Run every benchmark in turn (`make bench`); each prints its own side-by-side table."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = (
    "benchmarks.validate",
    "benchmarks.site_build",
    "benchmarks.worksheets",
    "benchmarks.safety_scan",
    "benchmarks.review_diff",
    "benchmarks.scale",
    "benchmarks.book",
    "benchmarks.roster_pages",
)


def main() -> None:
    for name in BENCHMARKS:
        print(f"\n== {name} ==", flush=True)
        module = importlib.import_module(name)
        sys.argv = [name]
        module.main()


if __name__ == "__main__":
    main()
