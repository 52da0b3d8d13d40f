"""`document_features` for a whole batch of texts at once, vectorised over their UTF-8 bytes.

`dedupe.core.document_features` tokenises, hashes and sorts one document at a time: about
3 microseconds of fixed cost in each of a few dozen numpy and Python calls per document, plus one
Python call per word to hash it. `batch_features` does the same work once per batch, over all
the batch's bytes in one numpy array:

* the typographic quotes, dashes and no-break spaces that the per-document fast paths map are
  mapped here too (one vectorised replacement), so a text is on the batch path exactly when it
  is on both per-document ASCII fast paths (`dedupe.shingles._as_ascii`);
* words are the runs of `[a-z0-9]` bytes with the apostrophes `[a-z0-9]+(?:'[a-z]+)*` keeps,
  found with byte comparisons and shifts (`_word_bounds`);
* words are hashed with XXH3 in numpy (`dedupe.hashing.xxh3_64_many`), shingles combined with
  `dedupe.hashing.combine_windows` over the whole batch, and every document's values sorted and
  deduplicated by one sort of (document, value) keys;
* the exact key folds case, punctuation and whitespace with byte masks and hashes each
  document's folded bytes with one xxhash call (a loop per document, about 1 microsecond);
* names (`dedupe.shingles.NAME`, a look-behind pattern) are the words of the body that start
  with A-Z after one real space and a lowercase letter, digit, comma or semicolon.

A text that is not ASCII once those typographic characters are mapped goes, alone, to the exact
per-document path (`text_features`). Why: Python's `str.casefold`, Unicode `\\s`, `\\p{L}` and
`\\p{N}` differ from byte rules (and from polars' Rust lowercasing: final sigma, "ß", Turkish
dotted I) on exactly those characters, and the equality with `document_features` must hold for
every text; a vectorised test (any byte >= 0x80 left) selects them.

Measured with `benchmarks/bench_features.py` on 10 MB of `benchmarks/generate.py` news (4,500
articles, all on the byte path), in CPU seconds on a shared 2-core machine: `document_features`
13.2 MB per CPU-second, `batch_features` 57.8 (4.4x).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import xxhash

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

# Typographic characters the per-document fast paths map, as UTF-8 (`dedupe.shingles._TYPOGRAPHIC`):
# the right single quote becomes an apostrophe, the others a blank that is not a space.
_APOSTROPHE = "\u2019".encode()
_BLANKED = tuple(c.encode() for c in "\u201c\u201d\u2018\u2013\u2014\u2026\u00a0")
# Stands for a blanked typographic character: a word break and exact-key whitespace, but not the
# plain space of `NAME`'s look-behind. 0xFF never occurs in UTF-8, so it cannot be confused.
_TYPO = 0xFF
_SEPARATOR = b"\0"  # between two documents: no word, space or name crosses it
_SPACES = b" \t\n\r\x0b\x0c"  # what `bytes.split()` splits on
_STRIPPED = b" \x1c\x1d\x1e\x1f"  # what `exact_key`'s fast path strips from both ends
_PUNCTUATION = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"  # string.punctuation: blanked by exact_key


def text_features(text: str, body: str, seed: int) -> DocumentFeatures:
    """The features of one document whose compared text (title and body) is `text` and whose
    body is `body`: what `dedupe.core.document_features` returns, from plain strings.

    Shingle hashes are kept to their low 32 bits (see `dedupe.core.document_features`)."""
    near, story = document_hashes(text, SHINGLE_SIZE, seed)
    names = name_hashes(body, seed)
    return exact_key(text, seed), np.unique(near.astype(np.uint32)), np.unique(story), names


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

    The arrays are views into one array per slice of `CHUNK_CHARS` (whoever keeps them copies
    them: `FeatureSpill` does, and so does pickling them to another process).

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
    """The features of one slice: by byte rules, then the slow texts' by `text_features`."""
    batch = _Batch.of(texts, titles)
    columns = _columns(batch, seed)
    slow = np.flatnonzero(batch.slow).tolist()
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
    """The UTF-8 bytes of a batch's compared texts (title, newline, body, or the body alone)
    with the typographic characters mapped, one `_SEPARATOR` after each; where each text and
    its body start; and which texts need the per-document path."""

    data: U8
    starts: I64  # len + 1: text i is data[starts[i]:starts[i + 1] - 1]
    bodies: I64  # where each body starts
    slow: Mask

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
        del pieces
        starts = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=starts[1:])
        data, starts, heads = _map_typographic(data, starts, np.array(title_bytes, np.int64))
        wide = np.flatnonzero((data >= 0x80) & (data != _TYPO))
        slow = np.zeros(len(sizes), dtype=np.bool_)
        slow[np.searchsorted(starts, wide, side="right") - 1] = True
        return cls(data, starts, starts[:-1] + heads, slow)


