"""One whole run: read inputs, split, clean, deduplicate, and write `corpus/clean/`.

The CLI is a thin shell over `run()` and `write_run()`; a library caller gets the same
`RunResult`, so the counts it sees are the ones the CLI prints. Per-file problems never stop a
run: the file is skipped and named in `RunResult.skipped` (the CLI then exits 1).
"""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from cleaners import footers
from cleaners.document import Document
from cleaners.errors import ConfigError, InputError, WinnowError
from cleaners.footers import LineKeys
from cleaners.io import (
    OUTPUT_README,
    STDIN,
    AtomicOutputDir,
    BadRecord,
    InputFile,
    iter_jsonl,
    iter_parquet,
    read_dump,
)
from cleaners.options import CleanOptions
from cleaners.pipeline import clean_document, document_steps, remove_recurring
from cleaners.report_html import render_report
from cleaners.split import split_dump
from cleaners.writers import JSONL_SUFFIX, OutputOptions, write_articles, write_jsonl
from dedupe import DedupeConfig, DedupeResult, find_duplicates
from dedupe.core import DocumentFeatures, document_features
from dedupe.index import check_index, dedupe_against_index

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")  # where a run's stages execute; the result is the same on each

# stage name, items done, items in all (0 when unknown)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything a run needs besides its inputs; every CLI flag maps to one field."""

    clean: CleanOptions = field(default_factory=CleanOptions)
    dedupe: DedupeConfig = field(default_factory=DedupeConfig)
    deduplicate: bool = True
    keep_duplicates: bool = False
    split_on: str | None = None
    text_field: str = "text"
    title_field: str = "title"
    strict: bool = False  # stop at the first bad JSONL record instead of skipping it
    jobs: int = 1  # worker processes for cleaning; output is identical for any value
    index: Path | None = None  # a dedupe index (dedupe.index) holding earlier runs' articles
    index_mode: str = "update"  # "update": the CLI adds kept articles after writing; "check": not
    engine: str = "local"  # "local" (this process and --jobs workers) or "ray" (Ray Data)
    ray_address: str | None = None  # for engine "ray": None starts a local Ray; "auto"; ray://
    output: OutputOptions = field(default_factory=OutputOptions)  # format, compression, shards

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
        if self.index_mode not in ("update", "check"):
            raise ConfigError(f"--index-mode must be update or check, got {self.index_mode!r}")
        if self.index is not None and not self.deduplicate:
            raise ConfigError("--index needs duplicate detection; drop --no-dedupe")
        if self.index is not None and self.engine != "local":
            raise ConfigError("--index works with the local engine only; drop --engine ray")
        if self.engine not in ENGINES:
            raise ConfigError(f"--engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")


@dataclass(slots=True)
class InputReport:
    source: str
    kind: str
    encoding: str = ""
    articles: int = 0
    notes: list[str] = field(default_factory=list)
    error: str = ""


@dataclass(slots=True)
class RunResult:
    inputs: list[InputReport]
    documents: list[Document]  # every cleaned article, before dedupe, in input order
    dedupe: DedupeResult
    bad_records: list[BadRecord]
    timings: dict[str, float]
    config: RunConfig

    @property
    def skipped(self) -> list[InputReport]:
        return [item for item in self.inputs if item.error]

    def removal_counts(self) -> Counter[str]:
        """Removals per rule, counted from the documents themselves (never kept twice)."""
        return Counter(r.rule for doc in self.documents for r in doc.removed)

    def reason_counts(self) -> Counter[str]:
        return Counter(r.reason for doc in self.documents for r in doc.removed)


