"""The one worker pool: every parallel job (reading, schema checks, PDFs) maps through here.

Workers are forked from the warm parent, so what the job needs (parsed stylesheets, validators,
documents) is inherited through `shared`, and so are the items: only chunks of indices and the
results travel. Workers ignore Ctrl-C, so an interrupt reaches the parent alone, which kills the
workers and raises KeyboardInterrupt once; an exception in a worker is raised in the parent as
itself, and a worker that dies (the out-of-memory killer, a crash in C) is reported instead of
waited for. The parent runs no helper threads, so stopping cannot deadlock (multiprocessing.Pool's
terminate() can, joining a task thread stuck writing to a worker). Small jobs, one core, or a
platform without fork run in the calling process with the same results.
"""

from __future__ import annotations

import functools
import multiprocessing as mp
import os
import signal
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

_SHARED: dict[str, Any] = {}
# What `report` calls: the running map's `on_report`; in a forked worker, a send to the parent.
_ON_REPORT: Callable[[Any], None] | None = None


def shared() -> dict[str, Any]:
    """What the parent passed as `shared` to the running map (inherited by forked workers)."""
    return _SHARED


def report(value: Any) -> None:
    """From inside a mapped function: hand `value` (picklable) to the running map's
    `on_report` in the parent, at once (a progress count while the item is still at work)."""
    if _ON_REPORT is not None:
        _ON_REPORT(value)


