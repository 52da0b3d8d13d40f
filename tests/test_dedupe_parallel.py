"""`dedupe.parallel.fork_map`: slices in forked children, answers in order, same as one slice."""

from __future__ import annotations

import gc
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from dedupe import parallel
from dedupe.errors import WorkerLost
from dedupe.parallel import can_fork
from tests.helpers import REPO


def test_slices_cover_the_range_in_order() -> None:
    for total in range(0, 30):
        for parts in range(1, 6):
            bounds = parallel.slices(total, parts)
            covered = [i for lo, hi in bounds for i in range(lo, hi)]
            assert covered == list(range(total))
            assert all(hi > lo for lo, hi in bounds) or total == 0


@pytest.mark.skipif(not parallel.can_fork(), reason="this system does not fork")
def test_fork_map_runs_slices_in_children_and_keeps_their_order() -> None:
    data = list(range(1000))
    answers = parallel.fork_map(lambda lo, hi: (os.getpid(), sum(data[lo:hi])), 1000, 3)
    assert [total for _, total in answers] == [
        sum(range(0, 334)),
        sum(range(334, 667)),
        sum(range(667, 1000)),
    ]
    assert os.getpid() not in {pid for pid, _ in answers}
    assert parallel._TASK is None  # not left behind for a later fork


@pytest.mark.skipif(not parallel.can_fork(), reason="this system does not fork")
def test_fork_map_sends_large_answers_in_pieces_in_order() -> None:
    answers = parallel.fork_map(lambda lo, hi: (lo, hi), 1000, 2, most=150)
    assert len(answers) == 7 and answers[0] == (0, 143) and answers[-1][1] == 1000
    assert [hi for _, hi in answers[:-1]] == [lo for lo, _ in answers[1:]]
    assert parallel.fork_map(lambda lo, hi: (lo, hi), 1000, 1, most=150) == [(0, 1000)]


def test_fork_map_runs_here_when_it_cannot_fork_or_has_little(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def task(lo: int, hi: int) -> tuple[int, int, int]:
        return os.getpid(), lo, hi

    assert parallel.fork_map(task, 10, 4, least=5) == [(os.getpid(), 0, 10)]  # too few items
    assert parallel.fork_map(task, 10, 1) == [(os.getpid(), 0, 10)]
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.fork_map(task, 10_000, 4) == [(os.getpid(), 0, 10_000)]


@pytest.mark.skipif(not parallel.can_fork(), reason="this system does not fork")
def test_an_error_in_a_child_reaches_the_caller() -> None:
    def task(lo: int, hi: int) -> int:
        if lo:
            raise ValueError(f"slice {lo}")
        return hi

    with pytest.raises(ValueError, match="slice 5"):
        parallel.fork_map(task, 10, 2)
    assert parallel._TASK is None


def test_fork_rows_fills_one_array_from_every_slice() -> None:
    def rows(lo: int, hi: int) -> np.ndarray:
        return np.arange(lo, hi, dtype=np.uint32).repeat(3).reshape(-1, 3) * 2

    forked = parallel.fork_rows(rows, 1000, 2, most=150)  # seven slices, from two children
    assert forked.shape == (1000, 3) and forked.dtype == np.uint32
    assert (forked == rows(0, 1000)).all()
    assert parallel.fork_rows(rows, 0, 2).shape == (0, 3)


def test_fork_calls_answers_in_the_order_of_the_calls() -> None:
    calls = [partial(lambda k: (k, os.getpid()), k) for k in range(5)]
    here = parallel.fork_calls(calls, 1)
    assert here == [(k, os.getpid()) for k in range(5)]
    for jobs in (2, 8):  # more jobs than calls: still forked, one child a call
        forked = parallel.fork_calls(calls, jobs)
        assert [k for k, _ in forked] == list(range(5))
        if parallel.can_fork():
            assert os.getpid() not in {pid for _, pid in forked}
    assert parallel.fork_calls([], 2) == []


def test_fork_call_runs_beside_the_block_and_answers_once(tmp_path: Path) -> None:
    parent = os.getpid()
    ready = tmp_path / "ready"

    def child_work() -> int:
        ready.write_text("x")  # the block waits for this: the call runs while the block does
        return os.getpid()

    with parallel.fork_call(child_work) as answer:
        if parallel.can_fork():
            deadline = time.monotonic() + 30
            while not ready.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert ready.exists()
        child = answer()
        assert answer() == child  # asked twice, run once
    if parallel.can_fork():
        assert child != parent
    assert multiprocessing.active_children() == []
    runs: list[int] = []
    with parallel.fork_call(lambda: runs.append(1) or len(runs), fork=False) as answer:
        assert runs == []  # not forked: runs here, when first asked
        assert answer() == 1
    assert runs == [1]
    with parallel.fork_call(lambda: runs.append(2) or len(runs), fork=False):
        pass
    assert runs == [1, 2]  # never asked: run on leaving the block


def test_fork_call_raises_the_childs_error_on_leaving_the_block() -> None:
    def fails() -> int:
        raise ValueError("from the child")

    with pytest.raises(ValueError, match="from the child"), parallel.fork_call(fails):
        pass
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("fork", [True, False])
def test_a_childs_error_the_block_asked_for_is_the_blocks_to_handle(fork: bool) -> None:
    """Asked again, the same error (never a lost worker); handled in the block, leaving the
    block raises nothing."""

    def fails() -> int:
        raise OSError(28, "No space left on device")

    with parallel.fork_call(fails, fork=fork) as answer:
        for _ in range(2):
            with pytest.raises(OSError, match="No space left"):
                answer()
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not parallel.can_fork(), reason="runs here where it cannot fork")
def test_fork_call_says_so_when_the_child_dies_without_answering() -> None:
    """A child killed (the kernel's out-of-memory killer, say) is an error, not a wait
    forever."""
    with (
        pytest.raises(WorkerLost, match="killed by signal 9"),
        parallel.fork_call(lambda: os.kill(os.getpid(), signal.SIGKILL)),
    ):
        pass
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not parallel.can_fork(), reason="runs here where it cannot fork")
def test_fork_map_says_so_when_a_child_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dead child's slice is lost: the wait for its answer ends, with the reason."""

    def task(lo: int, hi: int) -> int:
        if lo == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        return hi - lo

    with pytest.raises(WorkerLost, match="killed by signal 9"):
        parallel.fork_map(task, 10, 2)
    assert parallel._TASK is None
    assert multiprocessing.active_children() == []


