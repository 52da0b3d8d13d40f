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
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import numpy as np
import numpy.typing as npt

from dedupe.arrays import unique, unique_counts
from dedupe.batch_features import SHINGLE_SIZE as SHINGLE_SIZE  # re-exported: dedupe.index
from dedupe.batch_features import DocumentFeatures as DocumentFeatures  # and the runner's
from dedupe.batch_features import FeatureColumns, batch_columns, batch_features, text_features
from dedupe.clusters import Check, Group, build_groups
from dedupe.lsh import (
    bucket_collisions,
    optimal_params,
    ranges_within,
    small_buckets_by_slabs,
    top_k_of_buckets,
)
from dedupe.minhash import minhash_batch, weighted_minhash_batch
from dedupe.parallel import fork_map, fork_rows
from dedupe.rare_words import rare_word_pairs
from dedupe.records import Doc as Document
from dedupe.records import HasText, KnowsHeads, Record, Rows, as_records, head, title_of
from dedupe.spill import ArraySpill, ByPosition, Selection
from dedupe.story_score import PAIR_SIGNALS, StoryModel, number_words, story_idf, year_words

T = TypeVar("T")

logger = logging.getLogger(__name__)

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
Pairs = npt.NDArray[np.int64]  # (m, 2) document positions, i < j
Stats = dict[str, int]

