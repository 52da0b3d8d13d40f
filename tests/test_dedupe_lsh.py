"""The memory-bounded LSH paths give the same pairs as the straightforward ones."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe import lsh, parallel
from dedupe.arrays import stable_argsort


def _reference_collisions(sigs: np.ndarray, bands: int, rows: int) -> dict[tuple[int, int], int]:
    """Bands shared per pair, pair by pair in Python (no caps)."""
    shared: dict[tuple[int, int], int] = {}
    n = sigs.shape[0]
    for band in range(bands):
        part = sigs[:, band * rows : (band + 1) * rows]
        for i in range(n):
            for j in range(i + 1, n):
                if (part[i] == part[j]).all():
                    shared[(i, j)] = shared.get((i, j), 0) + 1
    return shared


@pytest.mark.parametrize("merge_at", [1, 5, 1 << 22])
def test_bucket_collisions_counts_do_not_depend_on_merge_size(
    monkeypatch: pytest.MonkeyPatch, merge_at: int
) -> None:
    rng = np.random.default_rng(merge_at)
    sigs = rng.integers(0, 3, size=(60, 16)).astype(np.uint32)
    monkeypatch.setattr(lsh, "MERGE_AT", merge_at)
    found = lsh.bucket_collisions(sigs, bands=8, rows=2)
    expected = _reference_collisions(sigs, 8, 2)
    assert [tuple(p) for p in found.pairs.tolist()] == sorted(expected)
    assert found.bands.tolist() == [expected[p] for p in sorted(expected)]


@pytest.mark.parametrize("chunk", [1, 7, 1 << 20])
def test_top_k_single_key_sort_equals_lexsort(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    rng = np.random.default_rng(chunk)
    sigs = rng.integers(0, 4, size=(80, 32)).astype(np.uint32)
    found = lsh.bucket_collisions(sigs, bands=32, rows=1, max_bucket=30, oversized="skip")
    monkeypatch.setattr(lsh, "TOP_K_CHUNK", chunk)
    for k in (1, 2, 5, 50):
        fast = lsh.top_k_per_item(found.pairs, found.bands, k)
        slow = lsh._top_k_lexsort(found.pairs, found.bands, k)
        assert fast.tolist() == slow.tolist()


def test_top_k_unsorted_pairs_keep_input_order() -> None:
    pairs = np.array([[1, 2], [0, 3], [0, 1]])
    scores = np.array([4, 1, 3])
    assert lsh.top_k_per_item(pairs, scores, 1).tolist() == [[1, 2], [0, 3], [0, 1]]


@pytest.mark.parametrize("pass_entries", [1, 40, 1 << 24])  # one document a pass .. one pass
@pytest.mark.parametrize("ranges_per_scan", [1, 3, 16])  # groups of ranges found by one read
@pytest.mark.parametrize("chunk", [5, 1 << 20])  # keys ranked a slice at a time
def test_top_k_collisions_in_passes_equal_the_whole_computation(
    monkeypatch: pytest.MonkeyPatch, pass_entries: int, ranges_per_scan: int, chunk: int
) -> None:
    monkeypatch.setattr(lsh, "RANGES_PER_SCAN", ranges_per_scan)
    monkeypatch.setattr(lsh, "TOP_K_CHUNK", chunk)
    rng = np.random.default_rng(pass_entries)
    sigs = rng.integers(0, 5, size=(90, 24)).astype(np.uint32)
    sigs[:10] = 7  # ten documents equal in every band: buckets past max_bucket are skipped
    found = lsh.bucket_collisions(sigs, bands=24, rows=1, max_bucket=8, oversized="skip")
    for k in (1, 3, 20):
        got = lsh.top_k_collisions(sigs, 24, 1, max_bucket=8, k=k, pass_entries=pass_entries)
        assert got.pairs.tolist() == lsh.top_k_per_item(found.pairs, found.bands, k).tolist()
        assert (got.collisions, got.oversized) == (found.pairs.shape[0], found.oversized)
        assert (got.passes == 1) is (pass_entries == 1 << 24)


def test_top_k_collisions_of_too_few_documents() -> None:
    got = lsh.top_k_collisions(np.zeros((1, 8), dtype=np.uint32), 8, 1, max_bucket=5, k=3)
    assert got.pairs.shape == (0, 2) and got.collisions == 0


def test_ranges_within_budget_cover_every_document_once() -> None:
    entries = np.array([5, 0, 9, 1, 1, 30, 2], dtype=np.int64)
    ranges = lsh.ranges_within(entries, budget=10)
    assert ranges == [(0, 2), (2, 4), (4, 5), (5, 6), (6, 7)]  # one over budget stands alone


def _reference_split(
    sigs: np.ndarray, bands: int, max_bucket: int, depth: int
) -> tuple[dict[tuple[int, int], int], int]:
    """Bands shared per pair when a bucket over `max_bucket` is split by the next bands' values
    (one row a band), in Python; and how many buckets stay too large after `depth` bands."""
    shared: dict[tuple[int, int], int] = {}
    too_large = 0
    n = sigs.shape[0]
    for band in range(bands):
        groups: dict[tuple[int, ...], list[int]] = {}
        for i in range(n):
            groups.setdefault((int(sigs[i, band]),), []).append(i)
        for extra in range(1, depth):
            split: dict[tuple[int, ...], list[int]] = {}
            for key, members in groups.items():
                for i in members:
                    longer = (*key, int(sigs[i, (band + extra) % bands]))
                    split.setdefault(longer if len(members) > max_bucket else key, []).append(i)
            groups = split
        for members in groups.values():
            if len(members) > max_bucket:
                too_large += 1
                continue
            for a, i in enumerate(members):
                for j in members[a + 1 :]:
                    shared[(i, j)] = shared.get((i, j), 0) + 1
    return shared, too_large


@pytest.mark.parametrize("depth", [1, 2, 3, 5])
def test_split_buckets_equal_the_bucket_by_bucket_reference(depth: int) -> None:
    rng = np.random.default_rng(depth)
    # few values: most first-band buckets are over the cap, and so are some of their splits
    sigs = rng.integers(0, 3, size=(70, 12)).astype(np.uint64)
    sigs[:12] = 5  # twelve documents equal in every band: never small enough, at any depth
    expected, too_large = _reference_split(sigs, 12, max_bucket=9, depth=depth)
    for k in (2, 50):
        got = lsh.top_k_collisions(sigs, 12, 1, max_bucket=9, k=k, depth=depth)
        pairs = np.array(sorted(expected), dtype=np.int64).reshape(-1, 2)
        counts = np.array([expected[tuple(p)] for p in pairs.tolist()], dtype=np.int64)
        assert got.pairs.tolist() == lsh.top_k_per_item(pairs, counts, k).tolist()
        assert (got.collisions, got.oversized) == (len(expected), too_large)


def test_splitting_finds_pairs_that_one_band_skips() -> None:
    # bands 0 and 1 each cut 40 documents into four buckets over the cap; together into
    # sixteen of two or three; bands 2 and 3 are unique to each document
    i = np.arange(40)
    sigs = np.stack([i % 4, (i // 4) % 4, i + 100, i + 200], axis=1).astype(np.uint64)
    skipped = lsh.top_k_collisions(sigs, 4, 1, max_bucket=5, k=5, depth=1)
    split = lsh.top_k_collisions(sigs, 4, 1, max_bucket=5, k=5, depth=2)
    assert skipped.pairs.shape[0] == 0 and skipped.oversized == 8
    expected = [
        [a, b] for a in range(40) for b in range(a + 1, 40) if (sigs[a, :2] == sigs[b, :2]).all()
    ]
    assert split.pairs.tolist() == expected and len(expected) == 32
    assert split.oversized == 0


def test_depth_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="depth must be at least 1"):
        lsh.small_buckets(np.zeros((3, 4), dtype=np.uint64), 4, 1, max_bucket=2, depth=0)


@pytest.mark.parametrize("pass_entries", [40, 1 << 24])
def test_top_k_of_buckets_in_forked_processes_equals_one_process(
    monkeypatch: pytest.MonkeyPatch, pass_entries: int
) -> None:
    """Ranges ranked by two forked children give the same pairs and counts as one process."""
    monkeypatch.setattr(lsh, "PARALLEL_DOCUMENTS", 10)
    monkeypatch.setattr("dedupe.parallel.can_fork", lambda: True)
    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 6, size=(120, 24)).astype(np.uint32)
    buckets = lsh.small_buckets(sigs, 24, 1, max_bucket=12, depth=2)
    one = lsh.top_k_of_buckets(buckets, 4, pass_entries)
    two = lsh.top_k_of_buckets(buckets, 4, pass_entries, jobs=2)
    assert two.pairs.tolist() == one.pairs.tolist() and one.pairs.size
    assert (two.collisions, two.oversized) == (one.collisions, one.oversized)
    assert two.passes >= 2


@given(
    st.lists(st.integers(0, 2**64 - 1), max_size=60) | st.lists(st.integers(0, 3), max_size=60),
    st.booleans(),
)
def test_the_stable_argsort_is_numpys_in_this_process_and_in_a_forked_child(
    values: list[int], in_child: bool
) -> None:
    keys = np.array(values, dtype=np.uint64)
    with patch.object(parallel, "_FORKED_CHILD", in_child):
        order = stable_argsort(keys)
    assert order.dtype == np.int64
    assert order.tolist() == np.argsort(keys, kind="stable").tolist()


@given(
    st.integers(2, 120),
    st.integers(2, 24),
    st.integers(1, 3),
    st.integers(2, 12),
    st.integers(1, 24),
    st.integers(0, 2**32 - 1),
)
def test_small_buckets_by_slabs_equal_small_buckets(
    n: int, bands: int, depth: int, max_bucket: int, group: int, seed: int
) -> None:
    """Signatures asked a group of bands at a time (with the bands after the group that a split
    reads) give the same buckets, counts and skipped buckets as the whole signatures."""
    depth = min(depth, bands)
    signatures = np.random.default_rng(seed).integers(0, 5, (n, bands)).astype(np.uint64)
    asked: list[list[int]] = []

    def slab(columns: list[int]) -> np.ndarray:
        asked.append(columns)
        return signatures[:, columns]

    whole = lsh.small_buckets(signatures, bands, 1, max_bucket, depth)
    slabs = lsh.small_buckets_by_slabs(n, bands, max_bucket, depth, slab, group)
    assert (slabs.n, slabs.oversized) == (whole.n, whole.oversized)
    assert slabs.entries.tolist() == whole.entries.tolist()
    for a, b in zip(whole.bands, slabs.bands, strict=True):
        assert a.members.tolist() == b.members.tolist()
        assert (a.starts.tolist(), a.ends.tolist()) == (b.starts.tolist(), b.ends.tolist())
    assert max(len(columns) for columns in asked) <= group + depth - 1
