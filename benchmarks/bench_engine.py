"""Issue 18's three speed targets on lined news, side by side in one run; optionally by stage.

Each round runs, in an order that rotates from round to round, each as a whole process:

* winnow     `python cli.py clean CORPUS --no-txt --quiet --out TMP` (default jobs: every
             core; every rule, exact + near + story dedupe, every output file but the .txt
             ones), with the `--env KEY=VALUE` pairs added to its environment, so the same
             bench compares engines chosen by an environment variable;
* datatrove  (with `--dt-python PY`) datatrove's reader -> FTFYFormatter -> C4QualityFilter ->
             writer, its four MinHash stages and a writer (`_datatrove_run.py --pipeline`, one
             worker, in its own interpreter);
* floor      `text.lower().split()` over every record's text, JSON decoding included (the
             pure-Python floor of any word pipeline).

CPU seconds are those of the whole process tree (user + system, from `getrusage(RUSAGE_CHILDREN)`
before and after: every worker a run forks and reaps is counted); MB is the corpus file's size
in 10^6 bytes, the same for all three. It prints MB/s wall and MB per CPU-second per run, the
medians, and the targets: Winnow's MB per CPU-second against 10, against 15x datatrove's, and
as a share of the floor's (at least 0.2). The machine is shared: compare within one run.

`--stages` then profiles today's local engine in this process, with one job, stage by stage as
`winnow_corpus.runner` runs them: read+split, each cleaning stage (`cleaners.pipeline`), the
recurring-line keys and their learning, the store, dedupe's per-document features, the rest of
dedupe, and writing. Each stage is given as MB (of the whole corpus) per CPU-second of that
stage, so the slowest stage is the lowest number; the rates add as 1 / total = sum 1 / stage.

Example::

    python benchmarks/make_lined_news.py benchmarks/data/lined-20MB.jsonl 20 --seed 1
    python benchmarks/bench_engine.py benchmarks/data/lined-20MB.jsonl --rounds 2 \\
        --dt-python .venv-datatrove/bin/python --stages --json benchmarks/results/engine.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_pipeline import load_average, write_json

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
SYSTEMS = ("winnow", "datatrove", "floor")
TARGET_MB_PER_CPU_S = 10.0
TARGET_X_DATATROVE = 15.0
TARGET_SHARE_OF_FLOOR = 0.2
FLOOR = "import json, sys\nfor line in open(sys.argv[1], encoding='utf-8'):\n    json.loads(line)['text'].lower().split()\n"  # noqa: E501


@dataclass(slots=True)
class Run:
    system: str
    round: int
    wall: float
    cpu: float
    exit: int
    mb: float
    # what the run said of itself: winnow's timings.json and counts, datatrove's stage times
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def mb_s(self) -> float:
        return self.mb / self.wall

    @property
    def mb_cpu_s(self) -> float:
        return self.mb / self.cpu


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    cmd: Sequence[str], env: Mapping[str, str] | None, ok: Sequence[int]
) -> tuple[float, float, int, str]:
    """Run `cmd` to its end: (wall seconds, CPU seconds of its whole reaped tree, exit code,
    stdout). Output goes to temporary files (a chatty run never blocks); a failing run stops
    the bench with the end of its stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        cpu = children_cpu()
        started = time.perf_counter()
        code = subprocess.call(cmd, stdout=out, stderr=err, env=env, cwd=ROOT)
        wall = time.perf_counter() - started
        cpu = children_cpu() - cpu
        if code not in ok:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-1500:]
            sys.exit(f"failed (exit {code}): {' '.join(cmd)}\n{tail}")
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    return wall, cpu, code, stdout


def dedupe_scores(pairs_file: Path, duplicates_file: Path) -> dict[str, float]:
    """Precision and recall of Winnow's duplicates against the generator's pairs
    (`make_lined_news.py`'s `.pairs.jsonl`): a reported duplicate is right when it and its
    keeper are copies of one original; a true pair is found when both are in one cluster."""
    original: dict[str, str] = {}
    with pairs_file.open(encoding="utf-8") as f:
        for line in f:
            pair = json.loads(line)
            original[pair["b"]] = pair["a"]
    cluster: dict[str, str] = {}
    right = reported = 0
    with duplicates_file.open(encoding="utf-8") as f:
        for line in f:
            dup = json.loads(line)
            reported += 1
            right += original.get(dup["id"], dup["id"]) == original.get(
                dup["duplicate_of"], dup["duplicate_of"]
            )
            cluster[dup["id"]] = cluster[dup["duplicate_of"]] = dup["cluster"]
    found = sum(1 for b, a in original.items() if b in cluster and cluster.get(a) == cluster[b])
    return {
        "dedupe_precision": right / reported if reported else 1.0,
        "dedupe_recall": found / len(original) if original else 1.0,
    }


