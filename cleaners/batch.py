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

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from cleaners.chars import PY_WHITESPACE
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
    numbers = [doc.source_lines() for doc in docs]
    counts = [len(lines) for lines in numbers]
    texts = pl.Series("text", [doc.text for doc in docs], dtype=pl.String)
    return pl.DataFrame(
        {
            "doc": np.repeat(np.arange(len(docs), dtype=np.uint32), counts),
            "line": np.fromiter(itertools.chain.from_iterable(numbers), np.int64, sum(counts)),
            "text": texts.str.split("\n").explode(),
        },
        schema=LINES_SCHEMA,
    )


def _rebuild(docs: Sequence[Document], lines: pl.DataFrame) -> list[Document]:
    """The articles with text and line numbers from `lines`, blank runs folded as
    `Document.with_lines` folds them: a blank line stays (emptied) only after a line with
    text and before another one of its article."""
    content = lines["text"].str.strip_chars(PY_WHITESPACE).str.len_bytes() > 0
    has_text = pl.col("content")
    after_text = has_text.shift(1).over("doc").fill_null(False)
    text_later = has_text.cast(pl.UInt32).sum().over("doc") > has_text.cast(
        pl.UInt32
    ).cum_sum().over("doc")
    grouped = (
        lines.with_columns(content=content)
        .filter(has_text | (after_text & text_later))
        .group_by("doc", maintain_order=True)
        .agg(
            pl.when(has_text).then(pl.col("text")).otherwise(pl.lit("")).str.join("\n"),
            "line",
        )
    )
    out = list(docs)
    seen: set[int] = set()
    for position, text, numbers in grouped.iter_rows():
        seen.add(position)
        doc = out[position]
        out[position] = doc.replaced(
            text=text, line_numbers=tuple(numbers), removed=list(doc.removed), meta=dict(doc.meta)
        )
    for position in set(range(len(out))) - seen:  # every line removed
        doc = out[position]
        out[position] = doc.with_lines([], [], meta=doc.meta)
    return out
