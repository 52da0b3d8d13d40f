"""Locality-sensitive hashing over a matrix of MinHash signatures, bucketed by sorting.

The signature matrix (documents x num_perm) is cut into `b` bands of `r` rows (Indyk & Motwani
1998; Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3). Two documents are a
candidate pair when all `r` rows of some band agree. `(b, r)` is the pair datasketch's
`MinHashLSH` would choose for the threshold (`datasketch.lsh._optimal_param`, equal weights on
false positives and false negatives).

Each band is bucketed with one `np.unique(..., axis=0)` (a sort), not a Python dict per band.
Candidates are approximate in both directions: callers must verify every pair with an exact
similarity, as datasketch's `MinHashLSH.query` docstring asks.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

Pairs = npt.NDArray[np.int64]  # shape (n_pairs, 2), i < j, sorted, unique


@lru_cache(maxsize=64)
def optimal_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positive + false negative probability, as datasketch does.

    >>> optimal_params(0.8, 128)
    (9, 13)
    """
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


def candidate_pairs(signatures: npt.NDArray[np.uint64], bands: int, rows: int) -> Pairs:
    """Index pairs (i < j) that share at least one whole band of their signatures.

    Rows of empty documents (identical all-max signatures) would all collide: leave them out.

    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], dtype=np.uint64)
    >>> candidate_pairs(sigs, bands=2, rows=2).tolist()
    [[0, 1]]
    """
    n, num_perm = signatures.shape
    if bands * rows > num_perm:
        raise ValueError(f"bands * rows must be at most num_perm={num_perm}, got {bands}*{rows}")
    found: list[Pairs] = []
    for band in range(bands):
        block = signatures[:, band * rows : (band + 1) * rows]
        _, bucket = np.unique(block, axis=0, return_inverse=True)
        bucket = bucket.reshape(-1)
        order = np.argsort(bucket, kind="stable")
        sorted_buckets = bucket[order]
        starts = np.flatnonzero(np.r_[True, sorted_buckets[1:] != sorted_buckets[:-1]])
        ends = np.r_[starts[1:], n]
        for start, end in zip(starts, ends, strict=True):
            if end - start < 2:
                continue
            members = np.sort(order[start:end])
            left, right = np.triu_indices(len(members), k=1)
            found.append(np.stack([members[left], members[right]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found).astype(np.int64), axis=0)
