"""Sorts of whole arrays that numpy's own forms make slow.

Why not `np.unique(a)`: in numpy 2.4 its plain form takes a hash-table path that is about 100x
slower than a sort on dedupe's hash arrays (1.6 million uint64 values: 0.8-1.6 s against 10 ms;
3,000 calls on 3,000 values: 0.5 s against 0.03 s). Its `return_counts` form sorts too, but
costs 1.5x a sort and a difference (4 million pair codes: 42 ms against 28; `unique_counts`);
its `return_inverse` form is left as it is.

Why not `np.argsort(a, kind="stable")`: numpy's stable sort is a merge sort (radix only for
8- and 16-bit values), where polars' stable sort of one column is a radix sort: on one thread,
2.7x faster on 500,000 band keys (uint64, a third repeated) and 2.2x on 2 million small ints
(`benchmarks/bench_serial.py`, its stable-sort rows).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

from dedupe.parallel import in_forked_child

T = TypeVar("T", bound=np.generic)


def unique(values: npt.NDArray[T]) -> npt.NDArray[T]:
    """The sorted distinct values of a 1-D array (what `np.unique(values)` returns).

    >>> unique(np.array([3, 1, 3, 2], dtype=np.uint64)).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(np.ravel(values))
    return ordered[_run_starts(ordered)]


def _run_starts(ordered: npt.NDArray[T]) -> npt.NDArray[np.int64]:
    """Where each run of equal values of a sorted array starts."""
    fresh = np.empty(ordered.size, dtype=np.bool_)
    fresh[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=fresh[1:])
    return np.flatnonzero(fresh)


def unique_counts(values: npt.NDArray[T]) -> tuple[npt.NDArray[T], npt.NDArray[np.int64]]:
    """The sorted distinct values of a 1-D array and how often each occurs (what
    `np.unique(values, return_counts=True)` returns).

    >>> [a.tolist() for a in unique_counts(np.array([3, 1, 3, 2, 3], dtype=np.int64))]
    [[1, 2, 3], [1, 1, 3]]
    """
    ordered = np.sort(np.ravel(values))
    starts = _run_starts(ordered)
    counts = np.diff(np.append(starts, ordered.size)).astype(np.int64)
    return ordered[starts], counts


def stable_argsort(values: npt.NDArray[np.integer]) -> npt.NDArray[np.int64]:
    """The positions that sort a 1-D integer array, equal values in the order they stand (what
    `np.argsort(values, kind="stable")` returns).

    >>> stable_argsort(np.array([3, 1, 3, 2, 1], dtype=np.uint64)).tolist()
    [1, 4, 3, 0, 2]
    """
    if values.size < 2:
        return np.arange(values.size, dtype=np.int64)
    if in_forked_child() and pl.thread_pool_size() > 1:
        # polars' pool has no threads in a forked child; with one thread it runs in place
        return np.argsort(values, kind="stable").astype(np.int64)
    frame = pl.DataFrame({"value": np.ravel(values)}).with_row_index("at")
    order = frame.sort("value", maintain_order=True)["at"].to_numpy()
    return order.astype(np.int64)
