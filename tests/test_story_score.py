"""The calibrated same-story score (`dedupe.story_score`): word rarity with a prior, the shipped
model, and the seed's acceptance fact (ISSUE-NOTES, "Same-story dedupe that holds on unseen
news"): exactly one cluster, the two retellings of one event, and every unrelated pair's score
at most half the threshold, printed."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import xxhash

from dedupe import DedupeConfig, find_duplicates
from dedupe.core import pair_signals
from dedupe.parallel import can_fork
from dedupe.records import Record
from dedupe.story_score import PAIR_SIGNALS, StoryModel, number_words, story_idf
from tests.helpers import jobs_asked, run_cli

# the seed's one retold story, as its golden output names the two articles
SEED_PAIR = frozenset({"8072aae4307e4b8c", "83ab9ac6d3d91c5c"})


def _hashes(*words: str) -> np.ndarray:
    return np.array(sorted(xxhash.xxh3_64_intdigest(w.encode(), 1) for w in words), np.uint64)


def test_a_word_weighs_the_same_whatever_the_run_size() -> None:
    vocab = _hashes("government", "zorblatt")
    at = {int(h): i for i, h in enumerate(vocab.tolist())}
    common, rare = (
        at[xxhash.xxh3_64_intdigest(b"government", 1)],
        at[xxhash.xxh3_64_intdigest(b"zorblatt", 1)],
    )
    once = story_idf(vocab, np.array([1, 1]), 10, 1, 1.0)
    assert once[common] < once[rare]  # common English by the prior, with no run to say so
    topical = story_idf(vocab, np.array([150, 150]), 1000, 1, 1.0)
    assert topical[rare] == topical[common] == 1.0  # in 150 of the run's articles: common there
    assert story_idf(vocab, np.array([2, 2]), 1000, 1, 1.0)[rare] > 1.5  # two articles of one event
    small_run = story_idf(vocab, np.array([5, 5]), 10, 1, 1.0)
    assert small_run[rare] < 2.0 < 5.0 < once[rare]  # in half of a ten-article run


def _unrelated_articles(count: int) -> list[Record]:
    """Articles of made-up words that share no word with the retold story."""
    letters = "bcdfghjklmnprstvz"
    docs = []
    for i in range(count):
        words = [
            letters[(i * 7 + k) % 17] + "o" + letters[(i + k * 3) % 17] + "u" + letters[k % 17]
            for k in range(60)
        ]
        docs.append(Record(f"u{i}", " ".join(words).capitalize() + "."))
    return docs


def test_unrelated_articles_do_not_change_a_pairs_score() -> None:
    config = DedupeConfig(story_model="shipped")
    story = [Record("a", RETOLD), Record("b", RETOLD_2), Record("c", OTHER)]
    pairs = [("a", "b"), ("a", "c")]
    alone = pair_signals(story + _unrelated_articles(100), pairs, config)
    among = pair_signals(story + _unrelated_articles(1000), pairs, config)
    np.testing.assert_allclose(among, alone)


def test_numbers_are_found_by_hash() -> None:
    vocab = _hashes("2019", "52", "seven")
    found = {h: bool(m) for h, m in zip(vocab.tolist(), number_words(vocab, 1), strict=True)}
    assert found[xxhash.xxh3_64_intdigest(b"2019", 1)]
    assert found[xxhash.xxh3_64_intdigest(b"52", 1)]
    assert not found[xxhash.xxh3_64_intdigest(b"seven", 1)]


def test_shipped_model_reads_the_signals_it_was_fitted_on() -> None:
    model = StoryModel.load()
    assert model.coef.size == len(PAIR_SIGNALS)
    assert np.all(model.scale > 0)


def test_story_model_is_validated() -> None:
    with pytest.raises(ValueError, match="story_model must be one of 'shipped', 'off'"):
        DedupeConfig(story_model="on")
    with pytest.raises(ValueError, match="story_probability must be in"):
        DedupeConfig(story_probability=50)
    with pytest.raises(ValueError, match="is not a file; fit one"):
        DedupeConfig(story_model="no-such-model.json")


def test_a_fitted_model_file_is_used(tmp_path: Path) -> None:
    model = StoryModel.load()
    path = tmp_path / "mine.json"
    path.write_text(model.to_json({}), encoding="utf-8")
    docs = [Record("a", RETOLD), Record("b", RETOLD_2), Record("c", OTHER)]
    mine = find_duplicates(docs, DedupeConfig(story_model=str(path)))
    shipped = find_duplicates(docs, DedupeConfig(story_model="shipped"))
    assert mine.clusters == shipped.clusters


RETOLD = (
    "Harbour officials in Vantmouth said on Tuesday that the Corliss Bridge will close for 14 "
    "months from March 2027 while engineers replace its 1962 deck. Mayor Edda Thorsby said "
    "ferries would run every 20 minutes. The repair costs 86 million crowns."
)
RETOLD_2 = (
    "The Corliss Bridge in Vantmouth closes in March 2027 for 14 months, harbour officials "
    "announced Tuesday, so that its deck, laid in 1962, can be replaced at a cost of 86 million "
    "crowns. Ferries will leave every 20 minutes, according to Mayor Edda Thorsby."
)
OTHER = (
    "Harbour officials in Vantmouth said on Friday that the fish market will open on Sundays "
    "from May. Trader Olav Brenna said 35 stalls had asked for the change, which the council "
    "approved by 9 votes to 2 after a debate about parking near the quay."
)


def test_a_retelling_is_found_and_a_same_place_story_is_not() -> None:
    docs = [Record("a", RETOLD), Record("b", RETOLD_2), Record("c", OTHER)]
    result = find_duplicates(docs, DedupeConfig(story_model="shipped"))
    assert [sorted(c.members) for c in result.clusters] == [["a", "b"]]
    assert result.duplicates[0].tier == "story"
    assert 0.5 <= result.duplicates[0].similarity <= 1.0


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_seed_has_one_story_cluster_by_a_margin(tmp_path: Path) -> None:
    config = tmp_path / "winnow.toml"
    config.write_text('[dedupe]\nstory_model = "shipped"\n', encoding="utf-8")
    out = tmp_path / "clean"
    done = run_cli("clean", "--quiet", "--config", str(config), "--out", str(out))
    assert done.returncode == 0, done.stderr
    dropped = _read(out / "duplicates.jsonl")
    assert [frozenset({d["id"], d["duplicate_of"]}) for d in dropped] == [SEED_PAIR]
    rows = _read(out / "articles.jsonl") + dropped
    docs = [Record(r["id"], r["text"], title=r.get("title") or "") for r in rows]
    pairs = list(itertools.combinations(sorted(d.id for d in docs), 2))
    scores = StoryModel.load().probability(
        pair_signals(docs, pairs, DedupeConfig(story_model="shipped"))
    )
    threshold = DedupeConfig().story_probability
    unrelated = max(s for p, s in zip(pairs, scores, strict=True) if frozenset(p) != SEED_PAIR)
    retold = max(s for p, s in zip(pairs, scores, strict=True) if frozenset(p) == SEED_PAIR)
    print(
        f"seed: retold pair {retold:.3f}, highest unrelated pair {unrelated:.3f}, "
        f"threshold {threshold} (half: {threshold / 2})"
    )
    assert retold >= threshold
    assert unrelated <= threshold / 2


FOOTER = [
    "Copyright 2026 Harbour Radio Network. All rights reserved. This material may not be",
    "published, broadcast, rewritten or redistributed without written permission.",
    "Transcripts of Harbour Radio programmes are produced by Quillmark Transcription Services",
    "and may be updated; the audio remains the authoritative record of the broadcast.",
    "Follow Harbour Radio on Mastodon, Bluesky and in the Harbour Radio app for alerts.",
]
EVENTS = [
    "The Vantmouth ferry Ostrid ran aground near Kelby Point on Monday; 212 passengers waited.",
    "Glassworks owner Pella Arnsdottir opened a second furnace in Trindle after 30 years.",
    "Council members in Osterby voted 6 to 5 to pave Lanner Street before the autumn fair.",
    "A storm cut power to 4,800 homes across the Skarn valley, the grid operator Norvolt said.",
    "Chess player Ivo Demark won the Harlow open on tie-break after a 71-move final game.",
]


def test_furniture_lines_do_not_make_a_story() -> None:
    from winnow_corpus.story_text import masked_story_features

    docs = [Record(f"p{i}", "\n".join([event, *FOOTER])) for i, event in enumerate(EVENTS)]
    config = DedupeConfig(story_model="shipped", story_min_shared=0, story_min_names=0.0)
    features = [None] * len(docs)
    masked = dict(masked_story_features(docs, features, config.seed))
    assert sorted(masked) == list(range(len(docs)))  # every page holds the footer
    given = [masked[i] for i in range(len(docs))]
    result = find_duplicates(docs, config, given)
    assert result.clusters == []


@pytest.mark.skipif(not can_fork(), reason="forked slices need fork()")
def test_masking_in_forked_slices_gives_the_same_features(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The two masking passes over slices in forked children (one slice each here, however
    small, the answers sent back two articles at a time) give one job's features, in order."""
    from winnow_corpus import story_text

    docs = [
        Record(f"p{i}", "\n".join([EVENTS[i % len(EVENTS)], f"Item {i} of the day.", *FOOTER]))
        for i in range(11)
    ]
    docs.append(Record("plain", "A lone line with no footer at all, long enough to count."))
    seed = DedupeConfig().seed
    one = list(story_text.masked_story_features(docs, [None] * len(docs), seed))
    monkeypatch.setattr(story_text, "PARALLEL_LEAST", 1)
    monkeypatch.setattr(story_text, "MASK_SLICE", 2)
    forked = jobs_asked(monkeypatch, story_text, "fork_imap")
    two = list(story_text.masked_story_features(docs, [None] * len(docs), seed, jobs=2))
    assert forked == [2]
    assert [position for position, _ in one] == list(range(11))  # "plain" holds no footer
    assert len(two) == len(one)
    for (at_one, (exact, near, story, names)), (at_two, features) in zip(one, two, strict=True):
        assert at_one == at_two and exact == features[0]
        for mine, theirs in zip((near, story, names), features[1:], strict=True):
            assert np.array_equal(mine, theirs)


