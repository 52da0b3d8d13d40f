"""The columnar cleaning (`clean_batch`, stages over a `lines` table) gives exactly the articles
that the article-by-article steps give, on the seed, on pages, wire stories and arbitrary text,
with every switch; and a batch's two forms of its lines agree."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.batch import Batch, lines_table
from cleaners.document import Document
from cleaners.options import CleanOptions
from cleaners.pipeline import batch_stages, clean_batch, clean_document, document_steps
from cleaners.split import split_dump
from tests.helpers import load_benchmark
from tests.test_properties import DUMPS

REPO = Path(__file__).resolve().parents[1]

PAGE = "\n".join(
    [
        "Home", "World", "Business", "Sport", "Culture", "Travel", "Log In",
        "Tram fares frozen for a year",
        "By Ana Lima",
        "Updated: 4 May 2023 09:12 BST",
        "",
        "The city council froze tram fares on Thursday, after a vote that split the ruling "
        "coalition and left the transport office short of money for the new line.",
        "Passengers will pay the same as last year, the council said in a statement.",
        "Crowds at the tram depot on Monday. Photograph: Ana Lima/Harbour Times",
        "The vote came after months of protests by commuters in the northern districts, "
        "who said the increase would hit those with the longest journeys hardest.",
        "Share this article", "Advertisement",
        "Related stories", "Ferry plan passes", "Bridge to close", "Port strike ends",
        "New stadium opens", "Rail link delayed",
        "© 2023 Harbour Times. All rights reserved.",
    ]
)  # fmt: skip
WIRE = (
    "HARBOUR BOARD SETS DIVIDEND\n"
    "    OSLO, March 3 - The harbour board said it would pay a dividend of 12 crowns\n"
    "a share, up from 10 crowns last year.\n"
    "    The board said trade through the port rose nine pct.\n"
    " REUTER\n"
)


def _old(docs: list[Document], options: CleanOptions) -> list[Document]:
    steps = document_steps(options)
    return [clean_document(doc, steps) for doc in docs]


def _assert_same(text: str, options: CleanOptions | None = None) -> None:
    options = options or CleanOptions()
    docs = list(split_dump(text, "t.txt"))
    assert clean_batch(docs, options) == _old(docs, options)


def test_the_seed_dump_cleans_the_same_as_a_batch() -> None:
    for dump in sorted(REPO.glob("corpus/raw/*.txt")):
        _assert_same(dump.read_text(encoding="utf-8"))


def test_a_page_and_a_wire_story_clean_the_same_as_a_batch() -> None:
    _assert_same(PAGE + "\n\n\n" + WIRE)
    for model, rule in (("model", "boilerplate.line_model"), ("frame", "boilerplate.page_frame")):
        batch = clean_batch(list(split_dump(PAGE, "p.txt")), CleanOptions(page_model=model))
        rules = {removal.rule for removal in batch[0].removed}
        assert {rule, "captions.photo_credit"} <= rules


OPTION_SETS = [
    CleanOptions(fix_unicode=False),
    CleanOptions(captions=False),
    CleanOptions(boilerplate=False),
    CleanOptions(footers=False),
    CleanOptions(headlines=False),
    CleanOptions(disabled_rules=frozenset({"boilerplate.navigation", "captions.photo_credit"})),
    CleanOptions(disabled_rules=frozenset({"boilerplate.page_frame", "footers.copyright"})),
    CleanOptions(custom_rules=(("tram", r"^Tram fares", "a test rule"),)),
    CleanOptions(page_model="frame"),
    CleanOptions(disabled_rules=frozenset({"boilerplate.line_model"})),
]


def _option_id(options: CleanOptions) -> str:
    """The options' repr with the disabled rules sorted: a frozenset's order follows string
    hashing, which differs between processes, and test ids must not (pytest-xdist's workers
    compare them)."""
    disabled = options.disabled_rules
    return repr(options).replace(repr(disabled), repr(sorted(disabled)))


@pytest.mark.parametrize("options", OPTION_SETS, ids=_option_id)
def test_every_switch_cleans_the_same_as_a_batch(options: CleanOptions) -> None:
    _assert_same(PAGE + "\n\n\n" + WIRE, options)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(DUMPS, min_size=1, max_size=4))
def test_arbitrary_dumps_clean_the_same_as_a_batch(dumps: list[str]) -> None:
    docs = [doc for i, dump in enumerate(dumps) for doc in split_dump(dump, f"{i}.txt")]
    assert clean_batch(docs, CleanOptions()) == _old(docs, CleanOptions())


def test_an_empty_batch_and_an_emptied_article() -> None:
    assert clean_batch([], CleanOptions()) == []
    _assert_same("Share this article\nAdvertisement\n")


def test_the_table_holds_every_line_with_its_source_number() -> None:
    doc = Document("a", "one\n\ntwo", "a.txt", (5, 7), line_numbers=(5, 6, 9))
    table = lines_table([doc, replace(doc, id="b", line_numbers=())])
    assert table.rows() == [
        (0, 5, "one"), (0, 6, ""), (0, 9, "two"), (1, 5, "one"), (1, 6, ""), (1, 7, "two")
    ]  # fmt: skip


def test_a_batch_rebuilds_folded_text_from_its_table() -> None:
    doc = Document("a", "one\n\n\ntwo\n", "a.txt", (1, 5), line_numbers=(1, 2, 3, 4, 5))
    batch = Batch.of([doc])
    kept = batch.lines().filter(batch.lines()["line"] != 4)
    (out,) = batch.with_lines(kept, {}).documents()
    assert (out.text, out.line_numbers) == ("one", (1,))
    assert doc.text == "one\n\n\ntwo\n"  # the input is not changed


PAGE_POOL = [
    *PAGE.split("\n"),
    "The mayor said the plan would go ahead next spring, whatever the council decides.",
    "Fares rose 3.5% in 2023, 4% in 2024 and 2.1% in 2025, figures showed on Monday.",
    "Tram fares frozen for older...",
    "North (4-1): Lee 2 goals, Park 1 goal, Kim 3 saves.",
    "and the line will open in May, officials said, after the last tests",
    "You may also like:",
    "By Ana Lima", "Reuters", "AFP", "Updated 3 hours ago", "東京で会議が開かれた。",
    "“We are ready,” the minister told reporters in the capital on Tuesday evening.",
]  # fmt: skip


# pages made of PAGE_POOL's lines in any order, a few to a batch
PAGES = st.lists(
    st.lists(st.one_of(st.sampled_from(PAGE_POOL), st.just("")), min_size=1, max_size=40),
    min_size=1,
    max_size=3,
)


def _page_docs(pages: list[list[str]]) -> list[Document]:
    return [
        doc
        for i, page in enumerate(pages)
        for doc in split_dump("Page title\n\n" + "\n".join(page) + "\n", f"{i}.txt")
    ]


@settings(max_examples=120, deadline=None, derandomize=True)
@given(PAGES)
def test_arbitrary_pages_clean_the_same_as_a_batch(pages: list[list[str]]) -> None:
    """Pages made of menus, prose, teasers, repeats and furniture in any order: the page frame,
    byline and sign-off runs and the repeated passes all decide as article by article."""
    docs = _page_docs(pages)
    assert clean_batch(docs, CleanOptions()) == _old(docs, CleanOptions())


@settings(max_examples=60, deadline=None, derandomize=True)
@given(PAGES)
def test_arbitrary_pages_clean_the_same_as_a_batch_by_the_line_model(
    pages: list[list[str]],
) -> None:
    """The line model decides each page as the article-by-article step does, several pages of
    a batch at once (its windows never reach into the next article)."""
    docs = _page_docs(pages)
    options = CleanOptions(page_model="model")
    assert clean_batch(docs, options) == _old(docs, options)


def _fresh_batch() -> tuple[Batch, list[Document]]:
    """A batch of a page, a wire story and the seed, and a deep enough copy of its articles."""
    seed = sorted(REPO.glob("corpus/raw/*.txt"))[0].read_text(encoding="utf-8")
    docs = [*split_dump(PAGE + "\n\n\n" + WIRE, "t.txt"), *split_dump(seed, "seed.txt")]
    copies = [replace(doc, meta=dict(doc.meta), removed=list(doc.removed)) for doc in docs]
    return Batch.of(docs), copies


@pytest.mark.parametrize(
    "name", [name for name, _ in batch_stages(CleanOptions())], ids=lambda name: name
)
def test_every_stage_keeps_the_stage_contract(name: str) -> None:
    """Each stage on its own: its input batch is left as it was, every non-blank line it was
    given is kept, moved to the title or named in one of its removals, and a second run of the
    stage on its output removes nothing more (byline and sign-off runs go whole at once)."""
    stage = dict(batch_stages(CleanOptions()))[name]
    batch, copies = _fresh_batch()
    before = batch.documents()
    out = stage(batch).documents()
    assert batch.documents() == copies == before  # nothing of the input was changed
    for doc, done in zip(before, out, strict=True):
        kept = set(done.line_numbers) if done.text else set()
        removed = {r.line for r in done.removed[len(doc.removed) :]}
        for number, line in doc.numbered_lines():
            moved = done.title and done.title in line
            assert not line.strip() or number in kept | removed or moved, (name, number, line)
    again = stage(Batch.of(out)).documents()
    assert [len(d.removed) for d in again] == [len(d.removed) for d in out]


def test_generated_lined_news_cleans_the_same_as_a_batch(tmp_path: Path) -> None:
    """The benchmark's own mix (articles, wire stories, pages from many sites with their menus,
    share bars, stamps, captions and footers), as the runner batches it."""
    out = tmp_path / "lined.jsonl"
    load_benchmark("make_lined_news").make(out, 0.25, 11)
    docs = [
        Document(record["id"], record["text"], "lined.jsonl", (n, n))
        for n, record in enumerate(map(json.loads, out.read_text("utf-8").splitlines()), 1)
    ]
    for model, rule in (("model", "boilerplate.line_model"), ("frame", "boilerplate.page_frame")):
        options = CleanOptions(page_model=model)
        batched = [
            doc for i in range(0, len(docs), 64) for doc in clean_batch(docs[i : i + 64], options)
        ]
        assert batched == _old(docs, options)
        assert any(r.rule == rule for doc in batched for r in doc.removed)


@pytest.mark.parametrize(
    "head",
    [
        "Quay Standards\n\nQuay standards are strict, and the board keeps to them.",
        "Kai Holm\n\nThe quay desk reports.",
        "Quay Desk\nUpdated: March 3, 2021 10:15 AM\n\nThe quay desk reports.",
        "Lisbon – Quay Desk\nShare this article\n\nThe quay desk reports.",
        "One.\nQuay Desk\nShare this article\nIda Moor\n\nThe ida desk reports.",
    ],
)
def test_bylines_by_their_context_clean_the_same_as_a_batch(head: str) -> None:
    _assert_same(f"{head}\n\nThe board met on Monday and approved the plan for the new quay.")


def test_bylines_of_short_articles_clean_the_same_as_a_batch() -> None:
    """Articles shorter than the byline run's top lines, one after another in a batch, bylines
    in several languages among them: each article's top lines are its own."""
    texts = [
        "Ana Lima",
        "Von Jonas Feld und Ida Moor\nDie Hafenordnung gilt seit Montag.",
        "Tom Roe | senior correspondent for Harbour Times",
        "Kai Holm\nIda Moor",
        "Lyon – Claire Dubois\nPar Luc Martin\nLe conseil a voté lundi.",
        "The board met on Monday.",
        "Por Luis Soto y Ana Ruiz\nSão Paulo — Ana Lima\nUpdated: March 3, 2021\nEl puerto abrió.",
    ]
    docs = [Document(f"d{n}", text, "short.txt", (n, n)) for n, text in enumerate(texts, 1)]
    assert clean_batch(docs, CleanOptions()) == _old(docs, CleanOptions())


