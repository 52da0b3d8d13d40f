"""`winnow clean --index`: dedupe across runs through a SQLite index, via the real CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from cleaners.document import Document
from dedupe import DedupeConfig
from dedupe.index import SCHEMA_VERSION, DedupeIndex, DedupeIndexError
from tests.helpers import run_cli

FERRY = """\
Harbour authority approves new ferry terminal

The harbour authority on Monday approved plans for a ferry terminal that will double passenger
capacity by 2028, the chairman told reporters after a four-hour meeting.

The project is expected to cost about 40 million pounds and create 300 jobs, he said, with
construction starting next spring once the final permits are signed.
"""

STORM = """\
Storm closes mountain pass for third day

Heavy snow kept the northern pass closed for a third day on Wednesday, stranding dozens of trucks
at the foot of the valley while drivers waited in their cabs.

Road crews said they hoped to reopen one lane by the weekend if the weather allowed it.
"""

LIBRARY = """\
City library extends weekend opening hours

The central library will stay open until nine on Saturdays from next month, the council said,
after a survey found most readers wanted later hours at weekends.

The change costs little because volunteers will staff the reading rooms in the evening.
"""

ORCHARD = """\
Frost damages apple blossom in hill orchards

A late frost on Tuesday night damaged much of the apple blossom in the hill orchards, growers
said, and some expect to lose half of this year's harvest.

