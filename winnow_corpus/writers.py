"""Output files another tool can take directly: JSONL or Parquet, compressed, sharded.

Two record shapes. The `winnow` schema is Winnow's own (id, title, text, meta, removed, ...).
The `input` schema is what came in (every field of a JSONL/Parquet record, untouched apart from
the cleaned text and title) plus one `winnow` field holding Winnow's additions, so a pipeline that
fed Winnow records gets the same records back and can ignore or use the additions.

Every writer here is deterministic (gzip without a timestamp, fixed Parquet column types), so two
identical runs give byte-identical files. JSONL is written as the records stream past; a Parquet
file is built from one shard's records at a time.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import shutil
import zlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from winnow_corpus.errors import ConfigError, InputError

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "parquet")
COMPRESSIONS = ("none", "gzip", "zstd")
SCHEMAS = ("winnow", "input")
JSONL_SUFFIX = {"none": ".jsonl", "gzip": ".jsonl.gz", "zstd": ".jsonl.zst"}
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class OutputOptions:
    """How the articles are written; every field maps to a `winnow clean` flag."""

    format: str = "jsonl"  # articles file(s): "jsonl" or "parquet"
    compression: str = "none"  # "none", "gzip" or "zstd" (JSONL files; Parquet's column codec)
    shard_size: int = 0  # articles per file; 0 writes one file
    schema: str = "winnow"  # "winnow" (Winnow's record) or "input" (the input's fields + winnow)
    txt_files: bool = True  # also one NNNN-slug.txt per kept article

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("--output-format", self.format, FORMATS),
            ("--compression", self.compression, COMPRESSIONS),
            ("--schema", self.schema, SCHEMAS),
        ):
            if value not in allowed:
                raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        if self.shard_size < 0:
            raise ConfigError(f"--shard-size must be 0 (one file) or more, got {self.shard_size}")

    def check_dependencies(self) -> None:
        """Fail before the run, not after it, when a format's optional package is missing."""
        if self.format == "parquet":
            _arrow()
        if self.compression == "zstd" and self.format == "jsonl":
            zstd_module()

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "compression": self.compression,
            "shard_size": self.shard_size,
            "schema": self.schema,
            "txt_files": self.txt_files,
        }


# --- record shapes ------------------------------------------------------------------------------

# Winnow's additions in the input schema, and Winnow's own record: fixed so Parquet types are too.
_ADDED_KEYS = ("duplicate_of", "tier", "similarity")


def input_schema_record(
    record: dict[str, Any], text_field: str = "text", title_field: str = "title"
) -> dict[str, Any]:
    """An article record (Winnow schema) in the shape its input record had.

    >>> rec = {"id": "7", "title": "T", "text": "clean", "meta": {"fields": {"id": 7, "url": "u",
    ...        "body": "raw"}}, "source": "a.jsonl", "lines": [1, 1], "removed": [],
    ...        "cluster": None}
    >>> input_schema_record(rec, text_field="body")["body"], input_schema_record(rec, "body")["url"]
    ('clean', 'u')
    """
    meta = dict(record.get("meta") or {})
    fields = meta.pop("fields", None)
    if isinstance(fields, dict):
        out = dict(fields)
        if title_field in out:
            out[title_field] = record.get("title", "")
    else:  # an article split from a dump: its "input record" is its title and text
        out = {title_field: record.get("title", "")}
    out[text_field] = record.get("text", "")
    out["winnow"] = {
        "id": record.get("id"),
        "title": record.get("title", ""),
        "source": record.get("source", ""),
        "lines": record.get("lines", []),
        "meta": meta,
        "removed": record.get("removed", []),
        "cluster": record.get("cluster"),
        **{key: record.get(key) for key in _ADDED_KEYS},
        "line_numbers": record.get("line_numbers", []),
    }
    return out


def winnow_schema_record(record: dict[str, Any], text_field: str = "text") -> dict[str, Any]:
    """Back to Winnow's shape, for readers of an output folder (report, explain).

    The input's own fields are not put back into `meta`: readers show Winnow's additions.
    """
    added = record.get("winnow")
    if not isinstance(added, dict):
        return record
    out = {key: value for key, value in added.items() if value is not None or key == "cluster"}
    out["text"] = record.get(text_field, "")
    out["meta"] = dict(added.get("meta") or {})
    return out


# --- files --------------------------------------------------------------------------------------


