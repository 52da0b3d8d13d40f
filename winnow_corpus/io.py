"""Readers (dump .txt/.txt.gz, JSONL, Parquet, stdin) and the atomic output writer.

Input files are only ever opened for reading. Output goes to a temporary sibling directory that is
renamed into place at the end, so a crash or Ctrl-C leaves the previous output (or none), never
half a file.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import logging
import os
import shutil
import stat
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cleaners.document import Document
from cleaners.records import BadRecord as BadRecord  # re-exported: the readers yield it
from cleaners.records import record_document
from cleaners.split import LinePiece, iter_lines
from winnow_corpus.errors import InputError, OutputError
from winnow_corpus.outdir import swap_into_place
from winnow_corpus.writers import GZIP_MAGIC, ZSTD_MAGIC, decompress, zstd_module

log = logging.getLogger(__name__)

DUMP_SUFFIXES = (".txt", ".txt.gz", ".txt.zst", ".text")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".json.gz")
PARQUET_SUFFIXES = (".parquet",)
ALL_SUFFIXES = DUMP_SUFFIXES + JSONL_SUFFIXES + PARQUET_SUFFIXES
STDIN = "-"

# Bytes that never occur in text but fill binary formats; one NUL is enough to call a file binary
# (the test git and grep use as well).
_NUL = b"\x00"
# Characters that, when frequent, mean a "successful" latin-1 decode was really binary.
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input to read: a path (or "-" for stdin) and its format."""

    path: str
    kind: str  # "dump" | "jsonl" | "parquet"

    @property
    def display(self) -> str:
        return "<stdin>" if self.path == STDIN else self.path


@dataclass(slots=True)
class DecodedText:
    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)  # said to the user, e.g. "decoded as cp1252"


def kind_of(path: str) -> str | None:
    name = path.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(DUMP_SUFFIXES):
        return "dump"
    return None


def resolve_inputs(paths: Sequence[str], *, default_kind: str = "dump") -> list[InputFile]:
    """Expand files, folders and "-" into a sorted, de-duplicated list of inputs.

    A folder contributes the files in it (recursively) whose suffix Winnow reads; a file named
    explicitly is read whatever its suffix (as `default_kind` when the suffix says nothing).
    """
    found: list[InputFile] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == STDIN:
            if STDIN not in seen:
                found.append(InputFile(STDIN, default_kind))
                seen.add(STDIN)
            continue
        path = Path(raw)
        if not path.exists():
            if path.is_symlink():
                raise InputError(f"{raw}: broken symbolic link (to {os.readlink(path)})")
            raise InputError(f"{raw}: no such file or directory")
        if path.is_dir():
            # a broken symbolic link is kept: reading it fails and the run names it as skipped
            members = sorted(
                p
                for p in path.rglob("*")
                if (p.is_file() or (p.is_symlink() and not p.exists()))
                and kind_of(p.name) is not None
            )
            if not members:
                raise InputError(
                    f"{raw}: folder holds no dumps (looked for {', '.join(ALL_SUFFIXES)})"
                )
            for member in members:
                key = str(member)
                if key not in seen:
                    found.append(InputFile(key, kind_of(member.name) or default_kind))
                    seen.add(key)
        elif str(path) not in seen:
            found.append(InputFile(str(path), kind_of(path.name) or default_kind))
            seen.add(str(path))
    return found


def read_bytes(source: InputFile) -> bytes:
    """All bytes of an input, decompressed when gzip or zstd (by magic number, not name)."""
    try:
        if source.path == STDIN:
            data = sys.stdin.buffer.read()
        else:
            with open(source.path, "rb") as handle:
                data = handle.read()
    except IsADirectoryError as exc:
        raise InputError(f"{source.display}: is a directory") from exc
    except FileNotFoundError as exc:
        if os.path.islink(source.path):
            target = os.readlink(source.path)
            raise InputError(
                f"{source.display}: broken symbolic link (to {target}, which does not exist)"
            ) from exc
        raise InputError(
            f"{source.display}: no such file (moved or deleted during the run)"
        ) from exc
    except PermissionError as exc:
        raise InputError(f"{source.display}: permission denied (check the file's mode)") from exc
    except OSError as exc:
        raise InputError(f"{source.display}: cannot read ({exc.strerror})") from exc
    return decompress(data, source.display)


