"""The splitter on hand-made dumps in several styles, the seed, and a no-line-lost property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.split import SEPARATOR, headline_like, same_story, split_dump, wire_headline
from tests.helpers import SEED

BLOG_REPOSTS = """\
Harbour board backs ferry plan, angering locals

Harbour authority approves new ferry terminal | Jane Doe | XY

The harbour authority on Monday approved plans for a ferry terminal that will double capacity.

Jane Doe

Work starts next spring, the chairman said.

Ferries and jobs

The terminal will create about 300 jobs, according to the plan.

Updated: March 3, 2021 10:15 AM

Mountain pass closed for a third day\u00a0

Heavy snow kept the northern pass closed on Wednesday, stranding dozens of trucks.

“We have never seen a winter like this one”

Drivers waited in a lay-by for most of the night.
"""

WIRE = """\
GRAIN BOARD RAISES CORN ESTIMATE
    DES MOINES, March 3 - The state grain board raised its corn
estimate by two pct on Tuesday, citing better yields.
    The board said exports were steady.
 Reuter
STEEL MAKER CUTS OUTPUT
    PITTSBURGH, March 3 - A large steel maker said it would cut
output by ten pct next quarter.
 Reuter
Harbour fees to rise-port chief
    Rotterdam, march 4 - the port will raise its fees from
April, its chief said.
 Reuter
"""

SIMPLE = """\
Harbour authority approves new ferry terminal

The harbour authority on Monday approved plans for a ferry terminal.

Work starts next spring, the chairman said.

Mountain pass closed for a third day

