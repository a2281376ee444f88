"""Per-pair cost of a composed booklet: parts rendered once, one overlay per pair, composed.

Run: nice .venv/bin/python -m benchmarks.compose [--parts 9] [--pages 21] [--runs 7]
Renders the default catalog's sheets (agreement, goal sheets, ...) once as tagged parts until
the booklet has --pages pages from --parts parts; then, side by side in one run: a fresh render
of a pair's booklet (what a pair costs today), the pair's overlay (absolutely placed names,
dates and page footers, one page per booklet page) and `compose` (median of --runs). Target
(issue 11): overlay + compose <= 0.25x a fresh booklet; compose alone well under 0.1 s.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

import pikepdf
import weasyprint

from benchmarks.synthetic import REPO
from generator.outputs import worksheet_files
from generator.pdf.compose import compose
from generator.pdf.render import Pair, Renderer, job_for
from generator.pdf.roster import _pair_jobs
from generator.validate.check import check_repository

PAIR = Pair("Alexandra Mentor", "Bob Mentee", "2027-03-01")


def overlay_html(pages: int, pair: Pair) -> str:
    """A page per booklet page with the pair's names, a date and the page footer."""
    sheets = "".join(
        f'<div class="page"><p style="top:20mm">{pair.mentor} &amp; {pair.mentee}</p>'
        f'<p style="top:30mm">{pair.start}</p><p style="top:280mm">Page {n} of {pages}</p></div>'
        for n in range(1, pages + 1)
    )
    style = (
        "@page { size: A4; margin: 0 } .page { position: relative; height: 297mm }"
        " .page + .page { break-before: page } p { position: absolute; left: 20mm; margin: 0 }"
    )
    return f'<html lang="en"><head><style>{style}</style></head><body>{sheets}</body></html>'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parts", type=int, default=9)
    parser.add_argument("--pages", type=int, default=21)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    catalog = check_repository(REPO).catalog
    assert catalog is not None
    renderer = Renderer(catalog)
    parts: list[pikepdf.Pdf] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = worksheet_files(catalog, ("a4",))
        sheets = [f for f in files if f.kind == "form"] + [f for f in files if f.kind == "goal"]
        for n, sheet in enumerate(sheets):
            if len(parts) >= args.parts and sum(len(p.pages) for p in parts) >= args.pages:
                break
            job = job_for(catalog, sheet)
            html = renderer.html(job)
            renderer.write(job, html, folder / f"part{n}.pdf", renderer.key(job, html))
            parts.append(pikepdf.open(folder / f"part{n}.pdf"))
        pages = sum(len(part.pages) for part in parts)
        print(f"{len(parts)} parts, {pages} pages (at least {args.parts} / {args.pages})")

        (job,) = _pair_jobs(catalog, 1, PAIR, ("a4",))
        html = renderer.html(job)
        renderer.write(job, html, folder / "warm.pdf", renderer.key(job, html))  # fonts, images
        start = time.perf_counter()
        html = renderer.html(job)
        renderer.write(job, html, folder / "fresh.pdf", renderer.key(job, html))
        fresh = time.perf_counter() - start
        fresh_size = (folder / "fresh.pdf").stat().st_size

        start = time.perf_counter()
        data = weasyprint.HTML(string=overlay_html(pages, PAIR)).write_pdf(
            font_config=renderer.font_config, pdf_tags=True, pdf_identifier=b"0" * 16
        )
        overlay = pikepdf.open(io.BytesIO(data))
        drawn = time.perf_counter() - start

        took, cpu = [], []
        for run in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            compose(parts, overlay, folder / f"pair{run}.pdf", info={"/Title": "A pair"},
                    identifier=b"\1" * 16)  # fmt: skip
            took.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        composed = statistics.median(took)
        size = (folder / "pair0.pdf").stat().st_size
    per_pair = drawn + composed
    print(f"fresh booklet:  {fresh:.3f} s ({fresh_size / 1024:.0f} KiB)")
    print(f"overlay render: {drawn:.3f} s")
    print(
        f"compose:        {composed:.3f} s median of {args.runs}"
        f" (CPU {statistics.median(cpu):.3f} s; {size / 1024:.0f} KiB)"
    )
    print(f"per pair:       {per_pair:.3f} s = {per_pair / fresh:.2f}x a fresh booklet")
    print("target: <= 0.25x a fresh booklet; compose well under 0.1 s")


if __name__ == "__main__":
    main()
