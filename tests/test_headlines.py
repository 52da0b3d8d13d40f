"""Headlines and datelines: title moved to `Document.title`, republisher headline and dateline
removed with a record, credit and dateline values kept in meta."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.document import Document
from cleaners.headlines import _dateline_match, dateline, make_step, parse_credit
from cleaners.options import CleanOptions
from cleaners.split import split_dump
from tests.step_contract import check_every_line_kept_or_removed, check_idempotent, make_doc


@pytest.mark.parametrize(
    "line, prefix",
    [
        ("MARSEILLE (AFP) – Dock workers walked out on Monday.", "MARSEILLE (AFP) – "),
        ("NEW YORK (Reuters) - Stocks rose on Tuesday after jobs data.", "NEW YORK (Reuters) - "),
        ("Geneva (AP) — Negotiators met again late into the night.", "Geneva (AP) — "),
        ("SAN FRANCISCO, March 4 - Shares of the chipmaker jumped.", "SAN FRANCISCO, March 4 - "),
        ("ST. LOUIS, Sept. 12 - The brewer said profits rose.", "ST. LOUIS, Sept. 12 - "),
        ("WASHINGTON D.C. — The Senate voted 51-49 on the bill.", "WASHINGTON D.C. — "),
        ("LONDON — “We are ready,” the minister said on Friday.", "LONDON — "),
        ("SAN FRANCISCO, Feb 26 -", "SAN FRANCISCO, Feb 26 -"),  # story goes on below
    ],
)
def test_dateline_hits(line: str, prefix: str) -> None:
    assert dateline(line) is True
    match = _dateline_match(line)
    assert match is not None and match.group(0) == prefix


@pytest.mark.parametrize(
    "line",
    [
        "NATO - the alliance - met on Sunday.",  # acronym then lower case
        "UPDATE - a correction was issued.",
        "The council met in Lyon on March 4 - and voted.",  # a date inside a sentence
        "EU — ok",  # too short a rest
        "Paris (France) is a city that many visit each year.",  # no dash after the parens
        "Mr Lima (Labour) – who chairs the committee – said no.",
        "US - Iran talks resume in Vienna on Monday.",  # two-letter "city"
        "LONDON —",  # a bare city with no date and nothing after it
        "Photographs from the archive, 1962, show the old harbour.",
    ],
)
def test_dateline_near_misses(line: str) -> None:
    assert dateline(line) is False


def test_dateline_not_a_hyphenated_acronym() -> None:
    assert dateline("COVID-19 - What you need to know today") is False


def test_dateline_not_a_ticker() -> None:
    assert dateline("Acme Corp (ACME) - Shares rose 3% in early trading.") is False
    assert dateline("Harbour Holdings (HBH) – The shares fell 2% on Monday.") is False
    assert dateline("Port Louis (AFP) - Police said on Sunday the ferry had sunk.") is True


@pytest.mark.parametrize(
    "title, parsed",
    [
        ("Ferry plan approved | Ana Lima | HT", ("Ferry plan approved", "Ana Lima", "HT")),
        ("Ferry plan approved | | The Courier", ("Ferry plan approved", "", "The Courier")),
        ("Ferry plan approved | The Courier", ("Ferry plan approved", "", "The Courier")),
        (
            "Dock strike ends after talks | Jean-Paul de Martin | Le Courrier du Sud",
            ("Dock strike ends after talks", "Jean-Paul de Martin", "Le Courrier du Sud"),
        ),
        ("No credit in this title", ("No credit in this title", "", "")),
        ("Ferry plan approved |", ("Ferry plan approved", "", "")),
    ],
)
def test_parse_credit(title: str, parsed: tuple[str, str, str]) -> None:
    assert parse_credit(title) == parsed


def test_parse_credit_section_prefix() -> None:
    assert parse_credit("Opinion | Why the harbour plan fails")[0] != "Opinion"


DUMP = """Harbour board backs ferry plan, angering residents

Harbour authority approves new ferry terminal | Ana Lima | HT

MARSEILLE (AFP) – Dock workers walked out on Monday over the new terminal plan.

