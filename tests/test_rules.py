"""The shared drop helpers keep source line numbers right and record a Removal for every drop."""

from __future__ import annotations

import ast
import string
from functools import cache
from pathlib import Path

import polars as pl
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaners.pipeline  # noqa: F401  (registers every category's rules)
from cleaners.document import Document, Removal
from cleaners.rules import LineRule, RuleSet, drop_indices, drop_lines, iter_rules


def make_doc(lines: list[str], first: int = 10) -> Document:
    return Document(
        id="d",
        text="\n".join(lines),
        source="s.txt",
        lines=(first, first + len(lines) - 1),
        line_numbers=tuple(range(first, first + len(lines))),
    )


def test_drop_lines_records_source_lines_after_earlier_drops() -> None:
    doc = make_doc(["Title", "", "AD: buy now", "", "Body one.", "", "AD: more", "", "Body two."])
    doc = drop_lines(doc, lambda s: s.startswith("AD:"), rule="ads.prefix", reason="advert")
    assert doc.text == "Title\n\nBody one.\n\nBody two."
    assert [r.line for r in doc.removed] == [12, 16]
    doc = drop_lines(doc, lambda s: s == "Body two.", rule="x.y", reason="test")
    assert doc.removed[-1] == Removal("Body two.", "test", "x.y", 18)
    assert doc.text == "Title\n\nBody one."


def test_drop_indices_skips_blank_lines() -> None:
    doc = make_doc(["A", "", "B"], first=1)
    doc = drop_indices(doc, {1, 2}, rule="x.y", reason="r")
    assert doc.text == "A"
    assert [(r.text, r.line) for r in doc.removed] == [("B", 3)]


def test_steps_do_not_mutate_their_input() -> None:
    doc = make_doc(["keep", "", "drop"])
    out = drop_lines(doc, lambda s: s == "drop", rule="x.y", reason="r")
    assert doc.text == "keep\n\ndrop" and doc.removed == []
    assert out is not doc


def test_ruleset_registers_names_under_its_category() -> None:
    rules = RuleSet("demo")

    @rules.line_rule("demo.shout", reason="all caps")
    def shout(line: str) -> bool:
        """Lines in capitals."""
        return line.isupper()

    assert [r.name for r in rules.rules] == ["demo.shout"]
    assert rules.rules[0].doc == "Lines in capitals."
    doc = rules.step()(make_doc(["QUIET PLEASE", "", "Normal line."]))
    assert doc.text == "Normal line." and doc.removed[0].rule == "demo.shout"
    assert rules.step(frozenset({"demo.shout"}))(make_doc(["LOUD"])).text == "LOUD"
    with pytest.raises(ValueError, match="must start with"):
        rules.line_rule("other.x", reason="r")
    with pytest.raises(ValueError, match="twice"):
        rules.line_rule("demo.shout", reason="r")(shout)


@given(st.lists(st.text(alphabet="ab \n", max_size=8), max_size=12))
def test_kept_plus_removed_account_for_every_nonblank_line(lines: list[str]) -> None:
    lines = [part for line in lines for part in line.split("\n")]
    doc = make_doc(lines or [""], first=1)
    out = drop_lines(doc, lambda s: "a" in s, rule="x.y", reason="r")
    kept = [line for line in out.text_lines() if line.strip()]
    removed = [r.text for r in out.removed]
    original = [line for line in doc.text_lines() if line.strip()]
    assert sorted(kept + removed) == sorted(original)
    if out.text:  # an emptied document has no lines to map
        assert len(out.line_numbers) == len(out.text_lines())


# --- `needs`: the keyword gate a step checks before a rule's predicate --------------------------

GATED = [rule for rule in iter_rules() if rule.needs]
REPO = Path(__file__).resolve().parents[1]


@cache
def _example_lines() -> list[str]:
    """Lines the rules are known to meet: every doctest example and string literal of the rule
    modules and their tests, and every line of the bundled seed dump."""
    lines: set[str] = set()
    sources = [*REPO.glob("cleaners/*.py"), *REPO.glob("tests/test_*.py")]
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                lines.update(node.value.splitlines())
    for dump in REPO.glob("corpus/raw/*.txt"):
        lines.update(dump.read_text(encoding="utf-8").splitlines())
    return sorted(line.strip() for line in lines if line.strip())


def test_some_rules_are_gated() -> None:
    assert {"boilerplate.newsletter", "footers.copyright"} <= {rule.name for rule in GATED}


@cache
def _fired(rule: LineRule) -> list[str]:
    return [line for line in _example_lines() if rule.predicate(line)]


@pytest.mark.parametrize("rule", GATED, ids=lambda rule: rule.name)
def test_needs_never_hides_a_line_the_rule_removes(rule: LineRule) -> None:
    fired = _fired(rule)
    assert fired, f"no example line of {rule.name} to check its needs on"
    assert [line for line in fired if not rule.may_fire(line.casefold())] == []


@given(st.data())
def test_needs_hold_whatever_the_letter_case(data: st.DataObject) -> None:
    """A line a rule removes, its letters' case changed at random, still passes the gate if the
    (case-insensitive) rule still removes it."""
    rule = data.draw(st.sampled_from(GATED))
    line = data.draw(st.sampled_from(_fired(rule)))
    flips = data.draw(st.lists(st.booleans(), min_size=len(line), max_size=len(line)))
    changed = "".join(c.swapcase() if flip else c for c, flip in zip(line, flips, strict=True))
    if rule.predicate(changed):
        assert rule.may_fire(changed.casefold())


