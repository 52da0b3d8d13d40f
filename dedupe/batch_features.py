"""`document_features` for a whole batch of texts at once, vectorised over their UTF-8 bytes.

`dedupe.core.document_features` tokenises, hashes and sorts one document at a time: a few dozen
numpy and Python calls of fixed cost per document, one Python call per word to hash it, and on
text past ASCII `regex` and `str.casefold` over each word. `batch_features` does the same work
once per slice of a few hundred kilobytes (`CHUNK_CHARS`), over all its bytes in one array:

* every character is classified by tables of the Basic Multilingual Plane built once from the
  `regex` module's own classes and `str.casefold` (`_tables`): letter, number, upper and lower
  case, blank for the exact key, and its casefold. ASCII bytes are classified by byte
  comparisons; the few longer characters are decoded in numpy and their classes copied to all
  their bytes, so words, blanks and names are runs and tests on bytes (`_Classes`);
* words are the matches of `WORD` (`[\\p{L}\\p{N}]+(?:['’]\\p{L}+)*`), found with shifts of those
  masks (`_word_bounds`), hashed with XXH3 in numpy (`dedupe.hashing.xxh3_64_many`) straight
  from the casefolded bytes; shingles are `dedupe.hashing.combine_windows` over the whole slice,
  and each document's values are sorted and deduplicated by one sort of (document, value) keys;
* the exact key blanks punctuation, symbols and whitespace, cuts each run of blanks to one
  space and hashes each document's bytes with one xxhash call (a loop per document, about a
  microsecond);
* names (`dedupe.shingles.NAME`, a look-behind pattern) are the words of the body that start
  with an upper case letter after one space and a lower case letter, number, comma or semicolon.

A text goes, alone, to the exact per-document path (`text_features`) when it holds a character
these tables do not cover: one past the BMP (emoji, for one), a lone surrogate, or one whose
casefold changes its UTF-8 length ("ß" to "ss", the Kelvin sign to "k"). Why: words are hashed
from the batch's bytes in place, and such a character would move them; a vectorised test (the
`_SLOW` flag) selects those texts. Why not polars' string kernels: its lowercasing is Rust's
(final sigma, no casefold) and its regex has no look-behind and another Unicode version, so its
values would differ from `document_features` past ASCII.

Measured with `benchmarks/bench_features.py` (CPU seconds, best of 3, two runs, a shared and
busy 2-core machine, the same values checked first): 10 MB of `benchmarks/generate.py` news,
`document_features` 14.2 MB per CPU-second, `batch_features` 70.3 (4.9-5.0x); 10 MB of the
shared lined news of issue 18 (web pages in many scripts: 1,103 of 5,253 texts not ASCII, 16
left to the per-document path), 8.1-8.5 against 44.9-51.8 (5.6-6.1x). With the per-document path
for every text not ASCII beyond typographic quotes (the first version), lined news gained 2.0x.
What is left is numpy's cost per call and per element, spread over the steps: hashing the words
about a fifth, the shingles and the story words' sort about a seventh each, the exact key a
tenth, building the per-document list a twentieth; going further needs a compiled kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import regex
import xxhash

from dedupe.arrays import unique
from dedupe.hashing import COMBINE, combine_windows, splitmix64, xxh3_64_many
from dedupe.shingles import CALENDAR, _stopword_hashes, document_hashes, exact_key, name_hashes

U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
A = TypeVar("A", npt.NDArray[np.uint32], npt.NDArray[np.uint64])

# Characters of text vectorised at once. Why: every step makes arrays the size of the slice's
# bytes or words; at a few hundred kilobytes they stay in the CPU's caches, while one pass over
# 10 MB at once took about 1.7x the CPU time of the same work by slices of 100 articles.
CHUNK_CHARS = 1 << 18
SHINGLE_SIZE = 5  # word 5-grams: the common near-duplicate unit (datasketch/text-dedup defaults)

# What one document contributes, computable apart from the others (in a worker process): its
# exact key, its sorted unique word-shingle hashes (low 32 bits), its sorted unique content-word
# hashes, and those of the names in its body (`dedupe.shingles.name_hashes`).
DocumentFeatures = tuple[int, U32, U64, U64]

_SEPARATOR = b"\0"  # between two documents: no word, space or name crosses it


def text_features(text: str, body: str, seed: int) -> DocumentFeatures:
    """The features of one document whose compared text (title and body) is `text` and whose
    body is `body`: what `dedupe.core.document_features` returns, from plain strings.

    Shingle hashes are kept to their low 32 bits (see `dedupe.core.document_features`)."""
    near, story = document_hashes(text, SHINGLE_SIZE, seed)
    names = name_hashes(body, seed)
    return exact_key(text, seed), unique(near.astype(np.uint32)), unique(story), names


@dataclass(frozen=True)
class FeatureColumns:
    """The features of a batch as flat arrays: document `i` owns `near[near_at[i]:near_at[i +
    1]]`, and likewise for `story` and `names`; `exact[i]` is its exact key."""

    exact: U64
    near: U32
    near_at: I64
    story: U64
    story_at: I64
    names: U64
    names_at: I64

    def __len__(self) -> int:
        return int(self.exact.size)

    @classmethod
    def of(cls, features: Sequence[DocumentFeatures]) -> FeatureColumns:
        """Per-document features as columns (`documents` gives them back)."""

        def flat(part: int, dtype: type[np.unsignedinteger[Any]]) -> tuple[Any, I64]:
            arrays = [np.asarray(f[part], dtype=dtype) for f in features]
            sizes = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
            at = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(sizes)])
            return np.concatenate([np.empty(0, dtype=dtype), *arrays]), at

        exact = np.fromiter((f[0] for f in features), dtype=np.uint64, count=len(features))
        return cls(exact, *flat(1, np.uint32), *flat(2, np.uint64), *flat(3, np.uint64))

    def documents(self) -> list[DocumentFeatures]:
        """One `DocumentFeatures` per document, each array a copy (so a kept document does not
        keep the whole batch alive)."""
        exact = self.exact.tolist()
        near, story, names = self.near_at.tolist(), self.story_at.tolist(), self.names_at.tolist()
        return [
            (
                exact[i],
                self.near[near[i] : near[i + 1]].copy(),
                self.story[story[i] : story[i + 1]].copy(),
                self.names[names[i] : names[i + 1]].copy(),
            )
            for i in range(len(exact))
        ]


def batch_features(
    texts: Sequence[str], titles: Sequence[str] | None = None, seed: int = 1
) -> list[DocumentFeatures]:
    """`text_features` of every document, each equal to `dedupe.core.document_features` of a
    document with that body (`texts[i]`) and title (`titles[i]`, "" for none).

    >>> got = batch_features(["Rain fell. Mayor Ana Lind's office shut."], ["Storm"], 1)
    >>> want = text_features("Storm\\nRain fell. Mayor Ana Lind's office shut.",
    ...                      "Rain fell. Mayor Ana Lind's office shut.", 1)
    >>> got[0][0] == want[0] and all((a == b).all() for a, b in zip(got[0][1:], want[1:]))
    True
    """
    titles = _titles(texts, titles)
    found: list[DocumentFeatures] = []
    for lo, hi in _slices(texts):
        found += _slice_columns(texts[lo:hi], titles[lo:hi], seed).documents()
    return found


def batch_columns(
    texts: Sequence[str], titles: Sequence[str] | None = None, seed: int = 1
) -> FeatureColumns:
    """`batch_features` as flat columns (`FeatureColumns`)."""
    titles = _titles(texts, titles)
    parts = [_slice_columns(texts[lo:hi], titles[lo:hi], seed) for lo, hi in _slices(texts)]
    return _concatenate(parts)


def _titles(texts: Sequence[str], titles: Sequence[str] | None) -> Sequence[str]:
    if titles is None:
        return [""] * len(texts)
    if len(titles) != len(texts):
        raise ValueError(f"{len(titles)} titles for {len(texts)} texts")
    return titles


def _slices(texts: Sequence[str]) -> list[tuple[int, int]]:
    """Ranges of texts of about `CHUNK_CHARS` characters each (a longer text is a range alone)."""
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    cuts, lo = [], 0
    while lo < len(texts):
        before = int(ends[lo - 1]) if lo else 0
        hi = max(int(np.searchsorted(ends, before + CHUNK_CHARS, side="right")), lo + 1)
        cuts.append((lo, hi))
        lo = hi
    return cuts


def _slice_columns(texts: Sequence[str], titles: Sequence[str], seed: int) -> FeatureColumns:
    """The features of one slice: by character tables, then the slow texts' by
    `text_features`."""
    columns, slow_rows = _columns(_Batch.of(texts, titles), seed)
    slow = np.flatnonzero(slow_rows).tolist()
    if not slow:
        return columns
    fixed = [
        text_features(f"{titles[i]}\n{texts[i]}" if titles[i] else texts[i], texts[i], seed)
        for i in slow
    ]
    return _replace_rows(columns, slow, fixed)


def _concatenate(parts: Sequence[FeatureColumns]) -> FeatureColumns:
    """The columns of consecutive slices as one."""
    if len(parts) == 1:
        return parts[0]
    start = np.zeros(1, dtype=np.int64)

    def offsets(each: Sequence[I64]) -> I64:
        sizes = [np.diff(at) for at in each]
        return np.concatenate([start, np.cumsum(np.concatenate([start[:0], *sizes]))])

    return FeatureColumns(
        np.concatenate([np.empty(0, np.uint64), *(p.exact for p in parts)]),
        np.concatenate([np.empty(0, np.uint32), *(p.near for p in parts)]),
        offsets([p.near_at for p in parts]),
        np.concatenate([np.empty(0, np.uint64), *(p.story for p in parts)]),
        offsets([p.story_at for p in parts]),
        np.concatenate([np.empty(0, np.uint64), *(p.names for p in parts)]),
        offsets([p.names_at for p in parts]),
    )


@dataclass(frozen=True)
class _Batch:
    """The UTF-8 bytes of a batch's compared texts (title, newline, body, or the body alone),
    one `_SEPARATOR` after each, and where each text and its body start."""

    data: U8
    starts: I64  # len + 1: text i is data[starts[i]:starts[i + 1] - 1]
    bodies: I64  # where each body starts

    @classmethod
    def of(cls, texts: Sequence[str], titles: Sequence[str]) -> _Batch:
        pieces: list[bytes] = []
        title_bytes: list[int] = []
        for text, title in zip(texts, titles, strict=True):
            head = f"{title}\n".encode("utf-8", "surrogatepass") if title else b""
            pieces.append(head + text.encode("utf-8", "surrogatepass"))
            title_bytes.append(len(head))
        data = np.frombuffer(_SEPARATOR.join(pieces) + _SEPARATOR, dtype=np.uint8)
        sizes = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)) + 1
        starts = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=starts[1:])
        return cls(data, starts, starts[:-1] + np.array(title_bytes, dtype=np.int64))


# Bits of `_tables()`'s FLAGS, each a property of one character in the `regex` module's
# Unicode (the module `dedupe.shingles` matches words, names and punctuation with).
_LETTER, _NUMBER, _UPPER, _LOWER, _BLANK, _SLOW = (1 << i for i in range(6))
# What `str.strip` still removes once `normalise` has blanked punctuation and whitespace: the
# space, and the separators U+001C..U+001F, which are not `\s` (a test checks)
_STRIPPED = b" \x1c\x1d\x1e\x1f"


@lru_cache(maxsize=1)
def _tables() -> tuple[U8, npt.NDArray[np.uint16]]:
    """FLAGS and FOLD for every character of the Basic Multilingual Plane (built once, about
    30 ms): FLAGS says whether it is a letter (`\\p{L}`), number (`\\p{N}`), upper or lower case
    letter (`\\p{Lu}`, `\\p{Ll}`: names), an exact-key blank (its casefold is punctuation, a
    symbol or whitespace: `normalise`), or needs the per-document path (its casefold is
    several characters, as "ß", or it is a surrogate). FOLD is its casefold, with ’ made ' (as
    `dedupe.shingles._folded` does).

    Why tables: the per-document path matches words with `regex`/`re` and folds with
    `str.casefold`; one look-up per character past ASCII gives the same answers for a batch.
    """
    size = 0x10000
    chars = [chr(c) for c in range(size)]
    folds = [c.casefold() for c in chars]
    flags = np.zeros(size, dtype=np.uint8)
    fold = np.arange(size, dtype=np.uint16)
    text = "".join(chars)

    def where(pattern: str) -> I64:
        return np.array([m.start() for m in regex.finditer(pattern, text)], dtype=np.int64)

    for bit, pattern in ((_LETTER, r"\p{L}"), (_NUMBER, r"\p{N}"), (_UPPER, r"\p{Lu}")):
        flags[where(pattern)] |= bit
    flags[where(r"\p{Ll}")] |= _LOWER
    blank = np.zeros(size, dtype=np.bool_)
    blank[where(r"[\p{P}\p{S}]")] = True
    blank[where(r"\s")] = True
    single = np.array([len(f) == 1 for f in folds])
    fold[single] = [ord(f) for f, one in zip(folds, single, strict=True) if one]
    flags[blank[fold] & single] |= _BLANK
    flags[~single] |= _SLOW
    flags[0xD800:0xE000] |= _SLOW
    fold[ord("’")] = ord("'")
    return flags, fold


def _apostrophes(batch: _Batch) -> tuple[U8, I64, I64]:
    """The batch's bytes with each right single quote (’, 3 bytes) made an ASCII apostrophe,
    and the text and body starts moved to match.

    Why: `WORD` and `NAME` read ' and ’ alike, `_folded` turns ’ into ', and both are
    punctuation for the exact key; once ’ is ', every character a word holds keeps its UTF-8
    length through casefolding (`_SLOW` marks those that do not), so words are hashed straight
    from the batch's bytes."""
    data, starts, bodies = batch.data, batch.starts, batch.bodies
    lead = np.flatnonzero(data[: max(data.size - 2, 0)] == np.uint8(0xE2))
    found = lead[(data[lead + 1] == np.uint8(0x80)) & (data[lead + 2] == np.uint8(0x99))]
    if not found.size:
        return data, starts, bodies
    data = data.copy()
    data[found] = ord("'")
    drop = np.concatenate([found + 1, found + 2])
    drop.sort()
    data = np.delete(data, drop)
    return data, starts - np.searchsorted(drop, starts), bodies - np.searchsorted(drop, bodies)


