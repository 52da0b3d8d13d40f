"""Dedupe's hashes on disk (`dedupe.spill`) read back exactly, and change no result."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe import core, spill
from dedupe.core import FeatureSpill, document_features
from dedupe.errors import SpillError
from dedupe.parallel import fork_map
from tests.test_jobs import corpus, outcome
from winnow_corpus.runner import RunConfig, run_documents

arrays = st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=40), max_size=30)


@given(arrays, st.sampled_from([0, 64, 1 << 30]), st.integers(0, 29))
def test_spill_reads_back_what_was_appended(
    values: list[list[int]], spool_bytes: int, replaced: int
) -> None:
    stored = spill.ArraySpill(np.uint32, spool_bytes=spool_bytes)
    expected = [np.array(v, dtype=np.uint32) for v in values]
    for array in expected:
        stored.append(array)
    if replaced < len(expected):  # a later step changed one: positions do not move
        expected[replaced] = np.arange(replaced + 3, dtype=np.uint32)
        stored[replaced] = expected[replaced]
    assert len(stored) == len(expected)
    assert [a.tolist() for a in stored] == [a.tolist() for a in expected]
    assert [a.tolist() for a in stored[1:4]] == [a.tolist() for a in expected[1:4]]
    assert stored.sizes().tolist() == [a.size for a in expected]
    assert all(a.dtype == np.uint32 for a in stored)
    stored.close()


def test_forked_children_read_the_spilled_file() -> None:
    stored = spill.ArraySpill(np.uint64, spool_bytes=0)
    for n in range(50):
        stored.append(np.arange(n, dtype=np.uint64) * 7)
    stored.flush()
    sums = fork_map(lambda lo, hi: [int(stored[i].sum()) for i in range(lo, hi)], 50, 2, 1)
    assert [s for part in sums for s in part] == [int(a.sum()) for a in stored]


def test_a_folder_that_cannot_hold_the_file_is_an_output_error(tmp_path: Path) -> None:
    stored = spill.ArraySpill(np.uint32, directory=tmp_path / "missing", spool_bytes=0)
    with pytest.raises(SpillError, match="--temp-dir"):
        stored.append(np.arange(3, dtype=np.uint32))


def test_feature_spill_keeps_missing_entries_missing() -> None:
    docs = corpus()[:5]
    features = [document_features(d, 1) for d in docs]
    stored = FeatureSpill()
    for feature in features:
        stored.append(feature)
    stored.append(None)
    stored[1] = None  # its text changed: find_duplicates computes it again
    got = list(stored)
    assert got[1] is None and got[5] is None and len(stored) == 6
    for want, have in zip([features[0], *features[2:]], [got[0], *got[2:5]], strict=True):
        assert have is not None
        assert have[0] == want[0]
        assert have[1].tolist() == want[1].tolist() and have[2].tolist() == want[2].tolist()
    positions = [4, 1, 0, 5, 2, 3, 0]
    together = stored.read_many(positions)
    for have, alone in zip(together, (stored[p] for p in positions), strict=True):
        assert (have is None) == (alone is None)
        if have is not None and alone is not None:
            assert have[0] == alone[0]
            assert all(a.tolist() == b.tolist() for a, b in zip(have[1:], alone[1:], strict=True))


def test_document_frequencies_merged_in_pieces_equal_one_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    keys = [
        np.unique(rng.integers(0, 300, size=rng.integers(0, 40))).astype(np.uint64)
        for _ in range(80)
    ]
    monkeypatch.setattr(core, "MERGE_KEYS", 7)
    counter = core.DocumentFrequencies()
    for k in keys:
        counter.add(k)
    vocab, df = counter.result()
    want_vocab, want_df = np.unique(np.concatenate(keys), return_counts=True)
    assert vocab.tolist() == want_vocab.tolist() and df.tolist() == want_df.tolist()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_with_every_hash_on_disk_gives_the_same_result(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: int
) -> None:
    held = run_documents(corpus(), RunConfig(jobs=jobs))
    monkeypatch.setattr(spill, "SPOOL_BYTES", 0)
    monkeypatch.setattr(spill, "WRITE_BYTES", 100)  # many writes, some waiting at a read
    monkeypatch.setattr(core, "MERGE_KEYS", 50)
    monkeypatch.setattr(core, "PARALLEL_LEAST", 1)  # the checks read the file in children
    spilled = run_documents(corpus(), RunConfig(jobs=jobs, temp_dir=tmp_path))
    assert outcome(spilled) == outcome(held)
    assert spilled.dedupe.stats == held.dedupe.stats


def test_held_arrays_are_copies_and_values_must_fit() -> None:
    stored = spill.ArraySpill(np.uint32)
    values = np.arange(4, dtype=np.uint32)
    stored.append(values)
    values[0] = 99  # the caller's array changes; the spill's does not
    assert stored[0].tolist() == [0, 1, 2, 3]
    with pytest.raises(TypeError):
        stored.append(np.array([2**40], dtype=np.uint64))  # would be cut to 32 bits


def test_forked_children_read_what_was_still_waiting_to_be_written() -> None:
    stored = spill.ArraySpill(np.uint64, spool_bytes=0)
    for n in range(30):
        stored.append(np.arange(n, dtype=np.uint64) + 5)
    # no flush: a child's read writes the waiting bytes, the same bytes at the same offsets
    sums = fork_map(lambda lo, hi: [int(stored[i].sum()) for i in range(lo, hi)], 30, 2, 1)
    assert [s for part in sums for s in part] == [int(a.sum()) for a in stored]


@pytest.mark.parametrize("spool_bytes", [0, 1 << 30])
def test_feature_spill_reads_back_every_part(
    monkeypatch: pytest.MonkeyPatch, spool_bytes: int
) -> None:
    monkeypatch.setattr(spill, "SPOOL_BYTES", spool_bytes)
    docs = corpus()[:6]
    features = [document_features(d, 1) for d in docs]
    stored = FeatureSpill()
    for feature in features:
        stored.append(feature)
    for want, have in zip(features, stored, strict=True):
        assert have is not None and have[0] == want[0]
        assert [a.tolist() for a in have[1:]] == [a.tolist() for a in want[1:]]
    assert any(want[3].size for want in features)  # the names are there to compare
    stored.close()


@given(
    arrays,
    st.sampled_from([0, 64, 1 << 30]),
    st.lists(st.integers(0, 29), max_size=40),
    st.sampled_from([8, 1 << 20]),
)
def test_many_arrays_read_at_once_are_each_read_alone(
    values: list[list[int]], spool_bytes: int, wanted: list[int], read_bytes: int
) -> None:
    spill_ = spill.ArraySpill(np.uint32, spool_bytes=spool_bytes)
    for item in values:
        spill_.append(np.array(item, dtype=np.uint32))
    if values:  # a replaced array is appended at the file's end: its run breaks there
        spill_[0] = np.array([7, 7], dtype=np.uint32)
    positions = [p for p in wanted if p < len(values)]
    with patch.object(spill, "READ_BYTES", read_bytes):
        together = spill_.read_many(positions)
        whole = list(spill_)
    assert [a.tolist() for a in together] == [spill_[p].tolist() for p in positions]
    assert [a.tolist() for a in whole] == [spill_[p].tolist() for p in range(len(values))]
    spill_.close()