# Documents missing features from which `features_of` computes them as one batch: measured on
# generated news, one to two articles cost less one by one (a batch has about 0.3 ms of fixed
# cost), four took 0.4 ms as a batch and 0.6 ms one by one, 64 took 2.0 ms and 9.9 ms.
BATCH_LEAST = 4
# Documents `find_duplicates` reads at a time to compute the features missing among them.
FEATURE_WINDOW = 1024
# Cosine of binary content-word TF-IDF vectors (a word counts once per document, weighted by its
# smoothed IDF in the collection, to IDF_POWER). Measured on the BASIL (same story, three outlets)
# and Clough & Stevenson (graded reuse) dev sets with the link guard below: see the sweep in the
# commit that set it; sublinear counts with single linkage had a single peak (BASIL F1 0.94 at
# 0.26, 0.85 at 0.30). The seed's retold pair scores 0.235, its next-best pair 0.149.
STORY_THRESHOLD = 0.15
# IDF raised to this power: rare words (names, places, numbers) weigh more against shared topic
# vocabulary. 1.25 beat 1.0 and 1.5 on the dev sets' worst F1 over a +/-0.03 threshold window, and
# it widens the seed's gap between its retold pair (0.235) and its next-best pair (0.149).
IDF_POWER = 1.25
# Group story sums the link guard keeps (`_Checker._summed`): a few hundred big groups' worth.
SUMS_KEPT = 512
VOCAB_ENTRIES = 1 << 20  # values looked up in the vocabulary at once (`vocab_indices`)
# A story link joins two groups only if the mean story score (cosine, or the calibrated
# probability) of their cross pairs reaches this share of the threshold, or the two groups
# confirm each other pair by pair (`_Checker.story_joins`, dedupe.clusters); with the calibrated
# score, past a witness pair first (STORY_WITNESS). 0.9 was the most stable value of
# 0.8/0.9/1.0 on both dev sets.
LINK_GUARD = 0.9
# Two groups also join, whatever their mean, when every member of the smaller one passes the
# checks with a member of the other and at least this many of the other's members (not copies
# of one another) pass with one of it: one event told from several angles has many middling
# pairs that keep two groups' mean under the guard's bar though retellings confirm them; one
# stray link is never two. Three (a lone article then): Giveme5W1H 0.966 -> 0.932 with the
# calibrated score, nothing gained elsewhere (docs/quality.md).
STORY_LINK_LEAST = 2
# With the calibrated score, a story link joins two groups only when one of their cross pairs
# also has a cosine under the run's own word weights (the cosine tier's) of at least this share of
# `story_threshold` (two lone texts: see LONE_PROBABILITY). Why: a probability is calibrated
# on the dev sets, where each event has several articles; in a run of hundreds of thousands,
# pairs of other events of one place or topic outnumber retellings by millions, and enough of
# them pass by chance (mid-rare words shared) that groups grew through them: 1 GB of generated
# news (generate.py --seed 1, the earlier generator) gave drop precision 0.910 with the
# probability alone, 2-article clusters aside, where a witness of 0.7 gives 0.993 (0.9: 0.998)
# at the same story recall (0.707), and the dev sets keep their scores (0.8: Giveme5W1H 0.966
# -> 0.955; 0.9: 0.949, BASIL 0.969).
STORY_WITNESS = 0.7
# A lone pair (two texts, each alone or with its copies) has no second witness: it joins on a
# cosine of `link_guard` x the threshold (the cosine tier's own bar for it), or past the witness
# with at least this probability and LONE_FIGURES figures in common (numbers of two to four
# digits other than years: what one event's reports share and other events of one topic or
# place seldom do).
# Generated news with articles as long as the dev sets' (generate.py --seed 1), story recall /
# drop precision: the full bar alone 0.743 / 1.000 at 100 MB, 0.691 / 0.9975 at 1 GB; the
# probability alone 0.816 / 0.9991 and 0.753 / 0.984 (at 1 GB 467 right and 215 wrong joins
# under the full bar, the wrong ones other events sharing names of one place and no figure);
# with a figure other than a year 0.796 / 1.000 and 0.741 / 0.9961 (docs/quality.md). In the
# Reuters-21578 dump a takeover bid and another company's merger share a figure at a
# probability of 0.72: 0.8 keeps them apart (with 0.5, 100 MB 0.818 / 1.000 and that pair).
LONE_PROBABILITY = 0.8
LONE_FIGURES = 1
# Two members whose story vectors are this alike are one text for that count (a near copy;
# retellings of one event have story cosines of 0.1-0.4).
COPY_COSINE = 0.8
# A story link needs at least this many shared content words besides the cosine. Short notices
# cut from one template (dividends, bond issues, quarterly results: "Qtly div 25 cts vs 25 cts
# prior") reach the cosine threshold on a handful of template words while reporting different
# events; a retelling shares far more. Measured on real news: every true same-story pair of the
# BASIL and Clough & Stevenson dev sets above the threshold shares 29 or more (the seed's
# retold pair 49), while on 725 Reuters-21578 stories this gate takes the pairs at or above the
# threshold from 1,360 to 93, most of which are the same event reported twice.
STORY_MIN_SHARED = 20
# With the calibrated score, a pair with at least this 5-gram Jaccard and a story cosine of its
# masked words of at least STORY_COPY_COSINE passes the shared-words check whatever its count:
# it is one text copied, which masking the run's recurring lines can leave with a handful of
# content words (a short article republished three times has every line recurring). Short
# notices cut from one template (the check's reason) differ in their names and numbers in every
# sentence, which breaks most of their 5-grams; the cosine is asked too because the 5-grams are
# the whole text's, where a shared footer counts (five towns' storm reports under one footer:
# Jaccard over 0.5, masked cosine under 0.1; tests/test_story_score.py). 10 MB of lined news: 6
# short near copies (Jaccard 0.75-0.91) kept without it; Reuters-21578 (dump_reuters21578 dev):
# one more copy found, no other pair. The cosine's bar is a quarter: near copies that masking
# left with little text fall under 0.5 (100 MB of lined news: 3 of them; 1 under 0.25).
STORY_COPY_SHARE = 0.5
STORY_COPY_COSINE = 0.25
# A story link also needs the two texts to share this share of the names (capitalised words inside
# a sentence: people, places, bodies; `dedupe.shingles.name_hashes`) of the one naming fewer,
# when both name at least NAMES_LEAST. Why: on generated news of 100 MB and 1 GB, most
# same-story drops were different events of one topic that passed the cosine on its words (drop
# precision 0.69 and 0.55); they shared a median of no names, while true retellings shared at
# least 0.32. On the dev sets every true pair past the cosine shares at least 0.28 (BASIL) and
# 0.75 (Clough & Stevenson) of its names, so the check removes none of them.
STORY_MIN_NAMES = 0.15
NAMES_LEAST = 3
# A text whose content words are at least this share numbers of two to four digits is a table
# of figures (quarterly results, dividends, crop and money-supply tables); two such tables are
# one story only when they share at least TABLE_NUMBERS_SHARED of the figures of the one with
# fewer. Why: tables of one kind share their labels ("Oper shr", "Net", "Revs", "Avg shrs",
# "mln", "vs") and so pass the cosine, the shared words and the calibrated score (probability
# 0.57-0.91) whatever company they report; two reports of one company's results share most
# figures (on the Reuters-21578 dump 8 of 8, 9 of 9, 10 of 13), tables of other companies a few
# by chance (2 of 20 to 5 of 20). Prose is never near the bar: the dev sets' articles have at
# most 0.18 of their content words numbers (99 % under 0.10), the Reuters dump's tables 0.25-0.62.
NUMBER_TABLE = 0.25
TABLE_NUMBERS_SHARED = 0.5
# Figures a table holds at least: a line such as "Storm hit in 1987" is a quarter figures but no
# table (the Reuters dump's results tables hold 5 to 25).
TABLE_LEAST = 5
# Story-tier LSH: one row per band, so two documents collide in a band when their weighted MinHash
# picked the same (word, level) there; the number of bands they share estimates their weighted
# Jaccard. A word in more than STORY_MAX_BUCKET documents is too common to mark a story and is
# left out of the signatures (`signable_words`), so no bucket grows larger than that; one that
# did would be split by further bands (STORY_MAX_DEPTH) and what is still too large skipped;
# each document keeps its STORY_TOP_K partners sharing the most bands. Both caps bound the exact
# checks by top_k * n (BASIL dev: every same-story pair survives both caps).
STORY_MAX_BUCKET = 50
STORY_TOP_K = 20
# Documents sharing a content word that at most this many documents hold are story candidates
# too, beside the bands' top partners (`dedupe.rare_words`; 0: off). Why: in a large run the
# top partners are crowded by other events of a topic, and a retelling sharing the event's rare
# names falls out. Among the dev sets' 636 other real articles BASIL 0.969 -> 0.985, among
# 6,387 real and generated 0.948 -> 0.961; generated news (docs/quality.md) story recall at
# 1 GB 0.741 -> 0.749 (drop precision 0.9961 -> 0.9960; 380,000 more pairs to check, about two
# a document), at 100 MB 0.796 -> 0.802; the dev sets alone, the Reuters-21578 drops and 10 MB
# of lined news as before.
STORY_RARE_DF = 5
# The signable cap grows with the collection: a word in at most this share of the documents is
# signed even when that is more than STORY_MAX_BUCKET (from 25,000 documents on; the dev sets
# and the seed are far below). Why: a count means "rare" in a small run and "common" in a large
# one, so a fixed cap left ever fewer words to sign as a run grew. Generated news
# (benchmarks/generate.py, open vocabularies), 1 GB, 294,000 articles: story recall 0.627 at a
# fixed 50, 0.667 at 0.001, 0.673 at 0.002 (100 MB: 0.734 and 0.737), drop precision 0.999 in
# every case, dedupe 70 s -> 89 s. Buckets still over STORY_MAX_BUCKET are split by
# STORY_MAX_DEPTH bands, and what stays too large is skipped (3,277 at 1 GB).
STORY_SIGNABLE_SHARE = 0.002
# Bands one story bucket key may span: a bucket over STORY_MAX_BUCKET is split by the next
# band's value, and so on, before what is still too large is skipped (`dedupe.lsh.small_buckets`).
# Words in more than STORY_MAX_BUCKET documents are signed only when the collection is large
# enough for STORY_SIGNABLE_SHARE to allow them (`signable_words`); their buckets are split
# here (3,277 still too large at 1 GB of generated news, skipped). Before the signable cap:
# Measured on generated news at 1 GB (450,000 articles): true retellings sharing at least three
# small buckets rose from 70.4% to 94.6% with 2 bands and 95.5% with 3, for 2.3x and 2.8x the
# bucket pairs of 1 band; at 100 MB, where few of their buckets are over the cap, from 99.2% to
# 99.8% with 2.
STORY_MAX_DEPTH = 2
# The calibrated story score's cut (`story_model = "shipped"`): a logistic model's output, so
# 0.5 is where a same-story pair becomes likelier than not, at any collection size.
STORY_PROBABILITY = 0.5
# The cosine tier's second path (`story_model = "off"`): a candidate of story cosine at least
# STORY_RESCUE_FLOOR that misses `story_threshold` but passes the shared-words and names checks
# also passes when the shipped calibrated score, over its own signals (word rarity with the
# prior), gives it at least `story_rescue`. Groups still join only as the cosine tier's guard
# says (mean cosine, or confirmations by two members), which is what keeps its precision at
# scale: 100 MB of generated news (generate.py --seed 1) story recall 0.737 -> 0.773, drop
# precision 1.000 -> 0.9994; BASIL 0.952 -> 0.969 (docs/quality.md). Under the floor a pair is
# not looked at: true retellings below it are rare and the signals cost a pass over the pair.
STORY_RESCUE = 0.5
STORY_RESCUE_FLOOR = 0.06
STORY_MODELS = ("shipped", "off")
# Near-tier buckets larger than this are starred to their first member instead of all pairs.
NEAR_MAX_BUCKET = 100
# How much a missed near pair weighs against a needless candidate when the near tier's LSH
# (bands, rows) are chosen (`optimal_params`; datasketch's `weights=(0.1, 0.9)`). Every candidate
# is checked exactly, so a needless one costs one Jaccard, while a missed one is a copy kept. At
# datasketch's even weights (9 bands of 13 rows at 128 permutations) a pair of Jaccard 0.8 was a
# candidate with probability 0.40, one of 0.84 with 0.61; with 0.9 (14 bands of 9 rows), 0.87
# and 0.96. The index (`dedupe.index`) keeps the (bands, rows) it was created with.
NEAR_RECALL_WEIGHT = 0.9
# Values of the smaller array from which `_common` merges both instead of a binary search each.
MERGE_LEAST = 1 << 14
# Checks of pairs that were not candidates (keeper checks, the link guard's confirmations) that
# `_Checker` remembers, the oldest forgotten first: about 200 bytes each, so at most ~13 MB. A
# refused join at max_cluster_size 100 checks up to 2,500 pairs, and a large run refuses
# thousands, so an unbounded memory grew with the run rather than with what is asked again
# (a forgotten pair is computed again, to the same result).
CHECKS_REMEMBERED = 1 << 16
# columns of the story signals that `check_pairs` reads; `verify` measures the names' share and
# the Jaccard only where they can decide a pair (`_Checker._may_pass`)
COSINE, SHARED_WORDS, NAMES, JACCARD = (
    PAIR_SIGNALS.index(name) for name in ("cosine", "shared_words", "names", "jaccard")
)
# `_Checker.check_pairs` gives each pair's tier as an index into TIER_NAMES.
TIER_NAMES: tuple[str | None, ...] = (None, "exact", "near", "story")
EXACT, NEAR, STORY = 1, 2, 3
# Shingle hashes and word indices of the candidate pairs checked at once (`_Checker.verify`):
# each becomes a uint64 key, and the merge in `shared_by_pair` holds up to three arrays of them,
# so a batch takes about 48 MB (about 1,800 pairs of news articles).
CHECK_ENTRIES = 1 << 21
# Content-word hashes counted at a time for the collection's document frequencies.
MERGE_KEYS = 1 << 22
# Documents per `minhash_batch` call: about 1 M shingles of news articles, 8 MB of hashes.
SIGNATURE_BATCH = 4096
# Items (documents, candidate pairs) per job below which a loop stays in this process: forking
# and collecting answers costs tens of milliseconds.
PARALLEL_LEAST = 2000
# Story signatures held at once, in bytes (`story_signature_bands`): past this, their columns
# (one-row bands) are computed a group at a time (`dedupe.lsh.small_buckets_by_slabs`). 1 GB of
# lined news (561,997 documents): 37 of 128 bands a group, 166 MB instead of 575 MB (with
# groups of 32, the run's peak went 1,980 -> 1,789 MB summed). Each group costs a pass over
# the documents' words, so runs whose signatures fit (about 150,000 documents) take them
# whole: groups of 32 bands cost 5 % more CPU on 10 MB of lined news.
STORY_SIGNATURE_BYTES = 160 << 20
# story signatures a forked child sends back at a time (1 KB each): half a 1 GB run's in one
# answer, built then pickled, had put about 0.9 GB more into the run's peak PSS
SIGNATURE_SLICE = 16384


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
    story_min_shared: int = STORY_MIN_SHARED  # content words a story pair must share
    story_min_names: float = STORY_MIN_NAMES  # share of names a story pair must share (0: off)
    link_guard: float = LINK_GUARD  # mean cross-group score / threshold to join groups
    max_cluster_size: int = 100  # a story link never grows a group beyond this
    story_top_k: int = STORY_TOP_K  # story candidates kept per document
    story_rare_df: int = STORY_RARE_DF  # also pair documents sharing a word this rare (0: off)
    story_max_bucket: int = STORY_MAX_BUCKET  # larger story buckets are split, then skipped
    story_max_depth: int = STORY_MAX_DEPTH  # bands a split story bucket's key may span
    # words in more than this share of the documents (and more than story_max_bucket) are not signed
    story_signable_share: float = STORY_SIGNABLE_SHARE
    near_max_bucket: int = NEAR_MAX_BUCKET  # larger near LSH buckets become stars
    # "shipped": the story tier scores each candidate with the calibrated model
    # (`dedupe.story_score`: word rarity with a global prior, names, numbers, overlap, shingles)
    # and keeps it at `story_probability`; "off": the TF-IDF cosine at `story_threshold`
    story_model: str = "shipped"
    story_probability: float = STORY_PROBABILITY
    # with story_model "off": the calibrated score's cut for the cosine tier's second path
    # (STORY_RESCUE; 0: no second path)
    story_rescue: float = STORY_RESCUE

    def __post_init__(self) -> None:
        if not 16 <= self.num_perm <= 4096:
            raise ValueError(
                f"num_perm must be between 16 and 4096, got {self.num_perm}; "
                "128 is the usual choice (more permutations: slower, more exact estimates)"
            )
        if not 0 <= self.seed < 2**32:
            raise ValueError(f"seed must be between 0 and 2**32 - 1, got {self.seed}")
        if self.story_model not in STORY_MODELS and not self.story_model.endswith(".json"):
            raise ValueError(
                f"story_model must be one of {', '.join(repr(m) for m in STORY_MODELS)} or a "
                f"model file (.json), got {self.story_model!r}; 'shipped' is the calibrated "
                "same-story score, 'off' the plain cosine at story_threshold"
            )
        if self.story_model.endswith(".json") and not Path(self.story_model).is_file():
            raise ValueError(
                f"story_model {self.story_model!r} is not a file; fit one with "
                "benchmarks/fit_story_score.py, or use 'shipped'"
            )
        for name in ("near_threshold", "story_threshold", "story_probability"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(
                    f"{name} must be in (0, 1], got {value}; it is a similarity, not a percentage"
                )
        if not 0.0 <= self.story_rescue <= 1.0:
            raise ValueError(
                f"story_rescue must be in [0, 1], got {self.story_rescue}; it is a probability "
                "(0 turns the cosine tier's second path off)"
            )
        if not 0.0 <= self.link_guard <= 2.0:
            raise ValueError(
                f"link_guard must be between 0 and 2, got {self.link_guard}; "
                "0 is single linkage, 1 is average linkage at the story threshold"
            )
        for name in ("story_top_k", "story_max_bucket", "near_max_bucket"):
            if getattr(self, name) < 2:
                raise ValueError(
                    f"{name} must be at least 2, got {getattr(self, name)}; "
                    "it caps candidates to keep the run near-linear, it does not switch a tier off"
                )
        if self.story_rare_df == 1 or self.story_rare_df < 0:
            raise ValueError(
                f"story_rare_df must be 0 (off) or at least 2, got {self.story_rare_df}; "
                "documents sharing a word that at most this many hold become story candidates"
            )
        if not 1 <= self.story_max_depth <= self.num_perm:
            raise ValueError(
                f"story_max_depth must be between 1 and num_perm, got {self.story_max_depth}; "
                "1 skips a story bucket over story_max_bucket, more splits it by further bands"
            )
        if not 0.0 <= self.story_signable_share < 1.0:
            raise ValueError(
                f"story_signable_share must be in [0, 1), got {self.story_signable_share}; it is "
                "a share of the documents (0.001: words in at most 0.1 % of them are signed)"
            )
        if not 0.0 <= self.story_min_names <= 1.0:
            raise ValueError(
                f"story_min_names must be between 0 and 1, got {self.story_min_names}; "
                "it is the share of the names of the text naming fewer (0 switches it off)"
            )
        if self.story_min_shared < 0:
            raise ValueError(
                f"story_min_shared must be 0 or more, got {self.story_min_shared}; "
                "it is a count of shared content words (0 switches the check off)"
            )
        if self.max_cluster_size < 2:
            raise ValueError(
                f"max_cluster_size must be at least 2, got {self.max_cluster_size}; "
                "a cluster is a keeper plus at least one duplicate"
            )


@dataclass
class Duplicate(Generic[Document]):
    """A dropped document, with the keeper it duplicates and why."""

    doc: Document
    duplicate_of: str  # id of the keeper
    tier: str  # "exact" | "near" | "story"
    similarity: float
    # set only when the keeper is an article indexed by an earlier run (dedupe.index)
    duplicate_of_source: str = ""
    duplicate_of_run: str = ""
    duplicate_of_title: str = ""


@dataclass
class Cluster:
    """Documents joined by verified pairs; only members verified against the keeper are dropped."""

    id: str
    keeper: str
    members: list[str]  # ids, keeper first
    tier: str  # the strongest tier that joined it
    similarities: dict[str, float] = field(default_factory=dict)  # member id -> vs keeper


@dataclass
class DedupeResult(Generic[Document]):
    """What `find_duplicates` kept (input order), dropped (with reasons) and clustered."""

    kept: Sequence[Document]  # a list when the input was one; else a view of the input
    duplicates: list[Duplicate[Document]]
    clusters: list[Cluster]
    # counts for tuning and scale checks: candidates per tier, exact checks run, capped buckets
    stats: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Features:
    """Everything the tiers compare, per document, in canonical order.

    A story vector is held as the document's word indices into the collection's vocabulary
    (uint32) and the length of its IDF vector; its keys and unit-length weights are derived
    when asked for (`story_keys`, `story_weights`), the same floats as stored ones would be.
    Why: 4 bytes a word instead of 16 (a uint64 key and a float64 weight), a third of the
    dedupe features' memory.
    """

    exact: list[int]
    # sorted unique shingle hashes, low 32 bits (see `document_features`), on disk past a size
    shingles: ArraySpill[np.uint32]
    story_terms: list[U32]  # sorted indices into story_vocab of each document's content words
    story_vocab: U64  # sorted unique content-word hashes of the collection
    story_idf: F64  # smoothed IDF ** IDF_POWER of each vocabulary word
    story_norms: F64  # each document's IDF vector length (0.0 when it has no content words)
    story_names: list[U32]  # sorted indices into story_vocab of the names in each body
    # per vocabulary word: whether story signatures may pick it (`signable_words`)
    story_signable: npt.NDArray[np.bool_]
    # per vocabulary word: whether it is a number of 2-4 digits (the calibrated score's shared
    # numbers, the tables of figures of both tiers, a lone pair's figures: `event_figures`;
    # None with the story tier off)
    story_numbers: npt.NDArray[np.bool_] | None = None
    # per vocabulary word: how many documents hold it (the rare words' candidates)
    story_df: I64 = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # the calibrated score's word rarity and each document's vector length under it, where the
    # cosine tier's second path asks for its signals (`rescues`); else None
    rescue_idf: F64 | None = None
    rescue_norms: F64 | None = None
    # with the calibrated score on: the cosine tier's word weights (the run's own IDF) and each
    # document's vector length under them, for the joins' witness (`_Checker._run_cosines`)
    cosine_idf: F64 | None = None
    cosine_norms: F64 | None = None

    def story_keys(self, i: int) -> U64:
        """Document `i`'s sorted unique content-word hashes."""
        keys: U64 = self.story_vocab[self.story_terms[i]]
        return keys

    def story_weights(self, i: int) -> F64:
        """Document `i`'s unit-length TF-IDF weights, aligned with its terms."""
        return unit_weights(self.story_idf, self.story_terms[i], float(self.story_norms[i]))

    def signable_counts(self) -> I64:
        """How many words each document's story signature may pick (`signable_words`)."""
        counts: I64 = _document_sums(self.story_terms, self.story_signable).astype(np.int64)
        return counts

    def story_signature_inputs(self, docs: I64) -> tuple[U64, F64, I64]:
        """The keys and weights the story signatures of documents `docs` are computed from:
        their vectors without their common words (`signable_words`), with the weights of the
        full vectors' scale, concatenated, and `docs.size + 1` offsets.

        Each weight is its word's IDF over its document's norm, as `story_weights` divides it.
        Computed a few MB of words at a time, so the temporary arrays (about 20 bytes a word)
        stay small; what is kept is 16 bytes a signable word, as many as the signatures read.
        """
        terms = [self.story_terms[i] for i in docs.tolist()]
        sizes = _sizes(terms)
        norms = self.story_norms[docs]
        norms[norms == 0] = 1.0  # no words (`unit_weights` leaves them as they are: x / 1.0 is x)
        keys: list[U64] = [_NO_U64]
        weights: list[F64] = [np.empty(0, dtype=np.float64)]
        counts = np.zeros(docs.size, dtype=np.int64)
        for lo, hi in ranges_within(sizes, VOCAB_ENTRIES):
            flat = np.concatenate([_NO_U32, *terms[lo:hi]])
            signable = self.story_signable[flat]
            picked = flat[signable]
            owner = np.repeat(np.arange(lo, hi), sizes[lo:hi])[signable]
            keys.append(self.story_vocab[picked])
            weights.append(self.story_idf[picked] / norms[owner])
            counts[lo:hi] = np.bincount(owner - lo, minlength=hi - lo)
        offsets = np.zeros(docs.size + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return np.concatenate(keys), np.concatenate(weights), offsets


def signable_words(df: I64, n: int, config: DedupeConfig) -> npt.NDArray[np.bool_]:
    """The vocabulary words a story signature may pick: those in at most `story_max_bucket`
    documents of the `n`, or in at most `story_signable_share` of them when that is more.

    Why: two documents fall in one story LSH bucket when their weighted MinHash picked the same
    word (at the same level) in that band, so a bucket can only outgrow `story_max_bucket` on a
    word in more documents than that, and such buckets, if the split by further bands does not
    make them small enough, are skipped with every candidate in them (20 MB of lined news,
    before this cap: 496). Left out of the signature, a common word can fill no bucket; the
    bands go to the rarer words instead, the ones that mark one story. Common words still count
    in the exact cosine every candidate is checked by. The share keeps the cap from meaning
    ever rarer words as the collection grows (see STORY_SIGNABLE_SHARE).
    """
    cap = max(config.story_max_bucket, int(config.story_signable_share * n))
    signable: npt.NDArray[np.bool_] = df <= cap
    return signable


def unit_weights(idf: F64, terms: U32, norm: float) -> F64:
    """A story vector's weights: its words' IDF over the vector's length (left as they are when
    the length is 0); `norm` is the length `story_terms` gives."""
    weights: F64 = idf[terms]
    return weights / norm if norm else weights


def story_terms(keys: Sequence[U64], vocab: U64, idf: F64) -> tuple[list[U32], F64]:
    """Each document's word indices into `vocab` and the length of its IDF vector."""
    if vocab.size >= 2**32:
        raise ValueError(f"{vocab.size} distinct content words are more than uint32 can index")
    # one search per document: batched like `vocab_indices`, a few hundred words a document
    # gained nothing (`benchmarks/bench_serial.py`), and the keys may be read from disk
    terms = [np.searchsorted(vocab, k).astype(np.uint32) for k in keys]
    norms = np.fromiter(
        (float(np.linalg.norm(idf[t])) for t in terms), dtype=np.float64, count=len(terms)
    )
    return terms, norms


def _text(doc: HasText) -> str:
    title = title_of(doc)
    return f"{title}\n{doc.text}" if title else doc.text


def document_features(doc: HasText, seed: int) -> DocumentFeatures:
    """The per-document part of `find_duplicates`' features (the IDF needs the collection).

    The runner computes these in its cleaning workers and hands them to `find_duplicates`,
    which then only does the collection-wide part; the values are the same either way.

    Shingle hashes are kept to their low 32 bits, the bits MinHash uses (as datasketch's
    `MinHash` does), so the near tier's exact Jaccard is of 32-bit hashes. Why: they were the
    largest per-document feature (about 1.1 bytes per byte of input as uint64), held for the
    whole dedupe stage. Two different shingles then match with chance 2^-32: two 1,000-shingle
    articles share about 2e-4 false shingles on average, which moves their Jaccard by about
    1e-7, far below the 0.0001 the reported similarity is rounded to.
    """
    return text_features(_text(doc), doc.text, seed)


def features_of(docs: Sequence[HasText], seed: int) -> list[DocumentFeatures]:
    """`document_features` of each document (the same values), computed as one batch by
    `dedupe.batch_features` from `BATCH_LEAST` documents on."""
    if len(docs) < BATCH_LEAST:
        return [document_features(doc, seed) for doc in docs]
    return batch_features([doc.text for doc in docs], [title_of(doc) for doc in docs], seed)


def feature_columns(docs: Sequence[HasText], seed: int) -> FeatureColumns:
    """`features_of` the documents as one set of columns: what a batch task hands back, a
    few arrays instead of three per document (pickling a thousand small arrays cost four times
    what their bytes did: 18 ms against 4.5 for a batch of 1,024 articles)."""
    if len(docs) < BATCH_LEAST:
        return FeatureColumns.of([document_features(doc, seed) for doc in docs])
    return batch_columns([doc.text for doc in docs], [title_of(doc) for doc in docs], seed)


def _ordered_features(
    docs: Sequence[Document],
    given: Sequence[DocumentFeatures | None],
    order: Sequence[int],
    seed: int,
) -> Iterator[DocumentFeatures]:
    """`given[i]`, or where it is None the document's features, for each `i` of `order`: those
    missing computed `FEATURE_WINDOW` documents at a time (`features_of`), so only a window of
    them is held before `_features` takes them."""
    for lo in range(0, len(order), FEATURE_WINDOW):
        window = order[lo : lo + FEATURE_WINDOW]
        found = _read_many(given, window)
        missing = [k for k, feature in enumerate(found) if feature is None]
        computed = features_of([docs[window[k]] for k in missing], seed)
        for k, feature in zip(missing, computed, strict=True):
            found[k] = feature
        yield from (feature for feature in found if feature is not None)


class FeatureSpill(ByPosition[DocumentFeatures | None]):
    """`document_features` of many documents, as a runner collects them while it cleans, with
    their hashes on disk past a size (`dedupe.spill`). A None entry is computed later, by
    `find_duplicates`. Why: held as arrays until dedupe, they were about 1.1 bytes per byte of
    input at the end of cleaning."""

    def __init__(self, directory: Path | None = None) -> None:
        self._exact = array("Q")
        self._missing: set[int] = set()
        self._shingles = ArraySpill(np.uint32, directory)
        self._keys = ArraySpill(np.uint64, directory)
        self._names = ArraySpill(np.uint64, directory)

    def append(self, feature: DocumentFeatures | None) -> None:
        if feature is None:
            self._missing.add(len(self._exact))
            feature = (0, _NO_U32, _NO_U64, _NO_U64)
        exact, shingles, keys, names = feature
        self._exact.append(exact)
        self._shingles.append(shingles)
        self._keys.append(keys)
        self._names.append(names)

    def extend(self, columns: FeatureColumns | None, missing: Sequence[bool]) -> None:
        """The features of a batch of documents: those of the documents not `missing`, in
        order, as `columns` (None: none were computed, every document is missing)."""
        if columns is None:
            for _ in missing:
                self.append(None)
            return
        gone = np.asarray(missing, dtype=np.bool_)
        if int((~gone).sum()) != len(columns):
            raise ValueError(f"{len(columns)} documents' features for {int((~gone).sum())}")
        start = len(self._exact)
        self._missing.update((start + np.flatnonzero(gone)).tolist())
        exact = np.zeros(gone.size, dtype=np.uint64)
        exact[~gone] = columns.exact
        self._exact.extend(exact.tolist())
        for spill, flat, at in (
            (self._shingles, columns.near, columns.near_at),
            (self._keys, columns.story, columns.story_at),
            (self._names, columns.names, columns.names_at),
        ):
            sizes = np.zeros(gone.size, dtype=np.int64)
            sizes[~gone] = np.diff(at)
            spill.extend_flat(flat, sizes)

    def __setitem__(self, index: int, feature: DocumentFeatures | None) -> None:
        position = range(len(self))[index]
        if feature is None:
            self._missing.add(position)
            self._shingles[position], self._keys[position] = _NO_U32, _NO_U64
            self._names[position] = _NO_U64
            return
        self._missing.discard(position)
        exact, shingles, keys, names = feature
        self._exact[position], self._shingles[position] = exact, shingles
        self._keys[position], self._names[position] = keys, names

    def __len__(self) -> int:
        return len(self._exact)

    def _read(self, position: int) -> DocumentFeatures | None:
        if position in self._missing:
            return None
        exact, shingles = self._exact[position], self._shingles[position]
        return exact, shingles, self._keys[position], self._names[position]

    def read_many(self, positions: Sequence[int]) -> list[DocumentFeatures | None]:
        """The features at `positions`, in order, their hashes read a run of documents at a
        time (`ArraySpill.read_many`)."""
        parts = zip(
            self._shingles.read_many(positions),
            self._keys.read_many(positions),
            self._names.read_many(positions),
            strict=True,
        )
        return [
            None if p in self._missing else (self._exact[p], *part)
            for p, part in zip(positions, parts, strict=True)
        ]

    def close(self) -> None:
        for spill in (self._shingles, self._keys, self._names):
            spill.close()


_NO_U32: U32 = np.empty(0, dtype=np.uint32)
_NO_U64: U64 = np.empty(0, dtype=np.uint64)


class DocumentFrequencies:
    """Sorted unique keys and how many documents hold each (the collection's content words,
    or a run's line hashes: `winnow_corpus.story_text`), counted as documents come, each
    document adding its keys once, merged every `MERGE_KEYS` keys: all content-word hashes at
    once had been a third of the dedupe features' memory. The same counts as `np.unique` of
    them all."""

    def __init__(self) -> None:
        self.vocab: U64 = np.empty(0, dtype=np.uint64)
        self.df: I64 = np.empty(0, dtype=np.int64)
        self._pending: list[U64] = []
        self._waiting = 0

    def add(self, keys: U64) -> None:
        self._pending.append(keys)
        self._waiting += keys.size
        if self._waiting >= MERGE_KEYS:
            self._merge()

    def _merge(self) -> None:
        words, counts = unique_counts(np.concatenate(self._pending))
        self._pending, self._waiting = [], 0
        if self.vocab.size:
            words, counts = merged_counts([(self.vocab, self.df), (words, counts)])
        self.vocab, self.df = words, counts

    def result(self) -> tuple[U64, I64]:
        if self._pending:
            self._merge()
        return self.vocab, self.df


def merged_counts(parts: Sequence[tuple[U64, I64]]) -> tuple[U64, I64]:
    """Several (sorted unique keys, counts) added up by key: sorted unique keys and their
    counts (`DocumentFrequencies` of slices of a collection counted apart)."""
    if len(parts) == 1:
        return parts[0]
    keys, at = np.unique(np.concatenate([values for values, _ in parts]), return_inverse=True)
    added = np.bincount(at, np.concatenate([counts for _, counts in parts]), minlength=keys.size)
    return keys, added.astype(np.int64)


def _features(
    parts: Iterable[DocumentFeatures],
    directory: Path | None = None,
    config: DedupeConfig = DedupeConfig(),
) -> _Features:
    exact: list[int] = []
    shingles = ArraySpill(np.uint32, directory)
    story_keys = ArraySpill(np.uint64, directory)
    names: list[U64] = []  # a few dozen a document
    frequencies = DocumentFrequencies()
    try:
        for key, near, story, named in parts:
            exact.append(key)
            shingles.append(near)
            story_keys.append(story)
            names.append(named)
            frequencies.add(story)
        shingles.flush()  # before any fork: no child may write what is waiting
        vocab, df = frequencies.result()
        idf = collection_idf(vocab, df, len(exact), config)
        terms, norms = story_terms(story_keys, vocab, idf)
    except BaseException:
        shingles.close()
        raise
    finally:
        story_keys.close()
    name_indices = name_terms(names, vocab)
    signable = signable_words(df, len(exact), config)
    features = _Features(
        exact, shingles, terms, vocab, idf, norms, name_indices, signable, numbers_of(vocab, config)
    )
    features.story_df = df
    if rescues(config):
        features.rescue_idf = story_idf(vocab, df, len(exact), config.seed, IDF_POWER)
        features.rescue_norms = _norms(terms, features.rescue_idf)
    if config.story and config.story_model != "off":
        features.cosine_idf = collection_idf(
            vocab, df, len(exact), replace(config, story_model="off")
        )
        features.cosine_norms = _norms(terms, features.cosine_idf)
    return features


def rescues(config: DedupeConfig) -> bool:
    """Whether the cosine tier has its second path (`STORY_RESCUE`)."""
    return config.story and config.story_model == "off" and config.story_rescue > 0


def _norms(terms: Sequence[U32], idf: F64) -> F64:
    """Each document's IDF vector length under `idf`."""
    norms: F64 = np.sqrt(_document_sums(terms, idf**2))
    return norms


def _document_sums(terms: Sequence[U32], values: npt.NDArray[Any]) -> F64:
    """Per document, the sum of `values` (one per vocabulary word) over its words, in word
    order, `VOCAB_ENTRIES` words at a time: over every word of the run at once the index,
    owner and value arrays took about 32 bytes a word, the largest memory of a 1 GB run (about
    a gigabyte of 2). Each document's sum is taken in the same order either way, so the sums
    are the same floats."""
    sizes = _sizes(terms)
    sums: F64 = np.zeros(len(terms), dtype=np.float64)
    for lo, hi in ranges_within(sizes, VOCAB_ENTRIES):
        owner = np.repeat(np.arange(hi - lo), sizes[lo:hi])
        flat = np.concatenate([_NO_U32, *terms[lo:hi]])
        sums[lo:hi] = np.bincount(owner, weights=values[flat], minlength=hi - lo)
    return sums


def _story_model(config: DedupeConfig) -> StoryModel | None:
    """The calibrated score's model: the shipped one, one fitted by
    `benchmarks/fit_story_score.py` (a .json path), or None (off)."""
    if config.story_model == "off":
        return None
    if config.story_model == "shipped":
        return StoryModel.load()
    return StoryModel.load(Path(config.story_model))


def collection_idf(vocab: U64, df: I64, n: int, config: DedupeConfig) -> F64:
    """Each vocabulary word's story weight, for both engines.

    Binary tf x smoothed idf (scikit-learn's smooth_idf) ** IDF_POWER: a word repeated in one
    story says no more about which event it covers than once; see STORY_THRESHOLD. With the
    calibrated score on, a word's rarity is wordfreq's prior or its count of the run's documents
    (`dedupe.story_score.story_idf`), so ten articles and a million weigh a word alike.
    """
    if config.story_model != "off":
        return story_idf(vocab, df, n, config.seed, IDF_POWER)
    idf: F64 = ((np.log((n + 1) / (df + 1)) + 1.0) ** IDF_POWER).astype(np.float64)
    return idf


def numbers_of(vocab: U64, config: DedupeConfig) -> npt.NDArray[np.bool_] | None:
    """Which vocabulary words are numbers, when the story tier is on (the calibrated score's
    shared numbers, the tables of figures of `_Checker._tables_agree` in both tiers, and a lone
    pair's figures, `event_figures`)."""
    return number_words(vocab, config.seed) if config.story else None


def name_terms(names: Sequence[U64], vocab: U64) -> list[U32]:
    """Each document's names as indices into `vocab`, like its `story_terms` (a name that is
    not a content word, such as a stopword, has none and is dropped)."""
    return vocab_indices(names, vocab)


def vocab_indices(arrays: Sequence[U64], vocab: U64) -> list[U32]:
    """For each sorted array (held in memory), the indices in `vocab` (sorted, unique) of its
    values that `vocab` holds, in order; the others are dropped.

    One `searchsorted` over many documents' values at once, up to `VOCAB_ENTRIES` values (a
    few tens of MB of temporary arrays, however long the documents), not one call per document:
    3.4x faster for names, a dozen values a document (`benchmarks/bench_serial.py`). The same
    indices as `_common` of each array with `vocab`.
    """
    indices: list[U32] = []
    for lo, hi in ranges_within(_sizes(arrays), VOCAB_ENTRIES):
        batch = [arrays[i] for i in range(lo, hi)]
        flat = np.concatenate(batch)
        found, at = _find_sorted(vocab, flat)
        # each array's share of the found values ends where its own values end
        found_before = np.concatenate([[0], np.cumsum(found)])
        ends = found_before[np.cumsum(_sizes(batch))]
        indices += np.split(at[found].astype(np.uint32), ends[:-1])
    return indices


def _common(a: U64 | U32, b: U64 | U32) -> tuple[I64, I64]:
    """Positions in `a` and in `b` of the values both sorted unique arrays hold, in sorted order.

    The same result as `np.intersect1d(a, b, assume_unique=True, return_indices=True)`. Small
    arrays: one binary search of the smaller array's values in the larger (intersect1d's sort of
    both had made most of a story-tier run's time when pairs were checked one by one). Large
    ones (a batch of pairs' keys): one stable sort of both, which for two sorted runs is a
    linear merge.
    """
    if a.size > b.size:
        ib, ia = _common(b, a)
        return ia, ib
    if a.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    if a.size >= MERGE_LEAST and a.dtype == b.dtype:
        # a stable sort of two sorted runs is one merge (timsort), linear; a binary search per
        # value of `a` was 1.6x slower on a batch of pairs' keys (600,000 a side)
        both = np.concatenate([a, b])
        order = np.argsort(both, kind="stable")
        merged = both[order]
        equal = np.flatnonzero(merged[1:] == merged[:-1])
        return order[equal], order[equal + 1] - a.size
    hit, pos = _find_sorted(b, a)
    return np.flatnonzero(hit), pos[hit]


def _find_sorted(
    haystack: npt.NDArray[Any], needles: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.bool_], I64]:
    """For each needle, whether the sorted unique `haystack` holds it, and at which position
    (0 where it does not): one binary search of all the needles."""
    at: I64 = np.searchsorted(haystack, needles)
    if not haystack.size:
        return np.zeros(needles.size, dtype=np.bool_), at
    at[at == haystack.size] = 0
    hit: npt.NDArray[np.bool_] = haystack[at] == needles
    return hit, at


def jaccard(a: U64 | U32, b: U64 | U32) -> float:
    """Exact Jaccard of two sorted unique hash arrays.

    >>> jaccard(np.array([1, 2, 3], dtype=np.uint64), np.array([2, 3, 4], dtype=np.uint64))
    0.5
    """
    if a.size == 0 and b.size == 0:
        return 0.0
    shared = _common(a, b)[0].size
    return shared / (a.size + b.size - shared)


def cosine(keys_a: U64 | U32, weights_a: F64, keys_b: U64 | U32, weights_b: F64) -> float:
    """Cosine of two unit-length sparse vectors given as sorted keys and aligned weights."""
    return cosine_and_shared(keys_a, weights_a, keys_b, weights_b)[0]


def cosine_and_shared(
    keys_a: U64 | U32, weights_a: F64, keys_b: U64 | U32, weights_b: F64
) -> tuple[float, int]:
    """`cosine`, and how many keys the two vectors share (the story tier asks for both)."""
    ia, ib = _common(keys_a, keys_b)
    return float(np.dot(weights_a[ia], weights_b[ib])), int(ia.size)


class _Checker:
    """Direct, exact comparison of two documents under every enabled tier.

    Candidate pairs are checked once each (`verify`) and not kept: a result is a pure function
    of the features, so a later call for the same pair recomputes it rather than every
    candidate's result being held in a dict (about 200 bytes a pair, the largest Python
    structure of the dedupe stage). Only checks of pairs that were not candidates are counted
    and remembered, the last `CHECKS_REMEMBERED` of them: `checks` counts each pair once
    unless it was forgotten and computed again.
    """

    def __init__(self, features: _Features, config: DedupeConfig, candidates: I64) -> None:
        self.f = features
        self.config = config
        self.n = len(features.exact)
        self.candidates = candidates  # sorted codes i * n + j of the candidate pairs
        self.cache: dict[tuple[int, int], Check] = {}  # checks of non-candidate pairs
        self.checks = 0  # exact comparisons run (candidates plus keeper checks)
        # summed story vectors of groups (members, sorted), see `_summed`
        self.sums: dict[tuple[int, ...], tuple[U32, F64]] = {}
        self.exact = np.array(features.exact, dtype=np.uint64)
        # read only when sizes allow a near match: the hashes may be on disk (`dedupe.spill`)
        self.shingle_sizes: I64 = features.shingles.sizes().astype(np.int64)
        self.name_sizes = _sizes(features.story_names)
        self.term_sizes = _sizes(features.story_terms)
        self.tables = _tables(features)
        self.event_figures = event_figures(features, config)
        self.model = _story_model(config)
        self.rescue_model = StoryModel.load() if rescues(config) else None

    def verify(self, pairs: Pairs) -> list[tuple[int, int, Check]]:
        """Check candidate pairs (i < j) a batch at a time; the ones a tier matched.

        A batch holds at most `CHECK_ENTRIES` hashes and word indices of its pairs (at least one
        pair), so its arrays stay near 100 MB whatever the documents' lengths: a count of pairs
        alone would let a batch of book-length documents take gigabytes.
        """
        found = []
        for lo, hi in ranges_within(self._entries(pairs), CHECK_ENTRIES):
            batch = pairs[lo:hi]
            tiers, similarities = self.check_pairs(batch[:, 0], batch[:, 1], hits_only=True)
            hits = np.flatnonzero(tiers)
            for (i, j), tier, similarity in zip(
                batch[hits].tolist(), tiers[hits].tolist(), similarities[hits].tolist(), strict=True
            ):
                found.append((i, j, Check(TIER_NAMES[tier], similarity)))
        return found

    def __call__(self, i: int, j: int) -> Check:
        return self.check_many([(i, j)])[0]

    def check_many(self, pairs: Sequence[tuple[int, int]]) -> list[Check]:
        """Checks of pairs given in either order, a batch at a time (`check_pairs`).

        Clustering asks for every member against its keeper; one pair at a time, each check
        cost a dozen numpy calls, and batched they are 13.6x faster (`benchmarks/bench_serial.py`;
        1,886 such pairs at 50 MB). Pairs that were not candidates are counted and remembered
        once each; candidates are computed again (`verify` keeps none).
        """
        keys = [(min(i, j), max(i, j)) for i, j in pairs]
        found: dict[tuple[int, int], Check] = {}
        wanted: dict[tuple[int, int], bool] = {}  # pair to check -> remember it (not a candidate)
        for key, candidate in zip(keys, self._are_candidates(keys), strict=True):
            if key in wanted or key in found:
                continue
            if not candidate and key in self.cache:
                found[key] = self.cache[key]
                continue
            wanted[key] = not candidate
            self.checks += not candidate
        array: Pairs = np.array(list(wanted), dtype=np.int64).reshape(-1, 2)
        for lo, hi in ranges_within(self._entries(array), CHECK_ENTRIES):
            tiers, similarities = self.check_pairs(array[lo:hi, 0], array[lo:hi, 1])
            for i, j, tier, similarity in zip(
                array[lo:hi, 0].tolist(),
                array[lo:hi, 1].tolist(),
                tiers.tolist(),
                similarities.tolist(),
                strict=True,
            ):
                found[i, j] = Check(TIER_NAMES[tier], similarity)
                if wanted[i, j]:
                    self._remember((i, j), found[i, j])
        return [found[key] for key in keys]

    def _remember(self, key: tuple[int, int], check: Check) -> None:
        """Keep a non-candidate pair's check, forgetting the oldest past `CHECKS_REMEMBERED`
        (a dict keeps insertion order)."""
        if len(self.cache) >= CHECKS_REMEMBERED:
            del self.cache[next(iter(self.cache))]
        self.cache[key] = check

    def _are_candidates(self, keys: Sequence[tuple[int, int]]) -> list[bool]:
        """Whether each pair (i < j) was a candidate, and so checked by `verify`."""
        codes = np.array([i * self.n + j for i, j in keys], dtype=np.int64)
        answer: list[bool] = _find_sorted(self.candidates, codes)[0].tolist()
        return answer

    def _entries(self, pairs: Pairs) -> I64:
        """Hashes and word indices a check of each pair reads (what sizes a batch)."""
        left, right = pairs[:, 0], pairs[:, 1]
        entries: I64 = self.shingle_sizes[left] + self.shingle_sizes[right]
        entries += self.term_sizes[left] + self.term_sizes[right]
        return entries

    def story_joins(self, group_a: Sequence[int], group_b: Sequence[int]) -> bool:
        """Whether a story link may join two groups (the link guard, `dedupe.clusters`): the
        mean story score over every cross pair reaches `link_guard` times the threshold (the
        cosine's `story_threshold`; with the calibrated score, the default cut
        `STORY_PROBABILITY` whatever `story_probability` the run sets), or
        the two groups confirm each other pair by pair (`_confirmed`): every member of the
        smaller one passes the tiers' checks with a member of the other, and at least
        `STORY_LINK_LEAST` members of the other, not copies of one another, confirm it. One
        stray link is never that. With the calibrated score, first of all one cross pair must
        be a witness (`STORY_WITNESS`): its cosine under the run's own word weights reaches
        `STORY_WITNESS` x `story_threshold`. When each group is one text and its copies, they
        join on their cross pairs alone: a cosine at `link_guard` x `story_threshold`, or a
        probability of `LONE_PROBABILITY` with `LONE_FIGURES` numbers other than years in common.

        The story vectors are unit length, so the sum of the |A| x |B| cosines is the dot
        product of the two groups' summed vectors: one sparse dot instead of |A| x |B| (groups
        reach `max_cluster_size` members; pair by pair this was most of a story-tier run).
        Equal to the pairwise mean up to floating-point rounding. With the calibrated score
        on, the mean of the |A| x |B| pairs' probabilities (`story_scores`, in one batch).
        """
        if not group_a or not group_b:
            return False
        config = self.config
        if self.model is not None:
            left = np.repeat(np.asarray(group_a, dtype=np.int64), len(group_b))
            right = np.tile(np.asarray(group_b, dtype=np.int64), len(group_a))
            run_cosines = self._run_cosines(left, right)
            witnessed = run_cosines >= STORY_WITNESS * config.story_threshold
            if not witnessed.any():
                return False
            if self._independent(group_a) == 1 == self._independent(group_b):
                if float(run_cosines.max()) >= config.link_guard * config.story_threshold:
                    return True
                at = np.flatnonzero(witnessed)
                probability = self.story_scores(left[at], right[at])[0]
                figures = self._figures_shared(left[at], right[at])
                return bool(((probability >= LONE_PROBABILITY) & (figures >= LONE_FIGURES)).any())
            probability = self.story_scores(left, right)[0]
            mean = float(probability.mean())
            # the bar is the default cut's, whatever cut this run sets for single pairs: a
            # calibrated mean means the same at any cut (the threshold band stays flat)
            if mean >= config.link_guard * STORY_PROBABILITY:
                return True
        else:
            keys_a, weights_a = self._summed(group_a)
            keys_b, weights_b = self._summed(group_b)
            mean = cosine(keys_a, weights_a, keys_b, weights_b) / (len(group_a) * len(group_b))
            if mean >= config.link_guard * config.story_threshold:
                return True
        return self._confirmed(*sorted((group_a, group_b), key=len))

    def _run_cosines(self, left: I64, right: I64) -> F64:
        """Story cosines of pairs under the run's own word weights (the cosine tier's IDF,
        `_Features.cosine_idf`), which the calibrated tier's joins also ask for
        (`story_joins`)."""
        f = self.f
        assert f.cosine_idf is not None and f.cosine_norms is not None
        return self._story_cosines(left, right, f.cosine_idf, f.cosine_norms)[0]

    def _confirmed(self, smaller: Sequence[int], larger: Sequence[int]) -> bool:
        """Whether each member of `smaller` passes the tiers' checks (`check_many`, the same
        checks as a candidate's) with at least one member of `larger`, and at least
        `STORY_LINK_LEAST` independent members of `larger` (`_independent`) pass with one of
        `smaller`.

        Why pair by pair: one event told from several angles has many middling pairs, which
        keep the mean of two groups' cross pairs under the guard's bar though each of the
        smaller group's articles is a verified retelling of some of the larger's (Giveme5W1H
        dev, 144 articles in 30 events: F1 0.834 -> 0.931). Two lone texts never pass here
        (one confirmation): in the cosine tier they join only on the mean, in the calibrated
        one on their witness (`story_joins`); the cosine tier's second path's verified pairs
        under that mean are where its wrong drops were at 100 MB of generated news (drop
        precision 0.968 when they joined).
        """
        checks = self.check_many([(a, b) for a in smaller for b in larger])
        passing: npt.NDArray[np.bool_] = np.array(
            [c.tier is not None for c in checks], dtype=np.bool_
        ).reshape(len(smaller), len(larger))
        if not passing.any(axis=1).all():
            return False
        confirming = [larger[k] for k in np.flatnonzero(passing.any(axis=0)).tolist()]
        return self._independent(confirming) >= STORY_LINK_LEAST

    def _independent(self, members: Sequence[int]) -> int:
        """How many of `members` are not copies of one another: the same exact key, or story
        vectors at least `COPY_COSINE` alike (a near copy), count once. A group holds a text's
        copies (exact and near links always join), and a stray link to a text with a copy in
        the group is still one confirmation."""
        counted: list[int] = []
        for member in members:
            keys, weights = self._summed([member])
            if not any(
                self.exact[member] == self.exact[other]
                or cosine(keys, weights, *self._summed([other])) >= COPY_COSINE
                for other in counted
            ):
                counted.append(member)
                if len(counted) >= STORY_LINK_LEAST:
                    break
        return len(counted)

    def _summed(self, group: Sequence[int]) -> tuple[U32, F64]:
        """The group's summed story vector, remembered until `SUMS_KEPT` groups are held.

        A group stays the same until it joins another, and every story edge between two groups
        asks for both sums: on a large corpus whose story edges crowd into a few big groups,
        recomputing them for each edge made the link guard the longest stage of a run.
        """
        f = self.f
        if len(group) == 1:
            return f.story_terms[group[0]], f.story_weights(group[0])
        key = tuple(group)
        found = self.sums.get(key)
        if found is None:
            found = self._sum(group)
            if len(self.sums) >= SUMS_KEPT:
                self.sums.clear()
            self.sums[key] = found
        return found

    def _sum(self, group: Sequence[int]) -> tuple[U32, F64]:
        f = self.f
        terms = [f.story_terms[i] for i in group]
        flat = np.concatenate(terms)
        # every member's `story_weights` at once: its words' IDF over its norm (a norm of 0
        # leaves them as they are, and x / 1.0 is x)
        norms = f.story_norms[np.asarray(group, dtype=np.int64)]
        norms[norms == 0] = 1.0
        keys: U32
        keys, at = np.unique(flat, return_inverse=True)
        summed = np.bincount(at, f.story_idf[flat] / np.repeat(norms, _sizes(terms)))
        weights: F64 = summed.astype(np.float64, copy=False)
        return keys, weights

    def check_pairs(self, left: I64, right: I64, hits_only: bool = False) -> tuple[I8, F64]:
        """Every enabled tier on pairs (left[p], right[p]) at once: each pair's strongest tier
        (an index into TIER_NAMES) and its similarity (1.0 for an exact copy; else the story
        cosine when the story tier is on and the near tier did not match; else the word-shingle
        Jaccard, 0.0 where sizes alone kept it below the threshold). `hits_only`: the caller
        keeps only the pairs a tier matched (`verify`), so under the calibrated score a pair
        that no share of names and 5-gram Jaccard could make pass is not scored (`_may_pass`):
        its similarity is 0.0.

        Pair by pair, the fixed cost of a dozen numpy calls was most of the dedupe stage (about
        100 microseconds a pair); over a batch each tier is a few array operations
        (`shared_by_pair`). The same values as the pairwise formulas, up to the order in which
        a cosine's products are summed.
        """
        f, config = self.f, self.config
        tiers: I8 = np.zeros(left.size, dtype=np.int8)
        similarities: F64 = np.zeros(left.size, dtype=np.float64)
        if config.exact:
            tiers[self.exact[left] == self.exact[right]] = EXACT
            similarities[tiers == EXACT] = 1.0
        open_: npt.NDArray[np.bool_] = tiers == 0
        if config.near:
            sizes_a, sizes_b = self.shingle_sizes[left], self.shingle_sizes[right]
            reach = open_.copy()
            if config.story:  # below the threshold, a near value is never reported
                # Jaccard is at most min/max of the sizes; divided as the scalar test was, so a
                # ratio equal to the threshold is checked (a product rounds differently)
                small, large = np.minimum(sizes_a, sizes_b), np.maximum(sizes_a, sizes_b)
                ratio = np.divide(small, large, out=np.ones(small.size), where=large > 0)
                reach &= ratio >= config.near_threshold
            at = np.flatnonzero(reach)
            # each document read once a batch: its hashes may be on disk, and one document
            # stands in a pair with a dozen others
            wanted = unique(np.append(left[at], right[at])).tolist()
            read = dict(zip(wanted, _read_many(f.shingles, wanted), strict=True))
            shared = _shared_counts(
                [read[i] for i in left[at].tolist()], [read[j] for j in right[at].tolist()]
            )
            union = sizes_a[at] + sizes_b[at] - shared
            near = np.divide(shared, union, out=np.zeros(at.size), where=union > 0)
            similarities[at] = near
            matched = at[near >= config.near_threshold]
            tiers[matched] = NEAR
            open_[matched] = False
        if config.story and self.model is not None:
            at = np.flatnonzero(open_)
            if hits_only:
                signals = self.story_signals(left[at], right[at], words_only=True)
                rows = self._may_pass(left[at], right[at], signals)
                at, signals = at[rows], signals[rows]
                signals[:, NAMES] = self._names_fraction(left[at], right[at])
                signals[:, JACCARD] = self._jaccards(left[at], right[at])
                score = self.model.probability(signals)
            else:
                score, signals = self.story_scores(left[at], right[at])
            similarities[at] = score
            # the cosine tier's two checks hold here too: templated notices share few words
            # (story_min_shared), events of one topic few names (story_min_names); both counts
            # from the signals (the names' is their share of the text naming fewer)
            shared = np.rint(np.expm1(signals[:, SHARED_WORDS]))
            fewer = np.minimum(self.name_sizes[left[at]], self.name_sizes[right[at]])
            names = np.rint(signals[:, NAMES] * fewer).astype(np.int64)
            agree = names_agree(names, fewer, config.story_min_names)
            # a copy of one text that masking left short shares few content words but many
            # word 5-grams; a template's other events differ in every sentence. The 5-grams are
            # the whole text's (a shared footer counts there), so the masked words must be alike
            # too (STORY_COPY_COSINE)
            copy = (signals[:, JACCARD] >= STORY_COPY_SHARE) & (
                signals[:, COSINE] >= STORY_COPY_COSINE
            )
            enough = (shared >= config.story_min_shared) | copy
            passed = (score >= config.story_probability) & enough & agree
        elif config.story:
            at = np.flatnonzero(open_)
            story, shared = self._story_cosines(left[at], right[at])
            agree = names_agree(
                self._names_shared(left[at], right[at]),
                np.minimum(self.name_sizes[left[at]], self.name_sizes[right[at]]),
                config.story_min_names,
            )
            similarities[at] = story
            passed = (story >= config.story_threshold) & (shared >= config.story_min_shared)
            if self.rescue_model is not None:
                low = np.flatnonzero(
                    ~passed
                    & agree
                    & (story >= STORY_RESCUE_FLOOR)
                    & (shared >= config.story_min_shared)
                )
                passed[low] = self.rescued(left[at[low]], right[at[low]])
            passed &= agree
        if config.story:
            passed[passed] = self._tables_agree(left[at[passed]], right[at[passed]])
            tiers[at[passed]] = STORY
        return tiers, similarities

    def rescued(self, left: I64, right: I64) -> npt.NDArray[np.bool_]:
        """Whether the shipped calibrated score passes pairs the cosine missed (`STORY_RESCUE`),
        over its signals measured with its own word rarity."""
        f = self.f
        assert self.rescue_model is not None and f.rescue_idf is not None
        assert f.rescue_norms is not None
        signals = self.story_signals(left, right, f.rescue_idf, f.rescue_norms)
        passed: npt.NDArray[np.bool_] = (
            self.rescue_model.probability(signals) >= self.config.story_rescue
        )
        return passed

    def story_scores(self, left: I64, right: I64) -> tuple[F64, F64]:
        """The calibrated same-story probability of pairs (left[p], right[p]) and their
        `story_signals`: the model (`dedupe.story_score`) over the signals, for keeper checks
        and the link guard whichever engine found the pair (`verify_and_cluster`); `verify`
        scores with the same model only the candidates `_may_pass` leaves."""
        assert self.model is not None, "story_scores needs a story_model other than 'off'"
        signals = self.story_signals(left, right)
        return self.model.probability(signals), signals

    def story_signals(
        self,
        left: I64,
        right: I64,
        idf: F64 | None = None,
        norms: F64 | None = None,
        words_only: bool = False,
    ) -> F64:
        """`dedupe.story_score.PAIR_SIGNALS` of pairs, one row each: IDF cosine, containment
        (the shared words' weight over the smaller vector's), log(1 + shared content words),
        share of names of the text naming fewer, log(1 + shared numbers), 5-gram Jaccard. The
        cosine and containment weigh words by `idf` with vector lengths `norms` (default: the
        run's story weights). `words_only`: only the signals read from the content words; the
        names' share and the Jaccard are 0.0, for `_may_pass` to bound."""
        f = self.f
        m = left.size
        idf = f.story_idf if idf is None else idf
        norms = f.story_norms if norms is None else norms
        pair, shared_terms = self._shared_terms(left, right)
        idf = idf[shared_terms]
        norms_a, norms_b = norms[left], norms[right]
        dot = np.bincount(pair, weights=idf * idf, minlength=m)
        lengths = norms_a * norms_b
        cosine_ = np.divide(dot, lengths, out=np.zeros(m), where=lengths > 0)
        smaller = np.minimum(norms_a, norms_b) ** 2
        containment = np.divide(dot, smaller, out=np.zeros(m), where=smaller > 0)
        shared = np.bincount(pair, minlength=m).astype(np.float64)
        numbers = (
            np.bincount(pair, weights=f.story_numbers[shared_terms], minlength=m)
            if f.story_numbers is not None
            else np.zeros(m)
        )
        names = np.zeros(m) if words_only else self._names_fraction(left, right)
        jaccard_ = np.zeros(m) if words_only else self._jaccards(left, right)
        signals: F64 = np.column_stack(
            [
                cosine_,
                containment,
                np.log1p(shared),
                names,
                np.log1p(numbers),
                jaccard_,
                np.log1p(np.minimum(self.term_sizes[left], self.term_sizes[right])),
            ]
        ).astype(np.float64)
        return signals

    def _names_fraction(self, left: I64, right: I64) -> F64:
        """The share of names pairs (left[p], right[p]) share, of the text naming fewer."""
        fewer = np.minimum(self.name_sizes[left], self.name_sizes[right])
        shared = self._names_shared(left, right)
        share: F64 = np.divide(shared, fewer, out=np.zeros(left.size), where=fewer > 0)
        return share

    def _jaccards(self, left: I64, right: I64) -> F64:
        """The word 5-gram Jaccard of pairs (left[p], right[p])."""
        # each document read once a batch, a run at a time where the hashes are on disk
        wanted = unique(np.append(left, right)).tolist()
        read = dict(zip(wanted, _read_many(self.f.shingles, wanted), strict=True))
        common = _shared_counts([read[i] for i in left.tolist()], [read[j] for j in right.tolist()])
        union = self.shingle_sizes[left] + self.shingle_sizes[right] - common
        found: F64 = np.divide(common, union, out=np.zeros(left.size), where=union > 0)
        return found

    def _may_pass(self, left: I64, right: I64, signals: F64) -> I64:
        """The rows of `signals` (`words_only`: the names' share and the Jaccard not yet
        measured) whose pair reaches the probability cut with both at the value most in its
        favour: where the model weighs a signal up, its largest (a share of names 1.0; a
        Jaccard min/max of the two texts' 5-gram counts, which it never exceeds), else 0.

        Why: the two were about two thirds of scoring a candidate pair, and most of a run's
        candidates are other events whose other signals leave them far below the cut. The
        probability only grows with a signal the model weighs up and only falls with one it
        weighs down (each step of it, in floating point too), so a pair failing at the bound
        fails at its own values: the same pairs pass.
        """
        model = self.model
        assert model is not None
        bound = signals.copy()
        if model.coef[NAMES] > 0:
            bound[:, NAMES] = 1.0
        if model.coef[JACCARD] > 0:
            sizes_a, sizes_b = self.shingle_sizes[left], self.shingle_sizes[right]
            small, large = np.minimum(sizes_a, sizes_b), np.maximum(sizes_a, sizes_b)
            bound[:, JACCARD] = np.divide(small, large, out=np.zeros(small.size), where=large > 0)
        rows: I64 = np.flatnonzero(model.probability(bound) >= self.config.story_probability)
        return rows

    def _story_cosines(
        self, left: I64, right: I64, weights: F64 | None = None, lengths: F64 | None = None
    ) -> tuple[F64, I64]:
        """Story cosines of pairs and how many content words each shares, under `weights`
        with vector `lengths` (default: the run's story weights)."""
        f = self.f
        weights = f.story_idf if weights is None else weights
        lengths = f.story_norms if lengths is None else lengths
        pair, terms = self._shared_terms(left, right)
        idf = weights[terms]
        norms_a, norms_b = lengths[left[pair]], lengths[right[pair]]
        products = (idf / norms_a) * (idf / norms_b)  # shared words have weight, so norms > 0
        cosines = np.bincount(pair, weights=products, minlength=left.size)
        return cosines.astype(np.float64, copy=False), np.bincount(pair, minlength=left.size)

    def _tables_agree(self, left: I64, right: I64) -> npt.NDArray[np.bool_]:
        """For pairs (left[p], right[p]): False where both texts are tables of figures and
        share under TABLE_NUMBERS_SHARED of the figures of the one with fewer (NUMBER_TABLE)."""
        agree: npt.NDArray[np.bool_] = np.ones(left.size, dtype=np.bool_)
        figures = self.tables
        if figures is None:
            return agree
        both = np.flatnonzero((figures[left] > 0) & (figures[right] > 0))
        if both.size:
            f = self.f
            assert f.story_numbers is not None
            numbers = [
                [terms[f.story_numbers[terms]] for terms in (f.story_terms[i] for i in side)]
                for side in (left[both].tolist(), right[both].tolist())
            ]
            shared = _shared_counts(numbers[0], numbers[1])
            fewer = np.minimum(figures[left[both]], figures[right[both]])
            agree[both] = shared >= TABLE_NUMBERS_SHARED * fewer
        return agree

    def _figures_shared(self, left: I64, right: I64) -> I64:
        """How many numbers other than years (`event_figures`) pairs (left[p], right[p])
        share."""
        if self.event_figures is None:
            return np.zeros(left.size, dtype=np.int64)
        pair, shared = self._shared_terms(left, right)
        counts: I64 = np.bincount(pair[self.event_figures[shared]], minlength=left.size)
        return counts

    def _shared_terms(self, left: I64, right: I64) -> tuple[I64, U32]:
        """The content words pairs (left[p], right[p]) share (`shared_by_pair`)."""
        terms = self.f.story_terms
        return shared_by_pair([terms[i] for i in left.tolist()], [terms[j] for j in right.tolist()])

    def _names_shared(self, left: I64, right: I64) -> I64:
        f = self.f
        return _shared_counts(
            [f.story_names[i] for i in left.tolist()], [f.story_names[j] for j in right.tolist()]
        )


def event_figures(features: _Features, config: DedupeConfig) -> npt.NDArray[np.bool_] | None:
    """Per vocabulary word, whether it is a number other than a year: what one event's
    reports share and reports of other events of one week or place seldom do (the year they
    all share). None where the run did not mark its numbers."""
    if features.story_numbers is None:
        return None
    figures: npt.NDArray[np.bool_] = features.story_numbers & ~year_words(
        features.story_vocab, config.seed
    )
    return figures


def _tables(features: _Features) -> I64 | None:
    """Per document, how many figures it holds if it is a table of figures (at least
    NUMBER_TABLE of its content words numbers, and TABLE_LEAST of them; `_Checker._tables_agree`),
    else 0; None where the run did not mark its numbers."""
    if features.story_numbers is None:
        return None
    figures = _document_sums(features.story_terms, features.story_numbers).astype(np.int64)
    table = (figures >= NUMBER_TABLE * _sizes(features.story_terms)) & (figures >= TABLE_LEAST)
    tables: I64 = np.where(table, figures, 0)
    return tables


def names_agree(shared: I64, fewer: I64, least_share: float) -> npt.NDArray[np.bool_]:
    """For pairs sharing `shared` names, the one naming fewer naming `fewer`: True unless both
    texts name at least `NAMES_LEAST` people, places or bodies and share fewer than
    `least_share` of the shorter list (see STORY_MIN_NAMES)."""
    if least_share <= 0:
        return np.ones(shared.size, dtype=np.bool_)
    agree: npt.NDArray[np.bool_] = (fewer < NAMES_LEAST) | (shared >= least_share * fewer)
    return agree


def shared_by_pair(left: Sequence[U32], right: Sequence[U32]) -> tuple[I64, U32]:
    """For pairs p of sorted unique uint32 arrays (left[p], right[p]): each value both arrays of
    a pair hold, with its p, ordered by p then value.

    One sort over all pairs at once, of keys p << 32 | value: each side's keys are sorted
    (the pairs are in order and each array is sorted) and unique, so the sort is one merge of
    two runs, and a key equal to the one before it is in both arrays of its pair. Why the
    values and not their positions: every caller wants the values, and a sort of the keys
    alone costs less than the argsort positions need.
    """
    keys = np.concatenate([_pair_keys(left), _pair_keys(right)])
    keys.sort(kind="stable")  # timsort: a merge of the two sorted runs
    shared = keys[1:][keys[1:] == keys[:-1]]
    pair: I64 = (shared >> np.uint64(32)).astype(np.int64)
    values: U32 = shared.astype(np.uint32)  # the low 32 bits
    return pair, values


def _shared_counts(left: Sequence[U32], right: Sequence[U32]) -> I64:
    """How many values each pair (left[p], right[p]) of sorted unique arrays shares."""
    counts: I64 = np.bincount(shared_by_pair(left, right)[0], minlength=len(left))
    return counts


def _pair_keys(arrays: Sequence[U32]) -> U64:
    if not arrays:
        return _NO_U64
    keys: U64 = np.repeat(np.arange(len(arrays), dtype=np.uint64), _sizes(arrays)) << np.uint64(32)
    keys |= np.concatenate(arrays).astype(np.uint64)
    return keys


def _sizes(arrays: Sequence[npt.NDArray[Any]]) -> I64:
    return np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))


