"""Signatures + LSH throughput and recall: Winnow against datasketch, rensa and datatrove.

Every method gets the same articles (cut from a `generate.py` dump by its index, so no splitter
is involved), the same settings (128 permutations, word 5-grams, LSH threshold 0.8, i.e.
datasketch's optimal 9 bands x 13 rows) and is timed from article texts to candidate pairs,
shingling included. All but datatrove use the same word 5-gram shingles (`dedupe.shingles`;
Winnow hashes them from word hashes and never builds the 5-gram strings the peers need);
datatrove tokenises and normalises with its own code, as it does in real use.

Recall: a ground-truth pair counts as found when both articles end up in one connected component
of the method's candidate pairs (datatrove emits chains, not all pairs, and every tool here turns
pairs into clusters that way). "Pair precision" is the share of candidate pairs that join two
articles of the same ground-truth group. Same-story copies share almost no 5-grams, so no method
here is expected to find them; Winnow's story tier does (see the `find_duplicates` rows).

Example::

    python benchmarks/bench_dedupe.py benchmarks/data/corpus-10MB.txt
    python benchmarks/bench_dedupe.py benchmarks/data/corpus-10MB.txt \\
        --datatrove-python .venv-datatrove/bin/python --json benchmarks/results/dedupe.json
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dedupe.clusters import UnionFind  # noqa: E402
from dedupe.lsh import candidate_pairs, optimal_params  # noqa: E402
from dedupe.minhash import minhash_batch  # noqa: E402
from dedupe.shingles import shingle_hashes_batch, word_shingles  # noqa: E402

NUM_PERM = 128
SHINGLE = 5
THRESHOLD = 0.8
SEED = 1

Pairs = set[tuple[int, int]]


@dataclass
class Corpus:
    path: Path
    n_bytes: int
    ids: list[str]
    texts: list[str]
    truth: list[tuple[int, int, str, float]]  # a, b, kind, exact 5-gram jaccard


@dataclass
class Row:
    name: str
    seconds: float | None
    pairs: Pairs = field(default_factory=set)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def load(path: Path) -> Corpus:
    """Articles of a generated dump, cut at the line spans its index records."""
    lines = path.read_text(encoding="utf-8").split("\n")
    ids: list[str] = []
    texts: list[str] = []
    with path.with_name(path.name + ".index.jsonl").open(encoding="utf-8") as index:
        for raw in index:
            rec = json.loads(raw)
            ids.append(rec["id"])
            texts.append("\n".join(lines[rec["line"] - 1 : rec["end"]]))
    at = {doc_id: i for i, doc_id in enumerate(ids)}
    truth: list[tuple[int, int, str, float]] = []
    with path.with_name(path.name + ".pairs.jsonl").open(encoding="utf-8") as pairs:
        for raw in pairs:
            rec = json.loads(raw)
            truth.append((at[rec["a"]], at[rec["b"]], rec["kind"], float(rec["jaccard5"])))
    return Corpus(path, path.stat().st_size, ids, texts, truth)


def shingle_all(texts: Sequence[str]) -> list[list[str]]:
    return [word_shingles(t, SHINGLE) for t in texts]


# ------------------------------------------------------------------------------------ methods
def winnow_stage(texts: Sequence[str]) -> Pairs:
    """Winnow's near tier: word hashes combined into 5-gram hashes, batch MinHash, sorted bands.

    The calls `dedupe.core` makes, in batches of `SIGNATURE_BATCH` documents, as it does.
    """
    from dedupe.core import SIGNATURE_BATCH

    parts = []
    for lo in range(0, len(texts), SIGNATURE_BATCH):
        flat, offsets = shingle_hashes_batch(texts[lo : lo + SIGNATURE_BATCH], SHINGLE, SEED)
        parts.append(minhash_batch(flat, offsets, NUM_PERM, SEED))
    sigs = np.concatenate(parts)
    bands, rows = optimal_params(THRESHOLD, NUM_PERM)
    return {(int(a), int(b)) for a, b in candidate_pairs(sigs, bands, rows)}


def _datasketch_lsh(sketches: Sequence[Any]) -> Pairs:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for i, m in enumerate(sketches):
        lsh.insert(i, m)
    pairs: Pairs = set()
    for i, m in enumerate(sketches):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def datasketch_update(texts: Sequence[str]) -> Pairs:
    """datasketch as its README shows it: `MinHash.update` once per shingle, then `MinHashLSH`."""
    from datasketch import MinHash

    sketches = []
    for shingles in shingle_all(texts):
        m = MinHash(num_perm=NUM_PERM, seed=SEED)
        for s in shingles:
            m.update(s.encode("utf-8"))
        sketches.append(m)
    return _datasketch_lsh(sketches)


def datasketch_bulk(texts: Sequence[str]) -> Pairs:
    """datasketch's batch path: `MinHash.bulk` (one `update_batch` per document), `MinHashLSH`."""
    from datasketch import MinHash

    encoded = [[s.encode("utf-8") for s in sh] for sh in shingle_all(texts)]
    return _datasketch_lsh(MinHash.bulk(encoded, num_perm=NUM_PERM, seed=SEED))


