"""Scoring cleaned text against a clean reference, as web-extraction benchmarks do.

Token precision/recall/F1 over the bag (multiset) of lower-cased word tokens: order and line
breaks do not count, every extra token kept costs precision and every reference token lost
costs recall. Scores are averaged over cases (macro), so a long page does not outweigh a short
one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import regex as re

TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class TokenScore:
    precision: float
    recall: float
    f1: float


def tokens(text: str) -> Counter[str]:
    """The multiset of lower-cased word tokens.

    >>> sorted(tokens("The cat, the HAT.").items())
    [('cat', 1), ('hat', 1), ('the', 2)]
    """
    return Counter(t.lower() for t in TOKEN.findall(text))


def score_clean(kept: str, reference: str) -> TokenScore:
    """Bag-of-words precision, recall and F1 of `kept` against `reference`.

    >>> score_clean("a b c d", "a b c e")
    TokenScore(precision=0.75, recall=0.75, f1=0.75)
    >>> score_clean("", "")
    TokenScore(precision=1.0, recall=1.0, f1=1.0)
    """
    got, want = tokens(kept), tokens(reference)
    overlap = sum((got & want).values())
    n_got, n_want = sum(got.values()), sum(want.values())
    if n_got == 0 and n_want == 0:
        return TokenScore(1.0, 1.0, 1.0)
    precision = overlap / n_got if n_got else 0.0
    recall = overlap / n_want if n_want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TokenScore(precision, recall, f1)


def mean_score(scores: Sequence[TokenScore]) -> TokenScore:
    """Macro average over cases.

    >>> mean_score([TokenScore(1.0, 0.5, 0.6), TokenScore(0.5, 1.0, 0.8)])
    TokenScore(precision=0.75, recall=0.75, f1=0.7)
    """
    if not scores:
        return TokenScore(0.0, 0.0, 0.0)
    n = len(scores)
    return TokenScore(
        round(sum(s.precision for s in scores) / n, 12),
        round(sum(s.recall for s in scores) / n, 12),
        round(sum(s.f1 for s in scores) / n, 12),
    )
