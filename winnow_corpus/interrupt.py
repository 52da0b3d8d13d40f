"""Ctrl-C while the CLI is still starting: one line and exit code 130, never a traceback.

`cli.py` imports this first. Until its own handler is running (`cli.cli_main` catches
`KeyboardInterrupt` around the whole command), a Ctrl-C lands in the imports of click, rich,
numpy and the rest; Python would print a traceback there. Nothing has been read or written yet.
"""

from __future__ import annotations

import os
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
