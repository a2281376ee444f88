"""Per-pair cost: what a personalized booklet could reuse from another pair's, page by page.

Run: .venv/bin/python -m benchmarks.roster_pages [--paper a4]
Renders the default catalog's pair booklet fresh for a base pair and three others with the same
goals (other names; another start date; both), times each (HTML, layout, PDF), rasterizes every
page with pdftoppm and counts the pages whose pixels equal the base pair's: only those could come
from a render shared between pairs (once per goal, language and paper) and still match a fresh
render. The best a page-reusing renderer could reach is then the share of pages it must still
lay out per pair (assuming cost proportional to pages). Target (issue 11): a pair's set at most
a quarter of rendering it from scratch.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import REPO
from generator.pdf.render import Pair, Renderer
from generator.pdf.roster import _pair_jobs
from generator.validate.check import check_repository

BASE = Pair("Alexandra Mentor", "Bob Mentee", "2027-03-01")
OTHERS = {
    "other names": Pair("Zoë Mentor", "Chris", BASE.start),
    "other start date": Pair(BASE.mentor, BASE.mentee, "2027-05-17"),
    "other names and date": Pair("Zoë Mentor", "Chris", "2027-05-17"),
}


def render(
    renderer: Renderer, pair: Pair, paper: str, folder: Path
) -> tuple[float, float, list[bytes]]:
    """Seconds to lay out and to write the pair's booklet fresh, and its pages as PNG bytes."""
    (job,) = _pair_jobs(renderer.catalog, 1, pair, (paper,))
    target = folder / f"{abs(hash(pair))}.pdf"
    start = time.perf_counter()
    html = renderer.html(job)
    key = renderer.key(job, html)
    document = renderer.layout(html, paper, key)
    laid_out = time.perf_counter()
    renderer.save(document, paper, target, key)
    layout, write = laid_out - start, time.perf_counter() - laid_out
    prefix = target.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(target), str(prefix)], check=True)
    pages = sorted(folder.glob(f"{prefix.name}-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    return layout, write, [p.read_bytes() for p in pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paper", default="a4")
    args = parser.parse_args()
    catalog = check_repository(REPO).catalog
    assert catalog is not None
    renderer = Renderer(catalog)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        render(renderer, BASE, args.paper, folder)  # warm fonts, stylesheets, images
        layout, write, base = render(renderer, BASE, args.paper, folder)
        seconds = layout + write
        print(
            f"fresh booklet: {seconds:.2f} s, {len(base)} pages ({seconds / len(base):.3f} s/page)"
        )
        print(f"{'vs the base pair':<22} {'fresh s':>8} {'same pages':>11} {'best ratio':>11}")
        for label, pair in OTHERS.items():
            *took_parts, pages = render(renderer, pair, args.paper, folder)
            took = sum(took_parts)
            same = sum(a == b for a, b in zip(base, pages, strict=False))
            best = (len(pages) - same) / len(pages)  # pages still laid out per pair
            print(f"{label:<22} {took:>8.2f} {same:>5} of {len(pages):<3} {best:>10.2f}x")
    # Combining laid-out pages (Document.copy) still draws and writes every page per pair.
    print(
        f"writing the PDF (drawing every page, fonts) is {write / seconds:.0%} of a fresh render:"
        " the floor of any reuse that still writes the booklet through WeasyPrint"
    )
    print("target: <= 0.25x of a fresh render, with pixels equal to it")


if __name__ == "__main__":
    main()
