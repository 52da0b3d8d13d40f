"""A run killed mid-way leaves the previous output folder exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.helpers import REPO, finished, start_cli

PARAGRAPH = (
    "The regional water board said on {day} that reservoir levels in district {n} had fallen to "
    "{pct} percent of capacity, the lowest reading for the month since records began in {year}."
)


def write_big_dump(path: Path, articles: int) -> None:
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(articles):
            handle.write(f"Water board report number {n} for district {n * 7 % 1000}\n\n")
            for k in range(6):
                handle.write(
                    PARAGRAPH.format(
                        day=days[(n + k) % 5],
                        n=n * 13 + k,
                        pct=(n * 7 + k) % 100,
                        year=1900 + n % 120,
                    )
                    + f" Note {n}-{k}.\n\n"
                )


def test_killed_run_leaves_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    out.mkdir()
    (out / "articles.jsonl").write_text('{"previous": true}\n')
    dump = tmp_path / "big.txt"
    write_big_dump(dump, 6000)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "cli.py"),
            "clean",
            str(dump),
            "--out",
            str(out),
            "--quiet",
            "--jobs",
            "1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    # Kill while the new output is being written if we can catch it, else after a short while.
    while time.monotonic() < deadline and process.poll() is None:
        if any(p.name.startswith(".clean.tmp-") for p in tmp_path.iterdir()):
            break
        if time.monotonic() > deadline - 58:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert (out / "articles.jsonl").read_text() == '{"previous": true}\n'
    assert sorted(p.name for p in out.iterdir()) == ["articles.jsonl"]


def test_ctrl_c_stops_with_one_line(tmp_path: Path) -> None:
    dump = tmp_path / "big.txt"
    write_big_dump(dump, 6000)
    out = tmp_path / "clean"
    process = start_cli("clean", str(dump), "--out", str(out), "--quiet", "--jobs", "1")
    time.sleep(2.0)
    process.send_signal(signal.SIGINT)
    stderr = finished(process, "winnow clean after Ctrl-C", timeout=60)
    if process.returncode == 0:  # finished before the signal arrived: nothing to check
        return
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert "Interrupted" in stderr
    assert not out.exists()


def test_ctrl_c_while_starting_is_one_line_and_130() -> None:
    """A Ctrl-C that lands in the CLI's imports (before its own handler runs)."""
    code = "import winnow_corpus.interrupt\nimport json\nraise KeyboardInterrupt"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 130
    assert done.stderr == "Interrupted while starting; nothing was read or written.\n"


def test_a_sigterm_held_across_a_fork_ends_the_run_once_the_hook_returns() -> None:
    """SIGTERM is blocked across each fork and delivered as the parent's at-fork hook unblocks
    it; Python ignores what an at-fork hook raises, so the handler must not raise there (the
    run went on and exited 0 with a traceback), yet the run must still end."""
    import pytest

    from winnow_corpus import cli

    before = signal.signal(signal.SIGTERM, cli._on_sigterm)
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        cli._forking.blocked = False  # as `_block_sigterm` leaves it when it did the blocking
        # to this thread, where it waits while blocked, as during a fork (sent to the process,
        # another thread that does not block it could take it at once)
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
        with pytest.raises(cli.Terminated) as raised:
            cli._unblock_sigterm()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                time.sleep(0.01)
        assert all(entry.name != "_unblock_sigterm" for entry in raised.traceback)
    finally:
        signal.signal(signal.SIGTERM, before)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
