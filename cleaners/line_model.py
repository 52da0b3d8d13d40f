"""A body-or-furniture model for the lines of a flattened web page.

The page frame (`boilerplate.article_span`) keeps the one span of lines with the most prose; on
pages nobody tuned it for it loses the body after a video player or a gallery, drops list-shaped
bodies (steps, ranked entries, changelogs) and keeps the reader comments in their place. This
module scores each line instead: per-line features computed over the whole `lines` table at once
(the line itself, its neighbours and its place in the page, windows over the article), and a
logistic regression over them, fitted by `benchmarks/train_line_model.py` on the dev sets' line
labels and shipped as `line_model.json`. At run time the model is a dot product and a sigmoid
(numpy): no scikit-learn. A line inside both the frame's span and the model's own body (the hull
of its summed scores, `model_body`) goes below a low p(body); anywhere else it needs a high one.

The features, computed for the non-blank lines of each article:

- the line's words and characters (log), its sentence marks, commas, capitalised words and words
  with digits (shares of its words), whether it ends like a sentence, like a heading (`:`), or is
  a teaser cut off (`...`), whether it opens like a list entry (`1.`, `-`);
- the share of its words that are stop words of the article's language (`stopwords.json`,
  wordfreq's most frequent words of 11 languages; the language is the one whose stop words the
  article holds most of): prose is full of them, menus and buttons have almost none;
- whether it is link-like and in a run of link-like lines (the navigation rule's test), whether
  a precise furniture rule removes it anyway, whether it repeats an earlier line of the page;
- its position in the page, whether the page frame's prose span holds it;
- the same of the lines before and after it, and the share of long lines and of stop words in a
  window of seven lines around it.

Each input column the engines provide: `doc` (article), `line`, `s` (the stripped text of a
non-blank line), `link` (`boilerplate.link_like`), `furniture` (a caption, boilerplate or footer
rule removes it wherever it stands) and `in_span` (inside `boilerplate.article_span`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from cleaners.chars import WORD
from cleaners.rules import RUN_LINES
from cleaners.spans import body_hull, max_span

F64 = npt.NDArray[np.float64]

RULE = "boilerplate.line_model"
# The rule's reason; each removal adds its line's p(body) and the features that weighed most
# against it in parentheses, which summaries leave out (`cleaners.reasons`).
REASON = "page furniture by the line model"
UNSPACED = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"
PROSE_END = r"""[.!?"”’:;。！？」』)）…]$"""
TRUNCATED = r"[\p{L}\d,]\s?(?:\.{3}|…)$"
SENTENCE_MARK = r"[.!?。！？](?:\s|$)"
LIST_OPENING = r"^(?:\d{1,3}[.)]\s|[-–•*·▪►]\s)"
LONG_WORDS = 10  # a line of ten or more words: the simplest body test (`eval`'s baseline)
WINDOW = 3  # lines each side of the window features
SPAN_GAP_MAX = 20.0  # lines to the prose span, counted up to this many
# What each feature is called in a removal's reason, when it weighed most against the line.
FEATURES: dict[str, str] = {
    "words": "few words",
    "chars": "short",
    "sentence_marks": "no sentence marks",
    "commas": "no commas",
    "capitalised": "capitalised words",
    "digits": "figures",
    "ends_prose": "no sentence end",
    "ends_head": "ends like a heading",
    "truncated": "cut-off teaser",
    "list_opening": "list entry",
    "stop_share": "few stop words",
    "link": "link-like",
    "link_run": "in a link run",
    "furniture": "furniture-like",
    "repeat": "repeats an earlier paragraph",
    "isolated": "a lone paragraph between short lines",
    "position": "position in the page",
    "edge": "near the page's edge",
    "in_span": "outside the prose span",
    "span_gap": "far from the prose span",
    "prev_words": "short line before",
    "next_words": "short line after",
    "prev_stop": "few stop words before",
    "next_stop": "few stop words after",
    "prev_link": "link-like line before",
    "next_link": "link-like line after",
    "prev_prose": "no sentence before",
    "next_prose": "no sentence after",
    "window_long": "few long lines around",
    "window_stop": "few stop words around",
    "window_repeat": "in a repeated passage",
    "page_links": "link-heavy page",
}
NAMES = tuple(FEATURES)
# Which side of the average a feature's words describe: +1 a high value ("in a link run"), -1 a
# low one ("few words"), 0 either ("position in the page"). A reason names a feature only where
# the line's value lies on that side: a fitted weight can make the absence of a trait weigh
# against a line (a line that is not link-like, on a page of links), and "link-like" would then
# say the opposite of the line.
DESCRIBES: dict[str, int] = {
    **dict.fromkeys(
        ("words", "chars", "sentence_marks", "commas", "ends_prose", "stop_share", "edge",
         "in_span", "prev_words", "next_words", "prev_stop", "next_stop", "prev_prose",
         "next_prose", "window_long", "window_stop"),
        -1,
    ),
    **dict.fromkeys(
        ("capitalised", "digits", "ends_head", "truncated", "list_opening", "link", "link_run",
         "furniture", "repeat", "isolated", "span_gap", "prev_link", "next_link",
         "window_repeat", "page_links"),
        1,
    ),
    "position": 0,
}  # fmt: skip
INPUT_SCHEMA = {
    "doc": pl.UInt32,
    "s": pl.String,
    "link": pl.Boolean,
    "furniture": pl.Boolean,
    "in_span": pl.Boolean,
}


@cache
def stop_words() -> dict[str, frozenset[str]]:
    """Each language's stop words (`stopwords.json`, made by `benchmarks/make_stopwords.py`)."""
    text = resources.files("cleaners").joinpath("stopwords.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return {lang: frozenset(words) for lang, words in data["languages"].items()}


@cache
def _stop_table() -> pl.DataFrame:
    pairs = sorted((word, lang) for lang, words in stop_words().items() for word in words)
    return pl.DataFrame(
        {"word": [w for w, _ in pairs], "lang": [lang for _, lang in pairs]},
        schema={"word": pl.String, "lang": pl.String},
    )


def guess_languages(frame: pl.DataFrame) -> pl.DataFrame:
    """(doc, lang): for each article of `frame` (`doc`, `s`), the language whose stop words its
    lines hold most of (ties: the first code in alphabetical order); articles without any stop
    word are left out.

    >>> frame = pl.DataFrame({"doc": [0, 0, 1], "s": ["Die Fähre und der Hafen", "Start",
    ...                                               "The ferry and the harbour"]})
    >>> guess_languages(frame).rows()
    [(0, 'de'), (1, 'en')]
    """
    return _languages(_stop_hits(frame))


def _languages(hits: pl.DataFrame) -> pl.DataFrame:
    """`guess_languages` from the stop words found (`_stop_hits`)."""
    return (
        hits.group_by("doc", "lang")
        .len()
        .sort(["doc", "len", "lang"], descending=[False, True, False])
        .group_by("doc", maintain_order=True)
        .first()
        .select("doc", "lang")
    )


def _stop_hits(frame: pl.DataFrame) -> pl.DataFrame:
    """(row, doc, word, lang) for every word of every line that is a stop word of `lang`."""
    words = (
        frame.select("doc", pl.col("s").str.to_lowercase().str.extract_all(r"\p{L}+").alias("word"))
        .with_row_index("row")
        .explode("word")
        .drop_nulls("word")
    )
    return words.join(_stop_table(), on="word", how="inner")


def features(frame: pl.DataFrame) -> pl.DataFrame:
    """The model's features (columns `NAMES`, float) for each row of `frame`.

    `frame` holds the non-blank lines of one or more articles, grouped by `doc` in page order,
    with columns `doc`, `s`, `link`, `furniture` and `in_span` (see the module's docstring).

    >>> prose = "The ferry left the harbour at dawn, and the crew waved."
    >>> frame = pl.DataFrame({"doc": [0, 0, 0], "s": ["Podcasts", prose, "Share"],
    ...     "link": [True, False, True], "furniture": [False, False, True],
    ...     "in_span": [False, True, False]})
    >>> table = features(frame)
    >>> table["words"].round(2).to_list(), table["ends_prose"].to_list()
    ([0.69, 2.48, 0.69], [0.0, 1.0, 0.0])
    >>> table["stop_share"].round(2).to_list()
    [0.0, 0.45, 0.0]
    """
    n = len(frame)
    if n == 0:
        return pl.DataFrame({name: [] for name in NAMES}, schema=dict.fromkeys(NAMES, pl.Float64))
    hits = _stop_hits(frame)
    language = _languages(hits)
    stops = (
        hits.join(language, on=["doc", "lang"], how="inner")
        .group_by("row")
        .len()
        .rename({"len": "stops"})
    )
    s = pl.col("s")
    letters = s.str.count_matches(r"\p{L}+")
    words = s.str.count_matches(WORD) + s.str.count_matches(UNSPACED) / 2
    # lazy, so that a part several features use (a line's word count, whether it is prose,
    # its neighbours within the article) is computed once: an eager frame computes every use
    base = (
        frame.lazy()
        .with_row_index("row")
        .join(stops.lazy(), on="row", how="left")
        .sort("row")
        .select(
            "doc",
            n_words=words,
            n_letters=letters,
            stops=pl.col("stops").fill_null(0),
            capital_words=s.str.count_matches(r"(?:^|\s)\p{Lu}"),
            digit_words=s.str.count_matches(r"(?:^|\s)\S*\d"),
            sentence_marks=s.str.count_matches(SENTENCE_MARK),
            commas=s.str.count_matches(r"[,，、]"),
            chars=s.str.len_chars(),
            ends_prose=s.str.contains(PROSE_END),
            ends_head=s.str.ends_with(":"),
            truncated=s.str.contains(TRUNCATED),
            list_opening=s.str.contains(LIST_OPENING),
            link=pl.col("link"),
            furniture=pl.col("furniture"),
            in_span=pl.col("in_span"),
            repeated=~pl.struct("doc", "s").is_first_distinct(),
        )
    )
    per_word = pl.max_horizontal(pl.col("n_words"), 1.0)
    per_letter = pl.max_horizontal(pl.col("n_letters"), 1)
    long_line = (pl.col("n_words") >= LONG_WORDS).cast(pl.Float64)
    link = pl.col("link").cast(pl.Float64)
    link_run_id = (
        (pl.col("link") != pl.col("link").shift(1).over("doc"))
        .fill_null(True)
        .cum_sum()
        .over("doc")
    )
    lines = base.with_columns(
        stop_share=pl.col("stops") / per_letter,
        long=long_line,
        at=pl.int_range(pl.len()).over("doc").cast(pl.Float64),
        count=pl.len().over("doc").cast(pl.Float64),
        link_run=pl.col("link") & (pl.len().over("doc", link_run_id) >= RUN_LINES),
        repeat=pl.col("repeated") & (pl.col("n_words") >= LONG_WORDS / 2),
    )
    window = 2 * WINDOW + 1
    position = pl.col("at") / pl.max_horizontal(pl.col("count") - 1, 1.0)
    log_words = (pl.col("n_words") + 1).log()

    def shifted(expr: pl.Expr, by: int, default: float | bool) -> pl.Expr:
        return expr.shift(by).over("doc").fill_null(default)

    def around(expr: pl.Expr) -> pl.Expr:
        return expr.rolling_mean(window, min_samples=1, center=True).over("doc")

    span_at = pl.when(pl.col("in_span")).then(pl.col("at"))
    prose = pl.col("ends_prose") & (pl.col("n_words") >= LONG_WORDS / 2)
    table = lines.select(
        words=log_words,
        chars=(pl.col("chars") + 1).log(),
        sentence_marks=pl.col("sentence_marks") / per_word,
        commas=pl.col("commas") / per_word,
        capitalised=pl.col("capital_words") / per_word,
        digits=pl.col("digit_words") / per_word,
        ends_prose=pl.col("ends_prose"),
        ends_head=pl.col("ends_head"),
        truncated=pl.col("truncated"),
        list_opening=pl.col("list_opening"),
        stop_share=pl.col("stop_share"),
        link=pl.col("link"),
        link_run=pl.col("link_run"),
        furniture=pl.col("furniture"),
        repeat=pl.col("repeat"),
        isolated=prose & ~shifted(prose, 1, False) & ~shifted(prose, -1, False),
        position=position,
        edge=pl.min_horizontal(position, 1 - position),
        in_span=pl.col("in_span"),
        span_gap=pl.min_horizontal(
            pl.col("at") - span_at.forward_fill().over("doc"),
            span_at.backward_fill().over("doc") - pl.col("at"),
        )
        .fill_null(SPAN_GAP_MAX)
        .clip(0, SPAN_GAP_MAX)
        / SPAN_GAP_MAX,
        prev_words=shifted(log_words, 1, 0.0),
        next_words=shifted(log_words, -1, 0.0),
        prev_stop=shifted(pl.col("stop_share"), 1, 0.0),
        next_stop=shifted(pl.col("stop_share"), -1, 0.0),
        prev_link=shifted(link, 1, 1.0),
        next_link=shifted(link, -1, 1.0),
        prev_prose=shifted(prose.cast(pl.Float64), 1, 0.0),
        next_prose=shifted(prose.cast(pl.Float64), -1, 0.0),
        window_long=around(pl.col("long")),
        window_stop=around(pl.col("stop_share")),
        window_repeat=around(pl.col("repeat").cast(pl.Float64)),
        page_links=link.mean().over("doc"),
    )
    return table.select(pl.col(name).cast(pl.Float64) for name in NAMES).collect()


@dataclass(frozen=True, slots=True)
class Weights:
    """A fitted logistic regression over standardised features: p(body) = sigmoid(b + w·z),
    z = (x - mean) / scale."""

    names: tuple[str, ...]
    mean: F64
    scale: F64
    coef: F64
    intercept: float
    threshold: float  # a line with p(body) below it is furniture
    about: dict[str, Any]
    # "lines": each line by its own p(body); "span": the body is the span of lines with the
    # largest sum of log-odds (a contiguous body, as the page frame has it), less the lines
    # inside it below the threshold
    decision: str = "lines"
    # a line outside the page frame's prose span stays only above this p(body) (the frame is
    # precise on news pages: what it leaves out the model must be sure of to bring back)
    outside_threshold: float | None = None
    # The model's own body (`model_body`): the lines whose p(body) reaches this count for it,
    # and sections holding `body_share` of its best span join it. A line outside it, or outside
    # the frame's span, stays only above `outside_threshold`. None: the frame's span alone.
    body_threshold: float | None = None
    body_share: float = 0.3
    # A second regression over the first one's log-odds in context (`context`): the line's own,
    # its neighbours', and the means over a near and a wider window of the page. Empty: none.
    context_coef: tuple[float, ...] = ()
    context_intercept: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
            "threshold": self.threshold,
            "decision": self.decision,
            "outside_threshold": self.outside_threshold,
            "body_threshold": self.body_threshold,
            "body_share": self.body_share,
            "context_coef": [round(v, 6) for v in self.context_coef],
            "context_intercept": round(self.context_intercept, 6),
            "about": self.about,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Weights:
        return cls(
            names=tuple(data["names"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            about=dict(data.get("about", {})),
            decision=str(data.get("decision", "lines")),
            context_coef=tuple(float(v) for v in data.get("context_coef", ())),
            context_intercept=float(data.get("context_intercept", 0.0)),
            outside_threshold=_optional(data.get("outside_threshold")),
            body_threshold=_optional(data.get("body_threshold")),
            body_share=float(data.get("body_share", 0.3)),
        )


def _optional(value: Any) -> float | None:
    return None if value is None else float(value)


@cache
def shipped_weights() -> Weights:
    """The weights shipped with the package (`line_model.json`)."""
    text = resources.files("cleaners").joinpath("line_model.json").read_text(encoding="utf-8")
    weights = Weights.from_json(json.loads(text))
    if weights.names != NAMES:
        raise ValueError(
            "cleaners/line_model.json names other features than cleaners.line_model computes: "
            "refit it with benchmarks/train_line_model.py"
        )
    return weights


# The weights in use: the shipped ones unless a caller (the training script's cross-validation)
# sets others for a while.
_override: list[Weights] = []
# Called with each feature table before it is scored (the training script reads the lines as the
# boilerplate step sees them); None in a normal run.
observer: list[Callable[[pl.DataFrame, pl.DataFrame], None]] = []


def current_weights() -> Weights:
    return _override[-1] if _override else shipped_weights()


@dataclass(frozen=True, slots=True)
class Verdicts:
    """For each row of the scored frame: p(body), whether it is furniture, and the reason."""

    body: F64
    furniture: npt.NDArray[np.bool_]
    reasons: list[str]


def score(frame: pl.DataFrame, weights: Weights | None = None) -> Verdicts:
    """p(body) of every row of `frame` (see `features`), and for the rows below the threshold a
    reason naming the model and the three features that weighed most against the line."""
    weights = weights or current_weights()
    table = features(frame)
    for watch in observer:
        watch(frame, table)
    x = table.to_numpy().astype(np.float64, copy=False).reshape(len(table), len(NAMES))
    z = (x - weights.mean) / weights.scale
    contributions = z * weights.coef
    logit = contributions.sum(axis=1) + weights.intercept
    if weights.context_coef:
        around = context(frame["doc"].to_numpy(), logit)
        logit = around @ np.asarray(weights.context_coef) + weights.context_intercept
    body = 1.0 / (1.0 + np.exp(-logit))
    furniture = body < weights.threshold
    outside = np.zeros(len(body), dtype=np.bool_)
    if weights.outside_threshold is not None:
        beyond = ~frame["in_span"].to_numpy()
        if weights.body_threshold is not None:
            docs = frame["doc"].to_numpy()
            # a line a precise rule removes anyway (an ad slot between paragraphs) neither
            # extends the body nor parts it
            scores = np.where(
                frame["furniture"].to_numpy(), 0.0, logit - _log_odds(weights.body_threshold)
            )
            beyond |= ~model_body(docs, scores, weights.body_share)
            # a line that its own p(body) would keep goes for where it lies: its reason says so
            outside = beyond & ~furniture
        furniture[beyond] = body[beyond] < weights.outside_threshold
        outside &= furniture
    if weights.decision == "span":
        docs = frame["doc"].to_numpy()
        odds = _log_odds(weights.threshold)
        for start, end in _articles(docs):
            span = max_span((logit[start:end] - odds).tolist())
            outside[start:end] = True
            if span is not None:
                outside[start + span[0] : start + span[1] + 1] = False
        furniture |= outside
    rows = np.flatnonzero(furniture)
    sides = np.array([DESCRIBES[name] for name in NAMES], dtype=np.float64)
    nameable = np.where(np.sign(z) * sides >= 0, contributions, 0.0)
    return Verdicts(body, furniture, _reasons(nameable[rows], body[rows], outside[rows]))


def _log_odds(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _articles(docs: npt.NDArray[Any]) -> list[tuple[int, int]]:
    """(first row, end row) of each article's run of rows in `docs` (rows sorted by article)."""
    bounds = np.flatnonzero(np.concatenate([[True], docs[1:] != docs[:-1], [True]])).tolist()
    return list(itertools.pairwise(bounds))


def model_body(docs: npt.NDArray[Any], scores: F64, share: float) -> npt.NDArray[np.bool_]:
    """Whether each row lies in its article's body as the model's own scores (log-odds less a
    threshold's) place it: `spans.body_hull` of each article's rows.

    Why besides the frame's span: the frame weighs lines by rules (words, stop words, links), so
    a teaser block or an author box in prose lies inside its span, where the lenient threshold
    kept it; the model's own scores, summed, put such a block outside the body, and a body cut in
    two by a player or a gallery stays one body (the hull joins its sections).

    >>> model_body(np.array([0, 0, 0, 0, 0]), np.array([4.0, 3.0, -9.0, -1.0, 1.0]), 0.3)
    array([ True,  True, False, False, False])
    >>> model_body(np.array([0, 0, 0, 1, 1]), np.array([4.0, -2.0, 3.0, -1.0, 2.0]), 0.3)
    array([ True,  True,  True, False,  True])
    >>> model_body(np.array([0, 0]), np.array([-1.0, -2.0]), 0.3)  # no body: all inside
    array([ True,  True])
    """
    inside = np.zeros(len(scores), dtype=np.bool_)
    for start, end in _articles(docs):
        hull = body_hull(scores[start:end].tolist(), share)
        if hull is None:  # no body at all: every line is judged by itself, as with the frame
            inside[start:end] = True
        else:
            inside[start + hull[0] : start + hull[1] + 1] = True
    return inside


_NONE = len(NAMES)  # in `_reasons`' codes: no feature (it did not weigh against the line)


def _reasons(against: F64, body: F64, outside: npt.NDArray[np.bool_]) -> list[str]:
    """Each line's reason: the rule's `REASON`, then p(body) and the (up to three) features
    that weighed most against the line, most first (`against`: each feature's weight against
    it, 0 where its words would not describe the line, `DESCRIBES`).

    Why codes: pages repeat a few combinations of features over thousands of menu lines, and
    a line's contributions as Python floats cost most of the model's time, so each distinct
    combination (with where the line lies) is worded once.

    >>> against = np.array([[-1.0, 0.5] + [0.0] * (len(NAMES) - 2)])
    >>> _reasons(against, np.array([0.123]), np.array([False]))
    ['page furniture by the line model (p(body) 0.12; few words)']
    """
    orders = np.argsort(against, axis=1, kind="stable")[:, :3]
    weighs = np.take_along_axis(against, orders, axis=1) < 0
    codes = np.where(weighs, orders, _NONE).astype(np.int64)
    keys = (outside.astype(np.int64) << 18) | (codes[:, 0] << 12) | (codes[:, 1] << 6) | codes[:, 2]
    combos, which = np.unique(keys, return_inverse=True)
    labels = [FEATURES[name] for name in NAMES]
    worded = []
    for key in combos.tolist():
        named = ", ".join(labels[k] for k in (key >> 12 & 63, key >> 6 & 63, key & 63) if k < _NONE)
        where = "outside the body; " if key >> 18 else ""
        worded.append((f"{REASON} ({where}p(body) ", f"; {named})"))
    probabilities = np.char.mod("%.2f", body).tolist()
    return [
        f"{worded[k][0]}{p}{worded[k][1]}"
        for k, p in zip(which.tolist(), probabilities, strict=True)
    ]


CONTEXT = ("own", "before", "after", "near", "wide")
NEAR, WIDE = 2, 6  # lines each side of the two windows


def context(docs: npt.NDArray[Any], logit: F64) -> F64:
    """For each line, the first regression's log-odds of (`CONTEXT`): the line, the line
    before and after it (0 past the page's edge), and the means over windows of `NEAR` and `WIDE`
    lines each side, within its page.

    >>> context(np.array([0, 0, 0]), np.array([1.0, -2.0, 4.0]))[1].tolist()
    [-2.0, 1.0, 4.0, 1.0, 1.0]
    """
    if len(logit) == 0:
        return np.zeros((0, len(CONTEXT)))
    frame = pl.DataFrame({"doc": docs, "logit": logit})
    own = pl.col("logit")
    table = frame.select(
        own=own,
        before=own.shift(1).over("doc").fill_null(0.0),
        after=own.shift(-1).over("doc").fill_null(0.0),
        near=own.rolling_mean(2 * NEAR + 1, min_samples=1, center=True).over("doc"),
        wide=own.rolling_mean(2 * WIDE + 1, min_samples=1, center=True).over("doc"),
    )
    out: F64 = table.to_numpy().astype(np.float64)
    return out
