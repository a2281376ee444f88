"""Per-pair cost: a pair booklet composed from shared parts against a fresh render of it.

Run: .venv/bin/python -m benchmarks.roster_pages [--paper a4] [--pairs 6]
Renders the default catalog's pair booklet for `--pairs` pairs (other names and start dates)
both ways in one process, alternating: fresh (WeasyPrint lays out and writes all ~21 pages) and
composed (generator/pdf/reuse.py: the parts, each sheet laid out once, are rendered before the
first pair and timed apart; then per pair one small overlay document and the composition).
Prints the medians, the ratio (target, issue 11: a pair's set at most a quarter of a fresh
render) and, with the parts' one-time cost included, how many pairs it takes to pay them off.
Every composed booklet is compared with its fresh twin (benchmarks/look.py): the same words in
the same places and the same pixels up to glyph-width rounding.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.look import same_look
from benchmarks.synthetic import REPO
from generator.pdf.render import Pair, Renderer
from generator.pdf.reuse import BookletParts
from generator.pdf.roster import _pair_jobs
from generator.validate.check import check_repository

NAMES = [
    ("Alexandra Mentor", "Bob Mentee"),
    ("Zoë Ångström", "Chris O'Neil"),
    ("Jordan Lee", "Sam Okafor"),
    ("Renée Dubois", "Malik Haddad"),
    ("Priya Raman", "Tomás García"),
    ("Wen Li", "Oskar Nowak"),
]


def pairs(count: int) -> list[Pair]:
    start = dt.date(2027, 2, 1)
    return [
        Pair(*NAMES[n % len(NAMES)], (start + dt.timedelta(days=11 * n)).isoformat())
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paper", default="a4")
    parser.add_argument("--pairs", type=int, default=6)
    args = parser.parse_args()
    catalog = check_repository(REPO).catalog
    assert catalog is not None
    renderer = Renderer(catalog)
    parts = BookletParts(renderer)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warm = _pair_jobs(catalog, 0, pairs(1)[0], (args.paper,))[0]
        renderer.write(warm, renderer.html(warm), folder / "warm.pdf", "0" * 64)  # fonts, CSS
        started = time.perf_counter()
        parts.prepare([warm])
        parts_seconds = time.perf_counter() - started
        fresh, composed, differ = [], [], 0
        for n, pair in enumerate(pairs(args.pairs), 1):
            (job,) = _pair_jobs(catalog, n, pair, (args.paper,))
            a, b = folder / f"fresh-{n}.pdf", folder / f"composed-{n}.pdf"
            started = time.perf_counter()
            html = renderer.html(job)
            renderer.write(job, html, a, renderer.key(job, html))
            fresh.append(time.perf_counter() - started)
            started = time.perf_counter()
            assert parts.write(job, b), f"pair {n} was not composed"
            composed.append(time.perf_counter() - started)
            problems = same_look(a, b, folder / f"look-{n}")
            differ += bool(problems)
            for problem in problems:
                print(f"  pair {n}: {problem}")
    fresh_s, composed_s = statistics.median(fresh), statistics.median(composed)
    ratio = composed_s / fresh_s
    payoff = parts_seconds / (fresh_s - composed_s) if fresh_s > composed_s else float("inf")
    print(f"{'booklet (' + args.paper + ', default catalog)':<34} {'median s':>9}")
    print(f"{'fresh render':<34} {fresh_s:>9.3f}")
    print(f"{'composed from parts':<34} {composed_s:>9.3f}")
    print(f"{'parts, once (sheets + cover)':<34} {parts_seconds:>9.3f}")
    print(
        f"composed / fresh: {ratio:.2f}x (target <= 0.25x); "
        f"the parts pay off after {payoff:.1f} pairs"
    )
    print(f"{args.pairs - differ} of {args.pairs} composed booklets look like their fresh render")


if __name__ == "__main__":
    main()
