"""What a new user hit (issue "Papercuts and faults"): each case through the real entry point,
or, for CI, through the script itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli import main
from tests.helpers import REPO, SEED, run_cli

CI_RUN = REPO / ".ci" / "run"
EVAL_SPLIT = REPO / "examples" / "eval" / "split-wire"
BROWSER_BLOCK = ("# --- browser ", "# --- end browser ---")


def _browser_block() -> str:
    text = CI_RUN.read_text(encoding="utf-8")
    start, end = text.index(BROWSER_BLOCK[0]), text.index(BROWSER_BLOCK[1])
    return text[start:end]


def _install_browser(tmp_path: Path, ci: str | None) -> tuple[str, list[str]]:
    """Run .ci/run's browser step with apt-get, sudo and id replaced by stubs that log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "calls.log"
    for name, answer in (("apt-get", ""), ("sudo", ""), ("id", "echo 0")):
        stub = bin_dir / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n{answer}\n', encoding="utf-8")
        stub.chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    if ci is not None:
        env["CI"] = ci
    script = _browser_block() + "\ninstall_browser\n"
    done = subprocess.run(
        ["/bin/bash", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return done.stdout, [c for c in calls if not c.startswith("id")]


def test_ci_run_installs_system_packages_only_on_ci(tmp_path: Path) -> None:
    said, calls = _install_browser(tmp_path / "user", ci=None)
    assert calls == []  # a contributor's machine is left alone
    assert "apt-get install -y chromium" in said and "will skip" in said
    said, calls = _install_browser(tmp_path / "ci", ci="true")
    assert any(c.startswith("apt-get install") and "chromium" in c for c in calls), calls


def test_ci_run_has_no_other_system_install() -> None:
    outside = CI_RUN.read_text(encoding="utf-8").replace(_browser_block(), "")
    assert "apt-get" not in outside and "sudo" not in outside
    assert os.access(CI_RUN, os.X_OK)


# --- --debug on every command ---------------------------------------------------------------


def _commands() -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in sorted(main.commands.items()):
        if isinstance(command, click.Group):
            found += [(name, sub) for sub in sorted(command.commands)]
        found.append((name,))
    return found


@pytest.mark.parametrize("words", _commands(), ids=" ".join)
def test_debug_is_accepted_after_every_command(words: tuple[str, ...]) -> None:
    done = run_cli(*words, "--debug", "--help")
    assert done.returncode == 0, done.stderr
    assert "--debug" in done.stdout


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_keeps_an_input_errors_exit_code(tmp_path: Path, where: str) -> None:
    args = ["clean", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")]
    done = run_cli(*(["--debug", *args] if where == "before" else [*args, "--debug"]))
    assert done.returncode == 2, done.stderr
    assert "Traceback" in done.stderr  # what --debug is for
    assert done.stderr.rstrip().endswith("missing.txt: no such file or directory")


def test_without_debug_an_error_is_one_line(tmp_path: Path) -> None:
    done = run_cli("clean", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr


# --- a closed pipe --------------------------------------------------------------------------


def _into_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """`winnow ARGS | head -0`, without the race: the reading end is closed before the command
    starts, so its first write to stdout meets a closed pipe whatever the timing."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, str(REPO / "cli.py"), *args],
            cwd=REPO,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", "NO_COLOR": "1"},
        )
    finally:
        os.close(write_end)


@pytest.fixture(scope="module")
def seed_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "clean"
    done = run_cli("clean", str(SEED), "--out", str(out), "--quiet", "--no-txt")
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("command", ["rules", "explain", "clean", "eval-json"])
def test_a_closed_pipe_is_exit_0(command: str, seed_output: Path, tmp_path: Path) -> None:
    if command == "explain":
        first = json.loads((seed_output / "articles.jsonl").read_text().splitlines()[0])
        args: tuple[str, ...] = ("explain", first["id"], "--out", str(seed_output))
    elif command == "clean":
        args = ("clean", str(SEED), "--out", str(tmp_path / "o"), "--no-txt")
    elif command == "eval-json":
        args = ("eval", str(EVAL_SPLIT), "--json")
    else:
        args = ("rules",)
    done = _into_closed_pipe(*args)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    if command == "clean":  # the output was written before the summary met the closed pipe
        assert (tmp_path / "o" / "articles.jsonl").is_file()


def test_a_pipe_that_closes_after_some_lines_is_exit_0() -> None:
    """`winnow rules | head -1` as a shell runs it (the first line arrives; the rest may or may
    not meet the closed pipe, and either way the exit code is 0)."""
    command = f'"{sys.executable}" "{REPO / "cli.py"}" rules | head -1; exit ${{PIPESTATUS[0]}}'
    done = subprocess.run(
        ["/bin/bash", "-c", command],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and "Cleaning rules" in done.stdout
    assert "Traceback" not in done.stderr


# --- progress -------------------------------------------------------------------------------


def test_progress_never_shows_a_none_total(tmp_path: Path) -> None:
    done = run_cli("clean", str(SEED), "--out", str(tmp_path / "o"), "--no-txt")
    assert done.returncode == 0, done.stderr
    stages = [line.split()[0] for line in done.stderr.splitlines() if line.strip()]
    assert {"read", "clean", "dedupe"} <= set(stages), done.stderr
    assert "None" not in done.stderr
    clean_line = next(line for line in done.stderr.splitlines() if line.startswith("clean"))
    assert " 10 " in clean_line  # the seed's ten articles, counted without a total


def test_progress_with_nothing_left_to_dedupe(tmp_path: Path) -> None:
    dump = tmp_path / "ads.txt"
    dump.write_text("Share this article\n\nAdvertisement\n", encoding="utf-8")
    done = run_cli("clean", str(dump), "--out", str(tmp_path / "o"))
    assert "None" not in done.stderr, done.stderr


# --- winnow eval has something to run ---------------------------------------------------------


def test_eval_examples_run_and_score_every_task() -> None:
    done = run_cli("eval", "examples/eval", "--json")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["results"]
    assert sorted(r["task"] for r in results) == ["clean", "dedupe", "split"]
    for result in results:
        winnow, peers = result["rows"][0], result["rows"][1]
        assert winnow["system"] == "winnow"
        assert winnow["f1"] >= peers["f1"], result  # the example shows what Winnow adds
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "winnow eval examples/eval" in readme
    assert "winnow eval examples/eval" in run_cli("eval", "--help").stdout