def _map_typographic(data: U8, starts: I64, heads: I64) -> tuple[U8, I64, I64]:
    """`data` with each right single quote made an apostrophe and each other typographic
    character `_TYPO`, one byte each, and the text starts and title lengths moved to match."""
    if not (data >= 0x80).any():
        return data, starts, heads
    out = data.copy()
    drops = []
    for character in (_APOSTROPHE, *_BLANKED):
        found = _find(data, character)
        out[found] = ord("'") if character == _APOSTROPHE else _TYPO
        drops += [found + extra for extra in range(1, len(character))]
    drop = np.sort(np.concatenate(drops))
    if not drop.size:
        return out, starts, heads
    before = np.searchsorted(drop, starts)  # bytes dropped before each text
    body = np.searchsorted(drop, starts[:-1] + heads)
    return np.delete(out, drop), starts - before, heads - (body - before[:-1])


def _find(data: U8, needle: bytes) -> I64:
    """Where `needle` (a 2- or 3-byte UTF-8 character) starts in `data`: its lead byte is never
    a continuation byte, so every match is a whole character."""
    at = np.flatnonzero(data[: data.size - len(needle) + 1] == needle[0])
    for offset in range(1, len(needle)):
        at = at[data[at + offset] == needle[offset]]
    return at


def _in(data: U8, values: bytes) -> Mask:
    """Whether each byte is one of `values` (a lookup table: one gather)."""
    table = np.zeros(256, dtype=np.bool_)
    table[list(values)] = True
    found: Mask = table[data]
    return found


def _between(data: U8, low: int, high: int) -> Mask:
    """Whether each byte is in `low..high` (one subtraction and one comparison)."""
    inside: Mask = (data - np.uint8(low)) <= np.uint8(high - low)
    return inside


def _columns(batch: _Batch, seed: int) -> FeatureColumns:
    """The features of every text of `batch` by byte rules (the slow texts' are wrong)."""
    data, starts = batch.data, batch.starts
    n_docs = starts.size - 1
    upper = _between(data, 65, 90)
    lowered = data | (upper.view(np.uint8) << np.uint8(5))
    letter = _between(lowered, 97, 122)
    digit = _between(lowered, 48, 57)
    alnum = letter | digit
    exact = _exact_keys(data, starts, seed)
    word_start, word_end = _word_bounds(lowered, letter, digit, alnum)
    del letter, digit, alnum
    counts = np.diff(np.searchsorted(word_start, starts))
    word_doc = np.repeat(np.arange(n_docs), counts)
    lengths = word_end - word_start
    hashes = xxh3_64_many(lowered, word_start, lengths, seed)
    near, near_at = _near(hashes, word_doc, counts)
    # content words (`dedupe.shingles.document_hashes`): a possessive "'s" cut, at least two
    # characters (ASCII: bytes), not a stopword (by hash, as there)
    possessive = np.flatnonzero(
        (lowered[word_end - 1] == ord("s")) & (lowered[np.maximum(word_end - 2, 0)] == ord("'"))
    )
    possessive = possessive[lengths[possessive] >= 2]
    tokens = hashes.copy()
    tokens[possessive] = xxh3_64_many(
        lowered, word_start[possessive], lengths[possessive] - 2, seed
    )
    chars = lengths.copy()
    chars[possessive] -= 2
    content = np.flatnonzero(chars >= 2)
    content = content[~_stopword_set(seed).contains(tokens[content])]
    story, story_at = _unique64(tokens[content], word_doc[content], n_docs)
    # names (`dedupe.shingles.NAME`): a content word of the body starting with A-Z after exactly
    # one space, itself after a lowercase letter, digit, comma or semicolon; not a calendar word
    first = word_start[content]
    named = content[
        upper[first]
        & (first - 2 >= batch.bodies[word_doc[content]])
        & (data[first - 1] == ord(" "))
    ]
    before = data[word_start[named] - 2]
    named = named[
        _between(before, 97, 122)
        | _between(before, 48, 57)
        | (before == ord(","))
        | (before == ord(";"))
    ]
    named = named[~_calendar_set(seed).contains(hashes[named])]
    names, names_at = _unique64(tokens[named], word_doc[named], n_docs)
    return FeatureColumns(exact, near, near_at, story, story_at, names, names_at)


