"""Faults a hostile tester found (issue "Papercuts and faults", items 4, 13-16): each case
through the real entry point, `python cli.py ...`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import SEED, run_cli


def _ids(out: Path) -> list[str]:
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["id"] for line in lines]


def test_ids_do_not_depend_on_the_inputs_path(tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "renamed.txt"
    moved.parent.mkdir()
    shutil.copy(SEED, moved)
    runs = {
        "seed": run_cli("clean", str(SEED), "--out", str(tmp_path / "a"), "-q", "--no-txt"),
        "moved": run_cli("clean", str(moved), "--out", str(tmp_path / "b"), "-q", "--no-txt"),
        "stdin": run_cli(
            "clean", "-", "--out", str(tmp_path / "c"), "-q", "--no-txt", stdin=SEED.read_bytes()
        ),
    }
    for name, result in runs.items():
        assert result.returncode == 0, (name, result.stderr)
    ids = _ids(tmp_path / "a")
    assert ids and ids == _ids(tmp_path / "b") == _ids(tmp_path / "c")
    moved_records = (tmp_path / "b" / "articles.jsonl").read_text(encoding="utf-8")
    assert str(moved) in moved_records  # the path stays a field
    explained = run_cli("explain", ids[0], "--out", str(tmp_path / "c"))
    assert explained.returncode == 0, explained.stderr


def test_an_id_two_articles_would_share_gets_a_suffix(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    shutil.copy(SEED, copy)
    out = tmp_path / "out"
    result = run_cli(
        "clean", str(SEED), str(copy), "--out", str(out), "-q", "--no-txt", "--no-dedupe"
    )
    assert result.returncode == 0, result.stderr
    ids = _ids(out)
    assert len(ids) == len(set(ids))
    plain = [i for i in ids if "-" not in i]
    assert sorted(f"{i}-2" for i in plain) == sorted(i for i in ids if i.endswith("-2"))
