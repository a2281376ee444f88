"""Worksheet speed, per PDF, three ways on the same HTML in one run.

Run: .venv/bin/python -m benchmarks.worksheets [--count 16] [--processes 4]
- handbook: our warm renderer (one FontConfiguration, one image cache, parsed stylesheets),
  including template rendering and the cache key;
- bare: WeasyPrint's own HTML(...).write_pdf() of the same HTML and CSS, nothing else (the floor);
- process: one `weasyprint` command per file, as a shell loop would do it.
Targets: handbook >= 15x faster than a process per file, within 1.25x of the bare floor.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import weasyprint

from benchmarks.synthetic import REPO
from generator.outputs import worksheet_files
from generator.pdf.render import Renderer, job_for, run_jobs
from generator.validate.check import check_repository

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=16, help="goal worksheets to render")
    parser.add_argument("--processes", type=int, default=4, help="files for the process timing")
    args = parser.parse_args()
    catalog = check_repository(REPO).catalog
    assert catalog is not None
    files = [f for f in worksheet_files(catalog, ("a4",)) if f.kind == "goal"][: args.count]
    jobs = [job_for(catalog, f) for f in files]
    renderer = Renderer(catalog)
    renderer.write(jobs[0], renderer.html(jobs[0]), Path(tempfile.mktemp(suffix=".pdf")), "0" * 32)

    start = time.perf_counter()
    for job in jobs:
        html = renderer.html(job)
        key = renderer.key(job, html)
        document = weasyprint.HTML(string=html, base_url=catalog.root.as_uri() + "/",
                                   url_fetcher=renderer.fetcher)  # fmt: skip
        document.write_pdf(io.BytesIO(), stylesheets=renderer.stylesheets("a4"),
                           font_config=renderer.font_config, cache=renderer.cache,
                           pdf_tags=True, pdf_identifier=bytes.fromhex(key[:32]))  # fmt: skip
    ours = (time.perf_counter() - start) / len(jobs)

    htmls = [renderer.html(job) for job in jobs]
    css = weasyprint.CSS(string=renderer.css_text["a4"], font_config=renderer.font_config)
    start = time.perf_counter()
    for html in htmls:
        weasyprint.HTML(string=html, base_url=catalog.root.as_uri() + "/").write_pdf(
            io.BytesIO(), stylesheets=[css], font_config=renderer.font_config, pdf_tags=True
        )
    bare = (time.perf_counter() - start) / len(htmls)

    with tempfile.TemporaryDirectory() as tmp:
        css_file = Path(tmp) / "print.css"
        css_file.write_text(renderer.css_text["a4"])
        sources = []
        for n, html in enumerate(htmls[: args.processes]):
            source = Path(tmp) / f"{n}.html"
            source.write_text(html)
            sources.append(source)
        start = time.perf_counter()
        for source in sources:
            subprocess.run(
                [str(BIN / "weasyprint"), "-q", "-s", str(css_file), "-u",
                 catalog.root.as_uri() + "/", str(source), str(source.with_suffix(".pdf"))],
                check=True,
            )  # fmt: skip
        process = (time.perf_counter() - start) / len(sources)

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        run_jobs(renderer, jobs, Path(tmp), None, None)
        build = (time.perf_counter() - start) / len(jobs)

    print(f"per worksheet: handbook one core {ours * 1000:.0f} ms, handbook build (all cores) "
          f"{build * 1000:.0f} ms, bare WeasyPrint {bare * 1000:.0f} ms, "
          f"weasyprint process {process * 1000:.0f} ms")  # fmt: skip
    print(f"handbook one core vs bare: {ours / bare:.2f}x (target <= 1.25)")
    print(f"process vs handbook one core: {process / ours:.1f}x faster")
    print(f"process vs handbook build: {process / build:.1f}x faster (target >= 15)")


if __name__ == "__main__":
    main()
