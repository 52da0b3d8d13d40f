"""What dedupe reads of a document, and the shapes it accepts.

Dedupe imports nothing of the packages that use it: its contract is fields, not a class. A
document is any object with an `id` and a `text` (`HasText`: `cleaners.Document`, a dataclass of
the caller's, or `Record`); where it also has a `title`, the title is compared with the text, and
its `source` and `lines` (first and last line in that source) set the canonical order in which
documents are processed, so that the output does not depend on the input's order. A table
(polars `DataFrame`, pyarrow `Table`) or a list of dicts with those columns is read as `Record`s.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias, TypeVar, runtime_checkable


@runtime_checkable
class HasText(Protocol):
    """Any object with an `id` and a `text`: all dedupe needs of a document."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...


Doc = TypeVar("Doc", bound=HasText)  # the caller's document type, given back in the result


@dataclass(frozen=True, slots=True)
class Record:
    """A document as dedupe reads it: what a table's row or a dict becomes.

    >>> Record("a1", "Rain.", title="Weather", source="wire.txt")
    Record(id='a1', text='Rain.', title='Weather', source='wire.txt', lines=(0, 0))
    """

    id: str
    text: str
    title: str = ""
    source: str = ""
    lines: tuple[int, int] = (0, 0)


@runtime_checkable
class _PolarsFrame(Protocol):
    def to_dicts(self) -> list[dict[str, Any]]: ...


class _ArrowTable(Protocol):
    def to_pylist(self) -> list[dict[str, Any]]: ...


# A table (polars or pyarrow, no import of either needed) or dicts, with `id` and `text` columns
Rows: TypeAlias = _PolarsFrame | _ArrowTable | Sequence[Mapping[str, Any]]


def as_records(docs: Sequence[Any] | Rows) -> Sequence[Any]:
    """`docs` as a sequence of `HasText` objects: tables and dicts become `Record`s (extra
    columns ignored), anything else is returned as it is.

    >>> as_records([{"id": 1, "text": "Rain.", "url": "u"}])
    [Record(id='1', text='Rain.', title='', source='', lines=(0, 0))]
    """
    if isinstance(docs, Sequence):
        rows: Sequence[Any] = docs
    elif isinstance(docs, _PolarsFrame):
        rows = docs.to_dicts()
    else:  # pyarrow
        rows = docs.to_pylist()
    if not rows or not isinstance(rows[0], Mapping):
        return rows
    return [_record(row, number) for number, row in enumerate(rows, start=1)]


def _record(row: Mapping[str, Any], number: int) -> Record:
    text = row.get("text")
    if row.get("id") is None or not isinstance(text, str):
        raise ValueError(
            f"row {number}: dedupe needs an 'id' and a string 'text' "
            f"(got columns {', '.join(sorted(map(str, row)))})"
        )
    lines = row.get("lines") or (0, 0)
    return Record(
        id=str(row["id"]),
        text=text,
        title=row.get("title") or "",
        source=row.get("source") or "",
        lines=(int(lines[0]), int(lines[-1])),
    )


def title_of(doc: HasText) -> str:
    """The document's title, or "" where it has none."""
    title = getattr(doc, "title", "")
    return title if isinstance(title, str) else ""


def source_of(doc: HasText) -> str:
    """The document's source (file name), or "" where it has none."""
    source = getattr(doc, "source", "")
    return source if isinstance(source, str) else ""


def order_key(doc: HasText) -> tuple[str, int, str]:
    """Where a document sorts in the canonical order: source, first line, id."""
    lines = getattr(doc, "lines", None)
    return source_of(doc), int(lines[0]) if lines else 0, doc.id


# What `find_duplicates` reads of every document before anything else: its `order_key` and
# the length of its text (the keeper rule's)
Head = tuple[str, int, str, int]


def head(doc: HasText) -> Head:
    """A document's `order_key` and the length of its text.

    >>> head(Record("a", "four"))
    ('', 0, 'a', 4)
    """
    return (*order_key(doc), len(doc.text))


@runtime_checkable
class KnowsHeads(Protocol):
    """A sequence of documents that gives each one's `head` without building the document: the
    run's document store, whose articles wait on disk: rebuilding every one of them for its
    place in the order had cost 5.5 CPU-seconds of a 1 GB run (sampled)."""

    def heads(self) -> Iterator[Head]: ...


__all__ = [
    "Doc",
    "HasText",
    "Head",
    "KnowsHeads",
    "Record",
    "Rows",
    "as_records",
    "head",
    "order_key",
    "source_of",
    "title_of",
]