def details(system: str, scratch: Path, stdout: str, corpus: Path) -> dict[str, Any]:
    """What a run reports of itself (not timed by the bench): winnow's `timings.json` (wall
    seconds of its stages), articles kept and, where the corpus has the generator's pairs
    beside it, dedupe's precision and recall; datatrove's stage seconds and documents kept."""
    if system == "winnow" and (scratch / "out" / "timings.json").is_file():
        out = scratch / "out"
        with (out / "articles.jsonl").open("rb") as f:
            kept = sum(1 for _ in f)
        said = {"timings": json.loads((out / "timings.json").read_text()), "kept": kept}
        pairs = corpus.with_name(corpus.name + ".pairs.jsonl")
        if pairs.is_file() and (out / "duplicates.jsonl").is_file():
            said.update(dedupe_scores(pairs, out / "duplicates.jsonl"))
        return said
    if system == "datatrove" and stdout.strip():
        reported: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
        return {"timings": reported["stages"], "kept": reported["kept"]}
    return {}


def commands(
    corpus: Path, scratch: Path, dt_python: str | None, winnow_args: Sequence[str]
) -> dict[str, list[str]]:
    cli = [sys.executable, str(ROOT / "cli.py"), "clean", str(corpus), "--no-txt", "--quiet"]
    found = {
        "winnow": [*cli, "--out", str(scratch / "out"), *winnow_args],
        "floor": [sys.executable, "-c", FLOOR, str(corpus)],
    }
    if dt_python:
        helper = str(BENCH / "_datatrove_run.py")
        found["datatrove"] = [dt_python, helper, "--pipeline", str(corpus), str(scratch)]
    return found


def side_by_side(
    corpus: Path,
    rounds: int,
    dt_python: str | None,
    env: Mapping[str, str],
    winnow_args: Sequence[str],
) -> list[Run]:
    mb = corpus.stat().st_size / 1e6
    systems = [s for s in SYSTEMS if dt_python or s != "datatrove"]
    winnow_env = {**os.environ, **env}
    runs: list[Run] = []
    for number in range(1, rounds + 1):
        shift = (number - 1) % len(systems)
        for system in systems[shift:] + systems[:shift]:
            with tempfile.TemporaryDirectory(prefix="winnow-engine-") as tmp:
                cmd = commands(corpus, Path(tmp), dt_python, winnow_args)[system]
                # exit 1 from winnow: bad records were skipped (reported), the run is whole
                wall, cpu, code, stdout = timed(
                    cmd,
                    winnow_env if system == "winnow" else None,
                    (0, 1) if system == "winnow" else (0,),
                )
                detail = details(system, Path(tmp), stdout, corpus)
            run = Run(system, number, wall, cpu, code, mb, detail)
            runs.append(run)
            said = ""
            if detail:
                stages = ", ".join(f"{k} {v:.1f}" for k, v in detail["timings"].items())
                said = f"; kept {detail['kept']}; own wall s: {stages}"
                if "dedupe_recall" in detail:
                    said += (
                        f"; dedupe precision {detail['dedupe_precision']:.3f}, "
                        f"recall {detail['dedupe_recall']:.3f}"
                    )
            print(
                f"round {number} {system:9s} {run.mb_s:7.2f} MB/s wall ({wall:6.1f} s), "
                f"{run.mb_cpu_s:7.2f} MB per CPU-s ({cpu:6.1f} CPU-s){said}",
                flush=True,
            )
    return runs


