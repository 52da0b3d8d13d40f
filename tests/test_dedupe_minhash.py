"""MinHash, weighted MinHash and LSH: datasketch compatibility and the sorted-bucket LSH."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe.minhash
from dedupe.hashing import hash32
from dedupe.lsh import candidate_pairs, optimal_params
from dedupe.minhash import (
    MAX_HASH,
    SCHEME,
    jaccard_estimate,
    minhash,
    minhash_batch,
    permutations,
    to_datasketch,
    weighted_minhash,
    weighted_minhash_batch,
)
from dedupe.shingles import shingle_hashes, word_shingles

TEXT_A = (
    "The harbour authority said on Tuesday that the northern pier would stay closed for repairs "
    "until the end of the month, after divers found cracks in two of its concrete supports."
)
TEXT_B = TEXT_A.replace("Tuesday", "Wednesday").replace("two", "three")


# Since the vectorised shingle hashing, signatures equal datasketch's *default* MinHash (scheme
# "affine32" since datasketch 2.0) given Winnow's documented hash (`dedupe.hashing.hash32`) as
# `hashfunc`; before, they equalled datasketch's "legacy" scheme with xxh3 of the shingle string.
@pytest.mark.parametrize("seed", [1, 7])
def test_signature_equals_datasketch_minhash(seed: int) -> None:
    shingles = word_shingles(TEXT_A)
    ours = minhash(shingle_hashes(TEXT_A, 5, seed), num_perm=128, seed=seed)
    theirs = MinHash(num_perm=128, seed=seed, hashfunc=lambda b: hash32(b, seed))
    theirs.update_batch(s.encode("utf-8") for s in shingles)
    assert theirs.scheme == SCHEME
    assert ours.tolist() == theirs.hashvalues.tolist()


def test_permutations_match_datasketch() -> None:
    a, b = permutations(64, 3)
    expected = MinHash(num_perm=64, seed=3).permutations
    assert a.tolist() == expected[0].tolist()
    assert b.tolist() == expected[1].tolist()


def test_signatures_load_into_datasketch_and_keep_jaccard_estimate() -> None:
    sig_a = minhash(shingle_hashes(TEXT_A, 5, 1), 128, 1)
    sig_b = minhash(shingle_hashes(TEXT_B, 5, 1), 128, 1)
    lean_a = LeanMinHash(seed=1, hashvalues=sig_a, scheme=SCHEME)
    full_b = MinHash(seed=1, hashvalues=sig_b, scheme=SCHEME)
    theirs = {}
    for name, text in (("a", TEXT_A), ("b", TEXT_B)):
        theirs[name] = MinHash(num_perm=128, seed=1, hashfunc=hash32)
        theirs[name].update_batch(s.encode("utf-8") for s in word_shingles(text))
    estimate = jaccard_estimate(sig_a, sig_b)
    assert 0.0 < estimate < 1.0
    assert lean_a.jaccard(full_b) == pytest.approx(estimate)
    assert theirs["a"].jaccard(theirs["b"]) == pytest.approx(estimate)
    assert to_datasketch(sig_a).jaccard(to_datasketch(sig_b)) == pytest.approx(estimate)  # type: ignore[attr-defined]
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    lsh.insert("a", lean_a)
    assert lsh.query(theirs["a"]) == ["a"]


def test_empty_document_signature_is_all_max() -> None:
    sig = minhash(np.empty(0, dtype=np.uint64), 16, 1)
    assert (sig == np.uint64(2**32 - 1)).all()
    assert sig.tolist() == MinHash(num_perm=16, seed=1).hashvalues.tolist()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2**64 - 1), max_size=12), max_size=8))
def test_minhash_batch_equals_one_document_at_a_time(docs: list[list[int]]) -> None:
    arrays = [np.array(d, dtype=np.uint64) for d in docs]
    offsets = np.concatenate([[0], np.cumsum([a.size for a in arrays])]).astype(np.int64)
    flat = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.uint64)
    batch = minhash_batch(flat, offsets, 16, 3)
    assert batch.shape == (len(docs), 16)
    for row, a in zip(batch, arrays, strict=True):
        assert row.tolist() == minhash(a, 16, 3).tolist()


def test_minhash_batch_blocks_give_the_same_signatures(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2)
    sizes = [0, 5, 1, 0, 9, 3, 12, 0]
    flat = rng.integers(0, 2**63, sum(sizes), dtype=np.uint64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    whole = minhash_batch(flat, offsets, 32, 1)
    monkeypatch.setattr(dedupe.minhash, "BLOCK", 4)  # smaller than some documents
    assert (minhash_batch(flat, offsets, 32, 1) == whole).all()
    assert (whole[[0, 3, 7]] == MAX_HASH).all()


def test_weighted_minhash_estimates_weighted_jaccard() -> None:
    keys = np.arange(1, 41, dtype=np.uint64) * np.uint64(7919)
    rng = np.random.default_rng(0)
    wa = rng.uniform(0.1, 2.0, 40)
    wb = wa.copy()
    wb[:15] = rng.uniform(0.1, 2.0, 15)  # a third of the weights redrawn
    exact = float(np.minimum(wa, wb).sum() / np.maximum(wa, wb).sum())
    sig_a = weighted_minhash(keys, wa, 1024, 1)
    sig_b = weighted_minhash(keys, wb, 1024, 1)
    assert jaccard_estimate(sig_a, sig_b) == pytest.approx(exact, abs=0.06)


def _flat(
    keys: list[np.ndarray], weights: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Documents' keys and weights as `weighted_minhash_batch` takes them: concatenated, with
    offsets."""
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([k.size for k in keys], out=offsets[1:])
    return np.concatenate(keys), np.concatenate(weights), offsets


