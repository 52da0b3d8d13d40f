"""The splitter on hand-made dumps in several styles, the seed, and a no-line-lost property."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cleaners.split import headline_like, split_dump, wire_headline
from tests.helpers import SEED

BLOG_REPOSTS = """\
Shocking news from the harbour you won't believe

Harbour authority approves new ferry terminal

The harbour authority on Monday approved plans for a ferry terminal that will double capacity.

Jane Doe

Work starts next spring, the chairman said.

Ferries and jobs

The terminal will create about 300 jobs, according to the plan.

Mountain pass closed for a third day

Heavy snow kept the northern pass closed on Wednesday, stranding dozens of trucks.

Updated: March 3, 2021 10:15 AM
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
"""


def titles(text: str, **kwargs: str) -> list[str]:
    return [d.text.split("\n")[0] for d in split_dump(text, "t.txt", **kwargs)]


def test_republisher_headline_stays_with_its_article() -> None:
    docs = list(split_dump(BLOG_REPOSTS, "blog.txt"))
    assert [d.lines for d in docs] == [(1, 13), (15, 19)]
    assert docs[0].meta["headlines"] == 2
    assert docs[1].meta["headlines"] == 1
    assert "Jane Doe" in docs[0].text and "Ferries and jobs" in docs[0].text
    assert docs[1].text.endswith("Updated: March 3, 2021 10:15 AM")


def test_wire_stories_without_blank_lines() -> None:
    docs = list(split_dump(WIRE, "wire.txt"))
    assert [d.lines for d in docs] == [(1, 5), (6, 9)]
    assert [d.meta["headlines"] for d in docs] == [1, 1]


def test_explicit_separators_and_user_regex() -> None:
    dump = "one\n-----\ntwo\n\n* * *\n\nthree\n=== NEXT ===\nfour\n\fnow five\n"
    assert titles(dump) == ["one", "two", "three", "now five"]
    assert titles(dump, split_on=r"=== NEXT ===") == ["one", "two", "three", "four", "now five"]


def test_crlf_and_empty_input() -> None:
    assert list(split_dump("", "e.txt")) == []
    assert list(split_dump("\n\n  \n", "e.txt")) == []
    crlf = BLOG_REPOSTS.replace("\n", "\r\n")
    assert [d.lines for d in split_dump(crlf, "c.txt")] == [(1, 13), (15, 19)]


def test_no_blank_lines_at_all_is_one_article() -> None:
    dump = "A headline of some words\nBody line one.\nBody line two.\n"
    docs = list(split_dump(dump, "n.txt"))
    assert len(docs) == 1 and docs[0].lines == (1, 3)


def test_ids_are_stable_and_distinct() -> None:
    first = [d.id for d in split_dump(BLOG_REPOSTS, "blog.txt")]
    assert first == [d.id for d in split_dump(BLOG_REPOSTS, "blog.txt")]
    assert len(set(first)) == len(first)
    assert first != [d.id for d in split_dump(BLOG_REPOSTS, "other.txt")]


def test_headline_shapes() -> None:
    assert headline_like("Who is the new harbour master?")
    assert headline_like("Senate clears bill backed by the G.O.P.")
    assert not headline_like("Ferries and jobs")  # subheading: too short
    assert not headline_like("It was a long night for the crews, who worked until dawn.")
    assert not headline_like('"We will reopen soon," the mayor said on Friday')
    assert not headline_like("Last modified on Thu 8 Oct 2020 14.34 EDT")
    assert not headline_like("and a lower-case continuation of a wrapped sentence")
    assert wire_headline("OIL PRICES FALL", "    LONDON, May 2 - ...")
    assert not wire_headline("    INDENTED TABLE ROW", "    more")


def test_seed_has_ten_articles_starting_at_headline_pairs() -> None:
    docs = list(split_dump(SEED.read_text(encoding="utf-8"), "seed.txt"))
    assert len(docs) == 10
    assert all(d.meta["headlines"] == 2 for d in docs)
    firsts = [d.lines[0] for d in docs]
    assert firsts == sorted(firsts) and firsts[0] == 1


line_text = st.one_of(
    st.just(""),
    st.just("-----"),
    st.just("A short headline line here"),
    st.just("BIG WIRE TITLE"),
    st.just("    INDENTED, May 2 - text"),
    st.text(alphabet="abc XYZ.,", max_size=30),
)


@given(st.lists(line_text, max_size=40))
def test_splitting_never_loses_or_duplicates_a_line(lines: list[str]) -> None:
    text = "\n".join(lines)
    docs = list(split_dump(text, "p.txt"))
    seen: list[int] = []
    for doc in docs:
        seen.extend(n for n, t in doc.numbered_lines() if t.strip())
    expected = [i + 1 for i, line in enumerate(lines) if line.strip() and line.strip() != "-----"]
    assert seen == expected