def _read_many(items: Sequence[T], positions: Sequence[int]) -> list[T]:
    """`items[i] for i in positions`, read a run at a time where `items` (or what a selection
    of it was taken from) is held on disk (`dedupe.spill.ByPosition.read_many`)."""
    if isinstance(items, ByPosition):
        return items.read_many(positions)
    return [items[i] for i in positions]


def near_signatures(shingles: Sequence[U32], config: DedupeConfig, jobs: int = 1) -> U32:
    """MinHash signatures (uint32) of many shingle-hash arrays, `SIGNATURE_BATCH` documents per
    `minhash_batch` call, so the concatenated hashes stay small whatever the corpus size; in
    `jobs` forked processes (`fork_rows`)."""

    def batch(lo: int, hi: int) -> U32:
        out: U32 = np.empty((hi - lo, config.num_perm), dtype=np.uint32)
        for start in range(lo, hi, SIGNATURE_BATCH):
            chunk = _read_many(shingles, range(start, min(start + SIGNATURE_BATCH, hi)))
            offsets = np.zeros(len(chunk) + 1, dtype=np.int64)
            np.cumsum([k.size for k in chunk], out=offsets[1:])
            flat = np.concatenate(chunk)
            out[start - lo : start - lo + len(chunk)] = minhash_batch(
                flat, offsets, config.num_perm, config.seed
            )
        return out

    signatures: U32 = fork_rows(batch, len(shingles), jobs, PARALLEL_LEAST, SIGNATURE_SLICE)
    return signatures


