"""`find_duplicates` takes records, dicts, tables, or any objects with `id` and `text`."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pytest

from dedupe import DedupeConfig, Record, find_duplicates
from dedupe.records import as_records, order_key

TEXT = "Ferry service resumes after a week of storms along the northern coast of the island."


@dataclass
class Story:  # a caller's own type: only `id` and `text`
    id: str
    text: str


def test_any_object_with_id_and_text_comes_back_as_given() -> None:
    docs = [Story("a", TEXT), Story("b", TEXT.upper())]
    result = find_duplicates(docs, DedupeConfig())
    assert result.kept == [docs[0]]
    assert result.duplicates[0].doc is docs[1]
    assert result.duplicates[0].tier == "exact"


def test_dicts_and_tables_are_read_as_records() -> None:
    rows = [{"id": "a", "text": TEXT, "url": "u1"}, {"id": "b", "text": TEXT, "url": "u2"}]
    from_dicts = find_duplicates(rows)
    from_polars = find_duplicates(pl.DataFrame(rows))
    for result in (from_dicts, from_polars):
        assert [d.id for d in result.kept] == ["a"]
        assert [(d.doc.id, d.duplicate_of) for d in result.duplicates] == [("b", "a")]
        assert isinstance(result.kept[0], Record)


def test_pyarrow_table() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pylist([{"id": 1, "text": TEXT}, {"id": 2, "text": TEXT}])
    assert [d.doc.id for d in find_duplicates(table).duplicates] == ["2"]


def test_a_row_without_text_is_named() -> None:
    with pytest.raises(ValueError, match=r"row 2: dedupe needs an 'id' and a string 'text'"):
        as_records([{"id": "a", "text": "x"}, {"id": "b", "body": "y"}])


def test_order_key_reads_source_and_lines_where_present() -> None:
    assert order_key(Story("z", "")) == ("", 0, "z")
    assert order_key(Record("z", "", source="s.txt", lines=(7, 9))) == ("s.txt", 7, "z")
