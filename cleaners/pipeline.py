"""The ordered cleaning steps, and `clean()` for callers that hold a dump as a string.

Order matters: Unicode is fixed first so every later pattern sees normal text; headlines come
before captions and boilerplate so the title is never mistaken for a caption; corpus-learned
recurring lines come last because learning them needs every article of the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence

from cleaners import (
    boilerplate,
    boilerplate_table,
    captions,
    custom,
    footers,
    headlines,
    homoglyphs,
    unicode,
)
from cleaners.batch import Batch
from cleaners.cuts import SpanCut, cut_table
from cleaners.document import Document
from cleaners.options import CleanOptions, Step
from cleaners.rule_table import apply_rules
from cleaners.rules import RuleSet
from cleaners.split import split_dump

log = logging.getLogger(__name__)


def document_steps(options: CleanOptions) -> list[tuple[str, Step]]:
    """(name, step) for each per-article step switched on in `options`, in order."""
    steps: list[tuple[str, Step]] = []
    if options.fix_unicode:
        steps.append(("unicode", unicode.make_step(options)))
        if "unicode.homoglyphs" not in options.disabled_rules:
            steps.append(("homoglyphs", homoglyphs.make_step(options)))
    if options.headlines:
        steps.append(("headlines", headlines.make_step(options)))
    if options.captions:
        steps.append(("captions", captions.make_step(options)))
    if options.boilerplate:
        steps.append(("boilerplate", boilerplate.make_step(options)))
    if options.footers:
        steps.append(("footers", footers.make_step(options)))
    if options.custom_rules:
        steps.append(("custom", custom.make_step(options)))
    return steps


Stage = Callable[[Batch], Batch]


def batch_stages(options: CleanOptions) -> list[tuple[str, Stage]]:
    """(name, stage) for each step of `document_steps(options)`, in its order, as a stage over
    a whole batch's `lines` table; the user's own rules (`custom`, `regex` semantics) still run
    article by article."""
    disabled = options.disabled_rules
    footers_off = disabled | {"footers.recurring"}
    over_table: dict[str, Callable[[], Stage]] = {
        "unicode": lambda: _unicode_stage(options),
        "homoglyphs": lambda: _homoglyph_stage,
        "headlines": lambda: _headline_stage(disabled),
        "captions": lambda: _after_cuts(
            [cut for cut in captions.SPAN_CUTS if cut.rule not in disabled],
            _table_stage(captions.RULES, disabled),
        ),
        "boilerplate": lambda: _boilerplate_stage(options),
        "footers": lambda: (
            _table_stage(footers.RULES, footers_off)
            if "footers.copyright" in disabled
            else _after_cuts([footers.GLUED_CREDIT_CUT], _table_stage(footers.RULES, footers_off))
        ),
    }
    return [
        (name, over_table[name]() if name in over_table else _document_stage(step))
        for name, step in document_steps(options)
    ]


def _table_stage(rules: RuleSet, disabled: frozenset[str]) -> Stage:
    def stage(batch: Batch) -> Batch:
        return batch.with_lines(*apply_rules(batch.lines(), rules, disabled))

    return stage


def _boilerplate_stage(options: CleanOptions) -> Stage:
    """The boilerplate step over the batch's table (`cleaners.boilerplate_table`); the values
    its removals took out of the text go to each changed article's meta."""

    def stage(batch: Batch) -> Batch:
        changes = boilerplate_table.apply(batch.lines(), options)
        out = batch.with_lines(changes.lines, changes.removed)
        return out.with_meta(
            {
                position: boilerplate.meta_with(out.meta(position), removals)
                for position, removals in changes.removed.items()
            }
        )

    return stage