def run(
    inputs: Sequence[InputFile], config: RunConfig | None = None, progress: Progress | None = None
) -> RunResult:
    """Read, split, clean and deduplicate `inputs`."""
    config = config or RunConfig()
    if config.engine == "ray":  # imported here: Ray is an optional extra
        from cleaners.ray_engine import run_ray

        return run_ray(inputs, config, config.ray_address, progress)
    notify = progress or (lambda stage, done, total: None)
    timings: dict[str, float] = {}
    reports: list[InputReport] = []
    bad_records: list[BadRecord] = []
    if config.index is not None:  # a broken or missing index fails before the long part
        check_index(config.index, config.index_mode, config.dedupe)

    started = time.perf_counter()
    raw_docs: list[Document] = []
    for number, source in enumerate(inputs, start=1):
        report = InputReport(source.display, source.kind)
        reports.append(report)
        try:
            docs = list(_read_documents(source, config, report, bad_records))
        except WinnowError as exc:
            report.error = str(exc)
            log.warning("skipped %s", exc)
            notify("read", number, len(inputs))
            continue
        report.articles = len(docs)
        raw_docs.extend(docs)
        del docs  # else the last input's articles outlive their cleaning (see `_clean_all`)
        notify("read", number, len(inputs))
    timings["read+split"] = time.perf_counter() - started
    return _clean_and_dedupe(raw_docs, config, notify, reports, bad_records, timings)


