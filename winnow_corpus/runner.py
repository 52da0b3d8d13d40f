"""One whole run: read inputs, split, clean, deduplicate, and write `corpus/clean/`.

The CLI is a thin shell over `run()` and `write_run()`; a library caller gets the same
`RunResult`, so the counts it sees are the ones the CLI prints. Per-file problems never stop a
run: the file is skipped and named in `RunResult.skipped` (the CLI then exits 1). Files are
checked whole before their first article is read, so the one exception is a file that changes
or fails while it is read: its first articles are already cleaned, and the run stops with an
`InputError` (no output is written).

Articles stream: reader -> splitter -> cleaning workers -> a `DocumentStore` on disk, so memory
holds only what dedupe compares, never the raw or the cleaned corpus.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from functools import partial
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from cleaners import footers
from cleaners.document import Document, UniqueIds, category_of, removal_record
from cleaners.footers import LineKeys
from cleaners.options import CleanOptions
from cleaners.reasons import summary_reason
from cleaners.split import split_dump
from dedupe import DedupeConfig, DedupeResult, find_duplicates
from dedupe.batch_features import FeatureColumns
from dedupe.core import DocumentFeatures, FeatureSpill, feature_columns, features_of
from dedupe.index import check_index, dedupe_against_index
from dedupe.parallel import can_fork, fork_call, fork_calls, slices
from dedupe.spill import Selection
from winnow_corpus.errors import ConfigError, InputError, OutputError, WinnowError, WorkerLost
from winnow_corpus.executors import Executor
from winnow_corpus.executors.local import LocalProcesses
from winnow_corpus.io import (
    OUTPUT_README,
    STDIN,
    AtomicOutputDir,
    BadRecord,
    InputFile,
    TextStream,
    iter_jsonl,
    iter_parquet,
)
from winnow_corpus.report_html import ArticleKey, article_key, render_report
from winnow_corpus.store import (
    DocumentStore,
    DocumentView,
    Packed,
    StoredFields,
    document_records,
    pack,
    packed_fields,
    unpack,
)
from winnow_corpus.story_text import masked_story_features, masks
from winnow_corpus.writers import (
    JSONL_SUFFIX,
    OutputOptions,
    append_file,
    copy_into,
    jsonl_line,
    shaped_records,
    write_articles,
    write_jsonl,
    write_lines,
    write_lines_to,
)

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")  # where a run's stages execute; the result is the same on each

# stage name, items done, items in all (0 when unknown)
Progress = Callable[[str, int, int], None]


MAX_ARTICLE_BYTES = 10_000_000  # --max-article-bytes's default
MIN_ARTICLE_BYTES = 1_000  # a smaller cap would cut ordinary paragraphs


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything a run needs besides its inputs; every CLI flag maps to one field."""

    clean: CleanOptions = field(default_factory=CleanOptions)
    dedupe: DedupeConfig = field(default_factory=DedupeConfig)
    deduplicate: bool = True
    keep_duplicates: bool = False
    split_on: str | None = None
    # An article longer than this (UTF-8 bytes) is split into parts, each kept and marked in its
    # meta: one endless article (a 3 GB dump without a blank line) grew past 9.6 GB as one
    # article; 10 MB is some 200 times the longest real news article in the shared corpus.
    max_article_bytes: int = MAX_ARTICLE_BYTES
    text_field: str = "text"
    title_field: str = "title"
    strict: bool = False  # stop at the first bad JSONL record instead of skipping it
    jobs: int = 1  # worker processes for cleaning; output is identical for any value
    index: Path | None = None  # a dedupe index (dedupe.index) holding earlier runs' articles
    index_mode: str = "update"  # "update": the CLI adds kept articles after writing; "check": not
    engine: str = "local"  # where the batch tasks run: "local" (--jobs workers) or "ray"
    ray_address: str | None = None  # for engine "ray": None starts a local Ray; "auto"; ray://
    output: OutputOptions = field(default_factory=OutputOptions)  # format, compression, shards
    temp_dir: Path | None = None  # where cleaned articles wait on disk; None: the system's temp

    def __post_init__(self) -> None:
        if self.split_on is not None:
            try:
                re.compile(self.split_on)
            except re.error as exc:
                raise ConfigError(
                    f"--split-on {self.split_on!r} is not a valid regex: {exc}"
                ) from exc
        if self.jobs < 1:
            raise ConfigError(f"--jobs must be 1 or more, got {self.jobs}")
        if self.max_article_bytes < MIN_ARTICLE_BYTES:
            raise ConfigError(
                f"--max-article-bytes must be {MIN_ARTICLE_BYTES:,} or more, "
                f"got {self.max_article_bytes:,}"
            )
        if self.index_mode not in ("update", "check"):
            raise ConfigError(f"--index-mode must be update or check, got {self.index_mode!r}")
        if self.index is not None and not self.deduplicate:
            raise ConfigError("--index needs duplicate detection; drop --no-dedupe")
        if self.engine not in ENGINES:
            raise ConfigError(f"--engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")


