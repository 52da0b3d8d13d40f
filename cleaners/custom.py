"""The user's own line rules, given as regexes with a reason (in code or in winnow.toml).

They run after the built-in categories, and their removals carry `custom.<name>` as the rule,
so `winnow explain` and the report show them like any other.

A user's pattern can backtrack for ever on some line (`(a+)+$` on a long run of `a` followed
by another letter): each search has a time limit (`RULE_TIMEOUT`, the `regex` module's
`timeout`). A line that hits it is kept, the rule and the source line are logged and listed in
the article's `meta["rule_timeouts"]`, and the run goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import regex as re

from cleaners.document import Document, Removal
from cleaners.errors import ConfigError
from cleaners.options import CleanOptions, Step
from cleaners.rules import LineRule

log = logging.getLogger(__name__)

NAME = re.compile(r"[a-z][a-z0-9_]*")
# Seconds one custom rule may search one line. A news line takes microseconds even for a long
# pattern; a pattern still searching after a second is backtracking without end.
RULE_TIMEOUT = 1.0


def compile_rules(
    specs: tuple[tuple[str, str, str], ...],
) -> list[tuple[LineRule, re.Pattern[str]]]:
    """Check and compile (name, regex, reason) triples.

    >>> [rule.name for rule, _ in compile_rules((("promo", "^Download our app", "promotion"),))]
    ['custom.promo']
    """
    compiled = []
    for name, pattern, reason in specs:
        if not NAME.fullmatch(name):
            raise ConfigError(f"custom rule name {name!r}: use lower-case letters, digits and _")
        if not reason.strip():
            raise ConfigError(
                f"custom rule {name!r} needs a reason (it is shown for every removal)"
            )
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise ConfigError(
                f"custom rule {name!r}: {pattern!r} is not a valid regex: {exc}"
            ) from exc
        rule = LineRule(f"custom.{name}", reason, _searcher(regex))
        compiled.append((rule, regex))
    return compiled


def _searcher(regex: re.Pattern[str]) -> Callable[[str], bool]:
    """The rule's predicate; raises `TimeoutError` after `RULE_TIMEOUT` seconds on one line."""

    def search(line: str) -> bool:
        return regex.search(line, timeout=RULE_TIMEOUT) is not None

    return search


def make_step(options: CleanOptions) -> Step:
    rules = [
        rule
        for rule, _ in compile_rules(options.custom_rules)
        if rule.name not in options.disabled_rules
    ]

    def custom(doc: Document) -> Document:
        kept: list[tuple[int, str]] = []
        removed: list[Removal] = []
        timeouts: list[dict[str, object]] = []
        for number, line in doc.numbered_lines():
            rule = _first_match(rules, line, number, doc.source, timeouts)
            if rule is None:
                kept.append((number, line))
            else:
                removed.append(Removal(text=line, reason=rule.reason, rule=rule.name, line=number))
        if not removed and not timeouts:
            return doc
        meta = doc.meta
        if timeouts:
            meta = {**meta, "rule_timeouts": [*meta.get("rule_timeouts", []), *timeouts]}
        return doc.with_lines(kept, removed, meta=meta)

    return custom


def _first_match(
    rules: list[LineRule], line: str, number: int, source: str, timeouts: list[dict[str, object]]
) -> LineRule | None:
    """The first rule that finds `line`; a rule that runs out of time is noted and skipped."""
    stripped = line.strip()
    if not stripped:
        return None
    for rule in rules:
        try:
            if rule.predicate(stripped):
                return rule
        except TimeoutError:
            timeouts.append({"rule": rule.name, "line": number})
            log.warning(
                "%s: rule %s gave up after %g s on line %d (the line is kept): %.80s",
                source,
                rule.name,
                RULE_TIMEOUT,
                number,
                stripped,
            )
    return None
