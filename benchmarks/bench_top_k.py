"""The story tier's top-k ranking (`dedupe.lsh.top_k_of_buckets`) by collection size, in one
process, on band buckets of a known shape.

Why a script of its own: the ranking gathers its pairs one range of documents at a time, and
the number of ranges grows with the collection, so any work a range does over the whole
collection makes the step grow faster than the input. Whole runs at 1 GB take minutes and vary
by a sixth between runs on a shared machine; this times the step alone, at sizes of choice, and
prints the CPU time per pair entry, which stays flat when the step is linear.

The buckets: every band of `--bands` gives each document one of `documents / --mean-bucket`
keys at random (buckets of `--mean-bucket` documents on average, Poisson-spread; those over
`--max-bucket` are skipped as in a run). The real story tier's buckets are shaped by the
words two documents share; this keeps only their sizes, which are what the step's cost follows.

Example (run it in two checkouts to compare them)::

    python benchmarks/bench_top_k.py --documents 100000 250000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dedupe import lsh  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[50_000, 100_000])
    parser.add_argument("--bands", type=int, default=128)
    parser.add_argument("--mean-bucket", type=int, default=8)
    parser.add_argument("--max-bucket", type=int, default=50)
    parser.add_argument("--top-k", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print("documents  ranges  pair entries  CPU s  ns per entry")
    for documents in args.documents:
        rng = np.random.default_rng(args.seed)
        keys = max(documents // args.mean_bucket, 1)
        signatures = rng.integers(0, keys, size=(documents, args.bands)).astype(np.uint32)
        buckets = lsh.small_buckets(signatures, args.bands, 1, args.max_bucket)
        del signatures
        entries = int(buckets.entries.sum())
        started = time.process_time()
        found = lsh.top_k_of_buckets(buckets, args.top_k)
        spent = time.process_time() - started
        print(
            f"{documents:>9,}  {found.passes:>6}  {entries:>12,}  {spent:>5.2f}"
            f"  {spent / max(entries, 1) * 1e9:>12.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
