"""`batch_features` gives exactly `document_features`, text by text, on any text."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe.batch_features
import dedupe.spill
from cleaners.document import Document
from cleaners.options import CleanOptions
from dedupe import core
from dedupe.arrays import unique
from dedupe.batch_features import (
    DocumentFeatures,
    FeatureColumns,
    batch_columns,
    batch_features,
    text_features,
)
from dedupe.core import document_features
from dedupe.hashing import xxh3_64_many
from winnow_corpus import runner
from winnow_corpus.store import pack, unpack

# Bodies for the table path and around it: plain news, every apostrophe rule, names next to
# punctuation and typographic characters, case, spaces and controls, other scripts, and texts
# that must leave it (casefolds that change length, characters past the BMP).
BODIES = [
    "",
    " ",
    "a",
    "I",
    "Rain fell on the town. Later, Mayor Ana Lind's office in Oslo shut on Friday.",
    "it's2 o'clock a'1 ab'cd3'ef x''y 'tis rock'n'roll 9'a a'b'c' ' '' ",
    "Don’t “quote” me — ok… he said\u00a0Ana; the 3 Lind’s Co. 12 Oslo, Bergen; Tromsø",
    "one two three four",
    "one two three four five",
    "one two three four five six seven, EIGHT nine TEN",
    "\0\0 \x1c\x1d lead and trail \x1e\x1f \x7f\x01",
    "  \t\r\n\x0b\x0c spaces of every kind \t\n",
    "a b, Cde Fgh; Ijk 9 Lmn o,Pqr s  Tuv w\u00a0Xyz January Monday's Mr Smith's",
    "x" * 200 + " tail " + "y" * 17 + " " + "z" * 129,
    "Straße ΣΑΣ naïve İstanbul café",  # casefolds that grow: the per-document path
    "Ünïcödé first, then Mayor Ana",
    "В Москве, Иван Петров’s отчёт; 2 Ольга Ким сказала ΣΑΣ και Σοφία",  # the table path
    "ÉCOLE naïve café: l’État, d’Artagnan; 3 Ōsaka ½ ² \u09f4 Ωmega µ",
    "Kelvin \u212a and Ohm \u2126 fold to fewer bytes; a\u00a0Ana b Ana",
    "emoji 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 past the BMP, then Mayor Ana",
    "日本語のテキスト 이다 Ἀθῆναι ﬁne ﬀ",
    "Wide\u3000space and\u2028line",
    "word " * 3000,
    "Sept. 11, 2001: Qtly div 25 cts vs 25 cts prior; Reid's 52 votes.",
]
TITLES = ["", "Storm", "UPPER Case Title!", "Title’s “quotes”", "Ünï"]


def assert_same(got: DocumentFeatures, want: DocumentFeatures) -> None:
    assert got[0] == want[0]
    for a, b in ((got[1], want[1]), (got[2], want[2]), (got[3], want[3])):
        assert a.dtype == b.dtype
        assert a.tolist() == b.tolist()


def expected(bodies: list[str], titles: list[str], seed: int) -> list[DocumentFeatures]:
    docs = [
        Document(f"d{i}", body, "src", (1, 1), title=title)
        for i, (body, title) in enumerate(zip(bodies, titles, strict=True))
    ]
    return [document_features(doc, seed) for doc in docs]


@pytest.mark.parametrize("seed", [1, 7, 2**32 - 1])
def test_equals_document_features_on_edge_cases(seed: int) -> None:
    bodies = [body for body in BODIES for _ in TITLES]
    titles = [title for _ in BODIES for title in TITLES]
    got = batch_features(bodies, titles, seed)
    assert len(got) == len(bodies)
    for g, w in zip(got, expected(bodies, titles, seed), strict=True):
        assert_same(g, w)


def test_slices_and_columns_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many slices (a few texts each) give what one does, as a list and as columns."""
    bodies = BODIES * 3
    titles = (TITLES * len(bodies))[: len(bodies)]
    whole = batch_features(bodies, titles, 1)
    monkeypatch.setattr(dedupe.batch_features, "CHUNK_CHARS", 64)
    sliced = batch_features(bodies, titles, 1)
    columns = batch_columns(bodies, titles, 1)
    assert len(columns) == len(bodies)
    for a, b, c in zip(whole, sliced, columns.documents(), strict=True):
        assert_same(a, b)
        assert_same(a, c)


