"""The one type every pipeline step takes and returns.

A step never mutates a `Document`; it returns `doc.replaced(...)` (see `with_lines`).
Every line a step takes out of the text becomes a `Removal`, so a report can always say what went
and why, and kept lines plus removals account for every source line of an article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Removal:
    """One removed line or span, with the rule that removed it."""

    text: str  # the removed line (or span), verbatim as it stood when removed
    reason: str  # for people: "photo caption"
    rule: str  # for machines: "captions.photo_credit"; the part before the dot is the category
    line: int  # 1-based line in the source file, not in the current text

    @property
    def category(self) -> str:
        return category_of(self.rule)

    def to_dict(self) -> dict[str, Any]:
        return removal_record(self.text, self.reason, self.rule, self.line)


def category_of(rule: str) -> str:
    """The category of a rule's name, the part before its first dot.

    >>> category_of("captions.photo_credit"), category_of("custom")
    ('captions', 'custom')
    """
    return rule.split(".", 1)[0]


def removal_record(text: str, reason: str, rule: str, line: int) -> dict[str, Any]:
    """A removal as the output files hold it."""
    return {"text": text, "reason": reason, "rule": rule, "line": line}


class DocumentFields(Protocol):
    """A document's fields, on a `Document` or as a run stores them without building one."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def meta(self) -> dict[str, Any]: ...
    @property
    def source(self) -> str: ...
    @property
    def lines(self) -> tuple[int, int]: ...
    @property
    def line_numbers(self) -> tuple[int, ...]: ...


def document_record(
    fields: DocumentFields, removed: Iterable[tuple[str, str, str, int]]
) -> dict[str, Any]:
    """A document as the output files hold it (`Document.to_dict`), its removals given as
    (text, reason, rule, line): the one definition, for a `Document` and for the fields a run
    stores, which it writes without rebuilding a `Document` and a `Removal` per removed line."""
    return {
        "id": fields.id,
        "title": fields.title,
        "text": fields.text,
        "meta": fields.meta,
        "source": fields.source,
        "lines": list(fields.lines),
        "removed": [removal_record(*removal) for removal in removed],
        "line_numbers": list(fields.line_numbers),
    }


@dataclass(slots=True)
class Document:
    """An article flowing through the pipeline.

    `line_numbers[i]` is the source line of `text.split("\\n")[i]`, so a step that drops lines can
    still name where each one stood in the input, however many steps dropped lines before it.
    Blank lines carry the number of the blank source line they came from (0 when synthesised).
    """

    id: str  # stable: from the first line's text and number (`stable_id`), not the input's path
    text: str
    source: str  # the file (or "-" for stdin) it came from: a field, not part of the id
    lines: tuple[int, int]  # first and last source line, inclusive
    title: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    removed: list[Removal] = field(default_factory=list)
    line_numbers: tuple[int, ...] = ()

    def text_lines(self) -> list[str]:
        return self.text.split("\n")

    def numbered_lines(self) -> list[tuple[int, str]]:
        """(source line, text) for each line of the text."""
        return list(zip(self.source_lines(), self.text_lines(), strict=True))

    def source_lines(self) -> Sequence[int]:
        """The source line of each line of the text: `line_numbers`, or where they do not map
        the text (none, or an empty text) counted from the first line.

        >>> Document("a", "one\\ntwo", "a.txt", (5, 6)).source_lines()
        range(5, 7)
        """
        count = self.text.count("\n") + 1
        if len(self.line_numbers) == count:
            return self.line_numbers
        return range(self.lines[0], self.lines[0] + count)

    def replaced(self, **changes: Any) -> Document:
        """`dataclasses.replace(self, **changes)` without its walk over the fields' metadata,
        which cost more than the copy itself: a batch copies thousands of articles a stage.

        >>> doc = Document("a1", "Text.", "dump.txt", (1, 1), title="Old")
        >>> doc.replaced(title="New").title, doc.title
        ('New', 'Old')
        """
        values = {name: getattr(self, name) for name in _DOCUMENT_FIELDS}
        values.update(changes)
        return Document(**values)

    def with_lines(
        self,
        numbered: list[tuple[int, str]],
        removed: list[Removal] | None = None,
        **changes: Any,
    ) -> Document:
        """A copy with new lines (and extra removals appended), blank runs collapsed."""
        kept = _collapse_blank_runs(numbered)
        return self.replaced(
            text="\n".join(text for _, text in kept),
            line_numbers=tuple(number for number, _ in kept),
            removed=[*self.removed, *(removed or [])],
            meta=dict(changes.pop("meta", self.meta)),
            **changes,
        )

    def to_dict(self) -> dict[str, Any]:
        return document_record(self, ((r.text, r.reason, r.rule, r.line) for r in self.removed))


_DOCUMENT_FIELDS = tuple(f.name for f in fields(Document))


def _collapse_blank_runs(numbered: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop leading/trailing blank lines and fold runs of blank lines into one.

    Removing a caption between two paragraphs leaves two blank lines; the article should read as
    if the caption had never been there, so blank runs are folded rather than kept.
    """
    out: list[tuple[int, str]] = []
    for number, text in numbered:
        if not text.strip():
            if out and out[-1][1].strip():
                out.append((number, ""))
            continue
        out.append((number, text))
    while out and not out[-1][1].strip():
        out.pop()
    return out


def stable_id(first_line: int, first_text: str) -> str:
    """An article's id: a hash of its first line's number in the dump and that line's text.

    The same dump read from another path, after a move, or from stdin gives the same ids, so
    `winnow explain ID` keeps working; the input's name stays in the `source` field. Two
    articles of one run that would get the same id (the same dump given twice, or two dumps
    that start alike) are told apart by `UniqueIds`.

    >>> stable_id(1, "Headline") == stable_id(1, "Headline")
    True
    >>> stable_id(1, "Headline") == stable_id(7, "Headline")
    False
    """
    return hashlib.blake2b(f"{first_line}\0{first_text}".encode(), digest_size=8).hexdigest()


class UniqueIds:
    """Ids made unique within a run, in input order: the first article keeps its id, a later
    one with the same id gets `ID-2`, then `ID-3` (skipping any suffixed id already taken).

    >>> ids = UniqueIds()
    >>> [ids.claim(x) for x in ("a", "b", "a", "a")]
    ['a', 'b', 'a-2', 'a-3']
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}

    def claim(self, doc_id: str) -> str:
        if doc_id not in self._taken:
            self._taken.add(doc_id)
            return doc_id
        number = self._next.get(doc_id, 2)
        while f"{doc_id}-{number}" in self._taken:
            number += 1
        self._next[doc_id] = number + 1
        unique = f"{doc_id}-{number}"
        self._taken.add(unique)
        return unique
