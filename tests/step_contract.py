"""The contract every cleaning step keeps, checked the same way for each category's tests.

A step never mutates its input; every non-blank input line is either kept (by source line) or
named in a Removal; and running the step on its own output removes nothing more.
"""

from __future__ import annotations

from collections.abc import Callable

from cleaners.document import Document

Step = Callable[[Document], Document]


def make_doc(text: str, headlines: int = 0, first: int = 1, ident: str = "p") -> Document:
    """A document as the splitter would hand it over, lines numbered from `first`."""
    lines = text.split("\n")
    return Document(
        id=ident,
        text=text,
        source=f"{ident}.txt",
        lines=(first, first + len(lines) - 1),
        meta={"headlines": headlines},
        line_numbers=tuple(range(first, first + len(lines))),
    )


def check_every_line_kept_or_removed(
    step: Step,
    text: str,
    headlines: int = 0,
    counts: Callable[[str], object] = str.strip,
    title_counts: bool = False,
) -> None:
    """`counts(line)` says which input lines must be accounted for (default: non-blank)."""
    doc = make_doc(text, headlines)
    out = step(doc)
    assert doc.text == text and doc.removed == []  # the input is not mutated
    kept = set(out.line_numbers) if out.text else set()
    removed = {r.line for r in out.removed}
    for number, line in enumerate(text.split("\n"), 1):
        if counts(line):
            moved_to_title = title_counts and line.strip().startswith(out.title)
            assert number in kept or number in removed or moved_to_title, (number, line)


def check_idempotent(step: Step, text: str, headlines: int = 0) -> None:
    once = step(make_doc(text, headlines))
    again = step(make_doc(once.text))
    assert again.text == once.text
    assert again.removed == []
