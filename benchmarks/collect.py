"""`handbook collect` cost: seconds per 1,000 filled PDFs and memory, for growing N.

Run: .venv/bin/python -m benchmarks.collect [--count 1000] [--steps 250,1000]
Renders one fillable pair booklet (one goal) and the fillable evaluation of the default catalog,
fills 10 of each with distinct answers, copies them up to N files, then times `collect` (read on
every core through the shared pool, figures, report.html/pdf, CSVs). Target: 1,000 PDFs in under
30 s on 2 cores, memory flat in N (the parent's peak RSS and the workers' peak RSS are printed).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from benchmarks.synthetic import REPO
from generator.outputs import worksheet_files
from generator.pdf.render import Renderer, job_for, run_jobs
from generator.pdf.roster import render_roster
from generator.report.collect import collect
from generator.validate.check import check_repository


def _fill(source: Path, target: Path, values: dict[str, str]) -> None:
    writer = PdfWriter(clone_from=PdfReader(source))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.write(target)


def filled_set(root: Path, tmp: Path) -> list[Path]:
    """20 distinct filled sheets: 10 pair booklets (other names) and 10 evaluations."""
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


def _cpu() -> float:
    """CPU seconds of this process and its (finished) workers: comparable on a busy machine."""
    own, kids = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", default="250,1000", help="Comma-separated counts of PDFs.")
    args = parser.parse_args()
    catalog = check_repository(REPO).catalog
    assert catalog is not None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        made = filled_set(REPO, tmp)
        for count in (int(s) for s in args.steps.split(",")):
            folder = tmp / f"in-{count}"
            folder.mkdir()
            for n in range(count):
                source = made[n % len(made)]
                shutil.copyfile(source, folder / f"{n:05d}-{source.name}")
            cpu_before = _cpu()
            start = time.perf_counter()
            outcome = collect(catalog, [folder], tmp / f"report-{count}")
            seconds = time.perf_counter() - start
            cpu = _cpu() - cpu_before
            parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"{count} PDFs: {seconds:.2f}s ({1000 * seconds / count:.2f}s per 1,000; target"
                f" < 30s), {len(outcome.sheets)} sheets counted, peak RSS parent {parent:.0f} MB,"
                f" workers {workers:.0f} MB; CPU {1000 * cpu / count:.1f}s per 1,000 (wall time on"
                " 2 idle cores is about half of that)"
            )


if __name__ == "__main__":
    main()
