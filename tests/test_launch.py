"""The command's entry: when it starts the workers' fork server before the CLI's imports."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from tests.helpers import load_benchmark, run_cli
from winnow_corpus import launch
from winnow_corpus.cli import main


def _big_input(tmp_path: Path) -> Path:
    """A file of at least MIN_INPUT_BYTES, without writing its bytes."""
    path = tmp_path / "dump.jsonl"
    with path.open("wb") as handle:
        handle.truncate(launch.MIN_INPUT_BYTES)
    return path


def test_valued_options_are_the_clean_commands_own() -> None:
    command = main.commands["clean"]
    valued = {
        name
        for param in command.params
        if isinstance(param, click.Option) and not param.is_flag and not param.count
        for name in param.opts
    }
    assert valued == launch.VALUED_OPTIONS


@pytest.mark.parametrize(
    "args",
    [
        ["clean", "{big}"],
        ["--debug", "clean", "{big}", "--jobs", "2"],
        ["clean", "-j2", "{big}"],
        ["clean", "--jobs=0", "--out", "elsewhere", "{big}"],
        ["clean", "--engine", "local", "-"],
        ["clean", "--config", "winnow.toml", "-j", "2", "{big}"],
        ["clean", "--quiet", "--", "{big}"],
    ],
)
def test_a_local_clean_of_enough_input_on_several_cores_starts_it(
    tmp_path: Path, args: list[str]
) -> None:
    big = str(_big_input(tmp_path))
    assert launch.uses_workers([arg.replace("{big}", big) for arg in args], cpus=2)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["rules"],
        ["explain", "{big}"],
        ["clean", "{big}", "--jobs", "1"],
        ["clean", "{big}", "-j1"],
        ["clean", "{big}", "--engine", "ray"],
        ["clean", "{big}", "--engine=ray"],
        ["clean", "{big}", "--help"],
        ["clean", "{big}", "--config", "winnow.toml"],  # its jobs are the CLI's to read
        ["clean", "{big}", "--jobs", "many"],
        ["clean", "{small}"],
        ["clean", "{missing}"],
        ["clean", "--out", "{big}", "{small}"],  # an option's value is not an input
    ],
)
def test_anything_else_leaves_it_to_the_run(tmp_path: Path, args: list[str]) -> None:
    small = tmp_path / "small.txt"
    small.write_text("A short dump.\n", encoding="utf-8")
    names = {"{big}": str(_big_input(tmp_path)), "{small}": str(small)}
    names["{missing}"] = str(tmp_path / "missing.txt")
    given = [names.get(arg, arg) for arg in args]
    assert not launch.uses_workers(given, cpus=2)


def test_one_core_never_starts_it(tmp_path: Path) -> None:
    assert not launch.uses_workers(["clean", str(_big_input(tmp_path))], cpus=1)
    assert launch.uses_workers(["clean", str(_big_input(tmp_path)), "-j", "2"], cpus=1)


def test_a_folders_files_count_as_its_input(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    (folder / "deeper").mkdir(parents=True)
    for name in ("a.txt", "deeper/b.txt"):
        with (folder / name).open("wb") as handle:
            handle.truncate(launch.MIN_INPUT_BYTES // 2)
    assert launch.uses_workers(["clean", str(folder)], cpus=2)
    (folder / "deeper" / "b.txt").unlink()
    assert not launch.uses_workers(["clean", str(folder)], cpus=2)


def test_a_run_with_the_server_started_early_gives_the_same_output(tmp_path: Path) -> None:
    """Through the real entry, on enough articles for two batches: the early server's workers
    clean, and the files equal one job's."""
    corpus = tmp_path / "news.jsonl"
    load_benchmark("make_lined_news").make(corpus, 2.5, seed=3)
    assert launch.uses_workers(["clean", str(corpus), "-j", "2"], cpus=2)
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        done = run_cli("clean", str(corpus), "--out", str(out), "--no-txt", "-q", "-j", jobs)
        assert done.returncode == 0, done.stderr
        outputs[jobs] = {
            path.name: path.read_bytes() for path in out.iterdir() if path.name != "timings.json"
        }
    assert outputs["1"] == outputs["2"]
    assert b'"id"' in outputs["2"]["articles.jsonl"]


def test_the_early_server_preloads_what_the_pool_would() -> None:
    """The server started before the CLI's imports preloads the same modules as one the pool
    starts itself (`executors.local.worker_imports`): the batch task's module and the cleaning
    rules it imports when it runs."""
    from winnow_corpus.executors.local import worker_imports

    assert list(launch.WORKER_MODULES) == worker_imports(launch.TASK_MODULE)
    assert "cleaners.pipeline" in launch.WORKER_MODULES


def test_the_command_loads_no_cleaning_rule_until_it_cleans() -> None:
    """`winnow --help` (and a run's main process, whose workers clean) never imports the
    cleaning rules, whose patterns take a good part of the command's start: a fresh
    interpreter, since this test process has imported them."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from winnow_corpus.cli import main\n"
        "sys.argv = ['winnow', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "rules = ('cleaners.pipeline', 'cleaners.boilerplate')\n"
        "print(sorted(m for m in rules if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