Insurers said claims would be assessed once the extent of the damage was known next week.
"""

SEP = "\n-----\n\n"


def dump(path: Path, *articles: str) -> Path:
    path.write_text(SEP.join(articles), encoding="utf-8")
    return path


def clean(tmp_path: Path, inputs: Path, out: str, *extra: str) -> Any:
    done = run_cli("clean", str(inputs), "--out", str(tmp_path / out), "--jobs", "1", *extra)
    assert done.returncode == 0, (done.stdout, done.stderr)
    return done


def records(out: Path, name: str) -> list[dict[str, Any]]:
    text = (out / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_second_dump_is_deduplicated_against_the_first(tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    first = dump(tmp_path / "monday.txt", FERRY, STORM)
    retold = STORM.replace("allowed it.", "allowed it, police said.")  # lightly edited copy
    second = dump(tmp_path / "tuesday.txt", LIBRARY, retold)
    clean(tmp_path, first, "a", "--index", str(index))
    with DedupeIndex.open(index) as opened:
        run_a = opened.stats().runs[0][0]
    clean(tmp_path, second, "b", "--index", str(index))
    storm_a = next(r for r in records(tmp_path / "a", "articles.jsonl") if "Storm" in r["title"])
    kept_b = records(tmp_path / "b", "articles.jsonl")
    assert [r["title"] for r in kept_b] == ["City library extends weekend opening hours"]
    (dup,) = records(tmp_path / "b", "duplicates.jsonl")
    assert dup["duplicate_of"] == storm_a["id"]  # the real id of the indexed article
    assert dup["duplicate_of_source"] == str(first)
    assert dup["duplicate_of_run"] == run_a
    assert dup["duplicate_of_title"] == storm_a["title"]
    assert dup["tier"] == "near" and dup["similarity"] >= 0.8
    with DedupeIndex.open(index) as opened:
        stats = opened.stats()
    assert stats.articles == 3 and len(stats.runs) == 2


def test_same_dump_twice_keeps_nothing_the_second_time(tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    raw = dump(tmp_path / "d.txt", FERRY, STORM, LIBRARY, FERRY.upper())
    clean(tmp_path, raw, "a", "--index", str(index))
    first_kept = {r["id"] for r in records(tmp_path / "a", "articles.jsonl")}
    assert len(first_kept) == 3  # the upper-case copy is an in-run exact duplicate
    clean(tmp_path, raw, "b", "--index", str(index))
    assert records(tmp_path / "b", "articles.jsonl") == []
    dups = records(tmp_path / "b", "duplicates.jsonl")
    assert len(dups) == 4
    assert {d["duplicate_of"] for d in dups} == first_kept
    assert all(d["duplicate_of_run"] and d["duplicate_of_source"] == str(raw) for d in dups)
    with DedupeIndex.open(index) as opened:
        assert opened.stats().articles == 3


def test_check_mode_does_not_grow_the_index_and_repeats_exactly(tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    clean(tmp_path, dump(tmp_path / "a.txt", FERRY), "a", "--index", str(index))
    before = index.read_bytes()
    raw = dump(tmp_path / "b.txt", FERRY, ORCHARD)
    clean(tmp_path, raw, "b1", "--index", str(index), "--index-mode", "check")
    clean(tmp_path, raw, "b2", "--index", str(index), "--index-mode", "check")
    assert index.read_bytes() == before
    assert [r["title"] for r in records(tmp_path / "b1", "articles.jsonl")] == [
        "Frost damages apple blossom in hill orchards"
    ]
    for name in ("articles.jsonl", "duplicates.jsonl", "report.json"):
        assert (tmp_path / "b1" / name).read_bytes() == (tmp_path / "b2" / name).read_bytes()


def test_check_mode_without_an_index_is_exit_2(tmp_path: Path) -> None:
    raw = dump(tmp_path / "a.txt", FERRY)
    missing = tmp_path / "none.sqlite"
    done = run_cli(
        "clean", str(raw), "--out", str(tmp_path / "o"), "--index", str(missing),
        "--index-mode", "check",
    )  # fmt: skip
    assert done.returncode == 2 and "no dedupe index" in done.stderr
    assert "Traceback" not in done.stderr
    assert not missing.exists() and not (tmp_path / "o").exists()
    clean(tmp_path, raw, "o", "--index", str(missing), "--dry-run")  # update, but writes nothing
    assert not missing.exists()


@pytest.mark.parametrize(
    "content, words",
    [
        (b"this is not a database\n" * 10, "not an SQLite file"),
        (b"SQLite format 3\x00" + b"\x07" * 200, "not a usable Winnow dedupe index"),
    ],
)
def test_corrupt_index_is_a_clear_exit_2(tmp_path: Path, content: bytes, words: str) -> None:
    index = tmp_path / "index.sqlite"
    index.write_bytes(content)
    raw = dump(tmp_path / "a.txt", FERRY)
    done = run_cli("clean", str(raw), "--out", str(tmp_path / "o"), "--index", str(index))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert words in done.stderr and "Traceback" not in done.stderr
    assert index.read_bytes() == content and not (tmp_path / "o").exists()


def test_sqlite_file_that_is_not_an_index_and_newer_schema(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
    conn.close()
    done = run_cli("index", "stats", str(other))
    assert done.returncode == 2 and "not a Winnow dedupe index" in done.stderr
    newer = tmp_path / "newer.sqlite"
    DedupeIndex.open(newer, DedupeConfig(), create=True).close()
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
        )
    conn.close()
    done = run_cli("index", "stats", str(newer))
    assert done.returncode == 2 and "newer Winnow" in done.stderr


def test_older_schema_with_other_signatures_is_refused_but_removable(tmp_path: Path) -> None:
    older = tmp_path / "older.sqlite"
    DedupeIndex.open(older, DedupeConfig(), create=True).close()
    with sqlite3.connect(older) as conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(DedupeIndexError, match=r"index schema version 1 .*winnow index rm"):
        DedupeIndex.open(older, DedupeConfig())
    assert run_cli("index", "stats", str(older)).returncode == 0
    assert run_cli("index", "rm", str(older)).returncode == 0 and not older.exists()


def test_other_num_perm_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "i.sqlite"
    DedupeIndex.open(path, DedupeConfig(num_perm=64), create=True).close()
    with pytest.raises(DedupeIndexError, match="num_perm=64"):
        DedupeIndex.open(path, DedupeConfig())


def doc(n: int, text: str) -> Document:
    return Document(f"id{n}", text, "feed.txt", (n, n), title="Morning news")


def test_an_interrupted_add_leaves_the_index_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "i.sqlite"
    config = DedupeConfig()
    with DedupeIndex.open(path, config, create=True) as index:
        index.add([doc(1, FERRY)], "run-0001-x")
    before = path.read_bytes()

    def interrupted() -> Any:
        yield doc(2, STORM)
        yield doc(3, LIBRARY)
        raise KeyboardInterrupt  # Ctrl-C in the middle of the transaction

    with DedupeIndex.open(path, config) as index, pytest.raises(KeyboardInterrupt):
        index.add(interrupted(), "run-0002-x")
    assert path.read_bytes() == before
    with DedupeIndex.open(path, config) as index:
        stats = index.stats()
        assert stats.articles == 1 and [r[0] for r in stats.runs] == ["run-0001-x"]
        assert index.query([doc(9, STORM)]) == []  # nothing of the rolled-back run is left


def test_query_prefers_exact_then_earliest(tmp_path: Path) -> None:
    with DedupeIndex.open(tmp_path / "i.sqlite", DedupeConfig(), create=True) as index:
        index.add([doc(1, FERRY), doc(2, FERRY.replace("\n", " "))], "run-0001-x")
        edited = FERRY.replace("are signed.", "are signed, he added.")
        matches = index.query([doc(7, FERRY), doc(8, edited), doc(9, ORCHARD)])
    assert [(m.doc_id, m.indexed_id, m.tier) for m in matches] == [
        ("id7", "id1", "exact"),
        ("id8", "id1", "near"),
    ]
    assert 0.8 <= matches[1].similarity < 1.0


def test_index_stats_and_rm(tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    with DedupeIndex.open(index, DedupeConfig(), create=True) as opened:
        opened.add([doc(1, FERRY), doc(2, STORM)], opened.next_run_id(["feed.txt"]), ["feed.txt"])
    done = run_cli("index", "stats", str(index))
    assert done.returncode == 0, done.stderr
    assert "run-0001-" in done.stdout and "2 articles from feed.txt" in done.stdout
    done = run_cli("index", "rm", str(index))
    assert done.returncode == 0 and not index.exists()
    for command in ("stats", "rm"):
        done = run_cli("index", command, str(index))
        assert done.returncode == 2 and "no" in done.stderr and str(index) in done.stderr
        assert "Traceback" not in done.stderr


def test_index_rm_refuses_a_file_that_is_not_an_index(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n")
    done = run_cli("index", "rm", str(notes))
    assert done.returncode == 2 and "not an SQLite file" in done.stderr
    assert notes.exists()


def test_index_with_no_dedupe_is_a_usage_error(tmp_path: Path) -> None:
    raw = dump(tmp_path / "a.txt", FERRY)
    done = run_cli(
        "clean", str(raw), "--out", str(tmp_path / "o"), "--index", str(tmp_path / "i.sqlite"),
        "--no-dedupe",
    )  # fmt: skip
    assert done.returncode == 2 and "--no-dedupe" in done.stderr


def test_index_mode_must_be_update_or_check(tmp_path: Path) -> None:
    from cleaners.errors import ConfigError
    from winnow_corpus.runner import RunConfig

    with pytest.raises(ConfigError, match="update or check"):
        RunConfig(index=tmp_path / "i.sqlite", index_mode="append")
