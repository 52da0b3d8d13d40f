"""One self-contained HTML page that shows what a `winnow clean` run did.

`report.json` answers "how many"; this page answers "which ones, and does it look right". It reads
the output folder (`report.json`, `articles.jsonl`, `duplicates.jsonl`, and `timings.json` when
present) and writes `report.html` beside them: inline CSS, a little vanilla JavaScript, no CDN,
no network, so it can be mailed around or opened from a CI artefact.

Sections:

* **Overview**: input files, articles found and kept, lines removed per reason (an inline SVG bar
  chart), time per stage, duplicate clusters and duplicates per tier, rules, bad records.
* **Articles**: each sampled article's text with removed lines put back at their source position,
  struck through and coloured by reason (hover shows the reason, rule and source line); a removed
  span of a kept line (a dateline prefix, say) is struck inline before the kept text. The
  extracted metadata is listed under the title. Buttons filter by reason, a box searches titles.
* **Duplicates**: every cluster, paginated, filterable by tier. Opening one shows the keeper and
  each duplicate side by side with the passages they share highlighted: word 5-grams found in both
  texts (verbatim copying), and, lighter, pairs of consecutive content words found in both (what
  same-story rewrites share). Plain Python, so the highlights are the same on every run.

Caps, so a 100k-article run still gives a page of a few MB that a browser opens at once (the page
states them too):

* articles: the first `ARTICLES_PER_REASON` (100) articles in file order for each removal reason,
  plus the first `CLEAN_ARTICLES` (100) with nothing removed, within `ARTICLE_BUDGET` (1.8 MB of
  HTML; the first samples of every reason are placed before the later ones, so each reason keeps
  some when the budget runs out); kept text beyond `BODY_CHARS` (3,000 characters) per article is
  elided, removed lines are always shown (at most `REMOVALS_SHOWN`, 60, per article).
* clusters: every cluster is listed (titles within `CLUSTER_INDEX_BUDGET`, 1 MB; past it, ids and
  similarities only); side-by-side texts for the first `CLUSTER_DETAILS_PER_TIER` (30) clusters of
  each tier, at most `PAIRS_PER_CLUSTER` (3) duplicates each, `SIDE_CHARS` (2,500) characters a
  side, within `CLUSTER_DETAIL_BUDGET` (1 MB).

So the page stays near 4 MB at most, plus about 40 bytes per cluster past the index budget.

Everything taken from the input is escaped (`html.escape`; the JSON cluster index in a `<script>`
has `<`, `>` and `&` as `\\u` escapes, so no `</script>` or `<!--` can end it early). The output
depends only on the folder's contents: the same folder gives a byte-identical page.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "report.json").write_text('{"counts": {"articles": 0}}')
>>> write_report(folder).name
'report.html'
"""

from __future__ import annotations

import html
import itertools
import json
import logging
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from cleaners.reasons import summary_reason
from winnow_corpus.errors import InputError, OutputError
from winnow_corpus.writers import iter_output_records, output_records_at

log = logging.getLogger(__name__)

# Caps (see the module docstring). Measured on a generated 20k-article folder with 8 reasons and
# 2,000 clusters: 2.2 MB (tests/test_report_html.py keeps it under 5 MB).
ARTICLES_PER_REASON = 100
CLEAN_ARTICLES = 100
ARTICLE_BUDGET = 1_800_000  # bytes of article HTML
BODY_CHARS = 3_000  # kept characters shown per article before the rest is elided
REMOVALS_SHOWN = 60  # removed lines shown per article
REMOVAL_CHARS = 400  # characters shown of one removed line
CLUSTER_INDEX_BUDGET = 1_000_000  # bytes of the cluster index with titles
CLUSTER_DETAILS_PER_TIER = 30
CLUSTER_DETAIL_BUDGET = 1_000_000  # bytes of side-by-side HTML
PAIRS_PER_CLUSTER = 3
SIDE_CHARS = 2_500
TITLE_CHARS = 160
INDEX_TITLE_CHARS = 90
META_CHARS = 300
INPUTS_SHOWN = 200
BAD_RECORDS_SHOWN = 50
ARTICLES_PER_PAGE = 20
CLUSTERS_PER_PAGE = 25

SHINGLE = 5  # words in a verbatim passage: the same 5-gram the near-duplicate tier compares

TIER_ORDER = ("exact", "near", "story")
STAGE_ORDER = ("read+split", "clean", "dedupe")

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), then darker
# extras; reasons take them in name order, so a reason keeps its colour between runs.
PALETTE = (
    "#d55e00",
    "#0072b2",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#8c6d31",
    "#7b3294",
    "#a39400",
    "#e7298a",
    "#4d4d4d",
    "#1b7837",
)

# Function words that say nothing about a story; pairs of the remaining words, shared by two
# texts, are what same-story rewrites have in common (the `story` tier compares the same).
_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own said same says she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

WORD = re.compile(r"\w+")
T = TypeVar("T")


# --- reading ------------------------------------------------------------------------------------


def _read_json(path: Path, default: Any) -> Any:
    if not path.exists():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} is not readable JSON ({exc}); run `winnow clean` again") from exc


