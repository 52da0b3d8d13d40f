"""The best contiguous run of scored lines: where an article's body lies among its page's lines.

Both the page frame (each line's prose weight) and the line model (each line's log-odds of being
body) score lines and keep the run whose scores sum highest; the frame widens it to the body's
other sections (`body_hull`).
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


def body_hull(
    scores: Sequence[float], share: float, walls: Sequence[bool] = ()
) -> tuple[int, int] | None:
    """First and last position of an article body that may come in sections: the maximum-sum
    span (`max_span`), widened to each span before or after it whose sum is at least `share`
    of that span's, and to what lies between them. None when no score is positive.

    Why: a video player, a gallery or a block of ads in the middle of a body costs more than a
    paragraph gains, so the one best span keeps a single section, the body before or after it;
    a second section as long as a third of the first is body too, where a teaser or a comment
    (a few lines of prose) is not.

    >>> body_hull([5.0, -8.0, 4.0, -1.0, 9.0], 0.3)
    (0, 4)
    >>> body_hull([2.0, -8.0, 4.0, -1.0, 9.0], 0.3)
    (2, 4)

    A position in `walls` (a comment section's heading) ends the body before it, once the body
    before it holds `share` of the whole: the comments after an article are prose too, and a
    long thread would otherwise join the body or outweigh it.

    >>> body_hull([9.0, 8.0, -1.0, 7.0, 6.0], 0.3, [False, False, True, False, False])
    (0, 1)
    """
    best = max_span(scores)
    if best is None:
        return None
    first, last = best
    enough = share * sum(scores[first : last + 1])
    while first > 0:
        before = max_span(scores[:first])
        if before is None or sum(scores[before[0] : before[1] + 1]) < enough:
            break
        first = before[0]
    while last < len(scores) - 1:
        rest = scores[last + 1 :]
        after = max_span(rest)
        if after is None or sum(rest[after[0] : after[1] + 1]) < enough:
            break
        last = last + 1 + after[1]
    return _before_wall(scores, share, walls, first, last)


def _before_wall(
    scores: Sequence[float], share: float, walls: Sequence[bool], first: int, last: int
) -> tuple[int, int]:
    """(first, last) ended before the first wall after `first` that has at least `share` of the
    span's positive weight before it."""
    if not any(walls[first + 1 : last + 1]):
        return first, last
    weight = sum(max(score, 0.0) for score in scores[first : last + 1])
    before = 0.0
    for i in range(first, last + 1):
        if walls[i] and i > first and before >= share * weight:
            return first, i - 1
        before += max(scores[i], 0.0)
    return first, last
