"""Benchmark helpers: synthetic catalogs (many copies of the goals) and command timing."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import time
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


def time_command(cmd: list[str], cwd: Path, repeat: int) -> float:
    """Median wall time of a command run as a fresh process; exits on failure."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
        runs.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{cmd} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return statistics.median(runs)
