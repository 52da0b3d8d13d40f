"""Output formats: JSONL/Parquet, gzip/zstd, shards, and the input's own schema.

Texts are written for these tests (not the seed), apart from the last tests, which check that
every output shape of the seed run reads back to the same report.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import SEED, run_cli
from winnow_corpus.config import config_from_dict
from winnow_corpus.errors import ConfigError, InputError
from winnow_corpus.writers import (
    OutputOptions,
    articles_file_names,
    decompress,
    input_schema_record,
    iter_output_records,
    output_records_at,
    winnow_schema_record,
    write_articles,
)

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
zstandard = pytest.importorskip("zstandard")

BODY = (
    "The harbour board approved the dredging contract on Tuesday after a two-hour debate.\n\n"
    "Photograph: Jane Roe/Harbour Daily\n\n"
    "Work starts in March and should end before the autumn storms, the board said.\n"
)


def _record(number: int, cluster: str | None = None) -> dict[str, Any]:
    """An article record in Winnow's schema, as `article_records` makes it."""
    return {
        "id": f"doc{number}",
        "title": f"Title {number}",
        "text": f"Body {number}.",
        "meta": {"byline": "A. Writer", "fields": {"id": number, "url": f"u/{number}"}},
        "source": "in.jsonl",
        "lines": [number, number],
        "removed": [{"text": "Share this", "reason": "share line", "rule": "b.share", "line": 1}],
        "line_numbers": [number],
        "cluster": cluster,
    }


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    data = decompress(path.read_bytes(), str(path)).decode()
    return [json.loads(line) for line in data.splitlines()]


@pytest.mark.parametrize("compression", ["none", "gzip", "zstd"])
def test_shards_hold_every_record_once_in_order(tmp_path: Path, compression: str) -> None:
    records = [_record(n) for n in range(7)]
    options = OutputOptions(compression=compression, shard_size=3)
    names = write_articles(tmp_path, iter(records), len(records), options)
    assert names == articles_file_names(7, options)
    assert len(names) == 3
    read = [row for name in names for row in _read_jsonl(tmp_path / name)]
    assert read == records
    assert list(iter_output_records(tmp_path, "articles")) == records


@pytest.mark.parametrize("schema", ["winnow", "input"])
def test_records_at_positions_are_the_records_read_whole(tmp_path: Path, schema: str) -> None:
    records = [_record(n) for n in range(7)]
    write_articles(tmp_path, iter(records), 7, OutputOptions("jsonl", "gzip", 3, schema))
    every = list(iter_output_records(tmp_path, "articles"))
    wanted = {0, 4, 6}
    assert output_records_at(tmp_path, "articles", wanted, 7) == {n: every[n] for n in wanted}
    assert output_records_at(tmp_path, "articles", wanted, 8) is None  # not the files it knows
    (tmp_path / "pq").mkdir()
    write_articles(tmp_path / "pq", records, 7, OutputOptions(format="parquet"))
    assert output_records_at(tmp_path / "pq", "articles", wanted, 7) is None


def test_gzip_output_has_no_timestamp_so_runs_are_byte_identical(tmp_path: Path) -> None:
    options = OutputOptions(compression="gzip")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_articles(tmp_path / "a", [_record(1)], 1, options)
    write_articles(tmp_path / "b", [_record(1)], 1, options)
    first = (tmp_path / "a" / "articles.jsonl.gz").read_bytes()
    assert first == (tmp_path / "b" / "articles.jsonl.gz").read_bytes()
    assert first[4:8] == b"\0\0\0\0"  # gzip's MTIME field
    assert gzip.decompress(first).decode().count("\n") == 1


def test_input_schema_keeps_the_input_fields_and_adds_one_winnow_field() -> None:
    record = _record(3, cluster="c1")
    shaped = input_schema_record(record, text_field="body", title_field="headline")
    assert shaped["id"] == 3 and shaped["url"] == "u/3"  # the input's own values, types kept
    assert shaped["body"] == "Body 3."
    assert "headline" not in shaped  # the input had no title field: none is invented
    assert shaped["winnow"]["id"] == "doc3"
    assert shaped["winnow"]["cluster"] == "c1"
    assert "fields" not in shaped["winnow"]["meta"]
    back = winnow_schema_record(shaped, text_field="body")
    assert back["id"] == "doc3" and back["text"] == "Body 3." and back["cluster"] == "c1"
    assert back["removed"] == record["removed"]


