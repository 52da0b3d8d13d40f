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
