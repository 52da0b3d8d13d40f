"""Scoring cleaned text against a clean reference, as web-extraction benchmarks do.

Token precision/recall/F1 over the bag (multiset) of lower-cased word tokens: order and line
breaks do not count, every extra token kept costs precision and every reference token lost
costs recall. Scores are averaged over cases (macro), so a long page does not outweigh a short
one.

Snippets, as trafilatura scores itself: a case names text that must stay (`with`) and text that
must go (`without`); a snippet counts only if it occurs in the page's raw text, and it is found
in the kept text after `snippet_norm` (NFKC, typographic quotes and dashes folded, whitespace
collapsed, lower-cased). A `with` snippet found is a true positive, one lost a false negative, a
`without` snippet found a false positive; precision, recall and F1 over the counts pooled over
cases (`SnippetCounts`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
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


# Typographic quotes and dashes fold to their ASCII forms before snippets are compared.
FOLD = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def snippet_norm(text: str) -> str:
    """Text as snippets are compared: NFKC, quotes and dashes folded, whitespace collapsed,
    lower-cased.

    >>> snippet_norm("  \u201cFerry\u201d  fares \u2013\\nUP\uff01 ")
    '"ferry" fares - up!'
    """
    folded = unicodedata.normalize("NFKC", text).translate(FOLD)
    return " ".join(folded.split()).lower()  # split(): the whitespace of str.isspace


@dataclass(frozen=True, slots=True)
class SnippetCounts:
    """Snippets of one or more cases: `with` ones kept (TP) and lost (FN), `without` ones kept
    (FP) and removed (TN). Snippets that the raw text lacks are not counted."""

    with_kept: int = 0
    with_lost: int = 0
    without_kept: int = 0
    without_removed: int = 0

    def __add__(self, other: SnippetCounts) -> SnippetCounts:
        return SnippetCounts(
            self.with_kept + other.with_kept,
            self.with_lost + other.with_lost,
            self.without_kept + other.without_kept,
            self.without_removed + other.without_removed,
        )

    @property
    def precision(self) -> float:
        """Share of the kept snippets that should stay (0 when none is kept)."""
        kept = self.with_kept + self.without_kept
        return self.with_kept / kept if kept else 0.0

    @property
    def recall(self) -> float:
        """Share of the `with` snippets kept (0 when there are none)."""
        wanted = self.with_kept + self.with_lost
        return self.with_kept / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        """2 TP / (2 TP + FP + FN); 0 when no `with` snippet is kept.

        >>> SnippetCounts(with_kept=3, with_lost=1, without_kept=1, without_removed=5).f1
        0.75
        """
        if not self.with_kept:
            return 0.0
        return 2 * self.with_kept / (2 * self.with_kept + self.without_kept + self.with_lost)

    def row(self) -> dict[str, float | int]:
        """Precision, recall, F1 and the four counts, as a table row's columns."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "with_kept": self.with_kept,
            "with_lost": self.with_lost,
            "without_kept": self.without_kept,
            "without_removed": self.without_removed,
        }


def count_snippets(
    raw: str, kept: str, with_: Iterable[str], without: Iterable[str]
) -> SnippetCounts:
    """Count one case's snippets in its kept text; those the raw text lacks (or empty ones) are
    left out, since no cleaner could keep them.

    >>> count_snippets("Menu\\nThe vote passed.\\nShare", "The vote passed.",
    ...                ["vote passed", "not in the page"], ["Menu", "share"])
    SnippetCounts(with_kept=1, with_lost=0, without_kept=0, without_removed=2)
    """
    page, flat = snippet_norm(raw), snippet_norm(kept)
    counts = Counter[str]()
    for label, snippets in (("with", with_), ("without", without)):
        for snippet in snippets:
            wanted = snippet_norm(snippet)
            if not wanted or wanted not in page:
                continue
            counts[f"{label}_{'kept' if wanted in flat else 'gone'}"] += 1
    return SnippetCounts(
        counts["with_kept"], counts["with_gone"], counts["without_kept"], counts["without_gone"]
    )


TEN_WORDS = 10


def long_lines(raw: str, min_words: int = TEN_WORDS) -> str:
    """The baseline "keep lines of ten or more words": every other line of the raw text goes.

    >>> long_lines("Home\\nThe council voted on Monday to build the new ferry terminal there.")
    'The council voted on Monday to build the new ferry terminal there.'
    """
    return "\n".join(line for line in raw.split("\n") if len(line.split()) >= min_words)
