"""`winnow eval` on tiny hand-made datasets whose scores were worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedupe import DedupeConfig
from tests.helpers import run_cli
from winnow_corpus.errors import InputError
from winnow_corpus.evaluation import detect_task, evaluate


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def datasets(tmp_path: Path) -> Path:
    split = tmp_path / "split_set"
    split.mkdir()
    one = "Harbour authority approves new ferry terminal\n\nThe board voted on Monday."
    two = "Mountain pass closed for a third day\n\nSnow kept the pass shut."
    dump = one + "\n\n" + two + "\n"
    (split / "dump.txt").write_text(dump, encoding="utf-8")
    start_two = dump.index("Mountain")
    write_jsonl(
        split / "boundaries.jsonl",
        [
            {"id": "1", "start": 0, "end": len(one)},
            {"id": "2", "start": start_two, "end": start_two + len(two)},
        ],
    )
    clean = tmp_path / "clean_set"
    clean.mkdir()
    write_jsonl(
        clean / "cases.jsonl",
        [
            {
                "id": "c1",
                "raw": "Share this article\n\nThe board voted on Monday to build it.",
                "clean": "The board voted on Monday to build it.",
                "line_labels": [0, 0, 1],
            }
        ],
    )
    dedupe = tmp_path / "dedupe_set"
    dedupe.mkdir()
    body = (
        "The harbour authority approved plans on Monday for a ferry terminal that will double "
        "passenger capacity by 2028, the chairman told reporters at the port."
    )
    write_jsonl(
        dedupe / "docs.jsonl",
        [
            {"id": "a", "text": body},
            {"id": "b", "text": body},
            {"id": "c", "text": "Snow kept the mountain pass closed for a third day on Tuesday."},
        ],
    )
    write_jsonl(
        dedupe / "pairs.jsonl",
        [{"a": "a", "b": "b", "label": 1}, {"a": "a", "b": "c", "label": 0}],
    )
    return tmp_path


def test_detect_task(datasets: Path) -> None:
    assert detect_task(datasets / "split_set") == "split"
    assert detect_task(datasets / "clean_set") == "clean"
    assert detect_task(datasets / "dedupe_set") == "dedupe"
    with pytest.raises(InputError, match="no labelled data"):
        detect_task(datasets)


def test_scores_by_hand(datasets: Path) -> None:
    tables = {t.task: t for t in evaluate(datasets)}
    split_rows = {r["system"]: r for r in tables["split"].rows}
    assert split_rows["winnow"]["f1"] == 1.0
    # blank lines give 4 blocks; none covers 90% of a true article: F1 0
    assert split_rows["blank-line split"]["articles"] == 4
    assert split_rows["blank-line split"]["f1"] == 0.0
    clean_rows = {r["system"]: r for r in tables["clean"].rows}
    assert clean_rows["winnow"]["f1"] == 1.0
    assert clean_rows["winnow"]["removals_all_right"] == 1.0
    # no cleaning keeps 3 extra tokens of 11: precision 8/11, recall 1
    assert clean_rows["no cleaning"]["precision"] == pytest.approx(8 / 11)
    dedupe_rows = {r["system"]: r for r in tables["dedupe"].rows}
    assert dedupe_rows["winnow"]["f1"] == 1.0
    assert dedupe_rows["winnow"]["clusters_by_tier"] == {"exact": 1}


def test_eval_cli_json_and_task_filter(datasets: Path) -> None:
    done = run_cli("eval", str(datasets), "--task", "split", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert [r["task"] for r in payload["results"]] == ["split"]
    missing = run_cli("eval", str(datasets / "nope"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


@pytest.fixture
def snippet_set(tmp_path: Path) -> Path:
    folder = tmp_path / "snippet_set"
    folder.mkdir()
    write_jsonl(
        folder / "cases.jsonl",
        [
            {
                "id": "s1",
                "lang": "en",
                "raw": "Share this article\n"
                "The harbour board voted on Monday to build a new ferry terminal by the river.\n"
                "Subscribe now",
                "with": ["voted on Monday", "Not on the page"],
                "without": ["Share this article", "subscribe  NOW"],
            },
            {
                "id": "s2",
                "lang": "de",
                "raw": "Der Stadtrat stimmte am Montag für den Bau eines neuen Anlegers "
                "am Fluss zu.\n"
                "Die Arbeiten beginnen im Mai.\n"
                "Mehr dazu morgen.",
                "with": ["Stadtrat stimmte", "Die Arbeiten beginnen im Mai"],
                "without": ["Mehr dazu morgen"],
            },
        ],
    )
    return folder


def test_snippet_scores_by_hand(snippet_set: Path) -> None:
    """Worked out by hand. Case s1 (en): Winnow drops the share and subscribe lines (TP 1, TN 2;
    the snippet not on the page is not counted); keeping everything keeps both (TP 1, FP 2);
    the one line of 10+ words is the body (TP 1, TN 2). Case s2 (de): a plain text Winnow keeps
    whole (TP 2, FP 1), as does keeping everything; the 5-word line is lost under 10+ words
    (TP 1, FN 1, TN 1)."""
    [table] = evaluate(snippet_set)
    assert table.task == "clean"
    rows = {r["system"]: r for r in table.rows}
    assert [r["system"] for r in table.rows] == [
        "winnow",
        "keep everything",
        "lines of 10+ words",
    ]
    winnow = rows["winnow"]
    assert (winnow["with_kept"], winnow["with_lost"]) == (3, 0)
    assert (winnow["without_kept"], winnow["without_removed"]) == (1, 2)
    assert winnow["precision"] == pytest.approx(3 / 4)
    assert winnow["recall"] == 1.0
    assert winnow["f1"] == pytest.approx(6 / 7)
    assert rows["keep everything"]["f1"] == pytest.approx(6 / 9)
    assert rows["keep everything"]["precision"] == pytest.approx(1 / 2)
    assert rows["lines of 10+ words"]["f1"] == pytest.approx(4 / 5)
    assert rows["lines of 10+ words"]["recall"] == pytest.approx(2 / 3)
    by_language = {
        g["language"]: {r["system"]: r["f1"] for r in g["rows"]} for g in table.by_language
    }
    assert [g["cases"] for g in table.by_language] == [1, 1]
    assert by_language["en"] == pytest.approx(
        {"winnow": 1.0, "keep everything": 0.5, "lines of 10+ words": 1.0}
    )
    assert by_language["de"] == pytest.approx(
        {"winnow": 0.8, "keep everything": 0.8, "lines of 10+ words": 2 / 3}
    )
    assert "6 snippets found in the raw text" in table.notes[0]


def test_snippet_table_in_json_and_text(snippet_set: Path) -> None:
    done = run_cli("eval", str(snippet_set), "--json")
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)["results"]
    assert result["rows"][0]["f1"] == pytest.approx(6 / 7)
    assert [g["language"] for g in result["by_language"]] == ["de", "en"]
    text = run_cli("eval", str(snippet_set))
    assert text.returncode == 0, text.stderr
    assert "snippet F1 by language" in text.stdout
    assert "0.857" in text.stdout and "0.800" in text.stdout


@pytest.fixture
def wrapped_copy(tmp_path: Path) -> Path:
    """One article twice, the second inside a page's share bar and sign-up line."""
    body = (
        "The harbour authority approved plans on Monday for a ferry terminal that will double "
        "passenger capacity by 2028, the chairman told reporters at the port.\n\n"
        "Work on the new quay at Brennick is due to start in the spring, and the old pier will "
        "stay open until then."
    )
    page = "Share this article\nShare on Facebook\nShare on Twitter\n\n" + body
    folder = tmp_path / "wrapped"
    folder.mkdir()
    write_jsonl(
        folder / "docs.jsonl",
        [
            {"id": "a", "text": body},
            {"id": "b", "text": page + "\n\nSign up for our newsletter"},
            {"id": "c", "text": "Snow kept the mountain pass closed for a third day on Tuesday."},
        ],
    )
    write_jsonl(
        folder / "pairs.jsonl",
        [{"a": "a", "b": "b", "label": 1}, {"a": "a", "b": "c", "label": 0}],
    )
    return folder


