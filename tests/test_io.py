"""Readers and the atomic writer: bad input gets a clear error, never a traceback or lost data."""

from __future__ import annotations

import errno
import gzip
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.document import Document, stable_id
from cleaners.records import REPLACEMENT, SURROGATE, _writable, record_document
from cleaners.split import split_dump
from winnow_corpus.errors import InputError, OutputError
from winnow_corpus.io import (
    OUTPUT_README,
    AtomicOutputDir,
    BadRecord,
    InputFile,
    TextStream,
    check_output_dir,
    decode,
    iter_jsonl,
    read_dump,
    resolve_inputs,
)
from winnow_corpus.outdir import FAULT_ENV as SWAP_FAULT
from winnow_corpus.runner import InputReport, RunConfig, read_documents

REPO = Path(__file__).resolve().parents[1]


def test_committed_output_readme_matches_the_one_written() -> None:
    assert (REPO / "corpus" / "clean" / "README.md").read_text(encoding="utf-8") == OUTPUT_README


def test_decode_utf8_with_bom() -> None:
    decoded = decode("\ufeffHello wire".encode(), "x.txt")
    assert decoded.text == "Hello wire"
    assert decoded.encoding == "utf-8"
    assert decoded.notes == []


def test_decode_cp1252_falls_back_and_says_so() -> None:
    decoded = decode("“Smart quotes” – from Word".encode("cp1252"), "word.txt")
    assert decoded.text == "“Smart quotes” – from Word"
    assert decoded.encoding == "cp1252"
    assert "not valid UTF-8" in decoded.notes[0]
    assert "offset 0" in decoded.notes[0]