def test_no_titles_and_no_texts() -> None:
    assert batch_features([]) == []
    assert len(batch_columns([])) == 0
    got = batch_features(["Rain, then Mayor Ana spoke."], seed=3)
    assert_same(got[0], expected(["Rain, then Mayor Ana spoke."], [""], 3)[0])
    with pytest.raises(ValueError, match="titles"):
        batch_features(["a", "b"], ["only one"])


def test_a_lone_surrogate_fails_as_document_features_does() -> None:
    """`exact_key` cannot encode one (the cleaning's Unicode step removes them first): the
    batch sends that text to the per-document path, which raises the same error."""
    body = "lone \ud800 surrogate"
    with pytest.raises(UnicodeEncodeError):
        expected([body], [""], 1)
    with pytest.raises(UnicodeEncodeError):
        batch_features(["fine", body])


def test_text_features_is_document_features() -> None:
    doc = Document("a", "Rain, then Mayor Ana spoke.", "src", (1, 1), title="Storm")
    assert_same(
        text_features("Storm\nRain, then Mayor Ana spoke.", doc.text, 1),
        document_features(doc, 1),
    )


def test_xxh3_many_equals_xxhash_at_every_length() -> None:
    """Every XXH3 input-length path (0-3, 4-8, 9-16, 17-128 and beyond) at odd offsets."""
    rng = np.random.default_rng(5)
    data = rng.integers(0, 256, 40_000, dtype=np.uint8)
    lengths = np.repeat(np.arange(301), 3)
    starts = rng.integers(0, data.size - 301, lengths.size)
    for seed in (0, 1, 2**32 - 1):
        got = xxh3_64_many(data, starts, lengths, seed).tolist()
        want = [
            xxhash.xxh3_64_intdigest(data[s : s + n].tobytes(), seed)
            for s, n in zip(starts.tolist(), lengths.tolist(), strict=True)
        ]
        assert got == want


# arbitrary text, and text close to the byte path's rules (ASCII, apostrophes, digits, capitals
# after "x " and ", ", the typographic characters it maps, and a few that leave it)
NEWSY = st.text(
    alphabet=st.sampled_from(list("aZs9 ,;'’\n.\u00a0“—é\x1cI")) | st.characters(max_codepoint=127),
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=60) | NEWSY, st.text(max_size=12) | NEWSY), max_size=6))
def test_equals_document_features_on_any_text(pairs: list[tuple[str, str]]) -> None:
    bodies = [body for body, _ in pairs]
    titles = [title for _, title in pairs]
    for g, w in zip(batch_features(bodies, titles, 1), expected(bodies, titles, 1), strict=True):
        assert_same(g, w)


def documents() -> list[Document]:
    bodies = [body for body in BODIES if body != "word " * 3000] * 2
    return [
        Document(f"d{i}", body, "src", (i, i), title=TITLES[i % len(TITLES)])
        for i, body in enumerate(bodies)
    ]


def test_find_duplicates_computes_missing_features_as_batches() -> None:
    """The features `find_duplicates` computes (a batch for each window, given ones kept) are
    `document_features`, in canonical order."""
    docs = documents()
    given: list[DocumentFeatures | None] = [
        document_features(doc, 1) if i % 3 == 0 else None for i, doc in enumerate(docs)
    ]
    order = list(reversed(range(len(docs))))
    got = list(core._ordered_features(docs, given, order, 1))
    assert len(got) == len(docs)
    for i, feature in zip(order, got, strict=True):
        assert_same(feature, document_features(docs[i], 1))


