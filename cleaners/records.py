"""Records in, cleaned `Document`s out: the cleaning library surface (`from cleaners import clean`).

`clean` takes a dump's text, or any iterable of `Document`s, dicts (a JSONL/Parquet record: any
text field, other fields carried through) or strings (one article each), and yields cleaned
`Document`s lazily, batch by batch. Deduplication and output files are the run's
(`winnow_corpus.Pipeline`), not this package's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import regex as re

from cleaners.document import Document, Removal, stable_id
from cleaners.errors import InputError
from cleaners.options import CleanOptions
from cleaners.split import split_dump


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A JSONL line Winnow could not use: reported with file and line, the rest still read."""

    source: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.problem}"


def record_document(
    record: dict[str, Any], source: str, number: int, text_field: str, title_field: str
) -> Iterator[Document | BadRecord]:
    text = record.get(text_field)
    if text is None:
        problem = "is null" if text_field in record else "is missing"
        yield BadRecord(source, number, f"field {text_field!r} {problem}")
        return
    if not isinstance(text, str):
        yield BadRecord(source, number, f"field {text_field!r} is not a string")
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, unpaired = _without_surrogates(text, number)
    # the other fields made writable apart from the text (a long string, done above)
    fields = _writable({k: v for k, v in record.items() if k != text_field})

    def writable(name: str) -> Any:
        return fields.get(name) if name != text_field else _writable(record.get(name))

    title = writable(title_field)
    record_id = writable("id")
    if isinstance(record_id, str | int):
        doc_id = str(record_id)
    else:
        doc_id = stable_id(number, first_line(text))
    yield Document(
        id=doc_id,
        text=text,
        source=source,
        lines=(number, number),
        title=title if isinstance(title, str) else "",
        meta={"headlines": 0, "fields": fields, "record": number},
        removed=unpaired,
        line_numbers=(number,) * (text.count("\n") + 1),
    )


def first_line(text: str) -> str:
    r"""The first line of `text.strip()` (`""` for a blank text): `strip` gives the text itself
    back when it has nothing to strip, and `find` copies nothing, where `split` copied the rest
    of the text to throw it away.

    >>> first_line("  \n Headline \n body  "), first_line("  Headline  \n \n"), first_line(" ")
    ('Headline ', 'Headline', '')
    """
    stripped = text.strip()
    end = stripped.find("\n")
    return stripped if end < 0 else stripped[:end]


# A JSON string may spell half of a UTF-16 pair (`"\ud800"`): Python reads it as a lone
# surrogate, which is no character, cannot be written as UTF-8 and cannot enter a polars column.
SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def _without_surrogates(text: str, number: int) -> tuple[str, list[Removal]]:
    """`text` with each lone surrogate replaced by U+FFFD, and a removal naming each one (its
    JSON escape), so the change is shown like any other."""
    if text.isascii() or SURROGATE.search(text) is None:
        return text, []
    removed = [
        Removal(f"\\u{ord(match.group()):04x}", "unpaired surrogate (not a character)",
                "unicode.surrogates", number)
        for match in SURROGATE.finditer(text)
    ]  # fmt: skip
    return SURROGATE.sub(REPLACEMENT, text), removed


def _dump_without_surrogates(dump: str, source: str, split_on: str | None) -> Iterator[Document]:
    """A library caller's dump (a `str`, which may hold lone surrogates) split into articles
    made writable as `record_document` makes a record: each surrogate U+FFFD and a removal on
    the article that holds its line."""
    if dump.isascii() or SURROGATE.search(dump) is None:
        yield from split_dump(dump, source, split_on=split_on)
        return
    lines = dump.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # as split_dump numbers
    found = [
        removal
        for number, line in enumerate(lines, start=1)
        for removal in _without_surrogates(line, number)[1]
    ]
    for doc in split_dump(SURROGATE.sub(REPLACEMENT, dump), source, split_on=split_on):
        first, last = doc.lines
        own = [removal for removal in found if first <= removal.line <= last]
        yield doc.replaced(removed=[*own, *doc.removed]) if own else doc


def _writable(value: Any) -> Any:
    """`value` (a record's other fields, carried to the output) with lone surrogates replaced
    by U+FFFD in every string, key and nested value: the output must be valid UTF-8."""
    if isinstance(value, str):
        return value if value.isascii() else SURROGATE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {_writable(k): _writable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_writable(v) for v in value]
    return value


Item = Document | dict[str, Any] | str
BATCH = 10_000  # documents per batch: recurring-line learning sees this many at once


def to_documents(
    items: str | Iterable[Item],
    *,
    source: str = "<records>",
    text_field: str = "text",
    title_field: str = "title",
    split_on: str | None = None,
) -> Iterator[Document]:
    """`Document`s from a dump's text or from records, lazily.

    A dict without a usable text field raises `InputError` naming the record: a library caller
    decides what to skip, Winnow does not drop it silently.

    >>> [d.text for d in to_documents([{"body": "One.", "url": "u"}], text_field="body")]
    ['One.']
    """
    if isinstance(items, str):
        yield from _dump_without_surrogates(items, source, split_on)
        return
    for number, item in enumerate(items, start=1):
        if isinstance(item, Document):
            yield item
            continue
        record = {text_field: item} if isinstance(item, str) else item
        if not isinstance(record, dict):
            raise InputError(f"{source} item {number}: expected a Document, dict or str")
        for made in record_document(record, source, number, text_field, title_field):
            if isinstance(made, BadRecord):
                raise InputError(str(made))
            yield made


def clean(
    items: str | Iterable[Item],
    options: CleanOptions | None = None,
    *,
    batch_size: int = BATCH,
    **fields: Any,
) -> Iterator[Document]:
    """Cleaned `Document`s, in input order, one batch in memory at a time.

    `fields` go to `to_documents` (`source`, `text_field`, `title_field`, `split_on`).

    >>> docs = clean([{"text": "Rain is due on Friday.\\n\\nShare this article"}])
    >>> [(d.text, [r.reason for r in d.removed]) for d in docs]
    [('Rain is due on Friday.', ['share/subscribe/navigation line'])]
    """
    from cleaners.pipeline import clean_documents  # the rules load when something is cleaned

    documents = to_documents(items, **fields)
    while batch := list(islice(documents, batch_size)):
        yield from clean_documents(batch, options)


__all__ = ["BATCH", "BadRecord", "Item", "clean", "record_document", "to_documents"]
