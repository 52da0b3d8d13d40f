"""Republisher footers, "first published" lines, copyright notices and lines learned to recur
across the articles of one run."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.document import Document
from cleaners.footers import (
    RecurringLines,
    appeared_first,
    copyright_notice,
    learn_recurring,
    line_keys,
    line_keys_of,
    make_step,
    remove_learned,
    republisher_template,
    shape,
    shape_key,
)
from cleaners.options import CleanOptions
from cleaners.pipeline import clean_documents
from tests.step_contract import check_every_line_kept_or_removed, check_idempotent


@pytest.mark.parametrize(
    "line, hit",
    [
        (
            "These were the details of the news Ferry strike ends for this day. We hope that "
            "we have succeeded by giving you the full details and information.",
            True,
        ),
        (
            "The original news has been published and is available at Harbour Daily and the "
            "editorial team has confirmed it and it has been modified.",
            True,
        ),
        ("To follow the latest news, we hope that we have succeeded by giving you it all", True),
        ("These were the details that the inquiry found most troubling.", False),
        ("We hope that the ferry will run again by spring.", False),
        ("The news was published on Monday and is available online.", False),
    ],
)
def test_republisher_template(line: str, hit: bool) -> None:
    assert republisher_template(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("The post Ferry strike ends after talks appeared first on Harbour Daily.", True),
        ("This article was originally published on The Conversation. Read the original.", True),
        ("This story was first published by Coastal Weekly.", True),
        ("This piece has been republished with permission from Tide Review.", True),
        ("First published on Tue 2 Mar 2021 09.12 GMT", True),
        ("Originally published in the Harbour Daily", True),
        ("The plan first appeared in a council report in May.", False),
        ("The report was published on Monday by the ministry.", False),
        ("Her first novel was published in 2009.", False),
    ],
)
def test_appeared_first(line: str, hit: bool) -> None:
    assert appeared_first(line) is hit


@pytest.mark.parametrize(
    "line",
    [
        "It was first published in 1851 as a weekly.",
        "First published in 1998, the novel sold a million copies.",
        "The post office appeared first on the list of closures, he said, and",
    ],
)
def test_appeared_first_prose_near_misses(line: str) -> None:
    assert appeared_first(line) is False


@pytest.mark.parametrize(
    "line, hit",
    [
        ("© 2024 Harbour Times. All rights reserved.", True),
        ("Copyright 2023 The Associated Press. All rights reserved.", True),
        ("(c) Coastal Media Ltd 2022", True),
        ("All rights reserved.", True),
        # a long footer opening with the sign, and a line of footer links carrying it
        (
            "© 2024 Harbour Media Ltd. All rights reserved. Harbour Radio and the wave logo are "
            "trademarks of Harbour Media Ltd and may not be used without permission. Other names "
            "and logos on this site belong to their owners and are used here for identification "
            "only, with no endorsement implied.",
            True,
        ),
        ("About us Contact Terms Privacy © Harbour Times 2024", True),
        ("The copyright case reached the court on Monday.", False),
        (
            "The label's lawyers argued for weeks over a song credited as © 1971 to a company "
            "that no longer existed, and the judge said the matter of who owned the recording "
            "would have to wait for the next hearing in the spring, when both sides could bring "
            "their witnesses.",
            False,
        ),
        (
            "He said all rights reserved by the treaty remained in force for the coastal towns.",
            False,
        ),
    ],
)
def test_copyright_notice(line: str, hit: bool) -> None:
    assert copyright_notice(line) is hit


def _doc(text: str, first: int = 1, ident: str = "f") -> Document:
    lines = text.split("\n")
    return Document(
        id=ident,
        text=text,
        source="f.txt",
        lines=(first, first + len(lines) - 1),
        line_numbers=tuple(range(first, first + len(lines))),
    )


def test_step_removes_footers_with_source_lines() -> None:
    text = (
        "The harbour board approved the ferry terminal on Monday.\n"
        "\n"
        "The post Ferry terminal approved appeared first on Harbour Daily.\n"
        "© 2024 Harbour Daily. All rights reserved."
    )
    out = make_step(CleanOptions())(_doc(text, first=7))
    assert out.text == "The harbour board approved the ferry terminal on Monday."
    assert [(r.rule, r.reason, r.line) for r in out.removed] == [
        ("footers.appeared_first", "republisher footer", 9),
        ("footers.copyright", "copyright notice", 10),
    ]


def test_step_disabled_rule() -> None:
    text = "Body line.\n\n© 2024 Harbour Daily. All rights reserved."
    options = CleanOptions(disabled_rules=frozenset({"footers.copyright"}))
    assert make_step(options)(_doc(text)).text == text


def test_shape_masks_numbers_and_capitalised_words() -> None:
    assert shape("Read 12 more stories from Harbour Times at example.org") == shape(
        "Read 3 more stories from Coastal Weekly at example.org"
    )
    assert shape("Read more stories") != shape("Skip more stories today")


BODIES = [
    "Ferries were cancelled across the strait after the storm.",
    "Bakers in the old quarter raised bread prices again.",
    "A new cycle lane opened along the river embankment.",
    "Teachers voted to accept the revised pay offer.",
    "The zoo welcomed twin otter cubs over the weekend.",
    "Farmers warned that the dry spring would cut yields.",
    "Volunteers planted four hundred trees on the hillside.",
    "The library extended its opening hours for exam season.",
    "Fishermen protested against the proposed quota cuts.",
    "A jazz festival drew record crowds to the waterfront.",
]


def _run(template_docs: int, total: int = 10) -> list[Document]:
    outlets = ["Harbour Times", "Coastal Weekly", "Tide Review", "Port News", "Bay Herald"]
    docs = []
    for i in range(total):
        lines = [
            BODIES[i],
            "",
            "Key points",  # a two-word subheading in every article
            "",
            f"The count for item {i} ended {BODIES[(i + 3) % total].split()[1]} today.",
        ]
        if i < template_docs:
            lines += ["", f"Read {i + 2} more stories from {outlets[i % 5]} at example.org"]
        if i == 0:
            lines += ["", "A closing remark that only this one article makes about the pier."]
        docs.append(_doc("\n".join(lines), first=1 + 20 * i, ident=f"d{i}"))
    return docs


def test_learn_recurring_template_in_three_of_ten() -> None:
    learned = learn_recurring(_run(3), CleanOptions())
    assert "Read 40 more stories from Somewhere Else at example.org" in learned
    assert "A closing remark that only this one article makes about the pier." not in learned
    assert "Key points" not in learned
    assert learned.keys == {shape_key("Read 4 more stories from Harbour Times at example.org")}


def test_learn_recurring_needs_three_documents() -> None:
    learned = learn_recurring(_run(2), CleanOptions())
    assert "Read 4 more stories from Harbour Times at example.org" not in learned


def test_learn_recurring_respects_min_docs_option() -> None:
    options = CleanOptions(recurring_min_docs=4)
    assert learn_recurring(_run(3), options).keys == frozenset()


def test_recurring_step_removes_learned_lines() -> None:
    docs = _run(3)
    learned = learn_recurring(docs, CleanOptions())
    out = make_step(CleanOptions(), learned)(docs[1])
    assert [(r.rule, r.reason, r.line) for r in out.removed] == [
        ("footers.recurring", "recurring boilerplate", 27)
    ]
    assert "Key points" in out.text


def test_remove_learned_skips_only_articles_without_a_learned_line() -> None:
    docs = _run(4)
    learned = learn_recurring(docs, CleanOptions())
    every = [make_step(CleanOptions(), learned)(doc) for doc in docs]
    out = remove_learned(docs, CleanOptions())
    assert out == every
    assert [doc is before for doc, before in zip(out, docs, strict=True)] == [
        i >= 4 for i in range(10)
    ]


def test_shape_key_is_the_key_of_the_shape() -> None:
    # lines of one shape share a key; another shape (a lower-case word changed) does not
    assert shape_key("Read 3 more stories from Bay Herald") == shape_key(
        "Read 9 more stories from Tide Review"
    )
    assert shape_key("Read 3 more stories from Bay Herald") != shape_key(
        "Read 3 fewer stories from Bay Herald"
    )


# lines a template could make, in ASCII and past it: numbers with separators, capitalised
# words with apostrophes and hyphens, letters whose case or digits Rust regex and `regex` may
# judge differently, Python's own whitespace
TEMPLATE_PIECES = st.sampled_from(
    [
        "Read",
        "more",
        "stories",
        "from",
        "Bay",
        "Herald",
        "at",
        "example.org",
        "12",
        "3.5",
        "1,200",
        "10:30",
        "O'Neil",
        "Jean-Luc",
        "l’Été",
        "Ωmega",
        "ǅemal",
        "ß",
        "٣",
        "x\u00a0y",
        "\u2028",
        "\U00011de0",  # a digit to `regex`'s Unicode tables, not to Rust regex's older ones
        "\t",
        "  ",
        "_",
        "é",
        "ΣΑΣ",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.lists(TEMPLATE_PIECES, max_size=9).map(" ".join), max_size=6).map("\n".join)
        | st.text(max_size=80),
        max_size=6,
    )
)
def test_a_batchs_line_keys_are_each_articles(texts: list[str]) -> None:
    docs = [Document(str(i), text, "s.txt", (1, 1)) for i, text in enumerate(texts)]
    for got, want in zip(line_keys_of(docs), [line_keys(doc) for doc in docs], strict=True):
        assert got.dtype == want.dtype and got.tolist() == want.tolist()


TEMPLATE_LINES = st.lists(TEMPLATE_PIECES, min_size=4, max_size=9).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(TEMPLATE_LINES, min_size=1, max_size=3),
    st.lists(
        st.tuples(st.lists(st.integers(0, 2)), st.lists(TEMPLATE_LINES, max_size=3)),
        min_size=3,
        max_size=8,
    ),
)
def test_a_batchs_recurring_lines_go_as_each_articles_step_drops_them(
    templates: list[str], articles: list[tuple[list[int], list[str]]]
) -> None:
    docs = [
        Document(
            str(i),
            "\n".join([*own, *(templates[t % len(templates)] for t in picks)]),
            "s.txt",
            (1, 1),
        )
        for i, (picks, own) in enumerate(articles)
    ]
    learned = learn_recurring(docs, CleanOptions())
    assert remove_learned(docs, CleanOptions()) == [
        make_step(CleanOptions(), learned)(doc) for doc in docs
    ]


def test_recurring_step_switched_off() -> None:
    docs = _run(3)
    learned = learn_recurring(docs, CleanOptions())
    options = CleanOptions(disabled_rules=frozenset({"footers.recurring"}))
    assert make_step(options, learned)(docs[1]) is docs[1]
    assert make_step(CleanOptions(), RecurringLines(frozenset()))(docs[1]) is docs[1]


def test_clean_documents_learns_across_the_run() -> None:
    out = clean_documents(_run(3))
    recurring = [r for d in out for r in d.removed if r.rule == "footers.recurring"]
    assert [r.line for r in recurring] == [7, 27, 47]
    out_off = clean_documents(_run(3), CleanOptions(learn_recurring=False))
    assert not any(r.rule == "footers.recurring" for d in out_off for r in d.removed)


# --- properties on arbitrary text (hypothesis, derandomized) ------------------------------------

PROPERTY_POOL = [
    "The post Ferry plan approved appeared first on Harbour Daily.",
    "This article was originally published on The Conversation.",
    "© 2024 Harbour Daily. All rights reserved.",
    "These were the details of the news Ferry strike ends for this day.",
    "The board said work would start in May.",
]
PROPERTY_TEXT = st.lists(
    st.one_of(st.sampled_from(PROPERTY_POOL), st.text(max_size=40)), max_size=12
).map("\n".join)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(PROPERTY_TEXT)
def test_property_never_raises_and_every_line_is_kept_or_removed(text: str) -> None:
    check_every_line_kept_or_removed(make_step(CleanOptions()), text)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(PROPERTY_TEXT)
def test_property_idempotent(text: str) -> None:
    check_idempotent(make_step(CleanOptions()), text)


# --- a credit glued to the lead paragraph (issue 19) -----------------------------------------

GLUED_LEAD = (
    "© Provided by Harbour Times The council voted on Monday to build the new ferry terminal "
    "by the river."
)


def test_a_glued_credit_is_cut_and_its_paragraph_kept() -> None:
    from cleaners.footers import copyright_notice, glued_credit

    assert glued_credit(GLUED_LEAD) == (
        "© Provided by Harbour Times",
        "The council voted on Monday to build the new ferry terminal by the river.",
    )
    assert not copyright_notice(GLUED_LEAD)  # never the whole paragraph
    # a credit on its own line, or before a few words only, is still a copyright line
    assert glued_credit("© Provided by Harbour Times") is None
    assert copyright_notice("© Provided by Harbour Times")
    assert glued_credit("© Provided by Harbour Times Photo gallery") is None


def test_a_glued_credit_in_a_batch_and_article_by_article() -> None:
    from cleaners.pipeline import clean as clean_text
    from cleaners.pipeline import clean_document, document_steps
    from cleaners.split import split_dump

    text = (
        "Ferry terminal approved for the east bank\n\n"
        f"{GLUED_LEAD}\n\n"
        "Work starts in May, officials said, and will take two years to finish.\n"
    )
    [doc] = clean_text(text, "s.txt")
    assert doc.text.startswith("The council voted on Monday")
    assert "Provided by" not in doc.text
    assert [(r.text, r.rule, r.line) for r in doc.removed] == [
        ("© Provided by Harbour Times", "footers.copyright", 3)
    ]
    [raw] = split_dump(text, "s.txt")
    assert clean_document(raw, document_steps(CleanOptions())) == doc