def decode(data: bytes, name: str) -> DecodedText:
    """Decode bytes as text: UTF-8 first, then a BOM-marked UTF-16, then cp1252, then latin-1.

    Scraped dumps are mostly UTF-8 with the odd Windows-1252 file; falling back silently would
    hide mojibake, so every fallback is reported in `notes`.

    >>> decode("café".encode("cp1252"), "x.txt").encoding
    'cp1252'
    """
    if not data.strip():
        raise InputError(f"{name}: file is empty; nothing to clean")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return DecodedText(data.decode("utf-16"), "utf-16", [f"{name}: decoded as UTF-16"])
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: has a UTF-16 byte-order mark but is not UTF-16") from exc
    if _NUL in data:
        offset = data.index(_NUL)
        raise InputError(
            f"{name}: looks binary (NUL byte at offset {offset}); Winnow reads text dumps, "
            "JSONL and Parquet"
        )
    try:
        return DecodedText(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
        byte = data[bad : bad + 1].hex()
        where = f"byte 0x{byte} at offset {bad}"
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(data.count(b) for b in _CONTROL_BYTES)
        if controls > max(8, len(data) // 100):
            raise InputError(f"{name}: looks binary ({controls} control bytes); not a text dump")
        note = f"{name}: not valid UTF-8 ({where}); decoded as {encoding}"
        return DecodedText(text, encoding, [note])
    raise InputError(f"{name}: not UTF-8 ({where}); convert it to UTF-8 first")  # pragma: no cover


def read_dump(source: InputFile) -> DecodedText:
    """The decoded text of a dump, line ends normalised to "\\n"."""
    decoded = decode(read_bytes(source), source.display)
    text = decoded.text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        decoded.notes.append(f"{source.display}: CR/CRLF line ends normalised")
    decoded.text = text
    return decoded


READ_BLOCK = 1 << 24  # bytes read at a time when checking a text input before streaming it
# The first bytes (after decompression) looked at before any more is read: a binary input
# (`/dev/zero`, an image, a gzip of zeros) stops here, whatever its size.
HEAD_BYTES = 1 << 16
# The longest piece of a line read at once: a line longer than this comes in pieces
# (`LinePiece`), so one endless line (no line end in 300 MB) never has to fit in memory.
LINE_PIECE = 1 << 20
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class TextStream:
    """A text input's lines (a dump's or a JSONL file's), read from disk as they are used
    instead of decoded whole first.

    Why: holding a 1 GB dump whole cost its bytes, then its decoded text (two bytes a character
    once one curly quote is in it) and then its split articles, 4 bytes per input byte at once.
    A plain or gzip file that is valid UTF-8 (nearly every input) is checked in one pass of
    blocks and then streamed; anything else (stdin, zstd, UTF-16, cp1252, a binary file) goes
    through `read_dump`, with the same fallbacks, notes and errors. `notes` is complete once
    `lines()` is exhausted (the CR/CRLF note is known only then).
    """

    def __init__(self, source: InputFile) -> None:
        self.source = source
        self.encoding = "utf-8"
        self.notes: list[str] = []
        self._open = _byte_opener(source)
        self._text: str | None = None
        self._once: BinaryIO | None = None  # an input read once, as it comes (stdin, a FIFO)
        self._head = b""
        name = source.display
        if self._open is not None:
            _check_head(_head_of(self._open), name)  # before the whole file is looked at
            if not _plain_utf8(self._open, name):
                self._open = None
                decoded = read_dump(source)
                self.encoding, self._text = decoded.encoding, decoded.text
                self.notes.extend(decoded.notes)
            return
        handle = _open_once(source)
        head = _read_up_to(handle, HEAD_BYTES)
        _check_head(head, name)
        if len(head) < HEAD_BYTES and not head.strip():
            handle.close()
            raise InputError(f"{name}: file is empty; nothing to clean")
        if head.startswith(_UTF16_BOMS) or not _utf8_prefix(head):
            # UTF-16 or another encoding: decided on the whole input, as for a file (rare)
            data = head + handle.read()
            handle.close()
            decoded = decode(data, name)
            text = decoded.text
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
                decoded.notes.append(f"{name}: CR/CRLF line ends normalised")
            self.encoding, self._text = decoded.encoding, text
            self.notes.extend(decoded.notes)
            return
        self._once, self._head = handle, head

    def lines(self) -> Iterator[str]:
        """The dump's lines without their line ends; CRLF and a lone CR end a line too. A line
        longer than `LINE_PIECE` characters comes as `LinePiece`s, then its last piece."""
        if self._text is not None:
            yield from iter_lines(self._text)
            return
        name = self.source.display
        if self._once is not None:
            raw: BinaryIO = io.BufferedReader(_Prefixed(self._head, self._once))
        else:
            assert self._open is not None
            raw = self._open()
        try:
            with io.TextIOWrapper(raw, encoding="utf-8-sig", newline=None) as text:
                while line := text.readline(LINE_PIECE):
                    if line.endswith("\n"):
                        line = line[:-1]
                    elif len(line) == LINE_PIECE:
                        line = LinePiece(line)
                    if self._once is not None and "\0" in line:
                        raise InputError(
                            f"{name}: looks binary (a NUL byte past its first "
                            f"{HEAD_BYTES // 1024} KB); Winnow reads text dumps, JSONL and Parquet"
                        )
                    yield line
                if text.newlines not in (None, "\n"):
                    self.notes.append(f"{name}: CR/CRLF line ends normalised")
        except UnicodeDecodeError as exc:
            if self._once is None:
                raise InputError(
                    f"{name}: changed or became unreadable while it was read ({exc}); run again"
                ) from exc
            raise InputError(
                f"{name}: not valid UTF-8 past its first {HEAD_BYTES // 1024} KB ({exc.reason}); "
                "convert it to UTF-8 first"
            ) from exc
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(
                f"{name}: changed or became unreadable while it was read ({exc}); run again"
            ) from exc


class _Prefixed(io.RawIOBase):
    """Bytes already read (an input's head), then the rest of the stream they came from."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(view), len(self._head))
            view[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self._rest is not sys.stdin.buffer:
            self._rest.close()
        super().close()


def _read_up_to(handle: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes (fewer only at the end of the input: a pipe gives what it has)."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        block = handle.read(size - got)
        if not block:
            break
        parts.append(block)
        got += len(block)
    return b"".join(parts)


def _head_of(opener: Callable[[], BinaryIO]) -> bytes:
    try:
        with opener() as handle:
            return _read_up_to(handle, HEAD_BYTES)
    except (OSError, EOFError, zlib.error):
        return b""  # `read_dump` says what is wrong, in the words it always has


def _check_head(head: bytes, name: str) -> None:
    """Stop at once on a binary input: a NUL byte in the first bytes (UTF-16 aside)."""
    if head.startswith(_UTF16_BOMS) or _NUL not in head:
        return
    raise InputError(
        f"{name}: looks binary (NUL byte at offset {head.index(_NUL)}); Winnow reads text "
        "dumps, JSONL and Parquet"
    )


def _utf8_prefix(head: bytes) -> bool:
    """True when `head` is valid UTF-8 up to a character cut at its end."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _open_once(source: InputFile) -> BinaryIO:
    """An input read once, as it comes: stdin, a FIFO, a device, or zstd (decompressed as a
    stream); gzip and zstd are told by their magic number."""
    try:
        raw: Any = sys.stdin.buffer if source.path == STDIN else open(source.path, "rb")  # noqa: SIM115
    except OSError as exc:
        read_bytes(source)  # raises the error `read_bytes` always gave for this path
        raise InputError(f"{source.display}: cannot read ({exc.strerror})") from exc
    magic = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    if magic[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if magic[:4] == ZSTD_MAGIC:
        reader = zstd_module().ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        return reader  # type: ignore[no-any-return]
    return raw  # type: ignore[no-any-return]


def _byte_opener(source: InputFile) -> Callable[[], BinaryIO] | None:
    """How to open a dump's bytes again for a second pass, or None where that is not possible
    cheaply (stdin, a FIFO or a device is read once; zstd goes through `decompress` whole)."""
    if source.path == STDIN:
        return None
    path = source.path
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None  # a FIFO or a device gives its bytes once: it is opened once, whole
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError:
        return None  # read_dump says what is wrong, in the words it always has
    if magic[:2] == GZIP_MAGIC:
        return lambda: gzip.open(path, "rb")  # type: ignore[return-value]
    if magic.startswith(ZSTD_MAGIC):
        return None
    return lambda: open(path, "rb")


def _plain_utf8(opener: Callable[[], BinaryIO], name: str) -> bool:
    """True when the bytes are valid UTF-8 text, not blank, without a UTF-16 mark; a NUL byte
    anywhere stops the run's use of the file at once (`InputError`: it looks binary).

    Anything else goes through `read_dump`, which raises or notes what it finds exactly as it
    does for a whole file; so a truncated gzip stream or a read error also just says False.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    content = False
    offset = 0
    try:
        with opener() as handle:
            first = True
            while block := handle.read(READ_BLOCK):
                if first and block.startswith(_UTF16_BOMS):
                    return False
                first = False
                if _NUL in block:
                    raise InputError(
                        f"{name}: looks binary (NUL byte at offset {offset + block.index(_NUL)}); "
                        "Winnow reads text dumps, JSONL and Parquet"
                    )
                offset += len(block)
                decoder.decode(block)
                content = content or not block.isspace()
            decoder.decode(b"", final=True)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError):
        return False
    return content


def iter_jsonl(
    source: InputFile | TextStream,
    text_field: str = "text",
    title_field: str = "title",
    max_record_chars: int | None = None,
) -> Iterator[Document | BadRecord]:
    """One `Document` per JSONL record (or a `BadRecord` for a line that cannot be used).

    Read line by line (`TextStream`), a line being what ends in LF, CRLF or CR: not
    `str.splitlines`, which also cuts at U+2028 and U+0085, characters a JSON string may hold
    raw. Fields other than the text are carried through untouched in `meta["fields"]` so the
    output can keep the input's schema.

    A record is parsed whole, so one longer than `max_record_chars` (the line, escapes and
    other fields included) is not held: its pieces are counted and dropped as they are read,
    and it becomes a `BadRecord` that says why (a dump's article is split instead; a record
    cannot be cut without parsing it).
    """
    stream = source if isinstance(source, TextStream) else TextStream(source)
    name = stream.source.display
    for number, line in enumerate(_whole_lines(stream.lines(), max_record_chars), start=1):
        if isinstance(line, _Oversized):
            yield BadRecord(
                name,
                number,
                f"record of {line.chars:,} characters is longer than --max-article-bytes "
                f"({max_record_chars:,}); split it into smaller records or raise the cap",
            )
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadRecord(name, number, f"not valid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            yield BadRecord(name, number, "record is not a JSON object")
            continue
        yield from record_document(record, name, number, text_field, title_field)


@dataclass(frozen=True, slots=True)
class _Oversized:
    """A line longer than the cap, dropped while it was read: only its length is kept."""

    chars: int


def _whole_lines(lines: Iterable[str], cap: int | None = None) -> Iterator[str | _Oversized]:
    """Lines with their `LinePiece`s joined again (a JSON record is parsed whole); a line over
    `cap` characters is an `_Oversized` instead, its pieces never held together."""
    pieces: list[str] = []
    held = 0
    for line in lines:
        held += len(line)
        if cap is not None and held > cap:
            pieces = []
            if isinstance(line, LinePiece):
                continue
            yield _Oversized(held)
            held = 0
            continue
        if isinstance(line, LinePiece):
            pieces.append(line)
            continue
        yield "".join([*pieces, line]) if pieces else line
        pieces = []
        held = 0
    if cap is not None and held > cap:
        yield _Oversized(held)
    elif pieces:
        yield "".join(pieces)


def iter_parquet(
    source: InputFile,
    text_field: str = "text",
    title_field: str = "title",
    max_record_chars: int | None = None,
) -> Iterator[Document | BadRecord]:
    """Documents from a Parquet file, read in record batches so memory stays bounded.

    A row whose text is longer than `max_record_chars` is a `BadRecord` that says why, as an
    over-long JSONL record is: a record is one article, kept whole or not at all."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise InputError(
            f"{source.display}: reading Parquet needs pyarrow: pip install 'winnow-corpus[parquet]'"
        ) from exc
    try:
        parquet = pq.ParquetFile(source.path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise InputError(f"{source.display}: not a readable Parquet file ({exc})") from exc
    columns = parquet.schema_arrow.names
    if text_field not in columns:  # else every row is a bad record and nothing says why
        raise InputError(
            f"{source.display}: no column {text_field!r} (its columns: {', '.join(columns)}); "
            "name the one holding the text with --text-field"
        )
    row = 0
    for batch in parquet.iter_batches(batch_size=4096):
        for record in batch.to_pylist():
            row += 1
            text = record.get(text_field)
            length = len(text) if isinstance(text, str) else 0
            if max_record_chars is not None and length > max_record_chars:
                yield BadRecord(
                    source.display,
                    row,
                    f"text of {length:,} characters is longer than --max-article-bytes "
                    f"({max_record_chars:,}); split it into smaller records or raise the cap",
                )
                continue
            yield from record_document(record, source.display, row, text_field, title_field)


# --- output ---------------------------------------------------------------------------------------

# Written into every output folder (the committed corpus/clean/README.md is this text too).
OUTPUT_README = """\
# corpus/clean/

`winnow clean` writes its output here (git-ignored apart from this README):

- `articles.jsonl`: one record per kept article (`id`, `title`, `text`, `meta`, `source`, `lines`,
  `removed`, `cluster`); with `--schema input`, each input record's own fields (text cleaned)
  plus a `winnow` field; `--output-format parquet`, `--compression gzip|zstd` and
  `--shard-size N` (`articles-00000.jsonl`, ...) change the file's form, not its records
- `duplicates.jsonl`: one record per dropped duplicate, with `duplicate_of`, `tier`, `similarity`
- `removed.jsonl`: every removed line or span, with its reason and rule
- `NNNN-slug.txt`: one file per kept article (title, blank line, body; not with `--no-txt`)
- `report.json`: counts per stage and per removal reason, clusters, the output settings
- `timings.json`: seconds per stage (apart, so that the other files are identical between runs)
- `report.html`: the same, to look at: removed lines struck through by reason, clusters side by side

The whole folder is replaced atomically at the end of a run.
"""


def check_output_dir(out: Path, inputs: Iterable[InputFile], roots: Sequence[str] = ()) -> None:
    """Refuse an output folder that is an input folder, holds an input, or sits inside one.

    The whole folder is replaced at the end of a run, so writing into an input folder would
    delete the input; writing inside one would feed the output to the next run as input.
    """
    out_abs = out.resolve()
    for root in roots:
        if root == STDIN or not Path(root).is_dir():
            continue
        root_abs = Path(root).resolve()
        if out_abs == root_abs or root_abs in out_abs.parents:
            raise OutputError(
                f"output folder {out} is inside the input folder {root}; the next run would "
                "read the output as input, so choose an --out outside it"
            )
    for source in inputs:
        if source.path == STDIN:
            continue
        src = Path(source.path).resolve()
        if src == out_abs or out_abs in src.parents:
            raise OutputError(
                f"output folder {out} holds the input {source.display}; Winnow replaces the "
                "whole output folder, so choose another --out"
            )
    parent = out_abs.parent
    if parent.exists() and not os.access(parent, os.W_OK):
        raise OutputError(f"cannot write output: {parent} is not writable")


class AtomicOutputDir:
    """Write files into a temporary sibling folder, then swap it into place in one atomic step
    (`outdir.swap_into_place`: renameat2's exchange on Linux, two renames elsewhere).

    Use as a context manager; on an exception the temporary folder is removed and the previous
    output stays as it was.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.tmp: Path | None = None

    def __enter__(self) -> AtomicOutputDir:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.tmp-", dir=self.out.parent))
        return self

    def path(self, name: str) -> Path:
        assert self.tmp is not None, "use AtomicOutputDir as a context manager"
        return self.tmp / name

    def open(self, name: str) -> Any:
        return open(self.path(name), "w", encoding="utf-8", newline="\n")

    def write_jsonl(self, name: str, records: Iterable[dict[str, Any]]) -> int:
        count = 0
        with self.open(name) as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True))
                handle.write("\n")
                count += 1
        return count

    def write_text(self, name: str, text: str) -> None:
        with self.open(name) as handle:
            handle.write(text)

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        assert self.tmp is not None
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        try:
            swap_into_place(self.tmp, self.out)
        except OSError as exc:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise OutputError(
                f"cannot put the new output in place at {self.out} ({exc.strerror or exc}); "
                "the previous output is left as it was"
            ) from exc


def write_stream(handle: BinaryIO, records: Iterable[dict[str, Any]]) -> None:
    """JSONL to a binary stream (stdout), for use inside shell pipelines."""
    for record in records:
        handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
        handle.write(b"\n")
