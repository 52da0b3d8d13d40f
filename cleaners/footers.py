"""Republisher footers and lines that recur across the articles of one run.

Heuristics:
- the closing templates auto-republishing sites append (`These were the details of the news
  ... for this day. We hope that we have succeeded ...`, `... the original news has been
  published and is available at ...`), `The post X appeared first on Y`, `This article was
  originally published on ...`, copyright and all-rights-reserved lines;
- learned from the corpus itself: a line whose *shape* (lower-cased, digits and capitalised
  words masked) recurs in many articles of a run is a template (rule `footers.recurring`). A
  line must recur in at least `recurring_min_docs` articles and `recurring_min_share` of them,
  and hold at least four words, so a common short subheading is not learned.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
import regex as re
import xxhash

from cleaners.chars import PY_WHITESPACE, SPACE
from cleaners.cuts import SpanCut, cut_document
from cleaners.document import Document
from cleaners.options import CleanOptions, Step
from cleaners.rules import LineRule, drop_matching, ruleset

RULES = ruleset("footers")

REPUBLISHER_TEMPLATE = re.compile(
    r"^These were the details of the news\b"
    r"|\bwe hope that we have succeeded by giving you\b"
    r"|\bthe original news has been published and is available at\b"
    r"|\bhas confirmed it and it has been modified\b",
    re.IGNORECASE,
)
POST_APPEARED = re.compile(r"^The post .{3,300} appeared first on [^,]{2,120}$")
ORIGINALLY_PUBLISHED = re.compile(
    r"^(?:This (?:article|story|post|piece)|The article) (?:was|is|has been) "
    r"(?:originally |first )?(?:published|posted|republished|reproduced)\b.{0,200}$"
    r"|^(?:First|Originally) published (?:on|at|in)\b[^,]{0,160}(?<!\.)$"
    # the outlet: capitalised words or a domain, nothing after it ("... in The Atlantic in 1955
    # and was later filmed." is a sentence about a story)
    r"|^This (?:article|story|post|piece) (?:originally|first) appeared (?:on|in|at) (?:the )?"
    r"(?:(?-i:[\p{Lu}\d])[\w'’&.-]*|[\w-]+(?:\.[\w-]+)+)(?: (?-i:[\p{Lu}\d&])[\w'’&.-]*){0,6}"
    r"\.?$",
    re.IGNORECASE,
)
COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|Copyright\b)\s*.{0,160}$|^.{0,160}\ball rights reserved\.?$", re.IGNORECASE
)


# One phrase of each REPUBLISHER_TEMPLATE branch.
TEMPLATE_PHRASES = (
    "details of the news",
    "we hope that we have succeeded",
    "original news has been published",
    "has confirmed it and it has been modified",
)


@RULES.line_rule(
    "footers.republisher_template", reason="republisher footer", needs=TEMPLATE_PHRASES
)
def republisher_template(line: str) -> bool:
    """The closing template of auto-republishing sites.

    >>> republisher_template("These were the details of the news Storm hits coast for this "
    ...                      "day. We hope that we have succeeded by giving you the full details.")
    True
    >>> republisher_template("These were the details that the inquiry found most troubling.")
    False
    """
    return REPUBLISHER_TEMPLATE.search(line) is not None


@RULES.line_rule(
    "footers.appeared_first",
    reason="republisher footer",
    prefilter=lambda text: text.str.contains(r"(?i)^(?:the |this |first |originally )"),
)
def appeared_first(line: str) -> bool:
    """Feed footers naming where the post first appeared.

    >>> appeared_first("The post Harbour plan approved appeared first on Harbour Times.")
    True
    >>> appeared_first("This article was originally published on The Conversation.")
    True
    >>> appeared_first("The post office appeared first on the list of closures, he said, and")
    False
    >>> appeared_first("The plan first appeared in a council report in May.")
    False
    >>> appeared_first("This story originally appeared in Harbour Times.")
    True
    >>> appeared_first("This story first appeared in a local paper in 1990, and it grew.")
    False
    >>> appeared_first("This story first appeared in The Atlantic in 1955 and was later filmed.")
    False
    >>> appeared_first("This article first appeared on harbourtimes.example.")
    True
    """
    return bool(POST_APPEARED.match(line) or ORIGINALLY_PUBLISHED.match(line))


COPYRIGHT_MAX_WORDS = 100
COPYRIGHT_LINKS_MAX_WORDS = 25


@RULES.line_rule(
    "footers.copyright",
    reason="copyright notice",
    needs=("©", "(c)", "copyright", "all rights reserved"),
)
def copyright_notice(line: str) -> bool:
    """Copyright lines.

    >>> copyright_notice("© 2024 Harbour Times. All rights reserved.")
    True
    >>> copyright_notice("About us Contact Privacy Policy © Harbour Times 2024")
    True
    >>> copyright_notice("The copyright case reached the court on Monday.")
    False
    """
    if glued_credit(line) is not None:  # the credit is cut as a span, the body stays
        return False
    if len(line) <= 200 and COPYRIGHT.match(line) is not None:
        return True
    # A footer line that opens with the sign runs on into trademark small print; a short line of
    # footer links carries the sign in its middle. Prose has no use for the sign itself.
    words = len(line.split())
    return (line.startswith("©") and words <= COPYRIGHT_MAX_WORDS) or (
        "©" in line and words <= COPYRIGHT_LINKS_MAX_WORDS
    )


# A picture or syndication credit glued to the front of the lead paragraph when a page is
# flattened: "© Provided by <outlet> <the paragraph>". The outlet is a run of capitalised words;
# when the run goes straight on into lower-case words, its last capitalised word opens the
# paragraph ("... Harbour Times The council voted ..."). The rest must read as a paragraph.
GLUED_CREDIT = re.compile(r"^(?:©|\(c\)) ?provided by ", re.IGNORECASE)
CREDIT_CONNECTORS = frozenset({"of", "the", "and", "&", "de", "la", "le", "der", "die", "el"})
CREDIT_MAX_WORDS = 6
GLUED_BODY_MIN_WORDS = 8
SENTENCE_END = (".", "!", "?", '"', "”", "’", ")", "…")


def glued_credit(line: str) -> tuple[str, str] | None:
    """(credit, body) of a line that opens with a glued `© Provided by <outlet>` credit and goes
    on as a paragraph; None for any other line (a credit alone is a copyright line).

    >>> glued_credit("© Provided by Harbour Times The council voted on Monday to build it.")
    ('© Provided by Harbour Times', 'The council voted on Monday to build it.')
    >>> glued_credit("© Provided by Harbour Times") is None
    True
    """
    stripped = line.strip()
    start = GLUED_CREDIT.match(stripped)
    if start is None:
        return None
    words = stripped[start.end() :].split(" ")
    run = 0
    while (
        run < min(len(words), CREDIT_MAX_WORDS + 1)
        and words[run]
        and (words[run][0].isupper() or words[run][0].isdigit() or words[run] in CREDIT_CONNECTORS)
    ):
        run += 1
    if run == 0:
        return None
    if run > 1 and run < len(words) and words[run][:1].islower():
        run -= 1  # the paragraph's first word
    if run > CREDIT_MAX_WORDS:
        return None
    body = " ".join(words[run:]).strip()
    if len(body.split()) < GLUED_BODY_MIN_WORDS or not body.endswith(SENTENCE_END):
        return None
    credit = (stripped[: start.end()] + " ".join(words[:run])).strip()
    return credit, body


GLUED_CREDIT_CUT = SpanCut(
    glued_credit, "copyright notice", "footers.copyright", candidates="(?i)provided by"
)


# --- learned from the run -----------------------------------------------------------------------

RECURRING = LineRule(
    "footers.recurring",
    "recurring boilerplate",
    lambda line: False,
    "A line shape recurring across many articles of one run (learned, not listed).",
    expr=lambda text: pl.lit(False),
)
RULES.rules.append(RECURRING)
MIN_RECURRING_WORDS = 4
LEARNED_BATCH = 1024  # articles whose recurring lines are found at once
SHAPE_SEED = 0x5EED_F007
MASK = re.compile(r"\d+(?:[.,:]\d+)*|\b\p{Lu}[\p{L}'’-]*")
# MASK on ASCII text, where it is the same; Rust regex runs an ASCII word boundary on its fast
# engines, a Unicode one not
ASCII_MASK = r"[0-9]+(?:[.,:][0-9]+)*|(?-u:\b)[A-Z][A-Za-z'-]*"


def shape(line: str) -> str:
    """A line with numbers and capitalised words masked, so a template matches across articles.

    >>> shape("Read 12 more stories from Harbour Times at example.org")
    '# # more stories from # # at example.org'
    """
    masked: str = MASK.sub("#", line.strip())
    return "# " + masked.lower() if masked and not masked.startswith("#") else masked.lower()


def shape_key(line: str) -> int:
    """A 64-bit key of the line's `shape`: what recurring-line learning counts and looks up.

    Keys instead of shape strings keep learning's memory at eight bytes per line, whatever the
    corpus size (the strings cost about as much as the corpus text). Two different shapes share a
    key with probability 2^-64 per pair: at ten million distinct shapes, about one run in 400,000
    would treat one line as recurring that is not. Seeded, so every run agrees.
    """
    return xxhash.xxh3_64_intdigest(shape(line).encode("utf-8", "surrogatepass"), SHAPE_SEED)


@dataclass(frozen=True, slots=True)
class RecurringLines:
    """Keys (`shape_key`) of the line shapes learned to be templates in one run."""

    keys: frozenset[int]

    def __contains__(self, line: str) -> bool:
        return shape_key(line) in self.keys

    def array(self) -> LineKeys:
        """The keys, sorted."""
        return np.fromiter(sorted(self.keys), dtype=np.uint64, count=len(self.keys))


LineKeys = npt.NDArray[np.uint64]


def line_keys(doc: Document) -> LineKeys:
    """The sorted unique shape keys of the article's lines of at least `MIN_RECURRING_WORDS`."""
    keys = np.fromiter(
        (shape_key(line) for line in doc.text_lines() if len(line.split()) >= MIN_RECURRING_WORDS),
        dtype=np.uint64,
    )
    return np.unique(keys)