def summary(runs: Sequence[Run]) -> dict[str, Any]:
    """Medians per system and the three ratios against their targets."""
    medians: dict[str, dict[str, float]] = {}
    for system in SYSTEMS:
        mine = [r for r in runs if r.system == system]
        if mine:
            medians[system] = {
                "mb_s_wall": statistics.median(r.mb_s for r in mine),
                "mb_per_cpu_s": statistics.median(r.mb_cpu_s for r in mine),
            }
    winnow = medians["winnow"]["mb_per_cpu_s"]
    targets: dict[str, dict[str, float | bool | None]] = {
        "mb_per_cpu_s": {"value": winnow, "target": TARGET_MB_PER_CPU_S},
        "x_datatrove": {"value": None, "target": TARGET_X_DATATROVE},
        "share_of_floor": {
            "value": winnow / medians["floor"]["mb_per_cpu_s"],
            "target": TARGET_SHARE_OF_FLOOR,
        },
    }
    if "datatrove" in medians:
        targets["x_datatrove"]["value"] = winnow / medians["datatrove"]["mb_per_cpu_s"]
    for row in targets.values():
        value, target = row["value"], row["target"]
        row["met"] = None if value is None else bool(value >= target)  # type: ignore[operator]
    return {"medians": medians, "targets": targets}


def print_summary(result: dict[str, Any]) -> None:
    print("\nmedians:")
    for system, row in result["medians"].items():
        print(
            f"  {system:9s} {row['mb_s_wall']:7.2f} MB/s wall, "
            f"{row['mb_per_cpu_s']:7.2f} MB per CPU-s"
        )
    t = result["targets"]

    def line(name: str, value: float | None, target: float, unit: str) -> str:
        if value is None:
            return f"  {name}: not measured (give --dt-python)"
        mark = "met" if value >= target else "NOT met"
        return f"  {name}: {value:.3f}{unit} (target >= {target:g}{unit}): {mark}"

    print("targets (issue 18):")
    print(line("Winnow MB per CPU-s", t["mb_per_cpu_s"]["value"], TARGET_MB_PER_CPU_S, ""))
    print(line("Winnow / datatrove per CPU-s", t["x_datatrove"]["value"], TARGET_X_DATATROVE, "x"))
    print(
        line(
            "Winnow / lower().split() per CPU-s",
            t["share_of_floor"]["value"],
            TARGET_SHARE_OF_FLOOR,
            "",
        )
    )


# --- the per-stage profile -----------------------------------------------------------------------


@dataclass(slots=True)
class Stages:
    """CPU and wall seconds per stage, in the order first timed."""

    cpu: dict[str, float] = field(default_factory=dict)
    wall: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def time(self, name: str) -> Iterator[None]:
        cpu = time.process_time() + children_cpu()
        wall = time.perf_counter()
        try:
            yield
        finally:
            took = time.process_time() + children_cpu() - cpu
            self.cpu[name] = self.cpu.get(name, 0.0) + took
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall


def profile_stages(corpus: Path, scratch: Path) -> tuple[Stages, dict[str, int]]:
    """Today's local engine, one job, one stage at a time over the whole corpus (the runner
    interleaves them per chunk; the work is the same). Returns the stage times and the counts
    of the result, to check against a whole run."""
    sys.path.insert(0, str(ROOT))
    from cleaners import footers
    from cleaners.batch import Batch
    from cleaners.pipeline import batch_stages, recurring_changes
    from dedupe import find_duplicates
    from dedupe.core import features_of
    from winnow_corpus.io import resolve_inputs
    from winnow_corpus.runner import (
        CHUNK,
        InputReport,
        RunConfig,
        RunResult,
        is_emptied,
        read_documents,
        write_run,
    )
    from winnow_corpus.store import DocumentStore, DocumentView
    from winnow_corpus.writers import OutputOptions

    config = RunConfig(jobs=1, output=OutputOptions(txt_files=False), temp_dir=scratch)
    stages = Stages()
    (source,) = resolve_inputs([str(corpus)])
    report = InputReport(source.display, source.kind)
    bad: list[Any] = []
    with stages.time("read+split"):
        docs = list(read_documents(source, config, report, bad))
        report.articles = len(docs)
    # the batches the runner cleans, each stage timed apart
    batches = [Batch.of(docs[i : i + CHUNK]) for i in range(0, len(docs), CHUNK)]
    for name, stage in batch_stages(config.clean):
        with stages.time(f"clean: {name}"):
            batches = [stage(batch) for batch in batches]
    with stages.time("clean: table -> articles"):
        docs = [doc for batch in batches for doc in batch.documents()]
    with stages.time("recurring: line keys"):
        keys = footers.line_keys_of(docs)
    with stages.time("recurring: learn + drop"):
        for position, changed in recurring_changes(docs, config.clean, keys):
            docs[position] = changed
    del keys
    with stages.time("store (pack to disk)"):
        store = DocumentStore(scratch)
        store.extend(docs)
        empty = [is_emptied(doc) for doc in docs]
        substantive = [i for i, gone in enumerate(empty) if not gone]
    with stages.time("dedupe: per-document features"):
        # as the runner's batch task computes them: each batch's articles at once
        features = []
        for lo in range(0, len(docs), CHUNK):
            part = zip(docs[lo : lo + CHUNK], empty[lo : lo + CHUNK], strict=True)
            features += features_of([doc for doc, gone in part if not gone], config.dedupe.seed)
    del docs
    with stages.time("dedupe: collection (candidates, verify, cluster)"):
        view = DocumentView(store, substantive)
        result = find_duplicates(view, config.dedupe, features, 1, scratch)
    with stages.time("write (--no-txt)"):
        run = RunResult([report], store, result, bad, {}, config)
        written = write_run(run, scratch / "out")
    store.close()
    counts = {
        "documents": len(store),
        "kept": len(result.kept),
        "duplicates": len(result.duplicates),
    }
    counts.update({f"written {k}": v for k, v in written.items()})
    return stages, counts


