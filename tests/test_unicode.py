"""The unicode step: mojibake repaired, invisibles removed with a record, quotes left curly."""

from __future__ import annotations

import unicodedata

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.document import Document
from cleaners.options import CleanOptions
from cleaners.unicode import FTFY_CONFIG, INVISIBLE, SPACES, fix_line, has_invisible, make_step
from tests.step_contract import check_every_line_kept_or_removed, check_idempotent


def _doc(text: str, first: int = 1) -> Document:
    lines = text.split("\n")
    return Document(
        id="t",
        text=text,
        source="t.txt",
        lines=(first, first + len(lines) - 1),
        line_numbers=tuple(range(first, first + len(lines))),
    )


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Log\u200bin to the portal", True),  # zero-width space inside a word
        ("\ufeffHarbour board meets on Tuesday", True),  # byte-order mark at a line start
        ("Price: \u202e001$\u202c today", True),  # right-to-left override hiding text order
        ("Joiner\u2060here", True),
        ("Bell\x07 rang", True),
        ("A plain line about the ferry timetable.", False),
        ("Café owners in Zürich — and “quoted” words", False),  # accents, dashes, curly quotes
        ("Emoji 👍🏽 with a skin tone", False),  # a modifier, not a control
    ],
)
def test_has_invisible(line: str, hit: bool) -> None:
    assert has_invisible(line) is hit


@pytest.mark.parametrize(
    "line, fixed",
    [
        ("The cafÃ© reopened on Friday", "The café reopened on Friday"),
        ("He said â€œnoâ€\x9d twice", "He said “no” twice"),
        ("It wasnâ€™t over", "It wasn’t over"),
        ("Fish &amp; chips", "Fish & chips"),
        ("Tom\u00a0 and\u2009Jerry  ", "Tom and Jerry"),
        ("  tab\there  ", "tab here"),
        ("pay\u200bpal", "paypal"),
        ("e\u0301clair", "éclair"),  # decomposed to NFC
        ("“Curly” quotes stay", "“Curly” quotes stay"),
        ("A clean line.", "A clean line."),
    ],
)
def test_fix_line(line: str, fixed: str) -> None:
    assert fix_line(line) == fixed


def test_ascii_quotes_only_when_asked() -> None:
    line = "She said “it’s done” and «fin»"
    assert fix_line(line) == line
    assert fix_line(line, ascii_quotes=True) == 'She said "it\'s done" and "fin"'


def _slow_path(line: str) -> str:
    """What `fix_line` would give if ftfy ran on every line."""
    line = ftfy.fix_text(line, FTFY_CONFIG)
    line = unicodedata.normalize("NFC", line)
    line = INVISIBLE.sub("", line)
    return SPACES.sub(" ", line).strip()


FAST_PATH_LINES = [
    "A clean sentence about a harbour.",
    "The cafÃ© reopened",
    "He said â€œnoâ€\x9d twice",
    "It wasnâ€™t over",
    "Fish &amp; chips &lt;3",
    "Ligature \ufb01nance",
    "Replacement \ufffd char",
    "Curly “quotes” and ‘single’",
    "Accents: naïve façade Zürich São Paulo",
    "Greek Αθήνα and Cyrillic Москва",
    "Arabic القاهرة",
    "CJK 東京 and emoji 🚢",
    "Euro sign €5 and pound £3",
    "Ã©tÃ© and Ã¼ber",
    "Escaped \\u00e9 sequence",
    "Â£12 million",
    "Non\u00a0breaking\u00a0space",
    "",
    "   ",
]


@pytest.mark.parametrize("line", FAST_PATH_LINES)
def test_fast_path_equals_always_running_ftfy(line: str) -> None:
    assert fix_line(line) == _slow_path(line)


def test_step_removes_invisibles_with_removals() -> None:
    doc = _doc("Harbour\u200b board\n\nVote\u202e set \u2066today\u2069", first=10)
    out = make_step(CleanOptions())(doc)
    assert out.text == "Harbour board\n\nVote set today"
    assert [(r.text, r.rule, r.reason, r.line) for r in out.removed] == [
        ("\u200b", "unicode.controls", "invisible control characters", 10),
        ("\u202e", "unicode.controls", "invisible control characters", 12),
        ("\u2066", "unicode.controls", "invisible control characters", 12),
        ("\u2069", "unicode.controls", "invisible control characters", 12),
    ]
    assert out.line_numbers == (10, 11, 12)
    assert out.meta["unicode_fixes"] == 2


def test_step_fixes_mojibake_and_keeps_curly_quotes() -> None:
    out = make_step(CleanOptions())(_doc("The cafÃ© said â€œhelloâ€\x9d"))
    assert out.text == "The café said “hello”"
    assert out.removed == []
    assert out.meta["unicode_fixes"] == 1


