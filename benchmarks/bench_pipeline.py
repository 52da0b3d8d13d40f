"""Whole-pipeline throughput: `winnow clean` on generated dumps, in a fresh process per run.

Each run is `python cli.py clean DUMP --out TMP --quiet --jobs N` in its own subprocess, so
start-up, reading, splitting, cleaning, dedupe and writing are all counted, and peak memory is
that run's alone: `ru_maxrss` of the main process (from `os.wait4`) and, polled every 0.2 s with
psutil, the peak summed RSS of the process and its workers. Documents per second use the number
of articles the generator wrote. Recall is read from the output: a ground-truth pair is found
when both articles land in one cluster of `articles.jsonl`/`duplicates.jsonl`.

Example::

    python benchmarks/bench_pipeline.py benchmarks/data/corpus-10MB.txt \\
        benchmarks/data/corpus-100MB.txt --jobs 1 --jobs 2 --timeout 1800
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def peak_tree_rss(pid: int, stop: threading.Event, out: list[int]) -> None:
    """Poll the summed RSS and PSS of `pid` and its children until `stop` is set; the peaks go
    to `out[0]` (RSS) and `out[1]` (PSS, 0 where the system does not report it).

    Why both: a forked child's RSS counts every page it shares with its parent, so summed RSS
    counts the parent's memory once per child (`--jobs` forks the dedupe stage's loops). PSS
    splits each shared page among the processes sharing it: its sum is the memory in use.
    """
    try:
        import psutil
    except ImportError:
        return
    try:
        proc = psutil.Process(pid)
        while not stop.is_set():
            rss = pss = 0
            for p in [proc, *proc.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    full = p.memory_full_info()
                    rss += full.rss
                    pss += getattr(full, "pss", 0)
            out[0] = max(out[0], rss)
            out[1] = max(out[1], pss)
            stop.wait(0.2)
    except psutil.Error:
        return


def has_jobs_option() -> bool:
    help_text = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "clean", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout
    return "--jobs" in help_text


def line_spans(dump: Path) -> tuple[list[int], list[str], dict[str, int]]:
    """Start lines (sorted), ids, and each id's position, from the generator's index."""
    starts: list[int] = []
    ids: list[str] = []
    with dump.with_name(dump.name + ".index.jsonl").open(encoding="utf-8") as f:
        for raw in f:
            rec = json.loads(raw)
            starts.append(int(rec["line"]))
            ids.append(rec["id"])
    return starts, ids, {doc_id: i for i, doc_id in enumerate(ids)}


def article_at(starts: list[int], first: int, last: int) -> int:
    """The generated article (index into `starts`) that shares most lines with an output
    article's lines `first`-`last`; the earliest on a tie, -1 before the first.

    An output article that begins on the last line of the generated one before it (a split one
    line off) is still the next one's.

    >>> article_at([1, 10, 20], 9, 15), article_at([1, 10, 20], 2, 5), article_at([5], 1, 3)
    (1, 0, -1)
    """
    best, most = -1, 0
    k = max(bisect.bisect_right(starts, first) - 1, 0)
    while k < len(starts) and starts[k] <= last:
        end = starts[k + 1] - 1 if k + 1 < len(starts) else last
        shared = min(last, end) - max(first, starts[k]) + 1
        if shared > most:
            best, most = k, shared
        k += 1
    return best


def recall(dump: Path, out: Path) -> dict[str, Any]:
    """Ground-truth pairs whose two articles share an output cluster, per kind; and drop
    precision: the share of dropped articles whose keeper is one of their true copies
    (joined to it through the ground-truth pairs), so over-merging shows too. Each output
    article is the generated article it shares most lines with (`article_at`)."""
    starts, _ids, at = line_spans(dump)
    cluster: dict[int, str] = {}
    position: dict[str, int] = {}  # output id -> generated article
    drops: list[tuple[int, str]] = []  # (generated article, keeper's output id)
    for name in ("articles.jsonl", "duplicates.jsonl"):
        path = out / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as f:
            for raw in f:
                rec = json.loads(raw)
                if not rec.get("lines"):
                    continue
                pos = article_at(starts, int(rec["lines"][0]), int(rec["lines"][-1]))
                if pos < 0:
                    continue
                position[rec["id"]] = pos
                if rec.get("cluster"):
                    cluster[pos] = rec["cluster"]
                if name == "duplicates.jsonl":
                    drops.append((pos, rec["duplicate_of"]))
    truth: dict[str, list[bool]] = {"exact": [], "near": [], "story": []}
    parent = list(range(len(starts)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    copies = 0
    with dump.with_name(dump.name + ".pairs.jsonl").open(encoding="utf-8") as f:
        for raw in f:
            rec = json.loads(raw)
            a, b = at[rec["a"]], at[rec["b"]]
            hit = a in cluster and cluster.get(a) == cluster.get(b)
            truth[rec["kind"]].append(hit)
            parent[root(a)] = root(b)
            copies += 1
    result: dict[str, Any] = {
        f"recall_{k}": (sum(v) / len(v) if v else None) for k, v in truth.items()
    }
    right = sum(1 for pos, k in drops if k in position and root(pos) == root(position[k]))
    result["dropped"] = len(drops)
    result["drop_precision"] = right / len(drops) if drops else None
    result["true_copies"] = copies
    return result


def measure(cmd: Sequence[str], cwd: Path, timeout: float) -> dict[str, Any]:
    """Run `cmd` to its end (or kill it at `timeout`): exit code, wall and CPU time, memory.

    stderr goes to a file, so a chatty run never blocks on a full pipe.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        peak = [0, 0]
        stop = threading.Event()
        poller = threading.Thread(target=peak_tree_rss, args=(proc.pid, stop, peak), daemon=True)
        poller.start()
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        stop.set()
        poller.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return {
        "exit": proc.returncode,
        "seconds": seconds,
        # CPU time of the run and its reaped workers: on a shared machine wall time moves with
        # the other load, CPU time much less; MB per CPU second is "MB/s per core"
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "timed_out": proc.returncode < 0 or seconds >= timeout,
        "main_maxrss_mb": usage.ru_maxrss / 1024,  # Linux reports KiB
        "tree_peak_rss_mb": peak[0] / 1e6 if peak[0] else None,
        "tree_peak_pss_mb": peak[1] / 1e6 if peak[1] else None,
        "stderr": stderr,
    }


