"""The boilerplate step (`boilerplate.make_step`) over a whole `lines` table at once.

Each pass does what the article step's pass does, in the same order, for every article still
changing: the page frame (is the text a page, the Kadane weights of `_line_scores`, the span),
the byline run at the top, the category's rules, the sign-off run at the end and a sign-off
glued to the last line; an article whose pass removed something gets another pass. What a line
is (a link, furniture a rule removes anyway, the first boilerplate rule that fires, its words,
how it ends) is computed once per line for the batch, as columns; what depends on the article
(runs, neighbours, repeats, positions) is a window over it. Python sees only the lines the
vectorised tests leave to the rules' predicates, the top lines that pass the byline run's column
tests (`boilerplate.byline_prefilter`, `name_line_prefilter`) and the articles they open, the
last lines the sign-off run looks at, and each page's weights for the Kadane scan.

The classes of characters are Rust regex's (polars) where they agree with Python's and the
`regex` module's, and explicit where they do not (`str.isspace` and `str.isdigit`); the two
differ only for characters assigned after the older of the two Unicode versions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
import regex as re

from cleaners import boilerplate as bp
from cleaners import captions, footers, line_model
from cleaners.chars import DIGIT_WORD, WORD, past_ascii
from cleaners.document import Removal
from cleaners.options import CleanOptions
from cleaners.rule_table import NO_RULE, WordScan, hits, long_runs, stripped
from cleaners.rules import RUN_LINES, TOP_LINES, LineRule
from cleaners.spans import body_hull

Mask = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]

PAGE_FRAME = "boilerplate.page_frame"
LINE_MODEL = line_model.RULE
BYLINE = "boilerplate.byline"
SIGN_OFF = "boilerplate.sign_off"
NAVIGATION = "boilerplate.navigation"
# The page frame's patterns, the same in Rust regex as in `regex` (tests/test_batch.py).
UNSPACED = bp.UNSPACED.pattern
TRUNCATED = bp.TRUNCATED.pattern
INNER_SENTENCE_END = bp.INNER_SENTENCE_END.pattern
PROSE_END = "[" + re.escape("".join(bp.PROSE_END)) + f"](?:{bp.REFERENCE_MARK})*$"
HEAD_END = r"(?::|\.\.\.|…)$"  # `line.endswith((":", "...", "…"))`
COMMENT_SECTION = "(?i)" + bp.COMMENT_SECTION.pattern
GLUED = "(?:" + bp.SIGN_OFF_WORD + r")$"  # what `GLUED_SIGN_OFF` can end with


@dataclass(frozen=True, slots=True)
class Changes:
    """What the step did to a batch: the kept lines (a glued sign-off cut from its line), and
    each changed article's removals in order (`boilerplate.meta_with` makes its meta)."""

    lines: pl.DataFrame
    removed: dict[int, list[Removal]]


def apply(lines: pl.DataFrame, options: CleanOptions) -> Changes:
    """`boilerplate.make_step(options)` on every article of `lines` (`cleaners.batch`)."""
    disabled = options.disabled_rules
    table = _Table(lines, disabled, see_through_footers=options.footers)
    removed: dict[int, list[Removal]] = {}
    active = np.ones(len(lines), dtype=np.bool_)
    if options.page_model == "model":
        # decided once, on the page as the step finds it (`boilerplate.make_step`)
        removed = table.model_frame(active)
        table.by_model = True
    while active.any():
        found = table.one_pass(active)
        for position, removals in found.items():
            removed.setdefault(position, []).extend(removals)
        changed = np.fromiter(found, dtype=np.int64, count=len(found))
        active = table.alive & np.isin(table.doc, changed)
    return Changes(table.frame(), removed)


