"""Per-document arrays held on disk instead of in memory, read back one at a time.

Why: dedupe keeps each article's word-shingle hashes from the moment the article is cleaned until
its candidate pairs are checked, about 0.7 bytes per byte of input as uint32, and its content-word
hashes until the collection's vocabulary is known, about 0.4 more. Held as arrays they were the
largest share of what grows with the corpus (2.2 bytes per input byte between 100 MB and 1 GB).
Most are read once, in order (signatures, the vocabulary); a candidate check reads two arrays it
asks for. On disk they cost 16 bytes of offsets a document, and the operating system's page cache
keeps them fast while memory is free. Small collections never reach the disk: the arrays stay in
memory until they pass `SPOOL_BYTES`.

Reads use `os.pread`, which takes no file offset, so forked children (`dedupe.parallel`) read the
same file safely.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import numpy as np
import numpy.typing as npt

from dedupe.errors import SpillError

SPOOL_BYTES = 16 << 20  # held in memory up to this size (about 25 MB of input), then on disk
WRITE_BYTES = 4 << 20  # appended arrays are written to the file this many bytes at a time
READ_BYTES = 4 << 20  # arrays that lie together in the file are read up to this many at a time
ITER_BLOCK = 4096  # arrays a pass over the whole spill asks for at once

T = TypeVar("T")
Scalar = TypeVar("Scalar", bound=np.generic)


def write_at(fd: int, data: bytes, at: int) -> None:
    """Write all of `data` at offset `at` of file descriptor `fd`, leaving its file offset alone
    (`os.pwrite`), so that forked children reading the same file at offsets are not disturbed."""
    view = memoryview(data)
    while view:  # a write may take fewer bytes than it was given
        written = os.pwrite(fd, view, at)
        view, at = view[written:], at + written


class ByPosition(Sequence[T]):
    """A sequence that builds one item at a time from its position (`_read`): the dedupe
    hashes held on disk (`ArraySpill`), and the articles of the run's document store."""

    def _read(self, position: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        positions = range(len(self))  # IndexError, negative indices and slices as a list has
        if isinstance(index, slice):
            return [self._read(p) for p in positions[index]]
        return self._read(positions[index])

    def __iter__(self) -> Iterator[T]:
        for position in range(len(self)):
            yield self._read(position)

    def read_many(self, positions: Sequence[int]) -> list[T]:
        """The items at `positions`, in that order (one at a time here; a sequence that can
        read many at once says how)."""
        return [self._read(p) for p in positions]


class Selection(ByPosition[T]):
    """Some positions of a sequence, in the order given, without copying the items.

    `close()` closes the sequence too, where it has a `close` (a caller done with the selection
    is done with what it was taken from).
    """

    def __init__(self, base: Sequence[T], positions: Iterable[int]) -> None:
        self._base = base
        self._positions = array("q", positions)

    def __len__(self) -> int:
        return len(self._positions)

    def _read(self, position: int) -> T:
        return self._base[self._positions[position]]

    def read_many(self, positions: Sequence[int]) -> list[T]:
        """The items at `positions`, read as the sequence under the selections reads many."""
        base, at = self.root()
        chosen = [at[p] for p in positions]
        return base.read_many(chosen) if isinstance(base, ByPosition) else [base[p] for p in chosen]

    def root(self) -> tuple[Sequence[T], list[int]]:
        """The sequence under every selection this one was taken from, and the positions in it
        of this selection's items, in order: a reader that can read that sequence in bulk (the
        run's document store) need not go through each selection item by item."""
        base: Sequence[T] = self._base
        positions = self._positions.tolist()
        while isinstance(base, Selection):
            outer = base._positions
            positions = [outer[p] for p in positions]
            base = base._base
        return base, positions

    def close(self) -> None:
        close = getattr(self._base, "close", None)
        if close is not None:
            close()


class ArraySpill(ByPosition[npt.NDArray[Scalar]], Generic[Scalar]):
    """An append-only sequence of 1-D arrays of one dtype, spooled to an unlinked temporary file.

    `spill[i] = values` replaces an array (its new bytes are appended; positions never move).
    Arrays read back from the file are read-only views of the bytes read.
    """

    def __init__(
        self,
        dtype: type[Scalar],
        directory: Path | None = None,
        spool_bytes: int | None = None,
    ) -> None:
        self._dtype = np.dtype(dtype)
        self._directory = directory
        self._spool_bytes = SPOOL_BYTES if spool_bytes is None else spool_bytes
        self._held: list[npt.NDArray[Scalar]] | None = []  # None once the file holds them
        self._held_bytes = 0
        self._file: Any = None
        self._starts = array("q")  # byte offsets in the file
        self._sizes = array("q")  # items
        self._end = 0  # bytes in the file, written or waiting in `_pending`
        self._pending: list[bytes] = []
        self._pending_bytes = 0

    @classmethod
    def of(cls, arrays: Iterable[npt.NDArray[Scalar]], dtype: type[Scalar]) -> ArraySpill[Scalar]:
        """Arrays a caller already holds, kept in memory (never spooled)."""
        spill = cls(dtype, spool_bytes=1 << 62)
        for values in arrays:
            spill.append(values)
        return spill

    def append(self, values: npt.NDArray[Any]) -> None:
        self._starts.append(0)
        self._sizes.append(0)
        self._store(len(self._starts) - 1, values)

    def extend_flat(self, flat: npt.NDArray[Any], sizes: npt.NDArray[np.int64]) -> None:
        """Append arrays given as one flat array and each one's length: on disk, their bytes
        are written as they stand, not array by array."""
        if self._held is not None:
            ends = np.cumsum(sizes)
            for part in np.split(np.asarray(flat), ends[:-1]) if sizes.size else []:
                self.append(part)
            return
        values = np.asarray(flat).astype(self._dtype, order="C", casting="safe", copy=False)
        if values.size != int(sizes.sum()):
            raise ValueError(f"{values.size} values for arrays of {int(sizes.sum())}")
        before = np.cumsum(sizes) - sizes
        self._starts.extend((self._end + before * self._dtype.itemsize).tolist())
        self._sizes.extend(sizes.tolist())
        self._write(values.tobytes())

    def __setitem__(self, index: int, values: npt.NDArray[Any]) -> None:
        self._store(range(len(self))[index], values)

    def _store(self, position: int, values: npt.NDArray[Any]) -> None:
        if self._held is None:  # on disk: the bytes written are the copy
            values = np.asarray(values).astype(self._dtype, order="C", casting="safe", copy=False)
            self._sizes[position] = values.size
            self._starts[position] = self._end
            self._write(values.tobytes())
            return
        # a copy, read-only: what is held in memory cannot change behind the spill's back, as
        # what was read back from the file cannot; a value the dtype cannot hold is an error
        values = np.asarray(values).astype(self._dtype, order="C", casting="safe", copy=True)
        values.flags.writeable = False
        self._sizes[position] = values.size
        if position == len(self._held):
            self._held.append(values)
        else:
            self._held_bytes -= self._held[position].nbytes
            self._held[position] = values
        self._held_bytes += values.nbytes
        if self._held_bytes > self._spool_bytes:
            self._spool()

    def _spool(self) -> None:
        """Move the held arrays to the file."""
        held, self._held = self._held or [], None
        try:
            self._file = tempfile.TemporaryFile(dir=self._directory)  # noqa: SIM115
        except OSError as exc:
            raise self._error(exc) from exc
        for position, values in enumerate(held):
            self._starts[position] = self._end
            self._write(values.tobytes())

    def _write(self, data: bytes) -> None:
        self._pending.append(data)
        self._pending_bytes += len(data)
        self._end += len(data)
        if self._pending_bytes >= WRITE_BYTES:
            self.flush()

    def flush(self) -> None:
        """Write what is waiting to the file. Reads do it first; a caller about to fork must,
        so that no child writes it again."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        try:
            write_at(self._file.fileno(), data, self._end - len(data))
        except OSError as exc:
            raise self._error(exc) from exc
        self._pending, self._pending_bytes = [], 0

    def _error(self, exc: OSError) -> SpillError:
        where = self._directory or tempfile.gettempdir()
        return SpillError(
            f"cannot keep dedupe hashes in {where} ({exc.strerror or exc}); "
            "free space there or choose another folder with --temp-dir"
        )

    def __len__(self) -> int:
        return len(self._starts)

    def sizes(self) -> npt.NDArray[np.int64]:
        """Each array's length, without reading any."""
        return np.frombuffer(self._sizes, dtype=np.int64).copy()

    def _read(self, position: int) -> npt.NDArray[Scalar]:
        if self._held is not None:
            return self._held[position]
        self.flush()
        size = self._sizes[position] * self._dtype.itemsize
        data = self._pread(size, self._starts[position])
        values: npt.NDArray[Scalar] = np.frombuffer(data, dtype=self._dtype)
        return values

    def _pread(self, size: int, at: int) -> bytes:
        data = os.pread(self._file.fileno(), size, at) if size else b""
        if len(data) != size:
            raise SpillError(
                f"dedupe hashes in {self._directory or tempfile.gettempdir()} were cut short "
                f"({len(data)} of {size} bytes read back); was the disk full?"
            )
        return data

    def read_many(self, positions: Sequence[int]) -> list[npt.NDArray[Scalar]]:
        """The arrays at `positions`, in that order. Arrays that lie one after another in the
        file (appended in order, read in order) come from one read of up to `READ_BYTES`, not
        one each: a read of a few hundred bytes cost about as much as the array's later use
        (a pass over 500,000 documents' hashes: seconds of system calls)."""
        if self._held is not None:
            held = self._held
            return [held[p] for p in positions]
        self.flush()
        starts, sizes, itemsize = self._starts, self._sizes, self._dtype.itemsize
        out: list[npt.NDArray[Scalar]] = []
        i, count = 0, len(positions)
        while i < count:
            first = starts[positions[i]]
            end = first + sizes[positions[i]] * itemsize
            j = i + 1
            while j < count and starts[positions[j]] == end and end - first < READ_BYTES:
                end += sizes[positions[j]] * itemsize
                j += 1
            data = self._pread(end - first, first)
            for p in positions[i:j]:
                out.append(
                    np.frombuffer(data, self._dtype, count=sizes[p], offset=starts[p] - first)
                )
            i = j
        return out

    def __iter__(self) -> Iterator[npt.NDArray[Scalar]]:
        for lo in range(0, len(self), ITER_BLOCK):
            yield from self.read_many(range(lo, min(lo + ITER_BLOCK, len(self))))

    def close(self) -> None:
        """Let the file go (it is unlinked: closing it frees its disk space)."""
        if self._file is not None:
            self._file.close()
        self._held = []
        self._starts, self._sizes = array("q"), array("q")


__all__ = [
    "READ_BYTES",
    "SPOOL_BYTES",
    "WRITE_BYTES",
    "ArraySpill",
    "ByPosition",
    "Selection",
    "write_at",
]