@pytest.mark.parametrize("shared_keys", [0, 4, 1 << 14])  # none, a few, every recurring key
def test_weighted_minhash_batch_equals_one_document_at_a_time(
    monkeypatch: pytest.MonkeyPatch, shared_keys: int
) -> None:
    rng = np.random.default_rng(4)
    vocab = rng.integers(0, 2**64, 30, dtype=np.uint64)  # small: keys recur across documents
    keys = [np.unique(rng.choice(vocab, size)) for size in (5, 0, 12, 1, 9, 0, 20)]
    weights = [rng.uniform(0.05, 3.0, k.size) for k in keys]
    monkeypatch.setattr(dedupe.minhash, "WEIGHTED_BATCH", 3)  # several batches
    monkeypatch.setattr(dedupe.minhash, "SHARED_KEYS", shared_keys)  # drawn once per call
    batch = weighted_minhash_batch(*_flat(keys, weights), 32, 5)
    for row, k, w in zip(batch, keys, weights, strict=True):
        assert row.tolist() == weighted_minhash(k, w, 32, 5).tolist()


def test_weighted_minhash_batch_takes_argmins_first_row_on_ties_and_nans() -> None:
    # a repeated key is an exact tie with its copy; a negative weight's log is NaN, which
    # np.argmin takes (first) wherever it is, as the batch's minimum per document must
    keys = [
        np.array([3, 3, 8, 3], dtype=np.uint64),
        np.array([5, 9, 2], dtype=np.uint64),
        np.array([7, 4], dtype=np.uint64),
    ]
    weights = [np.array([0.5, 0.5, 0.2, 0.5]), np.array([1.0, -1.0, -2.0]), np.array([2.0, 0.1])]
    with np.errstate(invalid="ignore"):
        batch = weighted_minhash_batch(*_flat(keys, weights), 16, 2)
        for row, k, w in zip(batch, keys, weights, strict=True):
            assert row.tolist() == weighted_minhash(k, w, 16, 2).tolist()


def test_weighted_minhash_disjoint_sets_never_agree() -> None:
    a = weighted_minhash(np.array([1, 2, 3], dtype=np.uint64), np.ones(3), 64, 1)
    b = weighted_minhash(np.array([4, 5, 6], dtype=np.uint64), np.ones(3), 64, 1)
    assert jaccard_estimate(a, b) == 0.0


@pytest.mark.parametrize("num_perm", [16, 64, 128, 256])
def test_optimal_params_as_datasketch(num_perm: int) -> None:
    from datasketch.lsh import _optimal_param

    for threshold in (0.05, 0.1, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95):
        expected = _optimal_param(threshold, num_perm, 0.5, 0.5)
        assert optimal_params(threshold, num_perm) == expected, threshold
        recall_first = _optimal_param(threshold, num_perm, 0.1, 0.9)
        assert optimal_params(threshold, num_perm, 0.9) == recall_first, threshold


def test_candidate_pairs_equal_brute_force_band_matches() -> None:
    rng = np.random.default_rng(1)
    sigs = rng.integers(0, 3, size=(30, 8)).astype(np.uint64)  # tiny alphabet: many collisions
    bands, rows = 4, 2
    expected = sorted(
        (i, j)
        for i, j in itertools.combinations(range(30), 2)
        if any(
            (sigs[i, b * rows : (b + 1) * rows] == sigs[j, b * rows : (b + 1) * rows]).all()
            for b in range(bands)
        )
    )
    got = [tuple(p) for p in candidate_pairs(sigs, bands, rows).tolist()]
    assert got == expected


def test_candidate_pairs_rejects_too_many_rows() -> None:
    with pytest.raises(ValueError, match="at most num_perm"):
        candidate_pairs(np.zeros((2, 4), dtype=np.uint64), bands=3, rows=2)


def test_weighted_minhash_batch_gives_any_columns_alone() -> None:
    """A few permutations asked alone, in any order (wrapping past the last, as a group of
    bands does), are those columns of the whole signature."""
    rng = np.random.default_rng(9)
    vocab = rng.integers(0, 2**64, 40, dtype=np.uint64)
    keys = [np.unique(rng.choice(vocab, size)) for size in (6, 0, 14, 3, 25)]
    weights = [rng.uniform(0.05, 3.0, k.size) for k in keys]
    whole = weighted_minhash_batch(*_flat(keys, weights), 32, 4)
    columns = [30, 31, 0, 7]
    part = weighted_minhash_batch(*_flat(keys, weights), 32, 4, columns)
    assert part.tolist() == whole[:, columns].tolist()