def test_dump_articles_in_input_schema_are_title_and_text() -> None:
    record = {**_record(1), "meta": {"byline": "A. Writer"}}
    shaped = input_schema_record(record)
    assert set(shaped) == {"title", "text", "winnow"}


@pytest.mark.parametrize("schema", ["winnow", "input"])
def test_parquet_columns_have_fixed_types_even_when_all_null(tmp_path: Path, schema: str) -> None:
    options = OutputOptions(format="parquet", schema=schema, compression="zstd")
    names = write_articles(tmp_path, [_record(1), _record(2)], 2, options)
    table = pq.read_table(tmp_path / names[0])
    winnow = table.schema.field("winnow").type if schema == "input" else table.schema
    assert winnow.field("cluster").type == pa.string()  # all null here, still a string
    assert winnow.field("similarity").type == pa.float64()
    read = list(iter_output_records(tmp_path, "articles"))
    assert [r["id"] for r in read] == ["doc1", "doc2"]
    assert read[0]["meta"]["byline"] == "A. Writer"


def test_output_options_reject_bad_values() -> None:
    with pytest.raises(ConfigError, match="--output-format must be one of jsonl, parquet"):
        OutputOptions(format="csv")
    with pytest.raises(ConfigError, match="--shard-size"):
        OutputOptions(shard_size=-1)


def test_missing_optional_package_is_named_before_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)
    with pytest.raises(ConfigError, match=r"pip install 'winnow-corpus\[zstd\]'"):
        OutputOptions(compression="zstd").check_dependencies()
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ConfigError, match=r"winnow-corpus\[parquet\]"):
        OutputOptions(format="parquet").check_dependencies()


def test_corrupt_zstd_is_an_input_error() -> None:
    good = zstandard.ZstdCompressor().compress(b'{"text": "x"}\n' * 100)
    with pytest.raises(InputError, match="zstd data is truncated or corrupt"):
        decompress(good[:-8], "x.jsonl.zst")


def test_config_file_sets_the_output_section() -> None:
    config = config_from_dict({"output": {"format": "parquet", "shard_size": 10}})
    assert config.output.format == "parquet" and config.output.shard_size == 10
    with pytest.raises(ConfigError, match=r"\[output\] has unknown key"):
        config_from_dict({"output": {"shards": 10}})
    with pytest.raises(ConfigError, match="--compression must be one of"):
        config_from_dict({"output": {"compression": "lz4"}})


# --- through the CLI ----------------------------------------------------------------------------


