"""MinHash signatures as numpy array operations, equal to datasketch's.

`minhash_batch` computes the signatures of many documents at once: for each of the `num_perm`
permutations, one array operation over the shingle hashes of the whole batch and one
`np.minimum.reduceat` per document segment. The permutations are datasketch's default scheme
since 2.0, "affine32": the low 32 bits of each shingle hash are pre-mixed with the MurmurHash3
finaliser (`fmix32`), then each permutation is `a * h + b` in uint32 (the wrap-around is the mod
2^32, `a` odd so each is a bijection), with `a` and `b` drawn as datasketch draws them from
`np.random.RandomState(seed)`. The shingle hashes are `dedupe.hashing.hash64`, so
`MinHash(num_perm, seed=seed, hashfunc=dedupe.hashing.hash32)` fed the same shingle strings
equals `minhash` value for value, and `to_datasketch` gives a `LeanMinHash` for datasketch's LSH,
jaccard and storage back ends.

Why affine32 and not datasketch's "legacy" scheme (Winnow used it up to this version): legacy
computes `(a * h + b) % (2^61 - 1)` in uint64, and numpy's 64-bit modulo made it 7x slower than
two uint32 operations (10 MB of news, 128 permutations: 2.7 s against 0.4 s); datasketch also
found legacy's fold to 32 bits inflates estimates on large sets (datasketch issue 212). Values
still fit in 32 bits; `minhash` returns them as uint64 as before, `minhash_batch` as uint32 (half
the memory for a corpus's signature matrix).

`weighted_minhash` is Ioffe's improved consistent weighted sampling (ICWS, ICDM 2010), the
algorithm behind datasketch's `WeightedMinHashGenerator`. Two signatures agree at a position with
probability equal to the weighted (min/max) Jaccard of the weight vectors. datasketch draws its
random numbers per vocabulary index, which needs the whole vocabulary up front; here they are
derived from each feature's 64-bit hash with splitmix64, so any feature, seen or not, gets the
same numbers on every run and the vocabulary never has to be materialised.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from dedupe.arrays import unique_counts
from dedupe.hashing import hash32, splitmix64

__all__ = [
    "MAX_HASH",
    "SCHEME",
    "hash32",
    "jaccard_estimate",
    "minhash",
    "minhash_batch",
    "permutations",
    "splitmix64",
    "to_datasketch",
    "weighted_minhash",
    "weighted_minhash_batch",
]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

SCHEME = "affine32"  # datasketch's name for the permutation scheme (its default since 2.0)
MAX_HASH = np.uint32(0xFFFFFFFF)  # an empty document's value at every position, as in datasketch
# Shingles per block of `minhash_batch`: a block's uint32 work array is 4 MB, so it stays in cache
# and memory does not grow with the batch.
BLOCK = 1 << 20


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[U32, U32]:
    """The (a, b) of each permutation, drawn exactly as datasketch's affine32 scheme draws them."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def fmix32(h: U32) -> U32:
    """MurmurHash3's 32-bit finaliser, the pre-mix datasketch applies before its permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    result: U32 = h ^ (h >> np.uint32(16))
    return result


def minhash_batch(hashes: U64 | U32, offsets: I64, num_perm: int, seed: int) -> U32:
    """Signatures (documents x num_perm, uint32) of the documents whose shingle hashes are
    `hashes[offsets[i]:offsets[i + 1]]` (uint64, of which the low 32 bits are used, or uint32).

    A document without shingles gets the all-`MAX_HASH` signature of an empty datasketch MinHash.

    >>> h = np.array([5, 6, 7, 5, 6], dtype=np.uint64)
    >>> sigs = minhash_batch(h, np.array([0, 3, 3, 5]), num_perm=4, seed=1)
    >>> sigs.shape, bool((sigs[1] == MAX_HASH).all()), bool((sigs[2] >= sigs[0]).all())
    ((3, 4), True, True)
    """
    n_docs = int(offsets.size) - 1
    a, b = permutations(num_perm, seed)
    out = np.full((num_perm, n_docs), MAX_HASH, dtype=np.uint32)
    sizes = np.diff(offsets)
    mixed = fmix32(hashes.astype(np.uint32, copy=False))  # uint64 to uint32 keeps the low bits
    doc = 0
    while doc < n_docs:
        # documents [doc, stop) with shingles inside one block (at least one document per block)
        limit = offsets[doc] + BLOCK
        stop = max(doc + 1, int(np.searchsorted(offsets, limit, side="right")) - 1)
        stop = min(stop, n_docs)
        present = np.flatnonzero(sizes[doc:stop] > 0) + doc
        if present.size:
            lo, hi = int(offsets[doc]), int(offsets[stop])
            block = mixed[lo:hi]
            starts = offsets[present] - lo
            work = np.empty_like(block)
            for j in range(num_perm):
                np.multiply(block, a[j], out=work)
                work += b[j]
                out[j, present] = np.minimum.reduceat(work, starts)
        doc = stop
    result: U32 = np.ascontiguousarray(out.T)
    return result


def minhash(hashes: U64 | U32, num_perm: int, seed: int) -> U64:
    """MinHash signature of one document from its shingle hashes (uint64, low 32 bits used; or
    uint32).

    An empty document gets the all-max signature datasketch gives an empty MinHash.

    >>> sig = minhash(np.array([1, 2, 3], dtype=np.uint64), num_perm=4, seed=1)
    >>> sig.shape, sig.dtype.name
    ((4,), 'uint64')
    """
    offsets = np.array([0, hashes.size], dtype=np.int64)
    result: U64 = minhash_batch(hashes, offsets, num_perm, seed)[0].astype(np.uint64)
    return result


def to_datasketch(signature: U64 | U32, seed: int = 1) -> object:
    """A `datasketch.LeanMinHash` holding `signature`, for datasketch's LSH, jaccard and storage.

    Needs datasketch 2.0 or later (the first with the affine32 scheme). Returned as `object`
    because datasketch ships no type information.
    """
    from datasketch import LeanMinHash, MinHash

    sketch = MinHash(seed=seed, hashvalues=np.asarray(signature, dtype=np.uint32), scheme=SCHEME)
    return LeanMinHash(sketch)


def jaccard_estimate(sig_a: U64 | U32, sig_b: U64 | U32) -> float:
    """Share of positions where two signatures agree: the MinHash estimate of Jaccard."""
    return float(np.count_nonzero(sig_a == sig_b)) / float(len(sig_a))


# splitmix64's multipliers, reused to derive per-permutation and per-stream offsets.
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _uniform(bits: U64) -> F64:
    """Uniform floats strictly inside (0, 1) from 64 random bits (shifted in place: `bits` is
    the caller's temporary)."""
    bits >>= np.uint64(11)
    result: F64 = bits.astype(np.float64)
    result += 0.5
    result *= 2.0**-53
    return result


def _icws_randoms(keys: U64, perms: U64, seed: int) -> tuple[F64, F64, F64]:
    """ICWS's random numbers for each (key, permutation of `perms`, the permutations' indices):
    r, log c (both Gamma(2, 1)) and beta.

    Each stream is made and turned into logs in place (the same operations in the same order
    as `-np.log(u0) - np.log(u1)`, so the same floats): the tables are (keys x permutations)
    and the work is memory-bound, so fewer temporaries is less time."""
    offset = np.uint64((seed * int(_MIX1)) % 2**64)
    perm_keys = splitmix64(perms + offset)
    base = keys.reshape(-1, 1) ^ perm_keys.reshape(1, -1)

    def uniform(stream: int) -> F64:
        return _uniform(splitmix64(base, (stream * int(_MIX2)) % 2**64))

    def logs(stream: int) -> F64:
        values = uniform(stream)
        np.log(values, out=values)
        return values

    r = np.negative(logs(0))  # Gamma(2, 1): -log u0 - log u1
    r -= logs(1)
    log_c = np.negative(logs(2))  # log of Gamma(2, 1)
    log_c -= logs(3)
    np.log(log_c, out=log_c)
    beta = uniform(4)  # Uniform(0, 1)
    return r, log_c, beta


def _icws_levels(weights: F64, r: F64, log_c: F64, beta: F64) -> tuple[F64, F64]:
    """Each row's level t and log a per permutation (rows: keys; columns: permutations)."""
    # the formula (log c - r (t - beta)) - r, evaluated in that order, in place: the same floats
    # with three (keys x num_perm) temporaries instead of seven
    t = np.divide(np.log(weights).reshape(-1, 1), r)
    t += beta
    np.floor(t, out=t)
    log_a = np.subtract(t, beta)
    log_a *= r
    np.subtract(log_c, log_a, out=log_a)
    log_a -= r
    return t, log_a


def _icws_sample(keys: U64, weights: F64, r: F64, log_c: F64, beta: F64) -> tuple[U64, U64]:
    """The sampled key and level per permutation, from the rows of random numbers."""
    t, log_a = _icws_levels(weights, r, log_c, beta)
    best = np.argmin(log_a, axis=0)
    columns = np.arange(r.shape[1])
    level: U64 = t[best, columns].astype(np.int64).astype(np.uint64)
    return keys[best], level


def _icws_sample_segments(
    keys: U64, weights: F64, r: F64, log_c: F64, beta: F64, starts: I64
) -> tuple[U64, U64]:
    """The sampled key and level per permutation of each document, whose rows (keys, weights
    and random numbers) are those from `starts[d]` to the next start (none empty): one
    (documents x num_perm) answer each.

    Why segments: a call per document cost more in numpy's fixed costs than in arithmetic
    (news articles have about 16 signable words each, so a document's arrays are small). Each
    row's values are computed by the same operations as one document's alone, and a segment's
    minimum is taken at its first row holding it, as `np.argmin` takes it, so the samples are
    the same.
    """
    t, log_a = _icws_levels(weights, r, log_c, beta)
    least = np.minimum.reduceat(log_a, starts, axis=0)
    sizes = np.diff(np.append(starts, keys.size))
    at_least = log_a == np.repeat(least, sizes, axis=0)
    if np.isnan(least).any():  # argmin's answer where a NaN is the minimum: the first NaN
        at_least |= np.isnan(log_a)
    rows = np.arange(keys.size, dtype=np.int64).reshape(-1, 1)
    best = np.minimum.reduceat(np.where(at_least, rows, keys.size), starts, axis=0)
    level: U64 = t[best, np.arange(r.shape[1])].astype(np.int64).astype(np.uint64)
    return keys[best], level


def _icws_hash(keys: U64, levels: U64) -> U64:
    """One signature value per sampled (key, level), any array shape."""
    return splitmix64(keys ^ splitmix64(levels))


def weighted_minhash(keys: U64, weights: F64, num_perm: int, seed: int) -> U64:
    """ICWS signature of a weighted set: `keys` are feature hashes, `weights` positive floats.

    Each position is a hash of the sampled (feature, level) pair; two documents agree at a
    position with probability equal to their weighted Jaccard sum(min)/sum(max).

    >>> keys = np.array([11, 22, 33], dtype=np.uint64)
    >>> sig = weighted_minhash(keys, np.array([1.0, 2.0, 0.5]), num_perm=8, seed=1)
    >>> bool((sig == weighted_minhash(keys, np.array([1.0, 2.0, 0.5]), 8, 1)).all())
    True
    """
    if keys.size == 0:
        return np.full(num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
    perms = np.arange(num_perm, dtype=np.uint64)
    return _icws_hash(*_icws_sample(keys, weights, *_icws_randoms(keys, perms, seed)))


# Documents sampled together in `weighted_minhash_batch`: the batch's (keys x num_perm) float
# tables (about 0.4 MB each for 16 news articles at 128 permutations) stay in a core's cache;
# the arithmetic is memory-bound, and 16 ran 20-25 % faster than 64 on 10 and 30 MB of news.
WEIGHTED_BATCH = 16
# Keys whose random numbers `weighted_minhash_batch` draws once for the whole call: the most
# frequent ones (in at least two documents), at most this many (3 x 8 bytes x num_perm each:
# 25 MB at 128 permutations; 16,384 ran 7-10 % faster on 30 MB of news for 25 MB more in each
# forked child).
SHARED_KEYS = 1 << 13
SHARED_DRAW_KEYS = 2048  # keys drawn at a time for the shared table: its temporaries stay small


class _SharedDraws:
    """ICWS random numbers of a collection's most frequent keys, drawn once per call.

    Why: each `WEIGHTED_BATCH` of documents drew its distinct keys' numbers again, and common
    words are in nearly every batch: 10 MB of news drew about seven times its vocabulary, most
    of the story tier's signature time. A key's numbers depend only on the key, so drawing them
    once changes no value.
    """

    def __init__(self, keys: U64, perms: U64, seed: int) -> None:
        self.perms, self.seed = perms, seed
        num_perm = perms.size
        if keys.size:
            vocab, df = unique_counts(keys)
            frequent = np.flatnonzero(df >= 2)
            if frequent.size > SHARED_KEYS:  # the most frequent; ties by key, so deterministic
                frequent = np.sort(frequent[np.argsort(-df[frequent], kind="stable")[:SHARED_KEYS]])
            self.keys: U64 = vocab[frequent]
        else:
            self.keys = np.empty(0, dtype=np.uint64)
        tables = [np.empty((self.keys.size, num_perm), dtype=np.float64) for _ in range(3)]
        for lo in range(0, self.keys.size, SHARED_DRAW_KEYS):
            drawn = _icws_randoms(self.keys[lo : lo + SHARED_DRAW_KEYS], perms, seed)
            for table, values in zip(tables, drawn, strict=True):
                table[lo : lo + values.shape[0]] = values
        self.r, self.log_c, self.beta = tables

    def draws(self, distinct: U64, inverse: I64) -> tuple[F64, F64, F64]:
        """r, log c and beta of each key `distinct[inverse]` (`distinct` sorted and unique):
        shared rows gathered from the table, the others drawn once a distinct key. Each row
        is gathered straight into place, not first into a table of the distinct keys."""
        at = np.minimum(np.searchsorted(self.keys, distinct), max(self.keys.size - 1, 0))
        shared = (self.keys[at] == distinct) if self.keys.size else np.zeros(distinct.size, bool)
        if shared.all():
            rows = at[inverse]
            return self.r[rows], self.log_c[rows], self.beta[rows]
        drawn = _icws_randoms(distinct[~shared], self.perms, self.seed)
        from_table = np.flatnonzero(shared[inverse])
        from_drawn = np.flatnonzero(~shared[inverse])
        table_rows = at[inverse[from_table]]
        drawn_rows = (np.cumsum(~shared) - 1)[inverse[from_drawn]]
        out = []
        for table, new in zip((self.r, self.log_c, self.beta), drawn, strict=True):
            rows = np.empty((inverse.size, self.perms.size), dtype=np.float64)
            rows[from_table] = table[table_rows]
            rows[from_drawn] = new[drawn_rows]
            out.append(rows)
        return out[0], out[1], out[2]


def weighted_minhash_batch(
    keys: U64,
    weights: F64,
    offsets: I64,
    num_perm: int,
    seed: int,
    perms: Sequence[int] | None = None,
) -> U64:
    """`weighted_minhash` of many documents (rows), equal to calling it on each: document `i`'s
    keys and weights are `keys[offsets[i]:offsets[i + 1]]` and the same of `weights`. With
    `perms`, only those columns (indices below `num_perm`, in that order): a column's values do
    not depend on the others, so a caller can take a signature a few bands at a time.

    A key's random numbers depend only on the key, so those of the collection's most frequent
    keys are drawn once (`_SharedDraws`), the rest once per distinct key of each
    `WEIGHTED_BATCH` documents, and the batch's documents are sampled together
    (`_icws_sample_segments`).

    >>> keys = np.array([11, 22, 33, 22], dtype=np.uint64)
    >>> sigs = weighted_minhash_batch(keys, np.ones(4), np.array([0, 3, 3, 4]), 8, 1)
    >>> bool((sigs[0] == weighted_minhash(keys[:3], np.ones(3), 8, 1)).all())
    True
    """
    n_docs = int(offsets.size) - 1
    columns = np.arange(num_perm, dtype=np.uint64) if perms is None else np.array(perms, np.uint64)
    out = np.full((n_docs, columns.size), np.iinfo(np.uint64).max, dtype=np.uint64)
    shared = _SharedDraws(keys[offsets[0] : offsets[-1]], columns, seed)
    sizes = np.diff(offsets)
    for lo in range(0, n_docs, WEIGHTED_BATCH):
        present = np.flatnonzero(sizes[lo : lo + WEIGHTED_BATCH]) + lo
        if not present.size:
            continue
        first, last = int(offsets[present[0]]), int(offsets[present[-1] + 1])
        distinct, at = np.unique(keys[first:last], return_inverse=True)
        r, log_c, beta = shared.draws(distinct, at)
        sampled, levels = _icws_sample_segments(
            keys[first:last], weights[first:last], r, log_c, beta, offsets[present] - first
        )
        out[present] = _icws_hash(sampled, levels)  # hashed for the batch at once
    return out
