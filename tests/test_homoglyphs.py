"""unicode.homoglyphs: look-alike letters respelled, real foreign words left alone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cleaners.homoglyphs import fix_homoglyphs, make_step, respelled
from cleaners.options import CleanOptions
from cleaners.pipeline import document_steps
from tests.step_contract import check_every_line_kept_or_removed, check_idempotent, make_doc

STEP = make_step(CleanOptions())


def test_mixed_script_words_are_respelled_and_recorded() -> None:
    # Cyrillic "о" and "е", Greek "Α" inside Latin words
    text = "Cоnfirm your bank dеtails at Αcme today.\n\nNothing else here."
    out = STEP(make_doc(text))
    assert out.text.split("\n")[0] == "Confirm your bank details at Acme today."
    assert [(r.text, r.rule, r.line) for r in out.removed] == [
        ("Cоnfirm", "unicode.homoglyphs", 1),
        ("dеtails", "unicode.homoglyphs", 1),
        ("Αcme", "unicode.homoglyphs", 1),
    ]


def test_real_cyrillic_and_greek_text_is_kept() -> None:
    text = "Он сказал: «Москва». Η Αθήνα είναι μεγάλη. Mixed with Paris and Athens."
    assert fix_homoglyphs(text) == (text, [])


def test_a_mixed_word_with_a_letter_without_a_latin_twin_is_kept() -> None:
    assert respelled("Bлиц") is None  # "л" looks like no Latin letter: not a spoof


def test_fullwidth_ascii_becomes_ascii() -> None:
    assert fix_homoglyphs("Ｔｏｋｙｏ ２０２４ rally") == (
        "Tokyo 2024 rally",
        ["Ｔｏｋｙｏ", "２０２４"],
    )


def test_step_contract() -> None:
    text = "Hеadline here\n\nA pаragraph of text.\n\nPlain line."
    check_every_line_kept_or_removed(STEP, text)
    check_idempotent(STEP, text)


def test_switched_off_by_name() -> None:
    names = [name for name, _ in document_steps(CleanOptions())]
    off = [
        n for n, _ in document_steps(CleanOptions(disabled_rules=frozenset({"unicode.homoglyphs"})))
    ]
    assert "homoglyphs" in names and "homoglyphs" not in off


@given(st.text(max_size=200))
def test_respelling_is_idempotent_and_keeps_length(line: str) -> None:
    once, _ = fix_homoglyphs(line)
    assert fix_homoglyphs(once)[0] == once
    assert len(once) == len(line)  # one letter for one letter: offsets stay meaningful