def print_stages(stages: Stages, mb: float) -> list[dict[str, Any]]:
    total = sum(stages.cpu.values())
    slowest = min(stages.cpu, key=lambda name: mb / max(stages.cpu[name], 1e-9))
    rows: list[dict[str, Any]] = []
    print(f"\nstages (one process, one job; {mb:.1f} MB):")
    print(f"  {'stage':52s} {'CPU-s':>7s} {'share':>6s} {'MB per CPU-s':>13s}")
    for name, cpu in stages.cpu.items():
        rate = mb / cpu if cpu > 0 else float("inf")
        mark = "  <- slowest" if name == slowest else ""
        print(f"  {name:52s} {cpu:7.2f} {cpu / total:6.1%} {rate:13.1f}{mark}")
        rows.append(
            {"stage": name, "cpu_s": cpu, "wall_s": stages.wall[name], "mb_per_cpu_s": rate}
        )
    print(f"  {'total':52s} {total:7.2f} {1:6.0%} {mb / total:13.2f}")
    return rows


# --- the command ---------------------------------------------------------------------------------


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def env_pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"KEY=VALUE expected, got {text!r}")
    return key, value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a JSONL corpus (make_lined_news.py)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dt-python", help="an interpreter with datatrove installed")
    parser.add_argument(
        "--env",
        type=env_pair,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set in the winnow process's environment (repeatable), e.g. POLARS_MAX_THREADS=1",
    )
    parser.add_argument(
        "--winnow-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="one more argument for `winnow clean` (repeatable), e.g. --winnow-arg=--jobs=1",
    )
    parser.add_argument("--stages", action="store_true", help="also profile stage by stage")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_file():
        parser.error(f"{args.corpus}: no such file")
    env = dict(args.env)
    mb = corpus.stat().st_size / 1e6
    commit = git_commit()
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    print(
        f"{corpus.name}: {mb:.1f} MB; commit {commit}; {machine}; load {load_average()}"
        + (f"; winnow env {' '.join(f'{k}={v}' for k, v in env.items())}" if env else ""),
        flush=True,
    )
    data: dict[str, Any] = {
        "corpus": corpus.name,
        "mb": mb,
        "commit": commit,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "env": env,
        "winnow_args": args.winnow_arg,
        "load_start": load_average(),
    }
    runs: list[Run] = []
    if args.rounds > 0:
        runs = side_by_side(corpus, args.rounds, args.dt_python, env, args.winnow_arg)
        result = summary(runs)
        print_summary(result)
        data.update(result)
        data["runs"] = [
            {"system": r.system, "round": r.round, "wall_s": r.wall, "cpu_s": r.cpu,
             "exit": r.exit, "mb_s_wall": r.mb_s, "mb_per_cpu_s": r.mb_cpu_s, **r.detail}
            for r in runs
        ]  # fmt: skip
    if args.stages:
        os.environ.update(env)
        with tempfile.TemporaryDirectory(prefix="winnow-stages-") as tmp:
            stages, counts = profile_stages(corpus, Path(tmp))
        data["stages"] = print_stages(stages, mb)
        data["stage_counts"] = counts
        print("  result: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    data["load_end"] = load_average()
    print(f"load at the end: {data['load_end']}")
    write_json(args.json, data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
