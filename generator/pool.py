"""The one worker pool: every parallel job (reading, schema checks, PDFs) maps through here.

Workers are forked from the warm parent, so what the job needs (parsed stylesheets, validators,
documents) is inherited through `shared` instead of pickled; only items and results travel.
Workers ignore Ctrl-C, so an interrupt reaches the parent alone, which stops the pool and raises
KeyboardInterrupt once; an exception in a worker is raised in the parent as itself. Small jobs,
one core, or a platform without fork run in the calling process with the same results.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing, contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_SHARED: dict[str, Any] = {}


def shared() -> dict[str, Any]:
    """What the parent passed as `shared` to the running map (inherited by forked workers)."""
    return _SHARED


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
) -> Generator[R, None, None]:
    """func(item) for every item; on every core when there are at least `min_parallel` items.

    `func` must be a module-level function (workers look it up by name). With ordered=False
    results arrive as they finish (for progress bars); callers then carry the item's index.
    Consume it inside `contextlib.closing(...)` (or use `pool_list`): an exception raised in the
    caller's loop body (Ctrl-C during a progress update) then closes the generator at once, which
    stops the workers before the caller cleans up what they were writing.
    """
    n = cores()
    parallel = len(items) >= min_parallel and n > 1 and "fork" in mp.get_all_start_methods()
    _SHARED.clear()
    _SHARED.update(shared or {})
    try:
        if not parallel:
            yield from (func(item) for item in items)
            return
        pool = mp.get_context("fork").Pool(min(n, len(items)), initializer=_ignore_interrupts)
        try:
            mapper = pool.imap if ordered else pool.imap_unordered
            yield from mapper(func, items, chunksize)
            pool.close()
        except BaseException:
            pool.terminate()  # Ctrl-C or a worker's error: stop every worker now
            raise
        finally:
            pool.join()
    finally:
        _SHARED.clear()


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
    try:
        send.send(message)
    except Exception as exc:  # an unpicklable result or exception: say what it was
        send.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
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