@dataclass(slots=True)
class InputReport:
    source: str
    kind: str
    encoding: str = ""
    articles: int = 0
    split_articles: int = 0  # articles over --max-article-bytes, each given out in parts
    split_parts: int = 0  # the parts they became (counted in `articles`)
    notes: list[str] = field(default_factory=list)
    error: str = ""


@dataclass(slots=True)
class RunResult:
    inputs: list[InputReport]
    documents: Sequence[Document]  # every cleaned article, before dedupe, in input order
    dedupe: DedupeResult[Document]
    bad_records: list[BadRecord]
    timings: dict[str, float]
    config: RunConfig
    # removed.jsonl as written while dedupe ran (`run(..., write_ahead=True)`), waiting for
    # `write_run` in an unlinked temporary file: its handle and its record count
    removed_ahead: tuple[BinaryIO, int] | None = None

    @property
    def skipped(self) -> list[InputReport]:
        return [item for item in self.inputs if item.error]

    _summary: RunSummary | None = field(default=None, init=False, repr=False, compare=False)

    def summary(self) -> RunSummary:
        """Titles and removal counts of every article, from one read of them all, kept: the
        articles wait on disk (`winnow_corpus.store`), and the report asks for these several
        times."""
        if self._summary is None:
            self._summary = RunSummary.of(self.documents)
        return self._summary

    def removal_counts(self) -> Counter[str]:
        """Removals per rule, counted from the documents themselves (never kept twice)."""
        counts: Counter[str] = Counter()
        for (_, rule), count in self.summary().removals.items():
            counts[rule] += count
        return counts

    def reason_counts(self) -> Counter[str]:
        """Removals per reason, a detail about each line left out (`summary_reason`)."""
        counts: Counter[str] = Counter()
        for (reason, rule), count in self.summary().removals.items():
            counts[summary_reason(rule, reason)] += count
        return counts


@dataclass(frozen=True, slots=True)
class RunSummary:
    titles: dict[str, str]  # article id -> title
    removals: Counter[tuple[str, str]]  # (reason, rule) -> lines removed
    emptied: int  # articles cleaning removed whole

    @classmethod
    def of(cls, docs: Sequence[Document]) -> RunSummary:
        titles: dict[str, str] = {}
        removals: Counter[tuple[str, str]] = Counter()
        emptied = 0
        for doc in packed_fields(docs):
            titles[doc.id] = doc.title
            removals.update((reason, rule) for _, reason, rule, _ in doc.removed)
            emptied += is_emptied(doc)
        return cls(titles, removals, emptied)


def run(
    inputs: Sequence[InputFile],
    config: RunConfig | None = None,
    progress: Progress | None = None,
    write_ahead: bool = False,
) -> RunResult:
    """Read, split, clean and deduplicate `inputs`.

    Articles stream from the readers into cleaning and from cleaning into a `DocumentStore` on
    disk: neither the raw nor the cleaned corpus is held in memory, only what dedupe compares.
    `write_ahead`: the caller will `write_run` the result, so what needs no dedupe result
    (removed.jsonl, the run's summary) may be made while dedupe runs (`_while_deduplicating`).
    """
    config = config or RunConfig()
    notify = progress or (lambda stage, done, total: None)
    timings: dict[str, float] = {"read+split": 0.0}
    reports: list[InputReport] = []
    bad_records: list[BadRecord] = []
    if config.index is not None:  # a broken or missing index fails before the long part
        check_index(config.index, config.index_mode, config.dedupe)
    raw = _timed(_raw_documents(inputs, config, reports, bad_records, notify), timings)
    return _clean_and_dedupe(raw, config, notify, reports, bad_records, timings, write_ahead)


def _raw_documents(
    inputs: Sequence[InputFile],
    config: RunConfig,
    reports: list[InputReport],
    bad_records: list[BadRecord],
    notify: Progress,
) -> Iterator[Document]:
    """Every input's articles in order, read as they are asked for.

    A file that cannot be read (missing, binary, not text) is skipped and named in its report
    before any of its articles is given out (`read_documents`). Ids come from content and
    position (`stable_id`); one that an earlier article of the run already has gets a suffix.
    """
    ids = UniqueIds()
    for number, source in enumerate(inputs, start=1):
        report = InputReport(source.display, source.kind)
        reports.append(report)
        try:
            docs = read_documents(source, config, report, bad_records)
        except WinnowError as exc:
            report.error = str(exc)
            log.warning("skipped %s", exc)
            notify("read", number, len(inputs))
            continue
        for doc in docs:
            report.articles += 1
            doc.id = ids.claim(doc.id)
            yield doc
        notify("read", number, len(inputs))


