"""The `winnow` command's entry (installed, and `python cli.py` in a checkout).

Before the CLI imports its packages, it starts the local workers' fork server when the
arguments say the command will clean on workers: the server imports the batch task's modules
(about half a second), and so do the CLI's own imports. One after the other, the two cost a
10 MB run on two cores about 0.45 s of its 5 s; started together, they overlap
(docs/performance.md). The guess errs only in cost: a server the run does not use exits with
the run, and a run whose server was not started here starts it as it always did.

This module imports only the standard library: the workers import the command's main module
again when they start, and that must stay cheap.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

# `winnow clean`'s options that take a value (tests/test_launch.py keeps this equal to the
# command's own options), so that what follows them is not taken for an input
VALUED_OPTIONS = frozenset(
    {
        "--address",
        "--compression",
        "--config",
        "--disable",
        "--engine",
        "--index",
        "--index-mode",
        "--jobs",
        "--max-article-bytes",
        "--near-threshold",
        "--out",
        "--output-format",
        "--schema",
        "--shard-size",
        "--split-on",
        "--story-threshold",
        "--temp-dir",
        "--text-field",
        "-j",
    }
)
DEFAULT_INPUT = "corpus/raw"
# Below this much input a run has fewer than two batches of articles and cleans them in its
# own process (`executors.local.LocalProcesses`): no worker starts.
MIN_INPUT_BYTES = 1 << 20
TASK_MODULE = "winnow_corpus.runner"  # the batch task's module, which the pool preloads
# what the fork server preloads: the task's module and what it names in WORKER_IMPORTS, named
# here so that the server starts before this process imports either (tests/test_launch.py)
WORKER_MODULES = (TASK_MODULE, "cleaners.pipeline")


def entry() -> NoReturn:
    # isort: off
    import winnow_corpus.interrupt  # first: a Ctrl-C from here on exits cleanly
    import winnow_corpus.dependencies  # noqa: F401  then: a missing package is named

    # isort: on

    if uses_workers(sys.argv[1:], os.cpu_count() or 1):
        start_fork_server()
    from winnow_corpus.cli import entry as run

    run()


def uses_workers(args: Sequence[str], cpus: int) -> bool:
    """Whether `winnow ARGS` will most likely clean on local worker processes: `clean`, more
    than one job (typed, or one per core), the local engine, no --help, no --config (whose
    jobs only the CLI reads), and at least `MIN_INPUT_BYTES` of input (stdin counts as
    enough)."""
    words = [arg for arg in args if arg != "--debug"]
    if not words or words[0] != "clean":
        return False
    options: dict[str, str] = {}
    inputs: list[str] = []
    rest = iter(words[1:])
    for word in rest:
        if word == "--":
            inputs.extend(rest)
            break
        name, has_value, value = word.partition("=")
        if name in VALUED_OPTIONS:
            options[name] = value if has_value else next(rest, "")
        elif word.startswith("-j") and len(word) > 2:
            options["-j"] = word[2:]
        elif word in ("-h", "--help"):
            return False
        elif not word.startswith("-") or word == "-":
            inputs.append(word)
    jobs_typed = options.get("--jobs", options.get("-j"))
    if "--config" in options and jobs_typed is None:
        return False
    try:
        jobs = int(jobs_typed) if jobs_typed is not None else 0
    except ValueError:
        return False  # the CLI says what is wrong with it
    if (jobs or cpus) < 2 or options.get("--engine", "local") != "local":
        return False
    return _input_bytes(inputs or [DEFAULT_INPUT]) >= MIN_INPUT_BYTES


def _input_bytes(inputs: Sequence[str]) -> int:
    """The bytes stored under `inputs`, counting up to MIN_INPUT_BYTES (stdin counts as
    that much)."""
    total = 0
    for given in inputs:
        if given == "-":
            return MIN_INPUT_BYTES
        path = Path(given)
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            try:
                total += file.stat().st_size if file.is_file() else 0
            except OSError:
                continue  # the CLI reports what it cannot read
            if total >= MIN_INPUT_BYTES:
                return total
    return total


def start_fork_server() -> None:
    """Start the fork server the local workers will fork from, with the task's modules
    preloaded (`executors.local`), where the platform has one."""
    import multiprocessing
    import multiprocessing.forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    # polars reads its thread count at import: one thread per worker (README, "Speed")
    os.environ.setdefault("POLARS_MAX_THREADS", "1")
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(WORKER_MODULES))
    multiprocessing.forkserver.ensure_running()
