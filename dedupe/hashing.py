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
I64 = npt.NDArray[np.int64]

MASK64 = (1 << 64) - 1
# Horner multiplier for word hashes: the 64-bit golden ratio (odd, bits well spread), as in
# splitmix64 and Fibonacci hashing.
COMBINE = 0x9E3779B97F4A7C15
_COMBINE = np.uint64(COMBINE)

# splitmix64 (Steele, Lea & Flood 2014): a cheap, well-mixed 64-bit finaliser.
_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB


def splitmix64(x: U64, offset: int = 0) -> U64:
    """splitmix64 finaliser, element-wise (uint64 arithmetic wraps, as intended); of `x +
    offset` when given, with the two additions made as one (the same sums, modulo 2**64)."""
    z = x + np.uint64((_GOLDEN + offset) & MASK64)  # a new array; the rest in place
    z ^= z >> np.uint64(30)
    z *= np.uint64(_MIX1)
    z ^= z >> np.uint64(27)
    z *= np.uint64(_MIX2)
    z ^= z >> np.uint64(31)
    return z


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


# XXH3's default secret (the first 128 of its 192 bytes: all that inputs of up to 128 bytes read),
# from the reference implementation (xxhash.h, XXH3_kSecret).
_XXH3_SECRET = bytes.fromhex(
    "b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f"
    "cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c"
    "3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8"
    "a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364"
)
_PRIME64_1 = np.uint64(0x9E3779B185EBCA87)
_PRIME64_2 = np.uint64(0xC2B2AE3D27D4EB4F)
_PRIME64_3 = np.uint64(0x165667B19E3779F9)
_PRIME_MX1 = np.uint64(0x165667919E3779F9)
_PRIME_MX2 = np.uint64(0x9FB21C651E98DF25)
_LOW32 = np.uint64(0xFFFFFFFF)
# Longest input `xxh3_64_many` hashes in numpy: XXH3 reads inputs up to 128 bytes in 16-byte
# lanes of one secret; longer ones take other paths, left to the xxhash package.
XXH3_NUMPY_MAX = 128


def _secret64(at: int) -> int:
    return int.from_bytes(_XXH3_SECRET[at : at + 8], "little")


def _sh(x: U64, n: int) -> U64:
    shifted: U64 = x >> np.uint64(n)
    return shifted


def _rotl(x: U64, n: int) -> U64:
    rotated: U64 = (x << np.uint64(n)) | (x >> np.uint64(64 - n))
    return rotated


def _mul128_fold64(a: U64, b: U64) -> U64:
    """The low 64 bits of `a * b` (128-bit product) xor its high 64 bits, in 32-bit halves."""
    a_lo, a_hi, b_lo, b_hi = a & _LOW32, _sh(a, 32), b & _LOW32, _sh(b, 32)
    lo_lo, hi_lo = a_lo * b_lo, a_hi * b_lo
    cross = _sh(lo_lo, 32) + (hi_lo & _LOW32) + a_lo * b_hi
    upper = _sh(hi_lo, 32) + _sh(cross, 32) + a_hi * b_hi
    lower = (cross << np.uint64(32)) | (lo_lo & _LOW32)
    folded: U64 = lower ^ upper
    return folded


def _xxh64_avalanche(h: U64) -> U64:
    h = (h ^ _sh(h, 33)) * _PRIME64_2
    h = (h ^ _sh(h, 29)) * _PRIME64_3
    mixed: U64 = h ^ _sh(h, 32)
    return mixed


def _xxh3_avalanche(h: U64) -> U64:
    h = (h ^ _sh(h, 37)) * _PRIME_MX1
    mixed: U64 = h ^ _sh(h, 32)
    return mixed