def articles_file_names(count: int, options: OutputOptions, stem: str = "articles") -> list[str]:
    """The file names `write_articles` uses for `count` records.

    >>> articles_file_names(5, OutputOptions(shard_size=2, compression="gzip"))
    ['articles-00000.jsonl.gz', 'articles-00001.jsonl.gz', 'articles-00002.jsonl.gz']
    >>> articles_file_names(0, OutputOptions(format="parquet"))
    ['articles.parquet']
    """
    suffix = ".parquet" if options.format == "parquet" else JSONL_SUFFIX[options.compression]
    if not options.shard_size:
        return [f"{stem}{suffix}"]
    shards = max(1, -(-count // options.shard_size))
    return [f"{stem}-{number:05d}{suffix}" for number in range(shards)]


def write_articles(
    directory: Path,
    records: Iterable[dict[str, Any]],
    count: int,
    options: OutputOptions,
    text_field: str = "text",
    title_field: str = "title",
) -> list[str]:
    """Write `count` article records (Winnow schema) as `options` says; returns the file names."""
    names = articles_file_names(count, options)
    shaped = shaped_records(records, options, text_field, title_field)
    per_file = options.shard_size or max(count, 1)
    for name in names:
        chunk = islice(shaped, per_file)
        if options.format == "parquet":
            write_parquet(directory / name, list(chunk), options)
        else:
            write_jsonl(directory / name, chunk, options.compression)
    return names


def shaped_records(
    records: Iterable[dict[str, Any]],
    options: OutputOptions,
    text_field: str = "text",
    title_field: str = "title",
) -> Iterator[dict[str, Any]]:
    """Article records (Winnow schema) in the schema `options` asks for."""
    if options.schema == "input":
        return (input_schema_record(r, text_field, title_field) for r in records)
    return iter(records)


# One encoder for every record: `json.dumps` with options builds a new `JSONEncoder` per call,
# a quarter of the time of encoding a short record (removed.jsonl holds tens of thousands).
# The same options as `json.dumps(record, ensure_ascii=False, sort_keys=True)`, the same bytes.
_JSONL_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def jsonl_line(record: dict[str, Any]) -> bytes:
    """One record as a JSONL line: keys sorted, non-ASCII kept as UTF-8, a newline at the end.

    >>> jsonl_line({"b": 1, "a": "café"}).decode("utf-8")
    '{"a": "café", "b": 1}\\n'
    """
    return (_JSONL_ENCODER.encode(record) + "\n").encode("utf-8")


def write_jsonl(path: Path, records: Iterable[dict[str, Any]], compression: str = "none") -> int:
    """JSONL, one record per line, keys sorted; gzip and zstd streams carry no timestamp."""
    return write_lines(path, map(jsonl_line, records), compression)


def write_lines(path: Path, lines: Iterable[bytes], compression: str = "none") -> int:
    """Lines made elsewhere (each ending in a newline) as a file; how many were written."""
    with open(path, "wb") as raw:
        return write_lines_to(raw, lines, compression)


def write_lines_to(raw: BinaryIO, lines: Iterable[bytes], compression: str = "none") -> int:
    """`write_lines` into an open binary file, left open (and flushed) for the caller."""
    count = 0
    with _compressed(raw, compression) as handle:
        for line in lines:
            handle.write(line)
            count += 1
    raw.flush()
    return count


def copy_into(source: BinaryIO, path: Path) -> None:
    """The whole of `source`, from its start, into a new file at `path`."""
    with open(path, "wb") as target:
        append_file(source, target)


def append_file(source: BinaryIO, target: BinaryIO) -> None:
    """The whole of `source`, from its start, appended to `target` (opened for writing, not in
    append mode): in the kernel where the system can (`os.copy_file_range`: no pass through
    Python's buffers, a shared extent on file systems that have them), else through Python
    from where the kernel stopped. At 1 GB of input the two copies of a run (removed.jsonl
    written ahead, the articles file's later slices) are a few GB."""
    source.flush()
    size = os.fstat(source.fileno()).st_size
    target.flush()
    start = target.seek(0, os.SEEK_END)
    copied = 0
    try:
        while copied < size:
            step = os.copy_file_range(
                source.fileno(), target.fileno(), size - copied, copied, start + copied
            )
            if step == 0:
                break
            copied += step
    except (AttributeError, OSError):  # no such call here, or not between these files
        pass
    source.seek(copied)
    target.seek(start + copied)
    shutil.copyfileobj(source, target, COPY_CHUNK)


COPY_CHUNK = 1 << 20


class _compressed:
    """A writable binary stream over `raw`, compressed as asked; closing it finishes the frame."""

    def __init__(self, raw: BinaryIO, compression: str) -> None:
        self.raw = raw
        self.compression = compression
        self.stream: Any = raw

    def __enter__(self) -> Any:
        if self.compression == "gzip":
            self.stream = gzip.GzipFile(fileobj=self.raw, mode="wb", mtime=0, filename="")
        elif self.compression == "zstd":
            self.stream = (
                zstd_module().ZstdCompressor(level=3).stream_writer(self.raw, closefd=False)
            )
        return self.stream

    def __exit__(self, *exc: object) -> None:
        if self.stream is not self.raw:
            self.stream.close()


def zstd_module() -> Any:
    """`zstandard`, or a clear error naming the install that provides it."""
    try:
        import zstandard
    except ImportError as exc:
        raise ConfigError(
            "zstd compression needs the zstandard package: pip install 'winnow-corpus[zstd]'"
        ) from exc
    return zstandard


def decompress(data: bytes, name: str) -> bytes:
    """Bytes as stored, gunzipped or un-zstd'ed when their magic number says so."""
    if data[:2] == GZIP_MAGIC:
        try:
            return gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            raise InputError(
                f"{name}: gzip data is truncated or corrupt ({exc}); "
                "re-download or re-compress the file"
            ) from exc
    if data[:4] == ZSTD_MAGIC:
        zstd = zstd_module()
        parts: list[bytes] = []
        rest = data
        try:
            while rest:  # concatenated frames (e.g. `cat a.zst b.zst`) are one stream
                frame = zstd.ZstdDecompressor().decompressobj()
                parts.append(frame.decompress(rest))
                if not frame.eof:
                    raise zstd.ZstdError("the last frame ends early")
                rest = frame.unused_data
        except zstd.ZstdError as exc:
            raise InputError(
                f"{name}: zstd data is truncated or corrupt ({exc}); "
                "re-download or re-compress the file"
            ) from exc
        return b"".join(parts)
    return data


def _arrow() -> Any:
    try:
        import pyarrow
    except ImportError as exc:
        raise ConfigError(
            "Parquet output needs pyarrow: pip install 'winnow-corpus[parquet]'"
        ) from exc
    return pyarrow


def _removal_type(pa: Any) -> Any:
    return pa.list_(
        pa.struct(
            [
                ("text", pa.string()),
                ("reason", pa.string()),
                ("rule", pa.string()),
                ("line", pa.int64()),
            ]
        )
    )


def _winnow_columns(pa: Any, *, with_text: bool) -> list[tuple[str, Any]]:
    """Winnow's own fields with fixed types: a shard of all-null values keeps its type."""
    columns = [("id", pa.string()), ("title", pa.string())]
    if with_text:
        columns.append(("text", pa.string()))
    columns += [
        ("meta", pa.string()),  # JSON: its keys differ from article to article
        ("source", pa.string()),
        ("lines", pa.list_(pa.int64())),
        ("removed", _removal_type(pa)),
        ("cluster", pa.string()),
        ("duplicate_of", pa.string()),
        ("tier", pa.string()),
        ("similarity", pa.float64()),
        ("line_numbers", pa.list_(pa.int64())),
    ]
    return columns


def _with_json_meta(added: dict[str, Any], names: list[str]) -> dict[str, Any]:
    row = {name: added.get(name) for name in names}
    row["meta"] = json.dumps(added.get("meta") or {}, ensure_ascii=False, sort_keys=True)
    return row


def write_parquet(path: Path, records: list[dict[str, Any]], options: OutputOptions) -> int:
    """One Parquet file; Winnow's columns have fixed types, the input's are inferred."""
    pa = _arrow()
    import pyarrow.parquet as pq

    if options.schema == "input":
        winnow_type = pa.struct(_winnow_columns(pa, with_text=False))
        names = [name for name, _ in _winnow_columns(pa, with_text=False)]
        own = pa.Table.from_pylist([{k: v for k, v in r.items() if k != "winnow"} for r in records])
        added = pa.array([_with_json_meta(r["winnow"], names) for r in records], type=winnow_type)
        table = (
            own.append_column("winnow", added) if own.num_columns else pa.table({"winnow": added})
        )
    else:
        schema = pa.schema(_winnow_columns(pa, with_text=True))
        table = pa.Table.from_pylist(
            [_with_json_meta(r, schema.names) for r in records], schema=schema
        )
    codec = {"none": "NONE", "gzip": "GZIP", "zstd": "ZSTD"}[options.compression]
    pq.write_table(table, path, compression=codec)
    return len(records)


# --- reading an output folder back --------------------------------------------------------------


def output_files(directory: Path, stem: str) -> list[Path]:
    """The files holding `stem`'s records in an output folder, in shard order."""
    patterns = [f"{stem}{suffix}" for suffix in (*JSONL_SUFFIX.values(), ".parquet")]
    patterns += [f"{stem}-[0-9]*{suffix}" for suffix in (*JSONL_SUFFIX.values(), ".parquet")]
    found = {path for pattern in patterns for path in directory.glob(pattern)}
    return sorted(found)


def iter_output_records(
    directory: Path, stem: str, text_field: str | None = None
) -> Iterator[dict[str, Any]]:
    """Records of an output folder in Winnow's schema, whatever format wrote them.

    `text_field` defaults to the one the run recorded in report.json. A malformed JSONL line is
    logged and skipped: a reader of output shows what it can.
    """
    field_name = text_field or recorded_text_field(directory)
    for path in output_files(directory, stem):
        rows = _parquet_rows(path) if path.suffix == ".parquet" else _jsonl_rows(path)
        for row in rows:
            yield winnow_schema_record(row, field_name)


def output_records_at(
    directory: Path,
    stem: str,
    positions: Collection[int],
    count: int,
    text_field: str | None = None,
) -> dict[int, dict[str, Any]] | None:
    """The records at `positions` (0-based, in file order) of `stem`'s JSONL files, as
    `iter_output_records` gives them, with only those lines parsed: for a run that has just
    written the files, and knows what the other lines hold.

    None, for the caller to read them all with `iter_output_records`, when the files are not
    `count` lines, each a JSON object that `iter_output_records` reads as one record: Parquet,
    a line that does not start with "{", a wanted line that does not parse. Lines not wanted
    are not parsed, so not checked further.
    """
    field_name = text_field or recorded_text_field(directory)
    found: dict[int, dict[str, Any]] = {}
    number = 0
    for path in output_files(directory, stem):
        if path.suffix == ".parquet":
            return None
        with _lines(path) as lines:
            for raw in lines:
                if not raw.startswith(b"{"):
                    return None
                if number in positions:
                    try:
                        record = json.loads(raw.decode("utf-8", errors="replace"))
                    except json.JSONDecodeError:
                        return None
                    if not isinstance(record, dict):
                        return None
                    found[number] = winnow_schema_record(record, field_name)
                number += 1
    return found if number == count else None


def recorded_text_field(directory: Path) -> str:
    """The text field a run wrote (report.json), or "text" for an older or hand-made folder."""
    try:
        report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
        return str(report["output"]["text_field"])
    except (OSError, ValueError, KeyError, TypeError):
        return "text"


def _jsonl_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file, read a line at a time (an output file can be as large as the
    corpus, and is read back for the HTML report while the run still holds its articles)."""
    number = 0
    with _lines(path) as lines:
        for raw in lines:
            # a record ends at "\n" alone: JSON leaves U+0085, U+2028 and U+2029 unescaped in
            # a string, and `str.splitlines` would cut the record there
            line = raw.decode("utf-8", errors="replace")
            number += 1
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                log.warning("%s:%d skipped: %s", path, number, exc)
                continue
            if isinstance(record, dict):
                yield record


def _lines(path: Path) -> BinaryIO:
    """The file's lines as bytes: streamed from disk when stored plain, from the decompressed
    bytes in memory when gzip or zstd."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic[:2] == GZIP_MAGIC or magic == ZSTD_MAGIC:
        return io.BytesIO(decompress(path.read_bytes(), str(path)))
    return open(path, "rb")


def _parquet_rows(path: Path) -> Iterator[dict[str, Any]]:
    _arrow()
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
        for row in batch.to_pylist():
            holder = row.get("winnow") if isinstance(row.get("winnow"), dict) else row
            if isinstance(holder.get("meta"), str):
                holder["meta"] = json.loads(holder["meta"])
            yield row
