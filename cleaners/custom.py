"""The user's own line rules, given as regexes with a reason (in code or in winnow.toml).

They run after the built-in categories, and their removals carry `custom.<name>` as the rule,
so `winnow explain` and the report show them like any other.
"""

from __future__ import annotations

from collections.abc import Callable

import regex as re

from cleaners.document import Document
from cleaners.errors import ConfigError
from cleaners.options import CleanOptions, Step
from cleaners.rules import LineRule, drop_matching

NAME = re.compile(r"[a-z][a-z0-9_]*")


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
    def search(line: str) -> bool:
        return regex.search(line) is not None

    return search


def make_step(options: CleanOptions) -> Step:
    rules = [
        rule
        for rule, _ in compile_rules(options.custom_rules)
        if rule.name not in options.disabled_rules
    ]

    def custom(doc: Document) -> Document:
        def match(line: str) -> LineRule | None:
            stripped = line.strip()
            if not stripped:
                return None
            return next((rule for rule in rules if rule.predicate(stripped)), None)

        return drop_matching(doc, match)

    return custom
