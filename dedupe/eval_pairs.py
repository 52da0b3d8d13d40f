"""Score predicted clusters against labelled pairs or clusters, and a plain MinHash baseline.

A labelled pair counts as predicted positive when both documents end up in the same predicted
cluster, so transitive merges are paid for: a wrong merge of two 3-document clusters costs 9
false positives. `adjusted_rand_index` (Hubert & Arabie 1985) compares two whole clusterings and
is 0 for chance agreement, 1 for identical ones.

`evaluate(folder)` reads a dev set in the JSONL layout (docs.jsonl with id/title/text,
pairs.jsonl with a/b/label) and scores `find_duplicates` and the baseline on it:

    python -c "from dedupe.eval_pairs import evaluate; print(evaluate('path/to/dev_set'))"
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import comb
from pathlib import Path
from typing import Any

from dedupe.clusters import UnionFind
from dedupe.core import DedupeConfig, DedupeResult, find_duplicates
from dedupe.minhash import hash32
from dedupe.records import HasText, Record, title_of
from dedupe.shingles import word_shingles


@dataclass(frozen=True)
class PairScore:
    """Pairwise precision, recall and F1 over labelled pairs."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


def _cluster_of(clusters: Iterable[Iterable[str]]) -> dict[str, int]:
    where: dict[str, int] = {}
    for number, members in enumerate(clusters):
        for item in members:
            where[item] = number
    return where


def score_pairs(
    predicted_clusters: list[list[str]], pairs: list[tuple[str, str, int]]
) -> PairScore:
    """Precision/recall/F1 of "same predicted cluster" against labelled pairs (label 1 = same).

    >>> score_pairs([["a", "b", "c"]], [("a", "b", 1), ("a", "c", 0), ("b", "d", 1)])
    PairScore(precision=0.5, recall=0.5, f1=0.5, tp=1, fp=1, fn=1)
    """
    where = _cluster_of(predicted_clusters)
    tp = fp = fn = 0
    for a, b, label in pairs:
        same = a in where and b in where and where[a] == where[b]
        if same and label:
            tp += 1
        elif same:
            fp += 1
        elif label:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return PairScore(precision, recall, f1, tp, fp, fn)


def adjusted_rand_index(predicted: list[list[str]], truth: list[list[str]]) -> float:
    """Adjusted Rand index of two clusterings; items missing from one side are singletons there.

    >>> adjusted_rand_index([["a", "b"], ["c", "d"]], [["a", "b"], ["c", "d"]])
    1.0
    >>> round(adjusted_rand_index([["a", "b", "c"]], [["a", "b"], ["c"]]), 4)
    0.0
    """
    pred, true = _cluster_of(predicted), _cluster_of(truth)
    items = sorted(set(pred) | set(true))
    n = len(items)
    if n < 2:
        return 1.0
    # Singletons get their own label so that they never count as "together".
    pred_label = {x: ("p", pred[x]) if x in pred else ("s", x) for x in items}
    true_label = {x: ("p", true[x]) if x in true else ("s", x) for x in items}
    table: dict[tuple[object, object], int] = {}
    rows: dict[object, int] = {}
    cols: dict[object, int] = {}
    for x in items:
        cell = (pred_label[x], true_label[x])
        table[cell] = table.get(cell, 0) + 1
        rows[pred_label[x]] = rows.get(pred_label[x], 0) + 1
        cols[true_label[x]] = cols.get(true_label[x], 0) + 1
    index = sum(comb(v, 2) for v in table.values())
    sum_rows = sum(comb(v, 2) for v in rows.values())
    sum_cols = sum(comb(v, 2) for v in cols.values())
    expected = sum_rows * sum_cols / comb(n, 2)
    best = (sum_rows + sum_cols) / 2
    if best == expected:
        return 1.0
    return (index - expected) / (best - expected)


def minhash_baseline(docs: Sequence[HasText], threshold: float = 0.8) -> list[list[str]]:
    """The peers' default: datasketch MinHashLSH, word 5-grams, 128 perms, threshold 0.8.

    LSH hits are joined with union-find and not verified, as in a plain datasketch pipeline.
    """
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    ordered = sorted(docs, key=lambda d: d.id)
    sketches = []
    for number, doc in enumerate(ordered):
        m = MinHash(num_perm=128, seed=1, hashfunc=hash32)
        m.update_batch(s.encode("utf-8") for s in word_shingles(f"{title_of(doc)}\n{doc.text}"))
        lsh.insert(str(number), m)
        sketches.append(m)
    uf = UnionFind(len(ordered))
    for number, m in enumerate(sketches):
        for hit in lsh.query(m):
            uf.union(number, int(hit))
    groups: dict[int, list[str]] = {}
    for number, doc in enumerate(ordered):
        groups.setdefault(uf.find(number), []).append(doc.id)
    return sorted((g for g in groups.values() if len(g) >= 2), key=lambda g: g[0])


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_docs(path: Path) -> list[Record]:
    """Documents from a docs.jsonl with `id`, `text` and optional `title`."""
    return [
        Record(
            id=str(r["id"]),
            text=r["text"],
            title=r.get("title", ""),
            source=path.name,
            lines=(n, n),
        )
        for n, r in enumerate(_read_jsonl(path), start=1)
    ]