def cores() -> int:
    """Cores this process may use (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def pool_map(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    min_parallel: int,
    shared: dict[str, Any] | None = None,
    ordered: bool = True,
    chunksize: int = 1,
    on_report: Callable[[Any], None] | None = None,
) -> Generator[R, None, None]:
    """func(item) for every item; on every core when there are at least `min_parallel` items.

    `func` must be a module-level function (workers look it up by name). With ordered=False
    results arrive as they finish (for progress bars); callers then carry the item's index.
    Consume it inside `contextlib.closing(...)` (or use `pool_list`): an exception raised in the
    caller's loop body (Ctrl-C during a progress update) then closes the generator at once, which
    stops the workers before the caller cleans up what they were writing.
    `on_report`: called in this process with each value `func` passes to `report`, as it comes.
    """
    global _ON_REPORT
    n = cores()
    parallel = len(items) >= min_parallel and n > 1 and "fork" in mp.get_all_start_methods()
    # A map may run inside another's item (in this process, or in a worker): the outer map's
    # `shared` and `on_report` come back when it ends; its reports reach the nearest on_report.
    outer, outer_report = dict(_SHARED), _ON_REPORT
    _SHARED.clear()
    _SHARED.update(shared or {})
    _ON_REPORT = on_report or outer_report
    try:
        if not parallel:
            yield from (func(item) for item in items)
            return
        workers = _Workers(func, items, min(n, len(items)), chunksize, on_report)
        yield from workers.results(ordered)
    finally:
        _SHARED.clear()
        _SHARED.update(outer)
        _ON_REPORT = outer_report


# Chunks handed to a worker ahead of the one it is on, so it never waits for the parent. The
# messages to workers are (start, stop) pairs, far below a pipe's buffer, so a send never blocks.
_AHEAD = 2


class _Workers:
    """Forked workers fed chunks of item indices over one pipe each (the items themselves are
    inherited at fork). No threads: a worker's error, a worker's death (the pipe ends) and the
    caller leaving early are each seen in this loop, which then kills every worker at once."""

    def __init__(
        self,
        func: Callable[[Any], Any],
        items: Sequence[Any],
        size: int,
        chunk: int,
        on_report: Callable[[Any], None] | None = None,
    ):
        self.chunks = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
        self.on_report = on_report
        context = mp.get_context("fork")
        self.pipes: list[Connection] = []
        self.processes: list[Any] = []
        try:
            for _ in range(size):
                mine, theirs = context.Pipe()
                others = list(self.pipes)  # a worker keeps no end of its siblings' pipes
                process = context.Process(target=_serve, args=(func, items, theirs, others))
                process.start()
                theirs.close()
                self.pipes.append(mine)
                self.processes.append(process)
        except BaseException:
            self.stop(kill=True)
            raise

    def results(self, ordered: bool) -> Iterator[Any]:
        finished = False
        try:
            yield from self._collect(ordered)
            finished = True
        finally:
            self.stop(kill=not finished)

    def _collect(self, ordered: bool) -> Iterator[Any]:
        queue = iter(range(len(self.chunks)))
        given: dict[Connection, list[int]] = {pipe: [] for pipe in self.pipes}

        def give(pipe: Connection) -> None:
            number = next(queue, None)
            if number is not None:
                with suppress(BrokenPipeError, ConnectionResetError):  # dead: its recv says so
                    pipe.send(self.chunks[number])
                given[pipe].append(number)

        for _ in range(_AHEAD):
            for pipe in self.pipes:
                give(pipe)
        done: dict[int, list[Any]] = {}
        following = 0  # ordered: the next chunk to yield
        while any(given.values()):
            for ready in wait([p for p, numbers in given.items() if numbers]):
                pipe = cast(Connection, ready)
                try:
                    kind, value = pipe.recv()
                except (EOFError, ConnectionResetError):  # the worker is gone
                    process = self.processes[self.pipes.index(pipe)]
                    process.join()
                    raise RuntimeError(f"a worker died (exit {process.exitcode})") from None
                if kind == "error":
                    raise value
                if kind == "report":  # from within a chunk still at work
                    if self.on_report is not None:
                        self.on_report(value)
                    continue
                number = given[pipe].pop(0)
                give(pipe)
                if not ordered:
                    yield from value
                    continue
                done[number] = value
                while following in done:
                    yield from done.pop(following)
                    following += 1

    def stop(self, kill: bool) -> None:
        """Let the workers finish (all chunks done), or kill them now (an error, Ctrl-C, the
        caller leaving early): nothing they might still write outlives this call."""
        for pipe, process in zip(self.pipes, self.processes, strict=True):
            if kill:
                process.kill()
            else:
                with suppress(OSError):
                    pipe.send(None)
            process.join()
            pipe.close()


def _serve(func: Callable[[Any], Any], items: Sequence[Any], pipe: Any, others: list[Any]) -> None:
    global _ON_REPORT
    _ignore_interrupts()
    _ON_REPORT = functools.partial(_report_to, pipe)
    for other in others:
        other.close()
    while True:
        try:
            chunk = pipe.recv()
        except EOFError:  # the parent is gone
            return
        if chunk is None:
            return
        start, stop = chunk
        try:
            outcome: tuple[str, Any] = ("ok", [func(items[i]) for i in range(start, stop)])
        except BaseException as exc:  # the parent raises it and stops every worker
            _send(pipe, ("error", exc))
            return
        _send(pipe, outcome)


def _report_to(pipe: Any, value: Any) -> None:
    _send(pipe, ("report", value))


def _send(pipe: Any, message: tuple[str, Any]) -> None:
    """Send an outcome; one that does not pickle is reported as an error saying what it was."""
    try:
        pipe.send(message)
    except Exception as exc:
        pipe.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def pool_list(func: Callable[[T], R], items: Sequence[T], **options: Any) -> list[R]:
    """`pool_map` collected into a list, the pool closed whatever happens."""
    with closing(pool_map(func, items, **options)) as results:
        return list(results)


class Background(Generic[R]):
    """One job running in a forked child while the caller goes on (see `in_background`).
    Without fork, or on one core, the job runs in this process when its result is asked for."""

    def __init__(self, func: Callable[[], R], nice: int = 0) -> None:
        self._func: Callable[[], R] | None = func
        self._process: Any = None
        if "fork" in mp.get_all_start_methods() and cores() > 1:
            context = mp.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_run_background, args=(func, send, nice))
            self._process.start()
            send.close()  # the child holds the only sending end: a crash reads as end of file
            self._func = None

    def result(self) -> R:
        """Wait for the job; its result, or its exception raised here as itself."""
        if self._func is not None:
            return self._func()
        try:
            kind, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"a background job died (exit {self._process.exitcode})") from None
        self._process.join()
        if kind == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop the job if it still runs (the caller failed or was interrupted)."""
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()


def _run_background(func: Callable[[], Any], send: Any, nice: int) -> None:
    _ignore_interrupts()
    if nice:
        os.nice(nice)
    try:
        message: tuple[str, Any] = ("ok", func())
    except BaseException as exc:  # the parent raises it
        message = ("error", exc)
    _send(send, message)
    send.close()


@contextmanager
def in_background(func: Callable[[], R], nice: int = 0) -> Iterator[Background[R]]:
    """Run `func` in a forked child (on the other core) while the block runs; collect it with
    `.result()` inside the block. Leaving the block early (an error, Ctrl-C) stops the child.
    `nice` > 0: the child yields the cores to this process and its workers, running on what
    they leave idle."""
    job = Background(func, nice)
    try:
        yield job
    finally:
        job.cancel()
