"""Errors dedupe raises on purpose, each message saying what is wrong and what to try.

Dedupe imports nothing of the packages that use it, so it has its own base class; the CLI maps
`DedupeError` as it maps `WinnowError`: one line on stderr, exit code `exit_code`.
"""

from __future__ import annotations


class DedupeError(Exception):
    """Base of every error dedupe raises on purpose (the CLI prints it in one line, exit 2)."""

    exit_code = 2


class SpillError(DedupeError):
    """A temporary file for dedupe's hashes cannot be written or read back (`dedupe.spill`)."""


class WorkerLost(DedupeError):
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


__all__ = ["DedupeError", "SpillError", "WorkerLost"]
