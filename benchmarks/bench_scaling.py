"""How much faster `--jobs 2` is than `--jobs 1`, next to how much faster this machine lets it be.

Why: on a shared virtual machine two busy processes do not each get a whole core. Measured
here (`docs/performance.md`), a pure-Python loop took 2.6-3.5 s alone and 3.4-3.8 s of CPU
each when two copies ran at once, and how far below 2x two jobs can get moves from one minute
to the next. A speedup read alone mixes Winnow's serial work with the machine's mood. This
script measures both in the same rounds:

* `jobs 1` and `jobs 2`: `python cli.py clean DUMP --out TMP --quiet --no-txt --jobs N`;
* `pair`: two `--jobs 1` runs on the same dump at once, each writing its own output. They share
  nothing, so `2 x jobs-1 time / pair time` is the speedup the machine allows Winnow's own work
  (the ceiling); `jobs-1 / jobs-2 time` divided by it is the share of that ceiling `--jobs 2`
  reaches (efficiency);
* `spin pair`: the same for a pure-Python loop that touches no memory to speak of, which shows
  what the machine allows any CPU-bound program.

Each round runs these one after the other, in an order that rotates from round to round so that
drift in the machine's speed does not favour one of them; CPU seconds (user + system, the process
and its children) come from `os.wait4`. Steal time is read from `/proc/stat` where there is one:
the time the hypervisor gave this machine's CPUs to someone else.

Example::

    python benchmarks/bench_scaling.py benchmarks/data/corpus-10MB.txt --rounds 5 \
        --json benchmarks/results/scaling-10MB.json
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench_pipeline import write_json

ROOT = Path(__file__).resolve().parent.parent
SPIN = "s = 0\nfor i in range({n}):\n    s += i * i % 7\n"
KINDS = ("jobs 1", "jobs 2", "pair", "spin", "spin pair")


def steal_jiffies() -> int | None:
    """The machine's total steal time so far, in clock ticks (None where Linux does not say)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    return int(fields[8]) if fields[0] == "cpu" and len(fields) > 8 else None


def run_together(commands: Sequence[Sequence[str]], cwd: Path) -> dict[str, float]:
    """Start every command at once and wait for all: wall seconds and summed CPU seconds.

    Each command's stderr goes to a file (a pipe read only at the end would stall a command
    that writes much); if one fails, the others are stopped and its command and error shown.
    """
    steal_before = steal_jiffies()
    with tempfile.TemporaryDirectory(prefix="winnow-scaling-err-") as logs:
        errors = [Path(logs, f"{k}.err") for k in range(len(commands))]
        started = time.perf_counter()
        procs = []
        for cmd, error in zip(commands, errors, strict=True):
            with error.open("wb") as sink:
                procs.append(subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=sink))
        cpu = 0.0
        for k, proc in enumerate(procs):
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                for other in procs[k + 1 :]:
                    other.kill()
                    other.wait()
                message = errors[k].read_text(errors="replace")
                raise SystemExit(f"{' '.join(commands[k])} failed ({proc.returncode}):\n{message}")
            cpu += usage.ru_utime + usage.ru_stime
        wall = time.perf_counter() - started
    steal_after = steal_jiffies()
    result = {"wall": wall, "cpu": cpu}
    if steal_before is not None and steal_after is not None:
        result["steal"] = (steal_after - steal_before) / os.sysconf("SC_CLK_TCK")
    return result


def clean_command(dump: Path, out: Path, jobs: int) -> list[str]:
    return [
        sys.executable, "cli.py", "clean", str(dump), "--out", str(out),
        "--quiet", "--no-txt", "--jobs", str(jobs),
    ]  # fmt: skip


def plan(dump: Path, scratch: Path, spin: int) -> dict[str, Callable[[], dict[str, float]]]:
    spin_cmd = [sys.executable, "-c", SPIN.format(n=spin)]
    one, two = scratch / "a", scratch / "b"
    return {
        "jobs 1": lambda: run_together([clean_command(dump, one, 1)], ROOT),
        "jobs 2": lambda: run_together([clean_command(dump, one, 2)], ROOT),
        "pair": lambda: run_together(
            [clean_command(dump, one, 1), clean_command(dump, two, 1)], ROOT
        ),
        "spin": lambda: run_together([spin_cmd], ROOT),
        "spin pair": lambda: run_together([spin_cmd, spin_cmd], ROOT),
    }


def ratios(row: dict[str, dict[str, float]]) -> dict[str, float]:
    """A round's speedup of two jobs, the two ceilings, and the share of the ceiling reached."""
    speedup = row["jobs 1"]["wall"] / row["jobs 2"]["wall"]
    ceiling = 2 * row["jobs 1"]["wall"] / row["pair"]["wall"]
    return {
        "speedup": speedup,
        "ceiling": ceiling,
        "spin ceiling": 2 * row["spin"]["wall"] / row["spin pair"]["wall"],
        "efficiency": speedup / ceiling,
        "extra cpu": row["jobs 2"]["cpu"] / row["jobs 1"]["cpu"],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dump", type=Path, help="a dump (generate.py writes one)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--spin", type=int, default=20_000_000, help="loop steps of the spin")
    parser.add_argument("--json", type=Path, help="also write every round here")
    args = parser.parse_args(argv)
    dump = args.dump.resolve()
    if not dump.is_file():
        parser.error(f"{args.dump} is not a file")

    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="winnow-scaling-") as scratch:
        steps = plan(dump, Path(scratch), args.spin)
        for number in range(args.rounds):
            order = KINDS[number % len(KINDS) :] + KINDS[: number % len(KINDS)]
            row = {kind: steps[kind]() for kind in order}
            row["ratios"] = ratios(row)
            rounds.append(row)
            r = row["ratios"]
            print(
                f"round {number + 1}: jobs 1 {row['jobs 1']['wall']:.1f} s, "
                f"jobs 2 {row['jobs 2']['wall']:.1f} s, pair {row['pair']['wall']:.1f} s; "
                f"speedup {r['speedup']:.2f}x, ceiling {r['ceiling']:.2f}x "
                f"(spin {r['spin ceiling']:.2f}x), efficiency {r['efficiency']:.2f}, "
                f"CPU x{r['extra cpu']:.2f}",
                flush=True,
            )
    medians = {
        key: statistics.median(row["ratios"][key] for row in rounds) for key in rounds[0]["ratios"]
    }
    print("median: " + ", ".join(f"{key} {value:.2f}" for key, value in medians.items()))
    write_json(args.json, {"dump": dump.name, "rounds": rounds, "median": medians})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