def test_code_in_a_page_body_cleans_the_same_as_a_batch() -> None:
    from tests.test_boilerplate import CODE_SAMPLE

    _assert_same(CODE_SAMPLE + "\n" + PAGE)


@pytest.mark.parametrize(
    "options", [CleanOptions(), CleanOptions(footers=False)], ids=["footers", "no footers"]
)
def test_footer_lines_in_link_runs_clean_the_same_as_a_batch(options: CleanOptions) -> None:
    """A footer line between two short link runs breaks no run, so they make one; with the
    footers step off, it breaks the run as any other line."""
    dump = (
        "Ferry plan approved after a long night\n\n"
        "The harbour board approved the ferry plan on Monday after a debate that ran past "
        "midnight, its chair said.\n"
        "Work on the new landing stage starts in May and should end before the summer.\n"
        "Home\nWorld\nThe post Ferry plan approved appeared first on Harbour Daily.\n"
        "Sport\nCulture\nTravel\n"
    )
    _assert_same(dump, options)
    cleaned = clean_batch(list(split_dump(dump, "f.txt")), options)
    removed = {r.text: r.rule for doc in cleaned for r in doc.removed}
    if options.footers:
        assert removed["World"] == removed["Sport"] == "boilerplate.navigation"
    else:
        assert "World" not in removed


@pytest.mark.parametrize(
    "options",
    [CleanOptions(), CleanOptions(footers=False), CleanOptions(page_model="frame")],
    ids=["footers", "no footers", "frame"],
)
def test_sign_offs_above_footer_lines_clean_the_same_as_a_batch(options: CleanOptions) -> None:
    """The wire sign-off closing an article, on its own line or glued to the last one, is
    found above the footer lines after it (with the footers step off, not: they stay)."""
    texts = [
        "The board approved the plan on Monday after a long debate.\n"
        "Reuters\n© 2024 Harbour Daily. All rights reserved.",
        "The dock workers went back to work on Tuesday.\n"
        "Trade rose nine pct. REUTER\n\nThe post Dock strike ends appeared first on Harbour Daily.",
    ]
    docs = [Document(f"d{n}", text, "s.txt", (n, n)) for n, text in enumerate(texts, 1)]
    cleaned = clean_batch(docs, options)
    assert cleaned == _old(docs, options)
    signed = [r.text for doc in cleaned for r in doc.removed if r.rule == "boilerplate.sign_off"]
    assert signed == ([] if not options.footers else ["Reuters", "REUTER"])