# --- text helpers -------------------------------------------------------------------------------


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cut(text: str, limit: int) -> str:
    """`text` shortened to `limit` characters, with an ellipsis when cut.

    >>> _cut("abcdef", 4)
    'abc…'
    >>> _cut("abc", 4)
    'abc'
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _script_json(value: Any) -> str:
    """JSON safe inside a `<script>` element: `<`, `>` and `&` become `\\u` escapes.

    >>> _script_json(["</script><!--"])
    '["\\\\u003c/script\\\\u003e\\\\u003c!--"]'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _meta_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _num(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


# --- article bodies -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BodyRow:
    """One row of an article as shown: a kept line (maybe with spans struck before it), or a
    wholly removed line (`kept` is None)."""

    line: int  # source line (0 when the pipeline synthesised a blank line)
    kept: str | None
    struck: tuple[dict[str, Any], ...] = ()


def merge_body(
    text: str, line_numbers: Sequence[int], removed: Sequence[dict[str, Any]], first_line: int = 1
) -> list[BodyRow]:
    """Kept lines and removals merged back into source order.

    A removal whose line is also a kept line's is a span taken off that line (a dateline prefix,
    say): it is attached to the kept row, to be struck inline before the kept text.

    >>> rows = merge_body(
    ...     "Rain fell.\\n\\nIt stopped.",
    ...     [3, 4, 6],
    ...     [
    ...         {"line": 1, "text": "By Ann Lee", "reason": "byline"},
    ...         {"line": 3, "text": "LIMA - ", "reason": "dateline"},
    ...         {"line": 5, "text": "Photo: X/Y", "reason": "photo caption"},
    ...     ],
    ... )
    >>> [(r.line, r.kept, [s["text"] for s in r.struck]) for r in rows]
    ... # doctest: +NORMALIZE_WHITESPACE
    [(1, None, ['By Ann Lee']), (3, 'Rain fell.', ['LIMA - ']), (4, '', []),
     (5, None, ['Photo: X/Y']), (6, 'It stopped.', [])]
    """
    lines = text.split("\n") if text else []
    numbers = list(line_numbers)
    if len(numbers) != len(lines):  # no map: count from the first line, as Document does
        numbers = list(range(first_line, first_line + len(lines)))
    pending = sorted(removed, key=lambda r: int(r.get("line", 0)))  # stable within a line
    rows: list[BodyRow] = []
    at = 0
    for number, kept in zip(numbers, lines, strict=True):
        if number <= 0:
            rows.append(BodyRow(number, kept))
            continue
        while at < len(pending) and int(pending[at].get("line", 0)) < number:
            rows.append(BodyRow(int(pending[at].get("line", 0)), None, (pending[at],)))
            at += 1
        inline: list[dict[str, Any]] = []
        while at < len(pending) and int(pending[at].get("line", 0)) == number:
            inline.append(pending[at])
            at += 1
        rows.append(BodyRow(number, kept, tuple(inline)))
    rows.extend(BodyRow(int(r.get("line", 0)), None, (r,)) for r in pending[at:])
    return rows


# --- shared passages ----------------------------------------------------------------------------

Span = tuple[int, int, str]  # start, end (characters), kind: "v" verbatim 5-gram, "s" shared pair


def shared_spans(a: str, b: str) -> tuple[list[Span], list[Span]]:
    """Character spans of `a` and of `b` that the other text shares.

    Kind "v": the words lie in a word 5-gram found in both texts (copied passages). Kind "s": two
    consecutive content words (stopwords skipped) found in both (what rewrites of one story
    share). Comparison is case-insensitive; adjacent marked words merge into one span.

    >>> a = "Heavy rain flooded the coast near Lima on Monday, officials said."
    >>> b = "Officials said heavy rain had flooded the coast near Lima."
    >>> [(a[s:e], kind) for s, e, kind in shared_spans(a, b)[0]]
    [('Heavy rain', 's'), ('flooded the coast near Lima', 'v')]
    """
    ta, tb = _tokens(a), _tokens(b)
    words_a, words_b = [t[2] for t in ta], [t[2] for t in tb]
    grams_a, grams_b = _grams(words_a), _grams(words_b)
    places_a, places_b = _content_places(words_a), _content_places(words_b)
    pairs_a = [(words_a[i], words_a[j]) for i, j in places_a]
    pairs_b = [(words_b[i], words_b[j]) for i, j in places_b]
    shared_grams = set(grams_a) & set(grams_b)
    shared_pairs = set(pairs_a) & set(pairs_b)
    return (
        _spans(ta, grams_a, places_a, pairs_a, shared_grams, shared_pairs),
        _spans(tb, grams_b, places_b, pairs_b, shared_grams, shared_pairs),
    )


Token = tuple[int, int, str]
Gram = tuple[str, ...]


def _tokens(text: str) -> list[Token]:
    return [(m.start(), m.end(), m.group().casefold()) for m in WORD.finditer(text)]


def _grams(words: list[str]) -> list[Gram]:
    """The word 5-gram starting at each position (none for a text of fewer words).

    Built by `zip` over shifted lists, in C: a tuple sliced out per position had been most of
    the report's time (its side-by-side views call this a few hundred times)."""
    return list(zip(*(words[k:] for k in range(SHINGLE)), strict=False))


def _content_places(words: list[str]) -> list[tuple[int, int]]:
    """Positions of each two consecutive content words (stopwords and short words skipped)."""
    content = [i for i, w in enumerate(words) if w not in STOPWORDS and len(w) > 2]
    return list(itertools.pairwise(content))


def _spans(
    tokens: list[Token],
    grams: list[Gram],
    places: list[tuple[int, int]],
    pairs: list[tuple[str, str]],
    shared_grams: set[Gram],
    shared_pairs: set[tuple[str, str]],
) -> list[Span]:
    kind = [""] * len(tokens)
    verbatim = ["v"] * SHINGLE
    for start, gram in enumerate(grams):
        if gram in shared_grams:
            kind[start : start + SHINGLE] = verbatim
    for (i, j), pair in zip(places, pairs, strict=True):
        if pair in shared_pairs:
            kind[i] = kind[i] or "s"
            kind[j] = kind[j] or "s"
    spans: list[Span] = []
    for k, (start, end, _) in enumerate(tokens):
        if not kind[k]:
            continue
        if spans and kind[k - 1] == kind[k] and spans[-1][2] == kind[k]:
            spans[-1] = (spans[-1][0], end, kind[k])
        else:
            spans.append((start, end, kind[k]))
    return spans


def _marked(text: str, spans: list[Span], limit: int) -> str:
    """`text` (cut at `limit`) escaped, with `spans` wrapped in <mark>."""
    shown = text if len(text) <= limit else text[:limit]
    out: list[str] = []
    at = 0
    for start, end, kind in spans:
        if start >= len(shown):
            break
        end = min(end, len(shown))
        out.append(_esc(shown[at:start]))
        out.append(f'<mark class="{kind}">{_esc(shown[start:end])}</mark>')
        at = end
    out.append(_esc(shown[at:]))
    if len(shown) < len(text):
        out.append(f'<span class="more">… {len(text) - len(shown):,} more characters</span>')
    return "".join(out)


# --- the page -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Run:
    """What the page needs from the output folder, read in one pass over each file."""

    report: dict[str, Any]
    timings: dict[str, float]
    timings_hidden: bool = False
    samples: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)  # rank, order
    articles_per_reason: Counter[str] = field(default_factory=Counter)
    clean_articles: int = 0
    articles_read: int = 0
    texts: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> record, for clusters


# What the page needs of every article to choose the ones it shows: its id and the sorted
# reasons of its removals (`article_key`).
ArticleKey = tuple[Any, tuple[str, ...]]


