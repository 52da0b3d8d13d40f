"""Run datatrove's MinHash dedup (signatures, buckets, clusters) on a JSONL file; print JSON.

Why a separate script: datatrove pulls in many dependencies (spacy, huggingface-hub, a newer
click) that should not have to share an environment with Winnow, so `bench_dedupe.py` runs this
file with whichever interpreter `--datatrove-python` names, e.g. a virtualenv made with
`python -m venv --system-site-packages`. Only the three dedup stages are timed, inside this
process; reading the JSONL is part of stage 1, as in a real datatrove run.

Usage: python _datatrove_run.py DOCS.jsonl WORKDIR BUCKETS ROWS
Prints: {"seconds": float, "stages": {...}, "pairs": [[i, j], ...], "version": str}
"""

from __future__ import annotations

import json
import struct
import sys
import time
from importlib.metadata import version
from pathlib import Path


def main(argv: list[str]) -> int:
    docs, workdir, bands, rows = Path(argv[0]), Path(argv[1]), int(argv[2]), int(argv[3])
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader

    config = MinhashConfig(n_grams=5, num_buckets=bands, hashes_per_bucket=rows, seed=1)
    sigs, buckets, clusters = workdir / "sigs", workdir / "buckets", workdir / "clusters"
    stages = {
        "signatures": [
            JsonlReader(str(docs.parent), glob_pattern=docs.name, id_key="id"),
            MinhashDedupSignature(output_folder=str(sigs), config=config, language="eng"),
        ],
        "buckets": [
            MinhashDedupBuckets(input_folder=str(sigs), output_folder=str(buckets), config=config)
        ],
        "clusters": [
            MinhashDedupCluster(
                input_folder=str(buckets), output_folder=str(clusters), config=config
            )
        ],
    }
    tasks = {"signatures": 1, "buckets": bands, "clusters": 1}
    took: dict[str, float] = {}
    for name, pipeline in stages.items():
        start = time.perf_counter()
        LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks[name],
            workers=1,
            logging_dir=str(workdir / "logs" / name),
        ).run()
        took[name] = time.perf_counter() - start
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
