"""A category's line rules applied to a whole `lines` table at once (see `cleaners.batch`).

The same decisions as `RuleSet.step` makes article by article, said over columns: where a line
stands (among the first `TOP_LINES` non-blank lines of its article, the last one, inside a run)
is a window over the article (`cum_sum().over("doc")`), and a rule is tried only on the lines
that its cheap vectorised tests leave: its scope, lines no earlier rule took, its `needs` words
(one `contains_any`), and its `prefilter` expression. What a rule's predicate still has to see
in Python is the few lines those tests pass, so the predicate stays the one definition of the
rule (its doctests, `winnow rules`) and the table gives exactly what the article steps give
(`tests/test_batch.py` compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from cleaners.chars import PY_WHITESPACE, folds_differently, past_ascii
from cleaners.document import Removal
from cleaners.prefilters import HoldingWords
from cleaners.rules import RUN_LINES, TOP_LINES, LineRule, Prefilter, RuleSet

Mask = npt.NDArray[np.bool_]

NO_RULE = -1

# The fold class is built (about 0.07 s) where the rules load, once: the workers forked from a
# fork server that loaded them inherit it instead of each building it on its first batch.
folds_differently()


def stripped(text: pl.Series) -> pl.Series:
    """`str.strip()` of every line, as the rules' predicates see it (polars' own whitespace
    set differs from Python's: `cleaners.chars`)."""
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


@dataclass(frozen=True, slots=True)
class WordScan:
    """Which of many rules' words (`HoldingWords`) each line of one column holds, found in one
    Aho-Corasick scan for all of them: each rule's word test is then a lookup among the lines
    that scan found, instead of two scans of every byte per rule (its words, and the
    characters that fold past ASCII)."""

    words: frozenset[str]
    may_hold: Mask  # holds one of `words`, or a character that folds past ASCII
    folds: Mask  # holds a character that folds past ASCII: every word test lets it through
    found_rows: npt.NDArray[np.int64]  # each (row, word) found, as two aligned arrays
    found_words: npt.NDArray[np.int64]  # index in `vocabulary`
    vocabulary: dict[str, int]

    @classmethod
    def of(cls, text: pl.Series, rules: Iterable[LineRule]) -> WordScan:
        words = frozenset(
            word
            for rule in rules
            for test in _tests(rule)
            if isinstance(test, HoldingWords)
            for word in test.words
        )
        vocabulary = {word: k for k, word in enumerate(sorted({_ascii_lower(w) for w in words}))}
        none = np.zeros(0, dtype=np.int64)
        if not words:
            everything = np.ones(len(text), dtype=np.bool_)
            return cls(words, everything, everything, none, none, vocabulary)
        # every occurrence of every word, overlapping ones too ("share" inside "shares on")
        found = text.str.extract_many(sorted(words), ascii_case_insensitive=True, overlapping=True)
        counts = found.list.len().fill_null(0).to_numpy()
        matches = found.explode().drop_nulls()
        found_rows = np.repeat(np.arange(len(text), dtype=np.int64), counts)
        # a match is spelled as the line has it: ASCII lower-casing gives back the word
        spelled = matches.unique().to_list()
        as_word = {s: vocabulary[_ascii_lower(s)] for s in spelled}
        found_words = matches.replace_strict(as_word, return_dtype=pl.Int64).to_numpy()
        may_hold = np.zeros(len(text), dtype=np.bool_)
        may_hold[found_rows] = True
        # only a line past ASCII can hold a character that folds past it: the cheap length
        # test spares the regex nearly every line
        folds = np.zeros(len(text), dtype=np.bool_)
        wide = np.flatnonzero(past_ascii(text))
        if len(wide):
            folded = text.gather(wide).str.contains(folds_differently()).fill_null(False)
            folds[wide[folded.to_numpy()]] = True
        return cls(words, may_hold | folds, folds, found_rows, found_words, vocabulary)

    def holding(self, test: HoldingWords) -> Mask:
        """`test` on every line of the column, from the scan (its words are among `words`)."""
        ids = [self.vocabulary[_ascii_lower(word)] for word in test.words]
        out: Mask = self.folds.copy()
        out[self.found_rows[np.isin(self.found_words, ids)]] = True
        return out

    def narrowed(self, rule: LineRule, candidates: Mask) -> tuple[Mask, list[Prefilter]]:
        """`candidates` without the lines that fail `rule`'s first word test the scan
        answers, and the rule's tests left to run."""
        tests = _tests(rule)
        for k, test in enumerate(tests):
            if isinstance(test, HoldingWords) and self.words.issuperset(test.words):
                out: Mask = candidates & self.holding(test)
                return out, tests[:k] + tests[k + 1 :]
        return candidates, tests


