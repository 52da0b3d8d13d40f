"""Broken Unicode, invisible characters and whitespace.

Heuristics, in order:
- mojibake and broken HTML entities: ftfy's `fix_text` (quotes left curly), but only on text a
  cheap precompiled scan flags: ftfy runs at a few MB/s, and most scraped text needs nothing;
- NFC, so that the same word is the same code points everywhere (dedupe hashes depend on it);
- zero-width and bidirectional control characters and C0/C1 controls: removed, each removal
  recorded (rule `unicode.controls`), since they can hide text or reorder it on screen;
- no-break and other exotic spaces to a plain space, runs of spaces folded, lines stripped;
- curly quotes straightened only with `CleanOptions.ascii_quotes`.
"""

from __future__ import annotations

import re as stdlib_re
import unicodedata
from dataclasses import dataclass, field

import ftfy
import numpy as np
import polars as pl
import regex as re

from cleaners.chars import PY_WHITESPACE, past_ascii
from cleaners.document import Document, Removal
from cleaners.options import CleanOptions, Step
from cleaners.rules import ruleset

RULES = ruleset("unicode")

FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, normalization="NFC", explain=False)

# What mojibake and entity damage look like: a UTF-8 lead byte decoded as Latin-1/cp1252 and
# followed by a continuation-range character, C1 controls, U+FFFD, HTML entities, and ftfy's
# other targets (ligatures, surrogates). A line with none of these is left as it is.
_FTFY_ALONE = r"\u0080-\u009f\ufffd\ufb00-\ufb06\ud800-\udfff"  # a target on its own
_FTFY_LEAD = r"\u00c2-\u00f4"  # a UTF-8 lead byte read as Latin-1
MAY_NEED_FTFY = re.compile(
    rf"[{_FTFY_ALONE}]"
    rf"|[{_FTFY_LEAD}][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178"
    r"\u017d\u017e\u0192\u02c6\u02dc\u2122\u00a0]"
    r"|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});"
    r"|\\u[0-9a-fA-F]{4}"
)
INVISIBLE = re.compile(
    r"[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069"
    r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+"
)
_WIDE_SPACES = r"\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"  # spaces outside ASCII
SPACES = re.compile(rf"[\t{_WIDE_SPACES} ]+")
# What SPACES would change: any space but a lone ASCII one.
ODD_SPACES = re.compile(rf"[\t{_WIDE_SPACES}]|  ")
# The whole-text scans of `needs_only_strip`, with the standard library's `re`: these patterns are
# plain code-point ranges and literals, which both modules read alike, and `re` scans a long text
# 2-3x faster (10 MB of news: 0.7 s against 1.7 s of CPU for the three).
_WHOLE_TEXT_SCANS = tuple(
    stdlib_re.compile(p.pattern) for p in (INVISIBLE, MAY_NEED_FTFY, ODD_SPACES)
)
# For `needs_only_strip`'s cheap looks: bytes to delete to keep only the ASCII control characters
# (tab included), or only the non-ASCII ones; a character that can start a MAY_NEED_FTFY match
# outside ASCII; the characters of ODD_SPACES.
_NOT_ASCII_CONTROL = bytes(c for c in range(256) if not (c < 32 or c == 127) or c in b"\n\r")
_ASCII = bytes(range(128))
_MAY_START_FTFY = stdlib_re.compile(rf"[{_FTFY_ALONE}{_FTFY_LEAD}]")
_ODD_SPACE_CHARS = stdlib_re.compile(rf"[{_WIDE_SPACES}]")
QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
    }
)


@RULES.line_rule("unicode.controls", reason="invisible control characters")
def has_invisible(line: str) -> bool:
    """Zero-width, bidirectional-override and control characters (removed as spans).

    >>> has_invisible("pay\\u200bpal")
    True
    >>> has_invisible("plain text")
    False
    """
    return INVISIBLE.search(line) is not None


def fix_line(line: str, ascii_quotes: bool = False, strip_invisible: bool = True) -> str:
    """The text of one line, repaired.

    >>> fix_line("The cafÃ© said â€œhelloâ€\\u009d  again\\u00a0 ")
    'The café said “hello” again'
    >>> fix_line("“quoted”", ascii_quotes=True)
    '"quoted"'
    """
    if strip_invisible:  # first, so that ftfy sees the mojibake they may split
        line = INVISIBLE.sub("", line)
    if MAY_NEED_FTFY.search(line):
        line = ftfy.fix_text(line, FTFY_CONFIG)
    line = unicodedata.normalize("NFC", line)
    if strip_invisible:
        line = INVISIBLE.sub("", line)
    line = SPACES.sub(" ", line).strip()
    if ascii_quotes:
        line = line.translate(QUOTES)
    return line


def needs_only_strip(text: str) -> bool:
    """True when `fix_line` would only strip each line of `text` (without `ascii_quotes`).

    A few scans of the whole text in C instead of six regex calls and a normalisation per line
    (cleaning 10 MB of generated news spent a quarter of its time in `fix_line`). A line is left
    alone by every part of `fix_line` when the text has no invisible character, nothing ftfy is
    called for, is NFC (a newline never composes with its neighbours, so each line of an NFC text
    is NFC), and has no space `SPACES` would change inside a line: a run of them at either end of
    a line goes with the strip either way (indented wire copy has one on every line).

    >>> needs_only_strip("Plain “quoted” café text "), needs_only_strip("a  b")
    (True, False)
    >>> needs_only_strip("    CLEVELAND, Feb 26 - Standard Oil said\\n    it plans a venture.")
    True
    """
    invisible, ftfy_targets, odd_spaces = _WHOLE_TEXT_SCANS
    # Each full scan runs only when a cheap look says its pattern may match: the ASCII controls
    # and the non-ASCII characters of the text are cut out with two `bytes.translate` calls,
    # and only that residue (a few characters an article) is searched. The scans had run at
    # about 35 MB/s each, a tenth of a one-job run on 10 MB of news.
    data = text.encode("utf-8", "surrogatepass")
    controls = data.translate(None, _NOT_ASCII_CONTROL)
    wide = data.translate(None, _ASCII).decode("utf-8", "surrogatepass")
    if controls.replace(b"\t", b"") or (wide and invisible.search(wide)):
        return False
    if (b"&" in data or b"\\u" in data or _MAY_START_FTFY.search(wide)) and ftfy_targets.search(
        text
    ):
        return False
    if wide and not unicodedata.is_normalized("NFC", text):
        return False
    if b"\t" not in controls and b"  " not in data and not _ODD_SPACE_CHARS.search(wide):
        return True
    if odd_spaces.search(text) is None:
        return True
    return odd_spaces.search("\n".join(line.strip() for line in text.split("\n"))) is None


