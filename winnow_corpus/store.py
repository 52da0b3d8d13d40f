"""Cleaned articles held on disk, not as Python objects, between cleaning and writing.

Why: a run keeps every cleaned article from the moment it is cleaned until the output is
written, because dedupe decides only at the end which ones to keep. As objects they cost 2.2
bytes per input byte (text, line numbers, removals, metadata), the largest share of a run's
memory. Pickled one after another into a spooled temporary file they cost a few bytes of
offsets each, and an article is rebuilt only when a stage asks for it. Small runs never reach
the disk: the file stays in memory until it passes `SPOOL_BYTES`.
"""

from __future__ import annotations

import os
import pickle
import struct
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cleaners.document import Document, Removal, document_record
from dedupe.records import Head, head
from dedupe.spill import ByPosition, Selection, write_at
from winnow_corpus.errors import OutputError

SPOOL_BYTES = 64 << 20  # held in memory up to this size, then moved to a file on disk


class Packed(NamedTuple):
    """A document's fields as `pack` pickles them, in that order, each removal a plain tuple.

    For a pass over every article that reads a few fields (`packed_fields`): rebuilding a
    `Removal` per removed line is most of the time of rebuilding a `Document`.
    """

    id: str
    text: str
    source: str
    lines: tuple[int, int]
    title: str
    meta: dict[str, Any]
    removed: list[tuple[str, str, str, int]]  # text, reason, rule, line
    line_numbers: tuple[int, ...]


# A stored article is two pickles: its `dedupe.records.head`, then its fields, the head's size
# before both, so a pass that needs only heads (dedupe's canonical order) unpickles a few bytes
# of each article, not its text, lines and removals (the bytes are read whole: a read costs
# little beside building the fields).
_HEAD_SIZE = struct.Struct("<I")


def pack(doc: Document) -> bytes:
    """A document as pickled plain tuples: half the time of pickling the dataclasses themselves,
    and what the store holds, so a worker process can hand over a cleaned article in this form
    and the main process stores it without rebuilding it."""
    removed = [(r.text, r.reason, r.rule, r.line) for r in doc.removed]
    fields = (doc.id, doc.text, doc.source, doc.lines, doc.title, doc.meta, removed)
    head_bytes = pickle.dumps(head(doc), protocol=pickle.HIGHEST_PROTOCOL)
    body = pickle.dumps((*fields, doc.line_numbers), protocol=pickle.HIGHEST_PROTOCOL)
    return b"".join((_HEAD_SIZE.pack(len(head_bytes)), head_bytes, body))


def head_of(data: bytes) -> Head:
    """The `dedupe.records.head` of a document as `pack` gave it, without reading the rest."""
    found: Head = pickle.loads(memoryview(data)[_HEAD_SIZE.size :])  # stops at its own end
    return found


def _fields(data: bytes) -> tuple[Any, ...]:
    (size,) = _HEAD_SIZE.unpack_from(data)
    fields: tuple[Any, ...] = pickle.loads(memoryview(data)[_HEAD_SIZE.size + size :])
    return fields


def unpack_fields(data: bytes) -> Packed:
    return Packed._make(_fields(data))


def unpack(data: bytes) -> Document:
    doc_id, text, source, lines, title, meta, removed, line_numbers = _fields(data)
    return Document(
        id=doc_id,
        text=text,
        source=source,
        lines=lines,
        title=title,
        meta=meta,
        removed=[Removal(*r) for r in removed],
        line_numbers=line_numbers,
    )


def packed_fields(docs: Sequence[Document]) -> Iterator[Packed]:
    """Each document's fields, in order: read as stored from a `DocumentStore` or a selection
    of one (no `Document` is rebuilt), packed here from any other sequence."""
    stored = _stored(docs)
    if stored is not None:
        return stored
    return (unpack_fields(pack(doc)) for doc in docs)


def document_records(docs: Sequence[Document]) -> Iterator[dict[str, Any]]:
    """`Document.to_dict` of each document, in order: from the stored fields where `docs` is
    a store or a selection of one, from the documents themselves otherwise (packing a list's
    documents only to read them back cost five times `to_dict`)."""
    stored = _stored(docs)
    if stored is not None:
        return (document_record(fields, fields.removed) for fields in stored)
    return (doc.to_dict() for doc in docs)


def _stored(docs: Sequence[Document]) -> Iterator[Packed] | None:
    """The stored fields of `docs` where they are a store's or a selection of one, else None."""
    if isinstance(docs, Selection):
        base, positions = docs.root()
        if isinstance(base, DocumentStore):
            return (unpack_fields(base.stored(position)) for position in positions)
    if isinstance(docs, DocumentStore):
        return (unpack_fields(docs.stored(position)) for position in range(len(docs)))
    return None