def test_casefold_keeps_every_letter_an_ignorecase_pattern_matches() -> None:
    """Why the gate may test the casefolded line: any character that a case-insensitive
    `regex` literal letter matches (the Kelvin sign matches "k", the long s matches "s")
    casefolds to a string holding that letter, so a gate word is never missed for case."""
    any_letter = regex.compile("[a-z]", regex.IGNORECASE)
    matching = [
        chr(code)
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF and any_letter.fullmatch(chr(code))
    ]
    assert "\u212a" in matching  # the Kelvin sign: the gate must see it as "k"
    missed = [
        (x, c)
        for c in matching
        for x in string.ascii_lowercase
        if regex.fullmatch(x, c, regex.IGNORECASE) and x not in c.casefold()
    ]
    assert missed == []


# --- `prefilter`: the columnar engine's vectorised gate before a rule's predicate --------------

FILTERED = [rule for rule in iter_rules() if rule.prefilter is not None]


def _passes(rule: LineRule, lines: list[str]) -> list[bool]:
    frame = pl.DataFrame({"text": lines}, schema={"text": pl.String})
    passed = [True] * len(lines)
    for test in rule.prefilters():
        found = frame.with_columns(test(pl.col("text")).alias("p"))["p"].to_list()
        passed = [a and b for a, b in zip(passed, found, strict=True)]
    return passed


def test_the_costly_rules_have_prefilters() -> None:
    assert {"boilerplate.timestamp", "captions.agency_credit"} <= {rule.name for rule in FILTERED}


@pytest.mark.parametrize("rule", FILTERED, ids=lambda rule: rule.name)
def test_prefilter_never_hides_a_line_the_rule_removes(rule: LineRule) -> None:
    fired = [line for line in _fired(rule) if _encodes(line)]
    # decided on the whole page (by position, by the line model), never by the line alone
    if rule.name not in {"boilerplate.page_frame", "boilerplate.line_model"}:
        assert fired, f"no example line of {rule.name} to check its prefilter on"
    passed = _passes(rule, fired)
    assert [line for line, ok in zip(fired, passed, strict=True) if not ok] == []


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.data())
def test_prefilters_hold_for_changed_lines(data: st.DataObject) -> None:
    """A line a rule removes, with letters' case flipped and characters appended or put in
    front, passes the prefilter whenever the rule still removes it."""
    rule = data.draw(st.sampled_from([r for r in FILTERED if _fired(r)]))
    line = data.draw(st.sampled_from(_fired(rule)))
    flips = data.draw(st.lists(st.booleans(), min_size=len(line), max_size=len(line)))
    changed = "".join(c.swapcase() if flip else c for c, flip in zip(line, flips, strict=True))
    changed = data.draw(st.text(max_size=3)) + changed + data.draw(st.text(max_size=3))
    changed = changed.strip()
    if changed and rule.predicate(changed):
        assert _passes(rule, [changed]) == [True]


# --- `expr`: a rule's predicate as a column expression --------------------------------------

EXPRESSED = [rule for rule in iter_rules() if rule.expr is not None]
# Lines that hold what the expressions count: odd spaces, superscript digits, letters that are
# lower-case but not alphabetic (a circled letter), marks, unspaced scripts.
ODD_LINES = [
    "Home\x1cNews", "ⓐ b C D", "ªb c", "x² y 3 z", "Share\u00a0this article", "東京 ニュース",
    "Ｈｏｍｅ", "e\u0301cole News", "Sign up", "SHARE THIS STORY", "ſhare", "Kelvin \u212a",
]  # fmt: skip


def _encodes(line: str) -> bool:
    """Whether a line can be UTF-8 (a lone surrogate of a test literal cannot, nor be read)."""
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _expressed(rule: LineRule, lines: list[str]) -> list[bool]:
    assert rule.expr is not None
    frame = pl.DataFrame({"text": lines}, schema={"text": pl.String})
    found = frame.with_columns(rule.expr(pl.col("text")).fill_null(False).alias("hit"))
    return found["hit"].to_list()


def test_the_hot_rules_are_expressions() -> None:
    assert {"boilerplate.navigation", "boilerplate.share"} <= {r.name for r in EXPRESSED}


@pytest.mark.parametrize("rule", EXPRESSED, ids=lambda rule: rule.name)
def test_expr_equals_the_predicate_on_every_example(rule: LineRule) -> None:
    lines = [line for line in [*_example_lines(), *ODD_LINES] if _encodes(line)]
    expected = [rule.predicate(line) for line in lines]
    assert any(expected) or rule.name == "footers.recurring"  # learned per run, not by line
    got = _expressed(rule, lines)
    assert [line for line, a, b in zip(lines, expected, got, strict=True) if a != b] == []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.data())
def test_expr_equals_the_predicate_on_arbitrary_lines(data: st.DataObject) -> None:
    rule = data.draw(st.sampled_from(EXPRESSED))
    words = st.one_of(
        st.sampled_from([*_example_lines()[:400], *ODD_LINES]),
        st.text(max_size=12),
        st.sampled_from(["Home", "news", "·", "|", "2024", "²", "\x1c", " ", "ⓐ", "É"]),
    )
    parts = data.draw(st.lists(words, min_size=1, max_size=8))
    line = " ".join(parts).strip()
    if line and _encodes(line):
        assert _expressed(rule, [line]) == [rule.predicate(line)], line
