"""Errors a person can act on: each message says what is wrong and what to try."""

from __future__ import annotations


class WinnowError(Exception):
    """Base of every error Winnow raises on purpose (the CLI prints it in one line, exit 2)."""

    exit_code = 2


class InputError(WinnowError):
    """An input path or file Winnow cannot read as text."""


class ConfigError(WinnowError):
    """An option or configuration value out of range."""


class OutputError(WinnowError):
    """The output directory cannot be written safely."""


class WorkerLost(WinnowError):
    """A worker process ended without answering: killed (most often by the kernel when memory
    runs out) or crashed. Without this a lost task would leave the run waiting for ever."""

    def __init__(self, exit_code: int | None) -> None:
        if exit_code is None:
            how = "no exit code known"
        elif exit_code == -9:
            how = "killed by signal 9, as the kernel kills when memory runs out"
        elif exit_code < 0:
            how = f"killed by signal {-exit_code}"
        else:
            how = f"exit code {exit_code}"
        super().__init__(
            f"a worker process ended without answering ({how}); the previous output is left "
            "as it was: try fewer --jobs, or free memory"
        )