class DocumentStore(ByPosition[Document]):
    """An append-only sequence of documents, pickled into a temporary file.

    `store[i] = doc` replaces an article (a later step changed it): the new pickle is appended
    and the old one is left unreachable, so earlier positions never move. The file is unlinked
    from the start (`tempfile`), so a crash leaves nothing behind; `directory` says which disk
    holds it (the CLI uses the output folder's, not a RAM-backed /tmp). Past `spool_bytes` the
    file is read and written at offsets (`os.pread`, `os.pwrite`), never through the file offset
    a forked child shares with its parent, so forked children (the output writers) can read it;
    before that, a child reads its own copy of the memory.
    """

    def __init__(self, directory: Path | None = None, spool_bytes: int = SPOOL_BYTES) -> None:
        where = None if directory is None else str(directory)
        self._where = where or tempfile.gettempdir()
        # held for the store's life: closed by `close()`, or when the store is collected
        self._file = tempfile.SpooledTemporaryFile(max_size=spool_bytes, dir=where)  # noqa: SIM115
        self._spool_bytes = spool_bytes
        self._on_disk = False  # rolled over to the file: read and written at offsets from then
        self._starts = array("q")
        self._sizes = array("q")
        self._end = 0

    def append(self, doc: Document) -> None:
        self.append_packed(pack(doc))

    def append_packed(self, data: bytes) -> None:
        """Append a document as `pack` gave it."""
        self._starts.append(self._write(data))
        self._sizes.append(len(data))

    def extend(self, docs: Iterable[Document]) -> None:
        for doc in docs:
            self.append(doc)

    def _write(self, data: bytes) -> int:
        start = self._end
        try:
            if self._on_disk:
                write_at(self._file.fileno(), data, start)
            else:
                self._file.seek(start)
                self._file.write(data)
                if start + len(data) > self._spool_bytes:
                    self._file.rollover()
                    self._file.flush()  # nothing left in a buffer that a forked child inherits
                    self._on_disk = True
        except OSError as exc:  # a full disk, or a folder that cannot be written
            raise OutputError(
                f"cannot keep cleaned articles in {self._where} ({exc.strerror or exc}); "
                "free space there or choose another folder with --temp-dir"
            ) from exc
        self._end += len(data)
        return start

    def __setitem__(self, index: int, doc: Document) -> None:
        self.set_packed(index, pack(doc))

    def set_packed(self, index: int, data: bytes) -> None:
        """Replace the document at `index` by one as `pack` gave it."""
        position = range(len(self))[index]  # IndexError, and negative indices, as a list has
        self._starts[position] = self._write(data)
        self._sizes[position] = len(data)

    def __len__(self) -> int:
        return len(self._starts)

    def _read(self, position: int) -> Document:
        return unpack(self.stored(position))

    def stored(self, position: int) -> bytes:
        """The document at `position` (0 or more) as `pack` gave it."""
        start, size = self._starts[position], self._sizes[position]
        if not self._on_disk:  # in memory: a forked child reads its own copy
            self._file.seek(start)
            data: bytes = self._file.read(size)
            return data
        try:
            data = os.pread(self._file.fileno(), size, start)
        except OSError as exc:
            raise OutputError(
                f"cannot read cleaned articles back from {self._where} ({exc.strerror or exc})"
            ) from exc
        if len(data) != size:
            raise OutputError(
                f"cleaned articles in {self._where} were cut short ({len(data)} of {size} bytes "
                "read back); was the disk full?"
            )
        return data

    def heads(self, positions: Iterable[int] | None = None) -> Iterator[Head]:
        """Each document's `dedupe.records.head` (of those at `positions`, where given), in
        order (`dedupe.records.KnowsHeads`)."""
        chosen = range(len(self)) if positions is None else positions
        return (head_of(self.stored(position)) for position in chosen)

    def close(self) -> None:
        self._file.close()


class StoredFields(ByPosition[Packed]):
    """A store's documents as their stored fields (`Packed`: `id`, `text`, `title`, ...), for
    a pass over every article that reads its text: no `Document` or `Removal` is rebuilt."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    def _read(self, position: int) -> Packed:
        return unpack_fields(self._store.stored(position))


class DocumentView(Selection[Document]):
    """Some positions of a sequence of documents (a store's, most often), in the order given."""

    def heads(self) -> Iterator[Head]:
        """Each document's `dedupe.records.head`, in order, read from the store's heads where
        the view is of a store (`dedupe.records.KnowsHeads`)."""
        base, positions = self.root()
        if isinstance(base, DocumentStore):
            return base.heads(positions)
        return (head(doc) for doc in self)
