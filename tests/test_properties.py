"""Invariants of cleaning on arbitrary text (hypothesis, derandomized so every run is the same).

- cleaning is idempotent: cleaning the cleaned articles again removes nothing and changes nothing;
- kept text, title, republisher title and removals account for every non-separator input line;
- `fix_line` never raises and is idempotent.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.document import Document
from cleaners.pipeline import clean_documents
from cleaners.split import SEPARATOR, split_dump
from cleaners.unicode import INVISIBLE, fix_line

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True)

POOL = [
    "Harbour authority approves new ferry terminal",
    "Harbour board backs ferry plan, angering residents | Ana Lima | HT",
    "By Ana Lima and Tom Roe",
    "Ana Lima",
    "Updated: March 3, 2021 10:15 AM",
    "GENOA (Reuters) - Dock workers walked out on Monday, unions said.",
    "SAN FRANCISCO, March 4 - Shares of the chipmaker jumped 8 pct.",
    "The board said work would start in May.",
    "Dock workers march in Genoa on Monday. Photograph: Ana Lima/AP",
    "FILE PHOTO: Cranes at the container terminal",
    "Share this article",
    "Sign up for our newsletter",
    "(Reporting by Ana Lima; Editing by Tom Roe)",
    "Reuters",
    "The post Ferry plan approved appeared first on Harbour Daily.",
    "© 2024 Harbour Daily. All rights reserved.",
    "Read 12 more stories from Harbour Times at example.org",
    "World News",
    "Business & Tech",
    "Key points",
    "The cafÃ© reopened â€œtodayâ€\x9d",
    "pay\u200bpal and\u202e mirrored",
    "“We are ready,” the minister said.",
    "---",
]
# Plain-ish text: no line or paragraph separators, which the splitter (not a line) handles.
LINE_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\n\r\f\x0b\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=60,
)
# Lines that top- and last-scoped rules remove (bylines, sign-offs): stacked, they are not
# idempotent only as a whole run (see the stacked-lines test below), so the property draws
# from the rest.
SCOPED = {
    "By Ana Lima and Tom Roe",
    "Ana Lima",
    "Reuters",
    "GENOA (Reuters) - Dock workers walked out on Monday, unions said.",
    "SAN FRANCISCO, March 4 - Shares of the chipmaker jumped 8 pct.",
}


def _dumps(pool: list[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda lines, gaps: "".join(
            line + ("\n\n" if gap else "\n") for line, gap in zip(lines, gaps, strict=False)
        ),
        st.lists(st.one_of(st.sampled_from(pool), LINE_TEXT), max_size=30),
        st.lists(st.booleans(), min_size=30, max_size=30),
    )


DUMPS = _dumps(POOL)
UNSCOPED_DUMPS = _dumps([line for line in POOL if line not in SCOPED])


def _reclean(docs: list[Document]) -> list[Document]:
    again = [
        Document(
            id=d.id,
            text=d.text,
            source=d.source,
            lines=d.lines,
            title=d.title,
            meta={"headlines": 0},
        )
        for d in docs
    ]
    return clean_documents(again)


def _assert_idempotent(dump: str) -> None:
    first = clean_documents(split_dump(dump, "x"))
    second = _reclean(first)
    assert [d.text for d in second] == [d.text for d in first]
    assert [d.title for d in second] == [d.title for d in first]
    assert [r for d in second for r in d.removed] == []


@SETTINGS
@given(UNSCOPED_DUMPS)
def test_clean_is_idempotent(dump: str) -> None:
    _assert_idempotent(dump)


@pytest.mark.parametrize(
    "dump",
    [
        "One.\nTwo.\nThree.\nBy Ana Lima\nBy Tom Roe\n",
        "The board met on Monday.\n\nReuters\n\nAFP\n",
        "GENOA (AP) - Dock workers walked out.\nPARIS (AP) - Talks went on all night.\n",
        # a sign-off above a footer line: found above it, not only once the footer is gone
        "Ferry plan approved\n\nThe board approved the plan on Monday after a long debate.\n"
        "Reuters\n© 2024 Harbour Daily. All rights reserved.\n",
        "Ferry plan approved\n\nThe board approved the plan on Monday.\n"
        "Trade rose nine pct. REUTER\n© 2024 Harbour Daily. All rights reserved.\n",
    ],
)
def test_clean_is_idempotent_with_stacked_scoped_lines(dump: str) -> None:
    _assert_idempotent(dump)


def _accounted(line: str, doc: Document) -> bool:
    if line in doc.text or line in doc.meta.get("republisher_title", ""):
        return True
    if doc.title and (line == doc.title or line.startswith(doc.title)):
        return True  # the title, possibly with a credit suffix parsed into meta
    for removal in doc.removed:
        text = removal.text.strip()
        if line in removal.text:
            return True
        if removal.rule == "headlines.dateline" and line.startswith(text):
            return line[len(removal.text) :].strip() in doc.text
    return False


@SETTINGS
@given(DUMPS)
def test_every_line_is_accounted_for(dump: str) -> None:
    docs = clean_documents(split_dump(dump, "x"))
    for raw in dump.split("\n"):
        line = fix_line(raw)
        if not line or SEPARATOR.fullmatch(raw.strip()):
            continue
        assert any(_accounted(line, doc) for doc in docs), line


@SETTINGS
@given(st.text())
def test_fix_line_never_raises(text: str) -> None:
    assert isinstance(fix_line(text), str)
    assert isinstance(fix_line(text, ascii_quotes=True), str)


@SETTINGS
@given(st.text().map(lambda text: INVISIBLE.sub("", text)))
def test_fix_line_is_idempotent(text: str) -> None:
    once = fix_line(text)
    assert fix_line(once) == once
    quoted = fix_line(text, ascii_quotes=True)
    assert fix_line(quoted, ascii_quotes=True) == quoted


def test_fix_line_idempotent_across_a_control_character() -> None:
    once = fix_line("Â\x1f¡")
    assert fix_line(once) == once


def test_clean_is_idempotent_when_a_footer_splits_a_link_run() -> None:
    """A footer line (removed after the boilerplate step) breaks no run of link lines, so the
    run is the one a second clean, without the footer line, would find."""
    _assert_idempotent(
        "A\nA\nThe post Ferry plan approved appeared first on Harbour Daily.\n"
        "World News\nWorld News\nA\n"
    )
