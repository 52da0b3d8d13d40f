"""MinHash, weighted MinHash and LSH: datasketch compatibility and the sorted-bucket LSH."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from datasketch import MinHash

from dedupe.lsh import candidate_pairs, optimal_params
from dedupe.minhash import (
    hash32,
    jaccard_estimate,
    legacy_scheme,
    minhash,
    permutations,
    to_datasketch,
    weighted_minhash,
)
from dedupe.shingles import hash_tokens, word_shingles

TEXT_A = (
    "The harbour authority said on Tuesday that the northern pier would stay closed for repairs "
    "until the end of the month, after divers found cracks in two of its concrete supports."
)
TEXT_B = TEXT_A.replace("Tuesday", "Wednesday").replace("two", "three")


@pytest.mark.parametrize("seed", [1, 7])
def test_signature_equals_datasketch_minhash(seed: int) -> None:
    shingles = word_shingles(TEXT_A)
    ours = minhash(hash_tokens(shingles, seed), num_perm=128, seed=seed)
    theirs = MinHash(num_perm=128, seed=seed, hashfunc=lambda b: hash32(b, seed), **legacy_scheme())
    theirs.update_batch(s.encode("utf-8") for s in shingles)
    assert ours.tolist() == theirs.hashvalues.tolist()


def test_permutations_match_datasketch() -> None:
    a, b = permutations(64, 3)
    expected = MinHash(num_perm=64, seed=3, **legacy_scheme()).permutations
    assert a.tolist() == expected[0].tolist()
    assert b.tolist() == expected[1].tolist()


def test_to_datasketch_keeps_jaccard_estimate() -> None:
    sig_a = minhash(hash_tokens(word_shingles(TEXT_A), 1), 128, 1)
    sig_b = minhash(hash_tokens(word_shingles(TEXT_B), 1), 128, 1)
    lean_a, lean_b = to_datasketch(sig_a), to_datasketch(sig_b)
    assert lean_a.jaccard(lean_b) == pytest.approx(jaccard_estimate(sig_a, sig_b))  # type: ignore[attr-defined]


def test_empty_document_signature_is_all_max() -> None:
    sig = minhash(np.empty(0, dtype=np.uint64), 16, 1)
    assert (sig == np.uint64(2**32 - 1)).all()


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


def test_weighted_minhash_disjoint_sets_never_agree() -> None:
    a = weighted_minhash(np.array([1, 2, 3], dtype=np.uint64), np.ones(3), 64, 1)
    b = weighted_minhash(np.array([4, 5, 6], dtype=np.uint64), np.ones(3), 64, 1)
    assert jaccard_estimate(a, b) == 0.0


def test_optimal_params_as_datasketch() -> None:
    from datasketch.lsh import _optimal_param

    assert optimal_params(0.5, 128) == _optimal_param(0.5, 128, 0.5, 0.5)


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
