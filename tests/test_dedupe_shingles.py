"""Tokens the tiers compare: normalisation for exact matching, shingles, content words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.shingles import content_words, exact_key, normalise, word_shingles


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Rain fell on the city.", "rain  fell on the\ncity", True),
        ("“Quoted,” she said.", '"Quoted" she said', True),
        ("Rain fell on the city.", "Rain fell on the town.", False),  # near-miss: a word changed
    ],
)
def test_exact_key_folds_case_space_punctuation(a: str, b: str, same: bool) -> None:
    assert (exact_key(a, 1) == exact_key(b, 1)) is same


def test_exact_key_depends_on_seed() -> None:
    assert exact_key("same text", 1) != exact_key("same text", 2)


def test_word_shingles_are_five_grams() -> None:
    assert word_shingles("One two three four five six.") == [
        "one two three four five",
        "two three four five six",
    ]
    assert word_shingles("") == []


def test_content_words_keep_names_numbers_drop_function_words() -> None:
    got = content_words("Mayor Lind's office said the 2023 budget would rise by 4 percent.")
    assert got == ["mayor", "lind", "office", "2023", "budget", "rise", "percent"]


def test_content_words_keep_word_that_only_looks_like_stopword() -> None:
    assert content_words("Theirs was the Thermos brand.") == ["thermos", "brand"]


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)
