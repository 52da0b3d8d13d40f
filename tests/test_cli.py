"""The CLI through its real entry point: help, exit codes, and one-line errors, never tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.helpers import REPO, SEED, run_cli
from winnow_corpus.cli import main
from winnow_corpus.dependencies import REQUIRED

WIRE_DUMP = """\
Harbour authority approves new ferry terminal

PORTSMOUTH, March 3 - The harbour authority on Monday approved plans for a ferry terminal that
will double passenger capacity by 2028, the chairman told reporters.

The project is expected to cost about 40 million pounds and create 300 jobs, he said.

-----

Storm closes mountain pass for third day

Heavy snow kept the northern pass closed for a third day on Wednesday, stranding dozens of trucks.

Road crews said they hoped to reopen one lane by the weekend if the weather allowed it.
"""


def assert_clean_error(done, code: int, words: str) -> None:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    assert words in done.stderr


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_and_a_readme_entry(command: str) -> None:
    done = run_cli(command, "--help")
    assert done.returncode == 0
    assert "Example:" in done.stdout
    assert f"winnow {command}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_top_level_help() -> None:
    done = run_cli("--help")
    assert done.returncode == 0 and "clean" in done.stdout


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    done = run_cli("clean", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o"))
    assert_clean_error(done, 2, "no such file or directory")


def test_empty_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    done = run_cli("clean", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "o"))
    assert_clean_error(done, 2, "empty")
    assert not (tmp_path / "o").exists()


def test_binary_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" * 50)
    done = run_cli("clean", str(tmp_path / "photo.txt"), "--out", str(tmp_path / "o"))
    assert_clean_error(done, 2, "binary")


def test_some_bad_files_still_process_the_good_ones(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a_good.txt").write_text(WIRE_DUMP, encoding="utf-8")
    (raw / "b_empty.txt").write_text("")
    out = tmp_path / "clean"
    done = run_cli("clean", str(raw), "--out", str(out), "--quiet")
    assert_clean_error(done, 1, "b_empty.txt")
    articles = [json.loads(x) for x in (out / "articles.jsonl").read_text().splitlines()]
    assert [a["title"] for a in articles] == [
        "Harbour authority approves new ferry terminal",
        "Storm closes mountain pass for third day",
    ]
    report = json.loads((out / "report.json").read_text())
    assert report["counts"]["skipped_inputs"] == 1


def test_output_inside_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_text(WIRE_DUMP)
    done = run_cli("clean", str(tmp_path), "--out", str(tmp_path / "clean"))
    assert_clean_error(done, 2, "inside the input folder")


def test_bad_split_regex_and_unknown_rule(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_text(WIRE_DUMP)
    done = run_cli(
        "clean", str(tmp_path / "d.txt"), "--split-on", "([", "--out", str(tmp_path / "o")
    )
    assert_clean_error(done, 2, "not a valid regex")
    done = run_cli(
        "clean", str(tmp_path / "d.txt"), "--disable", "no.such", "--out", str(tmp_path / "o")
    )
    assert_clean_error(done, 2, "unknown rule")


def test_dry_run_writes_nothing_and_shows_summary(tmp_path: Path) -> None:
    out = tmp_path / "o"
    done = run_cli("clean", str(SEED), "--dry-run", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert not out.exists()
    assert "Removed, by reason" in done.stdout and "Dry run" in done.stdout


def test_stdin_input(tmp_path: Path) -> None:
    out = tmp_path / "o"
    done = run_cli("clean", "-", "--quiet", "--out", str(out), stdin=WIRE_DUMP.encode())
    assert done.returncode == 0, done.stderr
    assert len((out / "articles.jsonl").read_text().splitlines()) == 2


def test_explain_shows_struck_lines_and_reasons(tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert run_cli("clean", "--quiet", "--out", str(out)).returncode == 0
    record = next(
        json.loads(line)
        for line in (out / "articles.jsonl").read_text().splitlines()
        if json.loads(line)["removed"]
    )
    done = run_cli("explain", record["id"][:8], "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert record["title"] in done.stdout
    assert record["removed"][0]["reason"] in done.stdout
    missing = run_cli("explain", "zzzz", "--out", str(out))
    assert_clean_error(missing, 2, "no article")


def test_explain_and_the_report_find_an_article_holding_a_line_separator(tmp_path: Path) -> None:
    """JSON leaves U+2028 unescaped: the output's reader must not cut the record there."""
    dump = tmp_path / "d.jsonl"
    body = "The ferry council met on Monday\u2028and voted to build the new terminal by May."
    dump.write_text(
        json.dumps({"title": "Ferry terminal approved", "text": body}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "o"
    assert run_cli("clean", str(dump), "--quiet", "--out", str(out)).returncode == 0
    [line] = (out / "articles.jsonl").read_text(encoding="utf-8").split("\n")[:-1]
    record = json.loads(line)
    done = run_cli("explain", record["id"], "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "new terminal" in done.stdout
    assert "Ferry terminal approved" in (out / "report.html").read_text(encoding="utf-8")


def test_rules_lists_registered_rules() -> None:
    done = run_cli("rules")
    assert done.returncode == 0
    assert "captions." in done.stdout and "boilerplate." in done.stdout


def test_an_article_emptied_by_cleaning_is_reported_not_lost(tmp_path: Path) -> None:
    dump = WIRE_DUMP + "\n-----\nShare this article\n\nAdvertisement\n"
    (tmp_path / "d.txt").write_text(dump, encoding="utf-8")
    out = tmp_path / "o"
    done = run_cli("clean", str(tmp_path / "d.txt"), "--quiet", "--out", str(out))
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["counts"]["articles"] == 3 and report["counts"]["emptied_by_cleaning"] == 1
    assert len((out / "articles.jsonl").read_text().splitlines()) == 2
    removed = [json.loads(x)["text"] for x in (out / "removed.jsonl").read_text().splitlines()]
    assert "Share this article" in removed and "Advertisement" in removed


def _without_site_packages(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -S cli.py ARGS`: a Python that has none of Winnow's packages installed."""
    return subprocess.run(
        [sys.executable, "-S", str(REPO / "cli.py"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_answers_even_before_the_packages_are_installed() -> None:
    done = _without_site_packages("--help")
    assert done.returncode == 0
    assert "Usage: cli.py" in done.stdout
    assert "pip install -e ." in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_command_without_the_packages_is_a_usage_error() -> None:
    done = _without_site_packages("clean")
    assert done.returncode == 2
    assert "missing" in done.stderr and "pip install -e ." in done.stderr
    assert "Traceback" not in done.stderr


def test_dependency_check_names_every_project_dependency() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=\[ ]", dep, maxsplit=1)[0] for dep in project["dependencies"]}
    assert set(REQUIRED) == names


def test_temp_dir_holds_nothing_after_a_run_and_must_exist(tmp_path: Path) -> None:
    dump = tmp_path / "in" / "wire.txt"
    dump.parent.mkdir()
    dump.write_text(WIRE_DUMP, encoding="utf-8")
    spill = tmp_path / "spill"
    spill.mkdir()
    out = tmp_path / "out"
    done = run_cli("clean", str(dump), "--out", str(out), "--temp-dir", str(spill), "-q")
    assert done.returncode == 0, done.stderr
    assert list(spill.iterdir()) == []  # the waiting articles' file is unlinked from the start
    assert len(json.loads((out / "report.json").read_text())["clusters"]) == 0
    assert (out / "articles.jsonl").read_text().count("\n") == 2
    done = run_cli("clean", str(dump), "--out", str(out), "--temp-dir", str(tmp_path / "no"))
    assert_clean_error(done, 2, "not an existing folder")


def test_summary_lists_only_the_largest_clusters(tmp_path: Path) -> None:
    """A big run has thousands of clusters: the terminal gets the largest few and a pointer to
    the files that list them all; the files still hold every one."""
    import random

    from winnow_corpus.cli import SUMMARY_CLUSTERS

    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    words = [a + b + c for a in syllables for b in syllables[:20] for c in syllables[:10]]
    rng = random.Random(7)
    articles = []
    for number in range(SUMMARY_CLUSTERS + 3):
        body = " ".join(rng.choice(words) for _ in range(90))
        article = f"Report number {number} on the {rng.choice(words)} plan\n\n{body}.\n"
        articles += [article, article]  # one exact copy each: one cluster per article
    (tmp_path / "d.txt").write_text("\n-----\n\n".join(articles), encoding="utf-8")
    out = tmp_path / "o"
    done = run_cli("clean", str(tmp_path / "d.txt"), "--out", str(out), "--no-txt")
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert len(report["clusters"]) == SUMMARY_CLUSTERS + 3
    assert f"the {SUMMARY_CLUSTERS} largest of {SUMMARY_CLUSTERS + 3}" in done.stdout
    assert "3 more clusters: see duplicates.jsonl and report.html" in done.stdout
    assert done.stdout.count("dropped: ") == SUMMARY_CLUSTERS


def test_largest_clusters_keeps_report_order_among_equals() -> None:
    from winnow_corpus.cli import largest_clusters

    clusters = [
        {"id": name, "members": [0] * size}
        for name, size in [("a", 2), ("b", 3), ("c", 2), ("d", 4), ("e", 2)]
    ]
    assert [c["id"] for c in largest_clusters(clusters, 3)] == ["a", "b", "d"]
    assert largest_clusters(clusters, 10) == clusters


def test_a_config_file_without_jobs_uses_every_core(tmp_path: Path) -> None:
    """`[run] jobs` unset in a winnow.toml means what no file means (0: every core)."""
    import os

    from winnow_corpus.cli import run_config

    plain = tmp_path / "plain.toml"
    plain.write_text("[dedupe]\nstory_threshold = 0.2\n", encoding="utf-8")
    two = tmp_path / "two.toml"
    two.write_text("[run]\njobs = 2\n", encoding="utf-8")
    assert run_config(plain).jobs == run_config(None).jobs == (os.cpu_count() or 1)
    assert run_config(plain).dedupe.story_threshold == 0.2
    assert run_config(two).jobs == 2