def article_key(record: dict[str, Any]) -> ArticleKey:
    """An article record's id and the sorted reasons of its removals.

    >>> article_key({"id": "a1", "removed": [{"reason": "byline"}, {"reason": "dateline"},
    ...                                      {"reason": "byline"}]})
    ('a1', ('byline', 'dateline'))
    """
    reasons = {_reason(r) for r in record.get("removed") or []}
    return record.get("id"), tuple(sorted(reasons))


def _reason(removal: dict[str, Any]) -> str:
    """The reason a removal is counted and coloured under (`summary_reason`)."""
    return summary_reason(str(removal.get("rule", "")), str(removal.get("reason", "")))


def _load(out_dir: Path, articles: Sequence[ArticleKey] | None = None) -> _Run:
    report_path = out_dir / "report.json"
    if not report_path.exists():
        raise InputError(
            f"{out_dir} has no report.json; is it a `winnow clean` output folder? "
            f"Try `winnow clean INPUTS --out {out_dir}` first."
        )
    report = _read_json(report_path, {})
    timings = _read_json(out_dir / "timings.json", {})
    report = report if isinstance(report, dict) else {}
    timings = timings if isinstance(timings, dict) else {}
    needed = {m for c in _detail_clusters(report) for m in _detail_members(c)}
    run = _Run(report, timings)
    if articles is None or not _take_written(run, articles, needed, out_dir):
        run = _Run(report, timings)
        keyed = ((*article_key(r), r) for r in iter_output_records(out_dir, "articles"))
        for rank, order, article_id, record in _choose(run, keyed, needed):
            _keep(run, needed, rank, order, article_id, record)
    for record in iter_output_records(out_dir, "duplicates"):
        if record.get("id") in needed and str(record["id"]) not in run.texts:
            run.texts[str(record["id"])] = record
    return run


def _take_written(
    run: _Run, articles: Sequence[ArticleKey], needed: set[str], out_dir: Path
) -> bool:
    """Fill `run` from the keys the run gave for the articles it wrote, then read back only the
    records the page shows: parsing every record of the articles files would take longer than
    the rest of the page. False (`run` half filled) when the files are not those articles, one
    a line."""
    keyed = ((*key, order) for order, key in enumerate(articles))
    chosen = list(_choose(run, keyed, needed))
    records = output_records_at(out_dir, "articles", {order for *_, order in chosen}, len(articles))
    if records is None:
        return False
    for rank, order, article_id, _ in chosen:
        _keep(run, needed, rank, order, article_id, records[order])
    return True


def _choose(
    run: _Run, keyed: Iterable[tuple[Any, tuple[str, ...], T]], needed: set[str]
) -> Iterator[tuple[int | None, int, Any, T]]:
    """Count every article into `run` and give out the ones the page shows: (sample rank or
    None, file order, id, what came with the key) for each sampled article and each article a
    cluster's side-by-side view needs."""
    per_reason: Counter[str] = Counter()
    for order, (article_id, reasons, item) in enumerate(keyed):
        run.articles_read += 1
        run.articles_per_reason.update(reasons)
        rank: int | None = None
        if not reasons:
            run.clean_articles += 1
            if run.clean_articles <= CLEAN_ARTICLES:
                rank = run.clean_articles - 1
        else:
            ranks = [per_reason[r] for r in reasons if per_reason[r] < ARTICLES_PER_REASON]
            if ranks:
                per_reason.update(reasons)
                rank = min(ranks)
        if rank is not None or article_id in needed:
            yield rank, order, article_id, item


def _keep(
    run: _Run,
    needed: set[str],
    rank: int | None,
    order: int,
    article_id: Any,
    record: dict[str, Any],
) -> None:
    if article_id in needed:
        run.texts[str(article_id)] = record
    if rank is not None:
        run.samples.append((rank, order, record))


def _tiers(names: list[str]) -> list[str]:
    known = [t for t in TIER_ORDER if t in names]
    return known + sorted(set(names) - set(known))


