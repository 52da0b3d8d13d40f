"""Turn a document into the token sets the three tiers compare.

* `exact_key`: one seeded xxhash of the text with case, whitespace and punctuation folded, so a
  copy that only re-typeset quotes or re-wrapped lines still hashes the same.
* `word_shingles`: word 5-grams, the usual unit for near-verbatim copies (Broder 1997; the
  datasketch and text-dedup defaults).
* `content_words`: words with stopwords removed, for retold stories, where two outlets share the
  names, places, numbers and quoted words of an event but hardly any 5-gram.

Every token is hashed to a uint64 with seeded xxhash (`hash_tokens`), so the MinHash code works
on numpy arrays, never on Python strings.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import regex
import xxhash

U64 = npt.NDArray[np.uint64]

WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’][\p{L}]+)*")
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
    return int(xxhash.xxh3_64_intdigest(normalise(text).encode("utf-8"), seed=seed))


def words(text: str) -> list[str]:
    """Casefolded word tokens (letters and digits, inner apostrophes kept).

    >>> words("Don't stop: it's 2024!")
    ["don't", 'stop', "it's", '2024']
    """
    return [m.group().casefold().replace("’", "'") for m in WORD.finditer(text)]


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
    """Seeded 64-bit xxhash of each token, as a uint64 array (order kept, duplicates kept)."""
    return np.fromiter(
        (xxhash.xxh3_64_intdigest(t.encode("utf-8"), seed=seed) for t in tokens), dtype=np.uint64
    )