@dataclass(frozen=True)
class _Classes:
    """What each byte of a batch is, as the character it belongs to: letter, number, upper and
    lower case letter, exact-key blank; the casefolded bytes; where a character needs the
    per-document path."""

    letter: Mask
    number: Mask
    upper: Mask
    lower: Mask
    blank: Mask
    folded: U8
    slow: I64

    @classmethod
    def of(cls, data: U8) -> _Classes:
        """ASCII by byte comparisons; each longer character decoded (only those: the
        arithmetic of its two or three bytes), its `_tables()` flags copied to all its bytes,
        and its casefold written over it when it has as many UTF-8 bytes (else, as past the
        BMP, it is slow).

        Why comparisons: on a slice of 430 kB one comparison took 7 microseconds, a 256-entry
        table look-up 420 and a masked assignment 1,100 (numpy 2.4)."""
        upper, lower = _within(data, 65, 90), _within(data, 97, 122)
        number = _within(data, 48, 57)
        letter = upper | lower
        # ASCII punctuation, symbols and whitespace (a test compares them with `_tables()`)
        blank = (
            _within(data, 9, 13)
            | _within(data, 32, 47)
            | _within(data, 58, 64)
            | _within(data, 91, 96)
            | _within(data, 123, 126)
        )
        folded = data | (upper.view(np.uint8) << np.uint8(5))
        lead = np.flatnonzero(data >= np.uint8(0xC0))
        if not lead.size:
            return cls(letter, number, upper, lower, blank, folded, lead)
        flag_table, fold_table = _tables()
        first = data[lead].astype(np.int64)
        second = data[lead + 1].astype(np.int64) & 0x3F
        third = data[np.minimum(lead + 2, data.size - 1)].astype(np.int64) & 0x3F
        three = first >= 0xE0
        point = np.where(
            three, ((first & 0x0F) << 12) | (second << 6) | third, ((first & 0x1F) << 6) | second
        )
        char = flag_table[point]
        fold = fold_table[point].astype(np.int64)
        size = np.where(fold >= 0x800, 3, np.where(fold >= 0x80, 2, 1))
        slow = ((char & _SLOW) != 0) | (first >= 0xF0) | (size != np.where(three, 3, 2))
        for mask, bit in (
            (letter, _LETTER),
            (number, _NUMBER),
            (upper, _UPPER),
            (lower, _LOWER),
            (blank, _BLANK),
        ):
            has = (char & bit) != 0
            mask[lead] = has
            mask[lead + 1] = has
            mask[lead[three] + 2] = has[three]
        changed = np.flatnonzero((fold != point) & ~slow)
        if changed.size:
            at, fold, wide = lead[changed], fold[changed], three[changed]
            folded[at] = np.where(wide, 0xE0 | (fold >> 12), 0xC0 | (fold >> 6))
            folded[at + 1] = np.where(wide, 0x80 | ((fold >> 6) & 0x3F), 0x80 | (fold & 0x3F))
            folded[at[wide] + 2] = 0x80 | (fold[wide] & 0x3F)
        return cls(letter, number, upper, lower, blank, folded, lead[slow])


