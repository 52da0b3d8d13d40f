"""The run's errors, and every error a run can raise on purpose, in one place.

`WinnowError` (and the cleaning code's `ConfigError` and `InputError`) come from
`cleaners.errors`, so that one base covers them all; dedupe has its own base (`DedupeError`,
which `WorkerLost` derives from). `ERRORS` is what the CLI catches to print one line.
"""

from __future__ import annotations

from cleaners.errors import ConfigError, InputError, WinnowError
from dedupe.errors import DedupeError, SpillError, WorkerLost


class OutputError(WinnowError):
    """The output directory cannot be written safely."""


class LockedError(OutputError):
    """Another run holds the output folder's (or the index's) lock: exit 2, never 3."""


# Every error Winnow raises on purpose: each prints as one line, exit code `exit_code`
ERRORS = (WinnowError, DedupeError)

__all__ = [
    "ERRORS",
    "ConfigError",
    "DedupeError",
    "InputError",
    "LockedError",
    "OutputError",
    "SpillError",
    "WinnowError",
    "WorkerLost",
]
