"""The Rust regex classes of `cleaners.chars` hold exactly the characters Python's methods
accept, so the rules' column forms split, strip and count as their predicates do."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from cleaners.chars import (
    CASED_BELOW,
    DIGIT,
    DIGIT_RANGES,
    PY_WHITESPACE,
    SPACE,
    WORD,
    folds_differently,
    past_ascii,
)

EVERY = [chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF]


def test_whitespace_is_what_isspace_accepts() -> None:
    assert "".join(c for c in EVERY if c.isspace()) == PY_WHITESPACE
    matched = pl.Series(EVERY).str.contains(f"^[{SPACE}]$").to_list()
    assert [c for c, hit in zip(EVERY, matched, strict=True) if hit] == list(PY_WHITESPACE)


def test_digits_are_what_isdigit_accepts() -> None:
    digits = [c for c in EVERY if c.isdigit()]
    assert [chr(c) for a, b in DIGIT_RANGES for c in range(a, b + 1)] == digits
    matched = pl.Series(EVERY).str.contains(f"^[{DIGIT}]$").to_list()
    assert [c for c, hit in zip(EVERY, matched, strict=True) if hit] == digits


def test_words_are_what_split_returns() -> None:
    lines = ["a  b\tc", "\x1cx\x85y\u3000z ", "", "one", "東京 ニュース\u2028end"]
    counts = pl.Series(lines).str.count_matches(WORD).to_list()
    assert counts == [len(line.split()) for line in lines]


def test_casefolding_changes_only_characters_the_class_holds() -> None:
    changed = [c for c in EVERY if not c.isascii() and c.casefold() != c]
    assert max(map(ord, changed)) < CASED_BELOW
    matched = pl.Series(EVERY).str.contains(f"^{folds_differently()}$").to_list()
    assert [c for c, hit in zip(EVERY, matched, strict=True) if hit] == changed


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=20))
def test_past_ascii_is_not_isascii(lines: list[str]) -> None:
    found = past_ascii(pl.Series("text", lines, dtype=pl.String))
    assert found.tolist() == [not line.isascii() for line in lines]
