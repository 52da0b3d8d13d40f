"""What a new user hit (issue "Papercuts and faults"): each case through the real entry point,
or, for CI, through the script itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from tests.helpers import REPO, SEED, finished, run_cli, start_cli
from winnow_corpus.cli import main

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
    assert sorted(r["task"] for r in results) == ["clean", "clean", "dedupe", "split"]
    for result in results:
        winnow, peers = result["rows"][0], result["rows"][1]
        assert winnow["system"] == "winnow"
        assert winnow["f1"] >= peers["f1"], result  # the example shows what Winnow adds
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "winnow eval examples/eval" in readme
    assert "winnow eval examples/eval" in run_cli("eval", "--help").stdout


# --- help and README agree on the input formats -----------------------------------------------


def test_clean_help_and_readme_list_every_input_format() -> None:
    from winnow_corpus.io import ALL_SUFFIXES

    help_text = " ".join(run_cli("clean", "--help").stdout.split())
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    inputs_line = " ".join(readme[readme.index("`INPUT` is any mix") :].split("\n\n")[0].split())
    for suffix in ALL_SUFFIXES:
        assert f"{suffix}," in help_text or f"{suffix})" in help_text, suffix
        assert f"`{suffix}`" in inputs_line, suffix


# --- the summary: where the output went, ids to explain, what to run next ---------------------


def test_summary_says_where_output_went_and_what_to_run_next(tmp_path: Path) -> None:
    out = tmp_path / "my out"
    done = run_cli("clean", str(SEED), "--out", str(out), "--no-txt")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Wrote 9 articles to {out.resolve()}/"
    titles = {
        (r := json.loads(line))["id"]: r["title"]
        for line in (out / "articles.jsonl").read_text().splitlines()
    }
    shown = [article_id for article_id in titles if article_id in done.stdout]
    assert 1 <= len(shown) <= 3
    assert all(titles[i].split()[0] in done.stdout for i in shown)
    assert f"winnow explain {shown[0]} --out '{out}'" in done.stdout
    assert f"winnow report '{out}' --open" in done.stdout
    explain = run_cli("explain", shown[0], "--out", str(out))  # the command shown works
    assert explain.returncode == 0 and titles[shown[0]] in explain.stdout


def test_no_inputs_and_no_default_folder_says_what_to_pass(tmp_path: Path) -> None:
    done = run_cli("clean", cwd=tmp_path)
    assert done.returncode == 2
    assert "no inputs given" in done.stderr and "corpus/raw/" in done.stderr
    assert "winnow clean dump.txt" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "corpus").exists()


# --- machine-readable summaries ---------------------------------------------------------------


def test_clean_json_is_the_summary_as_one_object(tmp_path: Path) -> None:
    out = tmp_path / "o"
    done = run_cli("clean", str(SEED), "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # stdout holds the object and nothing else
    report = json.loads((out / "report.json").read_text())
    assert summary["exit_code"] == 0 and summary["exit_meaning"] == "success"
    assert summary["output"] == str(out.resolve())
    assert {"articles.jsonl", "duplicates.jsonl", "report.html"} <= set(summary["files"])
    assert summary["txt_files"] == 9
    for key in ("counts", "removed_by_reason", "removed_by_rule", "clusters"):
        assert summary[key] == report[key], key
    assert summary["sample_articles"][0]["id"] in {c["keeper"] for c in report["clusters"]} | {
        json.loads(line)["id"] for line in (out / "articles.jsonl").read_text().splitlines()
    }


def test_clean_json_with_a_skipped_input(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    args = ["clean", str(SEED), str(tmp_path / "empty.txt"), "--json", "--dry-run"]
    done = run_cli(*args, "--out", str(tmp_path / "o"))
    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert summary["exit_code"] == 1 and "skipped" in summary["exit_meaning"]
    assert summary["output"] is None and len(summary["skipped"]) == 1


def test_rules_json_lists_every_rule() -> None:
    from cleaners.rules import iter_rules

    done = run_cli("rules", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)["rules"]
    assert [r["name"] for r in listed] == [r.name for r in iter_rules()]
    assert all(r["reason"] and r["category"] == r["name"].split(".")[0] for r in listed)


# --- winnow report and winnow index -----------------------------------------------------------


def test_report_prints_the_runs_summary(seed_output: Path) -> None:
    done = run_cli("report", str(seed_output))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"The run written to {seed_output.resolve()}/"
    assert "Removed, by reason" in done.stdout and "photo caption" in done.stdout
    assert "captions.photo_credit" in done.stdout  # rules beside their reasons, as clean shows
    assert f"Wrote {seed_output.resolve()}/report.html" in done.stdout
    assert "Time:" not in done.stdout
    timed = run_cli("report", str(seed_output), "--timings")
    timings = json.loads((seed_output / "timings.json").read_text())
    assert "Time: " in timed.stdout and all(stage in timed.stdout for stage in timings)


def test_report_on_a_missing_folder_says_it_does_not_exist(tmp_path: Path) -> None:
    done = run_cli("report", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("words", [("index",), ()], ids=["index", "winnow"])
def test_a_group_alone_shows_help_and_exits_0(words: tuple[str, ...]) -> None:
    done = run_cli(*words)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout and "Commands:" in done.stdout


# --- packaging --------------------------------------------------------------------------------


def test_license_is_an_spdx_string_with_its_file() -> None:
    """A TOML table `license = {text = ...}` is deprecated: every build with a current pip
    warned. PEP 639's SPDX string needs setuptools 77, which `requires` asks for."""
    import tomllib

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    assert project["license"] == "MIT"
    assert all((REPO / name).is_file() for name in project["license-files"])
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "setuptools>=77" in pyproject["build-system"]["requires"]


