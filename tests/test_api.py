"""The library surface (`winnow_corpus.api`, `cleaners.clean`): streaming, records in and out,
same results as the CLI.

Articles are written for these tests; none comes from the seed dump.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleaners import CleanOptions, Document, clean, to_documents
from tests.helpers import REPO, run_cli
from winnow_corpus import Pipeline, RunConfig
from winnow_corpus.errors import InputError

STORIES = [
    "The regional water board raised tariffs by four percent, citing repairs to ageing pipes "
    "across the valley and a drought that cut reservoir levels to a ten-year low this summer.",
    "A new ferry route will link the two islands from April, the transport ministry said, "
    "cutting the crossing time to forty minutes and adding three sailings on weekends.",
    "The city library reopens after a year of renovation with a larger children's wing, a "
    "rooftop reading garden and longer opening hours on Thursday and Friday evenings.",
]


def _records() -> list[dict[str, Any]]:
    return [
        {"id": f"r{n}", "lang": "en", "text": f"{story}\n\nShare this article\n\nPhoto: AFP"}
        for n, story in enumerate(STORIES)
    ]


def test_clean_pulls_one_batch_at_a_time() -> None:
    pulled = 0

    def endless() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        while True:
            pulled += 1
            yield {"text": STORIES[pulled % 3]}

    first = next(clean(endless(), batch_size=5))
    assert first.text in STORIES
    assert pulled == 5  # never the whole (here endless) input


def test_clean_accepts_documents_dicts_strings_and_a_dump() -> None:
    doc = Document(id="d1", text=STORIES[0], source="mine", lines=(1, 1))
    mixed = list(clean([doc, {"text": STORIES[1]}, STORIES[2]]))
    assert [d.text for d in mixed] == STORIES
    dump = (
        f"Water board raises tariffs by four percent\n\n{STORIES[0]}\n\n{STORIES[2]}\n\n"
        f"New ferry route to link the two islands\n\n{STORIES[1]}\n\n{STORIES[2]}\n"
    )
    assert [d.title for d in clean(dump)] == [
        "Water board raises tariffs by four percent",
        "New ferry route to link the two islands",
    ]


def test_clean_records_every_removal_with_rule_and_reason() -> None:
    docs = list(clean(_records(), CleanOptions()))
    for doc, story in zip(docs, STORIES, strict=True):
        assert doc.text == story
        assert {r.category for r in doc.removed} == {"boilerplate", "captions"}
        assert all(r.reason for r in doc.removed)


def test_a_record_without_text_is_an_error_naming_it() -> None:
    with pytest.raises(InputError, match="<records>:2: field 'body' is missing"):
        list(to_documents([{"body": "x"}, {"title": "no body"}], text_field="body"))


def test_pipeline_run_matches_the_cli_on_the_same_records(tmp_path: Path) -> None:
    records = [*_records(), {**_records()[0], "id": "copy"}]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = run_cli("clean", str(source), "--out", str(tmp_path / "out"), "-q")
    assert done.returncode == 0, done.stderr
    cli_kept = [
        json.loads(line) for line in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()
    ]
    cli_dups = [
        json.loads(line)
        for line in (tmp_path / "out" / "duplicates.jsonl").read_text().splitlines()
    ]

    result = Pipeline().run(records)
    assert [d.id for d in result.dedupe.kept] == [r["id"] for r in cli_kept]
    assert [(d.doc.id, d.duplicate_of, d.tier) for d in result.dedupe.duplicates] == [
        (r["id"], r["duplicate_of"], r["tier"]) for r in cli_dups
    ]
    assert [[r.to_dict() for r in d.removed] for d in result.dedupe.kept] == [
        r["removed"] for r in cli_kept
    ]


def test_pipeline_records_in_the_input_schema() -> None:
    pipe = Pipeline()
    rows = list(pipe.records(pipe.run(_records()), schema="input"))
    assert [r["id"] for r in rows] == ["r0", "r1", "r2"]
    assert all(r["lang"] == "en" and r["text"] in STORIES for r in rows)
    assert {r["rule"].split(".")[0] for r in rows[0]["winnow"]["removed"]} == {
        "boilerplate",
        "captions",
    }


def test_stream_with_an_index_dedupes_across_batches(tmp_path: Path) -> None:
    first = _records()
    later = [{**r, "id": f"again-{r['id']}"} for r in first]
    pipe = Pipeline(RunConfig(index=tmp_path / "index.sqlite"))
    ids = [row["id"] for row in pipe.stream([*first, *later], batch_size=3)]
    assert ids == ["r0", "r1", "r2"]  # the second batch repeats the first: nothing kept
    # without an index each batch is deduplicated on its own, as the docstring says
    alone = [row["id"] for row in Pipeline().stream([*first, *later], batch_size=3)]
    assert alone == ["r0", "r1", "r2", "again-r0", "again-r1", "again-r2"]


def test_pipeline_from_toml_reads_the_cli_config(tmp_path: Path) -> None:
    config = tmp_path / "winnow.toml"
    config.write_text('[clean]\ntext_field = "body"\n\n[output]\nschema = "input"\n')
    pipe = Pipeline.from_toml(config)
    rows = list(pipe.records(pipe.run([{"body": STORIES[0], "k": 1}])))
    assert rows[0]["body"] == STORIES[0] and rows[0]["k"] == 1


def test_pipeline_write_gives_the_cli_output_folder(tmp_path: Path) -> None:
    pipe = Pipeline()
    counts = pipe.write(pipe.run(_records()), tmp_path / "out")
    assert counts["articles"] == 3
    assert (tmp_path / "out" / "report.html").exists()


@pytest.mark.parametrize(
    "first", ["dedupe", "cleaners", "cleaners.document", "dedupe.index", "winnow_corpus"]
)
def test_packages_import_in_any_order(first: str) -> None:
    """Ray workers import `dedupe` before `cleaners`: no order may be a circular import."""
    code = (
        f"import {first}; import dedupe; from cleaners import clean; "
        "from winnow_corpus import Pipeline; print('ok')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_moved_names_say_where_they_went() -> None:
    with pytest.raises(ImportError, match=r"from winnow_corpus import Pipeline"):
        from cleaners import Pipeline  # noqa: F401
    import cleaners

    assert not hasattr(cleaners, "no_such_name")
