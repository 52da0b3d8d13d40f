"""Ctrl-C while the CLI is still starting: one line and exit code 130, never a traceback.

`cli.py` imports this first. Until its own handler is running (`cli.cli_main` catches
`KeyboardInterrupt` around the whole command), a Ctrl-C lands in the imports of click, rich,
numpy and the rest; Python would print a traceback there. Nothing has been read or written yet.
"""

from __future__ import annotations

import os
import signal
import sys
from types import TracebackType

MESSAGE = "Interrupted while starting; nothing was read or written.\n"
EXIT_INTERRUPTED = 130


def _on_uncaught(
    kind: type[BaseException], value: BaseException, traceback: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.stderr.write(MESSAGE)
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)  # no teardown: imports may be half done
    sys.__excepthook__(kind, value, traceback)


sys.excepthook = _on_uncaught

TERMINATED = "Terminated (SIGTERM); previous output left as it was.\n"
EXIT_TERMINATED = 143  # 128 + SIGTERM


def _on_early_sigterm(signum: int, frame: object) -> None:
    """SIGTERM before `cli.cli_main` installs its own handler: the same line and exit code the
    running command gives (without this, a SIGTERM during the imports killed the process by the
    default action, which a test saw under load)."""
    sys.stderr.write(TERMINATED)
    sys.stderr.flush()
    os._exit(EXIT_TERMINATED)  # no teardown: imports may be half done


signal.signal(signal.SIGTERM, _on_early_sigterm)
