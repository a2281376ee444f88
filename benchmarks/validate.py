"""Validation speed: `handbook validate` against `check-jsonschema` on the same goal files.

Run: .venv/bin/python -m benchmarks.validate [--sizes 1000 5000] [--source DIR]
Both tools run as fresh processes, the same way a CI job runs them, in the same run, so the
ratio holds on a noisy machine. check-jsonschema checks only the goal schema; handbook validate
checks every file against its schema and all the semantic rules as well.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from benchmarks.synthetic import REPO, synthetic_catalog, time_command

BIN = Path(sys.executable).parent


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
            ours = time_command([str(BIN / "handbook"), "validate"], root, args.repeat)
            schema = str(REPO / "schemas" / "goal.schema.json")
            theirs = time_command(
                [str(BIN / "check-jsonschema"), "--schemafile", schema, *files], root, args.repeat
            )
            print(f"{size:>6} {ours:>17.2f}s {theirs:>16.2f}s {ours / theirs:>6.2f}")


if __name__ == "__main__":
    main()
