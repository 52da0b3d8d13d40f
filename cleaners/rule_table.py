"""A category's line rules applied to a whole `lines` table at once (see `cleaners.batch`).

The same decisions as `RuleSet.step` makes article by article, said over columns: where a line
stands (among the first `TOP_LINES` non-blank lines of its article, the last one, inside a run)
is a window over the article (`cum_sum().over("doc")`), and a rule is tried only on the lines
that its cheap vectorised tests leave: its scope, lines no earlier rule took, its `needs` words
(one `contains_any`), and its `prefilter` expression. What a rule's predicate still has to see
in Python is the few lines those tests pass, so the predicate stays the one definition of the
rule (its doctests, `winnow rules`) and the table gives exactly what the article steps give
(`tests/test_rule_table.py` compares the two).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from cleaners.document import Removal
from cleaners.rules import RUN_LINES, TOP_LINES, LineRule, RuleSet, fires

Mask = npt.NDArray[np.bool_]

# Every character Python's `str.strip()` strips: the rules see `line.strip()`, and polars'
# own whitespace set differs from Python's (the ASCII separators 0x1C-0x1F, for one).
PY_WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
NO_RULE = -1


def stripped(text: pl.Series) -> pl.Series:
    """`str.strip()` of every line, as the rules' predicates see it."""
    return text.str.strip_chars(PY_WHITESPACE)


def places(lines: pl.DataFrame, content: Mask) -> tuple[Mask, Mask]:
    """(among the first TOP_LINES non-blank lines of its article, its article's last non-blank
    line) for every row of `lines`."""
    frame = pl.DataFrame({"doc": lines["doc"], "content": content})
    rank = frame.select(pl.col("content").cast(pl.UInt32).cum_sum().over("doc"))
    ranks = rank.to_series().to_numpy()
    last_rank = (
        frame.select(pl.col("content").cast(pl.UInt32).sum().over("doc")).to_series().to_numpy()
    )
    top = content & (ranks <= TOP_LINES)
    last = content & (ranks == last_rank)
    return top, last


def hits(rule: LineRule, text: pl.Series, candidates: Mask) -> Mask:
    """Where `rule` fires among the `candidates` rows of the stripped `text`, as
    `rule.may_fire(line.casefold()) and rule.predicate(line)` would say for each."""
    found = np.zeros(len(text), dtype=np.bool_)
    if not candidates.any():
        return found
    tests = pl.Series(candidates)
    if rule.needs:
        # ASCII text casefolds like lower(): the case-insensitive scan is exact there; the other
        # rows go to the predicate's own check (casefold can make "ﬁ" into "fi").
        tests &= text.str.contains_any(list(rule.needs), ascii_case_insensitive=True) | ~(
            text.str.contains(r"^[\x00-\x7f]*$")
        )
    if rule.prefilter is not None:
        frame = pl.DataFrame({"text": text})
        tests &= frame.with_columns(rule.prefilter(pl.col("text")).alias("pass"))["pass"]
    rows = np.flatnonzero(tests.fill_null(False).to_numpy())
    if len(rows) == 0:
        return found
    predicate, needs = rule.predicate, bool(rule.needs)
    values = text.gather(rows).to_list()
    answers = [(not needs or rule.may_fire(line.casefold())) and predicate(line) for line in values]
    found[rows[np.asarray(answers, dtype=np.bool_)]] = True
    return found


