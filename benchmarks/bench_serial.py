"""The dedupe stage's serial steps, each against the form it replaced, in one process.

Why a script of its own: these steps run in the main process whatever `--jobs` says, so they
bound how much a second job can help, and each is under a second per 50 MB. Whole runs on the
shared machine of `docs/performance.md` vary by a quarter from one minute to the next, far more
than these steps weigh, so they are timed here apart, alternately, on the same features.

Rows (each the best of `--repeat` alternating rounds):

* keeper checks: clustering checks each member against its keeper; pair by pair with
  `_Checker.check_pairs`, or all at once with `_Checker.check_many`;
* group sums: the link guard's summed story vector of a group, with one `story_weights` call
  per member (as before) or all members' weights at once (`_Checker._sum`);
* vocabulary lookups: story words and names as indices into the vocabulary, one `searchsorted`
  (names: `_common`) per document, or many documents at once (`vocab_indices`). Names take the
  batched form; story words gained nothing from it and keep one search per document;
* stable sorts: `np.argsort(kind="stable")` against `dedupe.arrays.stable_argsort` (polars), on
  `--sort-keys` band keys (uint64, a third of them repeated, as LSH buckets sort them) and on
  four times as many small ints (the top-k ranking's document ranges).

Example::

    python benchmarks/bench_serial.py benchmarks/data/corpus-10MB.txt --articles 3000
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cleaners.split import split_dump  # noqa: E402
from dedupe import DedupeConfig, core  # noqa: E402
from dedupe.arrays import stable_argsort  # noqa: E402


def best_of(rounds: int, first: Callable[[], object], second: Callable[[], object]) -> tuple:
    """The best time of each of two callables over `rounds` rounds, run alternately."""
    times: list[list[float]] = [[], []]
    for _ in range(rounds):
        for slot, call in enumerate((first, second)):
            started = time.perf_counter()
            call()
            times[slot].append(time.perf_counter() - started)
    return min(times[0]), min(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dump", type=Path, help="a dump written by generate.py")
    parser.add_argument("--articles", type=int, default=3000, help="articles to take")
    parser.add_argument("--pairs", type=int, default=2000, help="keeper checks and group sums")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sort-keys", type=int, default=500_000, help="band keys to sort")
    args = parser.parse_args()

    text = args.dump.read_text(encoding="utf-8")
    docs = list(itertools.islice(split_dump(text, args.dump.name), args.articles))
    parts = [core.document_features(doc, 1) for doc in docs]
    features = core._features(iter(parts))
    names = [named for *_, named in parts]
    checker = core._Checker(features, DedupeConfig(), np.empty(0, dtype=np.int64))
    rng = np.random.default_rng(1)
    chosen = (rng.choice(len(docs), 2, replace=False) for _ in range(args.pairs))
    pairs = [(int(i), int(j)) for i, j in chosen]
    groups = [
        sorted(int(i) for i in rng.choice(len(docs), int(rng.integers(2, 20)), replace=False))
        for _ in range(args.pairs)
    ]
    keys = [features.story_keys(i) for i in range(len(docs))]
    vocab = features.story_vocab

    def one_by_one() -> None:
        for i, j in pairs:
            checker.check_pairs(np.array([min(i, j)]), np.array([max(i, j)]))

    def batched() -> None:
        checker.cache.clear()
        checker.check_many(pairs)

    def sums_per_member() -> None:
        for group in groups:
            flat = np.concatenate([features.story_terms[i] for i in group])
            _, at = np.unique(flat, return_inverse=True)
            np.bincount(at, np.concatenate([features.story_weights(i) for i in group]))

    def sums_at_once() -> None:
        for group in groups:
            checker._sum(group)

    def lookups_per_document() -> None:
        for values in keys:
            np.searchsorted(vocab, values).astype(np.uint32)

    def lookups_batched() -> None:
        core.vocab_indices(keys, vocab)

    def names_per_document() -> None:
        for values in names:
            core._common(values, vocab)[1].astype(np.uint32)

    def names_batched() -> None:
        core.vocab_indices(names, vocab)

    distinct = rng.integers(0, 2**63, args.sort_keys * 2 // 3, dtype=np.uint64)
    band = np.concatenate([distinct, rng.choice(distinct, args.sort_keys - distinct.size)])
    rng.shuffle(band)
    ranges = rng.integers(0, 16, args.sort_keys * 4).astype(np.int64)

    rows = [
        (f"{len(pairs)} keeper checks", one_by_one, batched),
        (
            f"stable sort of {band.size:,} band keys",
            lambda: np.argsort(band, kind="stable"),
            lambda: stable_argsort(band),
        ),
        (
            f"stable sort of {ranges.size:,} range numbers",
            lambda: np.argsort(ranges, kind="stable"),
            lambda: stable_argsort(ranges),
        ),
        (f"{len(groups)} group sums", sums_per_member, sums_at_once),
        (f"{len(keys)} documents' words in the vocabulary", lookups_per_document, lookups_batched),
        (f"{len(names)} documents' names in the vocabulary", names_per_document, names_batched),
    ]
    print(f"{len(docs)} articles of {args.dump.name}, best of {args.repeat} alternating rounds")
    print("| step | before (s) | now (s) | ratio |")
    print("|---|---:|---:|---:|")
    for name, before, now in rows:
        old, new = best_of(args.repeat, before, now)
        print(f"| {name} | {old:.3f} | {new:.3f} | {old / new:.1f}x |")


if __name__ == "__main__":
    main()