# a line of at least MIN_RECURRING_WORDS words (`str.split`): anchored, so the scan stops there
ENOUGH_WORDS = f"^[{SPACE}]*(?:[^{SPACE}]+[{SPACE}]+){{{MIN_RECURRING_WORDS - 1}}}[^{SPACE}]"


@dataclass(frozen=True, slots=True)
class KeyedLines:
    """The lines of at least `MIN_RECURRING_WORDS` words of a batch of articles, in order:
    the article each is in (its position in the batch), its text and its `shape_key`."""

    owners: npt.NDArray[np.uint32]
    texts: pl.Series
    keys: LineKeys

    @classmethod
    def of(cls, docs: Sequence[Document]) -> KeyedLines:
        """The words are counted and an ASCII line's shape made by column kernels (Rust
        regex); a line past ASCII takes `shape` itself, since Rust regex's and `regex`'s
        Unicode tables (`\\d`, `\\p{Lu}`) and the two lower-casings may differ there, while on
        ASCII they are the same."""
        lines = (
            pl.DataFrame({"text": [doc.text for doc in docs]}, schema={"text": pl.String})
            .with_row_index("doc")
            .with_columns(pl.col("text").str.split("\n"))
            .explode("text")
            .filter(pl.col("text").str.contains(ENOUGH_WORDS))
        )
        # the mask made once, as a column: an eager frame does not share the parts an
        # expression uses more than once
        masked = pl.col("masked")
        lines = lines.with_columns(
            ascii=pl.col("text").str.len_bytes() == pl.col("text").str.len_chars(),
            masked=pl.col("text").str.strip_chars(PY_WHITESPACE).str.replace_all(ASCII_MASK, "#"),
        ).with_columns(
            shape=pl.when(masked.str.starts_with("#") | (masked == ""))
            .then(masked)
            .otherwise(pl.lit("# ") + masked)
            .str.to_lowercase(),
        )
        seed = SHAPE_SEED
        keys = np.fromiter(
            (xxhash.xxh3_64_intdigest(shaped.encode(), seed) for shaped in lines["shape"]),
            dtype=np.uint64,
            count=lines.height,
        )
        wide = np.flatnonzero(~lines["ascii"].to_numpy())
        for row, line in zip(wide.tolist(), lines["text"].gather(wide), strict=True):
            keys[row] = shape_key(line)
        return cls(lines["doc"].to_numpy(), lines["text"], keys)


