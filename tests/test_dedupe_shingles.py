"""Tokens the tiers compare: normalisation for exact matching, shingles, content words."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedupe.shingles
from dedupe.hashing import hash64
from dedupe.shingles import (
    WORD,
    content_words,
    document_hashes,
    exact_key,
    hash_tokens,
    name_hashes,
    normalise,
    shingle_hashes,
    shingle_hashes_batch,
    word_shingles,
    words,
)

# Words, apostrophes, digits, and characters where `re` and `regex` disagree (superscripts,
# fractions, Bengali currency numerators, Turkish dotted I, combining marks).
WORDISH = st.text(
    alphabet=st.sampled_from(list("ab Zé'’-.\n2½²\u09f4İ\u0345ß日本")) | st.characters(),
    max_size=60,
)
# Text for the ASCII fast path: every ASCII character (controls, NUL, apostrophes next to digits)
# and the typographic punctuation that path maps, plus a letter that sends text off it.
ASCIIISH = st.text(
    alphabet=st.characters(max_codepoint=127) | st.sampled_from(list("'’‘“”–—…\u00a0 aZ9é")),
    max_size=80,
)


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


@given(WORDISH)
def test_words_equal_the_unicode_regex(text: str) -> None:
    """The fast `re` path gives exactly what the full-Unicode WORD pattern gives."""
    expected = [m.group().casefold().replace("’", "'") for m in WORD.finditer(text)]
    assert words(text) == expected


@given(ASCIIISH | WORDISH)
def test_word_bytes_equal_the_unicode_regex(text: str) -> None:
    """The bytes fast path gives the words WORD finds, casefolded, whichever path it takes."""
    expected = [m.group().casefold().replace("’", "'").encode() for m in WORD.finditer(text)]
    assert dedupe.shingles._word_bytes(text) == expected


@given(ASCIIISH | WORDISH)
def test_exact_key_fast_path_equals_the_unicode_normalise(text: str) -> None:
    """The bytes fast path of `exact_key` gives `normalise`'s bytes, and declines (None) only
    text that is not ASCII once its typographic punctuation is."""
    fast = dedupe.shingles._ascii_normalised(text)
    assert fast is None or fast == normalise(text).encode("utf-8")
    plain = text
    for typographic in "\u2019\u201c\u201d\u2018\u2013\u2014\u2026\u00a0":
        plain = plain.replace(typographic, " ")
    assert (fast is not None) == plain.isascii()


def test_exact_key_fast_path_is_taken_for_news_text() -> None:
    text = "“Don’t,” she said – twice… then\u00a0LEFT.\tA_b|c~d\x1ce"
    assert dedupe.shingles._ascii_normalised(text) == normalise(text).encode()
    assert dedupe.shingles._ascii_normalised("Zoë said") is None
    assert (
        dedupe.shingles._ascii_normalised("\x1f a\x1fb \x1c")
        == normalise("\x1f a\x1fb \x1c").encode()
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It's 1990's rock'n'roll, ’tis 'quoted' x'9 it's9", None),
        ("“Don’t,” she said – twice… then\u00a0LEFT.", None),
        ("Zoë said", "unicode"),
    ],
)
def test_ascii_path_is_taken_and_agrees(text: str, expected: str | None) -> None:
    fast = dedupe.shingles._ascii_word_bytes(text)
    if expected == "unicode":
        assert fast is None
    else:
        assert fast == [w.encode() for w in words(text)]


def test_words_fast_path_is_taken_for_plain_news_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "“Quoted,” said Zoë Smith – it’s 2024."
    assert dedupe.shingles._fast_path_unsafe().search(text) is None
    assert words(text) == ["quoted", "said", "zoë", "smith", "it's", "2024"]


@given(WORDISH, st.integers(1, 6))
def test_shingle_hashes_equal_hashing_the_shingle_strings(text: str, k: int) -> None:
    expected = hash_tokens(word_shingles(text, k), 7)
    assert shingle_hashes(text, k, 7).tolist() == expected.tolist()
    assert [hash64(s.encode(), 7) for s in word_shingles(text, k)] == expected.tolist()


@given(st.lists(WORDISH, max_size=6), st.integers(1, 6))
def test_shingle_hashes_batch_equals_one_text_at_a_time(texts: list[str], k: int) -> None:
    flat, offsets = shingle_hashes_batch(texts, k, 1)
    assert offsets.tolist()[0] == 0 and len(offsets) == len(texts) + 1
    for i, text in enumerate(texts):
        assert flat[offsets[i] : offsets[i + 1]].tolist() == shingle_hashes(text, k, 1).tolist()


def test_shingle_hash_depends_on_word_order_and_seed() -> None:
    a = shingle_hashes("one two three four five", 5, 1)
    b = shingle_hashes("two one three four five", 5, 1)
    assert a.size == b.size == 1 and a[0] != b[0]
    assert shingle_hashes("one two three four five", 5, 2)[0] != a[0]


@given(WORDISH | st.sampled_from(["It's Lind's day", "s's a'b 'tis x's Zoë's ab's"]))
def test_document_hashes_equal_the_string_functions(text: str) -> None:
    near, content = document_hashes(text, 5, 3)
    assert near.tolist() == shingle_hashes(text, 5, 3).tolist()
    assert content.tolist() == hash_tokens(content_words(text), 3).tolist()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The plant in Rivington closed, Dana Ek said.", ["rivington", "dana", "ek"]),
        ("Storms hit. Crews worked on Tuesday in March.", []),  # first words, calendar words
        ("Ministers met at the Élysée with Mrs Øberg's aides.", ["élysée", "øberg"]),
        ("PARIS - talks resumed\nLater the Senate voted", ["senate"]),  # line starts are not names
        ("", []),
    ],
)
def test_name_hashes(text: str, names: list[str]) -> None:
    assert name_hashes(text, 3).tolist() == sorted(hash_tokens(names, 3).tolist())


NAMEISH = st.lists(
    st.sampled_from(
        [
            "a",
            "said",
            "Ana",
            "Lind's",
            "O’Neill’s",
            "Élysée",
            "İstanbul",
            "Straße",
            "And",
            "The",
            "Monday",
            "X",
            "It's",
            "S's",
            "2",
            "Ab2",
            "ǅemal",
            ",",
            "Zoë’s",
        ]
    ),
    max_size=12,
).map(" ".join)


@given(WORDISH | NAMEISH)
def test_name_hashes_are_the_content_word_hashes_of_the_names(text: str) -> None:
    """Each name's hash is what `document_hashes` gives the names as content words."""
    from dedupe.shingles import CALENDAR, NAME

    found = [name for name in NAME.findall(text) if name.casefold() not in CALENDAR]
    expected = np.unique(document_hashes(" ".join(found), 1, 5)[1]) if found else []
    assert name_hashes(text, 5).tolist() == list(expected)
