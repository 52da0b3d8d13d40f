"""Run the dedupe stage's independent loops on several cores, with the same result as one.

Why fork: the loops (both tiers' signatures, the story top-k ranking, checking candidate pairs)
read the whole collection's features, which are built in this process once the cleaning workers
are done. Sending them to a pool would copy hundreds of megabytes per worker; a forked child
sees them as they are, shares their memory pages with the parent and returns only its small
answer.
Where the operating system cannot fork (Windows; macOS, where fork is unsafe), or with one job,
the loop runs here, one slice, and gives the same result.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from functools import lru_cache
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar, cast

import numpy as np
import numpy.typing as npt

from dedupe.errors import WorkerLost

T = TypeVar("T")

# The task the forked children run; set only while a pool is open (children inherit it).
_TASK: Callable[[int, int], object] | None = None


def _run_slice(bounds: tuple[int, int]) -> object:
    assert _TASK is not None, "fork_map's task is set before its pool forks"
    return _TASK(*bounds)


def _ignore_interrupts() -> None:
    """In each child: Ctrl-C is the parent's to handle (it stops the pool), so a child never
    dies half-way through a slice and leaves the pool waiting for an answer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _child_start(parent: int) -> None:
    """A forked pool child's initializer: Ctrl-C is the parent's, and the child dies with it."""
    global _FORKED_CHILD
    _FORKED_CHILD = True
    _ignore_interrupts()
    die_with_parent(parent)


_FORKED_CHILD = False  # set in the children `fork_map` forks


def in_forked_child() -> bool:
    """Whether this process is a child `fork_map` forked: a thread pool the parent started
    (polars') has no threads here, so a task handed to it would wait for ever."""
    return _FORKED_CHILD


PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_WATCH_SECONDS = 0.5  # how often a child without a better way looks for its parent


def die_with_parent(parent: int) -> None:
    """In a child process: end it as soon as process `parent` (its parent, or the run's main
    process for a child of a fork server) ends, however it ends.

    Why: after a SIGKILL to a run (or the kernel's out-of-memory killer), its children used to
    live on for ever, asleep on a pipe nobody would write again, holding their memory. For a
    direct child on Linux the kernel does it: `prctl(PR_SET_PDEATHSIG, SIGKILL)`. Otherwise a
    daemon thread waits for `parent` to end (a pidfd, which wakes when it does, where the
    system has one; else a look every `PARENT_WATCH_SECONDS`). A parent already gone when this
    runs is noticed at once.
    """
    direct = os.getppid() == parent
    if direct and set_parent_death_signal():
        if os.getppid() != parent:  # the parent ended before the signal was set
            os._exit(1)
        return
    if not _alive(parent, direct):
        os._exit(1)
    watcher = threading.Thread(
        target=_watch_parent, args=(parent, direct), name="winnow-parent-watch", daemon=True
    )
    watcher.start()


def set_parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _alive(pid: int, direct: bool) -> bool:
    if direct:
        return os.getppid() == pid  # an orphan is adopted: its parent pid changes
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether `pid` has ended but is not yet reaped: signals still reach it, yet a caller
    that waits for our output before reaping it would wait for us for ever."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def _watch_parent(parent: int, direct: bool) -> None:
    try:
        handle = os.pidfd_open(parent)
    except (AttributeError, OSError):  # not Linux 5.3+: look now and then
        while _alive(parent, direct):
            time.sleep(PARENT_WATCH_SECONDS)
    else:
        select.select([handle], [], [])  # readable once the process has ended
    os._exit(1)


def can_fork() -> bool:
    """True where `fork_map` forks: Linux and other Unix systems, not macOS or Windows."""
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def slices(total: int, parts: int) -> list[tuple[int, int]]:
    """`range(total)` cut into at most `parts` consecutive, nearly equal, non-empty slices.

    >>> slices(10, 3)
    [(0, 4), (4, 7), (7, 10)]
    >>> slices(2, 4)
    [(0, 1), (1, 2)]
    """
    parts = max(1, min(parts, total))
    base, extra = divmod(total, parts)
    bounds, lo = [], 0
    for part in range(parts):
        hi = lo + base + (1 if part < extra else 0)
        bounds.append((lo, hi))
        lo = hi
    return bounds


def fork_map(
    task: Callable[[int, int], T],
    total: int,
    jobs: int,
    least: int = 1,
    most: int | None = None,
) -> list[T]:
    """`task(lo, hi)` over consecutive slices of `range(total)` in `jobs` forked children; the
    answers in slice order (`fork_imap`, gathered)."""
    return list(fork_imap(task, total, jobs, least, most))