class _Table:
    """The batch's lines with their per-line columns, rows dropped as passes remove them."""

    def __init__(
        self, lines: pl.DataFrame, disabled: frozenset[str], *, see_through_footers: bool = False
    ) -> None:
        self.disabled = disabled
        self.by_model = False  # the line model has decided the pages: no page frame
        self.doc = lines["doc"].to_numpy()
        self.number = lines["line"].to_numpy()
        self.text: list[str] = lines["text"].to_list()
        self.alive = np.ones(len(lines), dtype=np.bool_)
        self.rules = {rule.name: rule for rule in bp.RULES.rules}
        self.any_rules = bp.RULES.active(disabled, frozenset({"any"}))
        self.other_furniture = [
            rule
            for rules in (captions.RULES, footers.RULES)
            for rule in rules.active(disabled, frozenset({"any"}))
        ]
        # what the footers step after this one removes: it breaks no navigation run
        # (`boilerplate.footer_line`)
        self.footer_rules = (
            footers.RULES.active(disabled, frozenset({"any"})) if see_through_footers else ()
        )
        self._answers: dict[tuple[str, str], bool] = {}
        n = len(self.text)
        self.stripped = [""] * n
        self.content = np.zeros(n, dtype=np.bool_)
        self.link = np.zeros(n, dtype=np.bool_)  # the navigation rule's predicate
        self.footer = np.zeros(n, dtype=np.bool_)  # a footer rule's
        self.first_rule = np.full(n, NO_RULE, dtype=np.int64)  # index in `any_rules`
        self.furniture = np.zeros(n, dtype=np.bool_)  # any caption/boilerplate/footer rule
        self.furniture_known = np.zeros(n, dtype=np.bool_)
        self.words = np.zeros(n, dtype=np.float64)  # `boilerplate._words`
        self.tokens = np.zeros(n, dtype=np.int64)  # len(line.split())
        self.digit_tokens = np.zeros(n, dtype=np.int64)  # of them, holding a digit
        self.ends_prose = np.zeros(n, dtype=np.bool_)
        self.ends_comma = np.zeros(n, dtype=np.bool_)
        self.ends_head = np.zeros(n, dtype=np.bool_)
        self.starts_lower = np.zeros(n, dtype=np.bool_)
        self.truncated = np.zeros(n, dtype=np.bool_)  # `boilerplate._truncated`
        self.glued = np.zeros(n, dtype=np.bool_)  # may end in a glued sign-off
        self.byline_candidate = np.zeros(n, dtype=np.bool_)  # passes `_byline_candidates`
        self.byline_known = np.zeros(n, dtype=np.bool_)
        self._columns(np.arange(n))

    def frame(self) -> pl.DataFrame:
        rows = np.flatnonzero(self.alive)
        return pl.DataFrame(
            {
                "doc": self.doc[rows],
                "line": self.number[rows],
                "text": [self.text[i] for i in rows],
            },
            schema={"doc": pl.UInt32, "line": pl.Int64, "text": pl.String},
        )

    # --- per-line columns ----------------------------------------------------------------

    def _columns(self, rows: I64) -> None:
        """Compute (or, for rows whose text changed, recompute) what each line is."""
        text = stripped(pl.Series("text", [self.text[i] for i in rows], dtype=pl.String))
        for i, line in zip(rows, text.to_list(), strict=True):
            self.stripped[i] = line
        content = (text.str.len_bytes() > 0).to_numpy()
        self.content[rows] = content
        scan = WordScan.of(text, [self.rules[NAVIGATION], *self.any_rules, *self.footer_rules])
        self.link[rows] = hits(self.rules[NAVIGATION], text, content, scan)
        footer = np.zeros(len(rows), dtype=np.bool_)
        for rule in self.footer_rules:
            footer |= hits(rule, text, content & ~footer, scan)
        self.footer[rows] = footer
        first = np.full(len(rows), NO_RULE, dtype=np.int64)
        for index, rule in enumerate(self.any_rules):
            open_rows = content & (first == NO_RULE)
            first[(first == NO_RULE) & hits(rule, text, open_rows, scan)] = index
        self.first_rule[rows] = first
        self.furniture_known[rows] = False  # asked for page articles only (`_furniture`)
        self.byline_known[rows] = False  # asked for top lines only (`_byline_candidates`)
        features = pl.DataFrame({"s": text}).select(
            tokens=pl.col("s").str.count_matches(WORD),
            digit_tokens=pl.col("s").str.count_matches(DIGIT_WORD),
            ends_prose=pl.col("s").str.contains(PROSE_END),
            ends_comma=pl.col("s").str.ends_with(","),
            ends_head=pl.col("s").str.contains(HEAD_END),
            starts_lower=pl.col("s").str.contains(r"^\p{Lowercase}"),
            truncated=pl.col("s").str.contains(TRUNCATED)
            & ~pl.col("s").str.contains(INNER_SENTENCE_END),
            glued=pl.col("s").str.contains(GLUED),
        )
        tokens = features["tokens"].to_numpy()
        self.tokens[rows] = tokens
        # characters of unspaced scripts count half a word each; only a line past ASCII has one
        unspaced = np.zeros(len(rows), dtype=np.float64)
        wide = np.flatnonzero(past_ascii(text))
        unspaced[wide] = text.gather(wide).str.count_matches(UNSPACED).to_numpy()
        self.words[rows] = tokens + unspaced / 2
        self.digit_tokens[rows] = features["digit_tokens"].to_numpy()
        for name in ("ends_prose", "ends_comma", "ends_head", "starts_lower", "truncated"):
            getattr(self, name)[rows] = features[name].to_numpy()
        self.glued[rows] = features["glued"].to_numpy()

    def _furniture(self, rows: I64) -> Mask:
        """Whether any caption, boilerplate or footer rule removes each of `rows` wherever it
        stands: computed on first ask, since only the page frame asks, and only of pages."""
        missing = rows[~self.furniture_known[rows]]
        if len(missing):
            text = pl.Series("text", [self.stripped[i] for i in missing], dtype=pl.String)
            found = self.first_rule[missing] != NO_RULE
            content = self.content[missing]
            scan = WordScan.of(text, self.other_furniture)
            for rule in self.other_furniture:
                found |= hits(rule, text, content & ~found, scan)
            self.furniture[missing] = found
            self.furniture_known[missing] = True
        known: Mask = self.furniture[rows]
        return known

    def _byline_candidates(self, rows: I64) -> Mask:
        """Whether each of `rows` passes the byline run's column tests (`boilerplate.
        byline_prefilter` or `name_line_prefilter`, necessary conditions of `_may_be_byline`):
        computed on first ask, since only the byline run asks, and only of top lines."""
        missing = rows[~self.byline_known[rows]]
        if len(missing):
            text = pl.DataFrame({"s": [self.stripped[i] for i in missing]}, schema={"s": pl.String})
            found = text.select(
                bp.byline_prefilter(pl.col("s")) | bp.name_line_prefilter(pl.col("s"))
            ).to_series()
            self.byline_candidate[missing] = found.to_numpy()
            self.byline_known[missing] = True
        known: Mask = self.byline_candidate[rows]
        return known

    def _fires(self, name: str, row: int) -> bool:
        """A top- or last-scoped rule's predicate on one line, remembered by its text."""
        line = self.stripped[row]
        key = (name, line)
        found = self._answers.get(key)
        if found is None:
            rule: LineRule = self.rules[name]
            found = bool(line) and rule.predicate(line)
            self._answers[key] = found
        return found

    # --- one pass ------------------------------------------------------------------------

    def one_pass(self, active: Mask) -> dict[int, list[Removal]]:
        found: dict[int, list[Removal]] = {}
        steps: list[Callable[[Mask], dict[int, list[Removal]]]] = []
        if PAGE_FRAME not in self.disabled and not self.by_model:
            steps.append(self._frame)
        if BYLINE not in self.disabled:
            steps.append(self._bylines)
        steps.append(self._rules)
        if SIGN_OFF not in self.disabled:
            steps.append(self._sign_offs)
            steps.append(self._glued_sign_off)
        for step in steps:
            for position, removals in step(active & self.alive).items():
                found.setdefault(position, []).extend(removals)
        return found

    def _remove(self, rows: I64, rule: str, reason: str) -> dict[int, list[Removal]]:
        """Drop `rows` (in table order), each a Removal of its whole line by `rule`."""
        return self._remove_each(rows, [(rule, reason)] * len(rows))

    def _remove_each(self, rows: I64, by: Sequence[tuple[str, str]]) -> dict[int, list[Removal]]:
        """Drop `rows` (in table order), row i a Removal by the (rule, reason) `by[i]`."""
        self.alive[rows] = False
        out: dict[int, list[Removal]] = {}
        text = self.text
        docs, numbers = self.doc[rows].tolist(), self.number[rows].tolist()
        for i, doc, number, (rule, reason) in zip(rows.tolist(), docs, numbers, by, strict=True):
            out.setdefault(doc, []).append(Removal(text[i], reason, rule, number))
        return out

    def _content_rows(self, active: Mask) -> I64:
        return np.flatnonzero(active & self.content)

    def _page_rows(self, active: Mask) -> I64:
        """The content rows of `active` in page articles (`boilerplate.is_page`)."""
        rows = self._content_rows(active)
        if len(rows) == 0:
            return rows
        docs = self.doc[rows]
        in_runs = long_runs(self.link[rows], docs, RUN_LINES)
        starts = np.array([start for start, _ in _doc_bounds(docs)], dtype=np.int64)
        nav_lines = np.add.reduceat(in_runs.astype(np.int64), starts)
        links = np.add.reduceat(self.link[rows].astype(np.int64), starts)
        sizes = np.diff(np.append(starts, len(docs)))
        pages = docs[starts][bp.page_test(nav_lines, links, sizes)]
        out: I64 = rows[np.isin(docs, pages)]
        return out

    def _outside(self, rows: I64) -> I64:
        """Of the page rows `rows`, those outside their article's body (`article_span`)."""
        docs = self.doc[rows]
        scores = self._scores(rows, docs)
        walls = (
            pl.Series([self.stripped[i] for i in rows], dtype=pl.String)
            .str.contains(COMMENT_SECTION)
            .to_numpy()
        )
        outside: list[I64] = []
        for start, end in _doc_bounds(docs):
            span = body_hull(
                scores[start:end].tolist(), bp.BODY_SECTION_SHARE, walls[start:end].tolist()
            )
            if span is None:
                continue
            doc_rows = rows[start:end]
            # blank lines score 0 and stand anywhere: the span is its content lines' range
            outside.append(np.concatenate([doc_rows[: span[0]], doc_rows[span[1] + 1 :]]))
        if not outside:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate(outside))

    def _frame(self, active: Mask) -> dict[int, list[Removal]]:
        """`boilerplate._frame`: on a page, drop what lies outside the best prose span."""
        rows = self._page_rows(active)
        if len(rows) == 0:
            return {}
        gone = self._outside(rows)
        return self._remove(gone, PAGE_FRAME, "outside the article body of a web page")

    def model_frame(self, active: Mask) -> dict[int, list[Removal]]:
        """`boilerplate._model_frame`: on a page, drop the lines the line model calls furniture
        and no precise rule removes anyway."""
        if PAGE_FRAME in self.disabled or LINE_MODEL in self.disabled:
            return {}
        rows = self._page_rows(active)
        if len(rows) == 0:
            return {}
        removable = self._furniture(rows)
        in_span = ~np.isin(rows, self._outside(rows))
        frame = pl.DataFrame(
            {
                "doc": self.doc[rows],
                "s": [self.stripped[i] for i in rows],
                "link": self.link[rows],
                "furniture": removable,
                "in_span": in_span,
            },
            schema=line_model.INPUT_SCHEMA,
        )
        verdicts = line_model.score(frame)
        chosen = np.flatnonzero(verdicts.furniture)
        take = ~removable[chosen]
        reasons = [r for r, t in zip(verdicts.reasons, take, strict=True) if t]
        return self._remove_each(rows[chosen[take]], [(LINE_MODEL, r) for r in reasons])

    def _scores(self, rows: I64, docs: npt.NDArray[np.uint32]) -> npt.NDArray[np.float64]:
        """`boilerplate._line_scores` for the content lines `rows` of page articles (blank
        lines score 0 and change nothing, so they are left out)."""
        words = self.words[rows]
        removable = self._furniture(rows)
        heads = removable & ((words > bp.INTERSTITIAL_MAX_WORDS) | self.ends_head[rows])
        same_doc_next = np.zeros(len(rows), dtype=np.bool_)
        same_doc_next[:-1] = docs[1:] == docs[:-1]
        next_lower = np.zeros(len(rows), dtype=np.bool_)
        next_lower[:-1] = self.starts_lower[rows[1:]]
        next_lower &= same_doc_next
        long_enough = words >= bp.PROSE_MIN_WORDS
        runs_on = long_enough & (self.ends_comma[rows] | next_lower)
        prose = long_enough & (self.ends_prose[rows] | runs_on) & ~removable & ~self.truncated[rows]
        scores = np.where(prose, words, -np.minimum(words, bp.SHORT_LINE_COST))
        texts = pl.DataFrame(
            {"doc": docs, "s": [self.stripped[i] for i in rows]},
            schema={"doc": pl.UInt32, "s": pl.String},
        )
        earlier = texts.select(pl.int_range(pl.len()).over("doc", "s") > 0).to_series()
        repeats = prose & earlier.to_numpy()
        scores[long_runs(repeats, docs, bp.REPEAT_MIN_LINES)] = -bp.SHORT_LINE_COST
        kept = np.flatnonzero(~removable | heads)
        prose_at = scores[kept] > 0
        kept_docs = docs[kept]
        before = np.zeros(len(kept), dtype=np.bool_)
        before[1:] = prose_at[:-1] & (kept_docs[1:] == kept_docs[:-1])
        after = np.zeros(len(kept), dtype=np.bool_)
        after[:-1] = prose_at[1:] & (kept_docs[1:] == kept_docs[:-1])
        tokens = self.tokens[rows[kept]]
        numeric = (tokens > 0) & (self.digit_tokens[rows[kept]] >= bp.NUMERIC_SHARE * tokens)
        isolated = kept[prose_at & ~before & ~after & ~numeric]
        scores[isolated] *= bp.ISOLATED_WEIGHT
        return scores

    def _bylines(self, active: Mask) -> dict[int, list[Removal]]:
        """`boilerplate._bylines`: each article's `boilerplate.byline_run`, for the articles
        with a top line that passes the column tests and then `_may_be_byline`."""
        rows = self._content_rows(active)
        bounds = _doc_bounds(self.doc[rows])
        if not bounds:
            return {}
        starts = np.array([start for start, _ in bounds], dtype=np.int64)
        ends = np.array([end for _, end in bounds], dtype=np.int64)
        rank = np.arange(len(rows)) - np.repeat(starts, ends - starts)  # place in its article
        top = rank < TOP_LINES
        candidate = np.zeros(len(rows), dtype=np.bool_)
        candidate[top] = self._byline_candidates(rows[top])
        gone: list[int] = []
        for index in np.flatnonzero(np.logical_or.reduceat(candidate, starts)).tolist():
            start, end = bounds[index]
            doc_rows = rows[start:end]
            tops = doc_rows[:TOP_LINES][candidate[start : min(end, start + TOP_LINES)]]
            if not any(self._may_be_byline(int(row)) for row in tops):
                continue
            texts = [self.stripped[row] for row in doc_rows]
            through: list[bool] = (self.first_rule[doc_rows] != NO_RULE).tolist()
            run = bp.byline_run(texts, through.__getitem__)
            gone.extend(int(doc_rows[k]) for k in run)
        return self._remove(np.asarray(gone, dtype=np.int64), BYLINE, "byline")

    def _may_be_byline(self, row: int) -> bool:
        """Whether `boilerplate.byline_run` could accept the line: a byline or a name."""
        line = self.stripped[row]
        key = ("name_line", line)
        found = self._answers.get(key)
        if found is None:
            found = bool(line) and (bp.byline(line) or bp.name_line(line))
            self._answers[key] = found
        return found

    def _rules(self, active: Mask) -> dict[int, list[Removal]]:
        """`RULES.step(disabled | {byline, sign_off}, see_through=footer_line(...))`: the first
        rule that fires, else a navigation run (`_navigation_runs`)."""
        rows = self._content_rows(active)
        if len(rows) == 0:
            return {}
        chosen = self.first_rule[rows]
        rules = list(self.any_rules)
        if NAVIGATION not in self.disabled:
            runs = self._navigation_runs(rows) & (chosen == NO_RULE)
            chosen = np.where(runs, len(rules), chosen)
            rules.append(self.rules[NAVIGATION])
        taken = chosen != NO_RULE
        by = [(rules[i].name, rules[i].reason) for i in chosen[taken]]
        return self._remove_each(rows[taken], by)

    def _navigation_runs(self, rows: I64) -> Mask:
        """Which of the content `rows` lie in a run of RUN_LINES link lines, a footer line that
        is no link line neither breaking a run nor counting in it (as `RuleSet.step` with
        `boilerplate.footer_line`)."""
        counted = self.link[rows] | ~self.footer[rows]  # a footer link line counts
        kept = rows[counted]
        runs = np.zeros(len(rows), dtype=np.bool_)
        runs[counted] = long_runs(self.link[kept], self.doc[kept], RUN_LINES)
        return runs

    def _sign_offs(self, active: Mask) -> dict[int, list[Removal]]:
        """`boilerplate._stacked(.., sign_off, at_end=True, see_through=footer_line(...))`: the
        run closing the article, above its footer lines."""
        rows = self._content_rows(active)
        gone: list[int] = []
        for start, end in _doc_bounds(self.doc[rows]):
            run: list[int] = []
            for row in rows[start:end][::-1]:
                if self._fires(SIGN_OFF, int(row)):
                    run.append(int(row))
                elif not self.footer[row]:
                    break
            gone.extend(reversed(run))
        return self._remove(np.asarray(gone, dtype=np.int64), SIGN_OFF, "wire sign-off")

    def _glued_sign_off(self, active: Mask) -> dict[int, list[Removal]]:
        """`boilerplate._cut_glued_sign_off`: the sign-off cut from the last line (above the
        footer lines) as a span."""
        rows = self._content_rows(active)
        rows = rows[~self.footer[rows]]
        if len(rows) == 0:
            return {}
        docs = self.doc[rows]
        last = np.ones(len(rows), dtype=np.bool_)
        last[:-1] = docs[1:] != docs[:-1]
        out: dict[int, list[Removal]] = {}
        changed: list[int] = []
        for row in rows[last & self.glued[rows]]:
            text = self.text[row]
            match = bp.GLUED_SIGN_OFF.search(text.rstrip())
            if match is None:
                continue
            self.text[row] = text.rstrip()[: match.start()].rstrip()
            changed.append(int(row))
            out[int(self.doc[row])] = [
                Removal(match.group("outlet"), "wire sign-off", SIGN_OFF, int(self.number[row]))
            ]
        if changed:
            self._columns(np.asarray(changed, dtype=np.int64))
        return out


def _doc_bounds(docs: npt.NDArray[np.uint32]) -> list[tuple[int, int]]:
    """(start, end) of each article's rows (rows are grouped by doc)."""
    if len(docs) == 0:
        return []
    starts = np.flatnonzero(np.concatenate([[True], docs[1:] != docs[:-1]]))
    ends = np.concatenate([starts[1:], [len(docs)]])
    return list(zip(starts.tolist(), ends.tolist(), strict=True))
