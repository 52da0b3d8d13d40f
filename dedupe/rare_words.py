"""Candidate pairs from content words that few documents of the collection hold.

Why: the story tier's weighted-MinHash bands rank each document's partners by the bands they
share and keep the top few (`lsh.top_k_of_buckets`). In a large collection hundreds of
documents collide with each one, other events of its topic among them, and a retelling that
shares only a few bands falls out of the top few although it shares the event's own rare words
(a person's surname, a scheme's name). A word held by at most a handful of documents pairs
those documents directly: a few pairs a word, whatever the collection's size, and the checks
reject the chance ones (a misspelling, a rare word two unrelated reports both use).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dedupe.arrays import stable_argsort, unique, unique_counts

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

CHUNK = 8192  # documents whose words are concatenated at once: memory stays a chunk's


def rare_word_pairs(terms: Sequence[U32], counts: I64, most: int) -> I64:
    """Pairs (i, j), i < j, of the documents whose `terms` (indices into a vocabulary, unique
    per document) share a word that at most `most` documents hold (`counts`: how many
    documents hold each word of the vocabulary); an (m, 2) array, each pair once, in order.

    >>> terms = [np.array(t, np.uint32) for t in ([0, 1], [1, 2], [1, 2], [0])]
    >>> rare_word_pairs(terms, np.array([2, 3, 2]), 2).tolist()
    [[0, 3], [1, 2]]
    """
    if most < 2 or len(terms) < 2:
        return np.empty((0, 2), dtype=np.int64)
    words: list[I64] = [np.empty(0, dtype=np.int64)]
    owners: list[I64] = [np.empty(0, dtype=np.int64)]
    for start in range(0, len(terms), CHUNK):
        part = list(terms[start : start + CHUNK])
        flat = np.concatenate(part).astype(np.int64)
        owner = np.repeat(
            np.arange(start, start + len(part), dtype=np.int64),
            np.fromiter(map(len, part), dtype=np.int64, count=len(part)),
        )
        rare = (counts[flat] >= 2) & (counts[flat] <= most)
        words.append(flat[rare])
        owners.append(owner[rare])
    word, owner = np.concatenate(words), np.concatenate(owners)
    order = stable_argsort(word)  # the owners came in order: each word's stay in order
    owner = owner[order]
    sizes = unique_counts(word)[1]
    starts = np.cumsum(sizes) - sizes
    codes: list[I64] = [np.empty(0, dtype=np.int64)]
    for size in unique(sizes).tolist():  # the words held by `size` documents at once
        members = owner[starts[sizes == size][:, None] + np.arange(size)]
        left, right = np.triu_indices(size, 1)
        codes.append((members[:, left] * len(terms) + members[:, right]).ravel())
    unique_codes = unique(np.concatenate(codes))
    pairs: I64 = np.stack([unique_codes // len(terms), unique_codes % len(terms)], axis=1)
    return pairs