def test_step_ascii_quotes_option() -> None:
    out = make_step(CleanOptions(ascii_quotes=True))(_doc("“Yes,” she said"))
    assert out.text == '"Yes," she said'


def test_step_disabled_controls_rule_records_nothing() -> None:
    options = CleanOptions(disabled_rules=frozenset({"unicode.controls"}))
    out = make_step(options)(_doc("pay\u200bpal"))
    assert out.removed == []


def test_step_disabled_controls_rule_keeps_the_characters() -> None:
    options = CleanOptions(disabled_rules=frozenset({"unicode.controls"}))
    out = make_step(options)(_doc("pay\u200bpal"))
    assert out.text == "pay\u200bpal"


def test_step_leaves_clean_text_unmarked() -> None:
    doc = _doc("A clean line.\n\nAnother one.")
    out = make_step(CleanOptions())(doc)
    assert out.text == doc.text
    assert "unicode_fixes" not in out.meta
    assert out.removed == []


# --- properties on arbitrary text (hypothesis, derandomized) ------------------------------------

PROPERTY_POOL = [
    "The cafÃ© reopened â€œtodayâ€\x9d",
    "pay\u200bpal and\u202e mirrored",
    "Tabs\tand\u00a0no-break  spaces   ",
    "Bell\x07 rang and &amp; entity",
    "“We are ready,” the minister said.",
    "A plain line about the ferry timetable.",
]
PROPERTY_TEXT = st.lists(
    st.one_of(st.sampled_from(PROPERTY_POOL), st.text(max_size=40)), max_size=12
).map("\n".join)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(PROPERTY_TEXT)
def test_property_never_raises_and_every_line_is_kept_or_removed(text: str) -> None:
    check_every_line_kept_or_removed(
        make_step(CleanOptions()),
        text,
        counts=lambda line: fix_line(line) or INVISIBLE.search(line),
    )


@settings(max_examples=150, deadline=None, derandomize=True)
@given(PROPERTY_TEXT)
def test_property_idempotent(text: str) -> None:
    check_idempotent(make_step(CleanOptions()), text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"ab é\u0301\n\t\u00a0“”’\u200b\u0085\r\u2028Ã©\ufffd&;#x1", "&amp;"]),
        max_size=40,
    ).map("".join)
)
def test_step_whole_text_shortcut_equals_fixing_every_line(text: str) -> None:
    """`needs_only_strip` lets the step skip `fix_line`; the output must not change."""
    import cleaners.unicode as unicode_module

    doc = _doc(text)
    fast = make_step(CleanOptions())(doc)
    original = unicode_module.needs_only_strip
    try:
        unicode_module.needs_only_strip = lambda text: False
        slow = make_step(CleanOptions())(doc)
    finally:
        unicode_module.needs_only_strip = original
    assert (fast.text, fast.line_numbers, fast.removed, fast.meta) == (
        slow.text,
        slow.line_numbers,
        slow.removed,
        slow.meta,
    )


@given(
    st.text(
        alphabet=st.sampled_from(
            [*"aé\u0080\u009f\ufffd\ufb01\u00c3\u00a9\u2019\\u0041&#x;\t\u00a0 \u200b"]
        )
    )
)
def test_whole_text_scans_find_what_the_regex_patterns_find(text: str) -> None:
    from cleaners.unicode import _WHOLE_TEXT_SCANS, MAY_NEED_FTFY, ODD_SPACES

    for fast, full in zip(_WHOLE_TEXT_SCANS, (INVISIBLE, MAY_NEED_FTFY, ODD_SPACES), strict=True):
        assert (fast.search(text) is None) == (full.search(text) is None)


def _needs_only_strip_by_full_scans(text: str) -> bool:
    """`needs_only_strip` as it was before its cheap looks: every pattern over the whole text."""
    from cleaners.unicode import _WHOLE_TEXT_SCANS

    invisible, ftfy_targets, odd_spaces = _WHOLE_TEXT_SCANS
    if invisible.search(text) or ftfy_targets.search(text):
        return False
    if not unicodedata.is_normalized("NFC", text):
        return False
    if odd_spaces.search(text) is None:
        return True
    return odd_spaces.search("\n".join(line.strip() for line in text.split("\n"))) is None


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *"ab é\u0301\n\t\u00a0“”’\u200b\u0085\r\u2028Ã©\ufffd&;#x1\x01\x7f\u3000\ud800",
                *("&amp;", "  ", "\\u00e9", "\u00c3\u00a9"),
            ]
        )
        | st.characters(),
        max_size=40,
    ).map("".join)
)
def test_needs_only_strip_cheap_looks_change_no_answer(text: str) -> None:
    from cleaners.unicode import needs_only_strip

    assert needs_only_strip(text) == _needs_only_strip_by_full_scans(text)
