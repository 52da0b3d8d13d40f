"""MinHash signatures as numpy array operations, bit-compatible with datasketch.

`minhash` applies all `num_perm` universal hash functions to all of a document's shingle hashes at
once: one (shingles x num_perm) array, then a column minimum. The permutations are datasketch's
"legacy" scheme, drawn the same way from the same seed (`np.random.RandomState(seed)`, `a` in
[1, p), `b` in [0, p), p = 2^61 - 1, results masked to 32 bits), and the shingle hashes are the low
32 bits of a seeded xxhash (`hash32`). So `to_datasketch(minhash(...))` equals a
`datasketch.MinHash(num_perm, seed, hashfunc=hash32, scheme="legacy")` (datasketch 2.0 made a
64-bit affine scheme the default; `legacy_scheme()` gives the right keyword for the installed
version) fed the same shingles, value for value, and
signatures can be stored in or queried against a datasketch `MinHashLSH`.

About overflow: `a * x` with `a < 2^61` and `x < 2^32` does not fit in 64 bits. datasketch
computes it in uint64 and lets it wrap (mod 2^64) before taking `% p`; we do exactly the same,
on purpose, to stay compatible. The wrapped product is still a fixed pseudo-random function of
`x` per permutation, which is all MinHash needs.

`weighted_minhash` is Ioffe's improved consistent weighted sampling (ICWS, ICDM 2010), the
algorithm behind datasketch's `WeightedMinHashGenerator`. Two signatures agree at a position with
probability equal to the weighted (min/max) Jaccard of the weight vectors. datasketch draws its
random numbers per vocabulary index, which needs the whole vocabulary up front; here they are
derived from each feature's 64-bit hash with splitmix64, so any feature, seen or not, gets the
same numbers on every run and the vocabulary never has to be materialised.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
import xxhash

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]

MERSENNE_PRIME = np.uint64((1 << 61) - 1)
MAX_HASH = np.uint64((1 << 32) - 1)  # datasketch keeps 32-bit hash values


def hash32(data: bytes, seed: int = 1) -> int:
    """The low 32 bits of seeded xxh3: the `hashfunc` to give datasketch for equal signatures.

    >>> hash32(b"abc", seed=1) == hash32(b"abc", seed=1) < 2**32
    True
    """
    return int(xxhash.xxh3_64_intdigest(data, seed=seed)) & 0xFFFFFFFF


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[U64, U64]:
    """The (a, b) of each universal hash function, drawn exactly as datasketch draws them."""
    gen = np.random.RandomState(seed)
    pairs = [
        (
            gen.randint(1, MERSENNE_PRIME, dtype=np.uint64),
            gen.randint(0, MERSENNE_PRIME, dtype=np.uint64),
        )
        for _ in range(num_perm)
    ]
    a = np.array([p[0] for p in pairs], dtype=np.uint64)
    b = np.array([p[1] for p in pairs], dtype=np.uint64)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def minhash(hashes: U64, num_perm: int, seed: int) -> U64:
    """MinHash signature of one document from its shingle hashes (any uint64; low 32 bits used).

    An empty document gets the all-max signature datasketch gives an empty MinHash.

    >>> sig = minhash(np.array([1, 2, 3], dtype=np.uint64), num_perm=4, seed=1)
    >>> sig.shape, sig.dtype.name
    ((4,), 'uint64')
    """
    if hashes.size == 0:
        return np.full(num_perm, MAX_HASH, dtype=np.uint64)
    a, b = permutations(num_perm, seed)
    hv = (hashes & MAX_HASH).reshape(-1, 1)
    permuted = ((hv * a + b) % MERSENNE_PRIME) & MAX_HASH  # uint64 wrap: see module docstring
    result: U64 = permuted.min(axis=0)
    return result


def to_datasketch(signature: U64, seed: int = 1) -> object:
    """A `datasketch.LeanMinHash` holding `signature`, for datasketch's LSH, jaccard and storage.

    Returned as `object` because datasketch ships no type information.
    """
    from datasketch import LeanMinHash, MinHash

    sketch = MinHash(num_perm=len(signature), seed=seed, hashvalues=signature, **legacy_scheme())
    return LeanMinHash(sketch)


def legacy_scheme() -> dict[str, str]:
    """`{"scheme": "legacy"}` on datasketch >= 2.0 (whose default changed), else nothing."""
    import inspect

    from datasketch import MinHash

    return {"scheme": "legacy"} if "scheme" in inspect.signature(MinHash).parameters else {}


def jaccard_estimate(sig_a: U64, sig_b: U64) -> float:
    """Share of positions where two signatures agree: the MinHash estimate of Jaccard."""
    return float(np.count_nonzero(sig_a == sig_b)) / float(len(sig_a))


# splitmix64 (Steele, Lea & Flood 2014): a cheap, well-mixed 64-bit finaliser.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def splitmix64(x: U64) -> U64:
    """splitmix64 finaliser, element-wise (uint64 arithmetic wraps, as intended)."""
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    result: U64 = z ^ (z >> np.uint64(31))
    return result


def _uniform(bits: U64) -> F64:
    """Uniform floats strictly inside (0, 1) from 64 random bits."""
    result: F64 = ((bits >> np.uint64(11)).astype(np.float64) + 0.5) * (2.0**-53)
    return result


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
    offset = np.uint64((seed * int(_MIX1)) % 2**64)
    perm_keys = splitmix64(np.arange(num_perm, dtype=np.uint64) + offset)
    base = keys.reshape(-1, 1) ^ perm_keys.reshape(1, -1)
    streams = [_uniform(splitmix64(base + np.uint64((j * int(_MIX2)) % 2**64))) for j in range(5)]
    r = -np.log(streams[0]) - np.log(streams[1])  # Gamma(2, 1)
    log_c = np.log(-np.log(streams[2]) - np.log(streams[3]))  # log of Gamma(2, 1)
    beta = streams[4]  # Uniform(0, 1)
    t = np.floor(np.log(weights).reshape(-1, 1) / r + beta)
    log_a = log_c - r * (t - beta) - r
    best = np.argmin(log_a, axis=0)
    columns = np.arange(num_perm)
    level = t[best, columns].astype(np.int64).astype(np.uint64)
    return splitmix64(keys[best] ^ splitmix64(level))