def read_documents(
    source: InputFile, config: RunConfig, report: InputReport, bad: list[BadRecord]
) -> Iterator[Document]:
    """One input's articles, read as they are taken.

    Raises `WinnowError` at once for an input that cannot be used (missing, binary, not text).
    A text input (dump, JSONL) is checked whole first (`TextStream`) and then read line by
    line; its notes are in `report` once its articles are all taken. A Parquet file, or a JSONL
    file under `--strict`, is read whole first instead, so that a corrupt row group or a bad
    record skips the file before any of its articles is cleaned.
    """
    fields = (config.text_field, config.title_field)
    if source.kind == "parquet":
        report.encoding = "parquet"
        return iter(
            list(
                _good_records(
                    iter_parquet(source, *fields, max_record_chars=config.max_article_bytes),
                    config,
                    report,
                    bad,
                )
            )
        )
    stream = TextStream(source)
    report.encoding = stream.encoding
    report.notes.extend(stream.notes)  # how it was decoded; what reading finds comes later
    if source.kind == "dump":
        docs = split_dump(
            stream.lines(),
            source.display,
            split_on=config.split_on,
            max_article_bytes=config.max_article_bytes,
        )
        docs = _count_parts(docs, report, config.max_article_bytes)
    else:
        records = iter_jsonl(stream, *fields, max_record_chars=config.max_article_bytes)
        docs = _good_records(records, config, report, bad)
    if config.strict:
        return iter(list(_then_notes(docs, stream, report)))
    return _then_notes(docs, stream, report)


def _count_parts(docs: Iterable[Document], report: InputReport, cap: int) -> Iterator[Document]:
    """`docs`, counting the parts of over-long articles into `report`, with a note at the end
    (the summary shows it for the file; nothing is split without a word)."""
    for doc in docs:
        part = doc.meta.get("split_oversize")
        if part is not None:
            report.split_parts += 1
            report.split_articles += part["part"] == 1
        yield doc
    if report.split_articles:
        report.notes.append(
            f"{report.source}: {report.split_articles} article(s) over --max-article-bytes "
            f"({cap:,} bytes) split into {report.split_parts} parts, each kept and marked "
            "in meta.split_oversize"
        )


def _then_notes(
    docs: Iterable[Document], stream: TextStream, report: InputReport
) -> Iterator[Document]:
    """`docs`, then the notes the stream made while they were read (CR/CRLF line ends)."""
    known = len(stream.notes)
    yield from docs
    report.notes.extend(stream.notes[known:])


def _timed(items: Iterable[T], timings: dict[str, float]) -> Iterator[T]:
    """`items`, adding the time spent producing them to `timings["read+split"]`: with reading
    and cleaning interleaved, the only honest way to say what reading cost."""
    iterator = iter(items)
    while True:
        started = time.perf_counter()
        item = next(iterator, _END)
        timings["read+split"] += time.perf_counter() - started
        if item is _END:
            return
        yield item


def run_documents(
    docs: Iterable[Document],
    config: RunConfig | None = None,
    progress: Progress | None = None,
    write_ahead: bool = False,
) -> RunResult:
    """Clean and deduplicate documents a caller already holds (the library path of `run`)."""
    config = config or RunConfig()
    if config.index is not None:
        check_index(config.index, config.index_mode, config.dedupe)
    notify = progress or (lambda stage, done, total: None)
    return _clean_and_dedupe(docs, config, notify, [], [], {}, write_ahead)


def _clean_and_dedupe(
    raw_docs: Iterable[Document],
    config: RunConfig,
    notify: Progress,
    reports: list[InputReport],
    bad_records: list[BadRecord],
    timings: dict[str, float],
    write_ahead: bool = False,
) -> RunResult:
    started = time.perf_counter()
    cleaned = DocumentStore(config.temp_dir)
    features = FeatureSpill(config.temp_dir)  # hashes on disk past 16 MB each
    line_keys: list[LineKeys] = []
    emptied: set[int] = set()  # positions of articles cleaning removed whole
    # one executor for both passes: its workers start once
    with _executor(config) as executor:
        for batch, gone, columns, keys in _clean_all(raw_docs, config, notify, executor):
            emptied.update(len(cleaned) + i for i, empty in enumerate(gone) if empty)
            for data in batch:
                cleaned.append_packed(data)
            features.extend(columns, gone)
            line_keys += keys
        for position, (packed, empty, feature) in _recurring_dropped(
            cleaned, line_keys, config, executor
        ):
            cleaned.set_packed(position, packed)
            features[position] = feature
            if empty:
                emptied.add(position)
    del line_keys
    timings["clean"] = time.perf_counter() - started - timings.get("read+split", 0.0)

    # An article whose every line was removed is not written, but its removals still are
    # (removed.jsonl, the report): nothing goes unreported.
    substantive = [i for i in range(len(cleaned)) if i not in emptied]
    started = time.perf_counter()
    docs = DocumentView(cleaned, substantive)
    ahead = _while_deduplicating(cleaned, config) if write_ahead else nullcontext(_nothing_ahead)
    with ahead as made_ahead:
        result = _deduplicated(cleaned, docs, features, substantive, config)
        summary, removed = made_ahead()
    notify("dedupe", len(substantive), len(substantive))
    timings["dedupe"] = time.perf_counter() - started
    run_result = RunResult(reports, cleaned, result, bad_records, timings, config, removed)
    run_result._summary = summary
    return run_result


