"""Look-alike letters from another script inside a Latin word: spoofing, or OCR damage.

"Pаypal" with a Cyrillic "а" reads as "Paypal" but matches no search, no dedupe shingle and no
rule written for the Latin word; spammers use it to slip past filters. A word is rewritten only
when it mixes Latin letters with Cyrillic or Greek letters that all have a Latin twin, so a real
Russian or Greek word (no Latin letter in it) and a mixed word with a letter that has no twin
("Bлиц" with "л") are left alone. Fullwidth forms of ASCII letters and digits ("ＡＢＣ", common
in pasted East Asian text) become ASCII. Each rewritten word is recorded as a removal of the
original spelling (rule `unicode.homoglyphs`), so the change can be shown and switched off.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import regex as re

from cleaners.chars import past_ascii
from cleaners.document import Document, Removal
from cleaners.options import CleanOptions, Step
from cleaners.rules import ruleset

RULES = ruleset("unicode")
REASON = "look-alike letters from another script"

# Cyrillic and Greek letters drawn the same as a Latin letter in common fonts (after Unicode's
# confusables.txt, the single-letter entries whose target is Latin).
TWINS = {
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W",
    "Һ": "H", "Ӏ": "I",
    # Greek
    "ο": "o", "ν": "v", "ι": "i", "α": "a",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip
TWIN_TABLE = str.maketrans(TWINS)
FULLWIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
FULLWIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)}
# A word holding both a Latin letter and a Cyrillic or Greek one, in either order.
MIXED_WORD = re.compile(r"\b(?=\w*\p{Latin})(?=\w*[\p{Cyrillic}\p{Greek}])\w+\b")
# Most lines hold none of these: one scan (or str.isascii) lets them through untouched.
SUSPECT = re.compile(r"[\p{Cyrillic}\p{Greek}\uff10-\uff5a]")


def respelled(word: str) -> str | None:
    """The Latin spelling of a mixed-script word, or None when it is not a look-alike.

    >>> respelled("Pаypal")  # Cyrillic а
    'Paypal'
    >>> respelled("Москва") is None, respelled("Bлиц") is None
    (True, True)
    """
    foreign = [c for c in word if c.isalpha() and not _is_latin(c)]
    if not foreign or len(foreign) == sum(c.isalpha() for c in word):
        return None
    if any(c not in TWINS for c in foreign):
        return None
    return word.translate(TWIN_TABLE)


LATIN = re.compile(r"\p{Latin}")


def _is_latin(char: str) -> bool:
    return LATIN.match(char) is not None


@RULES.line_rule("unicode.homoglyphs", reason=REASON)
def has_homoglyphs(line: str) -> bool:
    """A Latin word spelled with Cyrillic/Greek look-alikes, or fullwidth ASCII (respelled).

    >>> has_homoglyphs("Log in to your Аpple account"), has_homoglyphs("Москва и Paris")
    (True, False)
    """
    return FULLWIDTH.search(line) is not None or any(
        respelled(m.group()) for m in MIXED_WORD.finditer(line)
    )


def fix_homoglyphs(line: str) -> tuple[str, list[str]]:
    """The line respelled, and each original spelling that was changed.

    >>> fix_homoglyphs("Вank of Ｔｏｋｙｏ")
    ('Bank of Tokyo', ['Вank', 'Ｔｏｋｙｏ'])
    """
    changed: list[str] = []

    def latin(match: re.Match[str]) -> str:
        word: str = match.group()
        fixed = respelled(word)
        if fixed is None:
            return word
        changed.append(word)
        return fixed

    def ascii_form(match: re.Match[str]) -> str:
        word: str = match.group()
        changed.append(word)
        return word.translate(FULLWIDTH_TABLE)

    if line.isascii() or SUSPECT.search(line) is None:
        return line, changed
    line = MIXED_WORD.sub(latin, line)
    line = FULLWIDTH.sub(ascii_form, line)
    return line, changed


def make_step(options: CleanOptions) -> Step:
    def respell(doc: Document) -> Document:
        numbered: list[tuple[int, str]] = []
        removed: list[Removal] = []
        for number, line in doc.numbered_lines():
            fixed, changed = fix_homoglyphs(line)
            removed.extend(Removal(word, REASON, "unicode.homoglyphs", number) for word in changed)
            numbered.append((number, fixed))
        if not removed:
            return doc
        return doc.with_lines(numbered, removed)

    return respell


def respell_table(lines: pl.DataFrame) -> tuple[pl.DataFrame, dict[int, list[Removal]]]:
    """`make_step` on every line of a `lines` table (`cleaners.batch`): only lines that are not
    ASCII can hold a look-alike, and only they are read in Python."""
    text = lines["text"]
    suspect = np.flatnonzero(past_ascii(text))
    if len(suspect) == 0:
        return lines, {}
    docs = lines["doc"].to_numpy()
    numbers = lines["line"].to_numpy()
    removed: dict[int, list[Removal]] = {}
    rows: list[int] = []
    fixes: list[str] = []
    for row, line in zip(suspect, text.gather(suspect).to_list(), strict=True):
        fixed, changed = fix_homoglyphs(line)
        if changed:
            rows.append(int(row))
            fixes.append(fixed)
            found = removed.setdefault(int(docs[row]), [])
            found.extend(Removal(word, REASON, "unicode.homoglyphs", int(numbers[row]))
                         for word in changed)  # fmt: skip
    if not removed:
        return lines, {}
    return lines.with_columns(text.scatter(rows, fixes)), removed
