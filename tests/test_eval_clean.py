"""Token and snippet scores of cleaned text, on small hand-made cases scored by hand."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from winnow_corpus.eval_clean import (
    SnippetCounts,
    TokenScore,
    aggregate,
    count_snippets,
    long_lines,
    mean_score,
    micro_score,
    removals_all_right,
    score_clean,
    share_all_right,
    snippet_norm,
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


# --- snippets, as trafilatura scores itself ------------------------------------------------------


def test_snippet_norm_folds_what_a_page_varies() -> None:
    # NFKC (full-width letters, the ligature), typographic quotes and dashes, runs of any
    # whitespace, letter case
    assert snippet_norm("\uff26erry \ufb01nal \u2018fares\u2019 \u2013 \u201cup\u201d") == (
        "ferry final 'fares' - \"up\""
    )
    assert snippet_norm(" The\u00a0vote\n\n passed\t ") == "the vote passed"
    assert snippet_norm("\u2014") == "-"


def test_count_snippets_by_hand() -> None:
    raw = "Home\nThe \u201charbour\u201d board voted on Monday.\nShare this article\nSubscribe"
    kept = 'The "harbour" board\nvoted on Monday.'
    counts = count_snippets(
        raw,
        kept,
        # found across a line break and with folded quotes; lost; not in the page: not counted
        ['"HARBOUR" board voted', "Home", "Ferry plan approved", ""],
        # removed; kept (a wrong keep); not in the page: not counted
        ["Share this article", "voted on", "Sign in"],
    )
    assert counts == SnippetCounts(with_kept=1, with_lost=1, without_kept=1, without_removed=1)


def test_snippet_scores_by_hand() -> None:
    # two cases pooled: TP 3, FN 1, FP 2, TN 4 -> P 3/5, R 3/4, F1 6/9
    pooled = SnippetCounts(2, 0, 1, 3) + SnippetCounts(1, 1, 1, 1)
    assert pooled == SnippetCounts(3, 1, 2, 4)
    assert pooled.precision == pytest.approx(0.6)
    assert pooled.recall == pytest.approx(0.75)
    assert pooled.f1 == pytest.approx(2 / 3)
    assert pooled.row()["f1"] == pytest.approx(2 / 3)
    assert pooled.row()["without_removed"] == 4
    # nothing kept that should stay: all three are 0, not a division by zero
    nothing = SnippetCounts(0, 2, 1, 0)
    assert (nothing.precision, nothing.recall, nothing.f1) == (0.0, 0.0, 0.0)
    assert SnippetCounts() == SnippetCounts(0, 0, 0, 0)
    assert SnippetCounts().f1 == 0.0


def test_pooled_counts_are_not_a_mean_of_cases() -> None:
    # case one: TP 1 FP 0 (F1 1.0); case two: TP 1 FN 3 (F1 2/5); pooled TP 2 FN 3: F1 4/7
    pooled = SnippetCounts(1, 0, 0, 0) + SnippetCounts(1, 3, 0, 0)
    assert pooled.f1 == pytest.approx(4 / 7)
    assert pooled.f1 != pytest.approx((1.0 + 0.4) / 2)


def test_long_lines_baseline_counts_whitespace_words() -> None:
    raw = "one two three four five six seven eight nine ten\nshort line\n\n1 2 3 4 5 6 7 8 9"
    assert long_lines(raw) == "one two three four five six seven eight nine ten"
    assert long_lines("") == ""
