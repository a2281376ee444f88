"""The one worker pool: same results as serial, errors raised as themselves, Ctrl-C stops all."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from generator.pool import Background, cores, in_background, pool_list, pool_map, report, shared
from generator.problems import HandbookError
from tests.conftest import copy_repository

REPO = Path(__file__).resolve().parents[1]


def _square_plus(x: int) -> tuple[int, int]:
    return x, x * x + shared()["offset"]


def _fail_on_seven(x: int) -> int:
    if x == 7:
        raise HandbookError(f"item {x} is bad")
    return x


def test_parallel_results_equal_serial_results() -> None:
    items = list(range(200))
    serial = list(pool_map(_square_plus, items, min_parallel=10**9, shared={"offset": 3}))
    parallel = list(pool_map(_square_plus, items, min_parallel=1, shared={"offset": 3}))
    unordered = sorted(
        pool_map(_square_plus, items, min_parallel=1, shared={"offset": 3}, ordered=False)
    )
    assert serial == parallel == unordered == [(x, x * x + 3) for x in items]
    assert shared() == {}  # nothing lingers for the next job


@pytest.mark.skipif(cores() < 2, reason="needs two cores to fork workers")
def _counting(x: int) -> int:
    for step in range(3):
        report((x, step))
    return x


def _outer(x: int) -> tuple[int, list[int], str]:
    """A map inside a map's item (in this process): its own `shared`, then the outer's again;
    its reports reach the outer map's on_report."""
    inner = pool_list(_counting, [x * 10, x * 10 + 1], min_parallel=10**9, shared={"k": "in"})
    return x, inner, shared()["k"]


@pytest.mark.parametrize("least", [1, 10**9], ids=["forked", "in-process"])
def test_reports_reach_the_parent_while_items_are_at_work(least: int) -> None:
    got: list[tuple[int, int]] = []
    results = []
    for value in pool_map(_counting, list(range(6)), min_parallel=least, on_report=got.append):
        results.append(value)
        # every report of an item arrives before its result
        assert [(value, step) for step in range(3)] == [r for r in got if r[0] == value]
    assert results == list(range(6))
    assert sorted(got) == [(x, step) for x in range(6) for step in range(3)]

    got.clear()
    nested = pool_list(
        _outer, [1, 2], min_parallel=least, shared={"k": "out"}, on_report=got.append
    )
    assert nested == [(1, [10, 11], "out"), (2, [20, 21], "out")]
    assert sorted(got) == [(x, step) for x in (10, 11, 20, 21) for step in range(3)]
    assert shared() == {}  # nothing of a finished map is left


def test_a_worker_error_reaches_the_parent_as_itself() -> None:
    with pytest.raises(HandbookError, match="item 7 is bad"):
        list(pool_map(_fail_on_seven, list(range(20)), min_parallel=1))


def _blocked() -> list[int]:
    return sorted(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def _terminal_sigint() -> None:
    """The build starts as from a terminal: SIGINT neither ignored nor blocked (a test
    runner's worker may have either; ignored or blocked signals survive exec)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_during_a_build_stops_every_worker_and_publishes_nothing(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--root", str(root), "--no-pdf"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    proc = subprocess.Popen(
        # --fillable: twice the sheets, so Ctrl-C lands well inside the rendering
        [sys.executable, "-m", "generator", "build", "--root", str(root), "--fillable"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_terminal_sigint,
    )
    inherited = f"SIGINT {signal.getsignal(signal.SIGINT)}, blocked {_blocked()}"
    cache = root / ".cache" / "worksheets"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (cache.is_dir() and any(cache.glob("*.pdf"))):
        time.sleep(0.1)  # wait until PDFs are being rendered by the workers
    assert proc.poll() is None, "the build ended before its first worksheet was cached"
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C: the whole group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, f"{err}\n(test process: {inherited})"
    assert "interrupted; nothing was published" in err
    assert err.count("Traceback") == 0 and "This is a bug" not in err
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == before
    assert list((root / ".cache" / "staging").iterdir()) == []
    leftover = subprocess.run(
        ["pgrep", "-f", f"generator build --root {root}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert leftover.stdout.strip() == ""


@pytest.mark.skipif(cores() < 2, reason="a background job forks only with two cores")
def test_a_background_job_runs_in_another_process_and_returns_its_result() -> None:
    with in_background(os.getpid) as job:
        assert job.result() != os.getpid()


def test_a_background_jobs_error_is_raised_as_itself() -> None:
    def fail() -> None:
        raise HandbookError("the book failed")

    with pytest.raises(HandbookError, match="the book failed"), in_background(fail) as job:
        job.result()


@pytest.mark.skipif(cores() < 2, reason="a background job forks only with two cores")
def test_a_crashed_background_job_is_reported() -> None:
    with (
        pytest.raises(RuntimeError, match=r"died \(exit 3\)"),
        in_background(lambda: os._exit(3)) as job,
    ):
        job.result()


@pytest.mark.skipif(cores() < 2, reason="a background job forks only with two cores")
def test_leaving_the_block_early_stops_the_background_job(tmp_path: Path) -> None:
    marker = tmp_path / "finished"

    def slow() -> None:
        time.sleep(30)
        marker.touch()

    started = time.monotonic()
    with pytest.raises(KeyError), in_background(slow) as job:
        assert isinstance(job, Background)
        raise KeyError("the site build failed")
    assert time.monotonic() - started < 10
    assert job._process is not None and not job._process.is_alive()
    assert not marker.exists()


@pytest.mark.skipif(cores() < 2, reason="a background job forks only with two cores")
def test_a_background_job_can_yield_the_cores() -> None:
    with in_background(lambda: os.nice(0), nice=5) as job:
        assert job.result() == os.nice(0) + 5  # the child runs 5 steps lower; this one did not


def _die_on_five(x: int) -> int:
    if x == 5:
        os._exit(9)  # what the out-of-memory killer leaves: no exception, no message
    return x


def _big_or_fail(x: int) -> bytes:
    if x == 30:
        raise HandbookError("item 30 is bad")
    return bytes(300_000)  # larger than a pipe's buffer: workers block sending


@pytest.mark.skipif(cores() < 2, reason="needs two cores to fork workers")
def test_a_dead_worker_is_reported_not_waited_for() -> None:
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"a worker died \(exit 9\)"):
        list(pool_map(_die_on_five, list(range(40)), min_parallel=1))
    assert time.monotonic() - started < 30


@pytest.mark.skipif(cores() < 2, reason="needs two cores to fork workers")
def test_an_error_while_workers_block_on_large_results_stops_them_all() -> None:
    before = {p.pid for p in multiprocessing.active_children()}
    with pytest.raises(HandbookError, match="item 30 is bad"):
        for _ in pool_map(_big_or_fail, list(range(200)), min_parallel=1, ordered=False):
            time.sleep(0.01)  # a slow consumer: the other worker's results pile up unread
    assert {p.pid for p in multiprocessing.active_children()} == before


@pytest.mark.skipif(cores() < 2, reason="needs two cores to fork workers")
def test_leaving_the_loop_early_kills_the_workers() -> None:
    results = pool_map(_square_plus, list(range(500)), min_parallel=1, shared={"offset": 0})
    with closing(results):
        assert next(results) == (0, 0)
    assert multiprocessing.active_children() == []
