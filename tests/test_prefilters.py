"""`cleaners.prefilters`: every match of a pattern holds one of its words, and one scan for
the words of many rules (`cleaners.rule_table.WordScan`) leaves each rule the lines it fires on."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners import boilerplate, captions, footers
from cleaners.chars import folds_differently
from cleaners.prefilters import HoldingWords, required_words, without_word_boundaries
from cleaners.rule_table import WordScan, _tests, hits, stripped

FURNITURE_PATTERNS = [
    boilerplate.FURNITURE,
    boilerplate.SHARE_WIDGET,
    boilerplate.COMMENT_FORM,
    boilerplate.PLATFORM_CREDIT,
    boilerplate.PAYWALL,
    boilerplate.AD_DISCLOSURE,
    boilerplate.TAG_LINE,
]


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"abc", {"abc"}),
        (r"ab", None),  # shorter than three characters: no filter
        (r"(?:ferry|harbour) timetable", {" timetable"}),
        (r"(?:ferry|harbour)s?", {"ferry", "harbour"}),
        (r"(?:ferry|harbour)?x", None),  # an optional group requires nothing
        (r"(?:ferry|x)", None),  # one branch without a word
        (r"(?:ferry|ferryman) timetable", {" timetable"}),
        (r"(?:ferry|ferryman)", {"ferry"}),  # "ferryman" holds "ferry": one scan finds both
        (r"gefällt mir", {"llt mir"}),  # only ASCII runs: no case question past ASCII
        (r"(?<=x)harbour", {"harbour"}),
        (r"(?:harbour){2,}", {"harbour"}),
    ],
)
def test_required_words_of_hand_made_patterns(pattern: str, words: set[str] | None) -> None:
    found = required_words(pattern)
    assert (None if found is None else set(found)) == words


def test_the_longest_shortest_word_is_chosen() -> None:
    assert required_words(r"\bpier (?:one|two) landing") == frozenset({" landing"})
    assert required_words(r"Quay[0-9]+Dock") == frozenset({"quay"})  # a tie: the first


def test_syntax_only_regex_reads_gives_no_words() -> None:
    assert required_words(r"\p{Lu}harbour") is None


def _holds_one(text: str, words: frozenset[str]) -> bool:
    """The column test the rules run: a word in any ASCII case, or a character whose case
    folds past ASCII (which the test lets through to the pattern)."""
    column = pl.Series([text])
    found = column.str.contains_any(sorted(words), ascii_case_insensitive=True) | (
        column.str.contains(folds_differently())
    )
    return bool(found[0])


@pytest.mark.parametrize("pattern", FURNITURE_PATTERNS, ids=lambda p: p.pattern[:30])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_match_of_a_furniture_pattern_holds_a_word(
    pattern: re.Pattern[str], data: st.DataObject
) -> None:
    words = required_words(pattern)
    assert words is not None
    text = data.draw(st.from_regex(re.compile(pattern.pattern, re.IGNORECASE)))
    assert _holds_one(text, words), (text, sorted(words))


@pytest.mark.parametrize("pattern", FURNITURE_PATTERNS, ids=lambda p: p.pattern[:30])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_without_boundaries_matches_wherever_the_pattern_does(
    pattern: re.Pattern[str], data: st.DataObject
) -> None:
    """Generated matches, with a letter glued to either side now and then (where a boundary
    makes the pattern itself fail): the looser pattern says yes wherever the pattern does."""
    match = data.draw(st.from_regex(re.compile(pattern.pattern, re.IGNORECASE)))
    text = (
        data.draw(st.sampled_from(["", "x", "é", " "]))
        + match
        + data.draw(st.sampled_from(["", "x", "ß", " "]))
    )
    column = pl.Series([text])
    exact = column.str.contains("(?i)" + pattern.pattern)[0]
    loose = column.str.contains("(?i)" + without_word_boundaries(pattern.pattern))[0]
    assert loose or not exact


def test_without_boundaries_keeps_classes_and_escaped_backslashes() -> None:
    assert without_word_boundaries(r"\bpier\b") == "pier"
    assert without_word_boundaries(r"[\b]") == r"[\b]"  # a backspace in a class
    assert without_word_boundaries(r"[]\b]\b") == r"[]\b]"
    assert without_word_boundaries(r"[^]\b]\b") == r"[^]\b]"
    assert without_word_boundaries(r"\\b") == r"\\b"  # a backslash, then "b"
    assert without_word_boundaries(r"\Bx") == r"\Bx"


WORD_RULES = [
    rule
    for rules in (boilerplate.RULES, captions.RULES, footers.RULES)
    for rule in rules.rules
    if any(isinstance(test, HoldingWords) for test in _tests(rule))
]
# the rules' own words, spelled in every case, next to characters that fold past ASCII ("ſ"
# folds to "s", the Kelvin sign to "k", "ẞ" to "ss") and words of no rule
RULE_WORDS = {
    word
    for rule in WORD_RULES
    for test in _tests(rule)
    if isinstance(test, HoldingWords)
    for word in test.words
}
LINE_PIECES = [*sorted(RULE_WORDS), "ſhare", "\u212aeep", "STRAẞE", "Ferry", "timetable", " ", "é"]


@st.composite
def lines_of_pieces(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(LINE_PIECES), max_size=6))
    cased = [draw(st.sampled_from([p, p.upper(), p.title()])) for p in pieces]
    return draw(st.sampled_from(["", " "])).join(cased)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines_of_pieces() | st.text(max_size=30), min_size=1, max_size=40))
def test_rules_fire_the_same_with_and_without_the_word_scan(lines: list[str]) -> None:
    assert len(WORD_RULES) >= 10  # the boilerplate, caption and footer rules with words
    text = stripped(pl.Series("text", lines, dtype=pl.String))
    content = (text.str.len_bytes() > 0).to_numpy()
    scan = WordScan.of(text, WORD_RULES)
    for rule in WORD_RULES:
        words = next(t for t in _tests(rule) if isinstance(t, HoldingWords))
        own = pl.DataFrame({"t": text}).select(words(pl.col("t"))).to_series().to_numpy()
        assert not (own & ~scan.may_hold).any(), rule.name  # a necessary condition
        assert (hits(rule, text, content, scan) == hits(rule, text, content)).all(), rule.name


def test_a_word_spelled_past_ascii_reaches_the_rule() -> None:
    # "ſ" (long s) casefolds to "s": an ASCII scan cannot see "share" in "ſhare", the scan
    # must still pass the line to the rule's own test
    text = pl.Series("text", ["ſhare thiſ ſtory", "The council met on Monday."])
    scan = WordScan.of(text, WORD_RULES)
    assert scan.may_hold.tolist() == [True, False]
