"""What a new user hit (issue "Papercuts and faults"): each case through the real entry point,
or, for CI, through the script itself."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.helpers import REPO, run_cli

CI_RUN = REPO / ".ci" / "run"
BROWSER_BLOCK = ("# --- browser ", "# --- end browser ---")


def _browser_block() -> str:
    text = CI_RUN.read_text(encoding="utf-8")
    start, end = text.index(BROWSER_BLOCK[0]), text.index(BROWSER_BLOCK[1])
    return text[start:end]


def _install_browser(tmp_path: Path, ci: str | None) -> tuple[str, list[str]]:
    """Run .ci/run's browser step with apt-get, sudo and id replaced by stubs that log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "calls.log"
    for name, answer in (("apt-get", ""), ("sudo", ""), ("id", "echo 0")):
        stub = bin_dir / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n{answer}\n', encoding="utf-8")
        stub.chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    if ci is not None:
        env["CI"] = ci
    script = _browser_block() + "\ninstall_browser\n"
    done = subprocess.run(
        ["/bin/bash", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return done.stdout, [c for c in calls if not c.startswith("id")]


def test_ci_run_installs_system_packages_only_on_ci(tmp_path: Path) -> None:
    said, calls = _install_browser(tmp_path / "user", ci=None)
    assert calls == []  # a contributor's machine is left alone
    assert "apt-get install -y chromium" in said and "will skip" in said
    said, calls = _install_browser(tmp_path / "ci", ci="true")
    assert any(c.startswith("apt-get install") and "chromium" in c for c in calls), calls


def test_ci_run_has_no_other_system_install() -> None:
    outside = CI_RUN.read_text(encoding="utf-8").replace(_browser_block(), "")
    assert "apt-get" not in outside and "sudo" not in outside
    assert os.access(CI_RUN, os.X_OK)


# --- winnow eval has something to run ---------------------------------------------------------


def test_eval_examples_run_and_score_every_task() -> None:
    done = run_cli("eval", "examples/eval", "--json")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["results"]
    assert sorted(r["task"] for r in results) == ["clean", "dedupe", "split"]
    for result in results:
        winnow, peers = result["rows"][0], result["rows"][1]
        assert winnow["system"] == "winnow"
        assert winnow["f1"] >= peers["f1"], result  # the example shows what Winnow adds
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "winnow eval examples/eval" in readme
    assert "winnow eval examples/eval" in run_cli("eval", "--help").stdout
