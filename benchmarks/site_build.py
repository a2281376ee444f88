"""Site build speed: `handbook build --no-pdf` against plain `mkdocs build` of the same docs.

Run: .venv/bin/python -m benchmarks.site_build [--sizes 16 1000]
Both run as fresh processes in the same run; the ratio is the generator's whole overhead
(validation, Catalog, Markdown generation) on top of MkDocs' own build. Target: <= 1.25.
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
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'goals':>6} {'handbook build':>15} {'mkdocs build':>13} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            root = synthetic_catalog(Path(tmp) / f"cat{size}", size, REPO)
            ours = time_command([str(BIN / "handbook"), "build", "--no-pdf"], root, args.repeat)
            plain = time_command(
                [str(BIN / "mkdocs"), "build", "-q", "-f", "build/mkdocs.yml", "-d", "../plain"],
                root,
                args.repeat,
            )
            print(f"{size:>6} {ours:>14.2f}s {plain:>12.2f}s {ours / plain:>6.2f}")


if __name__ == "__main__":
    main()