def rensa_params() -> tuple[int, int]:
    """(bands, num_perm) for rensa, whose LSH needs num_perm to be a multiple of the bands.

    Everyone else uses 128 permutations of which LSH reads 9 bands x 13 rows = 117; rensa gets
    exactly those 117 permutations (9 x 13), the same banding and slightly less hashing work.
    """
    bands, rows = optimal_params(THRESHOLD, NUM_PERM)
    return bands, bands * rows


def rensa_objects(texts: Sequence[str]) -> Pairs:
    """rensa's documented path: one `RMinHash.update` per document, `RMinHashLSH` insert/query."""
    from rensa import RMinHash, RMinHashLSH

    bands, perms = rensa_params()
    sketches = []
    for shingles in shingle_all(texts):
        m = RMinHash(num_perm=perms, seed=SEED)
        m.update(shingles)
        sketches.append(m)
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=perms, num_bands=bands)
    for i, m in enumerate(sketches):
        lsh.insert(i, m)
    pairs: Pairs = set()
    for i, m in enumerate(sketches):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def rensa_batch(texts: Sequence[str]) -> Pairs:
    """rensa's bulk path: `RMinHash.from_token_sets`, `insert_many`, `query_all`."""
    from rensa import RMinHash, RMinHashLSH

    bands, perms = rensa_params()
    sketches = RMinHash.from_token_sets(shingle_all(texts), num_perm=perms, seed=SEED)
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=perms, num_bands=bands)
    lsh.insert_many(sketches, start_key=0)
    pairs: Pairs = set()
    for i, found in enumerate(lsh.query_all(sketches)):
        for j in found:
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def winnow_find_duplicates(texts: Sequence[str], story: bool) -> tuple[Pairs, dict[str, Any]]:
    """The whole library call (candidates, exact checks, clusters), for its recall."""
    from cleaners.document import Document
    from dedupe import DedupeConfig, find_duplicates

    docs = [Document(f"d{i:07d}", t, "bench", (i, i)) for i, t in enumerate(texts)]
    result = find_duplicates(docs, DedupeConfig(story=story))
    pairs: Pairs = set()
    for cluster in result.clusters:
        members = sorted(int(m[1:]) for m in cluster.members)
        pairs |= {(members[0], m) for m in members[1:]}
    return pairs, {"dropped": len(result.duplicates)}


# ---------------------------------------------------------------------------------- scoring
def components(n: int, pairs: Iterable[tuple[int, int]]) -> list[int]:
    """A component number per item 0..n-1: equal numbers share a component of `pairs`."""
    uf = UnionFind(n)
    for a, b in pairs:
        uf.union(a, b)
    return [uf.find(i) for i in range(n)]


def score(corpus: Corpus, pairs: Pairs) -> dict[str, Any]:
    n = len(corpus.texts)
    found = components(n, pairs)
    groups = components(n, ((a, b) for a, b, _, _ in corpus.truth))
    out: dict[str, Any] = {}
    for kind in ("exact", "near", "story"):
        # near copies count only when their exact 5-gram Jaccard reaches the LSH threshold
        wanted = [
            (a, b)
            for a, b, k, j in corpus.truth
            if k == kind and (kind != "near" or j >= THRESHOLD)
        ]
        hits = sum(found[a] == found[b] for a, b in wanted)
        out[f"recall_{kind}"] = hits / len(wanted) if wanted else None
        out[f"n_{kind}"] = len(wanted)
    good = sum(groups[a] == groups[b] for a, b in pairs)
    out["candidates"] = len(pairs)
    out["pair_precision"] = good / len(pairs) if pairs else None
    return out


# ---------------------------------------------------------------------------------- running
def timed(fn: Callable[[], Pairs]) -> tuple[float, Pairs]:
    """Wall time of `fn` with the cyclic GC off, as `timeit` does.

    Rows that keep every document's shingle list alive at once (the peers' batch APIs) would
    otherwise pay for repeated full collections over millions of strings, which says more about
    CPython's GC than about the library.
    """
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        pairs = fn()
        return time.perf_counter() - start, pairs
    finally:
        gc.enable()


