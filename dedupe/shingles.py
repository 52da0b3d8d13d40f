"""Turn a document into the token sets the three tiers compare.

* `exact_key`: one seeded xxhash of the text with case, whitespace and punctuation folded, so a
  copy that only re-typeset quotes or re-wrapped lines still hashes the same.
* `word_shingles`: word 5-grams, the usual unit for near-verbatim copies (Broder 1997; the
  datasketch and text-dedup defaults).
* `content_words`: words with stopwords removed, for retold stories, where two outlets share the
  names, places, numbers and quoted words of an event but hardly any 5-gram.

Every token is hashed to a uint64 with `dedupe.hashing.hash64` (`hash_tokens`), so the MinHash
code works on numpy arrays, never on Python strings. The near tier never builds its 5-gram strings
at all: `shingle_hashes` hashes each word once and combines word hashes into 5-gram hashes with
numpy (`dedupe.hashing.combine_windows`), equal to `hash_tokens(word_shingles(text))`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import repeat

import numpy as np
import numpy.typing as npt
import regex
import xxhash

from dedupe.arrays import unique
from dedupe.hashing import combine_windows, hash64

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’][\p{L}]+)*")
# The same pattern for the standard library's `re`, which finds words about twice as fast as
# `regex` here (10 MB of news: 1.3 s against 2.5 s). `[^\W_]` is `str.isalnum()`, which agrees with
# `[\p{L}\p{N}]` except for characters the two modules' Unicode versions or definitions of
# "numeric" see differently; `_fast_path_unsafe` finds those, and a text holding one goes to WORD.
FAST_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*")
PUNCT_OR_SYMBOL = regex.compile(r"[\p{P}\p{S}]+")
SPACE = regex.compile(r"\s+")
POSSESSIVE = regex.compile(r"['’]s$")

# A small general English stopword list (function words, auxiliaries and the reporting verbs every
# news story uses). Content words are what is left: names, places, numbers and topic words.
STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each even few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most much my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up upon very was we were what when
    where which while who whom why will with would you your yours yourself yourselves said says say
    saying told tell according one two mr mrs ms may might must us many another get got make made
    like well still yet since ago back via per already however""".split()  # noqa: SIM905
)


def normalise(text: str) -> str:
    """Text folded for the exact tier: casefolded, punctuation dropped, whitespace folded.

    >>> normalise("“Hello,”  said\\nthe MAN.")
    'hello said the man'
    """
    folded = PUNCT_OR_SYMBOL.sub(" ", text.casefold())
    return str(SPACE.sub(" ", folded)).strip()


def exact_key(text: str, seed: int) -> int:
    """Seeded 64-bit xxhash of `normalise(text)`: equal keys mean the same words in order."""
    folded = _ascii_normalised(text)
    if folded is None:
        folded = normalise(text).encode("utf-8")
    return int(xxhash.xxh3_64_intdigest(folded, seed=seed))


# `normalise` for ASCII bytes: A-Z lowercased, every punctuation mark and symbol (all of ASCII's
# are \p{P} or \p{S}) blanked, every other byte kept.
_ASCII_NORMALISE = bytes(
    (c | 0x20) if 65 <= c <= 90 else 32 if chr(c) in string.punctuation else c for c in range(256)
)


def _ascii_normalised(text: str) -> bytes | None:
    """`normalise(text)` in UTF-8, or None when the text is not ASCII once its typographic
    quotes, dashes and no-break spaces (punctuation and White_Space: all become spaces) are.

    Why: the `regex` substitution took about a third of the per-document dedupe features'
    time. `bytes.split()` splits on exactly the ASCII characters that are Unicode White_Space,
    as SPACE does, so the result is the same bytes (a property test checks).
    """
    data = _as_ascii(text, _TYPOGRAPHIC_BLANKED)
    if data is None:
        return None
    # `str.strip` also strips the separators U+001C..U+001F, which are not White_Space
    return b" ".join(data.translate(_ASCII_NORMALISE).split()).strip(b" \x1c\x1d\x1e\x1f")