def run_once(dump: Path, jobs: int | None, timeout: float, extra: Sequence[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="winnow-bench-") as tmp:
        out = Path(tmp) / "out"
        cmd = [sys.executable, str(ROOT / "cli.py"), "clean", str(dump), "--out", str(out)]
        cmd += ["--quiet", *extra]
        if jobs is not None:
            cmd += ["--jobs", str(jobs)]
        measured = measure(cmd, ROOT, timeout)
        stderr = measured.pop("stderr")
        record: dict[str, Any] = {
            "dump": dump.name,
            "mb": dump.stat().st_size / 1e6,
            "jobs": jobs,
            "options": " ".join(extra),
            "seconds": measured["seconds"],
            "cpu_seconds": measured["cpu_seconds"],
            "exit": measured["exit"],
            "main_maxrss_mb": measured["main_maxrss_mb"],
            "tree_peak_rss_mb": measured["tree_peak_rss_mb"],
            "tree_peak_pss_mb": measured["tree_peak_pss_mb"],
        }
        if measured["timed_out"]:
            record["note"] = f"killed after {timeout:.0f} s timeout"
            return record
        if measured["exit"] not in (0, 1):
            record["note"] = "failed: " + (stderr.strip().splitlines() or ["?"])[-1]
            return record
        record.update(recall(dump, out))
        return record


def load_average() -> str:
    """The machine's 1/5/15-minute load average: the runs share the CPUs with other work."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def write_json(path: Path | None, data: Any) -> None:
    """`data` as indented JSON in `path` (its folder made first); nothing when `path` is None."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dumps", nargs="+", type=Path, help="dumps written by generate.py")
    parser.add_argument("--jobs", type=int, action="append", help="repeatable; default 1 and 2")
    parser.add_argument("--no-dedupe", action="store_true", help="also time cleaning alone")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    print(f"load average at start: {load_average()}", file=sys.stderr)
    jobs_list: list[int | None] = list(args.jobs or [1, 2])
    if not has_jobs_option():
        print("winnow clean has no --jobs option yet: one run per dump", file=sys.stderr)
        jobs_list = [None]
    variants: list[list[str]] = [[]] + ([["--no-dedupe"]] if args.no_dedupe else [])
    results: list[dict[str, Any]] = []
    print(
        "| dump | options | jobs | seconds | MB/s | docs/s | CPU s | MB per CPU s "
        "| peak RSS main / summed / PSS all (MB) | recall exact / near / story "
        "| dropped (true copies) | drop precision |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for dump in args.dumps:
        n_docs = sum(1 for _ in dump.with_name(dump.name + ".index.jsonl").open())
        for extra in variants:
            for jobs in jobs_list:
                print(f"running {dump.name} {' '.join(extra)} jobs={jobs} ...", file=sys.stderr)
                r = run_once(dump, jobs, args.timeout, extra)
                r["docs"] = n_docs
                ok = "note" not in r
                r["mb_per_s"] = r["mb"] / r["seconds"] if ok else None
                r["docs_per_s"] = n_docs / r["seconds"] if ok else None
                results.append(r)

                def f(x: Any, p: str = "{:.3f}") -> str:
                    return "-" if x is None else p.format(x)

                rec = " / ".join(
                    f(r.get(f"recall_{k}"), "{:.2f}") for k in ("exact", "near", "story")
                )
                tree = f(r["tree_peak_rss_mb"], "{:.0f}")
                pss = f(r["tree_peak_pss_mb"], "{:.0f}")
                print(
                    f"| {dump.name} | {r['options'] or 'default'} | {jobs or '-'} "
                    f"| {r['seconds']:.1f} | {f(r['mb_per_s'], '{:.2f}')} "
                    f"| {f(r['docs_per_s'], '{:.0f}')} | {r['cpu_seconds']:.1f} "
                    f"| {r['mb'] / r['cpu_seconds']:.2f} "
                    f"| {r['main_maxrss_mb']:.0f} / {tree} / {pss} "
                    f"| {rec if ok else r['note']} | {r.get('dropped', '-')} "
                    f"({r.get('true_copies', '-')}) | {f(r.get('drop_precision'), '{:.3f}')} |",
                    flush=True,
                )
    print(f"load average at end: {load_average()}", file=sys.stderr)
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
