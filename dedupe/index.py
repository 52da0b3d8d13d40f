"""A persistent dedupe index (one SQLite file), so each new dump is deduplicated against every
article indexed by earlier runs without recomputing their signatures.

What is stored, per indexed article: its id, source, title and the run that added it; the
exact-tier key (`dedupe.shingles.exact_key`); the near-tier MinHash signature (word 5-grams,
`DedupeConfig.num_perm` permutations and `seed`, datasketch's affine32 scheme over
`dedupe.hashing.hash64` shingle hashes) as raw little-endian uint64 bytes; and one LSH
band key per band of that signature (an indexed column), with `(bands, rows)` chosen for the near
threshold the index was created with (`dedupe.lsh.optimal_params`).

`DedupeIndex.query` looks a new article up in two steps, strongest first:

* **exact**: an indexed article with the same exact key (similarity 1.0);
* **near**: indexed articles sharing at least one band key are candidates (approximate, as LSH
  always is); each is verified by the MinHash estimate of Jaccard (share of equal signature
  positions) against the current `near_threshold`. Within one run the near tier uses the exact
  Jaccard of the shingle sets; across runs only signatures are kept, so the estimate (standard
  error about 0.035 at 128 permutations) stands in for it.

The story tier (same event, other words) is **not** applied across runs: its TF-IDF weights come
from the whole collection of one run and would need the old collection's vocabulary. Within one
run it works as before.

Ties go to the earliest indexed article (lowest row), so results do not depend on SQLite's
scan order. `add` runs in one transaction: an exception (or Ctrl-C) inside it leaves the file as
it was. The schema is versioned in a `meta` table; a file written by a newer Winnow is refused,
and so is a schema 1 file: its signatures used the shingle hash and permutation scheme Winnow
had before (xxh3 of the 5-gram string, datasketch's "legacy" scheme), which no longer compare.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType

import numpy as np
import numpy.typing as npt
import xxhash

from dedupe.arrays import unique
from dedupe.core import SHINGLE_SIZE, DedupeConfig, DedupeResult, Duplicate, _text
from dedupe.errors import DedupeError
from dedupe.lsh import optimal_params
from dedupe.minhash import minhash
from dedupe.records import Doc, HasText, order_key, source_of, title_of
from dedupe.shingles import exact_key, shingle_hashes

logger = logging.getLogger(__name__)

U64 = npt.NDArray[np.uint64]

# 2: signatures from `dedupe.hashing.hash64` shingle hashes and the affine32 permutations
SCHEMA_VERSION = 2
SQLITE_MAGIC = b"SQLite format 3\x00"
# SQLite's default limit on bound parameters was 999 before 3.32; stay under it everywhere.
MAX_PARAMS = 900
MODES = ("update", "check")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, articles INTEGER NOT NULL, inputs TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    row INTEGER PRIMARY KEY, id TEXT NOT NULL, source TEXT NOT NULL, title TEXT NOT NULL,
    run_id TEXT NOT NULL, exact_key INTEGER NOT NULL, signature BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_exact ON articles (exact_key);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, article INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands (key);
"""


class DedupeIndexError(DedupeError):
    """An index file that is missing, not a Winnow index, or made with other settings."""