@lru_cache(maxsize=1)
def _fast_path_unsafe() -> re.Pattern[str]:
    """Characters on which FAST_WORD and WORD may disagree: every one below U+3000 that the two
    classifies differently (checked one by one, about 30 ms once per process), and all above."""
    full, fast = regex.compile(r"[\p{L}\p{N}]"), re.compile(r"[^\W_]")
    letter, fast_letter = regex.compile(r"\p{L}"), re.compile(r"[^\W\d_]")
    odd = [
        c
        for c in map(chr, range(0x3000))
        if (full.match(c) is None) != (fast.match(c) is None)
        or (letter.match(c) is None) != (fast_letter.match(c) is None)
    ]
    return re.compile("[" + "".join(re.escape(c) for c in odd) + "\u3000-\U0010ffff]")


def _folded(text: str) -> str:
    """The casefolded words of `text` joined by NUL (which no word contains).

    Casefolding maps each character on its own (no context), so folding the joined words once
    equals folding each word, at a fraction of the cost.
    """
    if _fast_path_unsafe().search(text):
        found = WORD.findall(text)
    else:
        # Matches never span whitespace, and a whitespace-separated token made only of letters
        # and digits (most of them) is one whole match: only the others need the regex.
        found = []
        for token in text.split():
            if token.isalnum():
                found.append(token)
            else:
                found.extend(FAST_WORD.findall(token))
    return "\0".join(found).casefold().replace("’", "'")


# The ASCII fast path (`_word_bytes`): every byte that can be part of an ASCII word, lowercased
# (ASCII casefolding is lowercasing); every other byte becomes a space, where the text splits.
_ASCII_WORD_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789'"
_ASCII_FOLD = bytes(
    (c | 0x20) if 65 <= c <= 90 else c if c in _ASCII_WORD_BYTES else 32 for c in range(256)
)
_ASCII_WORD = re.compile(rb"[a-z0-9]+(?:'[a-z]+)*")
# Typographic punctuation most English news holds, as UTF-8: never part of a word (WORD sees
# \p{P} or whitespace), except the right single quote, which WORD reads as an apostrophe.
_TYPOGRAPHIC = (
    ("\u2019".encode(), b"'"),
    *((c.encode(), b" ") for c in "\u201c\u201d\u2018\u2013\u2014\u2026\u00a0"),
)


# For `exact_key`'s fast path: every typographic character is punctuation or a space there.
_TYPOGRAPHIC_BLANKED = tuple((typographic, b" ") for typographic, _ in _TYPOGRAPHIC)


def _as_ascii(text: str, replacements: Sequence[tuple[bytes, bytes]]) -> bytes | None:
    """`text` in UTF-8 with `replacements` made, or None when it is still not ASCII (a lone
    surrogate is not ASCII either: it goes to the Unicode path)."""
    data = text.encode("utf-8", "surrogatepass")
    if not data.isascii():
        for typographic, plain in replacements:
            if typographic in data:
                data = data.replace(typographic, plain)
        if not data.isascii():
            return None
    return data


def _ascii_word_bytes(text: str) -> list[bytes] | None:
    """`_folded(text)`'s words as UTF-8 bytes, or None when the text needs the Unicode path.

    Why: `re` spent about 390 ns per word finding words, and the Unicode path walks each token
    in Python. For ASCII, a 256-byte `bytes.translate` table lowercases and blanks every non-word
    byte, and `bytes.split` cuts the words, both in C; only tokens holding an apostrophe (which
    is part of a word only between a letter or digit and letters) need the regex. Text whose
    only non-ASCII characters are typographic quotes and dashes takes this path too. 10 MB of
    generated news: 1.07 s down to 0.40 s, the same hashes.
    """
    data = _as_ascii(text, _TYPOGRAPHIC)
    if data is None:
        return None
    tokens = data.translate(_ASCII_FOLD).split()
    if b"'" not in data:
        return tokens
    found: list[bytes] = []
    for token in tokens:
        if b"'" in token:
            found.extend(_ASCII_WORD.findall(token))
        else:
            found.append(token)
    return found


def _word_bytes(text: str) -> list[bytes]:
    """The casefolded words of `text` (as `words`) in UTF-8, by the fastest path that applies."""
    fast = _ascii_word_bytes(text)
    if fast is not None:
        return fast
    folded = _folded(text)
    return folded.encode("utf-8").split(b"\0") if folded else []


def words(text: str) -> list[str]:
    """Casefolded word tokens (letters and digits, inner apostrophes kept).

    >>> words("Don't stop: it's 2024!")
    ["don't", 'stop', "it's", '2024']
    """
    found = _word_bytes(text)
    return b"\0".join(found).decode("utf-8").split("\0") if found else []


