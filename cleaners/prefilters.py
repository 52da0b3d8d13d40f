"""Cheap tests that every match of a regular expression passes, read from the pattern itself.

Why: a case-insensitive pattern of many alternatives, with Unicode word boundaries, runs on
Rust regex's slowest engine wherever a line holds a character past ASCII (7 ms a batch for one
furniture rule, against 0.3 ms on ASCII lines). Two looser tests leave it a few lines to check:

* `required_words`: words the pattern cannot match without, for one Aho-Corasick scan
  (`str.contains_any`). They are ASCII and lower-case, to be found with
  `ascii_case_insensitive=True`: a match of a case-insensitive pattern spells them in some
  ASCII case, or holds a character whose case folds past ASCII (the Kelvin sign for "k", the
  long s for "s"), which callers let through (`cleaners.chars.folds_differently`).
* `without_word_boundaries`: the pattern with its `\b` taken out, which matches wherever the
  pattern does (an assertion removed only widens what matches) and runs on the fast engine on
  any text.

Reading both from the pattern, rather than listing words beside it, keeps one definition of
the rule: a word list written by hand goes stale the day an alternative is added.
"""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse
from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl

from cleaners.chars import folds_differently

SHORTEST = 3  # a shorter word is found in nearly every line: no filter at all

Words = frozenset[str]


class HasPattern(Protocol):
    """A compiled pattern of `re` or of `regex`."""

    @property
    def pattern(self) -> str: ...


def required_words(pattern: HasPattern | str, shortest: int = SHORTEST) -> Words | None:
    """ASCII words (lower-case, at least `shortest` characters) of which every match of
    `pattern` holds one, or None where the pattern says no such thing (a branch of it can match
    without any word that long).

    >>> sorted(required_words(r"\\b(?:to view|to read) the (?:story|article)\\b"))
    [' the ']
    >>> sorted(required_words(r"^(?:tags?|filed under|schlagw(?:ö|oe)rter)"))
    ['filed under', 'schlagw', 'tag']
    >>> required_words(r"^(?:news|x)$") is None
    True
    """
    source = pattern if isinstance(pattern, str) else pattern.pattern
    try:
        parsed = sre_parse.parse(source)
    except re.error:
        return None
    return _sequence(parsed, shortest)


def _sequence(items: Any, shortest: int) -> Words | None:
    """The best word set of a concatenation: each maximal ASCII literal run is one candidate,
    each group another; the one whose shortest word is longest filters best."""
    candidates: list[Words] = []
    run: list[str] = []

    def end_run() -> None:
        if len(run) >= shortest:
            candidates.append(frozenset({"".join(run).lower()}))
        run.clear()

    for op, value in items:
        if op is sre_constants.LITERAL and value < 0x80:
            run.append(chr(value))
            continue
        end_run()
        inner = _item(op, value, shortest)
        if inner is not None:
            candidates.append(inner)
    end_run()
    if not candidates:
        return None
    return max(candidates, key=lambda words: (min(map(len, words)), -len(words)))


def _item(op: Any, value: Any, shortest: int) -> Words | None:
    if op is sre_constants.SUBPATTERN:
        return _sequence(value[-1], shortest)
    if op is sre_constants.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            words = _sequence(branch, shortest)
            if words is None:
                return None
            union |= words
        # a word holding another is found wherever that one is: only the shorter need be sought
        return frozenset(w for w in union if not any(o != w and o in w for o in union))
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
        least, _, body = value
        return _sequence(body, shortest) if least >= 1 else None
    if op is sre_constants.ATOMIC_GROUP:
        return _sequence(value, shortest)
    return None  # classes, anchors, boundaries, look-around, back-references, non-ASCII


@dataclass(frozen=True, slots=True)
class HoldingWords:
    """A column test true on every line holding one of `words` (lower-case) in any ASCII
    case, or a character whose case folds past ASCII, which an ASCII case-insensitive scan
    cannot judge: a necessary condition of the line, casefolded, holding one of the words.

    A test declared as data rather than as an opaque expression, so that a table can scan once
    for the words of all its rules (`cleaners.rule_table.WordScan`) and try each rule's own
    words only on the lines holding any.
    """

    words: tuple[str, ...]

    def __call__(self, text: pl.Expr) -> pl.Expr:
        return text.str.contains_any(list(self.words), ascii_case_insensitive=True) | (
            text.str.contains(folds_differently())
        )


def without_word_boundaries(pattern: str) -> str:
    """`pattern` with every `\\b` outside a character class removed.

    >>> without_word_boundaries(r"\\b(?:to|for)\\b [\\b]x\\\\b\\B")
    '(?:to|for) [\\\\b]x\\\\\\\\b\\\\B'
    """
    out: list[str] = []
    in_class = False
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            pair = pattern[at : at + 2]
            if not (pair == "\\b" and not in_class):
                out.append(pair)
            at += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            opening = "[^" if pattern[at + 1 : at + 2] == "^" else "["
            if pattern[at + len(opening) : at + len(opening) + 1] == "]":
                opening += "]"  # a "]" first in a class is one of its members
            out.append(opening)
            at += len(opening)
            continue
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        at += 1
    return "".join(out)