# `exact_key`'s fast path byte by byte: A-Z lowercased; ASCII punctuation, whitespace and the
# typographic stand-in blanked to a space; every other byte (letters, digits, controls) kept.
# Bytes >= 0x80 other than the stand-in are in slow texts only, whose keys are replaced.
_EXACT_FOLD = np.array(
    [
        c | 0x20 if 65 <= c <= 90 else 32 if c in _PUNCTUATION + _SPACES or c >= 0x80 else c
        for c in range(256)
    ],
    dtype=np.uint8,
)


def _exact_keys(data: U8, starts: I64, seed: int) -> U64:
    """`dedupe.shingles.exact_key` of every text: case folded and punctuation blanked by one
    table look-up, runs of blanks cut to one, then each text's bytes, stripped of spaces and
    U+001C..U+001F at both ends (a copy of a few kilobytes), hashed with one xxhash call."""
    folded = _EXACT_FOLD[data]
    blank = folded == ord(" ")
    repeated = blank[1:] & blank[:-1]  # a blank after a blank: dropped (never the first byte)
    cut = np.flatnonzero(repeated) + 1
    folded = np.delete(folded, cut)
    dropped = np.searchsorted(cut, starts)  # blanks dropped before each text
    begins = (starts[:-1] - dropped[:-1]).tolist()
    ends = (starts[1:] - 1 - dropped[1:]).tolist()  # a separator ends each text: never dropped
    text = folded.tobytes()
    return np.fromiter(
        (
            xxhash.xxh3_64_intdigest(text[a:b].strip(_STRIPPED), seed)
            for a, b in zip(begins, ends, strict=True)
        ),
        dtype=np.uint64,
        count=len(ends),
    )


def _word_bounds(lowered: U8, letter: Mask, digit: Mask, alnum: Mask) -> tuple[I64, I64]:
    """Start and end (one past) of every word: the matches of `[a-z0-9]+(?:'[a-z]+)*` in the
    lowercased bytes (the ASCII fast path of `dedupe.shingles._word_bytes`).

    An apostrophe belongs to a word when an alphanumeric byte is before it and a letter after
    it. A digit right after such an apostrophe's letters starts a new word (the group takes
    letters only, and the next match begins at the digit)."""
    inner = np.zeros_like(alnum)
    inner[1:-1] = (lowered[1:-1] == ord("'")) & alnum[:-2] & letter[2:]
    inside = alnum | inner
    edge = np.empty_like(inside)
    edge[0] = inside[0]
    edge[1:] = inside[1:] != inside[:-1]
    bounds = np.flatnonzero(edge)
    starts, ends = bounds[0::2], bounds[1::2]
    if inner.any():
        # a digit whose nearest non-letter before it is an inner apostrophe
        digit_at = np.flatnonzero(digit[1:] & letter[:-1]) + 1
        if digit_at.size:
            not_letter = np.flatnonzero(~letter)
            before = np.searchsorted(not_letter, digit_at) - 1
            digit_at, before = digit_at[before >= 0], not_letter[before[before >= 0]]
            split = digit_at[inner[before]]
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
    last = np.arange(windows.size) + SHINGLE_SIZE - 1
    whole = word_doc[: windows.size] == word_doc[last]
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
        values = np.unique(values)
        self.values = values
        self.bits = max(int(values.size).bit_length() + 6, 8)
        mask = (1 << self.bits) - 1
        for shift in range(64 - self.bits + 1):
            slots = (values >> np.uint64(shift)) & np.uint64(mask)
            if np.unique(slots).size == values.size:
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