def line_keys_of(docs: Sequence[Document]) -> list[LineKeys]:
    """`line_keys` of each of `docs`, the batch's lines at once (`KeyedLines`)."""
    lines = KeyedLines.of(docs)
    bounds = np.searchsorted(lines.owners, np.arange(len(docs) + 1))
    return [np.unique(lines.keys[a:b]) for a, b in itertools.pairwise(bounds)]


def learns_recurring(n_docs: int, options: CleanOptions) -> bool:
    """Whether a run of `n_docs` articles learns recurring lines at all."""
    return options.footers and options.learn_recurring and n_docs >= options.recurring_min_docs


def recurring_keys(per_doc: Sequence[LineKeys], options: CleanOptions) -> RecurringLines:
    """The keys found in enough of the articles (each article counted once per key)."""
    if not per_doc:
        return RecurringLines(frozenset())
    keys, counts = np.unique(np.concatenate(per_doc), return_counts=True)
    return recurring_of_counts(keys, counts, len(per_doc), options)


def recurring_of_counts(
    keys: LineKeys, counts: npt.NDArray[np.int64], n_docs: int, options: CleanOptions
) -> RecurringLines:
    """The keys counted in enough of `n_docs` articles (`counts[i]` articles hold `keys[i]`):
    the one threshold every executor applies to its merged counts."""
    needed = max(options.recurring_min_docs, options.recurring_min_share * n_docs)
    return RecurringLines(frozenset(int(k) for k in keys[counts >= needed]))


