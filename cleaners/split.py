"""One concatenated dump -> one `Document` per article.

Scraped dumps have no markup, so boundaries are read from structure alone. Heuristics:

- a *headline*: a line standing alone between paragraph breaks, 4-20 words, starting with a
  capital (or digit or quote), without closing sentence punctuation, holding one phrase rather
  than sentences (no inner full stop before a capital), not a timestamp and not one whole
  quotation (a pull quote). It starts a new article once the current one has a body;
- a *republisher pair*: a second headline directly under the first (no body between) that
  shares most of its content words is the original headline of the same article
  (`same_story`); an unrelated headline-like line there is the first line of the body;
- a *fragment* (three words or fewer, no sentence end: a byline, a navigation label) under a
  headline is not yet the body, so a real headline after it still pairs or opens the body;
- a *wire headline*: an unindented line in capitals, or one above an indented dateline
  (`TITLE` then `    CITY, Feb 26 - ...`), which needs no blank lines around it;
- an explicit *separator*: a line of three or more `-`, `=`, `_`, `*`, `~`, `#` or `•` (also
  spaced, `* * *`), a form feed, or a whole line matching the user's `split_on` regex.
  Separator lines end an article and belong to none: they are dropped as separators, not
  recorded as removals.

A standalone byline ("Jane Doe"), a two-word subheading or a caption made of sentences never
starts an article. `meta["headlines"]` says how many leading lines are headlines (2 when a
republisher headline stands above the original, 0 when none was found), for
`cleaners.headlines` to use. Every check is a bounded scan of one line: linear in the dump.
"""

from __future__ import annotations

import re as std_re
from collections.abc import Iterable, Iterator

import regex as re

from cleaners.document import Document, stable_id
from cleaners.footers import appeared_first

SEPARATOR = re.compile(r"[-=_*~#•·]{3,}|(?:[-=_*~#•·] ){2,}[-=_*~#•·]")
# Sentence end followed by a capitalised word: a caption or a paragraph, not a headline
# ("... province. AFP", "... 2014. Photograph: ..."); "Jr. Communicated", "U.S. Senate" pass.
# Abbreviations whose full stop ends no sentence ("Gov. Jane Doe", "Ariz. lawmakers").
ABBREVIATIONS = (
    "Gov|Govs|Rep|Reps|Sen|Sens|Gen|Lt|Col|Capt|Sgt|Cmdr|Adm|Dr|Mr|Mrs|Ms|Jr|"
    "Sr|St|Mt|Ft|Inc|Corp|Co|Ltd|Bros|No|vs|Ala|Ariz|Ark|Calif|Colo|Conn|Del|"
    "Fla|Ga|Ill|Ind|Kan|Ky|La|Mass|Md|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|"
    "Pa|Penn|Tenn|Tex|Va|Vt|Wash|Wis|Wyo|Jan|Feb|Mar|Apr|Aug|Sep|Sept|Oct|Nov|"
    "Dec"
)
# Only a full stop counts: a headline may hold a question ("Solution? A Free-For-All ...").
INNER_SENTENCE = re.compile(
    rf"\b(?!(?:{ABBREVIATIONS})\.)[A-Za-z\d]*[a-z\d]{{2}}\.[\"'”’)]* +[A-Z]"
)
# A quotation with its attribution ('"..., " she said'): a sentence of body text.
QUOTATION = re.compile(r"[,!?][\"”] ")
# Measured on labelled news dumps: titles run to 17 words; longer standalone lines are
# paragraphs that lack a full stop.
MAX_HEADLINE_WORDS = 20
# ... and run from 4 words; shorter standalone lines are subheadings ("Ferries and jobs") or
# bylines, which stay inside their article.
MIN_HEADLINE_WORDS = 4
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# Timestamps are glued to labels in scraped text ("ContentOct 21, 2020"), hence no \b before.
STAMP = re.compile(
    rf"\b\d{{1,2}}[:.]\d{{2}}\s*(?:[AaPp]\.?[Mm]\.?|[A-Z]{{2,4}})\b"
    rf"|{MONTH}\.? \d{{1,2}},? \d{{4}}"
    rf"|\b\d{{1,2}} {MONTH}\.? \d{{4}}"
)
TERMINAL = ".!?;:,)]"
QUESTION_HEADLINE_WORDS = 10  # a short question may be a headline ("Who is Jane Doe?")
# An abbreviation such as "U.S." or "G.O.P." may end a headline; a sentence's full stop may not.
ABBREVIATION_END = re.compile(r"(?:\b\p{Lu}\.){2,}$")
TRAILING_QUOTES = "\"'”’»"
BYLINE_SHAPE = re.compile(r"By\s|\S+(?: \S+)? [–—-] \p{Lu}")
OPENING_QUOTES = "\"'“‘«"
CLOSING_QUOTES = "\"'”’»"
# A wire dateline opening an indented first paragraph: "    Caracas, feb 26 - ...",
# "    ROCHESTER, N.Y., March 2 - ...".
WIRE_DATELINE = re.compile(
    rf"\s+\p{{Lu}}[^,\n]{{0,40}}(?:, \p{{Lu}}[^,\n]{{0,29}}){{0,2}}"  # CITY, State.
    rf", (?i:{MONTH})\.? {{1,2}}\d{{1,2}} ?[-–—]"  # , Feb 26 -
)
# Two headlines tell one story when at least two, and this share, of the shorter one's content
# word stems (first STEM letters) recur in the other. The seed's ten republisher pairs share
# 0.43-1.0 of them; unrelated headlines share none or one.
SAME_STORY_SHARE = 1 / 3
STEM = 4
# Short function words that would make unrelated headlines look alike.
FUNCTION_WORDS = frozenset(
    {
        "about",
        "after",
        "also",
        "amid",
        "been",
        "before",
        "from",
        "have",
        "into",
        "more",
        "over",
        "says",
        "said",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "will",
        "would",
        "your",
    }
)
MAX_FRAGMENT_WORDS = 3


