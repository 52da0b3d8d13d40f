"""The best contiguous run of scored lines: where an article's body lies among its page's lines.

Both the page frame (each line's prose weight) and the line model (each line's log-odds of being
body) score lines and keep the one run whose scores sum highest.
"""

from __future__ import annotations

from collections.abc import Sequence


def max_span(scores: Sequence[float]) -> tuple[int, int] | None:
    """First and last position of the maximum-sum span of `scores` (Kadane), the first such
    span where several tie; None when no score is positive.

    >>> max_span([-6.0, 12.0, -1.0, 9.0, -6.0])
    (1, 3)
    """
    best, best_span = 0.0, None
    total, start = 0.0, 0
    for i, score in enumerate(scores):
        if total <= 0:
            total, start = score, i
        else:
            total += score
        if total > best:
            best, best_span = total, (start, i)
    return best_span
