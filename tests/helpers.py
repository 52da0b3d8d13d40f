"""Helpers for tests that run the CLI the way a user does."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "raw" / "000_afa5ccce8ab925d8.txt"


def run_cli(
    *args: str,
    cwd: Path = REPO,
    stdin: bytes | BinaryIO | None = None,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run `python cli.py ARGS` in a subprocess: the real entry point, exit code and all.

    `stdin` is bytes to send, or an open file the run reads itself (an endless one too);
    `env` adds variables; `preexec_fn` runs in the child first (a memory limit, say)."""
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args],
        cwd=cwd,
        input=stdin.decode() if isinstance(stdin, bytes) else None,
        stdin=None if stdin is None or isinstance(stdin, bytes) else stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec_fn,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "COLUMNS": "200",
            "NO_COLOR": "1",
            **(env or {}),
        },
    )


def load_benchmark(name: str) -> ModuleType:
    """A script of benchmarks/ as a module (the folder is not a package)."""
    path = REPO / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"winnow_bench_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def start_cli(*args: str) -> subprocess.Popen[str]:
    """Start `python cli.py ARGS` without waiting: for tests that signal a run under way."""
    return subprocess.Popen(
        [sys.executable, str(REPO / "cli.py"), *args],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str], what: str, timeout: float = 120) -> str:
    """The stderr of `process` once it has ended; the test fails (and the process is killed)
    when it has not ended within `timeout` seconds."""
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"{what} did not finish")
    return str(stderr)


def jobs_asked(monkeypatch: pytest.MonkeyPatch, module: ModuleType, *names: str) -> list[int]:
    """Wrap `module`'s fork helpers `names` (`fork_map`, `fork_imap`, `fork_rows`: task, total,
    jobs, ...) so that each call still runs and the jobs it was asked for are recorded, in call
    order, in the list returned."""
    asked: list[int] = []
    for name in names:
        real = getattr(module, name)

        def recorded(
            task: object, total: int, jobs: int, *args: object, real: Any = real, **kwargs: object
        ) -> object:
            asked.append(jobs)
            return real(task, total, jobs, *args, **kwargs)

        monkeypatch.setattr(module, name, recorded)
    return asked