def xxh3_64_many(data: npt.NDArray[np.uint8], starts: I64, lengths: I64, seed: int) -> U64:
    """`xxhash.xxh3_64_intdigest(data[s : s + n], seed)` of every (start, length) pair, in numpy.

    Why: hashing each word with one Python call cost about 100 ns a word, as much as all the
    other per-word work of `dedupe.batch_features` together; this runs XXH3's short-input
    paths (0-3, 4-8, 9-16 and 17-128 bytes, from the reference `xxhash.h`) as array arithmetic
    over all words at once, reading each word's bytes through one unaligned uint64 view of
    `data`. The rare longer inputs are hashed by the xxhash package. A test compares every
    length from 0 to 300 with it.

    >>> data = np.frombuffer(b"harbour wall", dtype=np.uint8)
    >>> got = xxh3_64_many(data, np.array([0, 8]), np.array([7, 4]), 1).tolist()
    >>> got == [xxhash.xxh3_64_intdigest(w, 1) for w in (b"harbour", b"wall")]
    True
    """
    starts = np.asarray(starts, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    out = np.empty(starts.size, dtype=np.uint64)
    if not starts.size:
        return out
    padded = np.zeros(data.size + 16, dtype=np.uint8)  # a read may not pass the end of a buffer
    padded[: data.size] = data
    # unaligned little-endian reads of 8 and 4 bytes at any offset
    u64 = np.ndarray((padded.size - 7,), dtype="<u8", buffer=padded, strides=(1,))
    u32 = np.ndarray((padded.size - 3,), dtype="<u4", buffer=padded, strides=(1,))
    s64 = np.uint64(seed & MASK64)
    with np.errstate(over="ignore"):
        _xxh3_short(out, padded, u64, u32, starts, lengths, s64)
        _xxh3_mid(out, u64, starts, lengths, s64)
    for i in np.flatnonzero(lengths > XXH3_NUMPY_MAX).tolist():
        start, length = int(starts[i]), int(lengths[i])
        out[i] = xxhash.xxh3_64_intdigest(data[start : start + length].tobytes(), seed)
    return out


def _xxh3_short(
    out: U64,
    padded: npt.NDArray[np.uint8],
    u64: U64,
    u32: npt.NDArray[np.uint32],
    starts: I64,
    lengths: I64,
    seed: np.uint64,
) -> None:
    """XXH3-64 of the inputs of 0 to 16 bytes (`xxh3_64_many`)."""
    at = np.flatnonzero(lengths == 0)
    if at.size:
        flip = np.uint64(_secret64(56) ^ _secret64(64))
        out[at] = _xxh64_avalanche(np.full(at.size, seed ^ flip, dtype=np.uint64))
    at = np.flatnonzero((lengths >= 1) & (lengths <= 3))
    if at.size:
        s, n = starts[at], lengths[at]
        c1 = padded[s].astype(np.uint64)
        c2 = padded[s + (n >> 1)].astype(np.uint64)
        c3 = padded[s + n - 1].astype(np.uint64)
        combined = (c1 << np.uint64(16)) | (c2 << np.uint64(24)) | c3
        combined |= n.astype(np.uint64) << np.uint64(8)
        flip = np.uint64((_secret64(0) & 0xFFFFFFFF) ^ (_secret64(4) & 0xFFFFFFFF)) + seed
        out[at] = _xxh64_avalanche(combined ^ flip)
    at = np.flatnonzero((lengths >= 4) & (lengths <= 8))
    if at.size:
        s, n = starts[at], lengths[at]
        low = int(seed) & 0xFFFFFFFF
        swapped = int.from_bytes(low.to_bytes(4, "little"), "big")
        keyed_seed = np.uint64(int(seed) ^ (swapped << 32))
        flip = np.uint64(_secret64(8) ^ _secret64(16)) - keyed_seed
        first = u32[s].astype(np.uint64)
        last = u32[s + n - 4].astype(np.uint64)
        h = (last + (first << np.uint64(32))) ^ flip
        # rrmxmx
        h ^= _rotl(h, 49) ^ _rotl(h, 24)
        h *= _PRIME_MX2
        h ^= _sh(h, 35) + n.astype(np.uint64)
        h *= _PRIME_MX2
        out[at] = h ^ _sh(h, 28)
    at = np.flatnonzero((lengths >= 9) & (lengths <= 16))
    if at.size:
        s, n = starts[at], lengths[at]
        flip1 = np.uint64(_secret64(24) ^ _secret64(32)) + seed
        flip2 = np.uint64(_secret64(40) ^ _secret64(48)) - seed
        lo = u64[s] ^ flip1
        hi = u64[s + n - 8] ^ flip2
        acc = n.astype(np.uint64) + lo.byteswap() + hi + _mul128_fold64(lo, hi)
        out[at] = _xxh3_avalanche(acc)


def _xxh3_mid(out: U64, u64: U64, starts: I64, lengths: I64, seed: np.uint64) -> None:
    """XXH3-64 of the inputs of 17 to 128 bytes (`xxh3_64_many`): 16-byte lanes from both ends."""
    at = np.flatnonzero((lengths > 16) & (lengths <= XXH3_NUMPY_MAX))
    if not at.size:
        return
    s, n = starts[at], lengths[at]
    acc = n.astype(np.uint64) * _PRIME64_1

    def mix(where: npt.NDArray[np.bool_], offset: I64, secret: int) -> None:
        lo = u64[offset[where]] ^ (np.uint64(_secret64(secret)) + seed)
        hi = u64[offset[where] + 8] ^ (np.uint64(_secret64(secret + 8)) - seed)
        acc[where] += _mul128_fold64(lo, hi)

    every = np.ones(at.size, dtype=np.bool_)
    for least, front, back in ((96, 48, 64), (64, 32, 48), (32, 16, 32), (0, 0, 16)):
        where = n > least if least else every
        if where.any():
            mix(where, s + front, 2 * front)
            mix(where, s + n - back, 2 * front + 16)
    out[at] = _xxh3_avalanche(acc)
