"""Site furniture never counts toward story similarity (issue 20, deliverable 3).

A line that recurs, word for word, in `RECUR_LEAST` or more articles of one run is furniture:
a copyright and transcript footer, a newsletter box, a "Read more" list. Cleaning removes the
recurring lines it learns (`cleaners.footers`), but a rule switched off, a line under cleaning's
own bar, or a run with `--no-clean`-like options leaves some in; five pages of one broadcaster
on four events had been joined by their footer alone. So, when the calibrated story score is on,
the run hands dedupe each article's content words and names from its text with such lines
masked (`masked_story_features`); its exact key and shingles stay those of the whole text, so
copies are still copies.

dedupe imports nothing of this package; the run composes the two (tests/test_layout.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt
import xxhash

from dedupe.batch_features import batch_features
from dedupe.core import (
    PARALLEL_LEAST,
    DedupeConfig,
    DocumentFeatures,
    DocumentFrequencies,
    document_features,
    merged_counts,
)
from dedupe.parallel import fork_imap, fork_map
from dedupe.records import HasText

U64 = npt.NDArray[np.uint64]

# Articles a line must recur in to be masked: two articles sharing a line may quote one source;
# three of one run sharing it word for word is a template (the same bar as a story pair's
# candidates: a retelling shares facts, not whole lines).
RECUR_LEAST = 3
# Lines shorter than this (in characters, stripped) are never masked: "Advertisement" alone says
# little either way, and a one-word line of a story ("Reuters") is not worth a lookup.
LINE_LEAST = 12
# Masked articles whose story features are computed at once (`batch_features`): a run's
# articles pass one at a time, so memory holds one batch and the line counts, never every text
# or every article's features (1 GB of lined news had peaked at 3.5 GB summed over its
# processes when the texts and the features were gathered whole).
MASK_BATCH = 512
# Articles a forked child masks before it sends their features back (`fork_imap`): a slice's
# answer is held twice in the child (built, then pickled), so it goes in pieces.
MASK_SLICE = 8192
Counts = tuple[U64, npt.NDArray[np.int64]]


def _line_hashes(text: str) -> U64:
    """The hashes of `text`'s distinct stripped lines of at least LINE_LEAST characters."""
    lines = {line.strip() for line in text.split("\n")}
    return _hashes([line for line in lines if len(line) >= LINE_LEAST])


def _hashes(lines: Sequence[str]) -> U64:
    """Each stripped line's hash, the key `recurring_line_hashes` counts and `masked_text`
    looks up."""
    return np.fromiter(
        (xxhash.xxh3_64_intdigest(line.encode("utf-8")) for line in lines),
        dtype=np.uint64,
        count=len(lines),
    )


def recurring_line_hashes(texts: Iterable[str], least: int = RECUR_LEAST) -> U64:
    """Sorted hashes of the stripped lines found in at least `least` of `texts` (read one at a
    time, counted as dedupe counts its words: `DocumentFrequencies`).

    >>> texts = ["Story one.\\n(c) 2026 Harbour Radio. All rights reserved."] * 3 + ["Other."]
    >>> recurring_line_hashes(texts).size  # the footer; "Story one." is under LINE_LEAST
    1
    """
    values, counts = _line_counts(texts)
    found: U64 = values[counts >= least]
    return found


def _line_counts(texts: Iterable[str]) -> Counts:
    """Sorted unique line hashes of `texts` and how many of them hold each."""
    counter = DocumentFrequencies()
    for text in texts:
        counter.add(_line_hashes(text))
    return counter.result()


def masked_text(text: str, recurring: U64) -> str | None:
    """`text` without its recurring lines (`recurring_line_hashes`), or None if it has none.

    >>> footer = "(c) 2026 Harbour Radio. All rights reserved."
    >>> recurring = recurring_line_hashes([f"A.\\n{footer}"] * 3)
    >>> masked_text(f"The ferry sank.\\n{footer}", recurring)
    'The ferry sank.'
    """
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    long = [k for k, line in enumerate(stripped) if len(line) >= LINE_LEAST]
    if not long or not recurring.size:
        return None
    # the article's lines looked up at once (one lookup a line was most of the masking's time)
    keys = _hashes([stripped[k] for k in long])
    at = np.searchsorted(recurring, keys)
    at[at == recurring.size] = 0
    hits = np.flatnonzero(recurring[at] == keys)
    if not hits.size:
        return None
    gone = {long[k] for k in hits.tolist()}
    return "\n".join(line for k, line in enumerate(lines) if k not in gone)


