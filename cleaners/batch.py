"""A batch of articles as one `lines` table, the form the columnar cleaning stages work on.

The table holds the kept lines of every article of the batch, one row each, in article order:
`doc` (the article's position in the batch), `line` (its 1-based source line) and `text`.
What is not a line (id, title, meta, the removals so far) stays on the batch's `Document`s,
whose `text` is stale while the table is current. A stage that still works on `Document`s gets
them back with `documents()`; a table stage takes `lines()`: each form is made from the other
only when a stage asks for it, so consecutive stages of one kind pay no conversion.

Blank runs are folded when the text is rebuilt, not after every removal: folding keeps the
first blank line of each run and removing non-blank lines only merges runs, so folding once at
the end gives the text that folding after every step gave (`tests/test_batch.py` checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from cleaners.document import Document, Removal

LINES_SCHEMA: dict[str, pl.DataType] = {
    "doc": pl.UInt32(),
    "line": pl.Int64(),
    "text": pl.String(),
}


@dataclass(slots=True)
class Batch:
    """Articles cleaned together. A stage returns a new batch and leaves its input as it was;
    the two forms of the lines are made from each other on first use and then kept."""

    _docs: list[Document]
    _lines: pl.DataFrame | None = None  # current when not None; the docs' text is then stale

    @classmethod
    def of(cls, docs: Sequence[Document]) -> Batch:
        return cls(list(docs))

    def __len__(self) -> int:
        return len(self._docs)

    def documents(self) -> list[Document]:
        """The articles with their text rebuilt from the table where it is current."""
        if self._lines is not None:
            self._docs = _rebuild(self._docs, self._lines)
            self._lines = None
        return list(self._docs)

    def lines(self) -> pl.DataFrame:
        """The `lines` table (LINES_SCHEMA) of the articles' current text."""
        if self._lines is None:
            self._lines = lines_table(self._docs)
        return self._lines

    def with_lines(self, lines: pl.DataFrame, removed: dict[int, list[Removal]]) -> Batch:
        """A batch of these articles with a table stage's kept `lines` (made from `lines()`)
        and its removals (by position in the batch, each list in line order)."""
        docs = list(self._docs)
        for position, found in removed.items():
            doc = docs[position]
            docs[position] = doc.replaced(removed=[*doc.removed, *found])
        return Batch(docs, lines)

    def meta(self, position: int) -> dict[str, Any]:
        return self._docs[position].meta

    def headers(self) -> list[tuple[str, dict[str, Any]]]:
        """(title, meta) of each article."""
        return [(doc.title, doc.meta) for doc in self._docs]

    def with_meta(self, changed: dict[int, dict[str, Any]]) -> Batch:
        """A batch of these articles with new meta for the ones at the `changed` positions."""
        return self.with_headers({i: (self._docs[i].title, meta) for i, meta in changed.items()})

    def with_headers(self, changed: dict[int, tuple[str, dict[str, Any]]]) -> Batch:
        """A batch of these articles with a new (title, meta) at the `changed` positions."""
        docs = list(self._docs)
        for position, (title, meta) in changed.items():
            docs[position] = docs[position].replaced(title=title, meta=meta)
        return Batch(docs, self._lines)


def lines_table(docs: Sequence[Document]) -> pl.DataFrame:
    """One row per line of each article's text (blank lines too), in order."""
    positions: list[int] = []
    numbers: list[int] = []
    texts: list[str] = []
    for position, doc in enumerate(docs):
        numbered = doc.numbered_lines()
        positions.extend([position] * len(numbered))
        numbers.extend(number for number, _ in numbered)
        texts.extend(text for _, text in numbered)
    return pl.DataFrame({"doc": positions, "line": numbers, "text": texts}, schema=LINES_SCHEMA)


def _rebuild(docs: Sequence[Document], lines: pl.DataFrame) -> list[Document]:
    """The articles with text and line numbers from `lines`, blank runs folded."""
    out = list(docs)
    grouped = lines.group_by("doc", maintain_order=True).agg("line", "text")
    seen: set[int] = set()
    for position, numbers, texts in grouped.iter_rows():
        seen.add(position)
        doc = out[position]
        out[position] = doc.with_lines(list(zip(numbers, texts, strict=True)), [], meta=doc.meta)
    for position in set(range(len(out))) - seen:  # every line removed
        doc = out[position]
        out[position] = doc.with_lines([], [], meta=doc.meta)
    return out