def fork_calls(calls: Sequence[Callable[[], T]], jobs: int) -> list[T]:
    """Each of `calls` run in one of `jobs` forked children, taken in order as children come
    free; their answers in the order of `calls`. All run here, in order, with one job."""

    def run(lo: int, hi: int) -> list[T]:
        return [call() for call in calls[lo:hi]]

    jobs = max(1, min(jobs, len(calls)))  # fork_map runs here when it has fewer calls than jobs
    return [answer for part in fork_map(run, len(calls), jobs, most=1) for answer in part]


@contextmanager
def _frozen() -> Iterator[None]:
    """The collector's objects frozen while forked children live (an inner use does not end
    an outer one's freeze): a collection in the parent or a child would otherwise write to
    every container object they share and so copy each page holding one (at 1 GB of input,
    2 jobs: summed PSS 4,200 -> 4,104 MB)."""
    global _FREEZES
    gc.freeze()  # at every entry: objects made since an outer freeze are shared with new children
    release_free_heap()
    _FREEZES += 1
    try:
        yield
    finally:
        _FREEZES -= 1
        if _FREEZES == 0:
            gc.unfreeze()


_FREEZES = 0  # how many `_frozen` blocks are open


def release_free_heap() -> None:
    """Give the free pages of this process's C heap back to the operating system (glibc's
    `malloc_trim`), where the C library has it; nothing elsewhere.

    Why before a fork: what Python and numpy freed (the cleaning phase's batches, the dedupe
    tiers' arrays) mostly stays in the heap as free pages, resident, which the forked children
    then share and copy as they write near them. At 1 GB of input, 2 jobs, the run's peak
    summed PSS was in the writers' fork with 1.1 GB of the parent's heap, 0.4 GB of it free:
    1,924 -> 1,541 MB (docs/performance.md).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # glibc; musl has none
    except (OSError, AttributeError):
        return None
    return trim


def _answer_to(pipe: Connection, call: Callable[[], object], parent: int) -> None:
    """In `fork_call`'s child: send `call()`'s answer, or the error it raised, to the parent."""
    _ignore_interrupts()
    die_with_parent(parent)
    try:
        answer: tuple[bool, object] = (True, call())
    except BaseException as exc:  # every error goes to the parent, which raises it
        answer = (False, exc)
    try:
        pipe.send(answer)
    except Exception as exc:  # an answer or error that does not pickle
        pipe.send((False, RuntimeError(f"the forked call's answer cannot be sent: {exc!r}")))
    pipe.close()


@contextmanager
def fork_call(call: Callable[[], T], fork: bool = True) -> Iterator[Callable[[], T]]:
    """`call` run in a forked child while the `with` block runs in this process.

    The block gets a function that waits for the child's answer (raising what the child
    raised, or `WorkerLost` if it died without answering; asked again, the same); leaving a
    block that never asked waits for it too, so an error is never lost, and leaving it by an
    error or Ctrl-C stops the child.
    With `fork` False, or where `can_fork()` is False, the function runs `call` here when it is
    first asked (or on leaving the block).
    Why: `winnow clean` creates one `.txt` file per article, the longest writer, while the main
    process writes the other files and renders the report beside it. A plain process and a
    pipe, not a pool: a pool keeps threads running in this process, and the block may fork
    again (`fork_calls`), which with threads alive risks a child inheriting a held lock.
    """
    if not fork or not can_fork():
        here = _Once(call)
        yield here
        if not here.asked:
            here()
        return
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    with _frozen():
        child = context.Process(target=_answer_to, args=(send, call, os.getpid()), daemon=True)
        child.start()
        send.close()  # the child holds its own end: end of file here if it dies unanswered

        def receive_answer() -> T:
            try:
                done, value = receive.recv()
            except EOFError:
                child.join()
                raise WorkerLost(child.exitcode) from None
            if not done:
                raise cast(BaseException, value)
            return cast(T, value)

        wait = _Once(receive_answer)
        try:
            yield wait
            if not wait.asked:  # an answer the block asked for, error or not, is its to handle
                wait()
        except BaseException:
            child.terminate()  # the block failed (or the child did): nothing more is wanted
            raise
        finally:
            child.join()
            receive.close()


class _Once(Generic[T]):
    """`call`, run on the first ask only; later asks get the same answer, or the same error.

    >>> calls = []
    >>> once = _Once(lambda: calls.append(1) or len(calls))
    >>> once.asked, once(), once(), once.asked
    (False, 1, 1, True)
    """

    def __init__(self, call: Callable[[], T]) -> None:
        self._call = call
        self._outcome: tuple[bool, Any] | None = None

    @property
    def asked(self) -> bool:
        return self._outcome is not None

    def __call__(self) -> T:
        if self._outcome is None:
            try:
                self._outcome = (True, self._call())
            except BaseException as exc:
                self._outcome = (False, exc)
        done, value = self._outcome
        if not done:
            raise cast(BaseException, value)
        return cast(T, value)


def fork_rows(
    task: Callable[[int, int], npt.NDArray[Any]],
    total: int,
    jobs: int,
    least: int = 1,
    most: int | None = None,
) -> npt.NDArray[Any]:
    """`fork_imap` of a task that answers one row per item: every slice's rows in one array,
    filled as the slices arrive (holding all slices and their concatenation at once had been
    twice the array; dedupe's signatures are up to 1 KB a document). One slice, computed here,
    is returned as it is."""
    parts = fork_imap(task, total, jobs, least, most)
    first = next(parts)
    if first.shape[0] == total:
        return first
    rows = np.empty((total, *first.shape[1:]), dtype=first.dtype)
    rows[: first.shape[0]] = first
    at = first.shape[0]
    del first
    for part in parts:
        rows[at : at + part.shape[0]] = part
        at += part.shape[0]
    return rows


def fork_imap(
    task: Callable[[int, int], T],
    total: int,
    jobs: int,
    least: int = 1,
    most: int | None = None,
) -> Iterator[T]:
    """`task(lo, hi)` over consecutive slices of `range(total)` in `jobs` forked children,
    yielding the answers in slice order as they come, so a caller can store each and let it go.
    (The pool's result thread holds answers that arrive before the caller asks: a caller that
    copies each one away, as dedupe's do, keeps that to a slice or two.)

    One slice per job, or more when a slice would hold over `most` items: a child holds its
    slice's answer twice over (built, then pickled to the parent) until the parent has it, so a
    large answer is better sent in pieces. One slice in this process when `jobs` is 1, when
    there are fewer than `least` items per job, or where `can_fork()` is False. `task` must be a
    pure function of its slice: the children's changes to anything else are lost.
    """
    global _TASK
    if total < least * jobs:
        jobs = 1
    pieces = jobs if most is None or jobs == 1 else max(jobs, -(-total // most))
    parts = slices(total, pieces)
    if len(parts) <= 1 or not can_fork():
        yield task(0, total)
        return
    _TASK = task
    try:
        # the parent's objects go to the collector's permanent generation for the children's
        # lives (`_frozen`)
        with _frozen():
            yield from _in_children(parts, min(jobs, len(parts)))
    finally:
        _TASK = None


def _in_children(parts: Sequence[tuple[int, int]], jobs: int) -> Iterator[Any]:
    """`_run_slice` of each part in `jobs` forked children, answers in order.

    A `ProcessPoolExecutor`, not a `multiprocessing.Pool`: a Pool replaces a killed child, and
    its new child can hold the task queue's lock while it waits for a task, which the Pool's
    `terminate` then waits for without end (a test hung so); the executor watches its
    children's sentinels, fails every waiting answer at once when one dies, and stops its
    children without that lock.
    """
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_child_start,
        initargs=(os.getpid(),),
    )
    finished = False
    try:
        pending = deque(pool.submit(_run_slice, part) for part in parts)
        # forked now (a private table of the executor's)
        children = list((getattr(pool, "_processes", None) or {}).values())
        while pending:
            try:
                answer = pending.popleft().result()  # then held by the caller only
            except BrokenProcessPool:
                raise WorkerLost(_lost_exit_code(pool, children)) from None
            yield answer
        finished = True
    finally:
        if not finished:  # an error, a dead child or a caller that stopped early
            for child in list((getattr(pool, "_processes", None) or {}).values()):
                with suppress(ProcessLookupError, AttributeError):
                    child.kill()
            _close_answer_writer(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _close_answer_writer(pool: ProcessPoolExecutor) -> None:
    """Close this process's end for writing of the pool's answer pipe. A child killed while it
    wrote an answer leaves part of it in the pipe, and the pool's thread, reading it, waits for
    the rest, for ever while any process holds that end open: the dead children no longer do,
    and this process never writes to it. With it closed the read ends (the pool is broken) and
    `shutdown` returns; a SIGTERM during dedupe had hung the run so."""
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        with suppress(OSError):
            writer.close()


def _lost_exit_code(pool: ProcessPoolExecutor, children: Sequence[Any]) -> int | None:
    """The exit code of the child that ended badly (a broken executor ends the others with
    SIGTERM, so a death by another signal, the kernel's SIGKILL, is the one that broke it)."""
    pool.shutdown(wait=True)  # its own thread reaps the children; read their ends after it
    return breaking_exit_code(children)


def breaking_exit_code(children: Sequence[Any]) -> int | None:
    """Of ended children, the exit code of the one that broke a pool: the others were ended
    with SIGTERM or exited on a lost pipe, so a death by another signal is the cause."""
    codes = [child.exitcode for child in children if child.exitcode not in (None, 0)]
    codes.sort(key=lambda code: (code == -signal.SIGTERM, code >= 0))
    return codes[0] if codes else None
