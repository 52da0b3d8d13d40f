"""The Ray engine against the local engine on one corpus, side by side in each round.

Issue 18's target: on a local Ray with the machine's CPUs, the Ray engine's wall time within
1.5x of the local engine's, Ray's start-up excluded. Start-up is what happens before the run
can begin: importing Ray, `ray.init` and one trivial task (the workers' first start). The
local run is timed as a whole process (`winnow clean`, imports included, about half a second);
the Ray run in a child process that starts Ray, runs one task, then times `winnow clean
--engine ray` in that process (the engine reuses the running Ray). Both write `--no-txt`
output, and the round checks that their articles and duplicates files are byte-identical.

    python benchmarks/bench_ray.py lined-100MB.jsonl --rounds 2
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPARED = ("articles.jsonl", "duplicates.jsonl")


def _clean_args(corpus: Path, out: Path) -> list[str]:
    return ["clean", str(corpus), "--out", str(out), "--no-txt", "-q"]


def _local(corpus: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "cli.py"), *_clean_args(corpus, out)], check=True)
    return time.perf_counter() - started


def _ray(corpus: Path, out: Path) -> tuple[float, float]:
    """(start-up seconds, run seconds) of the Ray engine, from a child process."""
    answer = subprocess.run(
        [sys.executable, __file__, "--ray-child", str(corpus), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    startup, run = json.loads(answer.stdout.strip().splitlines()[-1])
    return float(startup), float(run)


def _ray_child(corpus: Path, out: Path) -> None:
    started = time.perf_counter()
    import ray

    sys.path.insert(0, str(ROOT))
    from winnow_corpus.cli import cli_main

    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
    ray.get(ray.remote(lambda: None).remote())
    ready = time.perf_counter()
    code = cli_main([*_clean_args(corpus, out), "--engine", "ray"])
    done = time.perf_counter()
    ray.shutdown()
    if code != 0:
        raise SystemExit(f"winnow clean --engine ray exited {code}")
    print(json.dumps([ready - started, done - ready]))


def main() -> None:
    if sys.argv[1:2] == ["--ray-child"]:
        _ray_child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    rounds = []
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as scratch:
        local_out, ray_out = Path(scratch, "local"), Path(scratch, "ray")
        for number in range(args.rounds):
            order = ["local", "ray"] if number % 2 == 0 else ["ray", "local"]
            found: dict[str, float] = {}
            for engine in order:
                if engine == "local":
                    found["local_s"] = _local(args.corpus, local_out)
                else:
                    found["ray_startup_s"], found["ray_s"] = _ray(args.corpus, ray_out)
            same = all(filecmp.cmp(local_out / n, ray_out / n, shallow=False) for n in COMPARED)
            found["ratio"] = found["ray_s"] / found["local_s"]
            rounds.append({**found, "same_output": same, "load": os.getloadavg()[0]})
            print(
                f"round {number + 1}: local {found['local_s']:.1f} s, Ray {found['ray_s']:.1f} s "
                f"(+{found['ray_startup_s']:.1f} s start-up), Ray / local {found['ratio']:.2f}x, "
                f"same output: {same}, load {rounds[-1]['load']:.1f}"
            )
    median = statistics.median(r["ratio"] for r in rounds)
    size = args.corpus.stat().st_size / 1e6
    print(
        f"{args.corpus.name} ({size:.0f} MB): Ray / local, median of {len(rounds)}: "
        f"{median:.2f}x (target at most 1.5x)"
    )
    if args.json:
        args.json.write_text(json.dumps({"corpus_mb": size, "rounds": rounds}, indent=2) + "\n")


if __name__ == "__main__":
    main()
