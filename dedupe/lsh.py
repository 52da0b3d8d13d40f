"""Locality-sensitive hashing over a matrix of MinHash signatures, bucketed by sorting.

The signature matrix (documents x num_perm) is cut into `b` bands of `r` rows (Indyk & Motwani
1998; Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3). Two documents are a
candidate pair when all `r` rows of some band agree. `(b, r)` is the pair datasketch's
`MinHashLSH` would choose for the threshold (`datasketch.lsh._optimal_param`, equal weights on
false positives and false negatives), computed here with Gauss-Legendre quadrature in numpy:
importing datasketch's LSH module imports scipy, about 1.2 s at the start of every process.

Each band's `r` values are combined into one 64-bit band key (`band_keys`), the keys are sorted
with one `np.argsort`, and the pairs of every bucket are generated with array arithmetic, not a
Python loop per bucket. Two different bands share a key with chance about 2^-64 per pair, far
below the LSH's own false positives, which verification removes anyway.

Staying near-linear. A bucket of `s` documents yields `s(s-1)/2` pairs, so one value shared by a
large share of the collection (a common word sampled by a weighted MinHash, a template shared by
thousands of pages) makes the candidate set quadratic. `bucket_collisions` therefore takes
`max_bucket`: a larger bucket either yields only a star to its first member (`oversized="star"`,
right for near-copies, where every member resembles every other) or nothing (`oversized="skip"`,
right for the same-story tier, where a value that common carries no information about the story,
as its IDF already says). `top_k_per_item` then keeps, for each document, only its `k` partners
that share the most bands (the MinHash estimate of their similarity), so the pairs to verify are
at most `k * n` whatever the data. `top_k_collisions` gives the same pairs without holding every
collision at once: it ranks one range of documents at a time.

Candidates are approximate in both directions: callers must verify every pair with an exact
similarity, as datasketch's `MinHashLSH.query` docstring asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from dedupe.arrays import stable_argsort, unique, unique_counts
from dedupe.hashing import COMBINE, splitmix64
from dedupe.parallel import fork_map

Pairs = npt.NDArray[np.int64]  # shape (n_pairs, 2), i < j, sorted, unique
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]


@lru_cache(maxsize=64)
def optimal_params(
    threshold: float, num_perm: int, false_negative_weight: float = 0.5
) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false positive and false negative probabilities,
    as datasketch's `MinHashLSH(threshold, num_perm, weights=(1 - w, w))` does.

    datasketch integrates with scipy's adaptive `quad`; the integrands are polynomials of degree
    `b * r <= num_perm`, so Gauss-Legendre with `num_perm // 2 + 1` nodes (capped at 256) is exact
    up to rounding, and the first (b, r) reaching the minimum wins, as in datasketch's loop.

    >>> optimal_params(0.8, 128)
    (9, 13)
    >>> optimal_params(0.8, 128, 0.9)
    (14, 9)
    """
    if not 0.0 < false_negative_weight < 1.0:
        raise ValueError(f"false_negative_weight must be in (0, 1), got {false_negative_weight}")
    nodes, weights = np.polynomial.legendre.leggauss(min(num_perm // 2 + 1, 256))

    def integral(lo: float, hi: float, f: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        result: npt.NDArray[np.float64] = f @ weights * ((hi - lo) / 2)
        return result

    s_fp = (nodes + 1) * (threshold / 2)  # nodes mapped onto [0, threshold]
    s_fn = threshold + (nodes + 1) * ((1 - threshold) / 2)  # onto [threshold, 1]
    best, opt = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        r = np.arange(1, num_perm // b + 1, dtype=np.float64).reshape(-1, 1)
        fp = integral(0.0, threshold, 1 - (1 - s_fp**r) ** b)
        fn = integral(threshold, 1.0, (1 - s_fn**r) ** b)
        error = fp * (1.0 - false_negative_weight) + fn * false_negative_weight
        at = int(np.argmin(error))
        if error[at] < best:
            best, opt = float(error[at]), (b, at + 1)
    return opt


@dataclass(frozen=True, slots=True)
class Collisions:
    """Candidate pairs with the number of bands each pair shares, and how many buckets were cut."""

    pairs: Pairs  # (m, 2), i < j, sorted, unique
    bands: I64  # (m,) number of bands in which the pair shares a bucket
    oversized: int  # buckets larger than max_bucket (starred or skipped)


def band_keys(
    signatures: npt.NDArray[np.unsignedinteger],
    band: int,
    rows: int,
    at: I64 | None = None,
    column: int | None = None,
) -> U64:
    """One 64-bit key per document for band `band` (per document of `at` where given, without
    reading the other rows): equal rows give equal keys. The band's rows are the columns from
    `column` on (default `band * rows`: `signatures` holds every band).

    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9]], dtype=np.uint32)
    >>> k = band_keys(sigs, 0, 2); bool(k[0] == k[1]), bool(band_keys(sigs, 1, 2)[0] == k[0])
    (True, False)
    >>> band_keys(sigs, 1, 2, at=np.array([1])).tolist() == band_keys(sigs, 1, 2)[1:].tolist()
    True
    """
    count = signatures.shape[0] if at is None else at.size
    acc = np.full(count, np.uint64(band), dtype=np.uint64)
    first = band * rows if column is None else column
    for c in range(first, first + rows):
        acc *= np.uint64(COMBINE)
        acc += signatures[:, c] if at is None else signatures[at, c]
    return splitmix64(acc)


def _bucket_pairs(order: I64, starts: I64, ends: I64) -> tuple[I64, I64]:
    """All pairs inside each bucket `order[start:end]`, as two aligned index arrays."""
    sizes = ends - starts
    keep = sizes >= 2
    starts, ends = starts[keep], ends[keep]
    if starts.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    # position p in a bucket ending at e pairs with p+1 .. e-1; every member position of every
    # bucket at once, not one arange per bucket (a Python loop over 10^4-10^6 buckets a band)
    sizes = ends - starts
    first_of = np.cumsum(sizes) - sizes
    positions = np.repeat(starts - first_of, sizes) + np.arange(int(sizes.sum()))
    bucket_end = np.repeat(ends, sizes)
    partners = bucket_end - positions - 1
    total = int(partners.sum())
    left_pos = np.repeat(positions, partners)
    first = np.cumsum(partners) - partners
    right_pos = left_pos + 1 + (np.arange(total) - np.repeat(first, partners))
    return order[left_pos], order[right_pos]


def _band_buckets(
    signatures: npt.NDArray[np.unsignedinteger], band: int, rows: int
) -> tuple[I64, I64, I64]:
    """Documents sorted by their key in `band` (ties by index), and where each bucket of equal
    keys starts and ends in that order."""
    return _sorted_buckets(band_keys(signatures, band, rows))


def _sorted_buckets(bucket: U64) -> tuple[I64, I64, I64]:
    order = stable_argsort(bucket)  # members sorted by index
    sorted_buckets = bucket[order]
    starts = np.flatnonzero(np.r_[True, sorted_buckets[1:] != sorted_buckets[:-1]])
    ends = np.r_[starts[1:], bucket.size]
    return order, starts, ends


def _split_buckets(
    signatures: npt.NDArray[np.unsignedinteger],
    band: int,
    bands: int,
    rows: int,
    max_bucket: int,
    depth: int,
    lo: int = 0,
) -> tuple[I64, I64, I64]:
    """`_band_buckets`, with every bucket over `max_bucket` split by the next band's key, then
    the next, up to `depth` bands in all (see `small_buckets`). `signatures` holds the bands
    from band `lo` on (modulo `bands`), `rows` columns each.

    A split member's key becomes `splitmix64(key * COMBINE + next band's key)`: equal only when
    both bands agree (up to the 2^-64 chance of the module's band keys), and apart from the keys
    of members that were not split.
    """

    def column(of: int) -> int:
        return ((of - lo) % bands) * rows

    key = band_keys(signatures, band, rows, column=column(band))
    for extra in range(1, depth):
        order, starts, ends = _sorted_buckets(key)
        sizes = ends - starts
        big = sizes > max_bucket
        if not big.any():
            return order, starts, ends
        split = order[np.repeat(big, sizes)]
        following_band = (band + extra) % bands
        following = band_keys(
            signatures, following_band, rows, at=split, column=column(following_band)
        )
        key[split] = splitmix64(key[split] * np.uint64(COMBINE) + following)
    return _sorted_buckets(key)


def bucket_collisions(
    signatures: npt.NDArray[np.unsignedinteger],
    bands: int,
    rows: int,
    max_bucket: int | None = None,
    oversized: Literal["star", "skip"] = "star",
) -> Collisions:
    """Pairs (i < j) sharing at least one whole band, with the number of bands they share.

    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], dtype=np.uint64)
    >>> c = bucket_collisions(sigs, bands=2, rows=2)
    >>> c.pairs.tolist(), c.bands.tolist()
    ([[0, 1]], [1])
    """
    n, num_perm = signatures.shape
    if bands * rows > num_perm:
        raise ValueError(f"bands * rows must be at most num_perm={num_perm}, got {bands}*{rows}")
    if max_bucket is not None and max_bucket < 2:
        raise ValueError(f"max_bucket must be at least 2 (or None for no cap), got {max_bucket}")
    # Pair codes (i * n + j) per band, merged into running sorted unique codes and counts every
    # MERGE_AT codes: all bands' collisions together (each pair once per band it shares) were
    # the largest array of a run; the running arrays hold each pair once.
    codes: I64 = np.empty(0, dtype=np.int64)
    counts: I64 = np.empty(0, dtype=np.int64)
    pending: list[I64] = []
    waiting = 0
    cut = 0
    for band in range(bands):
        order, starts, ends = _band_buckets(signatures, band, rows)
        if max_bucket is not None:
            big = (ends - starts) > max_bucket
            cut += int(big.sum())
            if oversized == "star":
                for s, e in zip(starts[big], ends[big], strict=True):
                    pending.append(_codes(np.full(e - s - 1, order[s]), order[s + 1 : e], n))
            starts, ends = starts[~big], ends[~big]
        left, right = _bucket_pairs(order, starts, ends)
        pending.append(_codes(left, right, n))
        del left, right
        waiting += pending[-1].size
        if waiting >= max(MERGE_AT, codes.size // 2):
            codes, counts = _merge_counts(codes, counts, pending)
            pending, waiting = [], 0
    codes, counts = _merge_counts(codes, counts, pending)
    if codes.size == 0:
        empty = np.empty((0, 2), dtype=np.int64)
        return Collisions(empty, np.empty(0, dtype=np.int64), cut)
    pairs = np.empty((codes.size, 2), dtype=np.int64)
    np.floor_divide(codes, n, out=pairs[:, 0])
    np.remainder(codes, n, out=pairs[:, 1])
    return Collisions(pairs, counts, cut)


# Pending band codes merged into the running counts at this many (8 bytes each: 32 MB), or at
# half the running size when that is larger, so the merges stay few whatever the corpus size.
MERGE_AT = 1 << 22


def _codes(left: I64, right: I64, n: int) -> I64:
    """One int64 code `i * n + j` (i < j) per pair: sorting codes sorts pairs by (i, j)."""
    low = np.minimum(left, right)
    low *= n
    low += np.maximum(left, right)
    return low


def _merge_counts(codes: I64, counts: I64, pending: list[I64]) -> tuple[I64, I64]:
    """Sorted unique `codes` with their `counts`, plus every code in `pending` counted once."""
    if not pending:
        return codes, counts
    new, new_counts = unique_counts(np.concatenate(pending))
    pending.clear()
    if codes.size == 0:
        return new, new_counts.astype(np.int64)
    at = np.searchsorted(codes, new)
    seen = at < codes.size
    seen[seen] = codes[at[seen]] == new[seen]
    counts[at[seen]] += new_counts[seen]  # positions are unique: both arrays are
    fresh = ~seen
    where = at[fresh]
    return np.insert(codes, where, new[fresh]), np.insert(counts, where, new_counts[fresh])


def top_k_per_item(pairs: Pairs, scores: I64, k: int) -> Pairs:
    """The pairs that are among the `k` best-scored of at least one of their two items.

    Ties go to the lower partner index, so the result is deterministic. Keeps at most `k * n`
    pairs, which is what makes verification linear in the number of documents.

    >>> p = np.array([[0, 1], [0, 2], [0, 3], [1, 2]])
    >>> top_k_per_item(p, np.array([5, 1, 3, 1]), k=1).tolist()  # 2: tie, lower partner 0
    [[0, 1], [0, 2], [0, 3]]
    """
    if pairs.shape[0] == 0:
        return pairs
    n = int(pairs.max()) + 1
    levels = int(scores.max()) + 1 if scores.size else 1
    if levels * n * n >= 2**62 or int(scores.min()) < 0 or not _sorted_pairs(pairs, n):
        return _top_k_lexsort(pairs, scores, k)
    codes = _codes(pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64), n)
    kept = unique(_top_k_of_range(codes, scores.astype(np.int64), n, k, 0, n))
    result: Pairs = np.stack([kept // n, kept % n], axis=1).astype(pairs.dtype, copy=False)
    return result


def _sorted_pairs(pairs: Pairs, n: int) -> bool:
    """True when every pair is (i < j) and the pairs are sorted and unique, as collisions are:
    then the kept pairs in code order are the kept rows in input order."""
    if not bool(np.all(pairs[:, 0] < pairs[:, 1])):
        return False
    codes = _codes(pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64), n)
    return bool(np.all(codes[1:] > codes[:-1]))


# Sorted keys ranked per slice of this many in `_top_k_of_range` (8 MB of int64 a slice).
TOP_K_CHUNK = 1 << 20


def _top_k_lexsort(pairs: Pairs, scores: I64, k: int) -> Pairs:
    """`top_k_per_item` for indices or scores too large for one int64 sort key."""
    m = pairs.shape[0]
    item = np.concatenate([pairs[:, 0], pairs[:, 1]])
    partner = np.concatenate([pairs[:, 1], pairs[:, 0]])
    score = np.concatenate([scores, scores])
    edge = np.concatenate([np.arange(m), np.arange(m)])
    order = np.lexsort((partner, -score, item))
    item_sorted = item[order]
    starts = np.flatnonzero(np.r_[True, item_sorted[1:] != item_sorted[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, item_sorted.size]))
    rank = np.arange(item_sorted.size) - group_start
    kept = unique(edge[order[rank < k]])
    result: Pairs = pairs[kept]
    return result


# Pair entries (pairs counted once per band and per member) one pass of `top_k_of_buckets`
# gathers: its memory is about 40 bytes an entry at most, so a pass stays near 150 MB whatever
# the collection size (100 MB of news: 7 passes, the same time as one); with --jobs, one pass
# runs in each forked process at a time.
PASS_ENTRIES = 1 << 22
# Documents from which `top_k_of_buckets` ranks its ranges in forked processes when asked to.
PARALLEL_DOCUMENTS = 2000
# Ranges whose members one read of each band finds (`_range_positions`): the read's answer is 4
# bytes per band membership of the group's documents, 16 of about 115 ranges at 1 GB of news.
RANGES_PER_SCAN = 16


@dataclass(frozen=True, slots=True)
class TopCollisions:
    """`top_k_collisions`' answer: the kept pairs and the counts a run reports."""

    pairs: Pairs  # (m, 2), i < j, sorted, unique
    collisions: int  # distinct pairs sharing at least one band (before the top k)
    oversized: int  # buckets still larger than max_bucket after splitting, skipped
    passes: int  # ranges of documents gathered one at a time


@dataclass(frozen=True, slots=True)
class _BandBuckets:
    """One band's buckets of 2 to `max_bucket` documents: their members, bucket by bucket
    (ascending within a bucket), and where each bucket starts and ends in `members`."""

    members: npt.NDArray[np.int32]
    starts: npt.NDArray[np.int32]
    ends: npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class SmallBuckets:
    """Every band's buckets of 2 to `max_bucket` documents, sorted once (`small_buckets`)."""

    n: int  # documents
    bands: list[_BandBuckets]
    entries: I64  # per document: its pair entries summed over the bands (bucket size - 1 each)
    oversized: int  # buckets still larger than max_bucket after splitting, skipped


def small_buckets(
    signatures: npt.NDArray[np.unsignedinteger],
    bands: int,
    rows: int,
    max_bucket: int,
    depth: int = 1,
) -> SmallBuckets:
    """The band buckets `top_k_of_buckets` ranks, as int32 members (4 bytes a document and
    band at most): once they are built the caller can let the signatures go.

    With `depth` > 1, a bucket over `max_bucket` is not skipped at once: its members are split
    by their key in the next band, then the next, up to `depth` bands, and only what is still
    too large is skipped. Why: a cap on bucket size is a cap on how common a value may be, in
    documents, so it means less as the collection grows. On generated news, 100 MB to 1 GB,
    the buckets two retellings of one story share grew tenfold, most went over the cap, and
    the story tier's recall fell from 0.93 to 0.70. Two documents that share a common value
    and also the next band's are rarer, and likelier the same story (LSH Forest, Bawa et al.
    2005, lengthens a key's prefix where it is common in the same way).
    """
    whole = iter([(0, bands, signatures)])
    return _buckets_of_slabs(signatures.shape[0], bands, rows, max_bucket, depth, whole)


def small_buckets_by_slabs(
    n: int,
    bands: int,
    max_bucket: int,
    depth: int,
    slab: Callable[[list[int]], npt.NDArray[np.unsignedinteger]],
    group: int,
) -> SmallBuckets:
    """`small_buckets` of one-row bands whose signatures are asked for `group` bands at a time:
    `slab(columns)` gives every document's values of those signature columns, and each group
    asks for its bands and the `depth - 1` after them (modulo `bands`) that its splits read.
    The same buckets as `small_buckets` over the whole signatures, which are never held: a
    1 GB run's story signatures were 575 MB at once (1 KB a document), a group of 32 of 128
    bands a quarter of that.
    """
    if depth > bands:
        raise ValueError(f"depth must be from 1 to {bands} bands, got {depth}")

    def slabs() -> Iterator[tuple[int, int, npt.NDArray[np.unsignedinteger]]]:
        for lo in range(0, bands, group):
            hi = min(lo + group, bands)
            yield lo, hi, slab([band % bands for band in range(lo, hi + depth - 1)])

    return _buckets_of_slabs(n, bands, 1, max_bucket, depth, slabs())


def _buckets_of_slabs(
    n: int,
    bands: int,
    rows: int,
    max_bucket: int,
    depth: int,
    slabs: Iterator[tuple[int, int, npt.NDArray[np.unsignedinteger]]],
) -> SmallBuckets:
    """`small_buckets` from signatures given in slabs: (lo, hi, values), `values` holding
    bands `lo` to `hi` and the `depth - 1` after them, `rows` columns each; one slab held at a
    time."""
    if n >= 2**31:
        raise ValueError(f"{n} documents are more than one int32 index can name")
    if depth < 1:
        raise ValueError(f"depth must be at least 1 (one band), got {depth}")
    entries = np.zeros(n, dtype=np.int64)
    cut = 0
    buckets: list[_BandBuckets] = []
    for lo, hi, values in slabs:
        for band in range(lo, hi):
            split = _split_buckets(values, band, bands, rows, max_bucket, depth, lo=lo)
            cut += _add_band(buckets, entries, *split, max_bucket)
        del values  # before the next slab is made
    return SmallBuckets(n, buckets, entries, cut)


def _add_band(
    buckets: list[_BandBuckets], entries: I64, order: I64, starts: I64, ends: I64, max_bucket: int
) -> int:
    """Keep one band's buckets of 2 to `max_bucket` members (adding each member's pair entries
    to `entries`); returns how many were larger (skipped)."""
    sizes = ends - starts
    oversized = int((sizes > max_bucket).sum())
    small = (sizes >= 2) & (sizes <= max_bucket)
    entries[order] += np.repeat(np.where(small, sizes - 1, 0), sizes)
    keep = np.repeat(small, sizes)
    starts, sizes = starts[small], sizes[small]
    new_starts = np.cumsum(sizes) - sizes
    buckets.append(
        _BandBuckets(
            order[keep].astype(np.int32),
            new_starts.astype(np.int32),
            (new_starts + sizes).astype(np.int32),
        )
    )
    return oversized


def top_k_collisions(
    signatures: npt.NDArray[np.unsignedinteger],
    bands: int,
    rows: int,
    max_bucket: int,
    k: int,
    pass_entries: int | None = None,
    depth: int = 1,
) -> TopCollisions:
    """`top_k_per_item(bucket_collisions(..., max_bucket, "skip"))` (with `depth` 1), in bounded
    memory: `top_k_of_buckets(small_buckets(...))`."""
    buckets = small_buckets(signatures, bands, rows, max_bucket, depth)
    return top_k_of_buckets(buckets, k, pass_entries)


def top_k_of_buckets(
    buckets: SmallBuckets, k: int, pass_entries: int | None = None, jobs: int = 1
) -> TopCollisions:
    """Each document's `k` partners sharing the most bands (ties to the lower index), as
    `top_k_per_item` over every collision, gathered one range of documents at a time.

    Why: the story tier collides each document with a few hundred others before keeping its
    top k, and holding every collision with its count (and the sort keys to rank them) was the
    largest memory of a run: about 5 bytes per byte of input at 100 MB, more than the cleaned
    articles. A document's top k needs only the pairs that contain it, so the documents are cut
    into ranges whose pair entries sum to at most `pass_entries`, and each range's pairs are
    gathered, counted and ranked on their own. The result is the same pairs (tested).

    The ranges are independent, so `jobs` > 1 ranks them in that many forked processes
    (`dedupe.parallel`), with at least `jobs` ranges once there are `PARALLEL_DOCUMENTS`
    documents; the pairs are the same.
    """
    n = buckets.n
    budget = PASS_ENTRIES if pass_entries is None else pass_entries
    if n < 2:
        return TopCollisions(np.empty((0, 2), dtype=np.int64), 0, buckets.oversized, 0)
    if jobs > 1 and n >= PARALLEL_DOCUMENTS:
        budget = min(budget, -(-int(buckets.entries.sum()) // jobs))
    ranges = ranges_within(buckets.entries, budget)

    def ranked(first: int, last: int) -> tuple[I64, int]:
        chosen: list[I64] = [np.empty(0, dtype=np.int64)]
        collisions = 0
        for at in range(first, last, RANGES_PER_SCAN):
            group = ranges[at : min(at + RANGES_PER_SCAN, last)]
            edges = np.array([lo for lo, _ in group] + [group[-1][1]], dtype=np.int64)
            members_at = [_range_positions(band, edges) for band in buckets.bands]
            for index, (lo, hi) in enumerate(group):
                codes, counts = _range_collisions(buckets.bands, members_at, index, n)
                collisions += int(np.count_nonzero((codes // n >= lo) & (codes // n < hi)))
                chosen.append(_top_k_of_range(codes, counts, n, k, lo, hi))
                del codes, counts
            del members_at
        return np.concatenate(chosen), collisions

    parts = fork_map(ranked, len(ranges), jobs)
    collisions = sum(found for _, found in parts)
    kept = unique(np.concatenate([codes for codes, _ in parts]))
    pairs: Pairs = np.stack([kept // n, kept % n], axis=1)
    return TopCollisions(pairs, collisions, buckets.oversized, len(ranges))


def ranges_within(entries: I64, budget: int) -> list[tuple[int, int]]:
    """Consecutive document ranges [lo, hi) whose `entries` sum to at most `budget` (a range
    holds at least one document, whatever its count)."""
    total = np.cumsum(entries)
    ranges: list[tuple[int, int]] = []
    lo, base = 0, 0
    n = int(entries.size)
    while lo < n:
        hi = int(np.searchsorted(total, base + budget, side="right"))
        hi = min(max(hi, lo + 1), n)
        ranges.append((lo, hi))
        base = int(total[hi - 1])
        lo = hi
    return ranges


def _range_positions(band: _BandBuckets, edges: I64) -> tuple[I32, I64]:
    """Where in `band.members` the members of each consecutive document range
    `[edges[r], edges[r + 1])` stand: positions range by range (ascending within a range), and
    where each range's part starts (`len(edges)` offsets).

    Why a group of ranges at once: finding one range's members reads every member of the band,
    so doing it range by range cost the bands' members times the ranges, which grow with the
    collection (at 1 GB of news, 2 jobs: 34 of the ranking's 63 CPU-seconds, sampled).
    """
    members = band.members
    inside = np.flatnonzero((members >= edges[0]) & (members < edges[-1]))
    part = np.searchsorted(edges, members[inside], side="right") - 1
    order = stable_argsort(part)
    positions = inside[order].astype(np.int32)  # held for the group: half the bytes of int64
    offsets = np.searchsorted(part[order], np.arange(edges.size)).astype(np.int64)
    return positions, offsets


def _pairs_of_members(band: _BandBuckets, at: I32) -> tuple[I64, I64]:
    """Each pair of `band`'s buckets with a member at one of `at` (ascending positions, members of
    one document range), once: as two aligned arrays of documents.

    Only what the range's documents are part of, not every pair of the buckets they touch (a
    bucket of s members has s(s-1)/2 pairs, of which a member takes part in s-1). Members of a
    bucket are ascending, so the range's members of one bucket stand together at [a, z): a
    member p pairs with [start, a), outside the range below it, and with (p, end), the rest of
    the range after it and everything above; the pairs of two members in the range come once.
    """
    if at.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    positions = at.astype(np.int64)
    bucket = np.searchsorted(band.starts, positions, side="right") - 1
    starts = band.starts[bucket].astype(np.int64)
    ends = band.ends[bucket].astype(np.int64)
    opens = np.r_[True, bucket[1:] != bucket[:-1]]
    first_inside = positions[opens][np.cumsum(opens) - 1]
    span_lo = np.concatenate([starts, positions + 1])
    lengths = np.concatenate([first_inside - starts, ends - positions - 1])
    owner = np.concatenate([positions, positions])
    total = int(lengths.sum())
    offsets = np.cumsum(lengths) - lengths
    partner = np.repeat(span_lo - offsets, lengths) + np.arange(total)
    members = band.members
    left: I64 = members[np.repeat(owner, lengths)].astype(np.int64)
    right: I64 = members[partner].astype(np.int64)
    return left, right


def _range_collisions(
    buckets: list[_BandBuckets], members_at: list[tuple[I32, I64]], part: int, n: int
) -> tuple[I64, I64]:
    """Sorted unique codes of the pairs with a member in one document range, and the bands each
    shares; `members_at` holds each band's positions of that range's members as the `part`-th
    range of `_range_positions`."""
    codes: I64 = np.empty(0, dtype=np.int64)
    counts: I64 = np.empty(0, dtype=np.int64)
    pending: list[I64] = []
    waiting = 0
    for band, (positions, offsets) in zip(buckets, members_at, strict=True):
        left, right = _pairs_of_members(band, positions[offsets[part] : offsets[part + 1]])
        pending.append(_codes(left, right, n))
        del left, right
        waiting += pending[-1].size
        if waiting >= max(MERGE_AT, codes.size // 2):
            codes, counts = _merge_counts(codes, counts, pending)
            pending, waiting = [], 0
    return _merge_counts(codes, counts, pending)


def _top_k_of_range(codes: I64, counts: I64, n: int, k: int, lo: int, hi: int) -> I64:
    """Codes of the pairs among the `k` best-counted of a document in [lo, hi), ties to the
    lower partner (as `top_k_per_item`); `codes` must hold every pair of those documents.

    Each pair enters once per member in the range, as one int64 key ordered by document, then
    count descending, then partner: a sort of one array instead of a lexsort of three and their
    index arrays, the largest arrays of the story tier.
    """
    if codes.size == 0:
        return codes
    levels = int(counts.max()) + 1
    if (hi - lo) * levels * n >= 2**62:
        raise ValueError(f"{n} documents are too many for one int64 sort key per pair")
    keys_parts: list[I64] = []
    for side in (0, 1):
        first = codes // n
        item, partner = (first, codes - first * n) if side == 0 else (codes - first * n, first)
        del first
        inside = (item >= lo) & (item < hi)
        key = item[inside] - lo
        del item
        key *= levels
        key += levels - 1
        key -= counts[inside]
        key *= n
        key += partner[inside]
        del partner, inside
        keys_parts.append(key)
    keys = np.concatenate(keys_parts)
    del keys_parts
    keys.sort()
    step = levels * n  # keys of one document lie in [item * step, (item + 1) * step)
    chosen: list[I64] = []
    for at in range(0, keys.size, TOP_K_CHUNK):  # ranked a slice at a time
        chunk = keys[at : at + TOP_K_CHUNK]
        item = chunk // step
        # where each document's keys begin: found by search only for the slice's first
        # document (it may begin in the slice before), by the change of document for the rest
        opens = np.flatnonzero(item[1:] != item[:-1]) + 1
        begins = np.r_[np.searchsorted(keys, item[0] * step), at + opens]
        rank = np.arange(at, at + chunk.size) - np.repeat(
            begins, np.diff(np.r_[0, opens, chunk.size])
        )
        del item, opens, begins
        picked = chunk[rank < k]
        chosen.append(_codes(picked // step + lo, picked % n, n))
    return np.concatenate(chosen)


def candidate_pairs(signatures: npt.NDArray[np.unsignedinteger], bands: int, rows: int) -> Pairs:
    """Index pairs (i < j) that share at least one whole band of their signatures (no caps).

    Rows of empty documents (identical all-max signatures) would all collide: leave them out.

    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], dtype=np.uint64)
    >>> candidate_pairs(sigs, bands=2, rows=2).tolist()
    [[0, 1]]
    """
    return bucket_collisions(signatures, bands, rows).pairs
