"""Split scoring on tiny dumps whose scores were worked out by hand (in the comments)."""

from __future__ import annotations

import pytest

from cleaners.split import split_dump
from winnow_corpus.eval_split import (
    SplitScore,
    blank_line_baseline,
    predict_spans,
    score_split,
    trim_span,
)

# Two wire stories, one newline between them. Story one: "PORT FEES RISE\n" is chars 0-15,
# the dateline paragraph 15-49 (33 chars and a newline), " Reuter\n" 49-57; story two from 57.
WIRE = (
    "PORT FEES RISE\n"
    "    ROTTERDAM, May 2 - Fees rose.\n"
    " Reuter\n"
    "STEEL OUTPUT CUT\n"
    "    PITTSBURGH, May 2 - Output fell.\n"
    " Reuter\n"
)
STORY_TWO = WIRE.index("STEEL")
TRUTH = [(0, STORY_TWO - 1), (STORY_TWO, len(WIRE) - 1)]  # no newline at either end


def test_perfect_split_scores_one() -> None:
    assert STORY_TWO == 57  # 15 + 34 + 8
    predicted = predict_spans(WIRE, split_dump)
    assert predicted == TRUTH
    assert score_split(WIRE, TRUTH, predicted) == SplitScore(1.0, 1.0, 1.0, 2, 2, 2)


def test_whitespace_around_spans_does_not_count() -> None:
    # the same spans with their newlines and indentation: trimmed to the same text
    padded = [(0, STORY_TWO), (STORY_TWO, len(WIRE))]
    assert score_split(WIRE, TRUTH, padded).f1 == 1.0
    assert trim_span(WIRE, (14, 20)) == (19, 20)


def test_split_in_two_and_merged() -> None:
    dump = "x" * 100 + "\n" + "y" * 100 + "\n" + "z" * 100
    truth = [(0, 100), (101, 201), (202, 302)]
    # first article split 50/50: neither half covers 90% of it -> 0 matches from them;
    # articles two and three merged (201 chars): overlap 100 < 0.9 * 201 -> no match.
    assert score_split(dump, truth, [(0, 50), (51, 100), (101, 302)]) == SplitScore(
        0.0, 0.0, 0.0, 0, 3, 3
    )
    # a span missing 9 of 100 chars still matches (91 >= 90); missing 11 does not (89 < 90)
    hit = score_split(dump, truth, [(0, 91), (101, 201), (202, 291)])
    # matched 2 of 3 predicted, 2 of 3 true: P = R = F1 = 2/3
    assert (hit.matched, hit.predicted, hit.truth) == (2, 3, 3)
    assert hit.f1 == pytest.approx(2 / 3)


def test_matching_is_one_to_one() -> None:
    dump = "a" * 100
    # two identical predictions of one true article: one match; P = 1/2, R = 1, F1 = 2/3
    score = score_split(dump, [(0, 100)], [(0, 100), (0, 100)])
    assert (score.precision, score.recall) == (0.5, 1.0)
    assert score.f1 == pytest.approx(2 / 3)


def test_empty_inputs_and_bad_threshold() -> None:
    assert score_split("", [], []) == SplitScore(0.0, 0.0, 0.0, 0, 0, 0)
    assert score_split("abc", [(0, 3)], []).recall == 0.0
    with pytest.raises(ValueError, match="min_overlap"):
        score_split("abc", [(0, 3)], [(0, 3)], min_overlap=0)


def test_blank_line_baseline() -> None:
    dump = "Title one here\n\nBody one.\n\n\nTitle two here\n\nBody two.\n"
    # blocks: "Title one here" 0-14, "Body one." 16-25, "Title two here" 28-42, "Body two." 44-53
    assert blank_line_baseline(dump) == [(0, 14), (16, 25), (28, 42), (44, 53)]
    # truth: each article = title + body. A block covers 14 of 25 (< 90%): nothing matches
    truth = [(0, 25), (28, 53)]
    assert score_split(dump, truth, blank_line_baseline(dump)).f1 == 0.0
    # wire stories have no blank lines: the baseline makes one block of the whole dump
    assert blank_line_baseline(WIRE) == [(0, len(WIRE) - 1)]
    assert score_split(WIRE, TRUTH, blank_line_baseline(WIRE)).matched == 0


def test_predict_spans_with_crlf() -> None:
    crlf = WIRE.replace("\n", "\r\n")
    two = crlf.index("STEEL")
    assert predict_spans(crlf, split_dump) == [(0, two - 2), (two, len(crlf) - 2)]