def word_hashes(text: str, seed: int) -> U64:
    """Seeded xxh3-64 of each word of `words(text)`, in order: one C call per word, no list of str.

    >>> word_hashes("Rain, rain", 1).tolist() == [xxhash.xxh3_64_intdigest(b"rain", 1)] * 2
    True
    """
    parts = _word_bytes(text)
    return np.fromiter(
        map(xxhash.xxh3_64_intdigest, parts, repeat(seed)), dtype=np.uint64, count=len(parts)
    )


def word_shingles(text: str, k: int = 5) -> list[str]:
    """Word k-grams; a text shorter than k words is one shingle, so it is not lost.

    >>> word_shingles("a b c d e f", k=5)
    ['a b c d e', 'b c d e f']
    >>> word_shingles("too short", k=5)
    ['too short']
    """
    tokens = words(text)
    if not tokens:
        return []
    if len(tokens) < k:
        return [" ".join(tokens)]
    return [" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]


def content_words(text: str) -> list[str]:
    """Words that carry the event: stopwords, one-letter words and one-digit numbers dropped.

    A possessive "'s" is cut so "Reid's" and "Reid" count as one name.

    >>> content_words("The senator's 2019 bill was passed by 52 votes to 3 in a day.")
    ['senator', '2019', 'bill', 'passed', '52', 'votes', 'day']
    """
    out: list[str] = []
    for token in words(text):
        token = POSSESSIVE.sub("", token)
        if len(token) < 2 or token in STOPWORDS:
            continue
        out.append(token)
    return out


def hash_tokens(tokens: Iterable[str], seed: int) -> U64:
    """`dedupe.hashing.hash64` of each token, as a uint64 array (order kept, duplicates kept).

    A one-word token hashes to its seeded xxh3-64; a shingle (words joined by spaces) to the
    combination of its words' hashes, so `hash_tokens(word_shingles(t))` equals `shingle_hashes`.
    """
    encoded = [t.encode("utf-8") for t in tokens]
    if any(b" " in e for e in encoded):
        return np.fromiter((hash64(e, seed) for e in encoded), dtype=np.uint64, count=len(encoded))
    return np.fromiter(
        map(xxhash.xxh3_64_intdigest, encoded, repeat(seed)), dtype=np.uint64, count=len(encoded)
    )


@lru_cache(maxsize=16)
def _stopword_hashes(seed: int) -> U64:
    """Sorted `hash64` of every stopword: stopwords are dropped by hash, without a str per word."""
    return unique(hash_tokens(sorted(STOPWORDS), seed))


def document_hashes(text: str, k: int, seed: int) -> tuple[U64, U64]:
    """Word k-gram hashes and content-word hashes of one text, from one tokenisation.

    Equal to `(shingle_hashes(text, k, seed), hash_tokens(content_words(text), seed))`, but the
    content-word rules run on the UTF-8 bytes of all words at once with numpy: a possessive "'s"
    is two bytes at a word's end, a word's length in characters is its bytes minus its UTF-8
    continuation bytes, and a stopword is a word whose hash is a stopword's hash.

    >>> shingles, content = document_hashes("Mayor Lind's office said it's closed.", 5, 1)
    >>> content.tolist() == hash_tokens(["mayor", "lind", "office", "closed"], 1).tolist()
    True
    """
    parts = _word_bytes(text)
    if not parts:
        empty = np.empty(0, dtype=np.uint64)
        return empty, empty.copy()
    data = b"\0".join(parts)
    n = len(parts)
    hashes = np.fromiter(map(xxhash.xxh3_64_intdigest, parts, repeat(seed)), np.uint64, n)
    del parts  # one bytes object per word: not kept while the per-word arrays are built
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.append(np.flatnonzero(raw == 0), raw.size)  # one past each word's last byte
    starts = np.append(0, ends[:-1] + 1)
    # UTF-8 continuation bytes counted per word (reduceat), not as a running int64 count per
    # byte: on a 50 MB one-line "article" that count alone was 400 MB (docs/reliability.md)
    continuation = np.add.reduceat((raw & 0xC0) == 0x80, starts, dtype=np.int64)
    chars = (ends - starts) - continuation
    two = (ends - starts) >= 2
    last, before = raw[np.maximum(ends - 1, 0)], raw[np.maximum(ends - 2, 0)]
    possessive = np.flatnonzero(two & (last == ord("s")) & (before == ord("'")))
    tokens = hashes.copy()
    for i in possessive.tolist():
        tokens[i] = xxhash.xxh3_64_intdigest(data[starts[i] : ends[i] - 2], seed)
    chars[possessive] -= 2
    stop = _stopword_hashes(seed)
    at = np.minimum(np.searchsorted(stop, tokens), stop.size - 1)
    keep = (chars >= 2) & (stop[at] != tokens)  # np.isin, without its per-call set-up
    return combine_windows(hashes, k), tokens[keep]


# A name: a capitalised word inside a sentence, after a lowercase word, a number or a comma. Not
# the first word of a sentence or a line (any word is capitalised there) and not a headline's
# words (the caller passes the body), so what is left is mostly people, places and bodies.
NAME = regex.compile(r"(?<=[\p{Ll}\p{N},;] )\p{Lu}[\p{L}\p{N}]*(?:['’]\p{L}+)*")
# Capitalised inside a sentence, but not names: unrelated reports share them all the time.
CALENDAR: frozenset[str] = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december jan feb mar apr jun jul aug sep sept
    oct nov dec""".split()  # noqa: SIM905
)


def name_hashes(text: str, seed: int) -> U64:
    """Sorted unique content-word hashes (as `document_hashes` gives) of the names in `text`.

    Why: two reports of different events on one topic can share enough topic words to pass the
    story tier's cosine, but they name different people and places; two reports of one event
    name the same ones (`dedupe.core.STORY_MIN_NAMES`).

    >>> text = "Rain hit the town. Later, Mayor Ana Lind's office in Oslo shut on Friday."
    >>> names = name_hashes(text, 1)
    >>> names.tolist() == sorted(hash_tokens(["mayor", "ana", "lind", "oslo"], 1).tolist())
    True
    """
    stop = _stopword_hash_set(seed)
    keys: set[int] = set()
    for name in NAME.findall(text):
        # `document_hashes`' content-word rules, on one word: each name is one WORD match
        word = name.casefold()
        if word in CALENDAR:
            continue
        word = word.replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        key = xxhash.xxh3_64_intdigest(word.encode("utf-8"), seed)
        if len(word) >= 2 and key not in stop:
            keys.add(key)
    return np.array(sorted(keys), dtype=np.uint64)


@lru_cache(maxsize=16)
def _stopword_hash_set(seed: int) -> frozenset[int]:
    """`_stopword_hashes` as a set, for the few words of `name_hashes`: the numpy pipeline of
    `document_hashes` cost about 150 microseconds an article on its dozen names."""
    return frozenset(_stopword_hashes(seed).tolist())


def shingle_hashes(text: str, k: int, seed: int) -> U64:
    """Hashes of the word k-grams of `text`, equal to `hash_tokens(word_shingles(text, k), seed)`.

    >>> text = "The old bridge closed on Monday night."
    >>> bool((shingle_hashes(text, 5, 1) == hash_tokens(word_shingles(text, 5), 1)).all())
    True
    """
    return combine_windows(word_hashes(text, seed), k)


def shingle_hashes_batch(texts: Sequence[str], k: int, seed: int) -> tuple[U64, I64]:
    """`shingle_hashes` of many texts at once: all hashes concatenated, and `len(texts) + 1`
    offsets (text `i` owns `hashes[offsets[i]:offsets[i + 1]]`).

    One numpy combination over the whole batch instead of one per text: the windows that cross
    from one text into the next are computed too and dropped.
    """
    per_text = [word_hashes(t, seed) for t in texts]
    n_words = np.fromiter((h.size for h in per_text), dtype=np.int64, count=len(per_text))
    counts = np.where(n_words >= k, n_words - k + 1, np.minimum(n_words, 1))
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint64)
    if not per_text:
        return out, offsets
    long = n_words >= k
    if long.any():
        words_all = np.concatenate(per_text)
        windows = combine_windows(words_all, k)
        word_start = np.zeros(len(texts), dtype=np.int64)
        np.cumsum(n_words[:-1], out=word_start[1:])
        take = counts * long
        first = np.repeat(word_start - (offsets[:-1]), take)
        positions = np.repeat(offsets[:-1], take) + (
            np.arange(int(take.sum())) - np.repeat(np.cumsum(take) - take, take)
        )
        out[positions] = windows[first + positions]
    for i in np.flatnonzero(~long & (n_words > 0)):
        out[offsets[i]] = combine_windows(per_text[i], k)[0]
    return out, offsets
