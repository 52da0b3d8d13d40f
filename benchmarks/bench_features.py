"""Dedupe's per-document features: `document_features` one article at a time against
`batch_features` over all of them, on the same articles, in one process.

Why: these features were about half of a run's CPU time (`benchmarks/bench_floor.py`), and the
columnar engine of issue 18 computes them per batch. Both are timed in CPU seconds (all
threads, so a multi-threaded kernel cannot look faster than it is), best of `--repeat`
alternating rounds, and checked equal before any timing counts.

Example (generates a 10 MB dump into a temporary folder when none is given)::

    python benchmarks/bench_features.py
    python benchmarks/bench_features.py benchmarks/data/corpus-10MB.txt --clean
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generate import generate  # noqa: E402

from cleaners.document import Document  # noqa: E402
from cleaners.options import CleanOptions  # noqa: E402
from cleaners.pipeline import clean_document, document_steps  # noqa: E402
from cleaners.split import split_dump  # noqa: E402
from dedupe.batch_features import (  # noqa: E402
    _Batch,
    _columns,
    _slices,
    batch_features,
)
from dedupe.core import document_features  # noqa: E402


def cpu_best(rounds: int, calls: Sequence[Callable[[], object]]) -> list[float]:
    """The least CPU time of each call over `rounds` rounds, the calls run alternately."""
    best = [float("inf")] * len(calls)
    for _ in range(rounds):
        for slot, call in enumerate(calls):
            started = time.process_time()
            call()
            best[slot] = min(best[slot], time.process_time() - started)
    return best


def load(dump: Path | None, size: int, clean: bool) -> list[Document]:
    """The articles of `dump` (or of a generated one of `size` bytes), cleaned if asked."""
    with tempfile.TemporaryDirectory(prefix="winnow-features-") as folder:
        if dump is None:
            dump = Path(folder, "corpus.txt")
            generate(dump, size, 1, {"exact": 0.03, "near": 0.05, "story": 0.04})
        if dump.suffix == ".jsonl":  # records with "text" (and "title"), as made for issue 18
            records = map(json.loads, dump.read_text(encoding="utf-8").splitlines())
            docs = [
                Document(f"r{i}", r["text"], dump.name, (i + 1, i + 1), title=r.get("title", ""))
                for i, r in enumerate(records)
            ]
        else:
            docs = list(split_dump(dump.read_text(encoding="utf-8"), dump.name))
    if clean:
        steps = document_steps(CleanOptions())
        docs = [clean_document(doc, steps) for doc in docs]
    return docs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "dump", type=Path, nargs="?", help="a dump or a .jsonl of records (default: generate one)"
    )
    parser.add_argument("--size", type=int, default=10_000_000, help="bytes to generate")
    parser.add_argument("--clean", action="store_true", help="clean the articles first")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    docs = load(args.dump, args.size, args.clean)
    texts, titles = [d.text for d in docs], [d.title for d in docs]
    megabytes = sum(len(f"{d.title}\n{d.text}".encode()) for d in docs) / 1e6
    wide = sum(1 for d in docs if not f"{d.title}\n{d.text}".isascii())
    slow = sum(
        int(_columns(_Batch.of(texts[lo:hi], titles[lo:hi]), 1)[1].sum())
        for lo, hi in _slices(texts)
    )

    one = [document_features(doc, 1) for doc in docs]
    for a, b in zip(one, batch_features(texts, titles, 1), strict=True):
        if a[0] != b[0] or not all(np.array_equal(x, y) for x, y in zip(a[1:], b[1:], strict=True)):
            raise SystemExit("batch_features differs from document_features")

    def per_document() -> None:
        for doc in docs:
            document_features(doc, 1)

    seconds = cpu_best(args.repeat, [per_document, lambda: batch_features(texts, titles, 1)])
    print(f"{len(docs)} articles, {megabytes:.1f} MB, {wide} not ASCII")
    print(f"{slow} left to the per-document path (characters the tables do not cover)")
    print("features identical")
    for name, took in zip(("document_features", "batch_features"), seconds, strict=True):
        print(f"{name:>18}: {took:6.3f} CPU-s  {megabytes / took:7.1f} MB per CPU-second")
    print(f"{'ratio':>18}: {seconds[0] / seconds[1]:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