def run_datatrove(corpus: Corpus, python: str) -> Row:
    bands, rows = optimal_params(THRESHOLD, NUM_PERM)
    helper = Path(__file__).with_name("_datatrove_run.py")
    with tempfile.TemporaryDirectory(prefix="winnow-dt-") as tmp:
        docs = Path(tmp) / "docs.jsonl"
        with docs.open("w", encoding="utf-8") as f:
            for doc_id, text in zip(corpus.ids, corpus.texts, strict=True):
                f.write(json.dumps({"id": doc_id, "text": text}) + "\n")
        proc = subprocess.run(
            [python, str(helper), str(docs), str(Path(tmp) / "work"), str(bands), str(rows)],
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return Row("datatrove MinHash dedup", None, note=f"did not run: {last}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    pairs = {(min(a, b), max(a, b)) for a, b in result["pairs"]}
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in result["stages"].items())
    return Row(
        f"datatrove {result['version']} MinHash dedup (stages 1-3)",
        result["seconds"],
        pairs,
        note=f"own tokeniser and normaliser, writes to disk; {stages}",
    )


def pkg(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "load average (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "numpy": pkg("numpy"),
        "datasketch": pkg("datasketch"),
        "rensa": pkg("rensa"),
    }


def fmt(x: float | None, pattern: str = "{:.3f}") -> str:
    return "-" if x is None else pattern.format(x)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", type=Path, help="a dump written by generate.py")
    parser.add_argument(
        "--datatrove-python",
        default=sys.executable,
        help="interpreter that has datatrove installed (default: this one)",
    )
    parser.add_argument("--skip", action="append", default=[], help="method key to skip")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    corpus = load(args.dump)
    mb = corpus.n_bytes / 1e6
    print(
        f"{corpus.path.name}: {mb:.1f} MB, {len(corpus.texts)} articles, "
        f"{len(corpus.truth)} ground-truth pairs; {NUM_PERM} perms, word {SHINGLE}-grams, "
        f"threshold {THRESHOLD} ({'x'.join(map(str, optimal_params(THRESHOLD, NUM_PERM)))})",
        file=sys.stderr,
    )
    texts = corpus.texts
    load_avg = machine()["load average (1/5/15 min)"]
    print(f"machine at start: load average {load_avg}", file=sys.stderr)
    # Warm-up, untimed: imports (datasketch pulls in scipy, ~1 s) and numpy's first calls, so no
    # row pays another row's start-up.
    warm = texts[:20]
    winnow_stage(warm)
    for module in ("datasketch", "rensa"):
        with contextlib.suppress(ImportError):
            __import__(module)
    shingle_s, _ = timed(lambda: {(len(shingle_all(texts)), 0)})
    methods: list[tuple[str, str, Callable[[Sequence[str]], Pairs]]] = [
        ("winnow", "Winnow signatures + LSH (dedupe.minhash, dedupe.lsh)", winnow_stage),
        ("ds-update", "datasketch MinHash.update per shingle + MinHashLSH", datasketch_update),
        ("ds-bulk", "datasketch MinHash.bulk (update_batch) + MinHashLSH", datasketch_bulk),
        ("rensa", "rensa RMinHash.update + RMinHashLSH insert/query", rensa_objects),
        ("rensa-batch", "rensa from_token_sets + insert_many/query_all", rensa_batch),
    ]
    rows: list[Row] = []
    for key, name, fn in methods:
        if key in args.skip:
            continue
        print(f"running {name} ...", file=sys.stderr)
        try:
            seconds, pairs = timed(partial(fn, texts))
            rows.append(Row(name, seconds, pairs))
        except ImportError as exc:
            rows.append(Row(name, None, note=f"not installed: {exc}"))
    if "datatrove" not in args.skip:
        print("running datatrove ...", file=sys.stderr)
        rows.append(run_datatrove(corpus, args.datatrove_python))
    for story in (False, True):
        key = "fd-story" if story else "fd-near"
        if key in args.skip:
            continue
        label = "exact+near+story" if story else "exact+near"
        print(f"running find_duplicates {label} ...", file=sys.stderr)
        found: list[dict[str, Any]] = []

        def call(story: bool = story, found: list[dict[str, Any]] = found) -> Pairs:
            pairs, extra = winnow_find_duplicates(texts, story)
            found.append(extra)
            return pairs

        seconds, pairs = timed(call)
        rows.append(
            Row(
                f"Winnow find_duplicates ({label}, verified)",
                seconds,
                pairs,
                note="whole library call: candidates, exact checks, clusters",
                extra=found[0],
            )
        )

    base = rows[0].seconds if rows and rows[0].name.startswith("Winnow signatures") else None
    results: list[dict[str, Any]] = []
    header = (
        "| method | seconds | MB/s | Winnow is x faster | recall exact | recall near (J>=0.8) "
        "| recall story | candidate pairs | pair precision |"
    )
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        s = score(corpus, row.pairs) if row.seconds is not None else {}
        ratio = row.seconds / base if base and row.seconds else None
        record = {
            "method": row.name,
            "seconds": row.seconds,
            "mb_per_s": mb / row.seconds if row.seconds else None,
            "winnow_speedup": ratio,
            "note": row.note,
            **s,
            **row.extra,
        }
        results.append(record)
        print(
            f"| {row.name} | {fmt(row.seconds, '{:.2f}')} | {fmt(record['mb_per_s'], '{:.2f}')} "
            f"| {fmt(ratio, '{:.1f}x')} | {fmt(s.get('recall_exact'))} "
            f"| {fmt(s.get('recall_near'))} | {fmt(s.get('recall_story'))} "
            f"| {s.get('candidates', '-')} | {fmt(s.get('pair_precision'))} |"
        )
    for row in rows:
        if row.note:
            print(f"- {row.name}: {row.note}")
    print(
        f"- shingling alone (word 5-grams, included in every row but datatrove): {shingle_s:.2f} s"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "dump": corpus.path.name,
            "mb": mb,
            "articles": len(texts),
            "machine": machine(),
            "shingling_seconds": shingle_s,
            "results": results,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
