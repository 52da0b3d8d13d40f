"""Helpers for tests that run the CLI the way a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "raw" / "000_afa5ccce8ab925d8.txt"


def run_cli(
    *args: str, cwd: Path = REPO, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python cli.py ARGS` in a subprocess: the real entry point, exit code and all."""
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args],
        cwd=cwd,
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", "NO_COLOR": "1"},
    )
