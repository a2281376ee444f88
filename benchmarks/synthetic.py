"""Benchmark helpers: synthetic catalogs (many copies of the goals) and command timing."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def synthetic_catalog(dest: Path, goals: int, source: Path = REPO) -> Path:
    """A copy of `source` whose goals/ folders hold `goals` goal files in all (copies, renamed)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source / "content", dest / "content")
    for name in ("mkdocs.yml", "overrides"):
        src = source / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    originals = sorted((dest / "content" / "goals").glob("*/*.yml"))
    texts = {p: p.read_text(encoding="utf-8") for p in originals}
    made = len(originals)
    n = 0
    while made < goals:
        for path, text in texts.items():
            if made >= goals:
                break
            new_id = f"{path.stem}-copy-{n}"
            body = re.sub(r"(?m)^id: .*$", f"id: {new_id}", text, count=1)
            body = re.sub(r"(?m)^title: (.*)$", rf"title: \1 ({n})", body, count=1)
            body = re.sub(r"(?m)^(\s+- id: )(.*)$", rf"\1\2-copy-{n}", body)  # KPI ids
            (path.parent / f"{new_id}.yml").write_text(body, encoding="utf-8")
            made += 1
        n += 1
    return dest


@dataclass(frozen=True)
class Run:
    """One command run as a fresh process: its wall time, exit code, peak memory and output."""

    seconds: float
    returncode: int
    peak_kib: int  # the largest RSS of the process or any child it waited for (KiB on Linux)
    output: str  # stdout and stderr, interleaved


def run_command(cmd: list[str], cwd: Path | None = None) -> Run:
    """Run `cmd` and reap it with wait4, which gives its own resource usage: no wrapper process
    stands between the clock and the command (a wrapper's start-up would count against it)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    return Run(seconds, process.returncode, usage.ru_maxrss, output)


def time_command(cmd: list[str], cwd: Path, repeat: int) -> float:
    """Median wall time of a command run as a fresh process; exits on failure."""
    runs = []
    for _ in range(repeat):
        run = run_command(cmd, cwd)
        runs.append(run.seconds)
        if run.returncode != 0:
            raise SystemExit(f"{cmd} failed:\n{run.output[-4000:]}")
    return statistics.median(runs)
