"""CPU cost of the line model: the cleaning stages with `page_model = "frame"` and `"model"`.

    POLARS_MAX_THREADS=1 python benchmarks/bench_line_model.py benchmarks/data/lined-5MB.jsonl

Reads a JSONL corpus (`make_lined_news.py`), splits it into the runner's batches and runs every
cleaning stage over them, timed apart (process CPU seconds, the minimum of `--rounds` passes),
once per page model; prints the boilerplate stage, all cleaning, and how many lines each
setting removed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaners.batch import Batch  # noqa: E402
from cleaners.options import CleanOptions  # noqa: E402
from cleaners.pipeline import batch_stages  # noqa: E402
from winnow_corpus.io import resolve_inputs  # noqa: E402
from winnow_corpus.runner import CHUNK, InputReport, RunConfig, read_documents  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    config = RunConfig(jobs=1)
    (source,) = resolve_inputs([str(args.corpus)])
    docs = list(read_documents(source, config, InputReport(source.display, source.kind), []))
    mb = args.corpus.stat().st_size / 1e6
    print(f"{args.corpus.name}: {mb:.1f} MB, {len(docs)} articles, batches of {CHUNK}")
    for model in ("frame", "model"):
        options = CleanOptions(page_model=model)
        best: dict[str, float] = {}
        removed = 0
        for _ in range(args.rounds):
            batches = [Batch.of(docs[i : i + CHUNK]) for i in range(0, len(docs), CHUNK)]
            for name, stage in batch_stages(options):
                started = time.process_time()
                batches = [stage(batch) for batch in batches]
                took = time.process_time() - started
                best[name] = min(best.get(name, took), took)
            removed = sum(len(doc.removed) for batch in batches for doc in batch.documents())
        total = sum(best.values())
        print(
            f"page_model={model}: boilerplate {best['boilerplate']:.2f} CPU-s, all cleaning "
            f"{total:.2f} CPU-s (min of {args.rounds}); {removed} removals"
        )


if __name__ == "__main__":
    main()
