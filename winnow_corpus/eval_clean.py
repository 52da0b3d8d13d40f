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


def aggregate(scores: Sequence[TokenScore]) -> TokenScore:
    """The set's score: the macro mean over cases (`mean_score`), as the article-extraction
    benchmark reports it, so that every page counts once however long it is.

    >>> aggregate([TokenScore(1.0, 1.0, 1.0), TokenScore(0.0, 0.0, 0.0)]).f1
    0.5
    """
    return mean_score(scores)


def micro_score(pairs: Sequence[tuple[str, str]]) -> TokenScore:
    """Micro average over (kept, reference) pairs: all tokens pooled, so long pages weigh more.

    >>> micro_score([("a b", "a b"), ("c", "d e f")])
    TokenScore(precision=0.666666666667, recall=0.4, f1=0.5)
    """
    overlap = n_got = n_want = 0
    for kept, reference in pairs:
        got, want = tokens(kept), tokens(reference)
        overlap += sum((got & want).values())
        n_got += sum(got.values())
        n_want += sum(want.values())
    if n_got == 0 and n_want == 0:
        return TokenScore(1.0, 1.0, 1.0)
    precision = overlap / n_got if n_got else 0.0
    recall = overlap / n_want if n_want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TokenScore(round(precision, 12), round(recall, 12), round(f1, 12))


def removals_all_right(raw: str, line_labels: Sequence[int], removed: Sequence[str]) -> bool:
    """Whether every removed text stood only on lines labelled boilerplate (label 0).

    A removal is wrong when its text (stripped) is a whole line labelled content (label 1). Span
    removals (a dateline cut off a paragraph) are not judged: labels are per line.

    >>> removals_all_right("Menu\\nThe vote passed.", [0, 1], ["Menu"])
    True
    >>> removals_all_right("Menu\\nThe vote passed.", [0, 1], ["The vote passed."])
    False
    """
    lines = raw.split("\n")
    content = {line.strip() for line, label in zip(lines, line_labels, strict=False) if label}
    return not any(text.strip() in content for text in removed if text.strip())


def share_all_right(outcomes: Sequence[bool]) -> float:
    """Share of cases whose removals are all right (1.0 for no cases).

    >>> share_all_right([True, True, False, True])
    0.75
    """
    return sum(outcomes) / len(outcomes) if outcomes else 1.0
