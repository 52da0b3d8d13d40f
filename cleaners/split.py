"""One concatenated dump -> one `Document` per article.

Scraped dumps have no markup, so boundaries are read from structure alone:

- a *headline*: a line standing alone between paragraph breaks, 4-20 words, starting with a
  capital (or digit or quote), without closing sentence punctuation, holding one phrase rather
  than sentences, and not a timestamp. It starts a new article once the current one has a body.
  A republisher's headline directly above the original one is the same article: a headline that
  follows a headline (no body between) joins it;
- a *wire headline*: an unindented line in capitals followed by an indented line (the wire
  format: `TITLE` then `    CITY, Feb 26 - ...`), which needs no blank lines around it;
- an explicit *separator*: a line of three or more `-`, `=`, `_`, `*`, `~`, `#` or `•`, a form
  feed, or a whole line matching the user's `split_on` regex. Separator lines end an article and
  belong to none (they are dropped as separators, not recorded as removals).

A standalone byline ("Jane Doe"), a two-word subheading or a caption made of sentences never
starts an article. `meta["headlines"]` says how many leading lines are headlines (2 when a
republisher headline stands above the original), for `cleaners.headlines` to use.
"""

from __future__ import annotations

import re as std_re
from collections.abc import Iterator

import regex as re

from cleaners.document import Document, stable_id

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
INNER_SENTENCE = re.compile(
    rf"\b(?!(?:{ABBREVIATIONS})\.)[A-Za-z\d]*[a-z\d]{{2}}[.!?][\"'”’)]* +[A-Z]"
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
    """
    text = line.strip().replace("\u00a0", " ").strip()
    if not text or len(text) > 250:
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
    return not SEPARATOR.fullmatch(text)


def wire_headline(line: str, next_line: str) -> bool:
    """An unindented capitals line directly above an indented one (wire story format).

    >>> wire_headline("STORM CLOSES MOUNTAIN PASS", "    DENVER, March 3 - Heavy snow ...")
    True
    >>> wire_headline("STORM CLOSES MOUNTAIN PASS", "Heavy snow kept the pass closed.")
    False
    """
    if not line or line[0].isspace() or not next_line[:1].isspace() or not next_line.strip():
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper / len(letters) >= 0.8 and len(line.split()) >= 2


def _byline_shaped(line: str) -> bool:
    """A line under a headline that is a byline, not a second headline."""
    text = line.strip()
    if BYLINE_SHAPE.match(text):
        return True
    words = text.split()
    return len(words) <= 4 and all(w[:1].isupper() for w in words)


def split_dump(text: str, source: str, *, split_on: str | None = None) -> Iterator[Document]:
    """Yield the articles of a dump in order, each with its source line span.

    >>> dump = "The first story is here\\n\\nBody one.\\n\\nThe second story is here\\n\\nBody two."
    >>> [(d.lines, d.text.split(chr(10))[0]) for d in split_dump(dump, "x.txt")]
    [((1, 3), 'The first story is here'), ((5, 7), 'The second story is here')]
    """
    user_separator = std_re.compile(split_on) if split_on else None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    current: list[tuple[int, str]] = []
    has_body = False
    leading_headlines = 0

    def flush() -> Iterator[Document]:
        doc = _make_document(current, source, leading_headlines)
        if doc is not None:
            yield doc

    for index, raw in enumerate(lines):
        number = index + 1
        line = raw
        if "\f" in line:
            yield from flush()
            current, has_body, leading_headlines = [], False, 0
            line = line.replace("\f", "")
            if not line.strip():
                continue
        stripped = line.strip()
        if not stripped:
            current.append((number, ""))
            continue
        if SEPARATOR.fullmatch(stripped) or (
            user_separator is not None and user_separator.fullmatch(stripped)
        ):
            yield from flush()
            current, has_body, leading_headlines = [], False, 0
            continue
        previous = lines[index - 1] if index > 0 else ""
        following = lines[index + 1] if index + 1 < len(lines) else ""
        standalone = not previous.strip() and not following.strip()
        is_headline = standalone and headline_like(stripped)
        is_wire = wire_headline(line, following)
        if (is_headline or is_wire) and has_body:
            yield from flush()
            current, has_body, leading_headlines = [], False, 0
        current.append((number, line))
        if is_wire and not has_body and leading_headlines == 0:
            leading_headlines = 1
            has_body = True  # a wire story's body follows on the next line, no blank between
        elif is_headline and not has_body:
            if leading_headlines == 0 or (leading_headlines == 1 and not _byline_shaped(line)):
                leading_headlines += 1
            elif leading_headlines != 1:  # a byline under one headline is not yet the body
                has_body = True
        else:
            has_body = True
    yield from flush()


def _make_document(numbered: list[tuple[int, str]], source: str, headlines: int) -> Document | None:
    content = [(n, t) for n, t in numbered if t.strip()]
    if not content:
        return None
    first_number, first_text = content[0]
    base = Document(
        id=stable_id(source, first_number, first_text.strip()),
        text="",
        source=source,
        lines=(first_number, content[-1][0]),
        meta={"headlines": headlines},
    )
    return base.with_lines(numbered)
