"""Story candidates from content words that few documents hold (`dedupe.rare_words`)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import DedupeConfig, core
from dedupe.rare_words import rare_word_pairs
from dedupe.records import Record


def _brute_force(terms: list[list[int]], most: int) -> list[list[int]]:
    holders: dict[int, list[int]] = {}
    for doc, words in enumerate(terms):
        for word in set(words):
            holders.setdefault(word, []).append(doc)
    pairs = {
        pair
        for docs in holders.values()
        if 2 <= len(docs) <= most
        for pair in combinations(sorted(docs), 2)
    }
    return [list(pair) for pair in sorted(pairs)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sets(st.integers(0, 30), max_size=8), min_size=0, max_size=25),
    st.integers(0, 6),
)
def test_pairs_are_those_of_every_rare_word(terms: list[set[int]], most: int) -> None:
    arrays = [np.array(sorted(words), dtype=np.uint32) for words in terms]
    counts = np.bincount(np.concatenate([np.empty(0, np.uint32), *arrays]), minlength=31)
    found = rare_word_pairs(arrays, counts, most).tolist()
    assert found == _brute_force([sorted(words) for words in terms], most)


def test_chunks_of_documents_give_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Words are counted and gathered a chunk of documents at a time; a word whose holders lie
    in different chunks still pairs them."""
    rng = np.random.default_rng(3)
    arrays = [np.unique(rng.integers(0, 400, size=12)).astype(np.uint32) for _ in range(300)]
    counts = np.bincount(np.concatenate(arrays), minlength=400)
    whole = rare_word_pairs(arrays, counts, 4)
    monkeypatch.setattr("dedupe.rare_words.CHUNK", 7)
    assert np.array_equal(rare_word_pairs(arrays, counts, 4), whole)
    assert whole.shape[0] > 0


def test_documents_sharing_a_rare_name_are_story_candidates_through_it() -> None:
    """The story candidates hold the pairs of the rare words beside the bands' top partners:
    here the two reports naming the same people and bridge, which the other reports of the
    topic do not name; the run's stats count them."""
    topic = "council budget housing schools roads transport taxes plan vote members meeting"
    docs = [
        Record("story", f"Aldous Quennell and Brigida Okonkwo opened the Varnholt bridge. {topic}"),
        Record("retold", f"The Varnholt bridge opened; Quennell and Okonkwo spoke. {topic}"),
        *(Record(f"other{k}", f"{topic} {topic} item{k}") for k in range(6)),
    ]
    features = core._features(core.document_features(d, 1) for d in docs)
    rare = rare_word_pairs(features.story_terms, features.story_df, 5).tolist()
    assert rare == [[0, 1]]  # the topic's words are in all eight: not rare
    pairs, stats = core.candidates(features, DedupeConfig(story_top_k=2))
    assert [0, 1] in pairs.tolist()
    assert stats["candidates_story_rare"] == 1
    assert (
        "candidates_story_rare" not in core.candidates(features, DedupeConfig(story_rare_df=0))[1]
    )


def test_story_rare_df_is_off_or_at_least_two() -> None:
    assert DedupeConfig(story_rare_df=0).story_rare_df == 0
    with pytest.raises(ValueError, match="story_rare_df must be 0"):
        DedupeConfig(story_rare_df=1)


def test_the_runs_candidates_hold_the_rare_words_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pair only the rare words give (no band, no near or exact key finds it) is a candidate,
    and only while the channel is on."""
    docs = [Record(f"d{k}", f"alpha{k} beta{k} gamma{k} delta{k} epsilon{k}") for k in range(6)]
    features = core._features(core.document_features(d, 1) for d in docs)
    assert [0, 5] not in core.candidates(features, DedupeConfig(story_rare_df=0))[0].tolist()
    monkeypatch.setattr(core, "rare_word_pairs", lambda *args: np.array([[0, 5]], np.int64))
    assert [0, 5] in core.candidates(features, DedupeConfig())[0].tolist()
    assert [0, 5] not in core.candidates(features, DedupeConfig(story_rare_df=0))[0].tolist()
