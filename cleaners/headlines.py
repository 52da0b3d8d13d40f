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

import regex as re

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


def make_step(options: CleanOptions) -> Step:
    disabled = options.disabled_rules

    def headlines(doc: Document) -> Document:
        count = int(doc.meta.get("headlines", 0) or 0)
        numbered = doc.numbered_lines()
        meta = dict(doc.meta)
        removed: list[Removal] = []
        title = doc.title
        content = [i for i, (_, text) in enumerate(numbered) if text.strip()]
        heads = content[: min(count, 2)]
        drop: set[int] = set()
        if heads and not title:
            if len(heads) == 2 and "headlines.republisher" not in disabled:
                number, text = numbered[heads[0]]
                meta["republisher_title"] = text.strip()
                removed.append(
                    Removal(text, "republisher headline", "headlines.republisher", number)
                )
            title_line = numbered[heads[-1]][1].strip()
            drop.update(
                heads if len(heads) == 1 or "headlines.republisher" not in disabled else heads[-1:]
            )
            title, byline, outlet = parse_credit(title_line)
            if byline:
                meta["byline"] = byline
            if outlet:
                meta["outlet"] = outlet
        kept = [(n, t) for i, (n, t) in enumerate(numbered) if i not in drop]
        if "headlines.dateline" not in disabled:
            kept = _cut_dateline(kept, meta, removed)
        return doc.with_lines(kept, removed, meta=meta, title=title)

    return headlines


def _is_sentence(line: str) -> bool:
    """A line of running text (ends like a sentence, four words or more), not a byline."""
    return len(line.split()) >= 4 and line.endswith((".", "!", "?", '"', "”", "’"))


def _cut_dateline(
    numbered: list[tuple[int, str]], meta: dict[str, object], removed: list[Removal]
) -> list[tuple[int, str]]:
    content = [i for i, (_, text) in enumerate(numbered) if text.strip()]
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
        out = list(numbered)
        out[position] = (number, stripped[match.end() :])
        return out
    return numbered
