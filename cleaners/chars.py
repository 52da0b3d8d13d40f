"""Character classes for Rust regex (polars) that match what Python's `str` methods say.

The rules are defined by Python predicates (`str.split`, `str.strip`, `str.isdigit`); their
column forms must find the same characters. Rust's `\\s` leaves out four ASCII separators that
`str.isspace` counts, and its `\\d` leaves out the superscripts and other digits that
`str.isdigit` counts, so those two are spelled out here (tests/test_chars.py checks them
against every code point). Classes that agree (`\\p{L}`, `\\p{Lu}`, `\\p{Lowercase}`) are
used as they are; the two libraries' Unicode versions differ only for recently added characters.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt
import polars as pl

# `"".join(c for c in map(chr, range(0x110000)) if c.isspace())`
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# the code point ranges of `str.isdigit`
DIGIT_RANGES = (
    (0x30, 0x39),
    (0xB2, 0xB3),
    (0xB9, 0xB9),
    (0x660, 0x669),
    (0x6F0, 0x6F9),
    (0x7C0, 0x7C9),
    (0x966, 0x96F),
    (0x9E6, 0x9EF),
    (0xA66, 0xA6F),
    (0xAE6, 0xAEF),
    (0xB66, 0xB6F),
    (0xBE6, 0xBEF),
    (0xC66, 0xC6F),
    (0xCE6, 0xCEF),
    (0xD66, 0xD6F),
    (0xDE6, 0xDEF),
    (0xE50, 0xE59),
    (0xED0, 0xED9),
    (0xF20, 0xF29),
    (0x1040, 0x1049),
    (0x1090, 0x1099),
    (0x1369, 0x1371),
    (0x17E0, 0x17E9),
    (0x1810, 0x1819),
    (0x1946, 0x194F),
    (0x19D0, 0x19DA),
    (0x1A80, 0x1A89),
    (0x1A90, 0x1A99),
    (0x1B50, 0x1B59),
    (0x1BB0, 0x1BB9),
    (0x1C40, 0x1C49),
    (0x1C50, 0x1C59),
    (0x2070, 0x2070),
    (0x2074, 0x2079),
    (0x2080, 0x2089),
    (0x2460, 0x2468),
    (0x2474, 0x247C),
    (0x2488, 0x2490),
    (0x24EA, 0x24EA),
    (0x24F5, 0x24FD),
    (0x24FF, 0x24FF),
    (0x2776, 0x277E),
    (0x2780, 0x2788),
    (0x278A, 0x2792),
    (0xA620, 0xA629),
    (0xA8D0, 0xA8D9),
    (0xA900, 0xA909),
    (0xA9D0, 0xA9D9),
    (0xA9F0, 0xA9F9),
    (0xAA50, 0xAA59),
    (0xABF0, 0xABF9),
    (0xFF10, 0xFF19),
    (0x104A0, 0x104A9),
    (0x10A40, 0x10A43),
    (0x10D30, 0x10D39),
    (0x10E60, 0x10E68),
    (0x11052, 0x1105A),
    (0x11066, 0x1106F),
    (0x110F0, 0x110F9),
    (0x11136, 0x1113F),
    (0x111D0, 0x111D9),
    (0x112F0, 0x112F9),
    (0x11450, 0x11459),
    (0x114D0, 0x114D9),
    (0x11650, 0x11659),
    (0x116C0, 0x116C9),
    (0x11730, 0x11739),
    (0x118E0, 0x118E9),
    (0x11950, 0x11959),
    (0x11C50, 0x11C59),
    (0x11D50, 0x11D59),
    (0x11DA0, 0x11DA9),
    (0x16A60, 0x16A69),
    (0x16AC0, 0x16AC9),
    (0x16B50, 0x16B59),
    (0x1D7CE, 0x1D7FF),
    (0x1E140, 0x1E149),
    (0x1E2F0, 0x1E2F9),
    (0x1E950, 0x1E959),
    (0x1F100, 0x1F10A),
    (0x1FBF0, 0x1FBF9),
)


def past_ascii(text: pl.Series) -> npt.NDArray[np.bool_]:
    """Whether each line holds a character past ASCII (`not str.isascii()`): its UTF-8 is
    longer than its characters. Two length kernels, a tenth of the time of a regex scan of
    `^[\x00-\x7f]*$` (10 MB of lined news: 1.5 ms, 15 ms)."""
    found: npt.NDArray[np.bool_] = (text.str.len_bytes() != text.str.len_chars()).to_numpy()
    return found


def escaped(chars: str) -> str:
    """`chars` as the body of a Rust regex character class."""
    return "".join(f"\\x{{{ord(c):x}}}" for c in chars)


SPACE = escaped(PY_WHITESPACE)
WORD = f"[^{SPACE}]+"  # one word of `str.split()`
DIGIT = "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in DIGIT_RANGES)
DIGIT_WORD = f"[^{SPACE}]*[{DIGIT}][^{SPACE}]*"  # a word with a character `isdigit` accepts
LETTER_WORD = f"[^{SPACE}]*\\p{{L}}[^{SPACE}]*"  # a word with a letter (`str.isalpha`)

# Every character whose case folding differs from itself lies below this code point
# (tests/test_chars.py checks all of Unicode).
CASED_BELOW = 0x20000


@cache
def folds_differently() -> str:
    """A Rust regex class of the non-ASCII characters that `str.casefold` changes ("É", "ß",
    the long s, the Kelvin sign): a line without one casefolds exactly as ASCII lower-casing
    does, so a case-insensitive ASCII scan answers a casefolded substring test there."""
    ranges: list[list[int]] = []
    for code in range(0x80, CASED_BELOW):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or char.casefold() == char:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges) + "]"