def test_eval_masks_furniture_as_a_run_does(tmp_path: Path) -> None:
    """`winnow eval --task dedupe` hands dedupe the features a run would: the five pages joined
    only by their shared footer form a cluster unmasked, and none in the eval."""
    from winnow_corpus.evaluation import evaluate_dedupe

    docs = [Record(f"p{i}", "\n".join([event, *FOOTER])) for i, event in enumerate(EVENTS)]
    config = DedupeConfig(story_model="shipped", story_min_shared=0, story_min_names=0.0)
    assert find_duplicates(docs, config).clusters, "unmasked, the footer alone should join them"
    (tmp_path / "docs.jsonl").write_text(
        "".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in docs), encoding="utf-8"
    )
    (tmp_path / "pairs.jsonl").write_text(
        "".join(
            json.dumps({"a": a.id, "b": b.id, "label": 0}) + "\n"
            for a, b in itertools.combinations(docs, 2)
        ),
        encoding="utf-8",
    )
    table = evaluate_dedupe(tmp_path, clean_first=False, config=config, thresholds=())
    assert table.rows[0]["clusters_by_tier"] == {}


STORM_REPORTS = [
    "A storm brought down trees in Alton on Tuesday as gusts of 70 mph hit under an amber "
    "warning. Councillor Mary Dunn said power was restored by evening.",
    "Gales closed the ring road in Fareham on Friday, with gusts of 70 mph under an amber "
    "warning. Firefighters cleared fallen trees and power returned overnight.",
    "An amber warning was in force as gusts of 70 mph ripped roofs from three houses in Havant. "
    "Residents were moved to a hall while power lines were repaired.",
    "A ferry from Gosport was cancelled as gusts of 70 mph reached the coast under an amber "
    "warning. Power cuts hit 200 homes and trees blocked lanes.",
    "Waves flooded the promenade in Southsea as gusts of 70 mph arrived with an amber warning. "
    "Trees fell on cars and power failed at the pier.",
]


def test_a_shared_footer_is_no_copy() -> None:
    """Short reports of five towns' storms under one outlet's long footer share most of their
    word 5-grams through the footer alone; the copy's pass of the shared-words check
    (`STORY_COPY_SHARE`) also asks their masked words to be alike, so none is dropped."""
    from winnow_corpus.story_text import story_features

    docs = [Record(f"s{i}", "\n".join([body, *FOOTER])) for i, body in enumerate(STORM_REPORTS)]
    config = DedupeConfig()
    result = find_duplicates(docs, config, story_features(docs, config))
    assert result.duplicates == []
