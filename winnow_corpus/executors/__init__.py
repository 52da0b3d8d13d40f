"""Where a run's per-batch work executes, apart from what that work is.

A run has one shape whatever runs it (`winnow_corpus.runner`): the readers give articles in
batches, one task per batch cleans them and computes what the collection-wide steps need of
each article (dedupe features, recurring-line keys), and the main process gathers the answers
in input order into its store, then runs the collection-wide steps. An executor is only the
"one task per batch" part: it takes the task and a stream of its arguments and gives the
answers back in the order the arguments came, with a bounded number in flight, so the input is
never held whole. The local executor runs the task in `--jobs` worker processes, Ray runs it as
Ray tasks on a cluster; neither knows what the task does, so a new stage or signal is written
once and runs on both, with the same output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

R = TypeVar("R")

# batches handed out per worker before the oldest answer is taken: a worker never waits, and
# memory holds a few batches per worker at most
IN_FLIGHT_PER_WORKER = 3


class Executor(Protocol):
    """Runs one task over a stream of argument tuples; answers come in the arguments' order."""

    def ordered(self, task: Callable[..., R], calls: Iterable[tuple[Any, ...]]) -> Iterator[R]:
        """`task(*call)` for each call, in order; a task's error is raised here, as it was."""
        ...


__all__ = ["IN_FLIGHT_PER_WORKER", "Executor"]
