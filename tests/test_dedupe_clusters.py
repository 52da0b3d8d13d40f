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


def _checker(probability: np.ndarray = PROBABILITY, **config: float) -> core._Checker:
    """A checker whose calibrated score of pair (i, j) is probability[i, j]."""
    checker = object.__new__(core._Checker)
    checker.config = DedupeConfig(story_model="shipped", **config)  # type: ignore[arg-type]
    checker.model = object()  # type: ignore[assignment]

    def scores(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return probability[left, right], np.zeros(len(left))

    checker.story_scores = scores  # type: ignore[method-assign]
    return checker


def test_a_stray_link_does_not_join_two_events() -> None:
    members, stats = _groups(_checker().story_joins)
    # strongest first: 0-1 and 3-4 pair up; 5 joins {0, 1} (passes with both); 2 passes with one
    # of {0, 1, 5} (mean 0.37) and one of {3, 4} (mean 0.4): under the bar of 0.45, and one
    # confirmation is not two, so the stray link 2-3 joins nothing
    assert members == [[0, 1, 5], [3, 4]]
    assert stats["story_joins_refused_by_guard"] == 2


def test_without_the_guard_one_link_chains_everything() -> None:
    members, stats = _groups(lambda a, b: True)
    assert members == [[0, 1, 2, 3, 4, 5]]
    assert stats["story_joins_refused_by_guard"] == 0


# 0-3 one event told from several angles (its pairs pass or nearly); 4 passes with two of them
# (0.7, 0.6) and not with the other two, 5 with one (0.9): a stray link
ANGLES = np.array(
    [
        [1.0, 0.6, 0.5, 0.6, 0.7, 0.9],
        [0.6, 1.0, 0.4, 0.5, 0.6, 0.1],
        [0.5, 0.4, 1.0, 0.6, 0.1, 0.1],
        [0.6, 0.5, 0.6, 1.0, 0.1, 0.1],
        [0.7, 0.6, 0.1, 0.1, 1.0, 0.1],
        [0.9, 0.1, 0.1, 0.1, 0.1, 1.0],
    ]
)


def test_the_calibrated_guard_is_the_mean_or_two_confirmations() -> None:
    checker = _checker(ANGLES)
    assert checker.story_joins([0, 1], [2, 3])  # mean 0.5 >= 0.9 x 0.5
    assert not _checker(ANGLES, link_guard=1.2).story_joins([0, 1], [2, 3])  # under 0.6
    assert checker.story_joins([0, 1, 2, 3], [4])  # mean 0.375, but two of its pairs pass
    assert not checker.story_joins([0, 1, 2, 3], [5])  # mean 0.3 and one link
    assert checker.story_joins([0, 1], [4, 5])  # no lone article: the mean (0.575) decides
    assert not checker.story_joins([1, 2, 3], [5])  # neither


def test_the_cosine_tiers_guard_is_the_mean_or_two_confirmations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same rule for the cosine tier: the groups' mean cosine (from their summed vectors),
    or a lone article verified against two of the group's members."""
    checker = object.__new__(core._Checker)
    checker.config = DedupeConfig()
    checker.model = None
    checker._summed = lambda group: (np.zeros(0, np.uint32), np.zeros(0))  # type: ignore[method-assign]
    verified = {(0, 4), (1, 4), (0, 5)}

    def check_many(pairs: Sequence[tuple[int, int]]) -> list[Check]:
        return [Check("story" if (min(p), max(p)) in verified else None, 0.2) for p in pairs]

    checker.check_many = check_many  # type: ignore[method-assign]
    bar = DedupeConfig().link_guard * DedupeConfig().story_threshold
    # a mean cosine under the bar for every pair of groups asked
    monkeypatch.setattr(core, "cosine", lambda *arrays: 0.5 * bar)
    assert checker.story_joins([0, 1, 2, 3], [4])  # two confirmations
    assert not checker.story_joins([0, 1, 2, 3], [5])  # one
    assert not checker.story_joins([0, 1], [4, 5])  # no lone article: the mean decides
    monkeypatch.setattr(core, "cosine", lambda *arrays: 4 * bar)  # 4 pairs at the bar
    assert checker.story_joins([0, 1], [4, 5])
