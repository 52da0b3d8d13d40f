"""The local executor: a batch task in `--jobs` worker processes of this machine.

Workers start from a fork server (a fresh process that has imported the task's module once),
not as forks of the main process: polars runs a thread pool, and a fork of a process whose pool
has run deadlocks at the child's first polars call (a library caller's process has often used
polars already). Each worker is one of the `--jobs` cores, so polars in it runs one thread.
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager, suppress
from typing import Any, TypeVar

from dedupe.parallel import breaking_exit_code, die_with_parent, set_parent_death_signal
from winnow_corpus.errors import WorkerLost
from winnow_corpus.executors import IN_FLIGHT_PER_WORKER

R = TypeVar("R")


class LocalProcesses:
    """`jobs` worker processes; with one job, or fewer than two batches, the task runs here
    (starting workers would cost more than it saves).

    Entered as a context, its workers outlive one `ordered` call and stop when the context
    ends: a run's second pass over batches (recurring lines) does not start them again (their
    fork server imports the task's modules first, about half a second). Not entered, each
    `ordered` call starts and stops its own."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._stack: ExitStack | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._workers: list[Any] = []  # the pool's processes, to say how one ended if it breaks

    def __enter__(self) -> LocalProcesses:
        self._stack = ExitStack()
        return self

    def __exit__(self, *exc: Any) -> bool:
        stack, self._stack, self._pool = self._stack, None, None
        return bool(stack is not None and stack.__exit__(*exc))

    def ordered(self, task: Callable[..., R], calls: Iterable[tuple[Any, ...]]) -> Iterator[R]:
        stream = iter(calls)
        first = list(itertools.islice(stream, 2))
        if self.jobs == 1 or len(first) < 2:
            for call in itertools.chain(first, stream):
                yield task(*call)
            return
        if self._stack is None:
            with LocalProcesses(self.jobs) as scoped:
                yield from scoped.ordered(task, itertools.chain(first, stream))
            return
        pool = self._started(self._stack, task)
        yield from self._in_workers(pool, task, itertools.chain(first, stream))

    def _started(self, stack: ExitStack, task: Callable[..., Any]) -> ProcessPoolExecutor:
        """The pool, started on first use (its fork server preloads `task`'s module)."""
        if self._pool is None:
            stack.enter_context(_reaped_forkserver())
            self._pool = stack.enter_context(
                ProcessPoolExecutor(
                    max_workers=self.jobs,
                    mp_context=_pool_context(task.__module__),
                    initializer=_worker_start,
                    initargs=(os.getpid(),),
                )
            )
        return self._pool

    def _in_workers(
        self, pool: ProcessPoolExecutor, task: Callable[..., R], calls: Iterator[tuple[Any, ...]]
    ) -> Iterator[R]:
        workers = self._workers

        def submitted() -> Iterator[Future[R]]:
            for call in calls:
                yield pool.submit(task, *call)
                # a private table of the pool's, which starts workers as tasks arrive
                workers.extend(
                    process
                    for process in getattr(pool, "_processes", {}).values()
                    if process not in workers
                )

        try:
            yield from _in_order(submitted(), ahead=IN_FLIGHT_PER_WORKER * self.jobs)
        except BrokenProcessPool as exc:  # a worker killed (out of memory) or crashed
            # The pool's own thread reaps the workers now; read their ends after it has. A
            # fork server's worker reports its end once, on a pipe: a second thread reading
            # it at the same time finds the pipe empty and records 255 (seen under load).
            pool.shutdown(wait=True)
            raise WorkerLost(_lost_exit_code(workers)) from exc


def _worker_start(main: int) -> None:
    """A worker's initializer: it ends when the run's main process ends, and when the fork
    server it was forked from ends (a SIGKILLed run left both asleep for ever). The fork server
    itself needs nothing: it exits once no process holds its "alive" pipe, and the run's
    processes (the main one, its workers) were the only ones that did."""
    set_parent_death_signal()  # the parent here is the fork server
    die_with_parent(main)


def worker_imports(module: str) -> list[str]:
    """`module` and the modules it names in `WORKER_IMPORTS` (imported to read them)."""
    named = getattr(importlib.import_module(module), "WORKER_IMPORTS", ())
    return [module, *named]


def _pool_context(preload: str) -> multiprocessing.context.BaseContext:
    """A fork-server context whose server has imported `preload` (the task's module) once,
    and the modules that module names in `WORKER_IMPORTS`: what its tasks import when they
    run, which the process that submits them need not load."""
    # each worker is one of the --jobs cores: polars in it runs one thread (read at import)
    os.environ.setdefault("POLARS_MAX_THREADS", "1")
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # the server imports once; workers fork from it
    context.set_forkserver_preload(worker_imports(preload))
    return context


@contextmanager
def _reaped_forkserver() -> Iterator[None]:
    """Stop the fork server once the workers are done, and wait for it.

    The workers are the server's children, not this process's: until this process reaps the
    server, their CPU time is missing from what `getrusage(RUSAGE_CHILDREN)`, `time` and the
    benchmarks report for a run. `_stop` is the standard library's own way to stop the server
    (used by its tests); where a Python lacks it, the server stops at exit as before."""
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    try:
        yield
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM, an error): the server may be mid-way through starting
        # a worker and never see that it should end, and `_stop` waits for it without end
        # (1 SIGTERM in 6 hung so); its workers end with it (`_worker_start`).
        pid = getattr(server, "_forkserver_pid", None)
        if isinstance(pid, int):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        raise
    finally:
        stop = getattr(server, "_stop", None)
        if callable(stop):
            stop()


def _lost_exit_code(workers: Sequence[Any]) -> int | None:
    """The exit code of the worker that ended badly, where one says so. A broken pool ends its
    other workers with SIGTERM, and a worker that loses the pool's pipe exits with an error
    code: a death by another signal (the kernel's SIGKILL) is the one that broke it."""
    for worker in workers:
        worker.join(timeout=1.0)  # reaped by the pool already; a worker it never saw, here
    return breaking_exit_code(workers)


def _in_order(tasks: Iterator[Future[R]], ahead: int) -> Iterator[R]:
    """The tasks' results in submission order, submitting at most `ahead` tasks before the
    oldest one's result is taken.

    `Executor.map` submits every task at once, so with workers every raw batch (and its
    pickled copy) was alive from the start; this keeps a few batches per worker in flight.
    """
    pending: deque[Future[R]] = deque()
    for task in tasks:
        pending.append(task)
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


__all__ = ["LocalProcesses"]