Heavy snow kept the northern pass closed on Wednesday.
"""


def firsts(text: str, **kwargs: str) -> list[str]:
    return [d.text.split("\n")[0] for d in split_dump(text, "t.txt", **kwargs)]


def test_title_blank_paragraphs() -> None:
    docs = list(split_dump(SIMPLE, "s.txt"))
    assert [d.lines for d in docs] == [(1, 5), (7, 9)]
    assert [d.meta["headlines"] for d in docs] == [1, 1]
    assert docs[0].line_numbers == (1, 2, 3, 4, 5)
    assert docs[0].text.split("\n")[2] == SIMPLE.split("\n")[2]  # lines kept verbatim


def test_republisher_headline_pair_is_one_article() -> None:
    docs = list(split_dump(BLOG_REPOSTS, "blog.txt"))
    assert [d.lines for d in docs] == [(1, 15), (17, 23)]
    assert [d.meta["headlines"] for d in docs] == [2, 1]
    # a byline, a subheading and a timestamp stay inside their article
    for inside in ("Jane Doe", "Ferries and jobs", "Updated: March 3, 2021 10:15 AM"):
        assert inside in docs[0].text
    # a pull quote standing alone is not a headline
    assert "“We have never seen a winter like this one”" in docs[1].text


def test_a_republishers_footer_closes_the_article_above_it() -> None:
    """A syndication footer reads like a headline (capitalised, no full stop): it stays at the
    end of its article instead of heading the next one."""
    dump = (
        "Harbour authority approves new ferry terminal\n\n"
        "The authority approved the plan on Monday after two years of talks.\n\n"
        "This article was first published on The Harbour Times\n\n"
        "Snow closes the northern pass for a third day\n\n"
        "Heavy snow kept the pass closed on Wednesday, the road agency said.\n"
    )
    docs = list(split_dump(dump, "d.txt"))
    assert [d.lines for d in docs] == [(1, 5), (7, 9)]
    assert docs[0].text.endswith("This article was first published on The Harbour Times")
    assert docs[1].text.startswith("Snow closes the northern pass for a third day\n")


def test_unrelated_line_under_headline_is_the_body() -> None:
    """Near miss of the pair rule: a headline-like standfirst that tells another story."""
    dump = (
        "Harbour authority approves new ferry terminal\n\n"
        "A bold plan for the northern waterfront\n\n"
        "The authority approved the plan on Monday.\n"
    )
    docs = list(split_dump(dump, "d.txt"))
    assert len(docs) == 1 and docs[0].meta["headlines"] == 1


def test_navigation_fragment_between_title_and_headline() -> None:
    dump = (
        "Port names new harbour master after long search\n\n"
        "Site Navigation\n\n"
        "Harbour master named after a year-long search\n\n"
        "The port on Friday named a new harbour master.\n\n"
        "Mountain pass closed for a third day\n\n"
        "Heavy snow kept the pass closed.\n"
    )
    docs = list(split_dump(dump, "n.txt"))
    assert [d.lines for d in docs] == [(1, 7), (9, 11)]


def test_question_headline_and_inner_question() -> None:
    assert headline_like("Who is the new harbour master?")
    assert headline_like("A Ferry For Everyone? The Harbour Board's Bold Bet On Tourism")
    assert firsts(SIMPLE.replace("Mountain pass closed", "Pass closed? Drivers wait"))[1] == (
        "Pass closed? Drivers wait for a third day"
    )


def test_wire_stories_without_blank_lines() -> None:
    docs = list(split_dump(WIRE, "wire.txt"))
    assert [d.lines for d in docs] == [(1, 5), (6, 9), (10, 13)]
    assert [d.meta["headlines"] for d in docs] == [1, 1, 1]


@pytest.mark.parametrize(
    "line, next_line, hit",
    [
        ("OIL PRICES FALL", "    LONDON, May 2 - Prices fell.", True),
        ("Oil prices fall-traders", "    London, may 2 - prices fell.", True),
        ("Steel output cut at two mills", "    PITTSBURGH, Pa., March 3 - Output fell.", True),
        ("Steel output was cut", "    The company, on March 3 - a Tuesday - said", False),
        ("Steel output was cut", "    The company said on March 3 - a Tuesday", False),
        ("output by ten pct next quarter.", "    The company said ...", False),  # body wrap
        ("    INDENTED TABLE ROW", "    more", False),
        ("OIL PRICES FALL", "Prices fell.", False),  # next line not indented
    ],
)
def test_wire_headline(line: str, next_line: str, hit: bool) -> None:
    assert wire_headline(line, next_line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Harbour authority approves new ferry terminal", True),
        ("Senate clears bill backed by the G.O.P.", True),
        ("‘A fresh start’: the harbour reopens after the storm", True),
        ("Ferries and jobs", False),  # subheading: too short
        ("Jane Doe", False),  # byline
        ("It was a long night for the crews, who worked until dawn.", False),
        ('"We will reopen soon," the mayor said on Friday', False),
        ("Crowds in Lyon on Sunday. Photo: A. Martin/AFP", False),  # caption
        ("Last modified on Thu 8 Oct 2020 14.34 EDT", False),
        ("Updated: March 3, 2021 10:15 AM", False),
        ("and a lower-case continuation of a wrapped sentence", False),
        ("“We have never seen a winter like this one”", False),  # pull quote
        ("This story originally appeared on Harbour Times", False),  # a republisher's footer
    ],
)
def test_headline_like(line: str, hit: bool) -> None:
    assert headline_like(line) is hit


def test_same_story() -> None:
    assert same_story("Port names new harbour master", "Harbour master named after search")
    assert not same_story("Harbour authority approves ferry terminal", "Mountain pass closed")
    assert not same_story("Harbour master Jane Doe retires", "By Jane Doe")  # byline


def test_explicit_separators_and_user_regex() -> None:
    dump = "one\n-----\ntwo\n\n* * *\n\nthree\n=== NEXT ===\nfour\n\fnow five\n"
    assert firsts(dump) == ["one", "two", "three", "now five"]
    assert firsts(dump, split_on=r"=== NEXT ===") == ["one", "two", "three", "four", "now five"]
    docs = list(split_dump(dump, "s.txt"))
    assert all("-----" not in d.text and "* * *" not in d.text for d in docs)
    assert SEPARATOR.fullmatch("=====") and not SEPARATOR.fullmatch("-- Jane")


def test_crlf_lone_cr_and_empty_input() -> None:
    assert list(split_dump("", "e.txt")) == []
    assert list(split_dump("\n\n  \n", "e.txt")) == []
    assert list(split_dump("-----\n", "e.txt")) == []
    expected = [d.lines for d in split_dump(BLOG_REPOSTS, "c.txt")]
    assert [d.lines for d in split_dump(BLOG_REPOSTS.replace("\n", "\r\n"), "c.txt")] == expected
    assert [d.lines for d in split_dump(BLOG_REPOSTS.replace("\n", "\r"), "c.txt")] == expected
    assert "\r" not in "".join(d.text for d in split_dump(SIMPLE.replace("\n", "\r\n"), "c"))


def test_no_blank_lines_and_single_article() -> None:
    dump = "A headline of some words\nBody line one.\nBody line two."
    docs = list(split_dump(dump, "n.txt"))
    assert len(docs) == 1 and docs[0].lines == (1, 3)
    body_only = list(split_dump("Just one paragraph of text.\n", "b.txt"))
    assert len(body_only) == 1 and body_only[0].meta["headlines"] == 0


def test_ids_are_stable_and_distinct() -> None:
    first = [d.id for d in split_dump(BLOG_REPOSTS, "blog.txt")]
    assert first == [d.id for d in split_dump(BLOG_REPOSTS, "blog.txt")]
    assert len(set(first)) == len(first)
    # the path is not part of an id (the same dump moved, or from stdin, keeps its ids)
    assert first == [d.id for d in split_dump(BLOG_REPOSTS, "other.txt")]


def test_long_lines_stay_fast() -> None:
    """Linear scans: pathological lines (no spaces, many dots) do not backtrack."""
    dump = ("a" * 5000 + ". ") * 20 + "\n\n" + "x." * 20000 + "\n\n" + "* " * 20000 + "\n"
    assert len(list(split_dump(dump, "big.txt"))) == 1


def test_seed_has_ten_articles_starting_at_republisher_headlines() -> None:
    text = SEED.read_text(encoding="utf-8")
    source_lines = text.replace("\r\n", "\n").split("\n")
    docs = list(split_dump(text, "seed.txt"))
    assert len(docs) == 10
    assert all(d.meta["headlines"] == 2 for d in docs)
    starts = [d.lines[0] for d in docs]
    assert starts == sorted(starts) and starts[0] == 1
    for doc in docs:
        first, second = [line for line in doc.text.split("\n") if line.strip()][:2]
        # each article opens with a pair of headlines that tell the same story
        assert same_story(first.strip(), second.strip())
        assert first == source_lines[doc.lines[0] - 1]
    # every non-blank line is in exactly one article, in order
    seen = [n for d in docs for n, t in d.numbered_lines() if t.strip()]
    assert seen == [i + 1 for i, line in enumerate(source_lines) if line.strip()]


line_text = st.one_of(
    st.just(""),
    st.just("-----"),
    st.just("\f"),
    st.just("A short headline line here"),
    st.just("Another short headline line here"),
    st.just("BIG WIRE TITLE"),
    st.just("    INDENTED, May 2 - text"),
    st.just("Jane Doe"),
    st.text(alphabet="abc XYZ.,?\r", max_size=30),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(line_text, max_size=40), st.sampled_from(["\n", "\r\n"]))
def test_splitting_never_loses_or_duplicates_a_line(lines: list[str], eol: str) -> None:
    text = eol.join(lines)
    source = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    docs = list(split_dump(text, "p.txt"))
    seen = [n for doc in docs for n, t in doc.numbered_lines() if t.strip()]
    expected = [
        i + 1
        for i, line in enumerate(source)
        if line.replace("\f", "").strip() and line.strip() != "-----"
    ]
    assert seen == expected
    for doc in docs:
        assert doc.lines[0] <= doc.lines[1]
        assert all(source[n - 1].replace("\f", "") == t for n, t in doc.numbered_lines() if t)
