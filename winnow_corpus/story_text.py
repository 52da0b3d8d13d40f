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

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xxhash

from dedupe.core import DedupeConfig, DocumentFeatures, document_features
from dedupe.records import HasText

U64 = npt.NDArray[np.uint64]

# Articles a line must recur in to be masked: two articles sharing a line may quote one source;
# three of one run sharing it word for word is a template (the same bar as a story pair's
# candidates: a retelling shares facts, not whole lines).
RECUR_LEAST = 3
# Lines shorter than this (in characters, stripped) are never masked: "Advertisement" alone says
# little either way, and a one-word line of a story ("Reuters") is not worth a lookup.
LINE_LEAST = 12


def _line_hashes(text: str) -> U64:
    lines = {line.strip() for line in text.split("\n")}
    kept = [line.encode("utf-8") for line in lines if len(line) >= LINE_LEAST]
    return np.fromiter(
        (xxhash.xxh3_64_intdigest(line) for line in kept), dtype=np.uint64, count=len(kept)
    )


def recurring_line_hashes(texts: Sequence[str], least: int = RECUR_LEAST) -> U64:
    """Sorted hashes of the stripped lines found in at least `least` of `texts`.

    >>> texts = ["Story one.\\n(c) 2026 Harbour Radio. All rights reserved."] * 3 + ["Other."]
    >>> recurring_line_hashes(texts).size  # the footer; "Story one." is under LINE_LEAST
    1
    """
    per_text = [_line_hashes(t) for t in texts]
    if not per_text:
        return np.empty(0, dtype=np.uint64)
    values, counts = np.unique(np.concatenate(per_text), return_counts=True)
    found: U64 = values[counts >= least]
    return found


def masked_text(text: str, recurring: U64) -> str | None:
    """`text` without its recurring lines (`recurring_line_hashes`), or None if it has none.

    >>> footer = "(c) 2026 Harbour Radio. All rights reserved."
    >>> recurring = recurring_line_hashes([f"A.\\n{footer}"] * 3)
    >>> masked_text(f"The ferry sank.\\n{footer}", recurring)
    'The ferry sank.'
    """
    lines = text.split("\n")
    keep = []
    for line in lines:
        stripped = line.strip()
        if len(stripped) >= LINE_LEAST:
            key = np.uint64(xxhash.xxh3_64_intdigest(stripped.encode("utf-8")))
            at = int(np.searchsorted(recurring, key))
            if at < recurring.size and recurring[at] == key:
                continue
        keep.append(line)
    return "\n".join(keep) if len(keep) < len(lines) else None


def masked_story_features(
    docs: Sequence[HasText], features: Sequence[DocumentFeatures | None], seed: int
) -> dict[int, DocumentFeatures]:
    """For each position of `docs` holding a recurring line: its features with the content
    words and names of its masked text, its exact key and shingles of its whole text (computed
    where `features` has None)."""
    texts = [doc.text for doc in docs]
    recurring = recurring_line_hashes(texts)
    out: dict[int, DocumentFeatures] = {}
    if not recurring.size:
        return out
    for position, (doc, text) in enumerate(zip(docs, texts, strict=True)):
        masked = masked_text(text, recurring)
        if masked is None:
            continue
        whole = features[position] or document_features(doc, seed)
        story = document_features(_Masked(doc.id, masked, getattr(doc, "title", "")), seed)
        out[position] = (whole[0], whole[1], story[2], story[3])
    return out


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
    masked = masked_story_features(docs, [None] * len(docs), config.seed)
    if not masked:
        return None
    return [masked.get(position) for position in range(len(docs))]


class _Masked:
    """A document's id and title with its masked text (what `document_features` reads)."""

    def __init__(self, id: str, text: str, title: object) -> None:
        self.id = id
        self.text = text
        self.title = title if isinstance(title, str) else ""
