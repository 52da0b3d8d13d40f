"""Headlines and datelines: what an article is called, who wrote it, where it was filed.

Heuristics:
- the splitter counts an article's leading headline lines (`meta["headlines"]`); with two, the
  first is the republisher's own headline: removed (rule `headlines.republisher`) and kept in
  `meta["republisher_title"]`; the last becomes `Document.title` (moved, not removed);
- a credit suffix of short pipe-separated fields (`Title | Jane Doe | XY`, `Title | | XY`,
  `Title | Outlet`) is parsed off the title into `meta["byline"]` / `meta["outlet"]`;
- a dateline opening the first paragraph (`CITY (Agency) – `, `CITY, Mon 26 - `, `CITY — `)
  is cut off as a span (rule `headlines.dateline`) into `meta["dateline"]` (and the agency into
  `meta["outlet"]`), the rest of the paragraph kept.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import regex as re

from cleaners.chars import PY_WHITESPACE
from cleaners.document import Document, Removal
from cleaners.options import CleanOptions, Step
from cleaners.rules import ruleset

RULES = ruleset("headlines")

CITY = r"\p{Lu}[\p{Lu}.'’\- ]{1,38}?\p{Lu}\.?"  # LYON, NEW YORK, WASHINGTON D.C.
MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
PLACE = r"\p{Lu}[\p{L}.'’\- ]{1,38}?"  # Winnipeg, CAPE CANAVERAL
REGION = r"\p{Lu}[\p{L}.'’ ]{0,25}?"  # Calif., N.Y., South Africa, MICH.
DASH = r"\s*[–—-]+\s*"
DATELINE = re.compile(
    rf"^(?P<city>{CITY}|\p{{Lu}}[\p{{L}}.'’ -]{{1,30}}?)"
    rf"\s*\((?P<outlet>[\p{{L}}][\p{{L}} .&'-]{{0,30}})\){DASH}"
    rf"|^(?P<city2>{PLACE})(?:,\s*{REGION})?,\s+(?P<date>{MONTH}\s+\d{{1,2}}){DASH}"
    rf"|^(?P<city3>{CITY})\s+[–—-]+\s*(?=\S)"
)
# A company's legal form, as a word (`boilerplate.name_line` reads it too)
LEGAL_FORM = (
    r"(?:Corp|Corporation|Inc|Incorporated|Ltd|Limited|Co|Company|plc|Plc|PLC|AG|SE|SA|NV|LLC"
    r"|GmbH|Group|Holdings?)"
)
# A company's name before its ticker ("Acme Corp (ACME) - Shares rose ..."), not a city before
# its outlet: a legal form ends it.
COMPANY = re.compile(rf"\b{LEGAL_FORM}\.?$")
CREDIT_MAX_WORDS = 4  # an outlet or a name; a longer field after a pipe is a headline
DATELINE_WITHIN = 3  # non-blank lines from the top of the body
CREDIT_FIELD = r"[^|]{0,40}"
CREDIT = re.compile(
    rf"^(?P<title>.+?)\s*\|\s*(?P<a>{CREDIT_FIELD}?)\s*(?:\|\s*(?P<b>{CREDIT_FIELD}?)\s*)?$"
)


@RULES.line_rule("headlines.republisher", reason="republisher headline")
def republisher_headline(line: str) -> bool:
    """A republisher's own headline above the original one (decided by position, not text)."""
    return False


@RULES.line_rule("headlines.dateline", reason="dateline")
def dateline(line: str) -> bool:
    """A dateline opening a paragraph: `NAIROBI (AFP) – ...`, `CLEVELAND, Feb 26 - ...`.

    >>> dateline("LYON (AFP) - Police said on Sunday ...")
    True
    >>> dateline("CLEVELAND, Feb 26 - Standard Oil Co said ...")
    True
    >>> dateline("NATO - the alliance - met on Sunday.")  # an acronym, not a city
    False
    >>> dateline("Acme Corp (ACME) - Shares rose 3% in early trading.")  # a ticker
    False
    """
    return _dateline_match(line) is not None