def _write_input(path: Path) -> list[dict[str, Any]]:
    records = [
        {"doc_id": 11, "url": "https://example.org/a", "tags": ["port"], "body": BODY},
        {
            "doc_id": 12,
            "url": "https://example.org/b",
            "tags": [],
            "body": "Short unrelated note "
            "about the library's new opening hours, which start next week on Monday.",
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return records


def test_cli_input_schema_round_trip_keeps_every_other_field(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    records = _write_input(source)
    out = tmp_path / "out"
    done = run_cli(
        "clean",
        str(source),
        "--out",
        str(out),
        "--text-field",
        "body",
        "--schema",
        "input",
        "--compression",
        "zstd",
        "--no-txt",
        "-q",
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.glob("*.txt")) == []
    rows = _read_jsonl(out / "articles.jsonl.zst")
    assert [r["doc_id"] for r in rows] == [11, 12]
    for row, original in zip(rows, records, strict=True):
        assert {k: v for k, v in row.items() if k not in ("body", "winnow")} == {
            k: v for k, v in original.items() if k != "body"
        }
    assert "Photograph:" not in rows[0]["body"]
    assert rows[0]["winnow"]["removed"][0]["reason"] == "photo caption"
    # the output is input again: another tool (or Winnow) takes it as it is
    again = run_cli(
        "clean",
        str(out / "articles.jsonl.zst"),
        "--out",
        str(tmp_path / "again"),
        "--text-field",
        "body",
        "-q",
    )
    assert again.returncode == 0, again.stderr
    second = _read_jsonl(tmp_path / "again" / "articles.jsonl")
    assert [r["text"] for r in second] == [r["body"] for r in rows]


def test_cli_parquet_in_parquet_out_keeps_column_types(tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(_write_input(tmp_path / "in.jsonl")), source)
    out = tmp_path / "out"
    done = run_cli(
        "clean",
        str(source),
        "--out",
        str(out),
        "--text-field",
        "body",
        "--schema",
        "input",
        "--output-format",
        "parquet",
        "--shard-size",
        "1",
        "-q",
    )
    assert done.returncode == 0, done.stderr
    tables = [pq.read_table(p) for p in sorted(out.glob("articles-*.parquet"))]
    assert len(tables) == 2
    assert tables[0].schema.field("doc_id").type == pa.int64()
    assert tables[0].schema.field("tags").type == pa.list_(pa.string())
    report = json.loads((out / "report.json").read_text())
    assert report["output"]["articles_files"] == [f"articles-0000{n}.parquet" for n in (0, 1)]


def test_cli_rejects_a_bad_format_with_exit_2(tmp_path: Path) -> None:
    done = run_cli("clean", str(SEED), "--out", str(tmp_path / "o"), "--output-format", "csv")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_every_output_shape_of_the_seed_reads_back_to_the_same_report(tmp_path: Path) -> None:
    """report.html and `winnow explain` see the same run whatever format wrote it."""
    shapes = {
        "plain": [],
        "sharded-gzip-input": ["--shard-size", "3", "--compression", "gzip", "--schema", "input"],
        "parquet-zstd-input": [
            "--output-format",
            "parquet",
            "--compression",
            "zstd",
            "--schema",
            "input",
            "--no-txt",
        ],
    }
    pages = {}
    for name, flags in shapes.items():
        out = tmp_path / name
        done = run_cli("clean", str(SEED), "--out", str(out), "-q", *flags)
        assert done.returncode == 0, done.stderr
        pages[name] = (out / "report.html").read_text(encoding="utf-8")
        first = next(iter_output_records(out, "articles"))
        explained = run_cli("explain", first["id"], "--out", str(out))
        assert explained.returncode == 0, explained.stderr
        assert first["title"] in explained.stdout
    assert pages["plain"] == pages["sharded-gzip-input"] == pages["parquet-zstd-input"]


def test_same_run_twice_gives_byte_identical_parquet(tmp_path: Path) -> None:
    flags = ["--output-format", "parquet", "--compression", "zstd", "--schema", "input", "-q"]
    for name in ("a", "b"):
        assert run_cli("clean", str(SEED), "--out", str(tmp_path / name), *flags).returncode == 0
    for path in sorted((tmp_path / "a").iterdir()):
        if path.name != "timings.json":
            assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_zstd_compressed_dump_is_read(tmp_path: Path) -> None:
    paragraphs = [p for p in BODY.split("\n\n") if not p.startswith("Photograph")]
    dump = "Harbour board approves the dredging contract\n\n" + "\n\n".join(paragraphs)
    source = tmp_path / "dump.txt.zst"
    source.write_bytes(zstandard.ZstdCompressor().compress(dump.encode("utf-8")))
    done = run_cli("clean", str(source), "--out", str(tmp_path / "out"), "-q", "--no-dedupe")
    assert done.returncode == 0, done.stderr
    rows = _read_jsonl(tmp_path / "out" / "articles.jsonl")
    assert [r["title"] for r in rows] == ["Harbour board approves the dredging contract"]


@pytest.mark.parametrize("kernel", ["copies", "missing", "stops halfway"])
def test_append_file_appends_the_whole_source_however_the_kernel_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: str
) -> None:
    """The later slices of the articles file and removed.jsonl written ahead are joined by
    `append_file`: in the kernel where it can, else through Python from where it stopped
    (a system without `copy_file_range`, or one that refuses it between two file systems)."""
    import errno
    import os

    from winnow_corpus import writers

    real = os.copy_file_range
    calls: list[int] = []

    def halfway(src: int, dst: int, count: int, offset_src: int, offset_dst: int) -> int:
        calls.append(count)
        if len(calls) > 1:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real(src, dst, count // 2, offset_src, offset_dst)

    if kernel == "missing":
        monkeypatch.delattr(os, "copy_file_range")
    elif kernel == "stops halfway":
        monkeypatch.setattr(os, "copy_file_range", halfway)
    head, tail = b'{"id": "a"}\n' * 3, "".join(f'{{"id": "{n}"}}\n' for n in range(5000)).encode()
    (tmp_path / "whole").write_bytes(head)
    (tmp_path / "part").write_bytes(tail)
    with open(tmp_path / "part", "rb") as part, open(tmp_path / "whole", "r+b") as whole:
        part.read(7)  # the source's own position does not matter
        writers.append_file(part, whole)
    assert (tmp_path / "whole").read_bytes() == head + tail
    with open(tmp_path / "part", "rb") as part:
        writers.copy_into(part, tmp_path / "copy")
    assert (tmp_path / "copy").read_bytes() == tail
    assert (kernel == "stops halfway") == bool(calls)
