"""Safety scan cost: `scan_output` over a built site against the `handbook build` that made it.

Run: .venv/bin/python -m benchmarks.safety_scan [--repeat 3]
Builds the default catalog with its PDF worksheets as a fresh process, first with an empty
worksheet cache (a cold build), then again with the cache filled (a warm build); then scans the
result in this process, as the build will; and times the rich-text path (render and sanitize
every rich-text field of the catalog, then re-encode it for the site's Markdown). Target: scan
and sanitizer together <= 5% of a cold default build.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import REPO, synthetic_catalog, time_command
from generator.safety.richtext import render_rich
from generator.safety.scan import scan_output

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = synthetic_catalog(Path(tmp) / "default", 0, REPO)  # a plain copy
        command = [str(BIN / "handbook"), "build"]
        shutil.rmtree(root / ".cache", ignore_errors=True)
        cold = time_command(command, root, 1)
        warm = time_command(command, root, args.repeat)
        site = root / "site"
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            findings = scan_output(site, theme_dirs=(root / "overrides",))
            runs.append(time.perf_counter() - start)
        if findings:
            raise SystemExit("\n".join(map(str, findings)))
        scan = statistics.median(runs)
        sanitize = _rich_text_seconds(root, args.repeat)
        files = sum(1 for p in site.rglob("*") if p.is_file())
        pdfs = sum(1 for _ in site.rglob("*.pdf"))
        print(f"{files} files ({pdfs} PDFs): scan {scan:.2f}s, "
              f"cold build {cold:.2f}s, warm build {warm:.2f}s")  # fmt: skip
        print(f"rich text (render + sanitize + re-encode every field): {sanitize:.3f}s")
        print(f"(scan + sanitizer) / cold build: {(scan + sanitize) / cold:.1%} (target <= 5%)")
        print(f"(scan + sanitizer) / warm build: {(scan + sanitize) / warm:.1%}")


def _rich_text_seconds(root: Path, repeat: int) -> float:
    """The rich-text path over every rich field of the catalog at root (median of runs)."""
    from generator.validate.check import check_repository
    from generator.website.escape import md_html

    catalog = check_repository(root).catalog
    assert catalog is not None
    sources = [g.why.source for g in catalog.goals] + [p.body.source for p in catalog.pages]
    sources += [catalog.smart.intro.source, catalog.measurement.intro.source]
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for source in sources:
            md_html(render_rich(source))
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


if __name__ == "__main__":
    main()
