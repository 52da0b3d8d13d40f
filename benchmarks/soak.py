"""Soak run: a generated corpus with injected bad records and bad files through the real CLI.

Run: python benchmarks/soak.py --size 20MB [--keep DIR]

Builds a folder of JSONL shards from `generate.py`'s articles, injects malformed JSON lines,
null / missing / non-string text fields, an empty file and a binary file, runs `winnow clean`
on it, and checks that every good record comes out (kept, a reported duplicate, or emptied by
cleaning with its removals listed) and every bad record and bad file is reported. Exit 0 only
when all of that holds.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
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


def build(folder: Path, size: int, seed: int, shard: int) -> tuple[int, int]:
    """Write JSONL shards with injected bad lines; return (good records, bad records)."""
    dump = folder / "source" / "dump.txt"
    generate(dump, size, seed, RATES)
    lines = dump.read_text(encoding="utf-8").split("\n")
    raw = folder / "raw"
    raw.mkdir()
    rng = random.Random(seed)
    good = bad = 0
    shards: list[list[str]] = []
    with open(dump.with_name(dump.name + ".index.jsonl"), encoding="utf-8") as index:
        for number, entry in enumerate(map(json.loads, index)):
            if number % shard == 0:
                shards.append([])
            body = "\n".join(lines[entry["line"] - 1 : entry["end"]])
            shards[-1].append(json.dumps({"id": entry["id"], "text": body, "kind": entry["kind"]}))
            good += 1
            if rng.random() < 0.01:
                shards[-1].append(rng.choice(BAD_LINES))
                bad += 1
    for number, records in enumerate(shards):
        with open(raw / f"part-{number:05d}.jsonl", "w", encoding="utf-8") as handle:
            handle.write("\n".join(records) + "\n")
    (raw / "zz-empty.jsonl").write_text("")
    (raw / "zz-binary.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 100)
    return good, bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="20MB")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shard", type=int, default=2000, help="records per input file")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="winnow-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    good, bad = build(folder, parse_size(args.size), args.seed, args.shard)
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "cli.py"),
            "clean",
            str(folder / "raw"),
            "--out",
            str(folder / "clean"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    report = json.loads((folder / "clean" / "report.json").read_text(encoding="utf-8"))
    counts = report["counts"]
    accounted = counts["kept"] + counts["duplicates"] + counts.get("emptied_by_cleaning", 0)
    checks = {
        "exit code 1 (finished, some inputs skipped)": done.returncode == 1,
        f"every good record out ({good})": counts["articles"] == good and accounted == good,
        f"every bad record reported ({bad})": counts["bad_records"] == bad,
        "both bad files reported": counts["skipped_inputs"] == 2,
        "no traceback": "Traceback" not in done.stderr,
    }
    print(f"{args.size}: {good} good records, {bad} bad records, 2 bad files, {seconds:.0f} s")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
