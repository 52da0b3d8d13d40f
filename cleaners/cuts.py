"""Cutting a glued span off a line and keeping the rest.

A flattened page can glue furniture to a paragraph: a credit before the lead (`© Provided by
<outlet> The council voted ...`), a picture credit after the last sentence (`... on Monday.Foto:
Jan Kowal`). Removing the whole line loses the paragraph, keeping it keeps the furniture; the
rules that know such a glue cut the furniture out as a span, recorded like any removal. One
helper for an article and one for a batch's `lines` table, so both give the same text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import polars as pl
import regex as re

from cleaners.document import Document, Removal

# (furniture, the rest of the line) of a line holding glued furniture, else None
Finder = Callable[[str], tuple[str, str] | None]


@dataclass(frozen=True)
class SpanCut:
    """A kind of glued span: how to find it, what to call its removal, and a regex every line
    holding one matches (in the syntax Rust and `regex` share), so only those lines are read by
    `find`, on an article as on a batch."""

    find: Finder
    reason: str
    rule: str
    candidates: str
    min_chars: int = 0  # no line shorter holds one (a paragraph with a credit glued on)

    @cached_property
    def _may_hold(self) -> re.Pattern[str]:
        return re.compile(self.candidates)

    def search(self, line: str) -> tuple[str, str] | None:
        """`find` on a line the candidates regex lets through."""
        if len(line) < self.min_chars or not self._may_hold.search(line):
            return None
        return self.find(line)

    def removal(self, span: str, line: int) -> Removal:
        return Removal(span, self.reason, self.rule, line)


def cut_document(doc: Document, cut: SpanCut) -> Document:
    """`doc` with each glued span of kind `cut` taken out of its line."""
    numbered = doc.numbered_lines()
    out = list(numbered)
    removed: list[Removal] = []
    for i, (number, text) in enumerate(numbered):
        found = cut.search(text)
        if found is not None:
            out[i] = (number, found[1])
            removed.append(cut.removal(found[0], number))
    return doc.with_lines(out, removed) if removed else doc


def cut_table(lines: pl.DataFrame, cut: SpanCut) -> tuple[pl.DataFrame, dict[int, list[Removal]]]:
    """`cut_document` over a `lines` table (columns doc, line, text): the removals by the
    table's document position."""
    text = lines["text"]
    may_hold = (text.str.len_chars() >= cut.min_chars) & text.str.contains(cut.candidates)
    rows = may_hold.fill_null(False).arg_true().to_list()
    removed: dict[int, list[Removal]] = {}
    if not rows:
        return lines, removed
    texts = lines["text"].to_list()
    for row in rows:
        found = cut.find(texts[row])
        if found is None:
            continue
        texts[row] = found[1]
        doc, number = int(lines["doc"][row]), int(lines["line"][row])
        removed.setdefault(doc, []).append(cut.removal(found[0], number))
    if not removed:
        return lines, removed
    return lines.with_columns(pl.Series("text", texts, dtype=pl.String)), removed