def headline_like(line: str) -> bool:
    """A line that can be a headline on its own.

    >>> headline_like("Harbour authority approves new ferry terminal")
    True
    >>> headline_like("Jane Doe")  # a byline: too short
    False
    >>> headline_like("Crowds in Lyon on Sunday. Photo: A. Martin/AFP")  # a caption
    False
    >>> headline_like("Updated: March 3, 2021 10:15 AM")
    False
    >>> headline_like("This article was first published on Harbour Times")  # a footer
    False
    """
    text = line.strip().replace("\u00a0", " ").strip()
    if not text or len(text) > 250:
        return False
    if appeared_first(text):  # a republisher's footer closes the article above it
        return False
    words = text.split()
    if not MIN_HEADLINE_WORDS <= len(words) <= MAX_HEADLINE_WORDS:
        return False
    first = text[0]
    if first.islower() or not (first.isalnum() or first in "\"'“‘«¡¿"):
        return False
    core = text.rstrip(TRAILING_QUOTES + " ")
    if not core:
        return False
    if core[-1] in TERMINAL:
        short_question = core[-1] == "?" and core == text and len(words) <= QUESTION_HEADLINE_WORDS
        short_abbreviation = ABBREVIATION_END.search(core) and len(words) <= 15
        if not (short_question or short_abbreviation):
            return False
    if INNER_SENTENCE.search(text) or QUOTATION.search(text) or STAMP.search(text):
        return False
    if core[0] in OPENING_QUOTES and text[-1] in CLOSING_QUOTES:
        return False  # one quotation on its own line: a pull quote or a quoted subheading
    return not SEPARATOR.fullmatch(text)


def wire_headline(line: str, next_line: str) -> bool:
    """An unindented title directly above an indented first paragraph (wire story format).

    The title is in capitals, or the paragraph opens with a dateline (`CITY, Mon 26 - `); an
    unindented body line above an ordinary indented paragraph is neither.

    >>> wire_headline("STORM CLOSES MOUNTAIN PASS", "    DENVER, March 3 - Heavy snow ...")
    True
    >>> wire_headline("Storm closes mountain pass", "    Denver, march 3 - Heavy snow ...")
    True
    >>> wire_headline("STORM CLOSES MOUNTAIN PASS", "Heavy snow kept the pass closed.")
    False
    >>> wire_headline("kept the pass closed until noon.", "    The state police said ...")
    False
    """
    if not line or line[0].isspace() or not next_line[:1].isspace() or not next_line.strip():
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4 or len(line.split()) < 2:
        return False
    upper = sum(1 for c in letters if c.isupper())
    if upper / len(letters) >= 0.8:
        return True
    return line[0].isupper() and WIRE_DATELINE.match(next_line) is not None


def _stems(line: str) -> set[str]:
    words = re.findall(r"\p{L}[\p{L}\d]*", line.lower())
    return {w[:STEM] for w in words if len(w) >= STEM and w not in FUNCTION_WORDS}