The board said work would start in May.
"""


def _first(dump: str) -> Document:
    return next(split_dump(dump, "d.txt"))


def test_step_republisher_title_credit_and_dateline() -> None:
    doc = _first(DUMP)
    assert doc.meta["headlines"] == 2
    out = make_step(CleanOptions())(doc)
    assert out.title == "Harbour authority approves new ferry terminal"
    assert out.text == (
        "Dock workers walked out on Monday over the new terminal plan.\n\n"
        "The board said work would start in May."
    )
    assert out.line_numbers == (5, 6, 7)
    assert [(r.text, r.rule, r.reason, r.line) for r in out.removed] == [
        (
            "Harbour board backs ferry plan, angering residents",
            "headlines.republisher",
            "republisher headline",
            1,
        ),
        ("MARSEILLE (AFP) – ", "headlines.dateline", "dateline", 5),
    ]
    assert out.meta["republisher_title"] == "Harbour board backs ferry plan, angering residents"
    assert out.meta["byline"] == "Ana Lima"
    assert out.meta["outlet"] == "HT"  # the credit's outlet wins over the dateline's agency
    assert out.meta["dateline"] == "MARSEILLE (AFP)"
    assert out.meta["dateline_place"] == "MARSEILLE"


def test_step_dateline_agency_becomes_outlet_without_credit() -> None:
    dump = (
        "Dock workers strike over terminal plan\n\n"
        "GENOA (Reuters) - Dock workers walked out on Monday, unions said.\n\n"
        "The port said ships were waiting offshore.\n"
    )
    out = make_step(CleanOptions())(_first(dump))
    assert out.title == "Dock workers strike over terminal plan"
    assert out.meta["outlet"] == "Reuters"
    assert out.meta["dateline_place"] == "GENOA"
    assert out.text.startswith("Dock workers walked out on Monday, unions said.\n")
    assert "republisher_title" not in out.meta


def test_step_dated_dateline_goes_to_dates() -> None:
    doc = Document(
        id="w",
        text="SAN FRANCISCO, March 4 - Shares of the chipmaker jumped 8 pct.\nIt said more.",
        source="w.txt",
        lines=(20, 21),
        line_numbers=(20, 21),
    )
    out = make_step(CleanOptions())(doc)
    assert out.meta["dates"] == ["March 4"]
    assert out.meta["dateline"] == "SAN FRANCISCO, March 4"
    assert out.removed[0].line == 20
    assert out.text == "Shares of the chipmaker jumped 8 pct.\nIt said more."


def test_step_dateline_under_a_byline() -> None:
    dump = (
        "Dock workers strike over terminal plan\n\n"
        "By Ana Lima\n\n"
        "GENOA — Dock workers walked out on Monday, unions said.\n"
    )
    out = make_step(CleanOptions())(_first(dump))
    assert out.meta["dateline"] == "GENOA"
    assert "By Ana Lima" in out.text  # the byline is boilerplate's job, not this step's


def test_step_dateline_deep_in_the_body_is_kept() -> None:
    text = "One.\n\nTwo.\n\nThree.\n\nPARIS — Later the minister said more about it."
    doc = Document(id="x", text=text, source="x", lines=(1, 7))
    out = make_step(CleanOptions())(doc)
    assert out.text == text
    assert out.removed == []


def test_disabled_republisher_keeps_that_headline_in_text() -> None:
    options = CleanOptions(disabled_rules=frozenset({"headlines.republisher"}))
    out = make_step(options)(_first(DUMP))
    assert out.title == "Harbour authority approves new ferry terminal"
    assert out.text.startswith("Harbour board backs ferry plan, angering residents\n")
    assert "republisher_title" not in out.meta
    assert [r.rule for r in out.removed] == ["headlines.dateline"]


def test_disabled_dateline_keeps_the_paragraph_whole() -> None:
    options = CleanOptions(disabled_rules=frozenset({"headlines.dateline"}))
    out = make_step(options)(_first(DUMP))
    assert out.text.startswith("MARSEILLE (AFP) – Dock workers walked out")
    assert "dateline" not in out.meta
    assert [r.rule for r in out.removed] == ["headlines.republisher"]


def test_existing_title_is_not_replaced() -> None:
    doc = Document(
        id="t",
        text="Some first line of a story\n\nBody.",
        source="t",
        lines=(1, 3),
        title="Already set",
        meta={"headlines": 1},
    )
    out = make_step(CleanOptions())(doc)
    assert out.title == "Already set"
    assert out.text == doc.text


def test_no_headline_no_title() -> None:
    doc = Document(id="t", text="Just a body line.", source="t", lines=(1, 1), meta={})
    out = make_step(CleanOptions())(doc)
    assert out.title == ""
    assert out.text == "Just a body line."


# --- properties on arbitrary text (hypothesis, derandomized) ------------------------------------

PROPERTY_POOL = [
    "Ferry strike ends after two weeks",
    "Harbour board backs ferry plan | Ana Lima | HT",
    "GENOA (AP) - Dock workers walked out on Monday, unions said.",
    "SAN FRANCISCO, March 4 - Shares of the chipmaker jumped 8 pct.",
    "LISBON — The council voted 7-2 on the plan on Monday.",
    "The board said work would start in May.",
]
PROPERTY_TEXT = st.lists(
    st.one_of(st.sampled_from(PROPERTY_POOL), st.text(max_size=40)), max_size=12
).map("\n".join)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(PROPERTY_TEXT)
def test_property_never_raises_and_every_line_is_kept_or_removed(text: str) -> None:
    check_every_line_kept_or_removed(
        make_step(CleanOptions()), text, headlines=2, title_counts=True
    )


@settings(max_examples=150, deadline=None, derandomize=True)
@given(PROPERTY_TEXT)
def test_property_idempotent(text: str) -> None:
    check_idempotent(make_step(CleanOptions()), text, headlines=2)


@pytest.mark.parametrize(
    "line, prefix",
    [
        ("SUNNYVALE, Calif., March 2 - ILC Technology Inc said", "SUNNYVALE, Calif., March 2 - "),
        ("TROY, MICH., Feb 26 - The company said it", "TROY, MICH., Feb 26 - "),
        ("Winnipeg, Manitoba, Feb 26 - <Acme Ltd> said", "Winnipeg, Manitoba, Feb 26 - "),
        ("SOWETO, South Africa, March 2 - Thousands marched", "SOWETO, South Africa, March 2 - "),
        ("Caracas, feb 26 - talks resumed on the debt", "Caracas, feb 26 - "),
    ],
)
def test_dateline_with_region_and_any_case_month(line: str, prefix: str) -> None:
    match = _dateline_match(line)
    assert match is not None and line[: match.end()] == prefix


def test_dateline_region_near_miss() -> None:
    # a list of places and a number is not a dateline without a month
    assert _dateline_match("Lyon, Paris, 26 - the scores from Sunday") is None


def test_stacked_datelines_only_the_first_goes() -> None:
    text = "GENOA (AP) - Dock workers walked out.\nPARIS (AP) - Talks went on all night."
    step = make_step(CleanOptions())
    once = step(make_doc(text))
    assert once.text == "Dock workers walked out.\nPARIS (AP) - Talks went on all night."
    assert step(make_doc(once.text)).removed == []