def _within(data: U8, low: int, high: int) -> Mask:
    """Whether each byte is in `low..high`: one subtraction (wrapping) and one comparison."""
    inside: Mask = (data - np.uint8(low)) <= np.uint8(high - low)
    return inside


def _columns(batch: _Batch, seed: int) -> tuple[FeatureColumns, Mask]:
    """The features of every text of `batch` by character classes, and which texts must take
    the per-document path instead (their features here are wrong)."""
    data, starts, bodies = _apostrophes(batch)
    n_docs = starts.size - 1
    classes = _Classes.of(data)
    folded = classes.folded
    slow = np.zeros(n_docs, dtype=np.bool_)
    slow[np.searchsorted(starts, classes.slow, side="right") - 1] = True
    exact = _exact_keys(folded, classes.blank, starts, seed)
    letter, number = classes.letter, classes.number
    first, end = _word_bounds(data == np.uint8(ord("'")), letter, number, letter | number)
    counts = np.diff(np.searchsorted(first, starts))
    word_doc = np.repeat(np.arange(n_docs), counts)
    lengths = end - first
    hashes = xxh3_64_many(folded, first, lengths, seed)
    near, near_at = _near(hashes, word_doc, counts)
    # content words (`dedupe.shingles.document_hashes`): a possessive "'s" cut, at least two
    # characters (bytes less continuation bytes), not a stopword (by hash, as there)
    chars = lengths.copy()
    if (data >= np.uint8(0x80)).any():
        continuation = np.zeros(data.size + 1, dtype=np.int64)
        np.cumsum(_within(data, 0x80, 0xBF), out=continuation[1:])
        chars -= continuation[end] - continuation[first]
    possessive = np.flatnonzero(
        (folded[end - 1] == ord("s")) & (folded[np.maximum(end - 2, 0)] == ord("'"))
    )
    possessive = possessive[lengths[possessive] >= 2]
    tokens = hashes.copy()
    tokens[possessive] = xxh3_64_many(folded, first[possessive], lengths[possessive] - 2, seed)
    chars[possessive] -= 2
    keep = (chars >= 2) & ~_stopword_set(seed).contains(tokens)
    content = np.flatnonzero(keep)
    story, story_at = _unique64(tokens[content], word_doc[content], n_docs)
    # names (`dedupe.shingles.NAME`): a content word of the body starting with an upper case
    # letter after exactly one space, itself after a lower case letter, a number, a comma or a
    # semicolon (the last byte of a longer character carries its classes); not a calendar word.
    # Found among the bytes first (comparisons of shifted masks), then matched to their words.
    space = data[1:-1] == np.uint8(ord(" "))
    after = classes.lower[:-2] | number[:-2] | (data[:-2] == ord(",")) | (data[:-2] == ord(";"))
    start = np.flatnonzero(classes.upper[2:] & space & after) + 2
    word = np.searchsorted(first, start)  # each such byte starts a word: the space before it
    named = word[(start - 2 >= bodies[word_doc[word]]) & keep[word]]
    named = named[~_calendar_set(seed).contains(hashes[named])]
    names, names_at = _unique64(tokens[named], word_doc[named], n_docs)
    return FeatureColumns(exact, near, near_at, story, story_at, names, names_at), slow