def _deduplicated(
    cleaned: DocumentStore,
    docs: DocumentView,
    features: FeatureSpill,
    substantive: list[int],
    config: RunConfig,
) -> DedupeResult[Document]:
    try:
        if config.deduplicate:
            # find_duplicates closes the selection, and so the features, once it has its own
            # copy of them in its own order
            if masks(config.dedupe):
                masked = masked_story_features(
                    Selection(StoredFields(cleaned), substantive),
                    Selection(features, substantive),
                    config.dedupe.seed,
                    config.jobs,
                )
                for position, feature in masked:
                    features[substantive[position]] = feature
            given = Selection(features, substantive)
            result = find_duplicates(docs, config.dedupe, given, config.jobs, config.temp_dir)
            if config.index is not None:
                result = dedupe_against_index(result, config.index, config.dedupe)
        else:
            result = DedupeResult(kept=docs, duplicates=[], clusters=[])
    finally:
        features.close()
    return result


# what `_while_deduplicating` made: the run's summary and removed.jsonl (or None for each)
MadeAhead = tuple[RunSummary | None, tuple[BinaryIO, int] | None]


def _nothing_ahead() -> MadeAhead:
    return None, None


@contextmanager
def _while_deduplicating(
    store: DocumentStore, config: RunConfig
) -> Iterator[Callable[[], MadeAhead]]:
    """The run's summary and removed.jsonl, made in a forked child while the block runs
    (dedupe): both need only the cleaned articles, and dedupe's serial steps leave a core idle
    that the writers would otherwise need after it. The file waits unlinked in the run's temp
    folder, so nothing is left behind whatever ends the run. Only where the writers would fork
    (`_writer_jobs`); elsewhere the block gets nothing and `write_run` makes both itself."""
    if _writer_jobs(config) < 2 or not can_fork():
        yield _nothing_ahead
        return
    spool = tempfile.TemporaryFile(dir=config.temp_dir)  # noqa: SIM115 (the result holds it)
    compression = config.output.compression

    def make() -> tuple[RunSummary, int]:
        # at the lowest priority: dedupe's forked steps keep both cores busy, and this child
        # is to take only what its serial steps leave idle, not to slow those steps down
        with suppress(OSError):
            os.nice(19)
        return RunSummary.of(store), write_lines_to(spool, removal_lines_of(store), compression)

    try:
        with fork_call(make) as answer:

            def made() -> MadeAhead:
                try:
                    summary, count = answer()
                except (OSError, WorkerLost):  # the temp disk full, the child killed: the
                    # writers make both themselves as without this child, or say why they cannot
                    spool.close()
                    return _nothing_ahead()
                return summary, (spool, count)

            yield made
    except BaseException:
        spool.close()
        raise


def is_emptied(doc: Document | Packed) -> bool:
    """True when cleaning removed the whole article (no title, no text left)."""
    return not (doc.text.strip() or doc.title.strip())


# What the batch task imports when it runs (`executors.local` preloads them in the workers' fork
# server): the cleaning rules, which the main process of a run with workers never loads.
WORKER_IMPORTS = ("cleaners.pipeline",)
CHUNK = 1024  # articles per batch task: see `_clean_all`
# text per task at most: CHUNK articles at the --max-article-bytes cap would be 10 GB in one
# batch (a 300 MB stream without a blank line, cut in 30 parts, ran out of a 3 GB limit so)
CHUNK_CHARS = 16 << 20
T = TypeVar("T")
_END: Any = object()

# the batch task's answer: each cleaned article as the store holds it (`store.pack`), whether
# cleaning emptied it, the dedupe features of those it did not (None where the run does not
# deduplicate) and each article's line shape keys
CleanedBatch = tuple[list[bytes], list[bool], FeatureColumns | None, list[LineKeys]]