def _ascii_lower(text: str) -> str:
    """`text` with its ASCII letters lower-cased and every other character as it is: how an
    ASCII case-insensitive scan compares."""
    return text.encode("utf-8").lower().decode("utf-8")


def hits(rule: LineRule, text: pl.Series, candidates: Mask, scan: WordScan | None = None) -> Mask:
    """Where `rule` fires among the `candidates` rows of the stripped `text`, as
    `rule.may_fire(line.casefold()) and rule.predicate(line)` would say for each.

    Each test runs on the rows the tests before it left, cheapest first (its `needs` words, its
    prefilters in order, then its `expr` or its predicate): the later rules of a category see
    only the lines no earlier rule took, and a regex costs in proportion to the bytes it scans.
    `scan`, where given for `text`, first takes out the lines holding none of the rule's words.
    Where most rows are candidates the first test reads the column in place: a copy of nearly
    all the text for each rule had cost more than the test.
    """
    if scan is not None:
        candidates, tests = scan.narrowed(rule, candidates)
    else:
        tests = _tests(rule)
    found = np.zeros(len(text), dtype=np.bool_)
    rows = np.flatnonzero(candidates)
    if tests and len(rows) * 2 > len(text):
        # most rows are candidates: the first (cheap) test scans the column as it is, rather
        # than after a copy of nearly all of it
        whole = pl.DataFrame({"text": text})
        first = whole.with_columns(tests.pop(0)(pl.col("text")).fill_null(False).alias("p"))
        rows = np.flatnonzero(candidates & first["p"].to_numpy())
    subset = pl.DataFrame({"text": text.gather(rows)})
    for test in tests:
        if len(rows) == 0:
            return found
        keep = _passing(subset, test, once_each=test is rule.expr)
        rows, subset = rows[keep.to_numpy()], subset.filter(keep)
    if rule.expr is not None or len(rows) == 0:
        found[rows] = True
        return found
    predicate, needs = rule.predicate, bool(rule.needs)
    answers = [
        (not needs or rule.may_fire(line.casefold())) and predicate(line)
        for line in subset["text"].to_list()
    ]
    found[rows[np.asarray(answers, dtype=np.bool_)]] = True
    return found


def _passing(frame: pl.DataFrame, test: Prefilter, *, once_each: bool) -> pl.Series:
    """Whether each line of `frame` passes `test`. `once_each`: through the lazy engine, which
    computes a part the expression uses more than once (a line's word count) once; it costs
    more than it saves on a test without such parts."""
    passing = test(pl.col("text")).fill_null(False).alias("p")  # a literal is broadcast
    if once_each:
        return frame.lazy().with_columns(passing).collect()["p"]
    return frame.with_columns(passing)["p"]


def _tests(rule: LineRule) -> list[Prefilter]:
    """The column tests of `rule`, in the order they narrow the rows."""
    tests: list[Prefilter] = []
    if rule.needs:
        # A line without a character that casefolding changes beyond ASCII lower-casing holds
        # a needs word casefolded exactly when a case-insensitive ASCII scan finds it; the other
        # lines (casefold can make "ﬁ" into "fi", "ß" into "ss") go to the predicate's check.
        tests.append(HoldingWords(rule.needs))
    tests.extend(rule.prefilters())
    if rule.expr is not None:
        tests.append(rule.expr)
    return tests


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
    scan = WordScan.of(text, rules)
    for index, rule in enumerate(rules):
        if rule.scope == "run":
            continue
        open_rows = where[rule.scope] & (chosen == NO_RULE)
        chosen[hits(rule, text, open_rows, scan)] = index
    in_runs = np.full(len(text), NO_RULE, dtype=np.int64)
    rows = np.flatnonzero(content)  # blank lines neither count nor break a run
    for index, rule in enumerate(rules):
        if rule.scope != "run":
            continue
        matched = hits(rule, text, content, scan) & (in_runs == NO_RULE)
        in_runs[rows[long_runs(matched[rows], docs[rows], RUN_LINES)]] = index
    return np.where(chosen == NO_RULE, in_runs, chosen)


def long_runs(on: Mask, docs: npt.NDArray[np.uint32], least: int) -> Mask:
    """The rows of `on` inside a run of at least `least` consecutive rows of one article
    (the rows are grouped by article, in order)."""
    if len(on) == 0:
        return on
    starts = np.ones(len(on), dtype=np.bool_)
    starts[1:] = (on[1:] != on[:-1]) | (docs[1:] != docs[:-1])
    run_id = np.cumsum(starts) - 1
    out: Mask = on & (np.bincount(run_id)[run_id] >= least)
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
