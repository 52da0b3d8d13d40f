"""The benchmark generator (benchmarks/generate.py): reproducible, well-formed, realistic overlap.

A small corpus is generated in a temporary folder and measured with benchmarks/realism.py, the
script that compares generated and real news with Winnow's own similarity measures.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import load_benchmark

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
RATES = {"exact": 0.03, "near": 0.05, "story": 0.08}


generate = load_benchmark("generate")
realism = load_benchmark("realism")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "corpus.txt"
    generate.generate(out, 300_000, 7, RATES)
    return out


def test_same_seed_same_bytes(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.txt"
    generate.generate(again, 300_000, 7, RATES)
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


def test_unrelated_articles_rarely_look_like_one_story(corpus: Path) -> None:
    """Random unrelated pairs stay below the story tier; labelled copies mostly reach it."""
    data = realism.read_generated(corpus)
    result = realism.analyse(data, 2000, 1)
    unrelated = result["groups"]["random unrelated"]
    assert unrelated["story_pass"] <= 0.001  # the old generator: about 1 %
    assert unrelated["shared"]["p50"] <= 0.2 * result["content_words_median"]
    assert unrelated["cosine"]["p99"] < realism.STORY_THRESHOLD
    assert result["groups"]["exact"]["story_pass"] == 1.0
    assert result["groups"]["near"]["jaccard5"]["p10"] >= 0.8
    story = result["groups"]["story"]
    assert story["story_pass"] >= 0.8
    assert story["jaccard5"]["p90"] < 0.5  # retold, not copied
    assert np.isfinite(story["cosine"]["p50"])