def test_eval_dedupe_cleans_first_unless_told_not_to(wrapped_copy: Path) -> None:
    # cleaned as `winnow clean` cleans, the page is the article again: an exact copy
    cleaned = run_cli("eval", str(wrapped_copy), "--json")
    assert cleaned.returncode == 0, cleaned.stderr
    (table,) = json.loads(cleaned.stdout)["results"]
    assert table["rows"][0]["clusters_by_tier"] == {"exact": 1}
    assert "3 documents cleaned as `winnow clean` does first" in table["notes"]
    # as they are, the share bar keeps the two texts apart but for the story tier
    raw = run_cli("eval", str(wrapped_copy), "--json", "--no-clean")
    assert raw.returncode == 0, raw.stderr
    (table,) = json.loads(raw.stdout)["results"]
    assert table["rows"][0]["clusters_by_tier"] == {"story": 1}
    assert table["rows"][0]["f1"] == 1.0


@pytest.mark.parametrize(
    ("model", "swept", "named", "wide"),
    [
        ("shipped", "story_probability", "story probabilities", [0.2, 0.25]),
        ("off", "story_threshold", "story thresholds", [0.08, 0.09]),
    ],
)
def test_eval_dedupe_scores_a_band_of_thresholds(
    wrapped_copy: Path, model: str, swept: str, named: str, wide: list[float]
) -> None:
    """The band around the value the run uses: the calibrated score's probability cut (the
    default) or, with the cosine, its threshold; each row names what it swept."""
    done = run_cli("eval", str(wrapped_copy), "--json", "--story-model", model)
    (table,) = json.loads(done.stdout)["results"]
    t = getattr(DedupeConfig(), swept)
    sweep = table["threshold_sweep"]
    assert [row[swept] for row in sweep] == [
        pytest.approx(t * share) for share in (0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2)
    ]
    assert all(row["f1"] == 1.0 for row in sweep)  # one exact copy: found at every threshold
    band = f"F1 over {named} {0.8 * t:.3f}-{1.2 * t:.3f}: lowest 1.000, best 1.000"
    assert any(note.startswith(band) for note in table["notes"])
    shown = run_cli("eval", str(wrapped_copy), "--story-model", model)
    assert shown.returncode == 0, shown.stderr
    assert f"wrapped: Winnow by {swept.replace('_', ' ')}" in shown.stdout
    wider = run_cli("eval", str(wrapped_copy), "--json", "--sweep", "--story-model", model)
    (table,) = json.loads(wider.stdout)["results"]
    assert [row[swept] for row in table["threshold_sweep"]][:2] == wide
