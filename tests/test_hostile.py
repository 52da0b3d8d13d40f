"""Hostile text: adversarial 1 MB lines finish (no catastrophic backtracking), controls go
with a reason, and markup in the input is never executed or used as a path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli

ADVERSARIAL = {
    "credit labels": "Photograph: " * 90_000,
    "open parens": "(" * 1_000_000,
    "tiny sentences": "a. " * 350_000,
    "capitals and a dash": "LYON " * 200_000 + "- x",
    "quote commas": '"," ' * 250_000,
    "timestamps": "Oct 21, 2020 6:18 AM " * 50_000,
    "names": "Ana Lima " * 110_000,
    "everything": "By Jane Doe. Photo: X/Y. (AFP) via AP — " * 25_000,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_megabyte_line_finishes(tmp_path: Path, name: str) -> None:
    dump = tmp_path / "hostile.txt"
    dump.write_text(
        f"Harbour plan approved by the board\n\n{ADVERSARIAL[name]}\n", encoding="utf-8"
    )
    # The timeout only catches a hang (each case takes about a second); it is no speed test.
    done = run_cli("clean", str(dump), "--out", str(tmp_path / "o"), "--quiet", "-j", "1")
    assert done.returncode == 0, done.stderr


def test_markup_and_paths_in_text_stay_text(tmp_path: Path) -> None:
    text = (
        "Harbour plan approved by the board\n\n"
        "<script>alert(1)</script> The board met in ../../etc/passwd on Monday.\n\n"
        "Zero\u200bwidth and \u202ereversed\u202c text stays readable.\n"
    )
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "o"
    assert run_cli("clean", str(tmp_path / "d.txt"), "--out", str(out), "--quiet").returncode == 0
    record = json.loads((out / "articles.jsonl").read_text(encoding="utf-8"))
    assert "<script>alert(1)</script>" in record["text"]  # kept as text, verbatim
    assert "\u200b" not in record["text"] and "\u202e" not in record["text"]
    assert {r["rule"] for r in record["removed"]} == {"unicode.controls"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.txt", "o"]  # nothing else written
    assert "<script>alert(1)</script>" not in (out / "report.html").read_text(encoding="utf-8")


def test_json_lone_surrogates_become_replacement_characters_with_a_reason(tmp_path: Path) -> None:
    """JSON may spell half of a UTF-16 pair ("\\ud800"): no character, not writable as UTF-8.
    Each one becomes U+FFFD, named in the article's removals; other fields are made writable
    too; a proper pair stays the character it spells."""
    body = "The tram depot reopened \\ud83d\\ude8b after the flood \\udc00 and the \\ud800 repairs."
    line = (
        '{"id": "t1", "title": "Depot \\udfff news", "desk": {"note": "x\\ud801"}, '
        f'"text": "Depot news\\n\\n{body} The crews worked through the night to finish it."}}'
    )
    (tmp_path / "in.jsonl").write_text(line + "\n", encoding="utf-8")
    out = tmp_path / "o"
    done = run_cli("clean", str(tmp_path / "in.jsonl"), "--out", str(out), "--no-txt")
    assert done.returncode == 0, done.stderr
    (article,) = [json.loads(x) for x in (out / "articles.jsonl").read_text("utf-8").splitlines()]
    assert "\U0001f68b" in article["text"]
    assert article["text"].count("\ufffd") == 2
    assert article["title"] == "Depot \ufffd news"
    assert article["meta"]["fields"]["desk"] == {"note": "x\ufffd"}
    surrogates = [r for r in article["removed"] if r["rule"] == "unicode.surrogates"]
    assert [r["text"] for r in surrogates] == ["\\udc00", "\\ud800"]
    assert all(r["reason"] == "unpaired surrogate (not a character)" for r in surrogates)


def test_library_records_with_lone_surrogates_clean() -> None:
    from cleaners import clean

    (doc,) = clean([{"id": "r", "text": "Quay report\n\nThe ferry \ud800 sailed at noon today."}])
    assert "\ufffd" in doc.text
    assert [r.rule for r in doc.removed if r.rule.startswith("unicode.")] == ["unicode.surrogates"]


def test_a_dump_string_with_lone_surrogates_cleans() -> None:
    from cleaners import clean

    dump = "Quay \udc01 report\n\nThe ferry \ud800 sailed at noon today from the north pier."
    (doc,) = clean(dump)
    assert "\ud800" not in doc.text and "\ufffd" in doc.text and "\udc01" not in doc.title
    surrogates = [r for r in doc.removed if r.rule == "unicode.surrogates"]
    assert [(r.text, r.line) for r in surrogates] == [("\\udc01", 1), ("\\ud800", 3)]


def test_surrogates_in_a_dump_string_are_placed_on_lines_as_split_numbers_them() -> None:
    from cleaners import clean

    dump = "Quay report\r\rThe ferry \ud800 sailed at noon today from the north pier."
    (doc,) = clean(dump)  # lone CRs end lines, as split_dump counts them
    (surrogate,) = [r for r in doc.removed if r.rule == "unicode.surrogates"]
    assert surrogate.line == 3