def first_rules(
    rules: Sequence[LineRule],
    text: pl.Series,
    docs: npt.NDArray[np.uint32],
    content: Mask,
    top: Mask,
    last: Mask,
) -> npt.NDArray[np.int64]:
    """For each row, the index in `rules` of the first rule that fires there (NO_RULE if none).

    Run-scoped rules fire on a line only inside a run of at least RUN_LINES consecutive
    non-blank lines of one article that all match, and only where no rule of another scope
    fired; runs are found rule by rule in order, a line taken by an earlier run rule ending a
    later rule's run."""
    chosen = np.full(len(text), NO_RULE, dtype=np.int64)
    where = {"any": content, "top": top, "last": last}
    for index, rule in enumerate(rules):
        if rule.scope == "run":
            continue
        open_rows = where[rule.scope] & (chosen == NO_RULE)
        chosen[hits(rule, text, open_rows)] = index
    in_runs = np.full(len(text), NO_RULE, dtype=np.int64)
    for index, rule in enumerate(rules):
        if rule.scope != "run":
            continue
        matched = hits(rule, text, content) & (in_runs == NO_RULE)
        in_runs[_long_runs(matched, content, docs)] = index
    return np.where(chosen == NO_RULE, in_runs, chosen)


def _long_runs(matched: Mask, content: Mask, docs: npt.NDArray[np.uint32]) -> Mask:
    """The rows of `matched` inside a run of at least RUN_LINES consecutive content rows of
    one article that all match (blank rows neither count nor break a run)."""
    rows = np.flatnonzero(content)
    if len(rows) == 0:
        return np.zeros(len(matched), dtype=np.bool_)
    on = matched[rows]
    doc = docs[rows]
    # a new run starts where the match flag or the article changes
    starts = np.ones(len(rows), dtype=np.bool_)
    starts[1:] = (on[1:] != on[:-1]) | (doc[1:] != doc[:-1])
    run_id = np.cumsum(starts) - 1
    lengths = np.bincount(run_id)
    long_rows = on & (lengths[run_id] >= RUN_LINES)
    out = np.zeros(len(matched), dtype=np.bool_)
    out[rows[long_rows]] = True
    return out


def apply_rules(
    lines: pl.DataFrame, rules: RuleSet, disabled: frozenset[str]
) -> tuple[pl.DataFrame, dict[int, list[Removal]]]:
    """`lines` without the rows one of `rules` (not `disabled`) removes, and those removals by
    article position, in line order: what `rules.step(disabled)` does to each article."""
    active = [rule for rule in rules.rules if rule.name not in disabled]
    if not active or lines.height == 0:
        return lines, {}
    text = stripped(lines["text"])
    content = (text.str.len_bytes() > 0).to_numpy()
    top, last = places(lines, content)
    chosen = first_rules(active, text, lines["doc"].to_numpy(), content, top, last)
    gone = chosen != NO_RULE
    if not gone.any():
        return lines, {}
    removed: dict[int, list[Removal]] = {}
    dropped = lines.filter(pl.Series(gone))
    for (position, number, line), index in zip(dropped.iter_rows(), chosen[gone], strict=True):
        rule = active[index]
        removed.setdefault(position, []).append(Removal(line, rule.reason, rule.name, number))
    return lines.filter(pl.Series(~gone)), removed


class RuleAnswers:
    """`fires(rule, line)` for every rule of some rule sets on every distinct line of a batch,
    computed column-wise at once; a line the batch did not hold (a step may rewrite one) or a
    rule not among them is answered by `fires` itself. A `Matcher` for steps that still walk an
    article's lines in Python (`boilerplate.make_step`)."""

    def __init__(self, rule_sets: Sequence[RuleSet], lines: pl.Series) -> None:
        text = stripped(lines).unique(maintain_order=True)
        text = text.filter(text.str.len_bytes() > 0)
        everywhere = np.ones(len(text), dtype=np.bool_)
        self._known = set(text.to_list())
        self._rules = {rule.name for rules in rule_sets for rule in rules.rules}
        self._hits: set[tuple[str, str]] = set()
        for rules in rule_sets:
            for rule in rules.rules:
                rows = np.flatnonzero(hits(rule, text, everywhere))
                self._hits.update((rule.name, line) for line in text.gather(rows).to_list())

    def __call__(self, rule: LineRule, line: str) -> bool:
        if line in self._known and rule.name in self._rules:
            return (rule.name, line) in self._hits
        return fires(rule, line)