def candidates(features: _Features, config: DedupeConfig, jobs: int = 1) -> tuple[Pairs, Stats]:
    """Pairs (i < j) worth an exact check, sorted, as an (m, 2) array, and counts of how they
    were found.

    Exact copies are starred to their first copy. Near candidates come from word-shingle MinHash
    LSH with datasketch's (bands, rows) for `near_threshold`. Story candidates come from weighted
    MinHash with one row per band over each document's words in at most `story_max_bucket`
    documents (`signable_words`), common buckets skipped and each document's `story_top_k`
    partners sharing the most bands kept (see `dedupe.lsh`), so they number at most
    `story_top_k * n`. Pairs are gathered as int64 codes `i * n + j`, not as a set of tuples.
    """
    stats: Stats = {}
    n = len(features.exact)
    codes: list[I64] = []
    if config.exact:
        first: dict[int, int] = {}
        exact: list[int] = []
        for i, key in enumerate(features.exact):
            if key in first:
                exact.append(first[key] * n + i)  # a star to the first copy: exact is transitive
            else:
                first[key] = i
        del first
        codes.append(np.array(exact, dtype=np.int64))
        stats["candidates_exact"] = len(exact)
    if config.near:
        usable = np.flatnonzero(features.shingles.sizes())
        if usable.size >= 2:
            near_sigs = near_signatures(Selection(features.shingles, usable.tolist()), config, jobs)
            bands, rows = optimal_params(config.near_threshold, config.num_perm, NEAR_RECALL_WEIGHT)
            found = bucket_collisions(near_sigs, bands, rows, config.near_max_bucket, "star")
            del near_sigs
            codes.append(_pair_codes(usable, found.pairs, n))
            stats["candidates_near"] = int(found.pairs.shape[0])
            stats["near_buckets_starred"] = found.oversized
    if config.story:
        usable = np.flatnonzero(features.signable_counts())

        def story_signatures(columns: list[int]) -> npt.NDArray[np.uint64]:
            def rows(lo: int, hi: int) -> npt.NDArray[np.uint64]:
                keys, weights, offsets = features.story_signature_inputs(usable[lo:hi])
                return weighted_minhash_batch(
                    keys, weights, offsets, config.num_perm, config.seed, columns
                )

            return fork_rows(rows, usable.size, jobs, PARALLEL_LEAST, SIGNATURE_SLICE)

        if usable.size >= 2:
            buckets = small_buckets_by_slabs(
                usable.size,
                config.num_perm,
                config.story_max_bucket,
                config.story_max_depth,
                story_signatures,
                story_signature_bands(usable.size, config.num_perm),
            )
            top = top_k_of_buckets(buckets, config.story_top_k, jobs=jobs)
            del buckets
            codes.append(_pair_codes(usable, top.pairs, n))
            stats["story_collisions"] = top.collisions
            stats["candidates_story"] = int(top.pairs.shape[0])
            stats["story_buckets_skipped"] = top.oversized
            warn_story_buckets_skipped(top.oversized, config)
        if config.story_rare_df:
            rare = rare_word_pairs(features.story_terms, features.story_df, config.story_rare_df)
            codes.append(rare[:, 0] * n + rare[:, 1])
            stats["candidates_story_rare"] = int(rare.shape[0])
    unique_codes = unique(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    pairs: Pairs = np.stack([unique_codes // max(n, 1), unique_codes % max(n, 1)], axis=1)
    return pairs, stats


def story_signature_bands(documents: int, num_perm: int) -> int:
    """How many story signature columns `candidates` computes at a time for `documents`: all
    of them while they take at most STORY_SIGNATURE_BYTES (8 bytes a value), else as many as
    fit (at least one).

    >>> story_signature_bands(50_000, 128), story_signature_bands(561_997, 128)
    (128, 37)
    """
    fit = STORY_SIGNATURE_BYTES // max(8 * documents, 1)
    return max(1, min(num_perm, fit))


def warn_story_buckets_skipped(count: int, config: DedupeConfig) -> None:
    """Say how many story buckets were too common to use, whichever engine bucketed them."""
    if count:
        logger.warning(
            "dedupe: %d story LSH buckets held more than %d documents (split by up to %d "
            "bands) and were skipped: words too common to mark one story",
            count,
            config.story_max_bucket,
            config.story_max_depth,
        )


def _pair_codes(usable: I64, pairs: Pairs, n: int) -> I64:
    """Codes `i * n + j` of `pairs` given as positions in `usable` (increasing, so i < j)."""
    codes: I64 = usable[pairs[:, 0]] * n
    codes += usable[pairs[:, 1]]
    return codes


def _cluster_id(member_ids: list[str]) -> str:
    digest = hashlib.blake2b("\0".join(sorted(member_ids)).encode(), digest_size=6).hexdigest()
    return f"c{digest}"


def subset(docs: Sequence[Document], positions: list[int]) -> Sequence[Document]:
    """`docs[i] for i in positions`: a list when `docs` is one (what a library caller passed
    and expects back), else a view, so documents held on disk are not all loaded at once."""
    if isinstance(docs, list):
        return [docs[i] for i in positions]
    return Selection(docs, positions)


@overload
def find_duplicates(
    docs: Sequence[Document],
    config: DedupeConfig = ...,
    features: Sequence[DocumentFeatures | None] | None = ...,
    jobs: int = ...,
    temp_dir: Path | None = ...,
) -> DedupeResult[Document]: ...


@overload
def find_duplicates(
    docs: Rows,
    config: DedupeConfig = ...,
    features: Sequence[DocumentFeatures | None] | None = ...,
    jobs: int = ...,
    temp_dir: Path | None = ...,
) -> DedupeResult[Record]: ...


def find_duplicates(
    docs: Any,
    config: DedupeConfig = DedupeConfig(),
    features: Sequence[DocumentFeatures | None] | None = None,
    jobs: int = 1,
    temp_dir: Path | None = None,
) -> DedupeResult[Any]:
    """Find exact, near and same-story duplicates; keep one document per cluster.

    `features[i]`, where given, must be `document_features(docs[i], config.seed)`, computed
    earlier (in parallel); a None entry, or no list, is computed here. A list given is emptied,
    and a sequence with a `close()` (`FeatureSpill`) closed, once consumed, so its hashes are
    not held twice over the run. `jobs` > 1 computes both tiers' signatures, ranks the story
    candidates and checks the candidate pairs in that many forked processes
    (`dedupe.parallel`); the result does not depend on it. Word-shingle hashes past 16 MB wait
    in a temporary file in `temp_dir` (`dedupe.spill`; the system's temporary folder if None).

    >>> a = Record("a", "The council voted to close the old bridge on Monday.")
    >>> b = Record("b", "the council voted to close the old bridge on monday")
    >>> result = find_duplicates([a, b])
    >>> [d.doc.id for d in result.duplicates], result.duplicates[0].tier
    (['b'], 'exact')
    """
    docs = as_records(docs)  # a table or dicts as `Record`s; documents as they are
    # one read of each document's head (they may be on disk: the run's document store gives
    # heads without reading the rest), for its place in the canonical order, its id and its
    # length (the keeper rule's)
    keys: list[tuple[str, int, str, int]] = []
    lengths: list[int] = []
    for i, (source, line, doc_id, length) in enumerate(
        docs.heads() if isinstance(docs, KnowsHeads) else map(head, docs)
    ):
        keys.append((source, line, doc_id, i))
        lengths.append(length)
    if len(keys) != len(docs):
        raise ValueError(f"{len(keys)} document heads for {len(docs)} documents")
    order = [i for *_, i in sorted(keys)]
    ranked_ids = [keys[i][2] for i in order]
    del keys
    ranked = subset(docs, order)
    given = features or [None] * len(docs)
    if len(given) != len(docs):
        raise ValueError(f"features has {len(given)} entries for {len(docs)} documents")
    parts = _ordered_features(docs, given, order, config.seed)
    collection = _features(parts, temp_dir, config)
    # consumed: the hashes given are not held past `_features`
    if isinstance(features, list):
        features.clear()
    elif callable(getattr(features, "close", None)):
        features.close()  # type: ignore[union-attr]
    del given
    try:
        pairs, stats = candidates(collection, config, jobs)
        ranked_lengths = [lengths[i] for i in order]
        return verify_and_cluster(
            docs, ranked, order, collection, pairs, stats, config, jobs, ranked_lengths, ranked_ids
        )
    finally:
        collection.shingles.close()


def verify_and_cluster(
    docs: Sequence[Document],
    ranked: Sequence[Document],
    order: Sequence[int],
    features: _Features,
    pairs: Sequence[tuple[int, int]] | Pairs,
    stats: dict[str, int],
    config: DedupeConfig,
    jobs: int = 1,
    lengths: Sequence[int] | None = None,
    ids: Sequence[str] | None = None,
) -> DedupeResult[Document]:
    """Check every candidate pair exactly, build keeper-verified clusters, and report.

    The one place where candidates become duplicates, whichever engine found the candidates
    (this process, or Ray's band-key groupbys), so both give the same result. `pairs` are
    sorted and unique, as (i, j) tuples or an (m, 2) array. `lengths`, where the caller has
    them, are the texts' lengths of `ranked`, and `ids` its ids, so its documents are not read
    again for them.
    """
    array = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    n = len(features.exact)
    checker = _Checker(features, config, array[:, 0] * n + array[:, 1])

    def verified(lo: int, hi: int) -> list[tuple[int, int, Check]]:
        return checker.verify(array[lo:hi])

    edges: dict[tuple[int, int], Check] = {}
    for part in fork_map(verified, int(array.shape[0]), jobs, least=PARALLEL_LEAST):
        edges.update(((i, j), check) for i, j, check in part)
    checker.checks = int(array.shape[0])  # one check per candidate, wherever it ran
    stats["candidates"] = int(array.shape[0])
    stats["verified"] = len(edges)
    logger.info(
        "dedupe: %d documents, %d candidate pairs, %d verified",
        len(docs),
        array.shape[0],
        len(edges),
    )
    groups, group_stats = build_groups(
        len(ranked),
        edges,
        checker.check_many,
        checker.story_joins,
        [len(d.text) for d in ranked] if lengths is None else lengths,
        config.max_cluster_size,
    )
    stats.update(group_stats)
    stats["checks"] = checker.checks
    result = _result(docs, ranked, order, groups, ids)
    result.stats = dict(sorted(stats.items()))
    return result


def _result(
    docs: Sequence[Document],
    ranked: Sequence[Document],
    order: Sequence[int],
    groups: list[Group],
    ids: Sequence[str] | None = None,
) -> DedupeResult[Document]:
    """The kept documents, the duplicates and the clusters. Where `ids` (of `ranked`) are
    given, only the documents dropped are read (the duplicates hold them); otherwise each
    member of a cluster is read once: the documents may be on disk (the run's store)."""
    dropped_at: dict[int, Duplicate[Document]] = {}
    clusters: list[Cluster] = []
    for g in groups:
        if ids is None:
            members = {i: ranked[i] for i in g.members}
            id_of = {i: doc.id for i, doc in members.items()}
        else:
            members = {i: ranked[i] for i in g.dropped}
            id_of = {i: ids[i] for i in g.members}
        keeper = id_of[g.keeper]
        clusters.append(
            Cluster(
                id=_cluster_id([id_of[i] for i in g.members]),
                keeper=keeper,
                members=[id_of[i] for i in g.members],
                tier=g.tier,
                similarities={id_of[i]: round(s, 6) for i, s in g.similarities.items()},
            )
        )
        for i, found in g.dropped.items():
            assert found.tier is not None
            dropped_at[order[i]] = Duplicate(
                members[i], keeper, found.tier, round(found.similarity, 6)
            )
    kept = subset(docs, [pos for pos in range(len(docs)) if pos not in dropped_at])
    duplicates = [dropped_at[pos] for pos in sorted(dropped_at)]
    return DedupeResult(kept=kept, duplicates=duplicates, clusters=clusters)


def pair_signals(
    docs: Sequence[HasText],
    pairs: Sequence[tuple[str, str]],
    config: DedupeConfig,
    given: Sequence[DocumentFeatures | None] | None = None,
) -> F64:
    """The calibrated score's signals (`dedupe.story_score.PAIR_SIGNALS`) of pairs of documents
    given by id, with word rarity from the whole of `docs`, as a run over `docs` measures them:
    what `benchmarks/fit_story_score.py` fits the model on, and what tests print. `given[i]`,
    where not None, stands for `docs[i]`'s features, as in `find_duplicates` (a run's
    features with its recurring lines masked)."""
    config = replace(config, story_model="shipped") if config.story_model == "off" else config
    each: list[DocumentFeatures | None] = list(given) if given is not None else [None] * len(docs)
    missing = [i for i, found in enumerate(each) if found is None]
    for i, found in zip(missing, features_of([docs[i] for i in missing], config.seed), strict=True):
        each[i] = found
    features = _features([found for found in each if found is not None], None, config)
    try:
        at = {doc.id: i for i, doc in enumerate(docs)}
        array = np.array([(at[a], at[b]) for a, b in pairs], dtype=np.int64).reshape(-1, 2)
        # measured without the model: the one being fitted may not exist yet
        off = replace(config, story_model="off", story_rescue=0.0)
        checker = _Checker(features, off, np.empty(0, np.int64))
        return checker.story_signals(array[:, 0], array[:, 1])
    finally:
        features.shingles.close()