def _clean_all(
    docs: Iterable[Document], config: RunConfig, notify: Progress, executor: Executor
) -> Iterator[CleanedBatch]:
    """Each batch of documents cleaned, in input order, one batch task at a time on the run's
    executor.

    Documents are taken from `docs` a batch at a time, as the executor is ready for them, so
    the raw corpus is never held whole. Articles cross to the task and back packed
    (`store.pack`), so the main process writes a cleaned article to the store as it came. The
    task also computes each cleaned article's dedupe features (the per-document part of
    `find_duplicates`) and its line shape keys for recurring-line learning
    (`footers.line_keys`), so that work runs where the cleaning runs.

    A batch is `CHUNK` articles: every column kernel a stage calls has a fixed cost, and the
    cleaning stages took about a quarter less CPU with batches of 1,024 articles of lined news
    than with 256; 2,048 and 4,096 saved nothing more, and fewer, larger batches share two
    cores less evenly on a small corpus.
    """
    seed = config.dedupe.seed if config.deduplicate else None
    calls = (([pack(doc) for doc in chunk], config.clean, seed) for chunk in _chunks(docs, CHUNK))
    done = 0
    for result in executor.ordered(_clean_packed, calls):
        yield result
        done += len(result[0])
        notify("clean", done, 0)


# an article recurring-line removal changed: as the store holds it, whether it is now empty,
# and its new dedupe features (None where the run does not deduplicate or it is empty)
Dropped = tuple[bytes, bool, DocumentFeatures | None]


def _recurring_dropped(
    cleaned: DocumentStore, line_keys: list[LineKeys], config: RunConfig, executor: Executor
) -> Iterator[tuple[int, Dropped]]:
    """(position, the article changed) for each article holding a line shape that recurs
    across the run (`footers.recurring_keys`), in order.

    Learning is collection-wide and runs here, on the keys the batch tasks computed; the
    removal and the changed articles' new dedupe features are a second batch task on the same
    executor, so they run where the cleaning ran, not in this process."""
    options = config.clean
    if not footers.learns_recurring(len(line_keys), options):
        return
    if "footers.recurring" in options.disabled_rules:
        return  # the rule is off: no article changes
    wanted = footers.recurring_keys(line_keys, options).array()
    holding = footers.holding_recurring(line_keys, wanted)
    chunks = [holding[at : at + CHUNK] for at in range(0, len(holding), CHUNK)]
    seed = config.dedupe.seed if config.deduplicate else None
    calls = (([cleaned.stored(p) for p in chunk], wanted, seed) for chunk in chunks)
    for chunk, result in zip(chunks, executor.ordered(_drop_recurring_packed, calls), strict=True):
        yield from zip(chunk, zip(*result, strict=True), strict=True)


def _drop_recurring_packed(
    raw: list[bytes], wanted: LineKeys, seed: int | None
) -> tuple[list[bytes], list[bool], list[DocumentFeatures | None]]:
    """The second batch task: drop a batch's recurring lines (`wanted` shape keys), then the
    changed articles' dedupe features (none where `seed` is None)."""
    changed = footers.drop_recurring_lines([unpack(data) for data in raw], wanted)
    empty = [is_emptied(doc) for doc in changed]
    return [pack(doc) for doc in changed], empty, _features_unless_empty(changed, empty, seed)


@contextmanager
def _executor(config: RunConfig) -> Iterator[Executor]:
    if config.engine == "ray":  # imported here: Ray is an optional extra
        from winnow_corpus.executors.ray_tasks import ray_tasks

        with ray_tasks(config.ray_address) as tasks:
            yield tasks
    else:
        with LocalProcesses(config.jobs) as local:
            yield local


def _chunks(
    docs: Iterable[Document], size: int, max_chars: int = CHUNK_CHARS
) -> Iterator[list[Document]]:
    """`docs` in order, `size` at a time, or fewer once a chunk holds `max_chars` of text."""
    chunk: list[Document] = []
    held = 0
    for doc in docs:
        chunk.append(doc)
        held += len(doc.text)
        if len(chunk) >= size or held >= max_chars:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def _clean_packed(raw: list[bytes], options: CleanOptions, seed: int | None) -> CleanedBatch:
    """The batch task: clean a batch of packed articles, then the per-article parts of the
    later, whole-run steps (dedupe features unless `seed` is None, recurring-line keys), so
    they too run wherever the executor runs the batch."""
    from cleaners.pipeline import clean_many  # preloaded where workers run (WORKER_IMPORTS)

    cleaned = clean_many([unpack(data) for data in raw], options)
    keys = footers.line_keys_of(cleaned)
    empty = [is_emptied(doc) for doc in cleaned]
    kept = [doc for doc, gone in zip(cleaned, empty, strict=True) if not gone]
    columns = None if seed is None else feature_columns(kept, seed)
    return [pack(doc) for doc in cleaned], empty, columns, keys


def _features_unless_empty(
    docs: list[Document], empty: list[bool], seed: int | None
) -> list[DocumentFeatures | None]:
    """Each non-empty article's dedupe features, computed for the batch at once (None for an
    empty one, and for all where `seed` is None)."""
    if seed is None:
        return [None] * len(docs)
    found = iter(
        features_of([doc for doc, gone in zip(docs, empty, strict=True) if not gone], seed)
    )
    return [None if gone else next(found) for gone in empty]


