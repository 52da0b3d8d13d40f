"""Run datatrove on a JSONL file: its MinHash dedup alone, or its whole pipeline; print JSON.

Why a separate script: datatrove pulls in many dependencies (spacy, huggingface-hub, a newer
click) that should not have to share an environment with Winnow, so the benchmarks run this
file with whichever interpreter `--datatrove-python` / `--dt-python` names, e.g. a virtualenv
made with `python -m venv --system-site-packages`.

Two modes:

* dedup (`bench_dedupe.py`): the three MinHash dedup stages (signatures, buckets, clusters),
  each timed inside this process; reading the JSONL is part of stage 1, as in a real run.
* `--pipeline` (`bench_engine.py`): the whole job, as the shared `peer_pipeline.py` runs it:
  JsonlReader -> FTFYFormatter -> C4QualityFilter (line-level removal, as C4/FineWeb do) ->
  JsonlWriter; then MinhashDedupSignature, MinhashDedupBuckets, MinhashDedupCluster (14 bands
  x 8 rows, word 5-grams); then JsonlReader -> MinhashDedupFilter -> JsonlWriter. One worker
  each; the caller times the whole process.

Usage: python _datatrove_run.py DOCS.jsonl WORKDIR BUCKETS ROWS
       python _datatrove_run.py --pipeline DOCS.jsonl WORKDIR
Prints: dedup: {"seconds": float, "stages": {...}, "pairs": [[i, j], ...], "version": str};
        --pipeline: {"seconds": float, "stages": {...}, "kept": int, "version": str}
"""

from __future__ import annotations

import gzip
import json
import struct
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any


def run_stages(stages: dict[str, tuple[list[Any], int]], workdir: Path) -> dict[str, float]:
    """Run each named (pipeline, tasks) with one worker, in order; seconds per stage."""
    from datatrove.executor import LocalPipelineExecutor

    took: dict[str, float] = {}
    for name, (pipeline, tasks) in stages.items():
        start = time.perf_counter()
        LocalPipelineExecutor(
            pipeline=pipeline, tasks=tasks, workers=1, logging_dir=str(workdir / "logs" / name)
        ).run()
        took[name] = time.perf_counter() - start
    return took


def alone(docs: Path, workdir: Path) -> Path:
    """A folder that holds only `docs` (a link to it), for datatrove's reader to read whole.

    Why: the reader takes a folder and a glob, and a glob without wildcards matches every name
    that ends with it (datatrove prefixes `*`): `news.jsonl` would also read `old-news.jsonl`
    lying beside it.
    """
    folder = workdir / "input"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / docs.name).symlink_to(docs.resolve())
    return folder


def whole_pipeline(docs: Path, workdir: Path) -> dict[str, Any]:
    """datatrove's reader, formatter, quality filter, MinHash dedup and writer (see above)."""
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.filters import C4QualityFilter
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    bands = 14
    config = MinhashConfig(n_grams=5, num_buckets=bands, hashes_per_bucket=8, seed=1)
    cleaned, sigs, buckets = workdir / "cleaned", workdir / "sigs", workdir / "buckets"
    remove, out = workdir / "remove", workdir / "out"
    quality = C4QualityFilter(filter_no_terminal_punct=False, min_num_sentences=-1)
    stages: dict[str, tuple[list[Any], int]] = {
        "clean": (
            [
                JsonlReader(str(alone(docs, workdir))),
                FTFYFormatter(),
                quality,
                JsonlWriter(str(cleaned)),
            ],
            1,
        ),
        "signatures": (
            [JsonlReader(str(cleaned)), MinhashDedupSignature(str(sigs), config=config)],
            1,
        ),
        "buckets": ([MinhashDedupBuckets(str(sigs), str(buckets), config=config)], bands),
        "clusters": ([MinhashDedupCluster(str(buckets), str(remove), config=config)], 1),
        "filter+write": (
            [JsonlReader(str(cleaned)), MinhashDedupFilter(str(remove)), JsonlWriter(str(out))],
            1,
        ),
    }
    took = run_stages(stages, workdir)
    kept = 0
    for path in sorted(out.glob("*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            kept += sum(1 for _ in f)
    return {"seconds": sum(took.values()), "stages": took, "kept": kept}


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--pipeline":
        result = whole_pipeline(Path(argv[1]), Path(argv[2]))
        result["version"] = version("datatrove")
        sys.stdout.write(json.dumps(result) + "\n")
        return 0
    docs, workdir, bands, rows = Path(argv[0]), Path(argv[1]), int(argv[2]), int(argv[3])
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader

    config = MinhashConfig(n_grams=5, num_buckets=bands, hashes_per_bucket=rows, seed=1)
    sigs, buckets, clusters = workdir / "sigs", workdir / "buckets", workdir / "clusters"
    stages: dict[str, tuple[list[Any], int]] = {
        "signatures": (
            [
                JsonlReader(str(alone(docs, workdir)), id_key="id"),
                MinhashDedupSignature(output_folder=str(sigs), config=config, language="eng"),
            ],
            1,
        ),
        "buckets": (
            [
                MinhashDedupBuckets(
                    input_folder=str(sigs), output_folder=str(buckets), config=config
                )
            ],
            bands,
        ),
        "clusters": (
            [
                MinhashDedupCluster(
                    input_folder=str(buckets), output_folder=str(clusters), config=config
                )
            ],
            1,
        ),
    }
    took = run_stages(stages, workdir)
    pairs: list[list[int]] = []
    for path in sorted(buckets.glob("*.dups")):
        data = path.read_bytes()
        for _f1, d1, _f2, d2 in struct.iter_unpack("<4I", data):
            pairs.append([d1, d2])
    result = {
        "seconds": sum(took.values()),
        "stages": took,
        "pairs": pairs,
        "version": version("datatrove"),
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