@dataclass(frozen=True, slots=True)
class IndexMatch:
    """A new document (`doc_id`) that duplicates an article indexed by an earlier run."""

    doc_id: str
    indexed_id: str
    indexed_source: str
    indexed_title: str
    indexed_run: str
    tier: str  # "exact" | "near"
    similarity: float


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What an index holds and the settings it was made with."""

    path: Path
    schema_version: int
    articles: int
    band_keys: int
    runs: list[tuple[str, int, list[str]]]  # (run id, articles added, input names), oldest first
    num_perm: int
    seed: int
    bands: int
    rows: int
    size_bytes: int


def _signed(value: int) -> int:
    """A uint64 as SQLite's signed 64-bit INTEGER (same bits).

    >>> _signed(2**64 - 1), _signed(5)
    (-1, 5)
    """
    return value - 2**64 if value >= 2**63 else value


@dataclass(slots=True)
class _Features:
    exact: int
    signature: U64 | None  # None: no words, nothing for the near tier to compare


class DedupeIndex:
    """One index file. Use `DedupeIndex.open(path, config)` as a context manager.

    >>> import tempfile
    >>> from dedupe.records import Record
    >>> config = DedupeConfig()
    >>> doc = Record("a1", "The harbour bridge reopened to traffic on Sunday.", source="x")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with DedupeIndex.open(Path(tmp) / "i.sqlite", config, create=True) as index:
    ...         _ = index.add([doc], "run-0001-demo")
    ...         copy = Record("b7", doc.text.upper(), source="y")
    ...         [(m.indexed_id, m.indexed_run, m.tier) for m in index.query([copy])]
    [('a1', 'run-0001-demo', 'exact')]
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, config: DedupeConfig | None) -> None:
        self.path = path
        self.conn = conn
        self._config = config
        self.bands, self.rows = self._settings()

    @property
    def config(self) -> DedupeConfig:
        """The settings queries and additions use (open the index with one to query or add)."""
        if self._config is None:
            raise ValueError("this index was opened without a DedupeConfig: pass one to open()")
        return self._config

    @classmethod
    def open(
        cls,
        path: Path,
        config: DedupeConfig | None = None,
        *,
        create: bool = False,
        readonly: bool = False,
    ) -> DedupeIndex:
        """Open (or, with `create`, make) the index at `path`; check it is one Winnow can use.

        Without `config` the index can only be inspected (`stats`); with one, its `num_perm` and
        `seed` must be those the index was built with.
        """
        exists = path.exists()
        if not exists and not create:
            raise DedupeIndexError(
                f"{path}: no dedupe index there; a `winnow clean --index {path}` run "
                "(--index-mode update) creates it"
            )
        if exists:
            _check_sqlite_file(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        if readonly:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        else:
            conn = sqlite3.connect(path)
        conn.isolation_level = None  # explicit BEGIN/COMMIT: one transaction per run
        try:
            if not exists:
                _create(conn, config or DedupeConfig())
            return cls(path, conn, config)
        except BaseException as exc:
            conn.close()
            if not isinstance(exc, sqlite3.DatabaseError):
                raise
            raise DedupeIndexError(
                f"{path}: not a usable Winnow dedupe index ({exc}); "
                "pass another --index path, or delete this file if it is a broken index"
            ) from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> DedupeIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _meta(self) -> dict[str, str]:
        try:
            rows = self.conn.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.OperationalError as exc:
            raise DedupeIndexError(
                f"{self.path}: an SQLite file, but not a Winnow dedupe index (no meta table); "
                "pass another --index path"
            ) from exc
        return {str(k): str(v) for k, v in rows}

    def _settings(self) -> tuple[int, int]:
        meta = self._meta()
        version = int(meta.get("schema_version", "0"))
        if version > SCHEMA_VERSION:
            raise DedupeIndexError(
                f"{self.path}: index schema version {version} was written by a newer Winnow "
                f"(this one reads up to {SCHEMA_VERSION}); upgrade Winnow to use it"
            )
        if version < 1:
            raise DedupeIndexError(f"{self.path}: not a Winnow dedupe index (no schema version)")
        if version < SCHEMA_VERSION and self._config is not None:  # `stats` can still read it
            raise DedupeIndexError(
                f"{self.path}: index schema version {version} holds signatures an older Winnow "
                "computed another way, which would not compare with this run's; remove it "
                "(winnow index rm) and index the earlier dumps again"
            )
        for name in ("num_perm", "seed"):
            if self._config is None:
                break
            stored, wanted = int(meta[name]), getattr(self._config, name)
            if stored != wanted:
                raise DedupeIndexError(
                    f"{self.path}: the index was built with {name}={stored}, this run uses "
                    f"{wanted}; signatures would not compare: use the same {name} or a new index"
                )
        return int(meta["bands"]), int(meta["rows"])

    # --- features ---------------------------------------------------------------------------

    def _features(self, doc: HasText) -> _Features:
        text = _text(doc)
        seed = self.config.seed
        shingles = unique(shingle_hashes(text, SHINGLE_SIZE, seed))
        signature = minhash(shingles, self.config.num_perm, seed) if shingles.size else None
        return _Features(exact_key(text, seed), signature)

    def _band_keys(self, signature: U64) -> list[int]:
        rows = self.rows
        data = signature.astype("<u8")
        return [
            _signed(xxhash.xxh3_64_intdigest(data[b * rows : (b + 1) * rows].tobytes(), seed=b))
            for b in range(self.bands)
        ]

    # --- query and add ----------------------------------------------------------------------

    def query(self, docs: Sequence[HasText]) -> list[IndexMatch]:
        """The best indexed match of each document that has one, in the order of `docs`.

        Exact matches win; otherwise the candidate with the highest signature similarity at or
        above `near_threshold`; ties go to the earliest indexed article.
        """
        matches: list[IndexMatch] = []
        for doc in docs:
            found = self._match(doc)
            if found is not None:
                matches.append(found)
        return matches

    def _match(self, doc: HasText) -> IndexMatch | None:
        features = self._features(doc)
        if self.config.exact:
            row = self.conn.execute(
                "SELECT id, source, title, run_id FROM articles WHERE exact_key = ? "
                "ORDER BY row LIMIT 1",
                (_signed(features.exact),),
            ).fetchone()
            if row is not None:
                id_, source, title, run_id = map(str, row)
                return IndexMatch(doc.id, id_, source, title, run_id, "exact", 1.0)
        if not self.config.near or features.signature is None:
            return None
        keys = self._band_keys(features.signature)
        candidates: set[int] = set()
        for chunk in _chunks(keys):
            marks = ",".join("?" * len(chunk))
            candidates.update(
                int(r[0])
                for r in self.conn.execute(
                    f"SELECT DISTINCT article FROM bands WHERE key IN ({marks})", chunk
                )
            )
        best: tuple[float, int, tuple[str, str, str, str]] | None = None
        for chunk in _chunks(sorted(candidates)):
            marks = ",".join("?" * len(chunk))
            for row, id_, source, title, run_id, blob in self.conn.execute(
                "SELECT row, id, source, title, run_id, signature FROM articles "
                f"WHERE row IN ({marks})",
                chunk,
            ):
                other = np.frombuffer(blob, dtype="<u8")
                if other.shape != features.signature.shape:
                    continue
                similarity = float(np.count_nonzero(other == features.signature)) / other.size
                if similarity < self.config.near_threshold:
                    continue
                if best is None or (-similarity, row) < (-best[0], best[1]):
                    best = (similarity, int(row), (id_, source, title, run_id))
        if best is None:
            return None
        id_, source, title, run_id = best[2]
        return IndexMatch(doc.id, id_, source, title, run_id, "near", round(best[0], 6))

    def add(self, docs: Iterable[HasText], run_id: str, inputs: Sequence[str] = ()) -> int:
        """Index `docs` as run `run_id`, in one transaction; returns how many were added.

        Any exception inside (a bad document, Ctrl-C) rolls the whole run back.
        """
        return self._add(docs, lambda seq: run_id, inputs)[1]

    def add_run(self, docs: Iterable[HasText], inputs: Sequence[str] = ()) -> tuple[str, int]:
        """Index `docs` as a new run, its number taken inside the same write transaction, so
        that two processes adding runs at once never get the same one; returns (run id,
        articles added)."""
        return self._add(docs, lambda seq: _run_id(seq, inputs), inputs)

    def _add(
        self, docs: Iterable[HasText], name: Callable[[int], str], inputs: Sequence[str]
    ) -> tuple[str, int]:
        cursor = self.conn.cursor()
        cursor.execute("BEGIN IMMEDIATE")  # the write lock first: no other run counts between
        try:
            seq = int(cursor.execute("SELECT COUNT(*) FROM runs").fetchone()[0]) + 1
            run_id = name(seq)
            added = 0
            for doc in docs:
                features = self._features(doc)
                signature = features.signature
                blob = b"" if signature is None else signature.astype("<u8").tobytes()
                cursor.execute(
                    "INSERT INTO articles (id, source, title, run_id, exact_key, signature) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (doc.id, source_of(doc), title_of(doc), run_id, _signed(features.exact), blob),
                )
                row = cursor.lastrowid
                if signature is not None:
                    cursor.executemany(
                        "INSERT INTO bands (key, article) VALUES (?, ?)",
                        [(key, row) for key in self._band_keys(signature)],
                    )
                added += 1
            cursor.execute(
                "INSERT INTO runs (run_id, seq, articles, inputs) VALUES (?, ?, ?, ?)",
                (run_id, seq, added, json.dumps(list(inputs), ensure_ascii=False)),
            )
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
        logger.info("index %s: added %d articles as run %s", self.path, added, run_id)
        return run_id, added

    def next_run_id(self, inputs: Sequence[str]) -> str:
        """A run id that is the same for the same inputs against the same index state.

        `run-<n>-<hash of the sorted input names>`, n counting the runs already indexed plus one.
        """
        seq = int(self.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]) + 1
        return _run_id(seq, inputs)

    def stats(self) -> IndexStats:
        """Counts and settings, for `winnow index stats`."""
        meta = self._meta()
        count = self.conn.execute
        runs = [
            (str(run_id), int(n), [str(x) for x in json.loads(inputs)])
            for run_id, n, inputs in count("SELECT run_id, articles, inputs FROM runs ORDER BY seq")
        ]
        return IndexStats(
            path=self.path,
            schema_version=int(meta["schema_version"]),
            articles=int(count("SELECT COUNT(*) FROM articles").fetchone()[0]),
            band_keys=int(count("SELECT COUNT(*) FROM bands").fetchone()[0]),
            runs=runs,
            num_perm=int(meta["num_perm"]),
            seed=int(meta["seed"]),
            bands=self.bands,
            rows=self.rows,
            size_bytes=self.path.stat().st_size,
        )


