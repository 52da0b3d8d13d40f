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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import regex as re

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
    r"|^(?:First|Originally) published (?:on|at|in)\b[^,]{0,160}(?<!\.)$",
    re.IGNORECASE,
)
COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|Copyright\b)\s*.{0,160}$|^.{0,160}\ball rights reserved\.?$", re.IGNORECASE
)


@RULES.line_rule("footers.republisher_template", reason="republisher footer")
def republisher_template(line: str) -> bool:
    """The closing template of auto-republishing sites.

    >>> republisher_template("These were the details of the news Storm hits coast for this "
    ...                      "day. We hope that we have succeeded by giving you the full details.")
    True
    >>> republisher_template("These were the details that the inquiry found most troubling.")
    False
    """
    return REPUBLISHER_TEMPLATE.search(line) is not None


@RULES.line_rule("footers.appeared_first", reason="republisher footer")
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
    """
    return bool(POST_APPEARED.match(line) or ORIGINALLY_PUBLISHED.match(line))


COPYRIGHT_MAX_WORDS = 100
COPYRIGHT_LINKS_MAX_WORDS = 25


@RULES.line_rule("footers.copyright", reason="copyright notice")
def copyright_notice(line: str) -> bool:
    """Copyright lines.

    >>> copyright_notice("© 2024 Harbour Times. All rights reserved.")
    True
    >>> copyright_notice("About us Contact Privacy Policy © Harbour Times 2024")
    True
    >>> copyright_notice("The copyright case reached the court on Monday.")
    False
    """
    if len(line) <= 200 and COPYRIGHT.match(line) is not None:
        return True
    # A footer line that opens with the sign runs on into trademark small print; a short line of
    # footer links carries the sign in its middle. Prose has no use for the sign itself.
    words = len(line.split())
    return (line.startswith("©") and words <= COPYRIGHT_MAX_WORDS) or (
        "©" in line and words <= COPYRIGHT_LINKS_MAX_WORDS
    )


# --- learned from the run -----------------------------------------------------------------------

RECURRING = LineRule(
    "footers.recurring",
    "recurring boilerplate",
    lambda line: False,
    "A line shape recurring across many articles of one run (learned, not listed).",
)
RULES.rules.append(RECURRING)
MIN_RECURRING_WORDS = 4
MASK = re.compile(r"\d+(?:[.,:]\d+)*|\b\p{Lu}[\p{L}'’-]*")


def shape(line: str) -> str:
    """A line with numbers and capitalised words masked, so a template matches across articles.

    >>> shape("Read 12 more stories from Harbour Times at example.org")
    '# # more stories from # # at example.org'
    """
    masked: str = MASK.sub("#", line.strip())
    return "# " + masked.lower() if masked and not masked.startswith("#") else masked.lower()


@dataclass(frozen=True, slots=True)
class RecurringLines:
    """Line shapes learned to be templates in one run."""

    shapes: frozenset[str]

    def __contains__(self, line: str) -> bool:
        return shape(line) in self.shapes


def learn_recurring(docs: Sequence[Document], options: CleanOptions) -> RecurringLines:
    """Shapes of lines that recur in many articles (each article counted once per shape)."""
    counts: Counter[str] = Counter()
    for doc in docs:
        seen = {
            shape(line) for line in doc.text_lines() if len(line.split()) >= MIN_RECURRING_WORDS
        }
        counts.update(seen)
    needed = max(options.recurring_min_docs, options.recurring_min_share * len(docs))
    return RecurringLines(frozenset(s for s, n in counts.items() if n >= needed))


def make_step(options: CleanOptions, recurring: RecurringLines | None = None) -> Step:
    if recurring is not None:
        if "footers.recurring" in options.disabled_rules or not recurring.shapes:
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
    return RULES.step(options.disabled_rules | {"footers.recurring"})
