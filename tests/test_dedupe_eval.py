"""eval_pairs: pair scores and ARI on tiny examples computed by hand, and the MinHash baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaners.document import Document
from dedupe.eval_pairs import (
    PairScore,
    adjusted_rand_index,
    evaluate,
    minhash_baseline,
    score_pairs,
    sweep,
)


def test_score_pairs_by_hand() -> None:
    # Clusters {a,b,c} and {d,e}. Pairs: a-b tp, a-c fp, d-e tp, b-d fn, c-f tn.
    pairs = [("a", "b", 1), ("a", "c", 0), ("d", "e", 1), ("b", "d", 1), ("c", "f", 0)]
    got = score_pairs([["a", "b", "c"], ["d", "e"]], pairs)
    assert got == PairScore(precision=2 / 3, recall=2 / 3, f1=2 / 3, tp=2, fp=1, fn=1)


def test_score_pairs_nothing_predicted() -> None:
    assert score_pairs([], [("a", "b", 1)]) == PairScore(0.0, 0.0, 0.0, 0, 0, 1)


def test_adjusted_rand_index_by_hand() -> None:
    # Items a..e. Predicted {a,b} {c,d} {e}; truth {a,b,c} {d} {e}.
    # Contingency cells 2,1,1,1 -> index = C(2,2) = 1; row sums C(2,2)+C(2,2) = 2;
    # column sums C(3,2) = 3; expected = 2*3/C(5,2) = 0.6; max = (2+3)/2 = 2.5.
    # ARI = (1 - 0.6) / (2.5 - 0.6) = 0.4 / 1.9.
    got = adjusted_rand_index([["a", "b"], ["c", "d"], ["e"]], [["a", "b", "c"], ["d"], ["e"]])
    assert got == pytest.approx(0.4 / 1.9)


def test_adjusted_rand_index_identical_and_symmetric() -> None:
    p, t = [["a", "b"], ["c", "d", "e"]], [["a", "b", "c"], ["d", "e"]]
    assert adjusted_rand_index(p, p) == 1.0
    assert adjusted_rand_index(p, t) == pytest.approx(adjusted_rand_index(t, p))


TEXT = (
    "The regional rail operator will replace forty ageing carriages next year, its chief "
    "executive said, after a winter of breakdowns that left commuters stranded on the coast line."
)


def make(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, text=text, source="t", lines=(1, 1))


def test_minhash_baseline_finds_copies_only() -> None:
    docs = [
        make("x", TEXT),
        make("y", TEXT + " Updated."),
        make("z", "Completely different words about a garden festival in spring."),
    ]
    assert minhash_baseline(docs) == [["x", "y"]]


def test_evaluate_reads_jsonl_folder(tmp_path: Path) -> None:
    rows = [{"id": "x", "text": TEXT, "title": ""}, {"id": "y", "text": TEXT.upper()}]
    (tmp_path / "docs.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    (tmp_path / "pairs.jsonl").write_text(json.dumps({"a": "x", "b": "y", "label": 1}))
    report = evaluate(tmp_path)
    assert report["winnow"].f1 == 1.0
    assert report["cluster_tiers"] == {"exact": 1}


def test_sweep_and_per_tier_report(tmp_path: Path) -> None:
    rows = [
        {"id": "x", "text": TEXT},
        {"id": "y", "text": TEXT.upper()},
        {"id": "z", "text": "A garden fair."},
    ]
    (tmp_path / "docs.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    pairs = [
        {"a": "x", "b": "y", "label": 1, "category": "cut"},
        {"a": "x", "b": "z", "label": 0, "category": "non"},
    ]
    (tmp_path / "pairs.jsonl").write_text("\n".join(json.dumps(p) for p in pairs), encoding="utf-8")
    report = evaluate(tmp_path)
    assert report["found_by_tier"] == {"exact": 1}
    assert report["together_by_category"] == {"cut": 1.0, "non": 0.0}
    rows_out = sweep(tmp_path, [0.1, 0.5])
    assert [r["story_threshold"] for r in rows_out] == [0.1, 0.5]
    assert all(r["f1"] == 1.0 for r in rows_out)