def _exact_keys(folded: U8, blank: Mask, starts: I64, seed: int) -> U64:
    """`dedupe.shingles.exact_key` of every text: the casefolded bytes with each run of blank
    characters (punctuation, symbols, whitespace: all their bytes are blank) made one space;
    each text's bytes, stripped of spaces and U+001C..U+001F at both ends (a copy of a few
    kilobytes), hashed with one xxhash call."""
    # blanks made spaces by arithmetic: a masked assignment cost 30 times as much
    kept = folded ^ ((folded ^ np.uint8(32)) & (np.uint8(0) - blank.view(np.uint8)))
    repeated = blank[1:] & blank[:-1]  # a blank after a blank (never the first)
    cut = np.flatnonzero(repeated) + 1
    data = kept[np.concatenate([[True], ~repeated])].tobytes()
    dropped = np.searchsorted(cut, starts)  # blanks dropped before each text
    begins, ends = starts[:-1] - dropped[:-1], starts[1:] - 1 - dropped[1:]  # before separators
    return np.fromiter(
        (
            xxhash.xxh3_64_intdigest(data[a:b].strip(_STRIPPED), seed)
            for a, b in zip(begins.tolist(), ends.tolist(), strict=True)
        ),
        dtype=np.uint64,
        count=len(begins),
    )


