"""DocumentStore: cleaned articles wait on disk and come back exactly as they went in."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.document import Document, Removal
from dedupe import DedupeConfig, find_duplicates
from dedupe.core import features_of
from dedupe.parallel import can_fork, fork_map
from dedupe.records import head
from winnow_corpus.errors import OutputError
from winnow_corpus.runner import (
    removal_lines_of,
    removal_records_of,
)
from winnow_corpus.store import (
    DocumentStore,
    DocumentView,
    document_records,
    packed_fields,
)
from winnow_corpus.writers import jsonl_line


def article(n: int, text: str = "Body of the article.") -> Document:
    return Document(
        id=f"id{n}",
        text=text,
        source="wire/a.txt",
        lines=(n, n + 2),
        title=f"Title {n} — “quoted”",
        meta={"headlines": 1, "fields": {"url": f"https://example.org/{n}", "n": n}},
        removed=[Removal("Photo: Jane Roe", "photo caption", "captions.photo_credit", n + 1)],
        line_numbers=(n, n + 2),
    )


def test_documents_come_back_equal_in_order() -> None:
    docs = [article(n) for n in range(50)]
    store = DocumentStore()
    store.extend(docs)
    assert len(store) == 50
    assert list(store) == docs
    assert store[7] == docs[7] and store[-1] == docs[-1]
    assert store[3:6] == docs[3:6]
    with pytest.raises(IndexError):
        store[50]


def test_replacing_an_article_leaves_the_others(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path, spool_bytes=0)  # straight to disk
    store.extend(article(n) for n in range(5))
    changed = article(2, "A shorter body.")
    store[2] = changed
    store[-1] = article(40)
    assert store[2] == changed
    assert [d.id for d in store] == ["id0", "id1", "id2", "id3", "id40"]
    assert store[1] == article(1)
    store.append(article(9))
    assert store[5] == article(9) and store[2] == changed


def test_spilled_store_writes_nothing_visible(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path, spool_bytes=1 << 10)
    store.extend(article(n, "word " * 200) for n in range(100))  # well past the spool size
    assert store[99] == article(99, "word " * 200)
    assert list(tmp_path.iterdir()) == []  # the file is unlinked from the start
    store.close()


def test_view_reads_the_positions_given() -> None:
    store = DocumentStore()
    store.extend(article(n) for n in range(10))
    view = DocumentView(store, [8, 1, 4])
    assert [d.id for d in view] == ["id8", "id1", "id4"]
    assert len(view) == 3 and view[-1].id == "id4" and [d.id for d in view[1:]] == ["id1", "id4"]
    assert [d.id for d in DocumentView(view, [2, 0])] == ["id4", "id8"]


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, texts, st.lists(texts, max_size=3)), max_size=8))
def test_any_text_round_trips(items: list[tuple[str, str, list[str]]]) -> None:
    docs = [
        Document(
            id=str(n),
            text=text,
            source="s",
            lines=(1, 1),
            title=title,
            removed=[Removal(r, "reason", "rule.x", 1) for r in removed],
            line_numbers=tuple(range(len(text.split("\n")))),
        )
        for n, (text, title, removed) in enumerate(items)
    ]
    store = DocumentStore(spool_bytes=256)
    store.extend(docs)
    assert list(store) == docs


@pytest.mark.parametrize("on_disk", [True, False], ids=["on disk", "in memory"])
def test_a_full_disk_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_disk: bool
) -> None:
    store = DocumentStore(tmp_path, spool_bytes=0 if on_disk else 1 << 20)
    store.append(article(1))

    def no_space(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    if on_disk:
        monkeypatch.setattr(os, "pwrite", no_space)
    else:
        monkeypatch.setattr(store._file, "write", no_space)
    with pytest.raises(OutputError, match=r"No space left on device.*--temp-dir"):
        store.append(article(2))
    monkeypatch.undo()
    assert store[0] == article(1) and len(store) == 1


@pytest.mark.skipif(not can_fork(), reason="forked children need fork")
@pytest.mark.parametrize("spool_bytes", [0, 1 << 20], ids=["on disk", "in memory"])
def test_forked_children_read_the_store_while_its_parent_does(spool_bytes: int) -> None:
    """The output writers read the store from forked children at once: reads at offsets, so
    no child moves a file position another process relies on."""
    docs = [article(n, f"Body {n}. " * (n % 7 + 1)) for n in range(400)]
    store = DocumentStore(spool_bytes=spool_bytes)
    store.extend(docs)

    def read(lo: int, hi: int) -> list[Document]:
        return [store[i] for i in range(lo, hi) for _ in range(3)][::3]

    parts = fork_map(read, len(docs), jobs=4)
    assert [d for part in parts for d in part] == docs
    assert list(store) == docs  # the parent's own reads are unchanged


def test_packed_fields_are_the_same_from_a_store_and_from_a_list() -> None:
    docs = [article(n) for n in range(5)]
    store = DocumentStore()
    store.extend(docs)
    from_store = list(packed_fields(store))
    assert from_store == list(packed_fields(docs))
    assert [f.id for f in from_store] == [d.id for d in docs]
    assert from_store[2].removed == [(r.text, r.reason, r.rule, r.line) for r in docs[2].removed]


def test_packed_fields_of_a_view_are_read_from_its_store_in_the_views_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = [article(n) for n in range(6)]
    docs[4].removed.append(Removal("By Ann Lee", "byline", "boilerplate.byline", 7))
    store = DocumentStore()
    store.extend(docs)
    view = DocumentView(DocumentView(store, [5, 4, 1, 0]), [1, 2])  # a view of a view
    monkeypatch.setattr(
        "winnow_corpus.store.unpack", lambda data: pytest.fail("a Document was rebuilt")
    )
    fields = list(packed_fields(view))
    assert [f.id for f in fields] == ["id4", "id1"]
    assert list(document_records(view)) == [docs[4].to_dict(), docs[1].to_dict()]
    monkeypatch.undo()
    assert list(document_records(docs[:2])) == [docs[0].to_dict(), docs[1].to_dict()]


def test_removal_records_are_each_removals_dict_with_its_category() -> None:
    docs = [article(n) for n in range(3)]
    docs[1].removed.append(Removal("By Ann Lee", "byline", "boilerplate.byline", 7))
    store = DocumentStore()
    store.extend(docs)
    expected = [
        {"id": d.id, "source": d.source, **r.to_dict(), "category": r.category}
        for d in docs
        for r in d.removed
    ]
    for held in (store, docs):
        assert list(removal_records_of(held)) == expected


# any text a line may hold once read: no lone surrogates (the readers replace them)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    removals=st.lists(
        st.tuples(TEXT, TEXT, TEXT, st.integers(min_value=-1, max_value=10**12)), max_size=6
    ),
    doc_id=TEXT,
    source=TEXT,
)
def test_removed_lines_are_the_encoders_bytes(
    removals: list[tuple[str, str, str, int]], doc_id: str, source: str
) -> None:
    """removed.jsonl's lines built from escaped fields are byte for byte the encoder's lines of
    the records, whatever the strings hold (quotes, backslashes, control and non-ASCII
    characters, a rule name without a dot)."""
    doc = article(0)
    doc.id, doc.source = doc_id, source
    doc.removed = [Removal(text, reason, rule, line) for text, reason, rule, line in removals]
    store = DocumentStore()
    store.extend([doc, article(1)])
    for held in (store, [doc, article(1)]):
        expected = [jsonl_line(record) for record in removal_records_of(held)]
        assert list(removal_lines_of(held)) == expected


def test_heads_are_read_without_the_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [article(n, text=f"Body {n} " * n) for n in range(12)]
    store = DocumentStore()
    store.extend(docs)
    view = DocumentView(DocumentView(store, range(2, 12)), [7, 0, 3])
    monkeypatch.setattr(DocumentStore, "_read", lambda *_: pytest.fail("a document was read"))
    assert list(store.heads()) == [head(doc) for doc in docs]
    assert list(view.heads()) == [head(docs[9]), head(docs[2]), head(docs[5])]
    assert list(DocumentView(docs, [4, 1]).heads()) == [head(docs[4]), head(docs[1])]


def test_dedupe_reads_only_the_stored_articles_it_drops(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "The council voted on Monday to close the old bridge for repairs until spring."
    docs = [article(n, text=f"{body} Story {n // 3} of the day, told in full.") for n in range(9)]
    store = DocumentStore()
    store.extend(docs)
    view = DocumentView(store, range(len(docs)))
    features = features_of(docs, DedupeConfig().seed)
    reads: list[int] = []
    real = DocumentStore._read
    monkeypatch.setattr(DocumentStore, "_read", lambda self, at: reads.append(at) or real(self, at))
    result = find_duplicates(view, DedupeConfig(), features)
    assert result.duplicates, "the copies are found"
    dropped = [int(d.doc.id[2:]) for d in result.duplicates]
    # the first article once more: `as_records` looks at it to tell documents from mappings
    assert sorted(reads) == sorted([0, *dropped])
