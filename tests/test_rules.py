"""The shared drop helpers keep source line numbers right and record a Removal for every drop."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaners.document import Document, Removal
from cleaners.rules import RuleSet, drop_indices, drop_lines


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