def run_documents(
    docs: Iterable[Document],
    config: RunConfig | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Clean and deduplicate documents a caller already holds (the library path of `run`).

    Runs on the local engine whatever `config.engine` says: the documents are in this process.
    """
    config = config or RunConfig()
    if config.index is not None:
        check_index(config.index, config.index_mode, config.dedupe)
    notify = progress or (lambda stage, done, total: None)
    return _clean_and_dedupe(list(docs), config, notify, [], [], {})


def _clean_and_dedupe(
    raw_docs: list[Document],
    config: RunConfig,
    notify: Progress,
    reports: list[InputReport],
    bad_records: list[BadRecord],
    timings: dict[str, float],
) -> RunResult:
    started = time.perf_counter()
    cleaned, computed, line_keys = _clean_all(raw_docs, config, notify)
    cleaned = remove_recurring(cleaned, config.clean, line_keys)
    del line_keys
    timings["clean"] = time.perf_counter() - started

    # An article whose every line was removed is not written, but its removals still are
    # (removed.jsonl, the report): nothing goes unreported.
    substantive = [doc for doc in cleaned if not is_emptied(doc)]
    started = time.perf_counter()
    if config.deduplicate:
        # features the workers computed, for the articles recurring-line removal left as they
        # were (the same objects); any other article's are computed by find_duplicates
        features = [computed.get(id(doc)) for doc in substantive]
        computed.clear()  # what is left are stale features of articles recurring lines changed
        result = find_duplicates(substantive, config.dedupe, features, config.jobs)
        if config.index is not None:
            result = dedupe_against_index(result, config.index, config.dedupe)
    else:
        result = DedupeResult(kept=list(substantive), duplicates=[], clusters=[])
    notify("dedupe", len(substantive), len(substantive))
    timings["dedupe"] = time.perf_counter() - started
    return RunResult(reports, cleaned, result, bad_records, timings, config)


def is_emptied(doc: Document) -> bool:
    """True when cleaning removed the whole article (no title, no text left)."""
    return not (doc.text.strip() or doc.title.strip())


CHUNK = 256  # articles per worker task: large enough to amortise pickling, small for progress
IN_FLIGHT_PER_JOB = 3  # chunks submitted ahead per worker: it never waits, memory stays bounded
T = TypeVar("T")


def _clean_all(
    docs: list[Document], config: RunConfig, notify: Progress
) -> tuple[list[Document], dict[int, DocumentFeatures], list[LineKeys] | None]:
    """Clean every document, in worker processes when `config.jobs` > 1, in input order.

    `docs` is emptied as it is cleaned: a raw article is let go once its chunk is handed out,
    so the run never holds the whole corpus both raw and cleaned (the raw copies were a third
    of a run's traced memory). Workers also compute each cleaned article's dedupe features (the
    per-document part of `find_duplicates`), so that work runs in parallel too; returned by
    `id()` of the article. With workers, they also compute each article's line shape keys for
    recurring-line learning (`footers.line_keys`), returned in article order; None otherwise.
    """
    total = len(docs)
    cleaned: list[Document] = []
    computed: dict[int, DocumentFeatures] = {}
    if config.jobs == 1 or total <= CHUNK:
        for chunk in _take_chunks(docs, CHUNK):
            cleaned.extend(_clean_chunk(chunk, config.clean))
            notify("clean", len(cleaned), total)
        return cleaned, computed, None
    seed = config.dedupe.seed if config.deduplicate else None
    line_keys: list[LineKeys] = []
    with ProcessPoolExecutor(max_workers=config.jobs) as pool:
        chunks = _take_chunks(docs, CHUNK)
        tasks = (pool.submit(_clean_chunk_with_features, c, config.clean, seed) for c in chunks)
        for done, features, keys in _in_order(tasks, ahead=IN_FLIGHT_PER_JOB * config.jobs):
            pairs = zip(done, features, strict=True)
            computed.update((id(doc), feat) for doc, feat in pairs if feat is not None)
            cleaned.extend(done)
            line_keys.extend(keys)
            notify("clean", len(cleaned), total)
    return cleaned, computed, line_keys


def _in_order(tasks: Iterator[Future[T]], ahead: int) -> Iterator[T]:
    """The tasks' results in submission order, submitting at most `ahead` tasks before the
    oldest one's result is taken.

    `Executor.map` submits every task at once, so with workers every raw chunk (and its pickled
    copy) was alive from the start; this keeps a few chunks per worker in flight instead.
    """
    pending: deque[Future[T]] = deque()
    for task in tasks:
        pending.append(task)
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _take_chunks(docs: list[Document], size: int) -> Iterator[list[Document]]:
    """`docs` in order, `size` at a time, each taken out of the list as it is yielded."""
    docs.reverse()  # pop() from the end is O(1)
    while docs:
        yield [docs.pop() for _ in range(min(size, len(docs)))]


def _clean_chunk(docs: list[Document], options: CleanOptions) -> list[Document]:
    steps = document_steps(options)
    return [clean_document(doc, steps) for doc in docs]


def _clean_chunk_with_features(
    docs: list[Document], options: CleanOptions, seed: int | None
) -> tuple[list[Document], list[DocumentFeatures | None], list[LineKeys]]:
    """A worker's task: clean a chunk, then the per-article parts of the later, whole-run steps
    (dedupe features unless `seed` is None, recurring-line keys), so they too run in parallel."""
    cleaned = _clean_chunk(docs, options)
    keys = [footers.line_keys(doc) for doc in cleaned]
    if seed is None:
        return cleaned, [None] * len(cleaned), keys
    features = [None if is_emptied(doc) else document_features(doc, seed) for doc in cleaned]
    return cleaned, features, keys


def _read_documents(
    source: InputFile, config: RunConfig, report: InputReport, bad: list[BadRecord]
) -> Iterable[Document]:
    if source.kind == "dump":
        decoded = read_dump(source)
        report.encoding = decoded.encoding
        report.notes.extend(decoded.notes)
        yield from split_dump(decoded.text, source.display, split_on=config.split_on)
        return
    reader = iter_parquet if source.kind == "parquet" else iter_jsonl
    report.encoding = "utf-8" if source.kind == "jsonl" else "parquet"
    for item in reader(source, config.text_field, config.title_field):
        if isinstance(item, BadRecord):
            if config.strict:
                raise InputError(f"{item} (--strict stops at the first bad record)")
            bad.append(item)
            report.notes.append(str(item))
            continue
        yield item


# --- output -------------------------------------------------------------------------------------


def _written_documents(result: RunResult) -> list[Document]:
    """The articles articles.jsonl holds: kept ones, or with --keep-duplicates every
    non-empty one."""
    if result.config.keep_duplicates:
        return [doc for doc in result.documents if not is_emptied(doc)]
    return result.dedupe.kept


def article_records(
    result: RunResult, docs: Sequence[Document] | None = None
) -> Iterator[dict[str, Any]]:
    """articles.jsonl: kept articles (and, with --keep-duplicates, the duplicates annotated),
    one record at a time, so writing them never holds a dict per article."""
    cluster_of = {m: c.id for c in result.dedupe.clusters for m in c.members}
    dropped = {d.doc.id: d for d in result.dedupe.duplicates}
    for doc in _written_documents(result) if docs is None else docs:
        record = doc.to_dict()
        record["cluster"] = cluster_of.get(doc.id)
        duplicate = dropped.get(doc.id)
        if duplicate is not None:
            record["duplicate_of"] = duplicate.duplicate_of
            record["tier"] = duplicate.tier
            record["similarity"] = round(duplicate.similarity, 4)
        yield record


def duplicate_records(result: RunResult) -> Iterator[dict[str, Any]]:
    """duplicates.jsonl, one record at a time."""
    cluster_of = {m: c.id for c in result.dedupe.clusters for m in c.members}
    titles = {doc.id: doc.title for doc in result.documents}
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


def removal_records(result: RunResult) -> Iterator[dict[str, Any]]:
    """removed.jsonl, one record at a time."""
    for doc in result.documents:
        for removal in doc.removed:
            yield {
                "id": doc.id,
                "source": doc.source,
                **removal.to_dict(),
                "category": removal.category,
            }


def build_report(result: RunResult) -> dict[str, Any]:
    """report.json: what the run did, with nothing that changes between identical runs."""
    titles = {doc.id: doc.title for doc in result.documents}
    by_reason: dict[str, int] = dict(sorted(result.reason_counts().items()))
    by_rule: dict[str, int] = dict(sorted(result.removal_counts().items()))
    return {
        "inputs": [
            {
                "source": item.source,
                "kind": item.kind,
                "encoding": item.encoding,
                "articles": item.articles,
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
            "emptied_by_cleaning": sum(1 for doc in result.documents if is_emptied(doc)),
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
    """Write the whole output folder atomically; returns record counts per file kind."""
    config = result.config
    options = config.output
    suffix = JSONL_SUFFIX[options.compression]
    docs = _written_documents(result)
    with AtomicOutputDir(out) as target:
        # records are built as the writers take them: a dict per article, duplicate or removed
        # line is never held for the whole corpus at once
        names = write_articles(
            target.path("."),
            article_records(result, docs),
            len(docs),
            options,
            config.text_field,
            config.title_field,
        )
        counts = {
            "articles": len(docs),
            "duplicates": write_jsonl(
                target.path(f"duplicates{suffix}"),
                duplicate_records(result),
                options.compression,
            ),
            "removed": write_jsonl(
                target.path(f"removed{suffix}"), removal_records(result), options.compression
            ),
            "txt": 0,
        }
        if options.txt_files:
            for number, doc in enumerate(docs, start=1):
                body = f"{doc.title}\n\n{doc.text}\n" if doc.title else f"{doc.text}\n"
                target.write_text(f"{number:04d}-{slug(doc.title)}.txt", body)
            counts["txt"] = len(docs)
        report = build_report(result)
        report["output"] = {
            **options.as_dict(),
            "text_field": config.text_field,
            "title_field": config.title_field,
            "articles_files": names,
        }
        target.write_text(
            "report.json", json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        )
        target.write_text(
            "timings.json", json.dumps(result.timings, indent=2, sort_keys=True) + "\n"
        )
        target.write_text("README.md", OUTPUT_README)
        target.write_text("report.html", render_report(target.path(".")))
    return counts


__all__ = [
    "STDIN",
    "InputReport",
    "Progress",
    "RunConfig",
    "RunResult",
    "build_report",
    "run",
    "run_documents",
    "write_run",
]
