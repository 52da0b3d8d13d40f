"""How alike are unrelated articles, and how alike are duplicates, in a corpus? Winnow's measures.

Why: the speed and recall benchmarks run on dumps from `generate.py`. They only say something
about real news if generated articles resemble each other about as much as real articles do:
unrelated stories that share too many words cost the story tier candidate checks real news
would not cost, and get merged as false same-story duplicates. This script puts numbers on it
with the measures Winnow itself uses (`dedupe.core`):

* ``cosine``: the story tier's cosine of binary content-word TF-IDF vectors (IDF from the corpus
  given, to `IDF_POWER`), as `find_duplicates` computes it;
* ``shared``: the number of content words the two articles share (the story tier also needs
  `STORY_MIN_SHARED` of them);
* ``jaccard5``: the exact Jaccard of the two articles' word 5-gram sets (the near tier's measure).

For random pairs of unrelated articles (a fixed seed; pairs of an original and its copies, or of
one labelled cluster, are skipped) and for every labelled duplicate pair, per kind, it prints the
1st, 10th, 50th, 90th, 99th and 99.9th percentiles of each measure, and the share of pairs that
pass the story tier (cosine >= `STORY_THRESHOLD` and at least `STORY_MIN_SHARED` shared content
words) or the near tier (jaccard5 >= 0.8). Articles are compared as they stand in the input
(headline and body; no cleaning), and each corpus is its own IDF collection.

Inputs, any number of each:

* ``--generated DUMP``: a dump written by `generate.py`, with ``DUMP.index.jsonl`` and
  ``DUMP.pairs.jsonl`` beside it (labelled pairs: ``exact``, ``near``, ``story``);
* ``--labelled DIR``: a folder with ``docs.jsonl`` ({id, text, title}) and ``pairs.jsonl``
  ({a, b, label 0/1, optional category}); label-1 pairs are the duplicates (grouped by
  ``category`` when there is one), label-0 pairs are also reported as "labelled different";
* ``--dump DIR``: a folder with ``dump.txt`` and ``boundaries.jsonl`` ({id, start, end}:
  character offsets) of real articles with no duplicate labels; every random pair counts as
  unrelated, and each article's first line is its headline.

Example::

    python benchmarks/realism.py --generated benchmarks/data/realism-10MB.txt \\
        --labelled path/to/dedup_basil_same_story --dump path/to/dump_reuters21578
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "benchmarks"):  # Winnow's packages, and bench_dedupe beside this
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench_dedupe import components  # noqa: E402
from bench_pipeline import write_json  # noqa: E402

from cleaners.document import Document  # noqa: E402
from dedupe.core import (  # noqa: E402
    STORY_MIN_SHARED,
    STORY_THRESHOLD,
    DedupeConfig,
    _Features,
    _features,
    cosine_and_shared,
    document_features,
    jaccard,
)

NEAR_THRESHOLD = 0.8  # DedupeConfig.near_threshold
SEED = 1  # DedupeConfig.seed: the hashes only need to be consistent within one corpus
PERCENTILES = (1, 10, 50, 90, 99, 99.9)
LENGTH_PERCENTILES = (10, 50, 90)  # of each article's words and distinct content words
MEASURES = ("cosine", "shared", "jaccard5")
# Pairs that are not duplicates: any two articles of different events, and the hard ones (another
# event of the same kind: a labelled set's `same_category` pairs, random pairs of one topic in a
# generated dump).
HARD_NEGATIVE = "other event, same kind"
DIFFERENT = ("labelled different", HARD_NEGATIVE)
HARD_PAIRS = 20_000  # same-topic pairs sampled from a generated dump


@dataclass
class Corpus:
    """Articles of one source, their labelled pairs, and what must not count as unrelated."""

    name: str
    docs: list[Document]
    labelled: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    family: list[int] = field(default_factory=list)  # related articles share a family number


def _doc(doc_id: str, title: str, text: str, n: int) -> Document:
    return Document(doc_id, text, "corpus", (n, n), title=title)


def read_generated(dump: Path) -> Corpus:
    """A `generate.py` dump: articles from its index, labelled pairs from its pairs file."""
    lines = dump.read_text(encoding="utf-8").split("\n")
    docs: list[Document] = []
    topics: list[str] = []
    at: dict[str, int] = {}
    with dump.with_name(dump.name + ".index.jsonl").open(encoding="utf-8") as f:
        for raw in f:
            rec = json.loads(raw)
            first, last = int(rec["line"]), int(rec["end"])
            body = "\n".join(lines[first:last]).strip("\n")  # after the headline line
            at[rec["id"]] = len(docs)
            docs.append(_doc(rec["id"], lines[first - 1], body, first))
            if "topic" in rec:
                topics.append(str(rec["topic"]))
    labelled: dict[str, list[tuple[int, int]]] = {}
    with dump.with_name(dump.name + ".pairs.jsonl").open(encoding="utf-8") as f:
        for raw in f:
            rec = json.loads(raw)
            labelled.setdefault(rec["kind"], []).append((at[rec["a"]], at[rec["b"]]))
    related = [p for pairs in labelled.values() for p in pairs]
    family = components(len(docs), related)
    if topics:
        labelled[HARD_NEGATIVE] = same_topic_pairs(topics, family, HARD_PAIRS, SEED)
    return Corpus(f"generated {dump.name}", docs, labelled, family)


def same_topic_pairs(
    topics: Sequence[str], family: Sequence[int], count: int, seed: int
) -> list[tuple[int, int]]:
    """Up to `count` random pairs of articles of one topic from different families (fixed seed):
    a generated dump's nearest thing to another event of the same kind."""
    rng = random.Random(seed)
    by_topic: dict[str, list[int]] = {}
    for i, topic in enumerate(topics):
        by_topic.setdefault(topic, []).append(i)
    groups = [g for g in by_topic.values() if len(g) >= 2]
    seen: set[tuple[int, int]] = set()
    for _ in range(count * 4):
        if not groups or len(seen) >= count:
            break
        i, j = rng.sample(rng.choice(groups), 2)
        if family[i] != family[j]:
            seen.add((min(i, j), max(i, j)))
    return sorted(seen)