def _chunks(values: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), MAX_PARAMS):
        yield list(values[start : start + MAX_PARAMS])


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not SQLite before sqlite3 says something vaguer later."""
    if path.is_dir():
        raise DedupeIndexError(f"{path}: is a folder; --index takes a file such as index.sqlite")
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DedupeIndexError(f"{path}: cannot read the index ({exc})") from exc
    if head != SQLITE_MAGIC:
        raise DedupeIndexError(
            f"{path}: not a Winnow dedupe index (not an SQLite file); pass another --index path, "
            "or delete the file if it is a broken index"
        )


def _create(conn: sqlite3.Connection, config: DedupeConfig) -> None:
    bands, rows = optimal_params(config.near_threshold, config.num_perm)
    meta = {
        "schema_version": SCHEMA_VERSION,
        "num_perm": config.num_perm,
        "seed": config.seed,
        "shingle_size": SHINGLE_SIZE,
        "bands": bands,
        "rows": rows,
        "near_threshold": config.near_threshold,
    }
    conn.execute("BEGIN")  # not executescript: it would COMMIT first, outside this transaction
    for statement in filter(str.strip, SCHEMA.split(";")):
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)", [(k, str(v)) for k, v in meta.items()]
    )
    conn.execute("COMMIT")


# --- the run-level steps the CLI and the runner call ---------------------------------------------


def check_index(path: Path, mode: str, config: DedupeConfig) -> None:
    """Fail early (before a long run) when the index cannot be used in `mode`."""
    if mode not in MODES:
        raise DedupeIndexError(f"--index-mode must be one of {', '.join(MODES)}, got {mode!r}")
    if path.exists() or mode == "check":
        with DedupeIndex.open(path, config, readonly=True):
            pass


def dedupe_against_index(
    result: DedupeResult[Doc], path: Path, config: DedupeConfig
) -> DedupeResult[Doc]:
    """`result` with every document that duplicates an indexed article moved to duplicates.

    Kept documents and in-run duplicates are all looked up. A document with its own indexed
    match names that article. An in-run duplicate without one, whose in-run keeper matched, is
    re-pointed to the keeper's indexed article (keeping its own tier and similarity to that
    keeper), so no duplicate points at an article that was itself dropped. Duplicates are then
    listed in canonical order (source, first line, id). A missing index file (the first run in
    update mode) matches nothing.
    """
    if not path.exists():
        return result
    docs = [*result.kept, *(d.doc for d in result.duplicates)]
    with DedupeIndex.open(path, config, readonly=True) as index:
        matches = {m.doc_id: m for m in index.query(docs)}
    stats = dict(result.stats)
    stats["index_matches"] = len(matches)
    if not matches:
        return replace(result, stats=dict(sorted(stats.items())))
    dropped: list[Duplicate[Doc]] = []
    for dup in result.duplicates:
        match = matches.get(dup.doc.id) or matches.get(dup.duplicate_of)
        if match is None:
            dropped.append(dup)
            continue
        own = match.doc_id == dup.doc.id
        dropped.append(
            replace(
                dup,
                duplicate_of=match.indexed_id,
                tier=match.tier if own else dup.tier,
                similarity=match.similarity if own else dup.similarity,
                duplicate_of_source=match.indexed_source,
                duplicate_of_run=match.indexed_run,
                duplicate_of_title=match.indexed_title,
            )
        )
    kept: list[Doc] = []
    for doc in result.kept:
        match = matches.get(doc.id)
        if match is None:
            kept.append(doc)
            continue
        dropped.append(
            Duplicate(
                doc,
                match.indexed_id,
                match.tier,
                match.similarity,
                duplicate_of_source=match.indexed_source,
                duplicate_of_run=match.indexed_run,
                duplicate_of_title=match.indexed_title,
            )
        )
    dropped.sort(key=lambda d: order_key(d.doc))
    return replace(result, kept=kept, duplicates=dropped, stats=dict(sorted(stats.items())))


def _run_id(seq: int, inputs: Sequence[str]) -> str:
    digest = hashlib.blake2b("\0".join(sorted(inputs)).encode(), digest_size=4).hexdigest()
    return f"run-{seq:04d}-{digest}"


def update_index(
    path: Path, docs: Sequence[HasText], inputs: Sequence[str], config: DedupeConfig
) -> tuple[str, int]:
    """Add a finished run's kept `docs` to the index at `path` (created if missing).

    Returns (run id, articles added). On any failure the index is left as it was; a file this
    call created is removed again.
    """
    created = not path.exists()
    try:
        with DedupeIndex.open(path, config, create=True) as index:
            return index.add_run(docs, inputs)
    except BaseException:
        if created:
            path.unlink(missing_ok=True)
        raise


def remove_index(path: Path) -> None:
    """Delete an index file (for `winnow index rm`); refuses anything that is not SQLite."""
    if not path.exists():
        raise DedupeIndexError(f"{path}: no index there, nothing to remove")
    _check_sqlite_file(path)
    path.unlink()
    for suffix in ("-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


__all__ = [
    "SCHEMA_VERSION",
    "DedupeIndex",
    "DedupeIndexError",
    "IndexMatch",
    "IndexStats",
    "check_index",
    "dedupe_against_index",
    "remove_index",
    "update_index",
]