def _dateline_match(line: str) -> re.Match[str] | None:
    match = DATELINE.match(line)
    if match is None:
        return None
    rest = line[match.end() :]
    city = match.group("city") or match.group("city2") or match.group("city3") or ""
    # "NATO - the alliance": an all-caps city must be followed by a capitalised sentence or a
    # quotation, and be a word of at least 3 letters.
    if len(city.replace(" ", "")) < 3:
        return None
    if COMPANY.search(city.strip()):
        return None
    if match.group("date"):  # "SAN FRANCISCO, Feb 26 -": a place and a date, whatever follows
        return match
    if not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"“‘'"):
        return None
    if len(rest.split()) < 3:
        return None
    return match


def parse_credit(title: str) -> tuple[str, str, str]:
    """(title, byline, outlet) from a headline with a pipe-separated credit suffix.

    >>> parse_credit("Harbour plan approved | Jane Doe | HT")
    ('Harbour plan approved', 'Jane Doe', 'HT')
    >>> parse_credit("Harbour plan approved | | HT")
    ('Harbour plan approved', '', 'HT')
    >>> parse_credit("Harbour plan approved | The Harbour Times")
    ('Harbour plan approved', '', 'The Harbour Times')
    >>> parse_credit("No credit here")
    ('No credit here', '', '')
    """
    match = CREDIT.match(title)
    if match is None:
        return title, "", ""
    first, second = (match.group("a") or "").strip(), (match.group("b") or "").strip()
    if match.group("b") is None:
        head = match.group("title").strip()
        if len(first.split()) > CREDIT_MAX_WORDS:  # "Opinion | Why the plan fails": a section
            return (first, "", "") if len(head.split()) <= CREDIT_MAX_WORDS else (title, "", "")
        return head, "", first
    return match.group("title").strip(), first, second


# Non-blank lines from the top that the step reads: two headlines, then DATELINE_WITHIN lines.
HEAD_LINES = 2 + DATELINE_WITHIN


@dataclass(slots=True)
class Head:
    """What the step makes of an article's first lines: positions dropped (headlines moved to
    the title or removed), a dateline cut from the line at a position, the removals in order,
    and the new meta and title."""

    drop: set[int]
    cut: tuple[int, str] | None
    removed: list[Removal]
    meta: dict[str, Any]
    title: str

    def kept(self, numbered: list[tuple[int, str]]) -> list[tuple[int, str]]:
        cut = dict([self.cut]) if self.cut else {}
        return [
            (number, cut.get(i, text))
            for i, (number, text) in enumerate(numbered)
            if i not in self.drop
        ]


def read_head(
    numbered: list[tuple[int, str]], title: str, meta: dict[str, Any], disabled: frozenset[str]
) -> Head:
    """The step on an article's (source line, text) lines; only the first HEAD_LINES non-blank
    ones matter, so a caller may pass just those (the columnar engine does)."""
    count = int(meta.get("headlines", 0) or 0)
    meta = dict(meta)
    removed: list[Removal] = []
    content = [i for i, (_, text) in enumerate(numbered) if text.strip()]
    heads = content[: min(count, 2)]
    drop: set[int] = set()
    if heads and not title:
        if len(heads) == 2 and "headlines.republisher" not in disabled:
            number, text = numbered[heads[0]]
            meta["republisher_title"] = text.strip()
            removed.append(Removal(text, "republisher headline", "headlines.republisher", number))
        title_line = numbered[heads[-1]][1].strip()
        drop.update(
            heads if len(heads) == 1 or "headlines.republisher" not in disabled else heads[-1:]
        )
        title, byline, outlet = parse_credit(title_line)
        if byline:
            meta["byline"] = byline
        if outlet:
            meta["outlet"] = outlet
    cut = None
    if "headlines.dateline" not in disabled:
        cut = _cut_dateline(numbered, drop, meta, removed)
    return Head(drop, cut, removed, meta, title)