def _good_records(
    items: Iterable[Document | BadRecord],
    config: RunConfig,
    report: InputReport,
    bad: list[BadRecord],
) -> Iterator[Document]:
    """The documents of a record reader; each bad record noted, or under `--strict` an error."""
    for item in items:
        if isinstance(item, BadRecord):
            if config.strict:
                raise InputError(f"{item} (--strict stops at the first bad record)")
            bad.append(item)
            report.notes.append(str(item))
            continue
        yield item


# --- output -------------------------------------------------------------------------------------


def _written_documents(result: RunResult) -> Sequence[Document]:
    """The articles articles.jsonl holds: kept ones, or with --keep-duplicates every
    non-empty one."""
    if result.config.keep_duplicates:
        docs = result.documents
        kept = [i for i, doc in enumerate(packed_fields(docs)) if not is_emptied(doc)]
        return DocumentView(docs, kept)
    return result.dedupe.kept


def article_records(
    result: RunResult, docs: Sequence[Document] | None = None
) -> Iterator[dict[str, Any]]:
    """articles.jsonl: kept articles (and, with --keep-duplicates, the duplicates annotated),
    one record at a time, so writing them never holds a dict per article."""
    cluster_of = {m: c.id for c in result.dedupe.clusters for m in c.members}
    dropped = {d.doc.id: d for d in result.dedupe.duplicates}
    for record in document_records(_written_documents(result) if docs is None else docs):
        record["cluster"] = cluster_of.get(record["id"])
        duplicate = dropped.get(record["id"])
        if duplicate is not None:
            record["duplicate_of"] = duplicate.duplicate_of
            record["tier"] = duplicate.tier
            record["similarity"] = round(duplicate.similarity, 4)
        yield record


def duplicate_records(result: RunResult) -> Iterator[dict[str, Any]]:
    """duplicates.jsonl, one record at a time."""
    cluster_of = {m: c.id for c in result.dedupe.clusters for m in c.members}
    titles = result.summary().titles
    for d in result.dedupe.duplicates:
        yield {
            "id": d.doc.id,
            "title": d.doc.title,
            "meta": d.doc.meta,
            "source": d.doc.source,
            "lines": list(d.doc.lines),
            "duplicate_of": d.duplicate_of,
            "duplicate_of_title": d.duplicate_of_title or titles.get(d.duplicate_of, ""),
            # only for a match found in the dedupe index: where that earlier article came from
            **(
                {
                    "duplicate_of_source": d.duplicate_of_source,
                    "duplicate_of_run": d.duplicate_of_run,
                }
                if d.duplicate_of_run
                else {}
            ),
            "tier": d.tier,
            "similarity": round(d.similarity, 4),
            "cluster": cluster_of.get(d.doc.id),
            "text": d.doc.text,
        }


def removal_lines_of(docs: Sequence[Document]) -> Iterator[bytes]:
    """removed.jsonl's lines of `docs`: `jsonl_line` of each of `removal_records_of`, the same
    bytes, with each string escaped as the encoder escapes it (`encode_basestring`) and put in
    its sorted place. A run removes ten to a hundred lines an article, and a dict and the
    encoder per line took four times as long (0.74 against 0.16 CPU-s on 10 MB of lined news)."""
    escaped: dict[tuple[str, str], tuple[str, str, str]] = {}  # (reason, rule) -> their JSON
    for doc in packed_fields(docs):
        opening = f'"id": {encode_basestring(doc.id)}, "line": '
        closing = f', "source": {encode_basestring(doc.source)}, "text": '
        for removal in doc.removed:
            text, reason, rule, line = removal
            if type(line) is not int:  # only an int is written as its repr
                yield jsonl_line(_removal_record(doc, *removal))
                continue
            known = escaped.get((reason, rule))
            if known is None:
                known = escaped[reason, rule] = (
                    encode_basestring(category_of(rule)),
                    encode_basestring(reason),
                    encode_basestring(rule),
                )
            category, why, name = known
            yield (
                f'{{"category": {category}, {opening}{line}, "reason": {why}, "rule": {name}'
                f"{closing}{encode_basestring(text)}}}\n"
            ).encode()


def removal_records_of(docs: Sequence[Document]) -> Iterator[dict[str, Any]]:
    """removed.jsonl's records of `docs`: `Removal.to_dict` and `Removal.category` of each,
    made from the stored fields (`packed_fields`) without building the `Removal`."""
    for doc in packed_fields(docs):
        for removal in doc.removed:
            yield _removal_record(doc, *removal)


def _removal_record(doc: Packed, text: str, reason: str, rule: str, line: int) -> dict[str, Any]:
    """One record of removed.jsonl: the removal and the article it was removed from."""
    record = removal_record(text, reason, rule, line)
    return {"id": doc.id, "source": doc.source, **record, "category": category_of(rule)}


