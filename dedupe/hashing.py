"""The one token hash every tier uses, and the numpy mixing functions built on it.

A token is a word or a word k-gram (words joined by single spaces). Its hash (`hash64`):

* one word: seeded xxh3-64 of its UTF-8 bytes;
* several words: `splitmix64` of the Horner combination `((h1 * M + h2) * M + ...) + hk`
  (mod 2^64, M = `COMBINE`) of the words' seeded xxh3-64.

Why not xxh3 of the whole 5-gram string, as before: every word of a text is in five 5-grams, so
hashing the strings hashes each word five times and builds a string per shingle in Python. Hashing
each word once and combining the word hashes with numpy array arithmetic (`combine_windows`) gives
all of a document's shingle hashes without a Python call per shingle. The combination is
injective in each position (M is odd, so changing one word always changes the sum) and the
splitmix64 finaliser spreads it over all 64 bits, so two different shingles collide with about the
2^-64 chance of any good 64-bit hash.

`hash64` is the same function as a plain Python call on bytes: give `hash32` to datasketch as its
`hashfunc` and its `MinHash` equals `dedupe.minhash.minhash` value for value.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import xxhash

U64 = npt.NDArray[np.uint64]

MASK64 = (1 << 64) - 1
# Horner multiplier for word hashes: the 64-bit golden ratio (odd, bits well spread), as in
# splitmix64 and Fibonacci hashing.
COMBINE = 0x9E3779B97F4A7C15
_COMBINE = np.uint64(COMBINE)

# splitmix64 (Steele, Lea & Flood 2014): a cheap, well-mixed 64-bit finaliser.
_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB


def splitmix64(x: U64) -> U64:
    """splitmix64 finaliser, element-wise (uint64 arithmetic wraps, as intended)."""
    z = x + np.uint64(_GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
    result: U64 = z ^ (z >> np.uint64(31))
    return result


def splitmix64_int(x: int) -> int:
    """`splitmix64` on one Python int (the reference the numpy version must equal)."""
    z = (x + _GOLDEN) & MASK64
    z = ((z ^ (z >> 30)) * _MIX1) & MASK64
    z = ((z ^ (z >> 27)) * _MIX2) & MASK64
    return z ^ (z >> 31)


def hash64(token: bytes, seed: int = 1) -> int:
    """Seeded 64-bit hash of a token; words are separated by single spaces (b" ").

    >>> hash64(b"harbour", 1) == xxhash.xxh3_64_intdigest(b"harbour", 1)
    True
    >>> hash64(b"the harbour", 1) != hash64(b"harbour the", 1)
    True
    """
    if b" " not in token:
        return int(xxhash.xxh3_64_intdigest(token, seed))
    acc = 0
    for word in token.split(b" "):
        acc = (acc * COMBINE + xxhash.xxh3_64_intdigest(word, seed)) & MASK64
    return splitmix64_int(acc)


def hash32(data: bytes, seed: int = 1) -> int:
    """The low 32 bits of `hash64`: the `hashfunc` to give datasketch for equal signatures.

    >>> hash32(b"a b c d e", seed=1) == hash32(b"a b c d e", seed=1) < 2**32
    True
    """
    return hash64(data, seed) & 0xFFFFFFFF


def combine_windows(word_hashes: U64, k: int) -> U64:
    """`hash64` of every run of `k` consecutive words, from the words' hashes (array arithmetic).

    Fewer than `k` words give one hash of all of them, like `dedupe.shingles.word_shingles`.

    >>> h = np.array([xxhash.xxh3_64_intdigest(w, 1) for w in b"a b c d".split()], np.uint64)
    >>> combine_windows(h, 3).tolist() == [hash64(b"a b c", 1), hash64(b"b c d", 1)]
    True
    """
    n = int(word_hashes.size)
    if n == 0:
        return np.empty(0, dtype=np.uint64)
    width = min(k, n)
    if width == 1:
        return word_hashes.astype(np.uint64, copy=True)
    m = n - width + 1
    acc = word_hashes[:m].copy()
    for j in range(1, width):
        acc *= _COMBINE
        acc += word_hashes[j : j + m]
    return splitmix64(acc)
