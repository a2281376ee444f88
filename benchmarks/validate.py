"""Validation speed: `handbook validate` against `check-jsonschema` on the same goal files.

Run: .venv/bin/python -m benchmarks.validate [--sizes 1000 5000] [--source DIR]
Both tools run as fresh processes, the same way a CI job runs them, in the same run, so the
ratio holds on a noisy machine. check-jsonschema checks only the goal schema; handbook validate
checks every file against its schema and all the semantic rules as well.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import REPO, synthetic_catalog

BIN = Path(sys.executable).parent


def _time(cmd: list[str], cwd: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
        runs.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{cmd[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--source", type=Path, default=REPO, help="catalog repository to copy")
    args = parser.parse_args()
    print(f"{'goals':>6} {'handbook validate':>18} {'check-jsonschema':>17} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            root = synthetic_catalog(Path(tmp) / f"cat{size}", size, args.source)
            files = sorted(str(p.relative_to(root)) for p in root.glob("content/goals/*/*.yml"))
            ours = _time([str(BIN / "handbook"), "validate"], root, args.repeat)
            schema = str(REPO / "schemas" / "goal.schema.json")
            theirs = _time(
                [str(BIN / "check-jsonschema"), "--schemafile", schema, *files], root, args.repeat
            )
            print(f"{size:>6} {ours:>17.2f}s {theirs:>16.2f}s {ours / theirs:>6.2f}")


if __name__ == "__main__":
    main()
