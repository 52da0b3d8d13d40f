"""The benchmark generator (benchmarks/generate.py): reproducible, well-formed, realistic overlap.

A small corpus is generated in a temporary folder and measured with benchmarks/realism.py, the
script that compares generated and real news with Winnow's own similarity measures.
"""

from __future__ import annotations

import json
import random
from itertools import pairwise
from pathlib import Path

import pytest

from tests.helpers import load_benchmark

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
RATES = {"exact": 0.03, "near": 0.05, "story": 0.15}


generate = load_benchmark("generate")
realism = load_benchmark("realism")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "corpus.txt"
    generate.generate(out, 1_200_000, 7, RATES)
    return out


def test_same_seed_same_bytes(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.txt"
    generate.generate(again, 1_200_000, 7, RATES)
    for suffix in ("", ".pairs.jsonl", ".index.jsonl"):
        a = corpus.with_name(corpus.name + suffix).read_bytes()
        assert a == again.with_name(again.name + suffix).read_bytes(), suffix
    other = tmp_path / "other.txt"
    generate.generate(other, 100_000, 8, RATES)
    assert other.read_bytes()[:5000] != corpus.read_bytes()[:5000]


def test_dump_format_and_ground_truth(corpus: Path) -> None:
    lines = corpus.read_text(encoding="utf-8").split("\n")
    index = [json.loads(x) for x in corpus.with_name(corpus.name + ".index.jsonl").open()]
    pairs = [json.loads(x) for x in corpus.with_name(corpus.name + ".pairs.jsonl").open()]
    assert index[0]["line"] == 1
    for rec, nxt in pairwise(index):
        first, last = rec["line"], rec["end"]
        assert lines[first - 1].strip() and not lines[first]  # headline, blank line
        assert lines[last - 1].strip() and not lines[last]  # last paragraph, blank separator
        assert nxt["line"] == last + 2
    kinds = {p["kind"] for p in pairs}
    assert kinds == {"exact", "near", "story"}
    assert set(pairs[0]) == {"a", "b", "kind", "a_line", "b_line", "jaccard5"}
    by_id = {rec["id"]: rec for rec in index}
    for p in pairs:
        assert by_id[p["b"]]["of"] == p["a"] and by_id[p["b"]]["kind"] == p["kind"]
        assert by_id[p["a"]]["line"] == p["a_line"] and by_id[p["b"]]["line"] == p["b_line"]


def test_overlap_is_as_real_news_measures_it(corpus: Path) -> None:
    """Unrelated articles, other events of one topic and retellings overlap about as much as
    real ones do (the dev sets, measured with realism.py: unrelated pairs' cosine p99 0.08-0.10,
    other events of one kind 0.10; retellings' cosine p10 0.10-0.14, median 0.18-0.22)."""
    data = realism.read_generated(corpus)
    result = realism.analyse(data, 2000, 1)
    groups = result["groups"]
    unrelated, other_event = groups["random unrelated"], groups[realism.HARD_NEGATIVE]
    assert unrelated["story_pass"] <= 0.001
    assert unrelated["shared"]["p50"] <= 0.2 * result["content_words_median"]
    # articles as long and as rich in words as real news (BASIL and Giveme5W1H: distinct
    # content words p10 82-115, median 205-222, p90 353-445)
    content = result["lengths"]["content words"]
    assert 150 <= content["p50"] <= 300
    assert content["p90"] >= 1.5 * content["p50"] and content["p10"] <= 0.65 * content["p50"]
    assert unrelated["cosine"]["p99"] < realism.STORY_THRESHOLD
    assert other_event["pairs"] >= 100
    assert other_event["cosine"]["p50"] > unrelated["cosine"]["p50"]  # one topic: more shared
    assert other_event["cosine"]["p99"] < realism.STORY_THRESHOLD
    assert groups["exact"]["story_pass"] == 1.0
    assert groups["near"]["jaccard5"]["p10"] >= 0.8
    story = groups["story"]
    assert story["pairs"] >= 30
    assert 0.15 <= story["cosine"]["p50"] <= 0.3  # as hard as real retellings, not copies
    assert story["cosine"]["p10"] < realism.STORY_THRESHOLD  # some are harder than the tier
    assert story["jaccard5"]["p90"] < 0.5


def test_open_vocabulary_keeps_growing() -> None:
    """New words keep coming as in real text (Heaps' law): four times the draws give about
    4 ** discount times the distinct words, where a fixed lexicon would level off."""
    lexicon = generate.OpenLexicon()
    discount = 0.6
    urn = generate.PitmanYor(lexicon, discount, 100.0)
    rng = random.Random(3)
    counts = []
    for draws in (20_000, 80_000):
        while len(urn.draws) < draws:
            urn.draw(rng)
        counts.append(len(urn.words))
    assert 0.8 * 4**discount < counts[1] / counts[0] < 1.2 * 4**discount
    assert len(set(urn.words)) == len(urn.words)  # every new word is new
