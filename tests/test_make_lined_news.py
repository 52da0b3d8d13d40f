"""The lined news generator (benchmarks/make_lined_news.py): deterministic, the mix it promises.

A small corpus (0.3 MB, about 170 documents) is made in a temporary folder; no timings.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import load_benchmark

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
MB = 0.3


lined = load_benchmark("make_lined_news")


def _files(out: Path) -> list[Path]:
    return [out, out.with_name(out.name + ".pairs.jsonl"), out.with_name(out.name + ".index.jsonl")]


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lined") / "news.jsonl"
    lined.make(out, MB, 5)
    return out


def test_same_seed_same_bytes_other_seed_other_corpus(corpus: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again.jsonl", tmp_path / "other.jsonl"
    lined.make(again, MB, 5)
    lined.make(other, MB, 6)
    for first, second in zip(_files(corpus), _files(again), strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name
    assert corpus.read_bytes() != other.read_bytes()


def test_records_and_size(corpus: Path) -> None:
    records = _rows(corpus)
    assert all(set(r) == {"id", "text"} for r in records)  # the shared script's fields
    assert len({r["id"] for r in records}) == len(records)
    size = sum(len(r["text"].encode("utf-8")) for r in records)
    last = len(records[-1]["text"].encode("utf-8"))
    assert MB * 1e6 <= size < MB * 1e6 + last  # stops at the first document past MB


def test_mix_of_shapes_and_their_structure(corpus: Path) -> None:
    texts = {r["id"]: r["text"] for r in _rows(corpus)}
    index = _rows(corpus.with_name(corpus.name + ".index.jsonl"))
    shapes = Counter(row["shape"] for row in index)
    assert set(shapes) == {"article", "wire", "page"}
    assert shapes["wire"] > shapes["article"] > shapes["page"]  # 76 / 17 / 7 % by document
    by_bytes = Counter[str]()
    for row in index:
        by_bytes[row["shape"]] += len(texts[row["id"]].encode("utf-8"))
    total = sum(by_bytes.values())
    assert all(0.15 < by_bytes[s] / total < 0.55 for s in shapes)  # about a third each
    for row in index:
        lines = texts[row["id"]].split("\n")
        if row["shape"] == "wire":
            assert lines[0] == lines[0].upper() and lines[1].startswith("    ")
            assert lines[-1] == " Reuter"
        elif row["shape"] == "article":  # paragraphs between blank lines
            assert all(lines[0::2]) and not any(lines[1::2])
        else:  # menus, share bars and the footer around the paragraphs, one line each
            assert sum(len(line.split()) <= 3 for line in lines) > 40
            assert sum(len(line) > 100 for line in lines) > 5
            assert lines[-1].startswith("©")


def test_copies_at_known_rates_recorded_as_pairs(corpus: Path) -> None:
    texts = {r["id"]: r["text"] for r in _rows(corpus)}
    index = {row["id"]: row for row in _rows(corpus.with_name(corpus.name + ".index.jsonl"))}
    pairs = _rows(corpus.with_name(corpus.name + ".pairs.jsonl"))
    kinds = Counter(row["kind"] for row in index.values())
    assert kinds["exact"] == sum(p["kind"] == "exact" for p in pairs) > 0
    assert kinds["near"] == sum(p["kind"] == "near" for p in pairs) > 0
    assert (kinds["exact"] + kinds["near"]) / len(index) < 0.25  # 5 % + 5 % by default
    order = list(index)
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        assert index[a]["kind"] == "original" and order.index(a) < order.index(b)
        assert index[b]["of"] == a and index[b]["shape"] == index[a]["shape"]
        if pair["kind"] == "exact":
            assert texts[a] == texts[b] and pair["jaccard5"] == 1.0
        else:  # a few prose words changed, the furniture and the line structure kept
            assert texts[a] != texts[b]
            assert texts[a].count("\n") == texts[b].count("\n")
            assert 0.5 < pair["jaccard5"] < 1.0
