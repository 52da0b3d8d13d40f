"""`winnow clean --engine ray`: the same run as `winnow_corpus.runner.run`, its stages on Ray Data.

The result is identical to the local engine on the same input (same documents, duplicates,
clusters and stats); `tests/test_ray_engine.py` holds it to that. What runs where:

* **on the cluster (Ray Data):** reading and splitting each input (`map_batches`, one input per
  row); cleaning (`map_batches` over articles); counting recurring line shapes across the
  collection (per-batch counts, then a `groupby` sum); the per-article dedupe features (exact
  key, word-shingle set, content-word set, word-shingle MinHash); the collection's document
  frequencies for the story tier's IDF (per-batch counts, `groupby` sum); the story vectors and
  their weighted MinHash; LSH candidate generation (one row per band key, `groupby` on
  (tier, band, key), pairs inside each bucket, then a `groupby` on the pair counting the bands
  it shares).
* **on the driver:** the canonical order of the articles (a sort), the per-article top-k of story
  candidates, the exact check of every candidate pair, and union-find / cluster building over the
  verified pairs (`dedupe.core` and `dedupe.clusters`, the same code the local engine runs). These
  see the features of every article and a pair list bounded by `story_top_k * n`.

Ray is optional (`pip install 'winnow-corpus[ray]'`) and imported only inside `run_ray`; every
article crosses Ray as a pickled `Document`, and rows carry their position, so the order Ray
returns them in never matters. Ray must reach the same version of Winnow on every node.
"""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from cleaners import footers
from cleaners.document import Document, UniqueIds
from dedupe import DedupeConfig, DedupeResult
from dedupe.core import (
    DocumentFeatures,
    _Features,
    collection_idf,
    features_of,
    name_terms,
    numbers_of,
    signable_words,
    signature_input,
    story_terms,
    unit_weights,
    verify_and_cluster,
    warn_story_buckets_skipped,
)
from dedupe.lsh import optimal_params, top_k_per_item
from dedupe.minhash import minhash, weighted_minhash
from dedupe.spill import ArraySpill
from winnow_corpus.errors import WinnowError
from winnow_corpus.io import STDIN, BadRecord, InputFile
from winnow_corpus.runner import (
    InputReport,
    Progress,
    RunConfig,
    RunResult,
    _clean_chunk,
    is_emptied,
    read_documents,
)
from winnow_corpus.story_text import masked_story_features

if TYPE_CHECKING:
    from ray.data import Dataset

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'winnow-corpus[ray]'"
BATCH = 256  # articles per map_batches call, as runner.CHUNK: amortises pickling
# Rows per shuffle partition of a groupby: Ray's default of 200 partitions makes a small run
# wait on 200 aggregators; this keeps a test corpus at one and a large one spread out.
SHUFFLE_ROWS = 200_000
MAX_PARTITIONS = 200
Batch = dict[str, npt.NDArray[Any]]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


class RayUnavailableError(WinnowError):
    """`--engine ray` was asked for but Ray is not installed (or cannot reach its cluster)."""


