"""Scoring a splitter against true article boundaries (character spans, end exclusive).

A predicted article matches a true one when their overlap covers at least `min_overlap` of the
longer of the two spans; matching is one-to-one, so an article split in two scores one match at
most and a false boundary costs precision.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cleaners.document import Document

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class SplitScore:
    precision: float
    recall: float
    f1: float
    matched: int
    predicted: int
    truth: int


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_split(truth: list[Span], predicted: list[Span], min_overlap: float = 0.9) -> SplitScore:
    """Boundary precision/recall/F1 of `predicted` spans against `truth`.

    >>> score_split([(0, 100), (101, 200)], [(0, 100), (101, 150), (151, 200)])
    SplitScore(precision=0.3333333333333333, recall=0.5, f1=0.4, matched=1, predicted=3, truth=2)
    """
    matched = 0
    used: set[int] = set()
    ordered = sorted(range(len(predicted)), key=lambda i: predicted[i])
    for start, end in sorted(truth):
        for i in ordered:
            if i in used:
                continue
            p_start, p_end = predicted[i]
            if p_start >= end:
                break
            overlap = min(end, p_end) - max(start, p_start)
            longer = max(end - start, p_end - p_start, 1)
            if overlap >= min_overlap * longer:
                used.add(i)
                matched += 1
                break
    precision = matched / len(predicted) if predicted else 0.0
    recall = matched / len(truth) if truth else 0.0
    return SplitScore(
        precision, recall, _f1(precision, recall), matched, len(predicted), len(truth)
    )


def line_offsets(text: str) -> list[int]:
    """Character offset at which each (1-based) line starts; index 0 is unused."""
    offsets = [0, 0]
    for match in re.finditer("\n", text):
        offsets.append(match.end())
    return offsets


def predict_spans(text: str, split: Callable[[str, str], Iterable[Document]]) -> list[Span]:
    """Character spans of the documents `split` finds: first line start to last line end."""
    offsets = line_offsets(text)
    spans = []
    for doc in split(text, "<eval>"):
        first, last = doc.lines
        start = offsets[first]
        end = offsets[last + 1] - 1 if last + 1 < len(offsets) else len(text)
        spans.append((start, end))
    return spans


def blank_line_baseline(text: str) -> list[Span]:
    """The naive splitter: every blank-line-separated block is an article.

    >>> blank_line_baseline("a\\nb\\n\\nc\\n")
    [(0, 3), (5, 6)]
    """
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text)]
