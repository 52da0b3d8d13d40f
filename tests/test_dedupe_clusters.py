"""`dedupe.clusters.build_groups`: how verified pairs become clusters, and the link guard that
keeps one stray story link from joining two groups (`dedupe.core._Checker.story_joins`)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import pytest

from dedupe import DedupeConfig, core, find_duplicates
from dedupe.clusters import Check, JoinTest, build_groups
from dedupe.records import Record

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


def _checker(
    probability: np.ndarray = PROBABILITY,
    texts: Sequence[int] | None = None,
    cosines: np.ndarray | None = None,
    **config: float,
) -> core._Checker:
    """A checker whose calibrated score of pair (i, j) is probability[i, j] and whose cosine
    under the run's weights is cosines[i, j] (default: the probability); document i is text
    `texts[i]` (the same text twice: copies; default: each its own)."""
    texts = list(range(len(probability))) if texts is None else list(texts)
    checker = object.__new__(core._Checker)
    checker.config = DedupeConfig(story_model="shipped", **config)  # type: ignore[arg-type]
    checker.model = object()  # type: ignore[assignment]
    checker.exact = np.array(texts, dtype=np.uint64)
    # one story word per text: copies' vectors are the same, other texts' share nothing
    checker._summed = lambda group: (  # type: ignore[method-assign]
        np.array(sorted({texts[m] for m in group}), np.uint32),
        np.ones(len({texts[m] for m in group})),
    )

    def scores(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return probability[left, right], np.zeros(len(left))

    checker.story_scores = scores  # type: ignore[method-assign]
    # the pairs' cosine under the run's own weights (the joins' witness): here the probability
    cosine = probability if cosines is None else cosines
    checker._run_cosines = lambda left, right: cosine[left, right]  # type: ignore[method-assign]
    checker.check_many = _checks_at(probability, 0.5)  # type: ignore[method-assign,assignment]
    return checker


def _checks_at(score: np.ndarray, cut: float) -> Callable[[Sequence[tuple[int, int]]], list[Check]]:
    """A `check_many` whose pair (i, j) passes as a story pair when score[i, j] >= cut."""

    def check_many(pairs: Sequence[tuple[int, int]]) -> list[Check]:
        return [
            Check("story" if score[i, j] >= cut else None, float(score[i, j])) for i, j in pairs
        ]

    return check_many


def test_a_stray_link_does_not_join_two_events() -> None:
    members, stats = _groups(_checker().story_joins)
    # strongest first: 0-1 and 3-4 pair up; 5 joins {0, 1} (mean 0.7); 2 passes with one of
    # {0, 1, 5} (mean 0.37) and one of {3, 4} (mean 0.4): under the bar of 0.45, and one
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


def test_the_calibrated_guard_is_the_mean_or_confirmations() -> None:
    checker = _checker(ANGLES)
    assert checker.story_joins([0, 1], [2, 3])  # mean 0.5 >= 0.9 x 0.5
    # under a bar of 0.6, the mean (0.5) fails; 0 and 1 each pass with 3, and 2 and 3 confirm
    assert _checker(ANGLES, link_guard=1.2).story_joins([0, 1], [2, 3])
    assert checker.story_joins([0, 1, 2, 3], [4])  # mean 0.375, but two of its pairs pass
    assert not checker.story_joins([0, 1, 2, 3], [5])  # mean 0.3 and one link
    assert checker.story_joins([0, 1], [4, 5])  # the mean (0.575)
    assert not checker.story_joins([1, 2, 3], [5])  # neither
    strict = _checker(ANGLES, link_guard=2.0)  # the mean never passes: confirmations decide
    assert strict.story_joins([0, 1], [4, 5])  # 0 and 1 each pass with 4; 4 and 5 confirm
    assert not strict.story_joins([2, 5], [0, 1])  # each passes with 0 alone: one confirmation
    assert not strict.story_joins([1, 4], [2, 3])  # 4 passes with neither of 2, 3
    # two lone texts have no second confirmation: their cosine under the run's weights decides
    # (here the probability; tests/test_dedupe_core.py tests the real one)
    assert strict.story_joins([0], [5]) and not _checker(ANGLES).story_joins([3], [4])
    # groups need one cross pair as a witness, whatever their probabilities: a cosine of at
    # least STORY_WITNESS x story_threshold under the run's own weights
    bar = core.STORY_WITNESS * DedupeConfig().story_threshold
    below = np.full(ANGLES.shape, 0.99 * bar)
    assert not _checker(ANGLES, cosines=below).story_joins([0, 1], [4, 5])  # mean 0.575
    assert not _checker(ANGLES, cosines=below).story_joins([0, 1, 2, 3], [4])  # two confirm
    witnessed = below.copy()
    witnessed[1, 4] = witnessed[4, 1] = bar
    assert _checker(ANGLES, cosines=witnessed).story_joins([0, 1], [4, 5])


def test_a_lone_pair_under_the_full_bar_needs_a_high_probability_and_a_figure() -> None:
    """Two lone texts join on their cosine under the run's weights at `link_guard` x the
    threshold; between the witness's bar and that, only on a probability of LONE_PROBABILITY
    with LONE_FIGURES numbers other than years in common; under the witness's bar, never."""
    threshold = DedupeConfig().story_threshold
    full, witness = core.LINK_GUARD * threshold, core.STORY_WITNESS * threshold
    probability = np.array([[1.0, 0.0], [0.0, 1.0]])

    def joins(cosine: float, score: float, figures: int = core.LONE_FIGURES) -> bool:
        probability[0, 1] = probability[1, 0] = score
        checker = _checker(probability, cosines=np.full((2, 2), cosine))
        checker._figures_shared = lambda left, right: np.full(  # type: ignore[method-assign]
            left.size, figures
        )
        return checker.story_joins([0], [1])

    assert joins(full, 0.0, figures=0)  # the cosine tier's own bar: nothing else asked
    between = (full + witness) / 2
    assert joins(between, core.LONE_PROBABILITY)
    assert not joins(between, 0.99 * core.LONE_PROBABILITY)
    assert not joins(between, 1.0, figures=core.LONE_FIGURES - 1)
    assert not joins(0.99 * witness, 1.0)  # no witness, no join


