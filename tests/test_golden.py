"""The seed dump through the real CLI: golden files plus the acceptance facts spelled out.

`pytest --update-golden` rewrites tests/golden/seed/ from the current output; review that diff
in the commit like code.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli

GOLDEN = REPO / "tests" / "golden" / "seed"
GOLDEN_FILES = ("articles.jsonl", "duplicates.jsonl", "removed.jsonl", "report.json")


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "clean"
    done = run_cli("clean", "--quiet", "--out", str(out))  # no INPUT: reads corpus/raw/
    assert done.returncode == 0, done.stderr
    return out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_seed_matches_golden(seed_run: Path, name: str, update_golden: bool) -> None:
    produced = (seed_run / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if update_golden:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


def test_seed_articles_and_titles(seed_run: Path) -> None:
    kept = read_jsonl(seed_run / "articles.jsonl")
    dropped = read_jsonl(seed_run / "duplicates.jsonl")
    assert len(kept) + len(dropped) == 10
    every = sorted(kept + dropped, key=lambda r: r["lines"][0])
    assert all(r["title"] and "\n" not in r["title"] for r in every)
    assert every[7]["title"].endswith("…")
    for record in every:
        republisher = record["meta"].get("republisher_title")
        assert republisher, record["title"]
        assert republisher not in record["title"] and republisher not in record["text"]


def test_seed_removals_by_reason(seed_run: Path) -> None:
    removed = read_jsonl(seed_run / "removed.jsonl")
    by_category = Counter(r["category"] for r in removed if r["reason"] != "dateline")
    by_reason = Counter(r["reason"] for r in removed)
    assert by_reason["republisher headline"] == 10
    assert by_category["captions"] == 10
    assert by_reason["timestamp"] == 4
    assert by_reason["editor credit"] == 1
    assert by_reason["byline"] == 3
    assert by_category["footers"] == 2


def test_seed_keeps_standfirst_and_subheading(seed_run: Path) -> None:
    text = "\n".join(r["text"] for r in read_jsonl(seed_run / "articles.jsonl"))
    text += "\n".join(r["text"] for r in read_jsonl(seed_run / "duplicates.jsonl"))
    lines = {line.strip() for line in text.split("\n")}
    assert "Saudi efforts" in lines
    assert any(line.startswith("Militias in Iraq are increasing") for line in lines)


def test_seed_has_exactly_one_cluster_articles_7_and_8(seed_run: Path) -> None:
    report = json.loads((seed_run / "report.json").read_text(encoding="utf-8"))
    assert len(report["clusters"]) == 1
    titles = sorted(m["title"] for m in report["clusters"][0]["members"])
    assert titles[0].startswith("Ex-Official Remarks on Normalizing Ties")
    assert titles[1].startswith("Muqtada al-Sadr threatens")


def test_seed_run_is_byte_identical_twice(seed_run: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert run_cli("clean", "--quiet", "--out", str(again)).returncode == 0
    for path in sorted(seed_run.iterdir()):
        if path.name != "timings.json":
            assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_cleaning_clean_output_removes_nothing_more(seed_run: Path, tmp_path: Path) -> None:
    txt = tmp_path / "reclean"
    txt.mkdir()
    for path in sorted(seed_run.glob("[0-9][0-9][0-9][0-9]-*.txt")):
        shutil.copy(path, txt / path.name)
    out = tmp_path / "out"
    done = run_cli("clean", str(txt), "--quiet", "--no-dedupe", "--out", str(out))
    assert done.returncode == 0, done.stderr
    again = read_jsonl(out / "articles.jsonl")
    assert len(again) == len(list(txt.iterdir()))
    assert [r for rec in again for r in rec["removed"]] == []
