"""The library surface: Winnow as one step inside another project's pipeline.

Plain records in, plain records out, streaming. `cleaners.clean` cleans alone (re-exported here);
`Pipeline` adds deduplication and output with the same `RunConfig` the CLI builds from its flags and
`winnow.toml`, so a library caller gets exactly the reasons and clusters the CLI reports.

Deduplication needs to see every article it compares, so `Pipeline.run` holds one collection;
`Pipeline.stream` holds one batch at a time and, given a dedupe index (`RunConfig.index`),
deduplicates each batch against every batch before it through that index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from cleaners.document import Document
from cleaners.records import BATCH, Item, clean, to_documents
from winnow_corpus.runner import RunConfig, RunResult, article_records, run_documents, write_run
from winnow_corpus.writers import OutputOptions, input_schema_record


class Pipeline:
    """Clean, deduplicate and write, configured as the CLI is.

    >>> from dedupe import DedupeConfig
    >>> pipe = Pipeline(RunConfig(dedupe=DedupeConfig(story_threshold=0.5)))
    >>> text = "Ferry service resumes after a week of storms along the northern coast."
    >>> result = pipe.run([{"id": "a", "text": text}, {"id": "b", "text": text}])
    >>> [d.id for d in result.dedupe.kept], [(d.doc.id, d.tier) for d in result.dedupe.duplicates]
    (['a'], [('b', 'exact')])
    """

    def __init__(self, config: RunConfig | None = None) -> None:
        self.config = config or RunConfig()

    @classmethod
    def from_toml(cls, path: str | Path) -> Pipeline:
        """A pipeline configured by a `winnow.toml` (the file `winnow clean --config` reads)."""
        from winnow_corpus.config import load_config

        return cls(load_config(Path(path)))

    def documents(
        self, items: str | Iterable[Item], source: str = "<records>"
    ) -> Iterator[Document]:
        """Items as `Document`s with this pipeline's field names and split pattern."""
        return to_documents(
            items,
            source=source,
            text_field=self.config.text_field,
            title_field=self.config.title_field,
            split_on=self.config.split_on,
        )

    def clean(self, items: str | Iterable[Item], batch_size: int = BATCH) -> Iterator[Document]:
        """Cleaned documents, lazily (no deduplication)."""
        return clean(self.documents(items), self.config.clean, batch_size=batch_size)

    def run(self, items: str | Iterable[Item]) -> RunResult:
        """Clean and deduplicate one collection: the `RunResult` the CLI renders and writes."""
        return run_documents(self.documents(items), self.config)

    def records(self, result: RunResult, schema: str | None = None) -> Iterator[dict[str, Any]]:
        """The kept articles as output records (`schema`: "winnow" or "input"; default config's)."""
        shape = schema or self.config.output.schema
        for record in article_records(result):
            yield (
                input_schema_record(record, self.config.text_field, self.config.title_field)
                if shape == "input"
                else record
            )

    def write(self, result: RunResult, out: str | Path) -> dict[str, int]:
        """Write the output folder the CLI writes (atomically); returns record counts."""
        return write_run(result, Path(out))

    def stream(
        self, items: str | Iterable[Item], batch_size: int = BATCH
    ) -> Iterator[dict[str, Any]]:
        """Kept articles as output records, one batch in memory at a time.

        Each batch is deduplicated within itself and, when `config.index` is set, against every
        article indexed before (earlier batches included: each batch's kept articles are added
        to the index once its records are yielded). Without an index, a duplicate in another
        batch is not seen; say `RunConfig(index=Path(...))` to dedupe across the whole stream.
        """
        from dedupe.index import update_index

        config = self.config
        documents = self.documents(items)
        while batch := list(islice(documents, batch_size)):
            result = run_documents(batch, config)
            yield from self.records(result)
            if config.index is not None and config.index_mode == "update":
                update_index(config.index, result.dedupe.kept, ["<stream>"], config.dedupe)


__all__ = ["OutputOptions", "Pipeline", "RunConfig", "RunResult", "clean", "to_documents"]
