"""Soak run: a generated corpus with injected bad records and bad files through the real CLI.

Run: python benchmarks/soak.py --size 20MB [--keep DIR] [--jobs N] [--timeout S] [--json FILE]

Builds a folder of JSONL shards from `generate.py`'s articles, injects malformed JSON lines,
null / missing / non-string text fields, an empty file and a binary file, runs `winnow clean`
(`python cli.py clean`, in a fresh process) on it, and checks, record by record:

* every good record id comes out exactly once: in `articles.jsonl` (kept), in
  `duplicates.jsonl` (a reported duplicate), or emptied by cleaning with its removals listed in
  `removed.jsonl`; no id comes out that was not put in;
* every injected bad record is reported with its file and line, and nothing else is;
* both bad files are reported as skipped, by name; the exit code is 1; no traceback.

Exit 0 only when all of that holds. It also prints the time and peak memory of the CLI run
(`ru_maxrss` of the CLI process and, polled every 0.2 s with psutil, the summed RSS of the process
and its workers) and how many articles were dropped as duplicates against how many copies the
generator injected. The build folder is a temporary one, deleted at the end unless `--keep`.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import measure
from generate import generate, parse_size

REPO = Path(__file__).resolve().parents[1]
RATES = {"exact": 0.03, "near": 0.05, "story": 0.04}  # as generate.py's defaults
BAD_LINES = [
    "{not json",
    json.dumps({"id": "bad-null", "text": None}),
    json.dumps({"id": "bad-missing"}),
    json.dumps({"id": "bad-number", "text": 42}),
    json.dumps(["not", "an", "object"]),
]
BAD_FILES = ("zz-empty.jsonl", "zz-binary.jsonl")


class Built:
    def __init__(self) -> None:
        self.good: set[str] = set()
        self.bad: set[tuple[str, int]] = set()  # (shard file name, 1-based line)
        self.copies: dict[str, int] = {"exact": 0, "near": 0, "story": 0}
        self.raw_bytes = 0


def build(folder: Path, size: int, seed: int, shard: int) -> Built:
    """Write JSONL shards with injected bad lines; return what was put in."""
    dump = folder / "source" / "dump.txt"
    generate(dump, size, seed, RATES)
    lines = dump.read_text(encoding="utf-8").split("\n")
    raw = folder / "raw"
    raw.mkdir()
    rng = random.Random(seed)
    built = Built()
    shards: list[list[str]] = []
    with open(dump.with_name(dump.name + ".index.jsonl"), encoding="utf-8") as index:
        for number, entry in enumerate(map(json.loads, index)):
            if number % shard == 0:
                shards.append([])
            body = "\n".join(lines[entry["line"] - 1 : entry["end"]])
            shards[-1].append(json.dumps({"id": entry["id"], "text": body, "kind": entry["kind"]}))
            if entry["id"] in built.good:
                raise SystemExit(f"generator wrote id {entry['id']} twice")
            built.good.add(entry["id"])
            if entry["kind"] in built.copies:
                built.copies[entry["kind"]] += 1
            if rng.random() < 0.01:
                shards[-1].append(rng.choice(BAD_LINES))
                built.bad.add((f"part-{len(shards) - 1:05d}.jsonl", len(shards[-1])))
    del lines
    for number, records in enumerate(shards):
        path = raw / f"part-{number:05d}.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(records) + "\n")
        built.raw_bytes += path.stat().st_size
    (raw / BAD_FILES[0]).write_text("")
    (raw / BAD_FILES[1]).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 100)
    return built


def run_cli(folder: Path, jobs: int | None, timeout: float) -> dict[str, Any]:
    """`python cli.py clean RAW --out CLEAN --quiet` in a fresh process: exit, time, memory."""
    cmd = [sys.executable, str(REPO / "cli.py"), "clean", str(folder / "raw")]
    cmd += ["--out", str(folder / "clean"), "--quiet"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    return measure(cmd, REPO, timeout)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def check(
    folder: Path, built: Built, run: dict[str, Any]
) -> tuple[dict[str, bool], dict[str, Any]]:
    """Compare what came out with what was put in, record by record."""
    out = folder / "clean"
    checks: dict[str, bool] = {
        "exit code 1 (finished, some inputs skipped)": run["exit"] == 1,
        "no traceback": "Traceback" not in run["stderr"],
    }
    if not (out / "report.json").exists():
        checks["report.json written"] = False
        return checks, {}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    counts = report["counts"]
    kept = [r["id"] for r in read_jsonl(out / "articles.jsonl")]
    dups = [r["id"] for r in read_jsonl(out / "duplicates.jsonl")]
    removed_ids = {r["id"] for r in read_jsonl(out / "removed.jsonl")}
    seen = set(kept) | set(dups)
    emptied = removed_ids - seen
    every = set(kept) | set(dups) | emptied
    good = len(built.good)
    checks.update(
        {
            f"every good record out exactly once ({good})": (
                len(kept) == len(set(kept))
                and len(dups) == len(set(dups))
                and not set(kept) & set(dups)
                and every == built.good
            ),
            "counts agree with the files": (
                counts["articles"] == good
                and counts["kept"] == len(kept)
                and counts["duplicates"] == len(dups)
                and counts.get("emptied_by_cleaning", 0) == len(emptied)
            ),
        }
    )
    reported: set[tuple[str, int]] = set()
    for text in report.get("bad_records", []):
        source, line, _ = text.split(":", 2)
        reported.add((Path(source).name, int(line)))
    checks[f"every bad record reported at its file and line ({len(built.bad)})"] = (
        reported == built.bad and counts["bad_records"] == len(built.bad)
    )
    skipped = {Path(item["source"]).name for item in report["inputs"] if item.get("error")}
    checks["both bad files reported, by name"] = (
        skipped == set(BAD_FILES) and counts["skipped_inputs"] == 2
    )
    tiers = report.get("duplicates_by_tier", {})
    summary = {
        "articles": counts["articles"],
        "kept": len(kept),
        "duplicates": len(dups),
        "duplicates_by_tier": tiers,
        "emptied": len(emptied),
        "bad_records": counts["bad_records"],
        "skipped_inputs": counts["skipped_inputs"],
        "injected_copies": sum(built.copies.values()),
        "injected_by_kind": built.copies,
    }
    return checks, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="20MB")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shard", type=int, default=2000, help="records per input file")
    parser.add_argument("--jobs", type=int, help="passed to winnow clean (default: its own)")
    parser.add_argument("--timeout", type=float, default=7200, help="kill the run after S seconds")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="winnow-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        built = build(folder, parse_size(args.size), args.seed, args.shard)
        build_seconds = time.perf_counter() - started
        print(
            f"{args.size}: built {len(built.good)} good records, {len(built.bad)} bad records,"
            f" 2 bad files ({built.raw_bytes / 1e6:.1f} MB of JSONL) in {build_seconds:.0f} s",
            flush=True,
        )
        run = run_cli(folder, args.jobs, args.timeout)
        checks, summary = check(folder, built, run)
        if run["timed_out"]:
            checks[f"finished within {args.timeout:.0f} s"] = False
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    tree, pss = run["tree_peak_rss_mb"], run["tree_peak_pss_mb"]
    print(
        f"winnow clean: exit {run['exit']}, {run['seconds']:.0f} s"
        f" ({run['cpu_seconds']:.0f} s CPU),"
        f" peak RSS {run['main_maxrss_mb']:.0f} MB main"
        + (f" / {tree:.0f} MB summed with workers" if tree else "")
        + (f", peak PSS {pss:.0f} MB with workers (shared pages once)" if pss else "")
    )
    if summary:
        print(
            f"  {summary['articles']} articles: {summary['kept']} kept,"
            f" {summary['duplicates']} duplicates {summary['duplicates_by_tier']},"
            f" {summary['emptied']} emptied; {summary['bad_records']} bad records,"
            f" {summary['skipped_inputs']} skipped files;"
            f" the generator injected {summary['injected_copies']} copies"
        )
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    if not all(checks.values()) and run["stderr"].strip():
        print("  stderr (last lines):", *run["stderr"].strip().splitlines()[-5:], sep="\n    ")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "size": args.size,
                    "seed": args.seed,
                    "good_records": len(built.good),
                    "bad_records_injected": len(built.bad),
                    "jsonl_mb": built.raw_bytes / 1e6,
                    "build_seconds": build_seconds,
                    **{k: v for k, v in run.items() if k != "stderr"},
                    **summary,
                    "checks": checks,
                    "ok": all(checks.values()),
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