def test_copies_confirm_once() -> None:
    """A group holds a text's copies (exact and near links always join): a lone article passing
    with a text and its copy is confirmed once."""
    exact_copy = _checker(ANGLES, texts=[0, 0, 2, 3, 4, 5])  # 1 is 0 word for word
    assert not exact_copy.story_joins([0, 1, 2, 3], [4])  # mean 0.375, one confirmation
    near_copy = _checker(ANGLES, texts=[0, 1, 2, 3, 4, 5])
    near_copy.exact = np.arange(6, dtype=np.uint64)
    near_copy._summed = lambda group: (  # type: ignore[method-assign]
        np.zeros(1, np.uint32) if set(group) <= {0, 1} else np.array(group, np.uint32),
        np.ones(1 if set(group) <= {0, 1} else len(group)),
    )  # 0 and 1 have the same story vector: a near copy
    assert not near_copy.story_joins([0, 1, 2, 3], [4])
    assert _checker(ANGLES).story_joins([0, 1, 2, 3], [4])  # two texts: two confirmations


def test_the_cosine_tiers_guard_is_the_mean_or_confirmations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same rule for the cosine tier: the groups' mean cosine (from their summed vectors),
    or every member of the smaller group passing the checks with a member of the other, two
    of whose members confirm."""
    threshold = DedupeConfig().story_threshold
    bar = DedupeConfig().link_guard * threshold
    passing = {(0, 4), (1, 4), (0, 5)}  # pairs at the threshold; every other pair under it
    checker = object.__new__(core._Checker)
    checker.config = DedupeConfig()
    checker.model = None
    checker.exact = np.arange(6, dtype=np.uint64)
    # a group's "vector" is its members' ids, so the cosine below can tell which pair it is
    checker._summed = lambda group: (np.array(group, np.uint32), np.ones(len(group)))  # type: ignore[method-assign]
    group_sum = [0.5 * bar]

    def cosine(keys_a: np.ndarray, _wa: np.ndarray, keys_b: np.ndarray, _wb: np.ndarray) -> float:
        if keys_a.size == keys_b.size == 1:
            pair = (int(min(keys_a[0], keys_b[0])), int(max(keys_a[0], keys_b[0])))
            return threshold if pair in passing else 0.5 * threshold
        return group_sum[0] * keys_a.size * keys_b.size  # the sum over the cross pairs

    monkeypatch.setattr(core, "cosine", cosine)
    score = np.zeros((6, 6))
    for i, j in passing:
        score[i, j] = score[j, i] = threshold
    checker.check_many = _checks_at(score, threshold)  # type: ignore[method-assign,assignment]
    assert checker.story_joins([0, 1, 2, 3], [4])  # mean under the bar, two confirmations
    assert not checker.story_joins([0, 1, 2, 3], [5])  # one
    assert checker.story_joins([0, 1], [4, 5])  # 0 and 1 pass with 4; 4 and 5 confirm
    assert not checker.story_joins([0, 2], [4, 5])  # 2 passes with neither
    group_sum[0] = bar
    assert checker.story_joins([0, 2], [4, 5])


def _made_up_event() -> list[Record]:
    """Three retellings a, b, c of one event (40 shared words); d told from another angle that
    a and b each quote 14 words of; e quoting 14 words of a's own and nothing of the others;
    and 20 unrelated articles."""
    rng = random.Random(7)

    def words(n: int) -> list[str]:
        letters = "bcdfghklmnprstvz"
        return [
            "".join(rng.choice(letters) + rng.choice("aeiou") for _ in range(4)) for _ in range(n)
        ]

    event, angle, own = words(40), words(40), words(30)
    texts = {
        "a": event + angle[:14] + own,
        "b": event + angle[14:28] + words(30),
        "c": event + words(40),
        "d": angle + words(30),
        "e": own[:14] + words(40),
        **{f"x{i}": words(80) for i in range(20)},
    }
    return [Record(name, " ".join(ws) + ".") for name, ws in texts.items()]


def test_a_lone_article_confirmed_twice_joins_its_event(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through find_duplicates (cosine tier): d's mean cosine with {a, b, c} is under the link
    guard's bar, but its cosine with a and with b reaches the threshold, so it joins; e, linked
    to a alone, does not."""
    docs = _made_up_event()
    config = DedupeConfig(story_min_shared=0, story_min_names=0.0, story_model="off")
    clusters = [sorted(c.members) for c in find_duplicates(docs, config).clusters]
    assert clusters == [["a", "b", "c", "d"]]
    unguarded = find_duplicates(docs, replace(config, link_guard=0.0)).clusters
    assert [sorted(c.members) for c in unguarded] == [["a", "b", "c", "d", "e"]]  # e's link
    monkeypatch.setattr(core, "STORY_LINK_LEAST", 99)  # no lone-article rule: the mean alone
    assert [sorted(c.members) for c in find_duplicates(docs, config).clusters] == [["a", "b", "c"]]
