"""The ordered cleaning steps, and `clean()` for callers that hold a dump as a string.

Order matters: Unicode is fixed first so every later pattern sees normal text; headlines come
before captions and boilerplate so the title is never mistaken for a caption; corpus-learned
recurring lines come last because learning them needs every article of the run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence

from cleaners import boilerplate, captions, custom, footers, headlines, homoglyphs, unicode
from cleaners.document import Document
from cleaners.options import CleanOptions, Step
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
    steps = document_steps(options)
    cleaned = [clean_document(doc, steps) for doc in docs]
    return remove_recurring(cleaned, options)


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
    return options.footers and options.learn_recurring and len(docs) >= options.recurring_min_docs


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