def _word_bounds(apostrophe: Mask, letter: Mask, number: Mask, alnum: Mask) -> tuple[I64, I64]:
    """First and one-past-last character of every word: the matches of
    `[\\p{L}\\p{N}]+(?:['’]\\p{L}+)*` (`dedupe.shingles.WORD`).

    An apostrophe belongs to a word when a letter or number is before it and a letter after
    it. A number right after such an apostrophe's letters starts a new word (the group takes
    letters only, and the next match begins at the number)."""
    inner = np.zeros_like(alnum)
    inner[1:-1] = apostrophe[1:-1] & alnum[:-2] & letter[2:]
    inside = alnum | inner
    edge = np.empty_like(inside)
    edge[0] = inside[0]
    edge[1:] = inside[1:] != inside[:-1]
    bounds = np.flatnonzero(edge)
    starts, ends = bounds[0::2], bounds[1::2]
    if inner.any():
        # a number whose nearest non-letter before it is an inner apostrophe
        after = np.flatnonzero(number[1:] & letter[:-1]) + 1
        if after.size:
            not_letter = np.flatnonzero(~letter)
            before = np.searchsorted(not_letter, after) - 1
            after, before = after[before >= 0], not_letter[before[before >= 0]]
            split = after[inner[before]]
            if split.size:
                starts = np.sort(np.concatenate([starts, split]))
                ends = np.sort(np.concatenate([ends, split]))
    return starts, ends