def build_report(result: RunResult) -> dict[str, Any]:
    """report.json: what the run did, with nothing that changes between identical runs."""
    titles = result.summary().titles
    by_reason: dict[str, int] = dict(sorted(result.reason_counts().items()))
    by_rule: dict[str, int] = dict(sorted(result.removal_counts().items()))
    return {
        "inputs": [
            {
                "source": item.source,
                "kind": item.kind,
                "encoding": item.encoding,
                "articles": item.articles,
                "split_oversize": {"articles": item.split_articles, "parts": item.split_parts},
                "notes": item.notes,
                "error": item.error,
            }
            for item in result.inputs
        ],
        "counts": {
            "inputs": len(result.inputs),
            "skipped_inputs": len(result.skipped),
            "bad_records": len(result.bad_records),
            "articles": len(result.documents),
            "emptied_by_cleaning": result.summary().emptied,
            "kept": len(result.dedupe.kept),
            "duplicates": len(result.dedupe.duplicates),
            "clusters": len(result.dedupe.clusters),
            "lines_removed": sum(by_rule.values()),
        },
        "removed_by_reason": by_reason,
        "removed_by_rule": by_rule,
        "duplicates_by_tier": dict(
            sorted(Counter(d.tier for d in result.dedupe.duplicates).items())
        ),
        "clusters": [
            {
                "id": cluster.id,
                "tier": cluster.tier,
                "keeper": cluster.keeper,
                "members": [
                    {
                        "id": member,
                        "title": titles.get(member, ""),
                        "similarity": round(cluster.similarities.get(member, 1.0), 4),
                    }
                    for member in cluster.members
                ],
            }
            for cluster in result.dedupe.clusters
        ],
        "bad_records": [str(b) for b in result.bad_records],
    }


def slug(title: str, limit: int = 60) -> str:
    """A file-name-safe ASCII slug of a title.

    >>> slug("Lyon’s “new” plan: 5 things — explained…")
    'lyons-new-plan-5-things-explained'
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower().replace("'", ""))
    text = "-".join(words)[:limit].strip("-")
    return text or "untitled"


def write_run(result: RunResult, out: Path) -> dict[str, int]:
    """Write the whole output folder atomically; returns record counts per file kind.

    With `--jobs` above 1 (local engine, JSONL output) the .txt files, the articles, and the
    duplicates and removals are written by forked children at once (`fork_call`,
    `fork_calls`): one after another they were the longest part of a run that used one core,
    several seconds per 100 MB. `report.html` is rendered from the other files while the
    .txt files are still being written. The files are the same either way.
    """
    config = result.config
    options = config.output
    suffix = JSONL_SUFFIX[options.compression]
    docs = _written_documents(result)
    try:
        with AtomicOutputDir(out) as target:
            try:
                written = _write_files(result, docs, target, suffix)
            except OSError as exc:  # a full disk, wherever a writer met it (a forked one too)
                raise OutputError(
                    f"cannot write the output to {out} ({exc.strerror or exc}); the previous "
                    "output is left as it was: free space there or choose another folder with "
                    "--out"
                ) from exc
    finally:
        if result.removed_ahead is not None:  # its disk space back now, not at the exit
            result.removed_ahead[0].close()
            result.removed_ahead = None
    return {"articles": len(docs), "duplicates": 0, "removed": 0, "txt": 0, **written}


def _write_files(
    result: RunResult, docs: Sequence[Document], target: AtomicOutputDir, suffix: str
) -> Counter[str]:
    """Every file of the output folder into `target`; returns records written per file kind."""
    options = result.config.output
    result.summary()  # one read of every article, here, so every writer inherits it
    jobs = _writer_jobs(result.config)
    # The .txt files in one call (two processes creating files in one folder were slower than
    # one), and with jobs in a child of their own from the start: creating thousands of files
    # is the longest writer, and the other files and the report are written beside it.
    txt = partial(_write_txt_files, docs, target) if options.txt_files else _no_files
    beside = options.txt_files and jobs > 1
    writers = jobs - 1 if beside else jobs
    parts = _article_parts(len(docs), options, writers)
    calls = [partial(_write_articles_file, result, docs, target, part) for part in parts]
    calls.append(partial(_write_duplicates_and_removals, result, target, suffix))
    with fork_call(txt, fork=beside) as txt_written:
        answers = fork_calls(calls, writers)
        _join_article_parts(target, parts)
        names = [name for _, files, _ in answers for name in files]
        keys = [key for _, _, keys in answers for key in keys]
        _write_report_files(result, target, names, keys)
        answers.insert(0, txt_written())  # with one job, the .txt files are written here
    written: Counter[str] = Counter()
    for counts, _, _ in answers:
        written.update(counts)
    return written


def _writer_jobs(config: RunConfig) -> int:
    """How many processes write the output files: one under Ray (its driver keeps threads and
    connections a fork would copy) and for Parquet (pyarrow's thread pools are not safe to use
    in a forked child), else the run's jobs."""
    return config.jobs if config.engine == "local" and config.output.format == "jsonl" else 1