def make_step(options: CleanOptions) -> Step:
    controls_on = "unicode.controls" not in options.disabled_rules

    def fix_unicode(doc: Document) -> Document:
        if not options.ascii_quotes and needs_only_strip(doc.text):
            stripped = [(number, line.strip()) for number, line in doc.numbered_lines()]
            return doc.with_lines(stripped, [], meta=dict(doc.meta))
        numbered: list[tuple[int, str]] = []
        removed: list[Removal] = []
        changed = 0
        for number, line in doc.numbered_lines():
            if controls_on:
                for match in INVISIBLE.finditer(line):
                    removed.append(
                        Removal(
                            text=match.group(),
                            reason="invisible control characters",
                            rule="unicode.controls",
                            line=number,
                        )
                    )
            fixed = fix_line(line, options.ascii_quotes, strip_invisible=controls_on)
            if fixed != line.strip():
                changed += 1
            numbered.append((number, fixed))
        meta = dict(doc.meta)
        if changed:
            meta["unicode_fixes"] = meta.get("unicode_fixes", 0) + changed
        return doc.with_lines(numbered, removed, meta=meta)

    return fix_unicode


# The patterns of `fix_line` in Rust regex, to find the lines it would only strip. A line with
# none of these, in NFC, and with no space run `SPACES` would fold inside it, is left as
# `line.strip()` (the surrogate range is left out: a polars string cannot hold one).
_RUST_INVISIBLE = INVISIBLE.pattern
_RUST_MAY_NEED_FTFY = MAY_NEED_FTFY.pattern.replace(r"\ud800-\udfff", "")
_RUST_INNER_ODD_SPACE = rf"[^{_WIDE_SPACES}\t ][\t{_WIDE_SPACES} ]*(?:[\t{_WIDE_SPACES}]|  )"
# The three as one alternation: a line holds a match of it exactly when it holds a match of one
# of them, and one scan of the text costs a third of three (10 MB of lined news: 16 ms, 45 ms).
_RUST_NOT_A_STRIP = "|".join(
    f"(?:{pattern})" for pattern in (_RUST_MAY_NEED_FTFY, _RUST_INNER_ODD_SPACE, _RUST_INVISIBLE)
)


def fix_table(lines: pl.DataFrame, options: CleanOptions) -> tuple[pl.DataFrame, Fixes]:
    """`make_step(options)` on every line of a `lines` table (`cleaners.batch`): the lines it
    would only strip are stripped column-wise, the others go through `fix_line` one by one.

    Returns the new table and, by article position, its control-character removals (in line
    order) and how many of its lines changed beyond a strip (`meta["unicode_fixes"]`).

    The tests that only a character past ASCII can fail (NFC, typographic quotes) run on the
    lines past ASCII alone: normalising every line to compare it with itself cost five times
    the other tests together, and news text is nearly all ASCII lines.
    """
    controls_on = "unicode.controls" not in options.disabled_rules
    text = lines["text"]
    not_a_strip = text.str.contains(_RUST_NOT_A_STRIP).to_numpy().copy()
    rows = np.flatnonzero(past_ascii(text) & ~not_a_strip)
    if len(rows):
        subset = text.gather(rows)
        odd = subset.str.normalize("NFC") != subset
        if options.ascii_quotes:
            odd |= subset.str.contains_any(list(map(chr, QUOTES)))
        not_a_strip[rows[odd.to_numpy()]] = True
    hard = np.flatnonzero(not_a_strip)
    stripped = text.str.strip_chars(PY_WHITESPACE)
    fixes = Fixes()
    if len(hard) == 0:
        return lines.with_columns(stripped), fixes
    # only the few lines `fix_line` must see cross into Python
    originals = text.gather(hard).to_list()
    plain = stripped.gather(hard).to_list()
    docs = lines["doc"].gather(hard).to_list()
    numbers = lines["line"].gather(hard).to_list()
    repaired_lines: list[str] = []
    for line, plain_line, position, number in zip(originals, plain, docs, numbers, strict=True):
        if controls_on:
            for match in INVISIBLE.finditer(line):
                fixes.removed.setdefault(position, []).append(
                    Removal(match.group(), "invisible control characters", "unicode.controls",
                            number)
                )  # fmt: skip
        repaired = fix_line(line, options.ascii_quotes, strip_invisible=controls_on)
        if repaired != plain_line:
            fixes.changed[position] = fixes.changed.get(position, 0) + 1
        repaired_lines.append(repaired)
    return lines.with_columns(stripped.scatter(hard, repaired_lines)), fixes


@dataclass(slots=True)
class Fixes:
    """What `fix_table` did beside the text: removals and changed-line counts by article."""

    removed: dict[int, list[Removal]] = field(default_factory=dict)
    changed: dict[int, int] = field(default_factory=dict)