def same_story(first: str, second: str) -> bool:
    """Two stacked headlines of one article: a republisher's own above the original.

    Republishers reword the original headline but keep its key words, so the shorter headline's
    content-word stems mostly recur in the other. A byline under a headline never pairs.

    >>> same_story("Harbour board backs ferry plan, angering locals",
    ...            "Harbour authority approves new ferry terminal | Jane Doe | XY")
    True
    >>> same_story("Harbour authority approves new ferry terminal",
    ...            "Mountain pass closed for a third day")
    False
    """
    if BYLINE_SHAPE.match(second.strip()):
        return False
    a, b = _stems(first), _stems(second)
    shared = len(a & b)
    return shared >= 2 and shared >= SAME_STORY_SHARE * min(len(a), len(b))


def _fragment(line: str) -> bool:
    """A few words without a sentence end: a byline or a navigation label, not yet the body.

    >>> _fragment("Jane Doe"), _fragment("Site Navigation"), _fragment("He left.")
    (True, True, False)
    """
    return len(line.split()) <= MAX_FRAGMENT_WORDS and line.rstrip()[-1:] not in TERMINAL


def split_dump(
    text: str | Iterable[str],
    source: str,
    *,
    split_on: str | None = None,
    max_article_bytes: int | None = None,
) -> Iterator[Document]:
    """Yield the articles of a dump in order, each with its source line span.

    `text` is the whole dump, or its lines without line ends (`io.TextStream.lines()`, so a large
    dump is never held whole). Line ends are normalised first (CRLF and a lone CR both end a
    line, as `io` counts them), so `Document.lines` and `line_numbers` are 1-based lines of the
    input. Separator lines are
    dropped as separators: they belong to no article and are recorded nowhere. Every other
    non-blank line lands in exactly one article.

    >>> dump = "The first story is here\\n\\nBody one.\\n\\nThe second story is here\\n\\nBody two."
    >>> [(d.lines, d.text.split(chr(10))[0]) for d in split_dump(dump, "x.txt")]
    [((1, 3), 'The first story is here'), ((5, 7), 'The second story is here')]

    An article over `max_article_bytes` (UTF-8, line ends counted) is given out in parts as it
    is read, so that one endless article never fills memory: a part ends at the last blank
    line (a paragraph boundary) that keeps it under the cap, at a line boundary where there is
    none, and a single line over the cap is cut at the cap. Each part is an article of its own,
    marked `meta["split_oversize"] = {"part": k, "reason": ...}`; nothing is dropped.

    >>> body = "\\n".join(f"Line {i} of the text." for i in range(6))
    >>> parts = list(split_dump(body + "\\n\\n" + body, "x.txt", max_article_bytes=150))
    >>> [(d.lines, d.meta["split_oversize"]["part"]) for d in parts]
    [((1, 6), 1), ((8, 13), 2)]
    """
    user_separator = std_re.compile(split_on) if split_on else None
    if isinstance(text, str):
        text = iter_lines(text.replace("\r\n", "\n").replace("\r", "\n"))
    cap = max_article_bytes
    current: list[tuple[int, str]] = []
    heads: list[str] = []  # the article's leading headline lines so far
    has_body = False
    size = 0  # the bytes of `current` (counted under a cap only)
    parts = 0  # parts of the current article given out already, for being over the cap

    def flush() -> Iterator[Document]:
        nonlocal size, parts
        doc = _make_document(current, source, 0 if parts else len(heads))
        if doc is not None:
            if parts and cap is not None:
                doc.meta["split_oversize"] = _part_meta(parts + 1, cap)
            yield doc
        size, parts = 0, 0

    def added(text: str) -> Iterator[Document]:
        """Count a line just added to `current`; give out parts while it is over the cap."""
        nonlocal current, size, parts
        if cap is None:
            return
        size += _size(text) + 1
        while size > cap:
            part, current = _cut(current, cap)
            size = sum(_size(t) + 1 for _, t in current)
            doc = _make_document(part, source, 0 if parts else len(heads))
            if doc is not None:
                parts += 1
                doc.meta["split_oversize"] = _part_meta(parts, cap)
                yield doc

    for previous, (number, raw), following in _neighbours(_numbered(iter(text), cap)):
        line = raw
        if "\f" in line:
            yield from flush()
            current, heads, has_body = [], [], False
            line = line.replace("\f", "")
            if not line.strip():
                continue
        stripped = line.strip()
        if not stripped:
            current.append((number, ""))
            yield from added("")
            continue
        if SEPARATOR.fullmatch(stripped) or (
            user_separator is not None and user_separator.fullmatch(stripped)
        ):
            yield from flush()
            current, heads, has_body = [], [], False
            continue
        standalone = not previous.strip() and not following.strip()
        is_headline = standalone and headline_like(stripped)
        is_wire = wire_headline(line, following)
        if (is_headline or is_wire) and has_body:
            yield from flush()
            current, heads, has_body = [], [], False
        current.append((number, line))
        yield from added(line)
        if has_body:
            continue
        if is_wire and not heads:
            heads.append(stripped)
            has_body = True  # a wire story's body follows on the next line, no blank between
        elif is_headline and (not heads or (len(heads) == 1 and same_story(heads[0], stripped))):
            heads.append(stripped)
        elif not (heads and _fragment(stripped)):
            has_body = True  # a byline or a nav label under the headline is not the body yet
    yield from flush()


