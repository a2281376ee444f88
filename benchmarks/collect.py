"""`handbook collect` cost: seconds per 1,000 filled PDFs and peak memory, for growing N.

Run: .venv/bin/python -m benchmarks.collect [--steps 250,1000]
Renders one fillable pair booklet (one goal) and the fillable evaluation of the default catalog,
fills 10 of each with pypdf, then makes N DISTINCT returns from them: each is its source plus an
incremental update (as a viewer saves) with its own participant code or mentee name, so every
file counts as its own sheet and none is a duplicate. Every step runs `collect` (read on every
core through the shared pool, figures, report.html/pdf, CSVs) in a fresh process, so the peak
RSS of each step is its own. Target: 1,000 PDFs in under 30 s on 2 cores, memory flat in N.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf
from pypdf import PdfReader, PdfWriter

from benchmarks.synthetic import REPO
from generator.outputs import worksheet_files
from generator.pdf.render import Renderer, job_for, run_jobs
from generator.pdf.roster import render_roster
from generator.report.collect import collect
from generator.validate.check import check_repository

# The field each kind of source varies: a new value makes a new participant or pair.
VARIED = {"evaluation": ("participant.code", "C"), "pair": ("check-in-log.mentee", "Mentee ")}


def _fill(source: Path, target: Path, values: dict[str, str]) -> None:
    writer = PdfWriter(clone_from=PdfReader(source))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.write(target)


def filled_set(root: Path, tmp: Path) -> list[Path]:
    """20 filled sheets: 10 pair booklets (other names) and 10 evaluations."""
    catalog = check_repository(root).catalog
    assert catalog is not None
    roster = tmp / "pairs.csv"
    roster.write_text("mentor,mentee,start_date,goals\nAnn,Bob,2027-02-01,learn-new-skills\n")
    (booklet,) = render_roster(catalog, roster, tmp / "pairs", papers=("a4",), fillable=True)
    files = [f for f in worksheet_files(catalog, ("a4",)) if f.key == "evaluation"]
    run_jobs(Renderer(catalog, True), [job_for(catalog, files[0])], tmp / "forms", None, None)
    evaluation = tmp / "forms" / files[0].path
    out = tmp / "filled"
    out.mkdir()
    made = []
    for n in range(10):
        pair = {
            "check-in-log.mentee": f"Mentee {n}",
            "goal.learn-new-skills.outcome": "/achieved" if n % 2 else "/partly",
            "log.1.date": "2027-02-01",
            "log.1.status": "/planned",
            "log.1.minutes": "45",
        }
        _fill(booklet, out / f"pair-{n}.pdf", pair)
        answers = {
            "participant.code": f"C{n}",
            "participant.role": "/mentee",
            "evaluation.before.clarity": f"/{1 + n % 3}",
            "evaluation.after.clarity": f"/{3 + n % 3}",
            "evaluation.end.recommend": f"/{n}",
        }
        _fill(evaluation, out / f"evaluation-{n}.pdf", answers)
        made += [out / f"pair-{n}.pdf", out / f"evaluation-{n}.pdf"]
    return made


def append_update(data: bytes, objects: dict[int, bytes], trailer: bytes) -> bytes:
    """data plus an incremental update replacing `objects` (number -> dictionary bytes)."""
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"  # the free-list head, as viewers write it
    for number, offset in offsets.items():
        out += b"%d 1\n%010d 00000 n \n" % (number, offset)
    out += b"trailer\n<< /Prev %d %s\nstartxref\n%d\n%%%%EOF\n" % (previous, trailer[2:], xref)
    return bytes(out)


def distinct_returns(sources: list[Path], folder: Path, count: int) -> None:
    """`count` files, each a source with its varied field set to a value of its own."""
    folder.mkdir()
    opened = []
    for source in sources:
        pdf = pikepdf.open(source)
        field_name, prefix = VARIED["evaluation" if "evaluation" in source.name else "pair"]
        (target,) = [f for f in pdf.Root.AcroForm.Fields if str(f.get("/T", "")) == field_name]
        opened.append((pdf, source.read_bytes(), target, prefix, pdf.trailer.unparse()))
    for n in range(count):
        pdf, data, target, prefix, trailer = opened[n % len(opened)]
        target.V = pikepdf.String(f"{prefix}{n}")
        update = append_update(data, {target.objgen[0]: target.unparse(resolved=True)}, trailer)
        (folder / f"{n:05d}.pdf").write_bytes(update)
    for pdf, *_ in opened:
        pdf.close()


def _cpu() -> float:
    """CPU seconds of this process and its (finished) workers: comparable on a busy machine."""
    own, kids = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(folder: Path, report: Path) -> dict[str, float]:
    """One `collect` run in this (fresh) process: time, CPU, sheets, peak RSS in MB."""
    catalog = check_repository(REPO).catalog
    assert catalog is not None
    cpu_before = _cpu()
    start = time.perf_counter()
    outcome = collect(catalog, [folder], report)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu": _cpu() - cpu_before,
        "sheets": len(outcome.sheets),
        "unreadable": len(outcome.unreadable),
        "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", default="250,1000", help="Comma-separated counts of PDFs.")
    parser.add_argument("--measure", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # the child process of one step
        print(json.dumps(measure(*args.measure)))
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        made = filled_set(REPO, tmp)
        results = {}
        for count in (int(s) for s in args.steps.split(",")):
            folder = tmp / f"in-{count}"
            distinct_returns(made, folder, count)
            command = [sys.executable, "-m", "benchmarks.collect", "--measure", str(folder)]
            child = subprocess.run(
                [*command, str(tmp / f"report-{count}")],
                check=True,
                capture_output=True,
                text=True,
            )
            got = results[count] = json.loads(child.stdout.splitlines()[-1])
            print(
                f"{count} distinct PDFs: {got['seconds']:.2f}s"
                f" ({1000 * got['seconds'] / count:.2f}s per 1,000; target < 30s),"
                f" {got['sheets']} sheets counted, {got['unreadable']} unreadable;"
                f" CPU {1000 * got['cpu'] / count:.1f}s per 1,000;"
                f" peak RSS parent {got['parent_mb']:.0f} MB, workers {got['workers_mb']:.0f} MB",
                flush=True,
            )
        low, high = min(results), max(results)
        if low != high:
            ratio = results[high]["parent_mb"] / results[low]["parent_mb"]
            workers = results[high]["workers_mb"] / results[low]["workers_mb"]
            print(
                f"memory {high} vs {low} PDFs ({high / low:.0f}x the files): parent x{ratio:.2f},"
                f" workers x{workers:.2f} (flat is about x1)"
            )


if __name__ == "__main__":
    main()