# --- messages that help -----------------------------------------------------------------------


def _config(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "winnow.toml"
    config.write_text(text, encoding="utf-8")
    return run_cli("clean", str(SEED), "--config", str(config), "--out", str(tmp_path / "o"))


def test_a_config_value_of_the_wrong_type_names_key_file_and_type(tmp_path: Path) -> None:
    done = _config(tmp_path, '[run]\njobs = "two"\n')
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "winnow.toml: [run] jobs must be a whole number, got 'two'" in done.stderr
    done = _config(tmp_path, '[dedupe]\nstory_threshold = "low"\n')
    assert "[dedupe] story_threshold must be a number, got 'low'" in done.stderr
    assert not (tmp_path / "o").exists()


def test_unknown_clean_key_lists_disable_and_rules(tmp_path: Path) -> None:
    done = _config(tmp_path, "[clean]\ndisabled = []\n")
    assert done.returncode == 2
    allowed = done.stderr.split("allowed:")[1]
    assert "disable," in allowed and "rules," in allowed


def test_parquet_without_the_text_column_names_the_columns(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"headline": ["Ferry resumes"], "body": ["Ferry service resumes today."]})
    pq.write_table(table, tmp_path / "news.parquet")
    done = run_cli("clean", str(tmp_path / "news.parquet"), "--out", str(tmp_path / "o"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no column 'text'" in done.stderr and "headline, body" in done.stderr
    assert "--text-field" in done.stderr
    done = run_cli(
        "clean",
        str(tmp_path / "news.parquet"),
        "--text-field",
        "body",
        "--out",
        str(tmp_path / "o"),
    )
    assert done.returncode == 0, done.stderr


def test_a_broken_symlink_in_an_input_folder_is_named(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (raw / "gone.txt").symlink_to(tmp_path / "moved-away.txt")
    done = run_cli("clean", str(raw), "--out", str(tmp_path / "o"), "--quiet")
    assert done.returncode == 1, done.stderr  # finished, an input skipped (and named)
    assert "gone.txt" in done.stderr and "broken symbolic link" in done.stderr
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["counts"]["skipped_inputs"] == 1


def test_a_nul_byte_from_the_input_never_reaches_report_html(tmp_path: Path) -> None:
    record = {"title": "Storm\u0000 hits coast", "text": "Heavy rain\u0000 fell all night.\n"}
    (tmp_path / "in.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    done = run_cli("clean", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "o"), "-q")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "\x00" not in page
    assert "Heavy rain" in page


# --- a runaway custom rule ----------------------------------------------------------------------


def test_a_runaway_custom_regex_is_stopped_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    config = tmp_path / "winnow.toml"
    config.write_text(
        '[[clean.rules]]\nname = "runaway"\npattern = "(a+)+$"\nreason = "test"\n\n'
        '[[clean.rules]]\nname = "promo"\npattern = "^Download our app"\n'
        'reason = "app promotion"\n',
        encoding="utf-8",
    )
    runaway = "a" * 5000 + "!"  # exponential backtracking: it would search for ever
    text = f"Heavy rain fell all night.\n{runaway}\nDownload our app\nMore rain is due."
    records = [{"title": "Storm hits coast", "text": text}, {"title": "Calm", "text": "Sun."}]
    dump = tmp_path / "in.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "o"
    done = run_cli("clean", str(dump), "--config", str(config), "--out", str(out), "-q", "-j", "1")
    assert done.returncode == 0, done.stderr
    assert "rule custom.runaway gave up" in done.stderr and "on line 1" in done.stderr
    articles = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    storm = next(a for a in articles if a["title"] == "Storm hits coast")
    assert storm["meta"]["rule_timeouts"] == [{"line": 1, "rule": "custom.runaway"}]
    assert runaway in storm["text"]  # the line it could not decide on is kept
    assert [r["rule"] for r in storm["removed"]] == ["custom.promo"]  # the other rule still ran
    assert len(articles) == 2


# --- a FIFO input ---------------------------------------------------------------------------------


def test_a_fifo_input_is_read_once(tmp_path: Path) -> None:
    """`winnow clean <(zcat dump.gz)` or a named pipe: its bytes can be read only once, so it
    must be opened once (it was opened three times, and the run waited for ever)."""
    import threading

    fifo = tmp_path / "dump.txt"
    os.mkfifo(fifo)
    data = SEED.read_bytes()

    def write() -> None:
        handle = os.open(fifo, os.O_WRONLY)  # waits for the reader
        try:
            os.write(handle, data)
        except BrokenPipeError:  # the old reader closed after 4 bytes
            pass
        finally:
            os.close(handle)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    out = tmp_path / "o"
    process = subprocess.Popen(
        [sys.executable, str(REPO / "cli.py"), "clean", str(fifo), "--out", str(out), "-q"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr = finished(process, "winnow clean on a FIFO")
    assert process.returncode == 0, stderr
    assert len((out / "articles.jsonl").read_text().splitlines()) == 9


# --- SIGTERM ------------------------------------------------------------------------------------


def test_sigterm_stops_with_one_line_and_exit_143(tmp_path: Path) -> None:
    import signal
    import time

    from tests.test_interrupt import write_big_dump

    dump = tmp_path / "big.txt"
    write_big_dump(dump, 6000)
    out = tmp_path / "clean"
    args = ["clean", str(dump), "--out", str(out), "-q", "--jobs", "2"]
    process = start_cli(*args)
    time.sleep(2.0)
    process.send_signal(signal.SIGTERM)
    stderr = finished(process, "winnow clean after SIGTERM")
    if process.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert process.returncode == 143, stderr
    assert stderr.strip() == "Terminated (SIGTERM); previous output left as it was."
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["big.txt"]  # no temporary folder left


def test_a_forked_child_of_the_cli_ends_on_sigterm_at_once() -> None:
    """The CLI's SIGTERM handler is Python, which runs only between bytecodes: a pool child
    that inherited it and got the pool's SIGTERM just before blocking on the queue's lock
    waited forever, and the run with it. Children get the default action back at fork, and a
    SIGTERM sent while SIGTERM is blocked across the fork is not lost."""
    import multiprocessing
    import signal

    from winnow_corpus import cli

    previous = signal.signal(signal.SIGTERM, cli._on_sigterm)
    try:
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_report_sigterm_handler, args=(send,))
        child.start()
        assert receive.recv() == "default"
        child.join(timeout=30)
        assert signal.getsignal(signal.SIGTERM) is cli._on_sigterm  # the parent keeps its own
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, set())
        assert signal.SIGTERM not in blocked
    finally:
        signal.signal(signal.SIGTERM, previous)


def _report_sigterm_handler(pipe: Any) -> None:
    import signal

    handler = signal.getsignal(signal.SIGTERM)
    pipe.send("default" if handler == signal.SIG_DFL else repr(handler))