def load_pairs(path: Path) -> list[tuple[str, str, int]]:
    """Labelled pairs from a pairs.jsonl with `a`, `b` and `label` (1 = duplicate)."""
    return [(str(r["a"]), str(r["b"]), int(r["label"])) for r in _read_jsonl(path)]


def _pair_tiers(result: DedupeResult[Record]) -> dict[frozenset[str], str]:
    """The tier that put each pair of co-clustered documents together.

    A keeper and a member dropped against it: the tier of that drop. Any other two members: the
    cluster's tier (the strongest link that built it).
    """
    tier_of = {(d.duplicate_of, d.doc.id): d.tier for d in result.duplicates}
    out: dict[frozenset[str], str] = {}
    for c in result.clusters:
        for x, a in enumerate(c.members):
            for b in c.members[x + 1 :]:
                out[frozenset((a, b))] = tier_of.get((a, b)) or tier_of.get((b, a)) or c.tier
    return out


def evaluate(folder: str | Path, config: DedupeConfig | None = None) -> dict[str, Any]:
    """Pairwise scores of `find_duplicates` and of `minhash_baseline` on one labelled dev set.

    Also: how many true pairs each tier found (`found_by_tier`), the recall per pair `category`
    when pairs.jsonl has one (Clough & Stevenson: cut, light, heavy, non), and `stats` (candidate
    and check counts, to watch the cost).
    """
    root = Path(folder)
    docs = load_docs(root / "docs.jsonl")
    rows = _read_jsonl(root / "pairs.jsonl")
    pairs = [(str(r["a"]), str(r["b"]), int(r["label"])) for r in rows]
    result = find_duplicates(docs, config or DedupeConfig())
    predicted = [c.members for c in result.clusters]
    tiers: dict[str, int] = {}
    for c in result.clusters:
        tiers[c.tier] = tiers.get(c.tier, 0) + 1
    pair_tier = _pair_tiers(result)
    found: dict[str, int] = {}
    by_category: dict[str, list[int]] = {}
    for r, (a, b, label) in zip(rows, pairs, strict=True):
        tier = pair_tier.get(frozenset((a, b)))
        if label and tier is not None:
            found[tier] = found.get(tier, 0) + 1
        if "category" in r:
            counts = by_category.setdefault(str(r["category"]), [0, 0])
            counts[0] += tier is not None
            counts[1] += 1
    report: dict[str, Any] = {
        "winnow": score_pairs(predicted, pairs),
        "cluster_tiers": dict(sorted(tiers.items())),
        "found_by_tier": dict(sorted(found.items())),
        "baseline_minhash": score_pairs(minhash_baseline(docs), pairs),
        "stats": result.stats,
    }
    if by_category:
        # share of the category's pairs predicted together: recall for reuse, false-positive rate
        # for "non"
        report["together_by_category"] = {
            k: round(v[0] / v[1], 4) for k, v in sorted(by_category.items())
        }
    return report


def sweep(folder: str | Path, thresholds: Iterable[float]) -> list[dict[str, Any]]:
    """Pairwise precision, recall and F1 of `find_duplicates` with the cosine tier
    (`story_model = "off"`) at each of its story thresholds, on the texts as given.

    Shows how wide the plateau of good thresholds is, not just the best point. Other settings
    stay at their defaults. (`winnow eval` sweeps the tier a run uses, cleaned first:
    `winnow_corpus.evaluation`.)
    """
    root = Path(folder)
    docs = load_docs(root / "docs.jsonl")
    pairs = load_pairs(root / "pairs.jsonl")
    rows: list[dict[str, Any]] = []
    for threshold in thresholds:
        result = find_duplicates(docs, DedupeConfig(story_threshold=threshold, story_model="off"))
        score = score_pairs([c.members for c in result.clusters], pairs)
        rows.append(
            {
                "story_threshold": threshold,
                "precision": score.precision,
                "recall": score.recall,
                "f1": score.f1,
                "tp": score.tp,
                "fp": score.fp,
                "fn": score.fn,
                "candidates": result.stats.get("candidates", 0),
            }
        )
    return rows