def read_labelled(folder: Path) -> Corpus:
    """docs.jsonl + pairs.jsonl (label 1: duplicates, by category if any; label 0: different)."""
    docs: list[Document] = []
    at: dict[str, int] = {}
    with (folder / "docs.jsonl").open(encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            rec = json.loads(raw)
            at[str(rec["id"])] = len(docs)
            docs.append(_doc(str(rec["id"]), rec.get("title") or "", rec["text"], n))
    labelled: dict[str, list[tuple[int, int]]] = {}
    with (folder / "pairs.jsonl").open(encoding="utf-8") as f:
        for raw in f:
            rec = json.loads(raw)
            a, b = at.get(str(rec["a"])), at.get(str(rec["b"]))
            if a is None or b is None:
                continue
            if rec["label"]:
                kind = str(rec.get("category") or "same")
            elif rec.get("same_category"):
                kind = HARD_NEGATIVE  # another event of the same kind: the hard case
            else:
                kind = "labelled different"
            labelled.setdefault(kind, []).append((a, b))
    related = [p for kind, pairs in labelled.items() if kind not in DIFFERENT for p in pairs]
    clusters = folder / "clusters.jsonl"
    if clusters.exists():
        for raw in clusters.read_text(encoding="utf-8").splitlines():
            ids = [at[i] for i in json.loads(raw)["ids"] if i in at]
            related += [(ids[0], other) for other in ids[1:]]
    return Corpus(f"labelled {folder.name}", docs, labelled, components(len(docs), related))


def read_dump(folder: Path) -> Corpus:
    """dump.txt + boundaries.jsonl: real articles without duplicate labels."""
    text = (folder / "dump.txt").read_text(encoding="utf-8")
    docs: list[Document] = []
    with (folder / "boundaries.jsonl").open(encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            rec = json.loads(raw)
            title, _, body = text[rec["start"] : rec["end"]].strip().partition("\n")
            docs.append(_doc(str(rec["id"]), title.strip(), body.strip(), n))
    return Corpus(f"dump {folder.name}", docs, {}, list(range(len(docs))))


def random_pairs(corpus: Corpus, count: int, seed: int) -> list[tuple[int, int]]:
    """Up to `count` distinct random pairs of articles from different families (fixed seed)."""
    rng = random.Random(seed)
    n, fam = len(corpus.docs), corpus.family
    if n * (n - 1) // 2 <= 3 * count:  # small corpus: every unrelated pair, then a sample
        every = [(i, j) for i in range(n) for j in range(i + 1, n) if fam[i] != fam[j]]
        return sorted(rng.sample(every, min(count, len(every))))
    seen: set[tuple[int, int]] = set()
    while len(seen) < count:
        i, j = rng.randrange(n), rng.randrange(n)
        if fam[i] != fam[j]:
            seen.add((min(i, j), max(i, j)))
    return sorted(seen)


def measure(features: _Features, pairs: Sequence[tuple[int, int]]) -> dict[str, np.ndarray]:
    """Story cosine, shared content words and word 5-gram Jaccard of each pair."""
    out: dict[str, list[float]] = {m: [] for m in MEASURES}
    terms, weights, shingles = features.story_terms, features.story_weights, features.shingles
    for i, j in pairs:
        story, shared = cosine_and_shared(terms[i], weights(i), terms[j], weights(j))
        out["cosine"].append(story)
        out["shared"].append(float(shared))
        out["jaccard5"].append(jaccard(shingles[i], shingles[j]))
    return {m: np.asarray(v, dtype=np.float64) for m, v in out.items()}


def summarise(values: dict[str, np.ndarray]) -> dict[str, Any]:
    """Percentiles of each measure and the share of pairs each tier would accept."""
    n = int(values["cosine"].size)
    row: dict[str, Any] = {"pairs": n}
    for m in MEASURES:
        qs = np.percentile(values[m], PERCENTILES) if n else [float("nan")] * len(PERCENTILES)
        row[m] = {f"p{p:g}": round(float(q), 4) for p, q in zip(PERCENTILES, qs, strict=True)}
    story = (values["cosine"] >= STORY_THRESHOLD) & (values["shared"] >= STORY_MIN_SHARED)
    row["story_pass"] = float(story.mean()) if n else None
    row["cosine_pass"] = float((values["cosine"] >= STORY_THRESHOLD).mean()) if n else None
    row["near_pass"] = float((values["jaccard5"] >= NEAR_THRESHOLD).mean()) if n else None
    return row


def analyse(corpus: Corpus, count: int, seed: int) -> dict[str, Any]:
    """Features over the whole corpus (its own IDF), then the unrelated and labelled groups."""
    parts = [document_features(d, SEED) for d in corpus.docs]
    # the cosine tier's weights: its threshold is what the pairs are read against
    features = _features(parts, config=DedupeConfig(story_model="off"))
    content = np.array([t.size for t in features.story_terms])
    words = np.array([len(d.text.split()) for d in corpus.docs])
    groups: dict[str, dict[str, Any]] = {}
    groups["random unrelated"] = summarise(measure(features, random_pairs(corpus, count, seed)))
    for kind, pairs in sorted(corpus.labelled.items()):
        groups[kind] = summarise(measure(features, pairs))
    return {
        "corpus": corpus.name,
        "articles": len(corpus.docs),
        "content_words_median": float(np.median(content)) if content.size else 0.0,
        # an article's length, and how many distinct content words it holds: a corpus whose
        # articles repeat a few words shares fewer of them between its retellings
        "lengths": {"content words": spread(content), "words": spread(words)},
        "groups": groups,
    }


def spread(values: np.ndarray) -> dict[str, float]:
    """The 10th, 50th and 90th percentiles of `values` (zeros when there are none)."""
    qs = np.percentile(values, LENGTH_PERCENTILES) if values.size else [0.0] * 3
    return {f"p{p}": float(q) for p, q in zip(LENGTH_PERCENTILES, qs, strict=True)}


def _pct(x: float | None, n: int) -> str:
    """A share as a percentage, with the number of pairs it is."""
    if x is None:
        return "-"
    share = f"{100 * x:.2f} %" if x < 0.01 else f"{100 * x:.1f} %"
    return f"{share} ({round(x * n)})"


def print_tables(results: Sequence[dict[str, Any]]) -> None:
    """Markdown: one table of pass rates, then one table of percentiles per measure."""
    print(
        f"Story tier: cosine >= {STORY_THRESHOLD} and >= {STORY_MIN_SHARED} shared content "
        f"words; near tier: jaccard5 >= {NEAR_THRESHOLD}.\n"
    )
    print("| corpus | articles | content words (median) | pairs | pass story | cosine >= "
          f"{STORY_THRESHOLD} | pass near |")  # fmt: skip
    print("|---|---:|---:|---|---:|---:|---:|")
    for r in results:
        for group, row in r["groups"].items():
            print(
                f"| {r['corpus']} | {r['articles']} | {r['content_words_median']:.0f} "
                f"| {group} ({row['pairs']}) | {_pct(row['story_pass'], row['pairs'])} "
                f"| {_pct(row['cosine_pass'], row['pairs'])} "
                f"| {_pct(row['near_pass'], row['pairs'])} |"
            )
    print("\nper article (p10 / median / p90):\n")
    print("| corpus | content words | words |")
    print("|---|---:|---:|")
    for r in results:
        spreads = [" / ".join(f"{v:.0f}" for v in r["lengths"][k].values()) for k in r["lengths"]]
        print(f"| {r['corpus']} | " + " | ".join(spreads) + " |")
    for m in MEASURES:
        fmt = "{:.0f}" if m == "shared" else "{:.3f}"
        print(f"\n{m}:\n")
        print("| corpus | pairs | " + " | ".join(f"p{p:g}" for p in PERCENTILES) + " |")
        print("|---|---|" + "---:|" * len(PERCENTILES))
        for r in results:
            for group, row in r["groups"].items():
                cells = " | ".join(fmt.format(v) for v in row[m].values())
                print(f"| {r['corpus']} | {group} | {cells} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated", type=Path, action="append", default=[], metavar="DUMP")
    parser.add_argument("--labelled", type=Path, action="append", default=[], metavar="DIR")
    parser.add_argument("--dump", type=Path, action="append", default=[], metavar="DIR")
    parser.add_argument("--pairs", type=int, default=20_000, help="random unrelated pairs")
    parser.add_argument("--seed", type=int, default=1, help="for the random pairs")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    corpora = (
        [read_generated(p) for p in args.generated]
        + [read_labelled(p) for p in args.labelled]
        + [read_dump(p) for p in args.dump]
    )
    if not corpora:
        parser.error("give at least one --generated, --labelled or --dump")
    results = [analyse(c, args.pairs, args.seed) for c in corpora]
    print_tables(results)
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