def test_runner_workers_compute_a_batchs_features_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cleaning workers' features come from `feature_columns` (one call for the batch),
    the same values as `document_features` gives article by article; an emptied article has
    none, and the run's spill takes the batch's columns back to one entry per article."""
    docs = [*documents(), Document("gone", "", "src", (99, 99))]
    packed = [pack(doc) for doc in docs]
    batches: list[int] = []
    real = core.feature_columns

    def counted(docs: list[Document], seed: int) -> FeatureColumns:
        batches.append(len(docs))
        return real(docs, seed)

    monkeypatch.setattr(runner, "feature_columns", counted)
    cleaned, empty, columns, _ = runner._clean_packed(packed, CleanOptions(), 1)
    assert batches == [sum(1 for gone in empty if not gone)]
    assert empty[-1] and columns is not None
    spill = core.FeatureSpill()
    spill.extend(columns, empty)
    spill.extend(None, [False, True])  # a run without dedupe computes none
    assert len(spill) == len(docs) + 2 and spill[-1] is None and spill[-2] is None
    for data, gone, feature in zip(cleaned, empty, spill, strict=False):
        assert (feature is None) == gone
        if feature is not None:
            assert_same(feature, document_features(unpack(data), 1))


@given(st.lists(st.text(max_size=60), max_size=12), st.sampled_from([0, 1 << 30]))
@settings(max_examples=40, deadline=None)
def test_columns_of_documents_give_the_documents_back(texts: list[str], spool: int) -> None:
    features = [
        document_features(Document(f"d{i}", t, "s", (1, 1)), 1) for i, t in enumerate(texts)
    ]
    columns = FeatureColumns.of(features)
    for got, want in zip(columns.documents(), features, strict=True):
        assert_same(got, want)
    missing: list[bool] = []  # an emptied article after every second one
    for i in range(len(features)):
        missing += [False, True] if i % 2 else [False]
    with patch.object(dedupe.spill, "SPOOL_BYTES", spool):  # held, or on disk from the start
        spill = core.FeatureSpill()
        spill.extend(columns, missing)
        replay = iter(features)
        for gone, got in zip(missing, spill, strict=True):
            if gone:
                assert got is None
            else:
                assert got is not None
                assert_same(got, next(replay))
        spill.close()


def test_ascii_classes_are_the_tables() -> None:
    """The byte comparisons that classify ASCII agree with the tables built from `regex` and
    `str.casefold`, character by character."""
    flags, fold = dedupe.batch_features._tables()
    data = np.arange(128, dtype=np.uint8)
    classes = dedupe.batch_features._Classes.of(data)
    for mask, bit in (
        (classes.letter, dedupe.batch_features._LETTER),
        (classes.number, dedupe.batch_features._NUMBER),
        (classes.upper, dedupe.batch_features._UPPER),
        (classes.lower, dedupe.batch_features._LOWER),
        (classes.blank, dedupe.batch_features._BLANK),
    ):
        assert mask.tolist() == ((flags[:128] & bit) != 0).tolist()
    assert classes.folded.tolist() == fold[:128].tolist()


def test_what_strip_removes_after_normalise_is_stripped() -> None:
    """Every character `str.strip` removes that `normalise` does not blank is in `_STRIPPED`."""
    flags, _ = dedupe.batch_features._tables()
    left = [
        chr(c)
        for c in range(0x10000)
        if chr(c).isspace() and not flags[c] & dedupe.batch_features._BLANK
    ]
    assert "".join(left).encode() == dedupe.batch_features._STRIPPED.strip(b" ")


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=200))
def test_unique_is_numpys(values: list[int]) -> None:
    array = np.array(values, dtype=np.uint64)
    assert unique(array).tolist() == np.unique(array).tolist()