def _near(hashes: U64, word_doc: I64, counts: I64) -> tuple[U32, I64]:
    """Every text's sorted unique shingle hashes (low 32 bits), as `document_features` gives:
    windows of `SHINGLE_SIZE` words inside one text, or one hash of all the words of a text
    with fewer."""
    n_docs = counts.size
    windows = combine_windows(hashes, SHINGLE_SIZE)
    if hashes.size < SHINGLE_SIZE:  # fewer words in the batch than a window: none is whole
        windows = windows[:0]
    whole = word_doc[: windows.size] == word_doc[SHINGLE_SIZE - 1 :][: windows.size]
    values, owners = [windows[whole]], [word_doc[: windows.size][whole]]
    first = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(counts, out=first[1:])
    for size in range(1, SHINGLE_SIZE):  # texts of fewer words: one hash of all of them
        docs = np.flatnonzero(counts == size)
        if docs.size:
            at = first[docs][:, None] + np.arange(size)
            acc = hashes[at[:, 0]].copy()
            for j in range(1, size):
                acc = acc * np.uint64(COMBINE) + hashes[at[:, j]]
            short = acc if size == 1 else splitmix64(acc)
            values.append(short)
            owners.append(docs)
    low = np.concatenate(values).astype(np.uint32)
    return _unique32(low, np.concatenate(owners), n_docs)


def _unique32(values: U32, owners: I64, n_docs: int) -> tuple[U32, I64]:
    """Each document's values sorted and deduplicated, concatenated, and `n_docs + 1` offsets:
    one sort of (document, value) as uint64 keys.

    Why not `np.unique`: in numpy 2 it uses a hash table, about 1 s on 1.6 million values where
    the sort takes 10 ms."""
    if not values.size:
        return values, np.zeros(n_docs + 1, dtype=np.int64)
    keys = np.sort((owners.astype(np.uint64) << np.uint64(32)) | values.astype(np.uint64))
    keys = keys[_fresh(keys)]
    return (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32), _offsets(keys, n_docs)


