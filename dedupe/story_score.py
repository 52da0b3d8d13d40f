"""The calibrated same-story score: word rarity with a global prior, and a logistic model over
the signals a reader uses to tell that two articles report one event.

* **Word rarity (`story_idf`)** is a word's share of news articles: the prior's (wordfreq's
  frequency of the word in many corpora, English, turned into the share of articles of
  `PRIOR_DOC_WORDS` words that hold it) or, when larger, the run's count of documents holding
  it out of a fixed `REFERENCE_DOCS`. Why: a run's IDF alone says a word is rare when the run
  is small (in ten articles every name and every template word is "rare"), and a share of the
  run's documents changes a word's weight whenever articles on other events are added, so a
  threshold fitted on 120 articles meant something else among thousands. Here a word weighs the
  same in ten articles as in a million unless the run itself holds it in many documents.
* **Signals (`PAIR_SIGNALS`)**, measured for each candidate pair by `dedupe.core._Checker`:
  the IDF-weighted cosine of the two content-word sets, the same overlap over the smaller text
  (containment: a short report inside a long one), how many content words they share, the share
  of names (capitalised words inside a sentence) of the text naming fewer, how many numbers of
  two to four digits (years, counts, scores) they share, and their word 5-gram Jaccard.
* **Score (`StoryModel`)**: a logistic regression over those signals, fitted on the labelled
  dev pairs by `benchmarks/fit_story_score.py` and shipped as `dedupe/story_score.json`; applied
  here with numpy alone. Its output is probability-like: a pair is a same-story duplicate at
  `DedupeConfig.story_probability` (0.5), whatever the collection's size.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat
from pathlib import Path

import numpy as np
import numpy.typing as npt
import xxhash

from dedupe.arrays import unique
from dedupe.shingles import hash_tokens

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

# wordfreq languages of the prior: English, the language of the dev sets the score is fitted
# on. More lists would make words common in another language (German "die", "hat") weigh little
# in English text; a per-document language is not known to dedupe.
PRIOR_LANGUAGES = ("en",)
# A word the run holds in many documents is common in this run whatever the prior says (a
# topic's names in a dump about one topic). Its count is read against a fixed number of
# articles, not against the run's size: one event is reported by a bounded number of articles,
# so a word in a hundred of them is as common as "the" in any run, and articles on other events
# added to a run change no word's weight (read against the run's size, a topic's words grow
# rarer, and its articles on other events more alike, as unrelated articles are added).
# A run of fewer articles counts against its own size: a name in five of ten is common there.
# Chosen by leave-one-set-out F1 of the sets alone and among 5,636 other articles
# (benchmarks/bench_story_drift.py; 25 to 200 and floors 0.005 to 0.02 in docs/quality.md).
REFERENCE_DOCS = 100
# The least share a word is given: a name seen once, or a word the prior does not know, is as
# rare as a word in one article of a hundred, not infinitely rare.
SHARE_FLOOR = 0.01
# Words of a typical news article: a word of frequency f is in 1 - exp(-PRIOR_DOC_WORDS * f) of
# them (a Poisson count). The dev sets' articles hold a median of 400-700 words.
PRIOR_DOC_WORDS = 500.0
# Numbers counted as shared numbers: every string of two to four digits (one-digit numbers are
# not content words); "2019", "52", "1,200" -> "1" and "200".
NUMBER_DIGITS = (2, 3, 4)
# Numbers read as years (start, stop): reports of other events of one week share them, so a
# figure that tells one event from another is a number other than these.
YEARS = (1900, 2100)

PAIR_SIGNALS = (
    "cosine",
    "containment",
    "shared_words",
    "names",
    "numbers",
    "jaccard",
    "words",
)
MODEL_FILE = Path(__file__).with_name("story_score.json")


@lru_cache(maxsize=4)
def prior_table(seed: int) -> tuple[U64, F64]:
    """The prior's words as sorted seeded xxh3-64 hashes (as `dedupe.shingles.hash_tokens`
    hashes content words) and the share of news articles expected to hold each."""
    import wordfreq  # a dependency; imported here so `import dedupe` stays quick

    # wordfreq's lists as they are stored, buckets of words a centibel apart (its
    # `get_frequency_dict` gives bucket k's words the frequency 10 ** (-k / 100)), so the
    # values are one numpy expression instead of a dict built word by word: 0.2-0.5 s of
    # every run's dedupe stage before
    words: list[str] = []
    parts: list[F64] = []
    for language in PRIOR_LANGUAGES:
        buckets = wordfreq.get_frequency_list(language, wordlist="best")
        sizes = np.fromiter(map(len, buckets), dtype=np.int64, count=len(buckets))
        words.extend(chain.from_iterable(buckets))
        # each bucket's value as wordfreq computes it (Python's pow; numpy's may differ in
        # the last bit), then repeated over its words
        bucket_values = np.array([10 ** (-k / 100) for k in range(len(buckets))])
        parts.append(np.repeat(bucket_values, sizes))
    values = np.concatenate(parts)
    hashes = np.fromiter(
        map(xxhash.xxh3_64_intdigest, (w.encode("utf-8") for w in words), repeat(seed)),
        dtype=np.uint64,
        count=len(words),
    )
    # by hash, then value: a word in two languages (or a hash collision) keeps the larger
    order = np.lexsort((values, hashes))
    hashes, values = hashes[order], values[order]
    keep = np.append(hashes[1:] != hashes[:-1], True)
    shares: F64 = -np.expm1(-PRIOR_DOC_WORDS * values[keep])
    return hashes[keep], shares


def prior_shares(vocab: U64, seed: int) -> F64:
    """For each word hash of the sorted `vocab`, the prior's share of articles holding it (0.0
    for a word the prior does not know: a name, a number, a misspelling)."""
    hashes, shares = prior_table(seed)
    out: F64 = np.zeros(vocab.size, dtype=np.float64)
    if not vocab.size:
        return out
    at = np.searchsorted(hashes, vocab)
    at[at == hashes.size] = 0
    hit = hashes[at] == vocab
    out[hit] = shares[at[hit]]
    return out


def story_idf(vocab: U64, df: I64, n: int, seed: int, power: float) -> F64:
    """Each vocabulary word's rarity: -ln of the share of articles holding it, plus one, to
    `power`. The share is the prior's, or, when larger, the run's documents holding the word
    besides one out of `REFERENCE_DOCS` (out of `n`, a run smaller than that); never under
    `SHARE_FLOOR`.

    >>> vocab = np.array(sorted(xxhash.xxh3_64_intdigest(w, 1) for w in (b"the", b"zorblat")),
    ...                  dtype=np.uint64)
    >>> idf = story_idf(vocab, np.array([1, 1]), 10, 1, 1.0)
    >>> float(idf.min()) < 1.1 < 5.0 < float(idf.max())  # "the" common, the unknown word rare
    True
    """
    run = (df - 1) / min(max(n, 1), REFERENCE_DOCS)
    shares = np.clip(np.maximum(prior_shares(vocab, seed), run), SHARE_FLOOR, 1.0)
    idf: F64 = ((1.0 - np.log(shares)) ** power).astype(np.float64)
    return idf


@lru_cache(maxsize=4)
def number_hashes(seed: int) -> U64:
    """Sorted seeded hashes of every string of `NUMBER_DIGITS` digits."""
    numbers = (f"{value:0{digits}d}" for digits in NUMBER_DIGITS for value in range(10**digits))
    return _hashes(numbers, seed)


@lru_cache(maxsize=4)
def year_hashes(seed: int) -> U64:
    """Sorted seeded hashes of the years `YEARS` spans, as text ("1987", "2024")."""
    return _hashes((str(year) for year in range(*YEARS)), seed)


def _hashes(words: Iterable[str], seed: int) -> U64:
    return unique(hash_tokens(words, seed))


def number_words(vocab: U64, seed: int) -> Mask:
    """Which words of the sorted `vocab` are numbers of two to four digits."""
    return _among(vocab, number_hashes(seed))


def year_words(vocab: U64, seed: int) -> Mask:
    """Which words of the sorted `vocab` are years (`YEARS`)."""
    return _among(vocab, year_hashes(seed))


def _among(vocab: U64, hashes: U64) -> Mask:
    if not vocab.size:
        return np.zeros(0, dtype=np.bool_)
    at = np.searchsorted(hashes, vocab)
    at[at == hashes.size] = 0
    found: Mask = hashes[at] == vocab
    return found


@dataclass(frozen=True)
class StoryModel:
    """A fitted logistic regression over `PAIR_SIGNALS` (standardised by `mean` and `scale`)."""

    mean: F64
    scale: F64
    coef: F64
    intercept: float

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> StoryModel:
        return _load(str(path))

    def probability(self, signals: F64) -> F64:
        """The same-story probability of each row of `signals` (columns as `PAIR_SIGNALS`).

        >>> m = StoryModel(np.zeros(2), np.ones(2), np.array([1.0, -1.0]), 0.0)
        >>> m.probability(np.array([[0.0, 0.0], [5.0, 0.0]])).round(3).tolist()
        [0.5, 0.993]
        """
        standard = (signals - self.mean) / self.scale
        # column by column, in a fixed order: a matrix product sums in an order that depends
        # on the number of rows, so a pair scored in one batch or another would differ in its
        # last bit, and a run's output with --jobs
        z = np.full(signals.shape[0], self.intercept, dtype=np.float64)
        for k in range(standard.shape[1]):
            z += standard[:, k] * self.coef[k]
        p: F64 = 1.0 / (1.0 + np.exp(-z))
        return p

    def to_json(self, extra: dict[str, object]) -> str:
        payload = {
            "signals": list(PAIR_SIGNALS),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": round(self.intercept, 6),
            **extra,
        }
        return json.dumps(payload, indent=1) + "\n"


@lru_cache(maxsize=4)
def _load(path: str) -> StoryModel:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if list(data["signals"]) != list(PAIR_SIGNALS):
        raise ValueError(
            f"{path} scores the signals {data['signals']}, this version measures "
            f"{list(PAIR_SIGNALS)}: refit it with benchmarks/fit_story_score.py"
        )
    return StoryModel(
        np.array(data["mean"], dtype=np.float64),
        np.array(data["scale"], dtype=np.float64),
        np.array(data["coef"], dtype=np.float64),
        float(data["intercept"]),
    )