def _unicode_stage(options: CleanOptions) -> Stage:
    """`unicode.make_step` over the batch's table; the count of lines it changed beyond a
    strip goes to each article's `meta["unicode_fixes"]`."""

    def stage(batch: Batch) -> Batch:
        lines, fixes = unicode.fix_table(batch.lines(), options)
        out = batch.with_lines(lines, fixes.removed)
        return out.with_meta(
            {
                position: {
                    **out.meta(position),
                    "unicode_fixes": out.meta(position).get("unicode_fixes", 0) + changed,
                }
                for position, changed in fixes.changed.items()
            }
        )

    return stage


def _headline_stage(disabled: frozenset[str]) -> Stage:
    def stage(batch: Batch) -> Batch:
        head = headlines.head_table(batch.lines(), batch.headers(), disabled)
        return batch.with_lines(head.lines, head.removed).with_headers(head.headers)

    return stage


def _after_cuts(cuts: Sequence[SpanCut], rules: Stage) -> Stage:
    """Glued spans of each kind in `cuts` taken out of their lines (`cleaners.cuts`), then
    `rules`."""

    def stage(batch: Batch) -> Batch:
        for cut in cuts:
            batch = batch.with_lines(*cut_table(batch.lines(), cut))
        return rules(batch)

    return stage


def _homoglyph_stage(batch: Batch) -> Batch:
    return batch.with_lines(*homoglyphs.respell_table(batch.lines()))


def _document_stage(step: Step) -> Stage:
    def stage(batch: Batch) -> Batch:
        return Batch.of([step(doc) for doc in batch.documents()])

    return stage


def clean_batch(docs: Sequence[Document], options: CleanOptions) -> list[Document]:
    """Every per-article step on `docs` as one batch: the same articles as `clean_document`
    gives one by one (`tests/test_batch.py`)."""
    batch = Batch.of(docs)
    for _, stage in batch_stages(options):
        batch = stage(batch)
    return batch.documents()


def clean_many(docs: Sequence[Document], options: CleanOptions) -> list[Document]:
    """Every per-article step on `docs`, as one batch (`clean_batch`)."""
    return clean_batch(docs, options)


def clean_document(doc: Document, steps: Sequence[tuple[str, Step]]) -> Document:
    for _, step in steps:
        doc = step(doc)
    return doc


def clean_documents(
    docs: Iterable[Document], options: CleanOptions | None = None
) -> list[Document]:
    """Clean documents with every step, including lines learned to recur across them.

    Recurring-line learning looks at the whole collection, so this holds the documents in memory;
    call it per batch (a run, a shard) of the size you want learning to see.
    """
    options = options or CleanOptions()
    return remove_recurring(clean_many(list(docs), options), options)


def remove_recurring(
    docs: list[Document],
    options: CleanOptions,
    line_keys: Sequence[footers.LineKeys] | None = None,
) -> list[Document]:
    """Drop line shapes that recur across many articles of the collection (templates, footers).

    `line_keys[i]`, where given, must be `footers.line_keys(docs[i])` (computed in parallel).
    """
    if not _learns_recurring(docs, options):
        return docs
    return footers.remove_learned(docs, options, line_keys)


def recurring_changes(
    docs: Sequence[Document],
    options: CleanOptions,
    line_keys: Sequence[footers.LineKeys] | None = None,
) -> Iterator[tuple[int, Document]]:
    """(position, new article) for each article that recurring-line removal changes; the
    others need not be read again."""
    if not _learns_recurring(docs, options):
        return iter(())
    return footers.learned_changes(docs, options, line_keys)


def _learns_recurring(docs: Sequence[Document], options: CleanOptions) -> bool:
    return footers.learns_recurring(len(docs), options)


def clean(
    text: str,
    source: str = "<string>",
    options: CleanOptions | None = None,
    *,
    split_on: str | None = None,
) -> list[Document]:
    """Split one dump and clean every article in it.

    >>> docs = clean("Council approves harbour plan\\n\\nThe council voted 7-2 on Monday.\\n")
    >>> [(d.title, d.text) for d in docs]
    [('Council approves harbour plan', 'The council voted 7-2 on Monday.')]
    """
    return clean_documents(split_dump(text, source, split_on=split_on), options)