def _neighbours(
    lines: Iterator[tuple[int, str]],
) -> Iterator[tuple[str, tuple[int, str], str]]:
    """(previous text, (number, text), following text) for each numbered line; "" before the
    first and after the last.

    >>> list(_neighbours(iter([(1, "a"), (2, "b")])))
    [('', (1, 'a'), 'b'), ('a', (2, 'b'), '')]
    """
    previous = ""
    current = next(lines, None)
    while current is not None:
        following = next(lines, None)
        yield previous, current, following[1] if following is not None else ""
        previous, current = current[1], following


class LinePiece(str):
    """A piece of a long line that goes on in the next item (`io.TextStream.lines` reads a line
    a bounded piece at a time, so one endless line never fills memory)."""

    __slots__ = ()


def _size(text: str) -> int:
    """UTF-8 bytes of `text` (its length where it is ASCII, most lines)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _cut_text(text: str, limit: int) -> tuple[str, str]:
    """`text` cut after at most `limit` UTF-8 bytes, at a character boundary."""
    head = text.encode("utf-8", "surrogatepass")[:limit].decode("utf-8", "ignore")
    return head, text[len(head) :]


def _numbered(lines: Iterator[str], cap: int | None) -> Iterator[tuple[int, str]]:
    """Each line with its 1-based number, `LinePiece`s joined into their line; under a cap, a
    line over it comes as several items of the same number, each under the cap.

    >>> list(_numbered(iter([LinePiece("ab"), LinePiece("cd"), "ef", "g"]), 4))
    [(1, 'abc'), (1, 'def'), (2, 'g')]
    """
    number = 0
    pending = ""
    cut = False  # part of the line being read was given out already
    for raw in lines:
        text = pending + raw if pending else str(raw)
        if cap is not None:
            while _size(text) >= cap:  # room left for its line end
                head, text = _cut_text(text, cap - 1)
                cut = True
                yield number + 1, head
        if isinstance(raw, LinePiece):
            pending = text
            continue
        number += 1
        if text or not cut:
            yield number, text
        pending, cut = "", False
    if pending:
        yield number + 1, pending


def _cut(
    lines: list[tuple[int, str]], cap: int
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """An over-long article's lines as (a part under `cap`, the rest): the part ends at the
    last blank line that keeps it under the cap, or at the last line that does."""
    total, fit, blank = 0, 0, 0
    for index, (_, text) in enumerate(lines):
        total += _size(text) + 1
        if total > cap:
            break
        fit = index + 1
        if index and not text.strip():
            blank = index
    if blank:
        return lines[:blank], lines[blank + 1 :]
    fit = max(fit, 1)
    return lines[:fit], lines[fit:]


def _part_meta(part: int, cap: int) -> dict[str, object]:
    return {
        "part": part,
        "reason": f"article over --max-article-bytes ({cap:,} bytes), split into parts",
    }


def _make_document(numbered: list[tuple[int, str]], source: str, headlines: int) -> Document | None:
    content = [(n, t) for n, t in numbered if t.strip()]
    if not content:
        return None
    first_number, first_text = content[0]
    base = Document(
        id=stable_id(first_number, first_text.strip()),
        text="",
        source=source,
        lines=(first_number, content[-1][0]),
        meta={"headlines": headlines},
    )
    return base.with_lines(numbered)


def iter_lines(text: str) -> Iterator[str]:
    """`text.split("\\n")` without its final empty piece, one line at a time: a list of every
    line of a dump held as much memory again as the dump while it was split."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start:stop]
        start = stop + 1