def make_step(options: CleanOptions) -> Step:
    disabled = options.disabled_rules

    def headlines(doc: Document) -> Document:
        numbered = doc.numbered_lines()
        head = read_head(numbered, doc.title, doc.meta, disabled)
        return doc.with_lines(head.kept(numbered), head.removed, meta=head.meta, title=head.title)

    return headlines


def _is_sentence(line: str) -> bool:
    """A line of running text (ends like a sentence, four words or more), not a byline."""
    return len(line.split()) >= 4 and line.endswith((".", "!", "?", '"', "”", "’"))


def _cut_dateline(
    numbered: list[tuple[int, str]], drop: set[int], meta: dict[str, Any], removed: list[Removal]
) -> tuple[int, str] | None:
    """(position, the line without its dateline) for a dateline among the first kept lines."""
    content = [i for i, (_, text) in enumerate(numbered) if text.strip() and i not in drop]
    # The dateline opens the first paragraph, which may stand under a byline or a timestamp; a
    # sentence before it means the story has begun, so a second dateline further down is text.
    for position in content[:DATELINE_WITHIN]:
        number, text = numbered[position]
        match = _dateline_match(text.strip())
        if match is None:
            if _is_sentence(text.strip()):
                break
            continue
        stripped = text.strip()
        prefix = stripped[: match.end()]
        city = match.group("city") or match.group("city2") or match.group("city3")
        meta["dateline"] = prefix.strip(" –—-").strip()
        meta["dateline_place"] = city.strip()
        if match.group("outlet"):
            meta.setdefault("outlet", match.group("outlet").strip())
        if match.group("date"):
            dates = meta.get("dates")
            meta["dates"] = [*(dates if isinstance(dates, list) else []), match.group("date")]
        removed.append(Removal(prefix, "dateline", "headlines.dateline", number))
        return position, stripped[match.end() :]
    return None


@dataclass(slots=True)
class HeadTable:
    """`read_head` over a whole `lines` table: the kept lines, and by article position its
    removals and its new title and meta where they changed."""

    lines: pl.DataFrame
    removed: dict[int, list[Removal]]
    headers: dict[int, tuple[str, dict[str, Any]]]


def head_table(
    lines: pl.DataFrame, headers: Sequence[tuple[str, dict[str, Any]]], disabled: frozenset[str]
) -> HeadTable:
    """The step on every article of `lines` (`cleaners.batch`), `headers[i]` being article i's
    (title, meta): only each article's rows up to its HEAD_LINES-th non-blank line are read."""
    content = pl.col("text").str.strip_chars(PY_WHITESPACE).str.len_bytes() > 0
    before = content.cast(pl.UInt32).cum_sum().over("doc") - content.cast(pl.UInt32)
    head_rows = np.flatnonzero(lines.select(before < HEAD_LINES).to_series().to_numpy())
    docs = lines["doc"].to_numpy()[head_rows]
    numbers = lines["line"].to_numpy()[head_rows]
    texts = lines["text"].gather(head_rows).to_list()
    drop: list[int] = []
    cuts: dict[int, str] = {}
    out = HeadTable(lines, {}, {})
    bounds = np.flatnonzero(np.diff(docs, prepend=-1, append=-1))
    for start, end in itertools.pairwise(bounds.tolist()):
        position = int(docs[start])
        numbered = list(zip(numbers[start:end].tolist(), texts[start:end], strict=True))
        title, meta = headers[position]
        head = read_head(numbered, title, meta, disabled)
        drop.extend(int(head_rows[start + i]) for i in head.drop)
        if head.cut is not None:
            cuts[int(head_rows[start + head.cut[0]])] = head.cut[1]
        if head.removed:
            out.removed[position] = head.removed
        if head.title != title or head.meta != meta:
            out.headers[position] = (head.title, head.meta)
    if cuts:
        text = lines["text"].to_list()
        for row, line in cuts.items():
            text[row] = line
        lines = lines.with_columns(pl.Series("text", text, dtype=pl.String))
    if drop:
        keep = np.ones(lines.height, dtype=np.bool_)
        keep[drop] = False
        lines = lines.filter(pl.Series(keep))
    out.lines = lines
    return out