def _partitions(rows: int) -> int:
    """Shuffle partitions for a groupby over about `rows` rows.

    >>> _partitions(10), _partitions(1_000_000), _partitions(10**9)
    (1, 6, 200)
    """
    return max(1, min(MAX_PARTITIONS, rows // SHUFFLE_ROWS + 1))


def _objects(items: Sequence[object]) -> npt.NDArray[Any]:
    column = np.empty(len(items), dtype=object)
    column[:] = list(items)
    return column


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise RayUnavailableError(
            f"--engine ray needs Ray Data, which is not installed ({exc}); "
            f"install it with: {INSTALL_HINT}"
        ) from exc
    return ray


def run_ray(
    inputs: Sequence[InputFile],
    config: RunConfig,
    address: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Read, split, clean and deduplicate `inputs` on Ray; the same `RunResult` as `run`.

    `address` is passed to `ray.init`: None starts (or reuses) a local Ray, "auto" joins the
    cluster of this node, "ray://host:10001" connects through Ray Client. A Ray session that is
    already initialised is reused and left running; one started here is shut down at the end.
    """
    ray = _import_ray()
    notify = progress or (lambda stage, done, total: None)
    started_here = False
    if not ray.is_initialized():
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise RayUnavailableError(
                f"cannot start or reach Ray at {address or 'a new local instance'} ({exc}); "
                "check --address (ray://host:10001 for Ray Client, auto on a cluster node)"
            ) from exc
        started_here = True
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        return _run(ray, inputs, config, notify)
    finally:
        if started_here:
            ray.shutdown()


def _run(ray: Any, inputs: Sequence[InputFile], config: RunConfig, notify: Progress) -> RunResult:
    timings: dict[str, float] = {}
    # the dedupe index (`--index`, dedupe.index) as the local engine uses it, on the driver;
    # getattr: RunConfig gains those fields in a change landing beside this one
    index = getattr(config, "index", None)
    if index is not None:  # a broken or missing index fails before the long part
        from dedupe.index import check_index

        check_index(index, getattr(config, "index_mode", "update"), config.dedupe)
    started = time.perf_counter()
    reports, raw_docs, bad_records = _read_all(ray, inputs, config)
    notify("read", len(inputs), len(inputs))
    timings["read+split"] = time.perf_counter() - started

    started = time.perf_counter()
    cleaned_ds = _clean_all(ray, raw_docs, config)
    notify("clean", len(raw_docs), len(raw_docs))
    rows = _recurring_and_features(ray, cleaned_ds, config)
    cleaned = [pickle.loads(row["doc"]) for row in rows]
    timings["clean"] = time.perf_counter() - started

    # as the local engine: an emptied article stays in `documents` (its removals are reported)
    # but is not deduplicated
    keep = [pos for pos, doc in enumerate(cleaned) if not is_emptied(doc)]
    substantive = [cleaned[pos] for pos in keep]
    started = time.perf_counter()
    if config.deduplicate:
        result = _dedupe(ray, substantive, [rows[pos] for pos in keep], config.dedupe)
        if index is not None:
            from dedupe.index import dedupe_against_index

            result = dedupe_against_index(result, index, config.dedupe)
    else:
        result = DedupeResult(kept=list(substantive), duplicates=[], clusters=[])
    notify("dedupe", len(substantive), len(substantive))
    timings["dedupe"] = time.perf_counter() - started
    return RunResult(reports, cleaned, result, bad_records, timings, config)


# --- read, split, clean -------------------------------------------------------------------------


def _read_one(
    source: InputFile, config: RunConfig
) -> tuple[InputReport, list[Document], list[Any]]:
    report = InputReport(source.display, source.kind)
    bad: list[BadRecord] = []
    try:
        docs = list(read_documents(source, config, report, bad))
    except WinnowError as exc:
        report.error = str(exc)
        return report, [], bad
    report.articles = len(docs)
    return report, docs, bad


def _read_all(
    ray: Any, inputs: Sequence[InputFile], config: RunConfig
) -> tuple[list[InputReport], list[Document], list[BadRecord]]:
    """Each input read and split by a Ray task (stdin on the driver: only it can read it)."""
    remote = [(pos, s) for pos, s in enumerate(inputs) if s.path != STDIN]
    results: dict[int, tuple[InputReport, list[Document], list[Any]]] = {
        pos: _read_one(s, config) for pos, s in enumerate(inputs) if s.path == STDIN
    }
    if remote:

        def read_batch(batch: Batch) -> Batch:
            out = [pickle.dumps(_read_one(pickle.loads(s), config)) for s in batch["input"]]
            return {"pos": batch["pos"], "out": _objects(out)}

        ds = ray.data.from_items(
            [{"pos": pos, "input": pickle.dumps(s)} for pos, s in remote],
            override_num_blocks=len(remote),
        ).map_batches(read_batch, batch_size=1, batch_format="numpy")
        for row in ds.iter_rows():
            results[int(row["pos"])] = pickle.loads(row["out"])
    reports: list[InputReport] = []
    docs: list[Document] = []
    bad_records: list[BadRecord] = []
    for pos in range(len(inputs)):
        report, found, bad = results[pos]
        reports.append(report)
        bad_records.extend(bad)
        if report.error:
            log.warning("skipped %s", report.error)
        docs.extend(found)
    ids = UniqueIds()  # as the local engine: a repeated id gets a suffix, in input order
    for doc in docs:
        doc.id = ids.claim(doc.id)
    return reports, docs, bad_records


def _clean_all(ray: Any, docs: list[Document], config: RunConfig) -> Dataset:
    """Every article cleaned in `map_batches`; rows keep their position in input order."""
    options = config.clean

    def clean_batch(batch: Batch) -> Batch:
        cleaned = _clean_chunk([pickle.loads(d) for d in batch["doc"]], options)
        return {"pos": batch["pos"], "doc": _objects([pickle.dumps(d) for d in cleaned])}

    items = [{"pos": pos, "doc": pickle.dumps(doc)} for pos, doc in enumerate(docs)]
    blocks = max(1, min(len(items) // BATCH + 1, 200))
    ds: Dataset = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
        clean_batch, batch_size=BATCH, batch_format="numpy"
    )
    materialized: Dataset = ds.materialize()
    return materialized


def _recurring_keys(ds: Dataset, n: int, options: Any) -> frozenset[int] | None:
    """`footers.learn_recurring` as a Ray aggregation: shape keys per batch, summed by `groupby`."""
    if not footers.learns_recurring(n, options):
        return None

    def keys(batch: Batch) -> Batch:
        per_doc = [footers.line_keys(pickle.loads(raw)) for raw in batch["doc"]]
        flat = np.concatenate(per_doc) if per_doc else np.empty(0, dtype=np.uint64)
        found, counts = np.unique(flat, return_counts=True)
        return {"key": found, "n": counts}

    counted = ds.map_batches(keys, batch_size=BATCH, batch_format="numpy")
    summed = list(counted.groupby("key", num_partitions=_partitions(20 * n)).sum("n").iter_rows())
    found = np.array([row["key"] for row in summed], dtype=np.uint64)
    counts = np.array([row["sum(n)"] for row in summed], dtype=np.int64)
    return footers.recurring_of_counts(found, counts, n, options).keys


def _recurring_and_features(ray: Any, ds: Dataset, config: RunConfig) -> list[dict[str, Any]]:
    """Recurring lines dropped and dedupe features computed (none for an emptied article)."""
    n = ds.count()
    learned = _recurring_keys(ds, n, config.clean)
    step: Callable[[Document], Document] | None = None
    if learned is not None:
        step = footers.make_step(config.clean, footers.RecurringLines(learned))
    dedupe_config = config.dedupe
    want_features = config.deduplicate
    seed = dedupe_config.seed

    def finish(batch: Batch) -> Batch:
        names = ("pos", "doc", "exact", "shingles", "keys", "names")
        out: dict[str, list[Any]] = {k: [] for k in names}
        out["near_sig"] = []
        docs: list[Document] = [pickle.loads(raw) for raw in batch["doc"]]
        if step is not None:
            docs = [step(doc) for doc in docs]
        wanted = [want_features and not is_emptied(doc) for doc in docs]
        # the batch's features at once (the same values as one at a time: dedupe.batch_features)
        features = iter(features_of([d for d, w in zip(docs, wanted, strict=True) if w], seed))
        for pos, doc, want in zip(batch["pos"], docs, wanted, strict=True):
            out["pos"].append(int(pos))
            out["doc"].append(pickle.dumps(doc))
            if not want:
                for key in ("exact", "shingles", "keys", "names", "near_sig"):
                    out[key].append(b"")
                continue
            exact, shingles, keys, named = next(features)
            out["exact"].append(exact.to_bytes(8, "big"))
            out["shingles"].append(shingles.tobytes())
            out["keys"].append(keys.tobytes())
            out["names"].append(named.tobytes())
            sig = (
                minhash(shingles, dedupe_config.num_perm, dedupe_config.seed)
                if shingles.size
                else np.empty(0, dtype=np.uint64)
            )
            out["near_sig"].append(sig.tobytes())
        return {
            "pos": np.array(out["pos"], dtype=np.int64),
            **{k: _objects(v) for k, v in out.items() if k != "pos"},
        }

    rows = list(ds.map_batches(finish, batch_size=BATCH, batch_format="numpy").iter_rows())
    return sorted(rows, key=lambda row: int(row["pos"]))


def _u64(raw: bytes) -> U64:
    return np.frombuffer(raw, dtype=np.uint64).copy()


def _u32(raw: bytes) -> npt.NDArray[np.uint32]:
    return np.frombuffer(raw, dtype=np.uint32).copy()


# --- dedupe -------------------------------------------------------------------------------------


def _dedupe(
    ray: Any, docs: list[Document], rows: list[dict[str, Any]], config: DedupeConfig
) -> DedupeResult[Document]:
    """`find_duplicates` with its features, IDF and LSH candidates computed on Ray."""
    order = sorted(
        range(len(docs)), key=lambda i: (docs[i].source, docs[i].lines[0], docs[i].id, i)
    )
    ranked = [docs[i] for i in order]
    by_rank = [rows[i] for i in order]
    shingles = [_u32(row["shingles"]) for row in by_rank]
    story_keys = [_u64(row["keys"]) for row in by_rank]
    named = [_u64(row["names"]) for row in by_rank]
    if config.story and config.story_model != "off":
        # furniture never counts toward story similarity, as in the local run (`story_text`)
        given: list[DocumentFeatures | None] = [None] * len(ranked)
        for rank, feature in masked_story_features(ranked, given, config.seed).items():
            story_keys[rank], named[rank] = feature[2], feature[3]
    exact = [int.from_bytes(row["exact"], "big") for row in by_rank]
    items = [
        {
            "rank": rank,
            "keys": story_keys[rank].tobytes(),
            "near_sig": row["near_sig"],
            "exact": row["exact"],
        }
        for rank, row in enumerate(by_rank)
    ]
    blocks = max(1, min(len(items) // BATCH + 1, 200))
    ds = ray.data.from_items(items, override_num_blocks=blocks).materialize()

    vocab, idf, signable, story_sigs = _story_vectors(ds, len(ranked), config)
    terms, norms = story_terms(story_keys, vocab, idf)
    del story_keys
    names = name_terms(named, vocab)
    spilled = ArraySpill.of(shingles, np.uint32)
    numbers = numbers_of(vocab, config)
    features = _Features(exact, spilled, terms, vocab, idf, norms, names, signable, numbers)
    pairs, stats = _candidates(ds, story_sigs, features, config)
    return verify_and_cluster(docs, ranked, order, features, pairs, stats, config)


def _story_vectors(
    ds: Dataset, n: int, config: DedupeConfig
) -> tuple[U64, F64, npt.NDArray[np.bool_], Any]:
    """Document frequencies by a Ray `groupby` sum, then each story vector's weighted MinHash in
    `map_batches`; the same arithmetic as `dedupe.core._features`, per article. Returns the
    vocabulary, its IDF and which words signatures may pick (the driver derives each article's
    vector from them, as the local engine does) and the signatures."""

    def frequencies(batch: Batch) -> Batch:
        everything = [_u64(raw) for raw in batch["keys"]]
        keys = np.concatenate(everything) if everything else np.empty(0, dtype=np.uint64)
        vocab, df = np.unique(keys, return_counts=True)
        return {"key": vocab, "df": df.astype(np.int64)}

    counted = ds.map_batches(frequencies, batch_size=BATCH, batch_format="numpy")
    table = (
        counted.groupby("key", num_partitions=_partitions(100 * n)).sum("df").to_pandas()
        if n
        else None
    )
    if table is None or table.empty:
        vocab = np.empty(0, dtype=np.uint64)
        df = np.empty(0, dtype=np.int64)
    else:
        table = table.sort_values("key")
        vocab = table["key"].to_numpy(dtype=np.uint64)
        df = table["sum(df)"].to_numpy(dtype=np.int64)
    idf = collection_idf(vocab, df, n, config)
    signable = signable_words(df, config)
    num_perm, seed, story = config.num_perm, config.seed, config.story

    def vectors(batch: Batch) -> Batch:
        sigs_out: list[bytes] = []
        all_keys = [_u64(raw) for raw in batch["keys"]]
        terms, norms = story_terms(all_keys, vocab, idf)
        for keys, words, norm in zip(all_keys, terms, norms, strict=True):
            weights = unit_weights(idf, words, float(norm))
            keys, weights = signature_input(keys, weights, signable[words])
            sig = (
                weighted_minhash(keys, weights, num_perm, seed)
                if story and keys.size
                else np.empty(0, dtype=np.uint64)
            )
            sigs_out.append(sig.tobytes())
        return {"rank": batch["rank"], "story_sig": _objects(sigs_out)}

    with_vectors = ds.map_batches(vectors, batch_size=BATCH, batch_format="numpy").materialize()
    return vocab, idf, signable, with_vectors.select_columns(["rank", "story_sig"])


# Band rows: tier 0 exact (one band, every bucket a star to its first copy), 1 near, 2 story.
EXACT, NEAR, STORY = 0, 1, 2


def _band_rows(
    ds: Dataset, column: str, tier: int, bands: int, rows: int, depth: int = 1
) -> Dataset:
    """One row (tier, band, key, rank, then) per band of each usable signature in `column`;
    `then` holds the keys of the `depth - 1` bands after it, which split an oversized bucket
    (`dedupe.lsh.small_buckets`)."""

    def explode(batch: Batch) -> Batch:
        tiers: list[int] = []
        band_ids: list[int] = []
        keys: list[bytes] = []
        then: list[bytes] = []
        ranks: list[int] = []
        for rank, raw in zip(batch["rank"], batch[column], strict=True):
            if not raw:
                continue
            sig = np.frombuffer(raw, dtype=np.uint64)
            for band in range(bands):
                tiers.append(tier)
                band_ids.append(band)
                keys.append(sig[band * rows : (band + 1) * rows].tobytes())
                following = ((band + extra) % bands for extra in range(1, depth))
                then.append(b"".join(sig[b * rows : (b + 1) * rows].tobytes() for b in following))
                ranks.append(int(rank))
        return {
            "tier": np.array(tiers, dtype=np.int64),
            "band": np.array(band_ids, dtype=np.int64),
            "key": _objects(keys),
            "then": _objects(then),
            "rank": np.array(ranks, dtype=np.int64),
        }

    result: Dataset = ds.map_batches(explode, batch_size=BATCH, batch_format="numpy")
    return result


def _story_pairs(ranks: I64, then: list[bytes], cap: int, step: int = 0) -> tuple[I64, I64]:
    """Pairs inside one story bucket, as `dedupe.lsh.small_buckets` makes them: a bucket over
    `cap` is split by its members' key in the next band (`then`, `step` bands on), as long as
    there is one; one still over `cap` gives a row (-1, -1) so the driver can count it."""
    size = ranks.size
    if size < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    if size <= cap:
        order = np.sort(ranks)
        a, b = np.triu_indices(size, k=1)
        return order[a], order[b]
    width = 8  # bytes of one band key (one uint64 row: the story tier has one row per band)
    if (step + 1) * width > len(then[0]):
        return np.array([-1], dtype=np.int64), np.array([-1], dtype=np.int64)
    groups: dict[bytes, list[int]] = {}
    for at, rest in enumerate(then):
        groups.setdefault(rest[step * width : (step + 1) * width], []).append(at)
    lefts: list[I64] = []
    rights: list[I64] = []
    for members in groups.values():
        left, right = _story_pairs(ranks[members], [then[m] for m in members], cap, step + 1)
        lefts.append(left)
        rights.append(right)
    return np.concatenate(lefts), np.concatenate(rights)


def _bucket_pairs_fn(caps: dict[int, int]) -> Callable[[Batch], Batch]:
    """Pairs inside one bucket, as `dedupe.lsh.bucket_collisions` makes them. A bucket larger
    than its tier's cap is starred to its first member (exact, near) or split and skipped
    (story: `_story_pairs`) and marked by a row (-1, -1) so the driver can count it."""

    def pairs(batch: Batch) -> Batch:
        tier = int(batch["tier"][0])
        left: npt.NDArray[np.int64]
        right: npt.NDArray[np.int64]
        if tier == STORY:
            ranks = batch["rank"].astype(np.int64)
            left, right = _story_pairs(ranks, list(batch["then"]), caps[tier])
            return {"tier": np.full(left.size, tier, dtype=np.int64), "a": left, "b": right}
        members = np.sort(batch["rank"].astype(np.int64))
        size = members.size
        if size < 2:
            left = right = np.empty(0, dtype=np.int64)
        elif tier == EXACT or size > caps[tier]:
            left = np.full(size - 1, members[0], dtype=np.int64)
            right = members[1:]
            if tier == NEAR:
                left = np.r_[left, -1]
                right = np.r_[right, -1]
        else:
            a, b = np.triu_indices(size, k=1)
            left, right = members[a], members[b]
        return {"tier": np.full(left.size, tier, dtype=np.int64), "a": left, "b": right}

    return pairs


def _candidates(
    ds: Dataset, story_sigs: Dataset, features: _Features, config: DedupeConfig
) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """`dedupe.core.candidates` with bucketing done by Ray `groupby`s on band keys and pairs."""
    n = len(features.exact)
    parts: list[Dataset] = []
    if config.exact:
        parts.append(_band_rows(ds, "exact", EXACT, 1, 8))
    near_usable = sum(1 for s in features.shingles if s.size)
    signable = features.story_signable
    story_usable = sum(1 for t in features.story_terms if signable[t].any())
    if config.near and near_usable >= 2:
        bands, rows = optimal_params(config.near_threshold, config.num_perm)
        parts.append(_band_rows(ds, "near_sig", NEAR, bands, rows))
    if config.story and story_usable >= 2:
        parts.append(
            _band_rows(story_sigs, "story_sig", STORY, config.num_perm, 1, config.story_max_depth)
        )
    counts: dict[tuple[int, int, int], int] = {}
    if parts and n >= 2:
        bands_ds = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        caps = {NEAR: config.near_max_bucket, STORY: config.story_max_bucket}
        shuffle = _partitions(n * (config.num_perm + 20))
        pair_rows = bands_ds.groupby(["tier", "band", "key"], num_partitions=shuffle).map_groups(
            _bucket_pairs_fn(caps), batch_format="numpy"
        )
        by_pair = pair_rows.groupby(["tier", "a", "b"], num_partitions=shuffle).count()
        for row in by_pair.iter_rows():
            counts[(int(row["tier"]), int(row["a"]), int(row["b"]))] = int(row["count()"])

    def of_tier(tier: int) -> list[tuple[int, int, int]]:
        return sorted((a, b, c) for (t, a, b), c in counts.items() if t == tier and a >= 0)

    stats: dict[str, int] = {}
    pairs: set[tuple[int, int]] = set()
    if config.exact:
        exact = {(a, b) for a, b, _ in of_tier(EXACT)}
        stats["candidates_exact"] = len(exact)
        pairs |= exact
    if config.near and near_usable >= 2:
        near = {(a, b) for a, b, _ in of_tier(NEAR)}
        stats["candidates_near"] = len(near)
        stats["near_buckets_starred"] = counts.get((NEAR, -1, -1), 0)
        pairs |= near
    if config.story and story_usable >= 2:
        found = of_tier(STORY)
        array = np.array([[a, b] for a, b, _ in found], dtype=np.int64).reshape(-1, 2)
        shared = np.array([c for _, _, c in found], dtype=np.int64)
        kept = top_k_per_item(array, shared, config.story_top_k)
        story = {(int(a), int(b)) for a, b in kept}
        skipped = counts.get((STORY, -1, -1), 0)
        stats["story_collisions"] = len(found)
        stats["candidates_story"] = len(story)
        stats["story_buckets_skipped"] = skipped
        warn_story_buckets_skipped(skipped, config)
        pairs |= story
    return sorted(pairs), stats


__all__ = ["INSTALL_HINT", "RayUnavailableError", "run_ray"]
