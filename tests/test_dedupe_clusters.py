"""`dedupe.clusters.build_groups`: how verified pairs become clusters, and the link guard that
keeps one stray story link from joining two groups."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from dedupe import DedupeConfig, core
from dedupe.clusters import Check, build_groups

# p(same story) of each pair of five documents: 0-1-2 one event (2 is told from another angle,
# so only its pair with 1 passes), 3-4 another; 2-3 is one stray strong pair between them
PROBABILITY = np.array(
    [
        [1.0, 0.9, 0.2, 0.1, 0.1],
        [0.9, 1.0, 0.8, 0.1, 0.1],
        [0.2, 0.8, 1.0, 0.7, 0.1],
        [0.1, 0.1, 0.7, 1.0, 0.9],
        [0.1, 0.1, 0.1, 0.9, 1.0],
    ]
)


def _groups(join_bar: float) -> tuple[list[list[int]], dict[str, int]]:
    edges = {
        (i, j): Check("story", float(PROBABILITY[i, j]))
        for i in range(5)
        for j in range(i + 1, 5)
        if PROBABILITY[i, j] >= 0.5
    }

    def share(a: Sequence[int], b: Sequence[int]) -> float:
        return float((PROBABILITY[np.ix_(list(a), list(b))] >= 0.5).mean())

    def check_many(pairs: Sequence[tuple[int, int]]) -> list[Check]:
        return [Check(None, float(PROBABILITY[i, j])) for i, j in pairs]

    groups, stats = build_groups(5, edges, check_many, share, [100] * 5, join_bar, 100)
    return [g.members for g in groups], stats


def test_a_stray_link_does_not_join_two_events() -> None:
    members, stats = _groups(join_bar=0.35)
    # 2 joins {0, 1} (one of its two cross pairs passes: 0.5), but {0, 1, 2} and {3, 4} share one
    # passing pair of six (0.17)
    assert sorted(sorted(m) for m in members) == [[0, 1, 2], [3, 4]]
    assert stats["story_joins_refused_by_guard"] == 1


def test_without_the_guard_one_link_chains_everything() -> None:
    members, stats = _groups(join_bar=0.0)
    assert [sorted(m) for m in members] == [[0, 1, 2, 3, 4]]
    assert stats["story_joins_refused_by_guard"] == 0


def test_a_stricter_share_keeps_the_other_angle_apart() -> None:
    members, _ = _groups(join_bar=0.6)
    assert sorted(sorted(m) for m in members) == [[0, 1], [3, 4]]


def test_the_calibrated_guard_is_the_share_of_cross_pairs_that_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checker = object.__new__(core._Checker)
    checker.config = DedupeConfig(story_model="shipped")
    checker.model = object()  # type: ignore[assignment]

    def scores(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return PROBABILITY[left, right], np.zeros(len(left))

    monkeypatch.setattr(checker, "story_scores", scores)
    assert checker.story_link([0, 1], [2]) == 0.5
    assert checker.story_link([0, 1, 2], [3, 4]) == pytest.approx(1 / 6)


def test_story_link_share_is_checked() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        DedupeConfig(story_link_share=1.5)
