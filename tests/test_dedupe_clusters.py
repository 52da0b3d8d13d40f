"""`dedupe.clusters.build_groups`: how verified pairs become clusters, and the link guard that
keeps one stray story link from joining two groups (`dedupe.core._Checker.story_joins`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from dedupe import DedupeConfig, core
from dedupe.clusters import Check, JoinTest, build_groups

# p(same story) of each pair of six documents: 0-1-2 one event (2 is told from another angle,
# so only its pair with 1 passes), 3-4 another; 2-3 is one stray strong pair between them; 5 is
# a third angle on 0-1-2's event, passing with 0 and 1
PROBABILITY = np.array(
    [
        [1.0, 0.9, 0.2, 0.1, 0.1, 0.8],
        [0.9, 1.0, 0.8, 0.1, 0.1, 0.6],
        [0.2, 0.8, 1.0, 0.7, 0.1, 0.1],
        [0.1, 0.1, 0.7, 1.0, 0.9, 0.1],
        [0.1, 0.1, 0.1, 0.9, 1.0, 0.1],
        [0.8, 0.6, 0.1, 0.1, 0.1, 1.0],
    ]
)
N = len(PROBABILITY)


def _groups(joins: JoinTest) -> tuple[list[list[int]], dict[str, int]]:
    edges = {
        (i, j): Check("story", float(PROBABILITY[i, j]))
        for i in range(N)
        for j in range(i + 1, N)
        if PROBABILITY[i, j] >= 0.5
    }

    def check_many(pairs: Sequence[tuple[int, int]]) -> list[Check]:
        return [Check(None, float(PROBABILITY[i, j])) for i, j in pairs]

    groups, stats = build_groups(N, edges, check_many, joins, [100] * N, 100)
    return sorted(sorted(g.members) for g in groups), stats


def _checker(**config: float) -> core._Checker:
    """A checker whose calibrated score of pair (i, j) is PROBABILITY[i, j]."""
    checker = object.__new__(core._Checker)
    checker.config = DedupeConfig(story_model="shipped", **config)  # type: ignore[arg-type]
    checker.model = object()  # type: ignore[assignment]

    def scores(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return PROBABILITY[left, right], np.zeros(len(left))

    checker.story_scores = scores  # type: ignore[method-assign]
    return checker


def test_a_stray_link_does_not_join_two_events() -> None:
    members, stats = _groups(_checker().story_joins)
    # strongest first: 0-1 and 3-4 pair up; 5 joins {0, 1} (passes with both); 2 passes with one
    # of {0, 1, 5} and with one of {3, 4}: a lone article needs two confirmations, so it joins
    # neither, and the stray link 2-3 joins nothing
    assert members == [[0, 1, 5], [3, 4]]
    assert stats["story_joins_refused_by_guard"] == 2


def test_without_the_guard_one_link_chains_everything() -> None:
    members, stats = _groups(lambda a, b: True)
    assert members == [[0, 1, 2, 3, 4, 5]]
    assert stats["story_joins_refused_by_guard"] == 0


def test_the_calibrated_guard_counts_passing_cross_pairs() -> None:
    checker = _checker()
    assert checker.story_joins([0, 1], [5])  # a lone article with two confirmations
    assert not checker.story_joins([0, 1], [2])  # one: half the cross pairs, still one link
    assert checker.story_joins([0], [1])  # two lone articles: their own pair
    assert checker.story_joins([0, 5], [1, 2])  # two of four cross pairs pass (0.5 >= 0.35)
    assert not checker.story_joins([0, 1, 2], [3, 4])  # one of six
    assert not _checker(story_link_share=0.6).story_joins([0, 5], [1, 2])


def test_story_link_share_is_checked() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        DedupeConfig(story_link_share=1.5)