def _detail_clusters(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Clusters that get side-by-side texts: the first few of each tier, in report order."""
    taken: Counter[str] = Counter()
    chosen = []
    for cluster in report.get("clusters") or []:
        tier = str(cluster.get("tier", ""))
        if taken[tier] < CLUSTER_DETAILS_PER_TIER:
            taken[tier] += 1
            chosen.append(cluster)
    return chosen


def _detail_members(cluster: dict[str, Any]) -> list[str]:
    keeper = str(cluster.get("keeper", ""))
    others = [str(m.get("id")) for m in cluster.get("members") or [] if m.get("id") != keeper]
    return [keeper, *others[:PAIRS_PER_CLUSTER]]


def render_report(
    out_dir: Path, timings: bool = False, articles: Sequence[ArticleKey] | None = None
) -> str:
    """The HTML report of the `winnow clean` output folder `out_dir`, as one string.

    Raises `InputError` when `out_dir` has no `report.json`. The result depends only on the
    folder's files: the same folder renders byte-identical HTML. Time per stage (from
    `timings.json`) is shown only with `timings=True`, since it differs on every run and the
    page written by `winnow clean` must be identical for identical input.

    `articles`, from the run that has just written the folder, is `article_key` of each record
    of its articles files, in order: then only the records the page shows are read back. The
    page is the same; where the files do not match the keys, every record is read as without.
    """
    run = _load(Path(out_dir), articles)
    if not timings:
        run.timings, run.timings_hidden = {}, True
    report = run.report
    reasons = sorted(
        set(map(str, (report.get("removed_by_reason") or {}).keys())) | set(run.articles_per_reason)
    )
    colour = {reason: i for i, reason in enumerate(reasons)}
    counts = report.get("counts") or {}
    articles_html, shown = _articles_section(run, colour)
    clusters_html = _clusters_section(run)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        "<title>Winnow run report</title>",
        f"<style>{CSS}{_reason_css(reasons)}</style></head><body>",
        '<header><h1>Winnow run report</h1><nav><a href="#overview">Overview</a>'
        '<a href="#articles">Articles</a><a href="#duplicates">Duplicates</a></nav></header>',
        "<main>",
        _overview(run, reasons, colour, counts),
        articles_html,
        clusters_html,
        "</main>",
        f"<footer>Written by <code>winnow</code> from the files of one output folder. Articles "
        f"shown: {shown:,}.</footer>",
        f"<script>{JS}</script></body></html>",
        "",
    ]
    return _CONTROLS.sub("\ufffd", "\n".join(parts))


# Control characters that HTML does not allow in a page (a NUL from an input reached the page
# raw): shown as U+FFFD, as a browser would. Tab, line feed, form feed and CR are allowed. A
# regex, not `str.translate` with a table: translate looks up every character of the page in
# the table (60 ms for a 2 MB page), the regex scans in C for the few it has to replace (4 ms).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _reason_css(reasons: list[str]) -> str:
    return "".join(f".r{i}{{--c:{PALETTE[i % len(PALETTE)]}}}" for i in range(len(reasons)))


def _overview(run: _Run, reasons: list[str], colour: dict[str, int], counts: dict[str, Any]) -> str:
    report = run.report
    cards = [
        ("input files", counts.get("inputs", len(report.get("inputs") or []))),
        ("articles found", counts.get("articles", run.articles_read)),
        ("articles kept", counts.get("kept", run.articles_read)),
        ("duplicates", counts.get("duplicates", 0)),
        ("clusters", counts.get("clusters", len(report.get("clusters") or []))),
        ("lines removed", counts.get("lines_removed", 0)),
    ]
    out = ['<section id="overview"><h2>Overview</h2><div class="cards">']
    out += [
        f'<div class="card"><b>{_esc(_num(v) if isinstance(v, int | float) else v)}</b>'
        f"<span>{_esc(k)}</span></div>"
        for k, v in cards
    ]
    out.append("</div>")

    by_reason = {str(k): int(v) for k, v in (report.get("removed_by_reason") or {}).items()}
    out.append('<div class="grid"><figure><figcaption>Lines removed per reason</figcaption>')
    if by_reason:
        rows = sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
        out.append(_bars([(k, v, f"r{colour[k]}") for k, v in rows], lambda v: f"{v:,}"))
    else:
        out.append('<p class="none">Nothing was removed.</p>')
    out.append("</figure><figure><figcaption>Time per stage</figcaption>")
    stages = {str(k): float(v) for k, v in run.timings.items() if isinstance(v, int | float)}
    if stages:
        order = [s for s in STAGE_ORDER if s in stages] + sorted(set(stages) - set(STAGE_ORDER))
        out.append(_bars([(s, stages[s], "stage") for s in order], lambda v: f"{v:,.2f} s"))
    elif run.timings_hidden:
        out.append(
            '<p class="none">Not shown, so that this page is identical between runs: see '
            "timings.json, or <code>winnow report --timings</code>.</p>"
        )
    else:
        out.append('<p class="none">No timings.json in this folder.</p>')
    out.append("</figure></div>")

    out.append(_tier_table(report))
    out.append(_inputs_table(report))
    by_rule = {str(k): int(v) for k, v in (report.get("removed_by_rule") or {}).items()}
    if by_rule:
        out.append(
            "<details><summary>Lines removed per rule</summary><table><tr><th>rule</th>"
            '<th class="n">lines</th></tr>'
        )
        for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f'<tr><td><code>{_esc(rule)}</code></td><td class="n">{n:,}</td></tr>')
        out.append("</table></details>")
    bad = [str(b) for b in report.get("bad_records") or []]
    if bad:
        out.append(f"<details><summary>Bad records skipped: {len(bad):,}</summary><ul>")
        out += [f"<li>{_esc(_cut(b, 300))}</li>" for b in bad[:BAD_RECORDS_SHOWN]]
        if len(bad) > BAD_RECORDS_SHOWN:
            out.append(f"<li>… and {len(bad) - BAD_RECORDS_SHOWN:,} more in report.json</li>")
        out.append("</ul></details>")
    out.append("</section>")
    return "".join(out)


def _bars(rows: list[tuple[str, float, str]], label: Any) -> str:
    """A horizontal bar chart as inline SVG; `rows` are (name, value, css class)."""
    width, left, row, right = 640, 190, 24, 90
    top = max((v for _, v, _ in rows), default=0) or 1
    height = row * len(rows) + 4
    out = [
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="bar chart">'
    ]
    for i, (name, value, css) in enumerate(rows):
        y = i * row + 2
        bar = max(1.0, (width - left - right) * value / top)
        out.append(
            f'<g class="{css}"><title>{_esc(name)}: {_esc(label(value))}</title>'
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{_esc(_cut(name, 26))}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 8}" rx="3"/>'
            f'<text x="{left + bar + 6:.1f}" y="{y + 16}">{_esc(label(value))}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def _tier_table(report: dict[str, Any]) -> str:
    clusters = Counter(str(c.get("tier", "")) for c in report.get("clusters") or [])
    dups = {str(k): int(v) for k, v in (report.get("duplicates_by_tier") or {}).items()}
    tiers = _tiers(sorted(set(clusters) | set(dups)))
    if not tiers:
        return '<h3>Duplicates per tier</h3><p class="none">No duplicates found.</p>'
    out = [
        '<h3>Duplicates per tier</h3><table class="tiers"><tr><th>tier</th>'
        '<th class="n">clusters</th><th class="n">duplicates dropped</th></tr>'
    ]
    for tier in tiers:
        out.append(
            f'<tr><td><span class="tier t-{_esc(tier)}">{_esc(tier)}</span></td>'
            f'<td class="n">{clusters[tier]:,}</td><td class="n">{dups.get(tier, 0):,}</td></tr>'
        )
    out.append("</table>")
    return "".join(out)


ERR = ' class="err"'


def _inputs_table(report: dict[str, Any]) -> str:
    inputs = report.get("inputs") or []
    out = [
        f"<h3>Input files ({len(inputs):,})</h3><table><tr><th>source</th><th>kind</th>"
        '<th>encoding</th><th class="n">articles</th><th>notes</th></tr>'
    ]
    for item in inputs[:INPUTS_SHOWN]:
        notes = [str(n) for n in item.get("notes") or []]
        note = "; ".join(_cut(n, 200) for n in notes[:3]) + (
            f" (+{len(notes) - 3} more)" if len(notes) > 3 else ""
        )
        error = str(item.get("error") or "")
        out.append(
            f"<tr{ERR if error else ''}><td><code>{_esc(item.get('source', ''))}"
            f"</code></td><td>{_esc(item.get('kind', ''))}</td>"
            f"<td>{_esc(item.get('encoding', ''))}</td>"
            f'<td class="n">{_esc(_num(int(item.get("articles") or 0)))}</td>'
            f"<td>{_esc('skipped: ' + error if error else note)}</td></tr>"
        )
    out.append("</table>")
    if len(inputs) > INPUTS_SHOWN:
        out.append(
            f'<p class="note">First {INPUTS_SHOWN} inputs shown; all are in report.json.</p>'
        )
    return "".join(out)


# --- articles -----------------------------------------------------------------------------------


def _articles_section(run: _Run, colour: dict[str, int]) -> tuple[str, int]:
    rendered: list[tuple[int, str]] = []
    spent = 0
    for _, order, record in sorted(run.samples, key=lambda s: (s[0], s[1])):
        if spent + _least_size(record) > ARTICLE_BUDGET:
            continue  # cannot fit: not rendered to find out
        piece = _article(record, colour)
        size = len(piece.encode())
        if spent + size > ARTICLE_BUDGET:
            continue
        spent += size
        rendered.append((order, piece))
    rendered.sort()
    out = [
        '<section id="articles"><h2>Articles</h2>',
        f'<p class="note">A sample of {len(rendered):,} of {run.articles_read:,} articles: the '
        f"first {ARTICLES_PER_REASON} in file order for each removal reason and the first "
        f"{CLEAN_ARTICLES} with nothing removed, within {ARTICLE_BUDGET / 1e6:.1f} MB. Kept text "
        f"past {BODY_CHARS:,} characters per article is elided; removed lines are always shown "
        f"(up to {REMOVALS_SHOWN} per article).</p>",
        '<p class="legend-note">Struck-through lines were removed; the colour names the reason. '
        "Hover a line for its rule and source line. Click reasons to filter (any of them).</p>",
        '<div class="filters" id="reason-filter">',
    ]
    for reason, index in sorted(colour.items(), key=lambda kv: kv[1]):
        out.append(
            f'<button type="button" class="chip r{index}" data-r="r{index}" aria-pressed="false">'
            f'<i class="sw"></i>{_esc(reason)} <small>{_articles(run.articles_per_reason[reason])}'
            "</small></button>"
        )
    out.append(
        '<button type="button" class="chip clean" data-r="n" aria-pressed="false">'
        '<i class="sw"></i>nothing removed '
        f"<small>{_articles(run.clean_articles, 'none')}</small></button>"
        '</div><div class="searchbar"><input id="title-search" type="search" '
        'placeholder="Search titles…" aria-label="Search titles">'
        '<span id="article-count" class="count"></span></div>'
        '<div class="pager" id="article-pager"></div><div id="article-list">'
    )
    out += [piece for _, piece in rendered]
    if not rendered:
        out.append('<p class="none">No articles in articles.jsonl.</p>')
    out.append('</div><div class="pager" id="article-pager-bottom"></div></section>')
    return "".join(out), len(rendered)


def _plural(n: int, noun: str) -> str:
    """A count with its noun, singular for one.

    >>> _plural(1, "cluster"), _plural(2000, "cluster")
    ('1 cluster', '2,000 clusters')
    """
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _articles(n: int, zero: str = "only in dropped duplicates") -> str:
    """A chip's count; a reason can be in report.json only because of dropped duplicates.

    >>> _articles(1), _articles(0)
    ('1 article', 'only in dropped duplicates')
    """
    if n == 0:
        return zero
    return _plural(n, "article")


def _article(record: dict[str, Any], colour: dict[str, int]) -> str:
    removed = [r for r in record.get("removed") or [] if isinstance(r, dict)]
    reasons = sorted({colour[_reason(r)] for r in removed})
    title = str(record.get("title") or "") or "(untitled)"
    tags = " ".join(f"r{i}" for i in reasons) or "n"
    lines = record.get("lines") or [1, 1]
    out = [
        f'<article class="doc" data-r="{tags}" data-title="{_esc(title.casefold())}">',
        f"<h3>{_esc(_cut(title, TITLE_CHARS))}</h3>",
        f'<p class="src"><code>{_esc(record.get("source", ""))}</code> lines '
        f"{_esc(lines[0])}–{_esc(lines[-1])} · id <code>{_esc(record.get('id', ''))}</code>",
    ]
    if record.get("duplicate_of"):
        out.append(
            f' · <span class="tier t-{_esc(record.get("tier", ""))}">duplicate '
            f"({_esc(record.get('tier', ''))}, {_esc(record.get('similarity', ''))})</span> of "
            f"<code>{_esc(record['duplicate_of'])}</code>"
        )
    out.append("</p>")
    meta = record.get("meta") or {}
    if isinstance(meta, dict) and meta:
        out.append('<dl class="meta">')
        for key in sorted(meta, key=str):
            out.append(
                f"<dt>{_esc(key)}</dt><dd>{_esc(_cut(_meta_value(meta[key]), META_CHARS))}</dd>"
            )
        out.append("</dl>")
    out.append('<div class="body">')
    rows = merge_body(
        str(record.get("text") or ""),
        [int(n) for n in record.get("line_numbers") or []],
        removed,
        int(lines[0]) if lines else 1,
    )
    kept_chars = struck = elided = 0
    for row in rows:
        if row.kept is not None and kept_chars > BODY_CHARS:
            elided += 1
            continue
        if row.kept is None and struck >= REMOVALS_SHOWN:
            elided += 1
            continue
        if elided:
            out.append(f'<div class="l gap">… {elided:,} lines not shown …</div>')
            elided = 0
        gutter = f'<span class="n">{row.line}</span>' if row.line > 0 else '<span class="n"></span>'
        strikes = "".join(_strike(r, colour) for r in row.struck)
        struck += len(row.struck)
        if row.kept is None:
            out.append(f'<div class="l x">{gutter}<span class="t">{strikes}</span></div>')
        else:
            kept_chars += len(row.kept)
            if not row.kept.strip() and not strikes:
                out.append('<div class="l blank"></div>')
                continue
            out.append(
                f'<div class="l">{gutter}<span class="t">{strikes}{_esc(row.kept)}</span></div>'
            )
    if elided:
        out.append(f'<div class="l gap">… {elided:,} lines not shown …</div>')
    out.append("</div></article>")
    return "".join(out)


def _least_size(record: dict[str, Any]) -> int:
    """At most the size in bytes of `_article(record, ...)`: the kept text it shows (escaped
    and encoded it takes at least as many bytes as it has characters), so the page need not
    render an article it has no room for to know it.

    >>> _least_size({"text": "Rain fell.\\n\\n  \\nIt stopped."})
    21
    """
    text = str(record.get("text") or "")
    shown = kept = 0
    for line in text.split("\n") if text else []:
        if kept > BODY_CHARS:  # the rest is elided
            break
        kept += len(line)
        if line.strip():  # a blank line without strikes is not shown
            shown += len(line)
    return shown


def _strike(removal: dict[str, Any], colour: dict[str, int]) -> str:
    reason = str(removal.get("reason", ""))
    hover = f"{reason} — {removal.get('rule', '')} (source line {removal.get('line', '?')})"
    return (
        f'<del class="r{colour[_reason(removal)]}" title="{_esc(hover)}">'
        f"{_esc(_cut(str(removal.get('text', '')), REMOVAL_CHARS))}</del>"
    )


# --- clusters -----------------------------------------------------------------------------------


def _clusters_section(run: _Run) -> str:
    clusters = [c for c in run.report.get("clusters") or [] if isinstance(c, dict)]
    tiers = _tiers(sorted({str(c.get("tier", "")) for c in clusters}))
    detailed = {id(c) for c in _detail_clusters(run.report)}
    details: list[str] = []
    index: list[list[Any]] = []
    spent_index = spent_detail = 0
    for number, cluster in enumerate(clusters):
        detail = -1
        if id(cluster) in detailed:
            piece = _cluster_detail(cluster, run.texts, number)
            if spent_detail + len(piece.encode()) <= CLUSTER_DETAIL_BUDGET:
                spent_detail += len(piece.encode())
                details.append(piece)
                detail = number
        members = [m for m in cluster.get("members") or [] if isinstance(m, dict)]
        keeper = str(cluster.get("keeper", ""))
        keeper_title = next((str(m.get("title", "")) for m in members if m.get("id") == keeper), "")
        entry: list[Any] = [
            str(cluster.get("id", "")),
            str(cluster.get("tier", "")),
            _cut(keeper_title, INDEX_TITLE_CHARS),
            [
                [_cut(str(m.get("title", "")), INDEX_TITLE_CHARS), m.get("similarity", 0)]
                for m in members
                if m.get("id") != keeper
            ],
            detail,
        ]
        size = len(_script_json(entry).encode())
        if spent_index + size > CLUSTER_INDEX_BUDGET:
            entry[2] = ""
            entry[3] = [["", m.get("similarity", 0)] for m in members if m.get("id") != keeper]
        else:
            spent_index += size
        index.append(entry)
    out = [
        '<section id="duplicates"><h2>Duplicate clusters</h2>',
        f'<p class="note">{_plural(len(clusters), "cluster")} listed (titles within '
        f"{CLUSTER_INDEX_BUDGET / 1e6:.1f} MB). The first {CLUSTER_DETAILS_PER_TIER} of each tier "
        f"open side by side with up to {PAIRS_PER_CLUSTER} duplicates, {SIDE_CHARS:,} characters "
        "a side.</p>",
        '<p class="legend-note"><mark class="v">shared 5-word passage</mark> '
        '<mark class="s">shared pair of content words</mark> similarity is to the keeper.</p>',
        '<div class="filters" id="tier-filter">',
    ]
    for tier in tiers:
        n = sum(1 for c in clusters if c.get("tier") == tier)
        out.append(
            f'<button type="button" class="chip t-{_esc(tier)}" data-t="{_esc(tier)}" '
            f'aria-pressed="false">{_esc(tier)} <small>{_plural(n, "cluster")}</small></button>'
        )
    out.append(
        '</div><span id="cluster-count" class="count"></span>'
        '<div class="pager" id="cluster-pager"></div><ol id="cluster-list"></ol>'
    )
    if not clusters:
        out.append('<p class="none">No duplicate clusters.</p>')
    out.append('<div id="cluster-details" hidden>')
    out += details
    out.append("</div>")
    out.append(f'<script type="application/json" id="cluster-index">{_script_json(index)}</script>')
    out.append(
        f'<script type="application/json" id="page-sizes">'
        f"{_script_json([ARTICLES_PER_PAGE, CLUSTERS_PER_PAGE])}</script></section>"
    )
    return "".join(out)


def _cluster_detail(cluster: dict[str, Any], texts: dict[str, dict[str, Any]], number: int) -> str:
    members = {str(m.get("id")): m for m in cluster.get("members") or [] if isinstance(m, dict)}
    keeper_id, *others = _detail_members(cluster)
    keeper = texts.get(keeper_id, {})
    out = [f'<div class="detail" id="cl-{number}">']
    for other_id in others:
        other = texts.get(other_id, {})
        ka, kb = str(keeper.get("text") or ""), str(other.get("text") or "")
        sa, sb = shared_spans(ka, kb)
        words_b = len(WORD.findall(kb)) or 1
        copied = sum(len(WORD.findall(kb[s:e])) for s, e, k in sb if k == "v")
        similarity = members.get(other_id, {}).get("similarity", other.get("similarity", ""))
        tier = other.get("tier") or cluster.get("tier", "")
        out.append(
            f'<div class="pairhead"><span class="tier t-{_esc(tier)}">{_esc(tier)}</span> '
            f"similarity <b>{_esc(similarity)}</b> · {100 * copied / words_b:.0f}% of the "
            'duplicate\'s words lie in shared 5-word passages</div><div class="pair">'
        )
        for role, rec, rid, spans in (
            ("keeper", keeper, keeper_id, sa),
            ("duplicate", other, other_id, sb),
        ):
            title = str(rec.get("title") or members.get(rid, {}).get("title") or "(untitled)")
            text = str(rec.get("text") or "")
            body = (
                _marked(text, spans, SIDE_CHARS)
                if text
                else '<span class="none">text not in this folder</span>'
            )
            out.append(
                f'<div class="side {role}"><div class="role">{role}</div>'
                f"<h4>{_esc(_cut(title, TITLE_CHARS))}</h4>"
                f'<p class="src"><code>{_esc(rec.get("source", ""))}</code> · id <code>'
                f'{_esc(rid)}</code></p><div class="text">{body}</div></div>'
            )
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def write_report(out_dir: Path, timings: bool = False) -> Path:
    """Render the report of `out_dir` and write it to `out_dir/report.html` atomically.

    The page goes to a temporary file in the same folder first and is renamed into place, so a
    reader never sees half a page and an interrupted run leaves the previous one.
    """
    out_dir = Path(out_dir)
    page = render_report(out_dir, timings)
    target = out_dir / "report.html"
    try:
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".report.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write in {out_dir} ({exc}); check its permissions") from exc
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(page)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the page is as public as the folder
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("wrote %s (%d bytes)", target, len(page.encode()))
    return target


CSS = """
:root{--ink:#1f2328;--mute:#5b6470;--line:#e3e6ea;--bg:#f6f7f9;--card:#fff;--accent:#0b5cad;
--v:#ffd54a;--s:#cdeafc}
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
sans-serif;color:var(--ink);background:var(--bg)}
header{position:sticky;top:0;z-index:2;display:flex;gap:2rem;align-items:baseline;
padding:.7rem 2rem;background:#15202b;color:#fff}
header h1{font-size:1.15rem;margin:0;font-weight:600;letter-spacing:.01em}
header nav a{color:#cfe3ff;margin-right:1.2rem;text-decoration:none}
header nav a:hover{text-decoration:underline}
main{max-width:1280px;margin:0 auto;padding:1rem 2rem 3rem}
section{scroll-margin-top:4rem;background:var(--card);border:1px solid var(--line);
border-radius:10px;
padding:1.2rem 1.5rem;margin:1.2rem 0}
h2{margin:.2rem 0 1rem;font-size:1.35rem}
h3{font-size:1.05rem;margin:1.2rem 0 .5rem}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#3a4450}
table{border-collapse:collapse;margin:.3rem 0;font-size:14px}
th,td{padding:.3rem .8rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{color:var(--mute);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.err td{color:#a40e26}
details{margin:.8rem 0}summary{cursor:pointer;color:var(--accent)}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}
.card{flex:1 1 140px;border:1px solid var(--line);border-radius:8px;padding:.7rem 1rem;
background:#fbfcfd}
.card b{display:block;font-size:1.5rem;font-variant-numeric:tabular-nums}
.card span{color:var(--mute);font-size:13px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:1rem;margin-top:1rem}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:.8rem;overflow-x:auto}
figcaption{font-weight:600;margin-bottom:.4rem}
svg.bars{max-width:100%;height:auto;font-size:13px;fill:var(--ink)}
svg.bars rect{fill:var(--c,#7a8794)}svg.bars g.stage{--c:#5a7fa8}
.none{color:var(--mute);font-style:italic}
.note,.legend-note{color:var(--mute);font-size:13.5px;margin:.3rem 0}
.filters{display:flex;flex-wrap:wrap;gap:.4rem;margin:.7rem 0}
.chip{font:inherit;font-size:13.5px;border:1px solid var(--line);background:#fff;
border-radius:999px;padding:.2rem .75rem;cursor:pointer;color:var(--ink)}
.chip small{color:var(--mute)}
.chip .sw{display:inline-block;width:.8em;height:.8em;border-radius:3px;background:var(--c);
margin-right:.4em;vertical-align:-.05em}
.chip.clean{--c:#c7ccd1}
.chip[aria-pressed=true]{border-color:var(--c,var(--accent));
background:color-mix(in srgb,var(--c,var(--accent)) 16%,#fff);
box-shadow:0 0 0 1px var(--c,var(--accent))}
.searchbar{display:flex;gap:1rem;align-items:center;margin:.5rem 0}
#title-search{font:inherit;padding:.35rem .7rem;width:min(420px,100%);border:1px solid #c9ced4;
border-radius:6px}
.count{color:var(--mute);font-size:13.5px}
.pager{display:flex;gap:.5rem;align-items:center;margin:.6rem 0;font-size:13.5px}
.pager button{font:inherit;border:1px solid var(--line);background:#fff;border-radius:6px;
padding:.15rem .6rem;cursor:pointer}.pager button:disabled{opacity:.4;cursor:default}
article.doc{border-top:1px solid var(--line);padding:.6rem 0 1rem}
article.doc h3{margin:.6rem 0 .1rem;font-size:1.1rem}
.src{color:var(--mute);font-size:12.5px;margin:.1rem 0 .4rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .9rem;font-size:13px;
margin:.3rem 0 .6rem;padding:.45rem .7rem;background:#f8f9fb;border-radius:6px}
dl.meta dt{color:var(--mute)}dl.meta dd{margin:0;overflow-wrap:anywhere}
.body{font-size:14.5px;line-height:1.6}
.l{display:grid;grid-template-columns:3.2rem 1fr;min-height:.8em}
.l .n{color:#a3abb5;font:11.5px/2 ui-monospace,Menlo,Consolas,monospace;text-align:right;
padding-right:.8rem;user-select:none}
.l .t{white-space:pre-wrap;overflow-wrap:anywhere}
.l.blank{min-height:0;height:.55em}
.l.gap{display:block;color:var(--mute);font-style:italic;font-size:13px;padding-left:3.2rem}
del{text-decoration:line-through;text-decoration-color:var(--c);text-decoration-thickness:1.5px;
color:color-mix(in srgb,var(--c) 70%,#333);background:color-mix(in srgb,var(--c) 12%,#fff);
border-radius:3px;padding:0 .15em;cursor:help}
.l.x del{display:block;border-left:3px solid var(--c);border-radius:0 3px 3px 0;padding:0 .4em}
.tier{display:inline-block;font-size:12px;font-weight:600;border-radius:4px;padding:0 .45em;
background:#e9edf2;color:#33404d}
.t-exact{--c:#a40e26;background:#fde4e8;color:#8a0c20}
.t-near{--c:#b35c00;background:#fff0dc;color:#8a4700}
.t-story{--c:#0b5cad;background:#e1eefc;color:#0a4c8f}
.chip.t-exact,.chip.t-near,.chip.t-story{background:#fff;color:var(--ink)}
#cluster-list{list-style:none;padding:0;margin:0}
#cluster-list li{border-top:1px solid var(--line)}
.cl-row{all:unset;display:flex;gap:.7rem;align-items:baseline;width:100%;padding:.45rem .2rem;
cursor:pointer}
.cl-row:hover,.cl-row:focus-visible{background:#f4f7fb}
.cl-row .ttl{flex:1;font-weight:500}.cl-row .meta{color:var(--mute);font-size:13px}
.cl-row::before{content:"▸";color:var(--mute)}.cl-row[aria-expanded=true]::before{content:"▾"}
.members{margin:.2rem 0 .8rem 1.6rem;font-size:13.5px;color:var(--mute)}
.detail{margin:.3rem 0 1rem}
.pairhead{font-size:13.5px;margin:.6rem 0 .3rem}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.side{border:1px solid var(--line);border-radius:8px;padding:.6rem .9rem;background:#fcfcfd;
min-width:0}
.side h4{margin:.1rem 0 .2rem;font-size:1rem}
.side .role{font-size:11px;text-transform:uppercase;letter-spacing:.08em;color:var(--mute)}
.side.keeper{border-top:3px solid #2e7d32}.side.duplicate{border-top:3px solid #b35c00}
.side .text{white-space:pre-wrap;font-size:13.5px;line-height:1.55;max-height:28rem;overflow:auto}
mark.v{background:var(--v);border-radius:2px}mark.s{background:var(--s);border-radius:2px}
.more{display:block;color:var(--mute);font-style:italic;margin-top:.4rem}
footer{max-width:1280px;margin:0 auto;padding:0 2rem 2rem;color:var(--mute);font-size:12.5px}
"""

JS = """
(function () {
  "use strict";
  var $ = function (s) { return document.querySelector(s); };
  var all = function (s) { return Array.prototype.slice.call(document.querySelectorAll(s)); };
  var sizes = JSON.parse($("#page-sizes").textContent);
  function pager(ids, page, pages, go) {
    ids.forEach(function (id) {
      var box = document.getElementById(id);
      box.textContent = "";
      if (pages < 2) { return; }
      var prev = document.createElement("button");
      prev.type = "button"; prev.textContent = "‹ previous"; prev.disabled = page === 0;
      prev.onclick = function () { go(page - 1); };
      var next = document.createElement("button");
      next.type = "button"; next.textContent = "next ›"; next.disabled = page >= pages - 1;
      next.onclick = function () { go(page + 1); };
      var label = document.createElement("span");
      label.textContent = "page " + (page + 1) + " of " + pages;
      box.append(prev, label, next);
    });
  }
  function toggle(button, render) {
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") === "true";
      button.setAttribute("aria-pressed", on ? "false" : "true");
      render(true);
    });
  }
  function pressed(sel, key) {
    return all(sel + " button[aria-pressed=true]").map(function (b) { return b.dataset[key]; });
  }

  var docs = all("#article-list article.doc");
  var search = $("#title-search");
  var apage = 0;
  function renderArticles(reset) {
    if (reset) { apage = 0; }
    var want = pressed("#reason-filter", "r");
    var q = search.value.trim().toLowerCase();
    var hits = docs.filter(function (d) {
      var tags = d.dataset.r.split(" ");
      var byReason = !want.length || want.some(function (r) { return tags.indexOf(r) >= 0; });
      return byReason && (!q || d.dataset.title.indexOf(q) >= 0);
    });
    var pages = Math.max(1, Math.ceil(hits.length / sizes[0]));
    apage = Math.min(apage, pages - 1);
    docs.forEach(function (d) { d.hidden = true; });
    hits.slice(apage * sizes[0], (apage + 1) * sizes[0]).forEach(function (d) {
      d.hidden = false;
    });
    $("#article-count").textContent = hits.length + " of " + docs.length +
      (docs.length === 1 ? " sampled article" : " sampled articles");
    pager(["article-pager", "article-pager-bottom"], apage, pages, function (p) {
      apage = p; renderArticles(false); $("#articles").scrollIntoView();
    });
  }
  all("#reason-filter button").forEach(function (b) { toggle(b, renderArticles); });
  search.addEventListener("input", function () { renderArticles(true); });
  renderArticles(true);

  var index = JSON.parse($("#cluster-index").textContent);
  var list = $("#cluster-list");
  var cpage = 0;
  function row(entry) {
    var li = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button"; button.className = "cl-row";
    button.setAttribute("aria-expanded", "false");
    var tier = document.createElement("span");
    tier.className = "tier t-" + entry[1]; tier.textContent = entry[1];
    var title = document.createElement("span");
    title.className = "ttl"; title.textContent = entry[2] || "cluster " + entry[0];
    var sims = entry[3].map(function (m) { return m[1]; });
    if (!sims.length) { sims = [1]; }
    var lo = Math.min.apply(null, sims), hi = Math.max.apply(null, sims);
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = (entry[3].length + 1) + " articles · similarity " +
      (lo === hi ? lo : lo + "–" + hi);
    button.append(tier, title, meta);
    li.append(button);
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      if (open) {
        var shown = li.querySelector(".detail, .members");
        if (shown && shown.classList.contains("detail")) { $("#cluster-details").append(shown); }
        else if (shown) { shown.remove(); }
        return;
      }
      var detail = entry[4] >= 0 ? document.getElementById("cl-" + entry[4]) : null;
      if (detail) { li.append(detail); return; }
      var ul = document.createElement("ul");
      ul.className = "members";
      entry[3].forEach(function (m) {
        var item = document.createElement("li");
        item.textContent = (m[0] || "(title not listed)") + " — similarity " + m[1];
        ul.append(item);
      });
      var note = document.createElement("li");
      note.textContent = "Texts are shown side by side only for the first clusters of each tier.";
      ul.append(note);
      li.append(ul);
    });
    return li;
  }
  function renderClusters(reset) {
    if (reset) { cpage = 0; }
    var want = pressed("#tier-filter", "t");
    var hits = index.filter(function (e) { return !want.length || want.indexOf(e[1]) >= 0; });
    var pages = Math.max(1, Math.ceil(hits.length / sizes[1]));
    cpage = Math.min(cpage, pages - 1);
    all("#cluster-list .detail").forEach(function (d) { $("#cluster-details").append(d); });
    list.textContent = "";
    hits.slice(cpage * sizes[1], (cpage + 1) * sizes[1]).forEach(function (e) {
      list.append(row(e));
    });
    $("#cluster-count").textContent = hits.length + " of " + index.length +
      (index.length === 1 ? " cluster" : " clusters");
    pager(["cluster-pager"], cpage, pages, function (p) { cpage = p; renderClusters(false); });
  }
  all("#tier-filter button").forEach(function (b) { toggle(b, renderClusters); });
  renderClusters(true);
})();
"""

__all__ = [
    "ArticleKey",
    "BodyRow",
    "article_key",
    "merge_body",
    "render_report",
    "shared_spans",
    "write_report",
]