def _unique64(values: U64, owners: I64, n_docs: int) -> tuple[U64, I64]:
    """`_unique32` for 64-bit values: each value is ranked among the batch's distinct values
    (one argsort; in a batch of a few hundred kilobytes it is cache-resident and beat a hashed
    look-up of each value), and (document, rank) sorted as uint64 keys."""
    if not values.size:
        return values, np.zeros(n_docs + 1, dtype=np.int64)
    order = np.argsort(values)
    ranked = values[order]
    fresh = _fresh(ranked)
    rank = np.empty(values.size, dtype=np.uint64)
    rank[order] = np.cumsum(fresh, dtype=np.uint64) - np.uint64(1)
    keys = np.sort((owners.astype(np.uint64) << np.uint64(32)) | rank)
    keys = keys[_fresh(keys)]
    found: U64 = ranked[fresh][(keys & np.uint64(0xFFFFFFFF)).astype(np.int64)]
    return found, _offsets(keys, n_docs)


def _fresh(ordered: U64) -> Mask:
    """Whether each value of a sorted array differs from the one before it."""
    fresh = np.ones(ordered.size, dtype=np.bool_)
    fresh[1:] = ordered[1:] != ordered[:-1]
    return fresh


def _offsets(keys: U64, n_docs: int) -> I64:
    """Where each document's values start in `keys` (document in the high 32 bits), and the end."""
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    counts = np.bincount((keys >> np.uint64(32)).astype(np.int64), minlength=n_docs)
    np.cumsum(counts, out=offsets[1:])
    return offsets


class _HashSet:
    """A fixed set of 64-bit hashes with a membership test of one gather and one comparison.

    Why: about 45 % of a text's words are stopwords, each looked up; a binary search cost about
    25 ms per million words. The set's values sit in a table at the slot some 14 of their bits
    give, chosen so that no two share a slot (the hashes are random, so some bit range does);
    an empty slot holds a value whose own bits name another slot, so nothing matches it."""

    def __init__(self, values: U64) -> None:
        values = unique(values)
        self.values = values
        self.bits = max(int(values.size).bit_length() + 6, 8)
        mask = (1 << self.bits) - 1
        for shift in range(64 - self.bits + 1):
            slots = (values >> np.uint64(shift)) & np.uint64(mask)
            if unique(slots).size == values.size:
                break
        else:  # pragma: no cover - about 2**-60 for a few hundred random hashes
            raise ValueError("no collision-free slot bits for this set")
        self.shift, self.mask = np.uint64(shift), np.uint64(mask)
        empty = (np.arange(1 << self.bits, dtype=np.uint64) + np.uint64(1)) & self.mask
        self.table = empty << self.shift
        self.table[slots.astype(np.int64)] = values

    def contains(self, hashes: U64) -> Mask:
        """Whether each hash is in the set."""
        slots = ((hashes >> self.shift) & self.mask).astype(np.intp)
        found: Mask = self.table[slots] == hashes
        return found


@lru_cache(maxsize=16)
def _stopword_set(seed: int) -> _HashSet:
    return _HashSet(_stopword_hashes(seed))


@lru_cache(maxsize=16)
def _calendar_set(seed: int) -> _HashSet:
    """`CALENDAR`'s words, which `name_hashes` skips, by hash (it compares strings: the same
    words, as two different short words' 64-bit hashes never collide in practice)."""
    return _HashSet(
        np.array([xxhash.xxh3_64_intdigest(w.encode(), seed) for w in CALENDAR], np.uint64)
    )


def _replace_rows(
    columns: FeatureColumns, rows: Sequence[int], fixed: Sequence[DocumentFeatures]
) -> FeatureColumns:
    """`columns` with the features of `rows` (ascending) replaced by `fixed`."""
    exact = columns.exact.copy()
    exact[list(rows)] = [f[0] for f in fixed]
    near, near_at = _splice(columns.near, columns.near_at, rows, [f[1] for f in fixed])
    story, story_at = _splice(columns.story, columns.story_at, rows, [f[2] for f in fixed])
    names, names_at = _splice(columns.names, columns.names_at, rows, [f[3] for f in fixed])
    return FeatureColumns(exact, near, near_at, story, story_at, names, names_at)


def _splice(data: A, at: I64, rows: Sequence[int], values: Sequence[A]) -> tuple[A, I64]:
    """Flat per-document arrays with the arrays of `rows` (ascending) replaced by `values`."""
    pieces, sizes, done = [], np.diff(at), 0
    for row, value in zip(rows, values, strict=True):
        pieces += [data[at[done] : at[row]], value.astype(data.dtype)]
        sizes[row] = value.size
        done = row + 1
    pieces.append(data[at[done] :])
    offsets = np.zeros(at.size, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    spliced: A = np.concatenate(pieces)
    return spliced, offsets