def _write_report_files(
    result: RunResult, target: AtomicOutputDir, names: list[str], keys: list[ArticleKey]
) -> None:
    """report.json, timings.json, the folder's README and report.html (read from the files;
    of the articles files, only the records it shows, chosen by `keys`)."""
    config = result.config
    report = build_report(result)
    report["output"] = {
        **config.output.as_dict(),
        "text_field": config.text_field,
        "title_field": config.title_field,
        "articles_files": names,
    }
    target.write_text(
        "report.json", json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    target.write_text("timings.json", json.dumps(result.timings, indent=2, sort_keys=True) + "\n")
    target.write_text("README.md", OUTPUT_README)
    target.write_text("report.html", render_report(target.path("."), articles=keys))


# what one writer call did: records written per file kind, the article files it named, and
# the report's key of each article it wrote (`report_html.article_key`)
Written = tuple[dict[str, int], list[str], list[ArticleKey]]


# the articles file's consecutive slices, each one writer call (`_article_parts`); None: whole
ArticlePart = tuple[int, int] | None


def _article_parts(count: int, options: OutputOptions, writers: int) -> list[ArticlePart]:
    """The articles file as one writer call, or, where its parts join by simple concatenation
    (JSONL neither compressed nor sharded), one call per writer over consecutive slices: the
    longest writer, cut so that both cores write it. Compressed parts would join into a valid
    stream of other bytes than one writer's, so those stay whole.

    >>> _article_parts(10, OutputOptions(), 2)
    [(0, 5), (5, 10)]
    >>> _article_parts(10, OutputOptions(compression="gzip"), 2)
    [None]
    """
    if writers < 2 or count < 2 or options.compression != "none" or options.shard_size:
        return [None]
    return list(slices(count, writers))


def _part_name(part: tuple[int, int]) -> str:
    """Where a slice after the first waits until `_join_article_parts` appends it."""
    return f".articles-{part[0]:012d}.part"


def _join_article_parts(target: AtomicOutputDir, parts: list[ArticlePart]) -> None:
    """The slices written apart appended, in order, to the articles file the first began."""
    if len(parts) < 2:
        return
    with open(target.path("articles.jsonl"), "r+b") as whole:
        for part in parts[1:]:
            if part is None:
                continue
            piece = target.path(_part_name(part))
            with open(piece, "rb") as written:
                append_file(written, whole)
            piece.unlink()


def _write_articles_file(
    result: RunResult, docs: Sequence[Document], target: AtomicOutputDir, part: ArticlePart = None
) -> Written:
    """The articles file (`part` None) or one slice of it (`_article_parts`)."""
    config = result.config
    keys: list[ArticleKey] = []
    # a key per article is held until the report is written: one tuple per set of reasons
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}

    def keyed(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for record in records:
            article_id, reasons = article_key(record)
            keys.append((article_id, shared.setdefault(reasons, reasons)))
            yield record

    # records are built as the writers take them: a dict per article, duplicate or removed
    # line is never held for the whole corpus at once
    if part is not None:
        records = keyed(article_records(result, Selection(docs, range(*part))))
        shaped = shaped_records(records, config.output, config.text_field, config.title_field)
        first = part[0] == 0
        write_jsonl(target.path("articles.jsonl" if first else _part_name(part)), shaped)
        return {}, ["articles.jsonl"] if first else [], keys
    names = write_articles(
        target.path("."),
        keyed(article_records(result, docs)),
        len(docs),
        config.output,
        config.text_field,
        config.title_field,
    )
    return {}, names, keys


def _write_duplicates_and_removals(
    result: RunResult, target: AtomicOutputDir, suffix: str
) -> Written:
    compression = result.config.output.compression
    duplicates = write_jsonl(
        target.path(f"duplicates{suffix}"), duplicate_records(result), compression
    )
    if result.removed_ahead is not None:
        spool, removed = result.removed_ahead
        copy_into(spool, target.path(f"removed{suffix}"))
    else:
        lines = removal_lines_of(result.documents)
        removed = write_lines(target.path(f"removed{suffix}"), lines, compression)
    return {"duplicates": duplicates, "removed": removed}, [], []


def _no_files() -> Written:
    return {}, [], []


def _write_txt_files(docs: Sequence[Document], target: AtomicOutputDir) -> Written:
    """Each article as a numbered .txt file (`--no-txt` skips them)."""
    for number, doc in enumerate(docs, start=1):
        body = f"{doc.title}\n\n{doc.text}\n" if doc.title else f"{doc.text}\n"
        target.write_text(f"{number:04d}-{slug(doc.title)}.txt", body)
    return {"txt": len(docs)}, [], []


__all__ = [
    "STDIN",
    "InputReport",
    "Progress",
    "RunConfig",
    "RunResult",
    "RunSummary",
    "build_report",
    "run",
    "run_documents",
    "write_run",
]