def test_fork_call_stops_the_child_when_the_block_fails() -> None:
    with pytest.raises(KeyError), parallel.fork_call(lambda: time.sleep(30)):
        raise KeyError("in the block")
    assert multiprocessing.active_children() == []


def test_the_collector_stays_frozen_until_the_outermost_fork_ends() -> None:
    """`fork_map` inside `fork_call`'s block (the writers with 3 jobs or more) must not thaw
    the objects the `.txt` child shares with this process."""
    assert gc.get_freeze_count() == 0
    with parallel.fork_call(lambda: 1) as answer:
        frozen = gc.get_freeze_count()
        assert parallel.fork_map(lambda lo, hi: hi - lo, 10, 2) == [5, 5]
        assert gc.get_freeze_count() >= frozen > 0
        assert answer() == 1
    assert gc.get_freeze_count() == 0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc here")
def test_a_watched_parent_that_ended_unreaped_is_not_alive() -> None:
    """Without a pidfd a child looks for the run's main process now and then; an ended main
    process its own parent has not reaped yet (waiting for the child's output first) still
    takes signals, and must count as gone, or each would wait for the other."""
    ended = os.fork()
    if ended == 0:
        os._exit(0)
    try:
        deadline = time.monotonic() + 30
        while parallel._alive(ended, direct=False) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not parallel._alive(ended, direct=False)
        assert parallel._alive(os.getpid(), direct=False)
    finally:
        os.waitpid(ended, 0)


def test_free_heap_is_released_where_the_c_library_can() -> None:
    """glibc's `malloc_trim` is found on Linux with glibc; elsewhere there is nothing to call,
    and the release does nothing."""
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert (parallel._malloc_trim() is not None) == glibc
    freed = [bytearray(1000) for _ in range(10_000)]
    del freed
    parallel.release_free_heap()


STOP_EARLY = """
import sys, time
import numpy as np
from dedupe.parallel import fork_imap

def task(lo, hi):
    return np.zeros(1) if lo == 0 else np.ones(64 << 20, dtype=np.uint8)

for attempt in range(6):
    answers = fork_imap(task, 2, 2)
    next(answers)
    time.sleep(0.02 * attempt)  # the other child mid-way through writing its 64 MB answer
    answers.close()
print("closed")
"""


@pytest.mark.skipif(not can_fork(), reason="needs fork")
def test_a_caller_that_stops_early_is_not_held_by_a_child_killed_mid_answer() -> None:
    """A child killed while it writes its answer left part of it in the pipe, and the pool's
    thread waited for the rest for ever (a SIGTERM during dedupe hung the run)."""
    done = subprocess.run(
        [sys.executable, "-c", STOP_EARLY], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "closed"
