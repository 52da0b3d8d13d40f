"""Scoring a splitter against true article boundaries (character spans, end exclusive).

A predicted article matches a true one when their overlap covers at least `min_overlap` of the
longer of the two spans; matching is one-to-one, so an article split in two scores one match at
most, and a false boundary costs precision as well as recall.

Spans are compared on their text only: both sides are trimmed of surrounding whitespace in the
dump first. The labelled dev sets give spans from the first to the last character of an
article (no line breaks around it), except that an article with an empty title starts at its
empty title line; trimming makes both conventions, and a splitter that keeps indentation, score
the same.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cleaners.document import Document

Span = tuple[int, int]
logger = logging.getLogger(__name__)
LINE_END = re.compile(r"\r\n|\r|\n")  # as `cleaners.split` counts lines


@dataclass(frozen=True, slots=True)
class SplitScore:
    """Boundary precision, recall and F1, with the counts they come from."""

    precision: float
    recall: float
    f1: float
    matched: int
    predicted: int
    truth: int


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def trim_span(text: str, span: Span) -> Span:
    """The span without the whitespace at either end (an all-blank span becomes empty).

    >>> trim_span("  ab \\n", (0, 6))
    (2, 4)
    >>> trim_span("a \\n b", (1, 4))
    (4, 4)
    """
    start, end = span
    if not text:  # no text to look at (the transitional call without it): spans as given
        return span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def score_split(
    dump_text: str, truth: list[Span], predicted: list[Span], min_overlap: float = 0.9
) -> SplitScore:
    """Boundary precision/recall/F1 of `predicted` article spans against `truth`.

    Each true span (in order) takes the first unused predicted span overlapping it by at least
    `min_overlap` of the longer of the two. Spans that are blank after trimming are ignored.

    >>> dump = "a" * 100 + "\\n" + "b" * 99
    >>> score_split(dump, [(0, 100), (101, 200)], [(0, 100), (101, 150), (151, 200)])
    SplitScore(precision=0.3333333333333333, recall=0.5, f1=0.4, matched=1, predicted=3, truth=2)
    """
    if not 0 < min_overlap <= 1:
        raise ValueError(f"min_overlap must be in (0, 1], got {min_overlap}")
    true_spans = sorted(s for s in (trim_span(dump_text, t) for t in truth) if s[1] > s[0])
    guesses = sorted(s for s in (trim_span(dump_text, p) for p in predicted) if s[1] > s[0])
    matched = 0
    first_open = 0  # guesses before this index end before every remaining true span starts
    used = [False] * len(guesses)
    for start, end in true_spans:
        while first_open < len(guesses) and guesses[first_open][1] <= start:
            first_open += 1
        for i in range(first_open, len(guesses)):
            p_start, p_end = guesses[i]
            if p_start >= end:
                break
            if used[i]:
                continue
            overlap = min(end, p_end) - max(start, p_start)
            if overlap >= min_overlap * max(end - start, p_end - p_start):
                used[i] = True
                matched += 1
                break
    precision = matched / len(guesses) if guesses else 0.0
    recall = matched / len(true_spans) if true_spans else 0.0
    return SplitScore(
        precision, recall, _f1(precision, recall), matched, len(guesses), len(true_spans)
    )


def line_offsets(text: str) -> list[int]:
    """Character offset at which each 1-based line starts (index 0 unused), plus the end.

    >>> line_offsets("ab\\r\\nc\\rd")
    [0, 0, 4, 6, 7]
    """
    return [0, 0, *(m.end() for m in LINE_END.finditer(text)), len(text)]


def predict_spans(dump_text: str, split_fn: Callable[[str, str], Iterable[Document]]) -> list[Span]:
    """Character spans of the documents `split_fn` finds, trimmed like the truth.

    A document covers its source lines `lines[0]..lines[1]`; the span runs from the first
    non-blank character of the first line to the last non-blank character of the last.

    >>> from cleaners.split import split_dump
    >>> predict_spans("Harbour board approves new ferry terminal\\n\\nIt did.\\n", split_dump)
    [(0, 50)]
    """
    offsets = line_offsets(dump_text)
    spans = []
    for doc in split_fn(dump_text, "<eval>"):
        first, last = doc.lines
        end = offsets[last + 1] if last + 1 < len(offsets) else len(dump_text)
        spans.append(trim_span(dump_text, (offsets[first], end)))
    return spans


def blank_line_baseline(dump_text: str) -> list[Span]:
    """The naive splitter: every blank-line-separated block is an article.

    >>> blank_line_baseline("a\\nb\\n\\n \\nc\\n")
    [(0, 3), (7, 8)]
    """
    spans: list[Span] = []
    offsets = line_offsets(dump_text)
    block_start: int | None = None
    for number in range(1, len(offsets) - 1):
        line = dump_text[offsets[number] : offsets[number + 1]]
        if line.strip() and block_start is None:
            block_start = offsets[number]
        elif not line.strip() and block_start is not None:
            spans.append(trim_span(dump_text, (block_start, offsets[number])))
            block_start = None
    if block_start is not None:
        spans.append(trim_span(dump_text, (block_start, len(dump_text))))
    return spans