def masked_story_features(
    docs: Sequence[HasText],
    features: Sequence[DocumentFeatures | None],
    seed: int,
    jobs: int = 1,
) -> Iterator[tuple[int, DocumentFeatures]]:
    """For each position of `docs` holding a recurring line, in order: its features with the
    content words and names of its masked text, its exact key and shingles of its whole text
    (computed where `features` has None). Two passes over `docs`, one document at a time (a
    run's documents are on disk), each over slices in `jobs` forked children; the masked texts'
    features `MASK_BATCH` at a time. The same answer for any `jobs`."""

    def counted(lo: int, hi: int) -> Counts:
        return _line_counts(docs[k].text for k in range(lo, hi))

    values, counts = merged_counts(fork_map(counted, len(docs), jobs, least=PARALLEL_LEAST))
    recurring: U64 = values[counts >= RECUR_LEAST]
    if not recurring.size:
        return

    def masked(lo: int, hi: int) -> list[tuple[int, DocumentFeatures]]:
        return list(_masked_range(docs, features, recurring, seed, range(lo, hi)))

    for part in fork_imap(masked, len(docs), jobs, least=PARALLEL_LEAST, most=MASK_SLICE):
        yield from part


def _masked_range(
    docs: Sequence[HasText],
    features: Sequence[DocumentFeatures | None],
    recurring: U64,
    seed: int,
    positions: range,
) -> Iterator[tuple[int, DocumentFeatures]]:
    """`masked_story_features` of the documents at `positions`, given the recurring lines."""
    batch: list[tuple[int, HasText, str]] = []
    for position in positions:
        doc = docs[position]
        masked = masked_text(doc.text, recurring)
        if masked is None:
            continue
        batch.append((position, doc, masked))
        if len(batch) >= MASK_BATCH:
            yield from _masked_batch(batch, features, seed)
            batch = []
    yield from _masked_batch(batch, features, seed)


def _masked_batch(
    batch: Sequence[tuple[int, HasText, str]],
    features: Sequence[DocumentFeatures | None],
    seed: int,
) -> Iterator[tuple[int, DocumentFeatures]]:
    """`masked_story_features` of one batch: the masked texts' features at once, each equal to
    `document_features` of the document with its masked text."""
    if not batch:
        return
    titles = [_title(doc) for _, doc, _ in batch]
    stories = batch_features([masked for _, _, masked in batch], titles, seed)
    for (position, doc, _), story in zip(batch, stories, strict=True):
        whole = features[position] or document_features(doc, seed)
        yield position, (whole[0], whole[1], story[2], story[3])


def _title(doc: HasText) -> str:
    title = getattr(doc, "title", "")
    return title if isinstance(title, str) else ""


def masks(config: DedupeConfig) -> bool:
    """Whether a run masks recurring lines: only for the calibrated story score, whose
    content words and names they would feed; the cosine tier reads the whole text."""
    return config.story and config.story_model != "off"


def story_features(
    docs: Sequence[HasText], config: DedupeConfig
) -> list[DocumentFeatures | None] | None:
    """The features a run hands `find_duplicates` for `docs` when it did not compute them while
    cleaning (`winnow eval`, the story score's fit): masked where a document holds a recurring
    line and the calibrated score is on, None elsewhere (computed there); None for all when
    nothing is masked. A list given to `find_duplicates` is emptied: give each call a copy."""
    if not masks(config):
        return None
    masked = dict(masked_story_features(docs, [None] * len(docs), config.seed))
    if not masked:
        return None
    return [masked.get(position) for position in range(len(docs))]
