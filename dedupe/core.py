"""`find_duplicates`: exact, near-verbatim and same-story duplicates in one pass over a collection.

Three tiers, strongest first; a pair is labelled with the strongest tier that verifies it:

* **exact**: equal seeded xxhash of the text with case, punctuation and whitespace folded.
* **near**: word 5-gram MinHash + LSH at `near_threshold` for candidates, then the exact Jaccard
  of the two shingle sets, thresholded (verbatim or lightly edited copies).
* **story**: the same event retold in other words. Two outlets share few sentences but the same
  names, places, numbers and quoted words, most of them rare in the collection. Each document
  becomes a TF-IDF vector over content words (stopwords out; sublinear term frequency; smoothed
  IDF from the collection itself). Candidates come from weighted MinHash (ICWS) + LSH at a low
  weighted-Jaccard threshold; each candidate is scored by the exact cosine of the two vectors and
  kept at `story_threshold` or above.

Then `dedupe.clusters.build_groups` turns verified pairs into clusters with one keeper each.
Every document is processed in a canonical order (source, first line, id), so the output does
not depend on the order of the input list.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from cleaners.document import Document
from dedupe.clusters import Check, Group, build_groups
from dedupe.lsh import candidate_pairs, optimal_params
from dedupe.minhash import minhash, weighted_minhash
from dedupe.shingles import content_words, exact_key, hash_tokens, word_shingles

logger = logging.getLogger(__name__)

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]

SHINGLE_SIZE = 5  # word 5-grams: the common near-duplicate unit (datasketch/text-dedup defaults)
# Candidate threshold (weighted Jaccard) for the story tier's LSH. Retold stories verified at
# story_threshold on the BASIL and Clough & Stevenson dev sets had estimated weighted Jaccard as low
# as 0.08; at 0.05 datasketch's optimal (b, r) is (32, 1) for 128 permutations, which still finds
# such a pair with probability 0.93. The exact cosine check removes the many extra candidates.
STORY_LSH_THRESHOLD = 0.05
# Cosine of content-word TF-IDF vectors. Dev sets: BASIL same-story pairs (one event, three
# outlets) score best at 0.26-0.28 (pairwise F1 0.94-0.91), Clough & Stevenson reuse (cut/light/
# heavy vs independently written answers) at 0.28-0.30 (F1 0.97); 0.28 serves both. The seed's one
# retold pair scores about 0.3, its next-best pair about 0.2.
STORY_THRESHOLD = 0.28


@dataclass(frozen=True)
class DedupeConfig:
    """Switches and thresholds for `find_duplicates` (checked at construction)."""

    num_perm: int = 128
    seed: int = 1  # datasketch's default seed, so its MinHash(num_perm) has the same permutations
    exact: bool = True
    near: bool = True
    near_threshold: float = 0.8  # Jaccard of word 5-gram sets: the common near-duplicate default
    story: bool = True
    story_threshold: float = STORY_THRESHOLD
    max_cluster_size: int = 100  # larger components are re-checked against their keeper

    def __post_init__(self) -> None:
        if not 16 <= self.num_perm <= 4096:
            raise ValueError(
                f"num_perm must be between 16 and 4096, got {self.num_perm}; "
                "128 is the usual choice (more permutations: slower, more exact estimates)"
            )
        if not 0 <= self.seed < 2**32:
            raise ValueError(f"seed must be between 0 and 2**32 - 1, got {self.seed}")
        for name in ("near_threshold", "story_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(
                    f"{name} must be in (0, 1], got {value}; it is a similarity, not a percentage"
                )
        if self.max_cluster_size < 2:
            raise ValueError(
                f"max_cluster_size must be at least 2, got {self.max_cluster_size}; "
                "a cluster is a keeper plus at least one duplicate"
            )


@dataclass
class Duplicate:
    """A dropped document, with the keeper it duplicates and why."""

    doc: Document
    duplicate_of: str  # id of the keeper
    tier: str  # "exact" | "near" | "story"
    similarity: float


@dataclass
class Cluster:
    """Documents joined by verified pairs; only members verified against the keeper are dropped."""

    id: str
    keeper: str
    members: list[str]  # ids, keeper first
    tier: str  # the strongest tier that joined it
    similarities: dict[str, float] = field(default_factory=dict)  # member id -> vs keeper


@dataclass
class DedupeResult:
    """What `find_duplicates` kept (input order), dropped (with reasons) and clustered."""

    kept: list[Document]
    duplicates: list[Duplicate]
    clusters: list[Cluster]


@dataclass(slots=True)
class _Features:
    """Everything the tiers compare, per document, in canonical order."""

    exact: list[int]
    shingles: list[U64]  # sorted unique shingle hashes
    story_keys: list[U64]  # sorted unique content-word hashes
    story_weights: list[F64]  # unit-length TF-IDF weights aligned with story_keys


def _text(doc: Document) -> str:
    return f"{doc.title}\n{doc.text}" if doc.title else doc.text


def _features(texts: Sequence[str], seed: int) -> _Features:
    shingles = [np.unique(hash_tokens(word_shingles(t, SHINGLE_SIZE), seed)) for t in texts]
    counts: list[Counter[int]] = [
        Counter(hash_tokens(content_words(t), seed).tolist()) for t in texts
    ]
    df: Counter[int] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(texts)
    story_keys: list[U64] = []
    story_weights: list[F64] = []
    for c in counts:
        keys = np.array(sorted(c), dtype=np.uint64)
        weights = np.array(
            # sublinear tf x smoothed idf (Salton & Buckley 1988; scikit-learn's smooth_idf)
            [(1.0 + math.log(c[k])) * (math.log((n + 1) / (df[k] + 1)) + 1.0) for k in sorted(c)],
            dtype=np.float64,
        )
        norm = float(np.linalg.norm(weights))
        story_keys.append(keys)
        story_weights.append(weights / norm if norm else weights)
    return _Features([exact_key(t, seed) for t in texts], shingles, story_keys, story_weights)


def jaccard(a: U64, b: U64) -> float:
    """Exact Jaccard of two sorted unique hash arrays.

    >>> jaccard(np.array([1, 2, 3], dtype=np.uint64), np.array([2, 3, 4], dtype=np.uint64))
    0.5
    """
    if a.size == 0 and b.size == 0:
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared / (a.size + b.size - shared)


def cosine(keys_a: U64, weights_a: F64, keys_b: U64, weights_b: F64) -> float:
    """Cosine of two unit-length sparse vectors given as sorted keys and aligned weights."""
    _, ia, ib = np.intersect1d(keys_a, keys_b, assume_unique=True, return_indices=True)
    return float(np.dot(weights_a[ia], weights_b[ib]))


class _Checker:
    """Direct, exact comparison of two documents under every enabled tier."""

    def __init__(self, features: _Features, config: DedupeConfig) -> None:
        self.f = features
        self.config = config
        self.cache: dict[tuple[int, int], Check] = {}

    def __call__(self, i: int, j: int) -> Check:
        key = (min(i, j), max(i, j))
        if key not in self.cache:
            self.cache[key] = self._check(*key)
        return self.cache[key]

    def _check(self, i: int, j: int) -> Check:
        f, config = self.f, self.config
        if config.exact and f.exact[i] == f.exact[j]:
            return Check("exact", 1.0)
        near = jaccard(f.shingles[i], f.shingles[j]) if config.near else 0.0
        if config.near and near >= config.near_threshold:
            return Check("near", near)
        if config.story:
            story = cosine(f.story_keys[i], f.story_weights[i], f.story_keys[j], f.story_weights[j])
            if story >= config.story_threshold:
                return Check("story", story)
            return Check(None, story)
        return Check(None, near)


def _lsh(
    signatures: list[U64], usable: list[int], threshold: float, num_perm: int
) -> set[tuple[int, int]]:
    if len(usable) < 2:
        return set()
    bands, rows = optimal_params(threshold, num_perm)
    matrix = np.stack([signatures[i] for i in usable])
    index = np.array(usable, dtype=np.int64)
    pairs = candidate_pairs(matrix, bands, rows)
    return {(int(index[a]), int(index[b])) for a, b in pairs}


def candidates(features: _Features, config: DedupeConfig) -> set[tuple[int, int]]:
    """Pairs (i < j) worth an exact check: equal exact keys, then near and story LSH candidates."""
    pairs: set[tuple[int, int]] = set()
    n = len(features.exact)
    if config.exact:
        first: dict[int, int] = {}
        for i, key in enumerate(features.exact):
            if key in first:
                pairs.add((first[key], i))  # a star to the first copy: exact matching is transitive
            else:
                first[key] = i
    if config.near:
        usable = [i for i in range(n) if features.shingles[i].size]
        sigs = [
            minhash(features.shingles[i], config.num_perm, config.seed)
            if features.shingles[i].size
            else features.shingles[i]
            for i in range(n)
        ]
        pairs |= _lsh(sigs, usable, config.near_threshold, config.num_perm)
    if config.story:
        usable = [i for i in range(n) if features.story_keys[i].size]
        sigs = [
            weighted_minhash(
                features.story_keys[i], features.story_weights[i], config.num_perm, config.seed
            )
            if features.story_keys[i].size
            else features.story_keys[i]
            for i in range(n)
        ]
        pairs |= _lsh(sigs, usable, STORY_LSH_THRESHOLD, config.num_perm)
    return pairs


def _cluster_id(member_ids: list[str]) -> str:
    digest = hashlib.blake2b("\0".join(sorted(member_ids)).encode(), digest_size=6).hexdigest()
    return f"c{digest}"


def find_duplicates(
    docs: Sequence[Document], config: DedupeConfig = DedupeConfig()
) -> DedupeResult:
    """Find exact, near and same-story duplicates; keep one document per cluster.

    >>> a = Document("a", "The council voted to close the old bridge on Monday.", "x", (1, 1))
    >>> b = Document("b", "the council voted to close the old bridge on monday", "x", (3, 3))
    >>> result = find_duplicates([a, b])
    >>> [d.doc.id for d in result.duplicates], result.duplicates[0].tier
    (['b'], 'exact')
    """
    order = sorted(
        range(len(docs)), key=lambda i: (docs[i].source, docs[i].lines[0], docs[i].id, i)
    )
    ranked = [docs[i] for i in order]
    texts = [_text(d) for d in ranked]
    features = _features(texts, config.seed)
    checker = _Checker(features, config)
    edges: dict[tuple[int, int], Check] = {}
    pairs = sorted(candidates(features, config))
    for i, j in pairs:
        found = checker(i, j)
        if found.tier is not None:
            edges[(i, j)] = found
    logger.info(
        "dedupe: %d documents, %d candidate pairs, %d verified", len(docs), len(pairs), len(edges)
    )
    groups = build_groups(
        len(ranked), edges, checker, [len(d.text) for d in ranked], config.max_cluster_size
    )
    return _result(docs, ranked, order, groups)


def _result(
    docs: Sequence[Document], ranked: list[Document], order: list[int], groups: list[Group]
) -> DedupeResult:
    dropped_at: dict[int, Duplicate] = {}
    clusters: list[Cluster] = []
    for g in groups:
        keeper = ranked[g.keeper]
        ids = [ranked[i].id for i in g.members]
        clusters.append(
            Cluster(
                id=_cluster_id(ids),
                keeper=keeper.id,
                members=ids,
                tier=g.tier,
                similarities={ranked[i].id: round(s, 6) for i, s in g.similarities.items()},
            )
        )
        for i, found in g.dropped.items():
            assert found.tier is not None
            dropped_at[order[i]] = Duplicate(
                ranked[i], keeper.id, found.tier, round(found.similarity, 6)
            )
    kept = [d for pos, d in enumerate(docs) if pos not in dropped_at]
    duplicates = [dropped_at[pos] for pos in sorted(dropped_at)]
    return DedupeResult(kept=kept, duplicates=duplicates, clusters=clusters)
