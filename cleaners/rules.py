"""Rule registries and the one helper through which every line-level drop goes.

A category file (captions, boilerplate, footers, ...) declares its rules with `@line_rule` into
its own `RuleSet`; the category's step applies every rule registered there, so adding a rule is
one function plus its test and nothing else changes. `winnow rules` reads the same registries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import polars as pl

from cleaners.document import Document, Removal, category_of

LinePredicate = Callable[[str], bool]
# An expression over a column of stripped lines that is True wherever the rule's predicate may
# be (a necessary condition, never a sufficient one): the columnar engine (`cleaners.rule_table`)
# calls the predicate only on the rows it passes.
Prefilter = Callable[[pl.Expr], pl.Expr]


# Where in an article a rule may fire: anywhere, among the first TOP_LINES non-blank lines
# (bylines, datelines sit there), on the last non-blank line (wire sign-offs), or only on lines
# in a run of at least RUN_LINES consecutive non-blank lines that all match (menus, link lists:
# one short line between paragraphs is a subheading, ten in a row are navigation; wire tables
# of dividends and prices run to four).
SCOPES = ("any", "top", "last", "run")
TOP_LINES = 4
RUN_LINES = 5


@dataclass(frozen=True, slots=True)
class LineRule:
    """A named predicate over one stripped line: True means the line is removed."""

    name: str  # "captions.photo_credit"
    reason: str  # "photo caption"
    predicate: LinePredicate
    doc: str = ""
    scope: str = "any"
    # Casefolded strings of which a line must hold one for the predicate to be True (empty: no
    # such words). A step checks them on the casefolded line before calling the predicate: one
    # substring scan in C instead of a case-insensitive regex trying every position of a
    # paragraph (30-120 us per line each for the slowest rules). tests/test_rules.py checks, for
    # every example line of every rule, that no line the predicate accepts lacks them.
    needs: tuple[str, ...] = ()
    # one test, or several run in turn on the rows the one before left (cheapest first)
    prefilter: Prefilter | tuple[Prefilter, ...] | None = None
    # The predicate itself as an expression over a column of stripped lines (Rust regex and
    # polars string kernels): where given, the columnar engine asks no Python at all, and
    # tests/test_rules.py holds the two equal on every example line and on arbitrary text.
    expr: Prefilter | None = None

    def prefilters(self) -> tuple[Prefilter, ...]:
        if self.prefilter is None:
            return ()
        return self.prefilter if isinstance(self.prefilter, tuple) else (self.prefilter,)

    def may_fire(self, folded: str) -> bool:
        """False when `folded` (the casefolded line) holds none of `needs`: the rule cannot fire."""
        if not self.needs:
            return True
        for word in self.needs:  # noqa: SIM110 (a loop, not any(): this runs for every line)
            if word in folded:
                return True
        return False

    @property
    def category(self) -> str:
        return category_of(self.name)


ANY = frozenset({"any"})


@dataclass(slots=True)
class RuleSet:
    """The rules of one category, in registration order."""

    category: str
    rules: list[LineRule] = field(default_factory=list)
    _active: dict[tuple[frozenset[str], frozenset[str], int], tuple[LineRule, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def line_rule(
        self,
        name: str,
        *,
        reason: str,
        scope: str = "any",
        needs: tuple[str, ...] = (),
        prefilter: Prefilter | tuple[Prefilter, ...] | None = None,
        expr: Prefilter | None = None,
    ) -> Callable[[LinePredicate], LinePredicate]:
        """Register a `str -> bool` predicate as a rule of this category."""
        if not name.startswith(self.category + "."):
            raise ValueError(f"rule {name!r} must start with {self.category + '.'!r}")
        if scope not in SCOPES:
            raise ValueError(f"scope {scope!r} of rule {name!r} is not one of {SCOPES}")
        if expr is not None and needs:
            raise ValueError(f"rule {name!r}: an expr rule says its needs in the expr")

        def register(predicate: LinePredicate) -> LinePredicate:
            if any(rule.name == name for rule in self.rules):
                raise ValueError(f"rule {name!r} is registered twice")
            doc = (predicate.__doc__ or "").strip().split("\n", 1)[0]
            if any(word != word.casefold() for word in needs):
                raise ValueError(f"rule {name!r}: needs words must be casefolded")
            self.rules.append(
                LineRule(name, reason, predicate, doc, scope, tuple(needs), prefilter, expr)
            )
            return predicate

        return register

    def first_match(
        self,
        line: str,
        disabled: frozenset[str] = frozenset(),
        scopes: frozenset[str] = ANY,
    ) -> LineRule | None:
        stripped = line.strip()
        if not stripped:
            return None
        return _first(self.active(disabled, scopes), stripped)

    def active(self, disabled: frozenset[str], scopes: frozenset[str]) -> tuple[LineRule, ...]:
        """The rules that may fire in `scopes` and are not `disabled`, in registration order.

        Cached per (disabled, scopes, rule count): a step asks this for every line, and
        filtering all rules by scope and name each time was about a tenth of a profiled clean.
        """
        key = (disabled, scopes, len(self.rules))
        found = self._active.get(key)
        if found is None:
            found = tuple(r for r in self.rules if r.scope in scopes and r.name not in disabled)
            self._active[key] = found
        return found

    def step(
        self, disabled: frozenset[str] = frozenset(), see_through: LinePredicate | None = None
    ) -> Callable[[Document], Document]:
        """A pipeline step that drops every line one of these rules matches where it may fire.

        `see_through`: stripped lines a later step removes anyway (footers); such a line breaks
        no run, and counts in one only where the run's rule matches it too. Why: a run the
        first clean leaves must not be one the second clean, without those lines, finds; a
        run such a line completes goes whole in the first clean."""
        # the rules for each place a line can stand: (among the top lines, the last line)
        by_place = {
            (top, last): self.active(
                disabled,
                frozenset({"any"} | ({"top"} if top else set()) | ({"last"} if last else set())),
            )
            for top in (False, True)
            for last in (False, True)
        }

        def apply(doc: Document) -> Document:
            lines = doc.text_lines()
            content = [i for i, line in enumerate(lines) if line.strip()]
            top = set(content[:TOP_LINES])
            last = content[-1] if content else -1
            in_runs = self._runs(lines, content, disabled, see_through)
            position = iter(range(len(lines)))

            def match(line: str) -> LineRule | None:
                i = next(position)
                stripped = line.strip()
                if stripped:
                    found = _first(by_place[(i in top, i == last)], stripped)
                    if found is not None:
                        return found
                return in_runs.get(i)

            return drop_matching(doc, match)

        apply.__name__ = f"{self.category}_step"
        return apply

    def _runs(
        self,
        lines: list[str],
        content: list[int],
        disabled: frozenset[str],
        see_through: LinePredicate | None = None,
    ) -> dict[int, LineRule]:
        """Line positions that lie in a long enough run of one run-scoped rule's matches; a line
        `see_through` accepts and the rule does not match neither breaks a run nor counts in
        it."""
        hits: dict[int, LineRule] = {}
        for rule in self.rules:
            if rule.scope != "run" or rule.name in disabled:
                continue
            run: list[int] = []
            for i in [*content, -1]:
                if i >= 0 and i not in hits and rule.predicate(lines[i].strip()):
                    run.append(i)
                    continue
                if i >= 0 and see_through is not None and see_through(lines[i].strip()):
                    continue
                if len(run) >= RUN_LINES:
                    hits.update((j, rule) for j in run)
                run = []
        return hits


def _first(rules: Sequence[LineRule], stripped: str) -> LineRule | None:
    """The first of `rules` that fires on the stripped, non-blank line."""
    folded = None  # casefolded once, when the first rule with `needs` asks
    for rule in rules:
        if rule.needs:
            if folded is None:
                folded = stripped.casefold()
            if not rule.may_fire(folded):
                continue
        if rule.predicate(stripped):
            return rule
    return None


ALL_RULESETS: dict[str, RuleSet] = {}


def ruleset(category: str) -> RuleSet:
    """The registry of one category (made on first use)."""
    return ALL_RULESETS.setdefault(category, RuleSet(category))


def iter_rules() -> Iterator[LineRule]:
    """Every rule of every category, the rule modules imported first (a run's main process
    need not import them: its workers clean)."""
    import cleaners.pipeline  # noqa: F401  registers every category's rules

    for category in sorted(ALL_RULESETS):
        yield from ALL_RULESETS[category].rules


def drop_matching(doc: Document, match: Callable[[str], LineRule | None]) -> Document:
    """Drop each line for which `match` names a rule, recording a `Removal` for it."""
    kept: list[tuple[int, str]] = []
    removed: list[Removal] = []
    for number, text in doc.numbered_lines():
        rule = match(text)
        if rule is None:
            kept.append((number, text))
        else:
            removed.append(Removal(text=text, reason=rule.reason, rule=rule.name, line=number))
    if not removed:
        return doc
    return doc.with_lines(kept, removed)


def drop_lines(doc: Document, predicate: LinePredicate, *, rule: str, reason: str) -> Document:
    """Drop every non-blank line `predicate` accepts, recording `rule` and `reason` for each."""
    named = LineRule(rule, reason, predicate)
    return drop_matching(doc, lambda line: named if line.strip() and predicate(line) else None)


def drop_indices(doc: Document, indices: set[int], *, rule: str, reason: str) -> Document:
    """Drop the lines at these positions of `doc.text_lines()` (for context-aware rules)."""
    if not indices:
        return doc
    kept: list[tuple[int, str]] = []
    removed: list[Removal] = []
    for i, (number, text) in enumerate(doc.numbered_lines()):
        if i in indices and text.strip():
            removed.append(Removal(text=text, reason=reason, rule=rule, line=number))
        else:
            kept.append((number, text))
    return doc.with_lines(kept, removed)