def learn_recurring(docs: Sequence[Document], options: CleanOptions) -> RecurringLines:
    """Shapes of lines that recur in many articles (each article counted once per shape)."""
    return recurring_keys([line_keys(doc) for doc in docs], options)


def remove_learned(
    docs: list[Document], options: CleanOptions, per_doc: Sequence[LineKeys] | None = None
) -> list[Document]:
    """Learn the recurring shapes of `docs` and drop them (see `learned_changes`)."""
    out = list(docs)
    for position, changed in learned_changes(docs, options, per_doc):
        out[position] = changed
    return out


def learned_changes(
    docs: Sequence[Document], options: CleanOptions, per_doc: Sequence[LineKeys] | None = None
) -> Iterator[tuple[int, Document]]:
    """Learn the recurring shapes of `docs`; yield (position, new article) for each article
    holding one, visiting only those.

    Most articles hold no template line; their keys, computed once for learning, say so, and
    they are not read again (for the runner they are on disk) nor have every line's shape
    computed again. `per_doc[i]`, where given, must be `line_keys(docs[i])` (the runner's
    workers compute them).
    """
    if per_doc is None:
        per_doc = [line_keys(doc) for doc in docs]
    elif len(per_doc) != len(docs):
        raise ValueError(f"{len(per_doc)} line key arrays for {len(docs)} documents")
    wanted = recurring_keys(per_doc, options).array()
    holding = holding_recurring(per_doc, wanted)
    if "footers.recurring" in options.disabled_rules:
        for position in holding:
            yield position, docs[position]
        return
    for at in range(0, len(holding), LEARNED_BATCH):
        positions = holding[at : at + LEARNED_BATCH]
        changed = drop_recurring_lines([docs[position] for position in positions], wanted)
        yield from zip(positions, changed, strict=True)


def holding_recurring(per_doc: Sequence[LineKeys], wanted: LineKeys) -> list[int]:
    """The positions of the articles whose keys (`per_doc`) hold one of the sorted `wanted`."""
    if not len(wanted) or not per_doc:
        return []
    owners = np.repeat(np.arange(len(per_doc)), [len(keys) for keys in per_doc])
    found: list[int] = np.unique(owners[np.isin(np.concatenate(per_doc), wanted)]).tolist()
    return found


def drop_recurring_lines(docs: Sequence[Document], wanted: LineKeys) -> list[Document]:
    """Each of `docs` without its lines whose shape key is one of `wanted` (rule
    `footers.recurring`): decided for the batch at once, since the verdict depends on a line's
    text alone."""
    lines = KeyedLines.of(docs)
    hit = np.isin(lines.keys, wanted)
    found: dict[int, set[str]] = {}
    for owner, text in zip(lines.owners[hit].tolist(), lines.texts.filter(hit), strict=True):
        found.setdefault(owner, set()).add(text)
    return [_drop_recurring(doc, found.get(owner, set())) for owner, doc in enumerate(docs)]


def _drop_recurring(doc: Document, texts: set[str]) -> Document:
    """`doc` without its lines whose text is one of `texts` (its recurring lines)."""
    return drop_matching(doc, lambda line: RECURRING if line in texts else None)


def make_step(options: CleanOptions, recurring: RecurringLines | None = None) -> Step:
    if recurring is not None:
        if "footers.recurring" in options.disabled_rules or not recurring.keys:
            return lambda doc: doc

        def drop_recurring(doc: Document) -> Document:
            return drop_matching(
                doc,
                lambda line: (
                    RECURRING
                    if len(line.split()) >= MIN_RECURRING_WORDS and line in recurring
                    else None
                ),
            )

        return drop_recurring
    rules = RULES.step(options.disabled_rules | {"footers.recurring"})
    if "footers.copyright" in options.disabled_rules:
        return rules
    return lambda doc: rules(cut_document(doc, GLUED_CREDIT_CUT))
