"""Token scores of cleaned text against a reference, on small hand-made cases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from winnow_corpus.eval_clean import (
    TokenScore,
    aggregate,
    mean_score,
    micro_score,
    removals_all_right,
    score_clean,
    share_all_right,
    tokens,
)

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)


def test_tokens_are_lowercased_words_with_counts() -> None:
    assert tokens("Ferry, ferry; FERRY-plan 2024!") == {"ferry": 3, "plan": 1, "2024": 1}


def test_perfect_and_empty() -> None:
    text = "The council voted 7-2 on Monday."
    assert score_clean(text, text) == TokenScore(1.0, 1.0, 1.0)
    assert score_clean("", "") == TokenScore(1.0, 1.0, 1.0)
    assert score_clean("", text) == TokenScore(0.0, 0.0, 0.0)
    assert score_clean(text, "") == TokenScore(0.0, 0.0, 0.0)


def test_order_and_line_breaks_do_not_count() -> None:
    assert score_clean("b a\nc", "a b c").f1 == 1.0


def test_extra_tokens_cost_precision_lost_tokens_cost_recall() -> None:
    reference = "the ferry terminal opens in May"
    kept_menu = "Home World Sport " + reference  # 3 extra tokens kept
    score = score_clean(kept_menu, reference)
    assert score.recall == 1.0
    assert score.precision == pytest.approx(6 / 9)
    lost = score_clean("the ferry terminal", reference)
    assert lost.precision == 1.0
    assert lost.recall == pytest.approx(0.5)


def test_multiset_counts_repeats() -> None:
    # a caption kept twice counts twice
    assert score_clean("a a a", "a").precision == pytest.approx(1 / 3)


def test_aggregate_is_the_macro_mean() -> None:
    scores = [TokenScore(1.0, 1.0, 1.0), TokenScore(0.5, 0.5, 0.5)]
    assert aggregate(scores) == mean_score(scores) == TokenScore(0.75, 0.75, 0.75)
    assert aggregate([]) == TokenScore(0.0, 0.0, 0.0)


def test_micro_weighs_long_cases_more() -> None:
    pairs = [("a b c d e f g h", "a b c d e f g h"), ("x", "y")]
    micro = micro_score(pairs)
    macro = aggregate([score_clean(k, r) for k, r in pairs])
    assert micro.f1 > macro.f1


def test_removals_all_right() -> None:
    raw = "Menu\nShare this\nThe council voted on Monday.\nAdvertisement"
    labels = [0, 0, 1, 0]
    assert removals_all_right(raw, labels, ["Menu", "Advertisement"])
    assert not removals_all_right(raw, labels, ["Menu", "The council voted on Monday."])
    assert removals_all_right(raw, labels, ["", "  "])  # blanks are not judged
    assert share_all_right([True, False]) == 0.5
    assert share_all_right([]) == 1.0


@SETTINGS
@given(st.text(max_size=80), st.text(max_size=80))
def test_scores_are_bounded_and_symmetric_in_f1(kept: str, reference: str) -> None:
    score = score_clean(kept, reference)
    assert 0.0 <= score.precision <= 1.0
    assert 0.0 <= score.recall <= 1.0
    assert 0.0 <= score.f1 <= 1.0
    swapped = score_clean(reference, kept)
    assert swapped.f1 == pytest.approx(score.f1)
    assert swapped.precision == pytest.approx(score.recall)