def test_decode_utf16_with_bom() -> None:
    decoded = decode("Überschrift\n\nText.".encode("utf-16"), "de.txt")
    assert decoded.text == "Überschrift\n\nText."


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"text\x00more", "NUL byte at offset 4"),
    ],
)
def test_decode_rejects_empty_and_binary(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode(data, "bad.txt")


def test_read_dump_normalises_crlf_and_lone_cr(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes(b"Headline\r\n\r\nBody one.\rBody two.\r\n")
    decoded = read_dump(InputFile(str(path), "dump"))
    assert decoded.text == "Headline\n\nBody one.\nBody two.\n"
    assert any("CR" in note for note in decoded.notes)


def test_read_dump_gunzips_by_magic(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt.gz"
    path.write_bytes(gzip.compress(b"Headline\n\nBody.\n"))
    assert read_dump(InputFile(str(path), "dump")).text == "Headline\n\nBody.\n"


def test_truncated_gzip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt.gz"
    path.write_bytes(gzip.compress(("Body sentence. " * 1000).encode())[:60])
    with pytest.raises(InputError, match="truncated or corrupt"):
        read_dump(InputFile(str(path), "dump"))


def test_input_file_is_never_modified(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    data = b"Headline\r\n\r\nBody.\r\n"
    path.write_bytes(data)
    read_dump(InputFile(str(path), "dump"))
    assert path.read_bytes() == data


def test_resolve_inputs_expands_folders_sorted(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / "a.jsonl").write_text("{}")
    (tmp_path / "notes.md").write_text("ignored")
    found = resolve_inputs([str(tmp_path)])
    assert [(Path(f.path).name, f.kind) for f in found] == [("a.jsonl", "jsonl"), ("b.txt", "dump")]


def test_resolve_inputs_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        resolve_inputs([str(tmp_path / "nope.txt")])
    with pytest.raises(InputError, match="holds no dumps"):
        resolve_inputs([str(tmp_path)])


def test_jsonl_reports_bad_records_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Good text.", "lang": "en"}),
        "{not json",
        json.dumps({"id": "b", "text": None}),
        json.dumps({"id": "c"}),
        json.dumps({"id": "d", "text": 42}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "e", "body": "Other field.", "title": "T"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_jsonl(InputFile(str(path), "jsonl")))
    docs = [item for item in items if not isinstance(item, BadRecord)]
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert [d.id for d in docs] == ["a"]
    assert docs[0].meta["fields"] == {"id": "a", "lang": "en"}
    assert [b.line for b in bad] == [2, 3, 4, 5, 6, 7]
    assert "not valid JSON" in str(bad[0])
    assert "is null" in bad[1].problem
    assert "is missing" in bad[2].problem
    assert "not a string" in bad[3].problem
    body = list(iter_jsonl(InputFile(str(path), "jsonl"), text_field="body"))
    assert [d.title for d in body if not isinstance(d, BadRecord)] == ["T"]


def test_jsonl_lines_end_only_at_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    # U+2028 and U+0085 are legal raw in a JSON string; CRLF and CR end records
    records = [{"id": "a", "text": "One\u2028two\x85three"}, {"id": "b", "text": "B"}]
    data = "\r\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\r"
    path.write_bytes((data + json.dumps({"id": "c", "text": "C"})).encode())
    docs = list(iter_jsonl(InputFile(str(path), "jsonl")))
    assert [(d.id, d.text, d.lines) for d in docs] == [  # type: ignore[union-attr]
        ("a", "One\u2028two\x85three", (1, 1)),
        ("b", "B", (2, 2)),
        ("c", "C", (3, 3)),
    ]


def test_jsonl_in_cp1252_is_read_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonl"
    path.write_bytes('{"id": "a", "text": "“Quoted” – text"}\n'.encode("cp1252"))
    report = InputReport(str(path), "jsonl")
    docs = list(read_documents(InputFile(str(path), "jsonl"), RunConfig(), report, []))
    assert [d.text for d in docs] == ["“Quoted” – text"]
    assert report.encoding == "cp1252" and "decoded as cp1252" in report.notes[0]


def test_atomic_output_replaces_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    out.mkdir()
    (out / "stale.txt").write_text("old run")
    with AtomicOutputDir(out) as target:
        target.write_text("new.txt", "new run")
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["clean"]


def test_atomic_output_keeps_previous_on_error(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    out.mkdir()
    (out / "articles.jsonl").write_text("previous")
    with pytest.raises(RuntimeError), AtomicOutputDir(out) as target:
        target.write_text("articles.jsonl", "half")
        raise RuntimeError("crash mid-run")
    assert (out / "articles.jsonl").read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["clean"]


def test_atomic_output_puts_the_previous_back_when_the_swap_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new folder cannot be renamed into place after the old one was moved aside: the old
    one goes back, the new one is removed, and the error says so."""
    out = tmp_path / "clean"
    out.mkdir()
    (out / "articles.jsonl").write_text("previous")
    real = os.replace

    def refuse_the_new_folder(source: object, target: object) -> None:
        if ".tmp-" in str(source):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", refuse_the_new_folder)
    monkeypatch.setenv(SWAP_FAULT, "fallback")  # the two renames, not Linux's one exchange
    with (
        pytest.raises(OutputError, match="previous output is left as it was"),
        AtomicOutputDir(out) as target,
    ):
        target.write_text("articles.jsonl", "new")
    assert (out / "articles.jsonl").read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["clean"]


def test_output_folder_may_not_hold_the_input(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "d.txt").write_text("x")
    inputs = resolve_inputs([str(raw)])
    with pytest.raises(OutputError, match="holds the input"):
        check_output_dir(raw, inputs)
    with pytest.raises(OutputError, match="holds the input"):
        check_output_dir(tmp_path, inputs)
    check_output_dir(tmp_path / "clean", inputs)


# --- TextStream: a dump read line by line gives what the whole-file reader gives -----------------


def stream_text(path: Path) -> tuple[str, list[str], str]:
    stream = TextStream(InputFile(str(path), "dump"))
    lines = list(stream.lines())
    return "\n".join(lines), stream.notes, stream.encoding


@pytest.mark.parametrize(
    "data",
    [
        b"Headline\n\nBody one.\nBody two.\n",
        b"Headline\r\n\r\nBody one.\rBody two.\r\n",
        b"No final line end",
        "\ufeff“Smart” quotes — and a BOM\n\n".encode(),
        b"\n\nLeading blanks\n\n\n",
        "Überschrift\n\nText.".encode("utf-16"),
        "“Smart quotes” – from Word\n".encode("cp1252"),
    ],
)
def test_stream_equals_whole_file_reading(tmp_path: Path, data: bytes) -> None:
    for name, payload in (("d.txt", data), ("d.txt.gz", gzip.compress(data))):
        path = tmp_path / name
        path.write_bytes(payload)
        whole = read_dump(InputFile(str(path), "dump"))
        text, notes, encoding = stream_text(path)
        expected = whole.text[:-1] if whole.text.endswith("\n") else whole.text
        assert (text, notes, encoding) == (expected, whole.notes, whole.encoding)


def test_stream_checks_the_whole_file_before_giving_a_line(tmp_path: Path) -> None:
    path = tmp_path / "late-nul.txt"
    path.write_bytes(b"Fine text.\n" * 10 + b"\x00binary tail")
    with pytest.raises(InputError, match="looks binary"):
        TextStream(InputFile(str(path), "dump"))
    path.write_bytes(b" \n\t\n")
    with pytest.raises(InputError, match="empty"):
        TextStream(InputFile(str(path), "dump"))


def test_stream_of_a_file_that_shrinks_midway_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "d.txt.gz"
    lines = "".join(f"Line {n} of text {n * 7919 % 10007}.\n" for n in range(5000))
    path.write_bytes(gzip.compress(lines.encode()))
    stream = TextStream(InputFile(str(path), "dump"))
    path.write_bytes(path.read_bytes()[:200])  # truncated between the check and the read
    with pytest.raises(InputError, match="changed or became unreadable"):
        list(stream.lines())


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Headline of a story here",
                "",
                "Body text.",
                "\r",
                "-----",
                "“Quote” — dash",
                "\f",
                "x" * 50,
            ]
        ),
        max_size=40,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_split_of_a_stream_equals_split_of_the_text(parts: list[str], end: str) -> None:
    data = end.join(parts).encode()
    if not data.strip():
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.txt"
        path.write_bytes(data)
        stream = TextStream(InputFile(str(path), "dump"))
        streamed = list(split_dump(stream.lines(), "d.txt"))
        assert streamed == list(split_dump(read_dump(InputFile(str(path), "dump")).text, "d.txt"))


ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=30)  # lone surrogates too


@given(
    ANY_TEXT,
    st.one_of(st.none(), ANY_TEXT),
    st.one_of(st.none(), st.integers(-5, 5), ANY_TEXT),
    st.sampled_from(["text", "title", "id"]),
)
def test_a_record_becomes_the_document_its_fields_say(
    text: str, title: str | None, record_id: int | str | None, text_field: str
) -> None:
    record: dict[str, Any] = {"text": text, "title": title, "id": record_id, "url": text}
    (doc,) = record_document(record, "in.jsonl", 7, text_field, "title")
    if not isinstance(record[text_field], str):
        assert isinstance(doc, BadRecord)
        return
    assert isinstance(doc, Document)
    # each field as the record says, after surrogates are made U+FFFD: the text's own way
    # (with a removal each) and every other field's
    body = record[text_field].replace("\r\n", "\n").replace("\r", "\n")
    body = SURROGATE.sub(REPLACEMENT, body)
    writable = _writable(record)
    first = body.strip().split("\n", 1)[0] if body.strip() else ""
    given_id = writable["id"]
    assert doc.text == body
    want_id = str(given_id) if isinstance(given_id, str | int) else stable_id(7, first)
    assert doc.id == want_id
    assert doc.title == (writable["title"] if isinstance(writable["title"], str) else "")
    assert doc.line_numbers == tuple(7 for _ in body.split("\n"))
    assert doc.meta["fields"] == {k: v for k, v in writable.items() if k != text_field}
