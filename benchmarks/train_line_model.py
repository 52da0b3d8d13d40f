"""Fit `cleaners/line_model.json`, the body-or-furniture line model, on labelled dev pages.

Needs the `train` extra (scikit-learn; wordfreq for `make_stopwords.py`) and a folder of dev sets
(never copied into the repository):

    python benchmarks/train_line_model.py PATH/eval/dev            # cross-validate and write
    python benchmarks/train_line_model.py PATH/eval/dev --no-write # cross-validate only

Lines and labels. Each page is cleaned as `winnow eval` cleans it, with `page_model = "model"`
and weights that keep every line, and the line model's input is read where the boilerplate step
builds it (`line_model.observer`), so the model is fitted on the lines as it sees them at run
time. A line's label comes from its set: the line labels of the article-extraction and
Readability pages (by the line's text), and for the snippet pages the lines holding a `with`
snippet (body) or a `without` one (furniture); other lines of a snippet page are context only.
Reuters wire stories are not pages, so the model never sees them (the gate of
`boilerplate.is_page`); their score is checked, not fitted.

Judged as an unseen site would be: folds grouped by site (the URL's host, the Readability page's
`site`, else the case id), the pages of each fold cleaned with weights fitted without them and
scored as `winnow eval` scores them; and leave-one-dataset-out. Features and settings are chosen
by those, not by the score of the fitted model on its own data.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cleaners import line_model  # noqa: E402
from cleaners.options import CleanOptions  # noqa: E402
from winnow_corpus.eval_clean import (  # noqa: E402
    SnippetCounts,
    count_snippets,
    score_clean,
    snippet_norm,
)
from winnow_corpus.evaluation import clean_case  # noqa: E402

SETS = {
    "articles": "boilerplate_article_extraction_benchmark",
    "readability": "boilerplate_readability_testpages",
    "snippets": "boilerplate_trafilatura_snippets",
}
OUT = REPO / "cleaners" / "line_model.json"
FOLDS = 10


@dataclass
class Case:
    dataset: str
    id: str
    site: str
    raw: str
    data: dict[str, Any]
    x: np.ndarray = field(default_factory=lambda: np.zeros((0, len(line_model.NAMES))))
    y: np.ndarray = field(default_factory=lambda: np.zeros(0))
    docs: np.ndarray = field(default_factory=lambda: np.zeros(0))


def site_of(case: dict[str, Any]) -> str:
    url = str(case.get("url") or "")
    if "::" in url:  # trafilatura's own test pages: `hard::blog.python.org.html`
        url = "http://" + url.split("::", 1)[1].removesuffix(".html")
    host = urlparse(url).netloc.lower().removeprefix("www.") if url else ""
    return host or str(case.get("site") or "") or str(case["id"])


def load(dev: Path) -> list[Case]:
    cases = []
    for name, folder in SETS.items():
        for line in (dev / folder / "cases.jsonl").read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            data = json.loads(line)
            cases.append(Case(name, str(data["id"]), site_of(data), str(data["raw"]), data))
    return cases


def keep_all() -> line_model.Weights:
    n = len(line_model.NAMES)
    return line_model.Weights(line_model.NAMES, np.zeros(n), np.ones(n), np.zeros(n), 20.0, 0.5, {})


def labels_for(case: Case, lines: list[str]) -> np.ndarray:
    """1 body, 0 furniture, nan unknown, for each stripped line the model saw."""
    out = np.full(len(lines), np.nan)
    data = case.data
    if case.dataset in ("articles", "readability"):
        labels = data["line_labels"]
        if isinstance(labels, str):
            labels = json.loads(labels)
        # the k-th line of a text the model saw is the k-th raw line of that text: a page that
        # prints its body twice labels the first copy body and the second furniture
        by_text: dict[str, list[int]] = {}
        for text, label in zip(data["raw"].split("\n"), labels, strict=False):
            by_text.setdefault(text.strip(), []).append(int(label))
        for i, line in enumerate(lines):
            found = by_text.get(line)
            if found:
                out[i] = found.pop(0)
        return out
    normed = [snippet_norm(line) for line in lines]
    for snippets, label in ((data.get("without") or [], 0.0), (data.get("with") or [], 1.0)):
        for snippet in snippets:
            want = snippet_norm(snippet)
            if not want:
                continue
            for i, line in enumerate(normed):
                if want in line:
                    out[i] = label
    return out


def featurise(cases: list[Case]) -> None:
    """Each case's features and labels, read where the boilerplate step scores its pages."""
    seen: list[tuple[pl.DataFrame, pl.DataFrame]] = []
    line_model.observer.append(lambda frame, table: seen.append((frame, table)))
    line_model._override.append(keep_all())
    try:
        for case in cases:
            seen.clear()
            clean_case(case.raw, CleanOptions(page_model="model"))
            xs, ys, docs = [], [], []
            for k, (frame, table) in enumerate(seen):
                xs.append(table.to_numpy())
                ys.append(labels_for(case, frame["s"].to_list()))
                docs.append(frame["doc"].to_numpy().astype(np.int64) + 1000 * k)
            if xs:
                case.x, case.y = np.vstack(xs), np.concatenate(ys)
                case.docs = np.concatenate(docs)
    finally:
        line_model.observer.pop()
        line_model._override.pop()


DECISION = ["lines"]
OUTSIDE: list[float | None] = [None]
BODY: list[tuple[float | None, float]] = [(None, 0.3)]
BALANCE = [False]
CONTEXT = [False]


def fit(cases: list[Case], c: float, threshold: float) -> line_model.Weights:
    from sklearn.linear_model import LogisticRegression

    xs, ys, ws = [], [], []
    pages = Counter(case.dataset for case in cases if (~np.isnan(case.y)).any())
    for case in cases:
        known = ~np.isnan(case.y)
        if not known.any():
            continue
        xs.append(case.x[known])
        ys.append(case.y[known])
        # each page weighs the same, whatever its length
        # and, with --balance, each dataset the same
        share = 1.0 / pages[case.dataset] if BALANCE[0] else 1.0
        ws.append(np.full(int(known.sum()), share / known.sum()))
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((x - mean) / scale, y, sample_weight=w * len(w) / w.sum())
    weights = line_model.Weights(
        line_model.NAMES,
        mean,
        scale,
        model.coef_[0].astype(np.float64),
        float(model.intercept_[0]),
        threshold,
        {},
        DECISION[0],
        OUTSIDE[0],
        body_threshold=BODY[0][0],
        body_share=BODY[0][1],
    )
    if not CONTEXT[0]:
        return weights
    # the second regression: over the first one's log-odds of each line in its context
    cs = []
    for case in cases:
        known = ~np.isnan(case.y)
        if not known.any():
            continue
        logit = ((case.x - mean) / scale) @ weights.coef + weights.intercept
        cs.append(line_model.context(case.docs, logit)[known])
    second = LogisticRegression(C=c, max_iter=2000)
    second.fit(np.vstack(cs), y, sample_weight=w * len(w) / w.sum())
    return replace(
        weights,
        context_coef=tuple(float(v) for v in second.coef_[0]),
        context_intercept=float(second.intercept_[0]),
    )


def score(cases: list[Case], weights: line_model.Weights | None) -> dict[str, float]:
    """Each set's `winnow eval` score of `cases` cleaned with `weights` (None: the page frame)."""
    options = CleanOptions(page_model="frame" if weights is None else "model")
    if weights is not None:
        line_model._override.append(weights)
    try:
        return _score(cases, options)
    finally:
        if weights is not None:
            line_model._override.pop()


def _score(cases: list[Case], options: CleanOptions) -> dict[str, float]:
    f1: dict[str, list[float]] = {}
    snippets: dict[str, SnippetCounts] = {}
    for case in cases:
        kept, _ = clean_case(case.raw, options)
        if case.dataset == "snippets":
            counts = count_snippets(
                case.raw, kept, case.data.get("with") or [], case.data.get("without") or []
            )
            for key in ("snippets", f"snippets {case.data.get('lang')}"):
                snippets[key] = snippets.get(key, SnippetCounts()) + counts
        else:
            f1.setdefault(case.dataset, []).append(score_clean(kept, case.data["clean"]).f1)
    out = {name: sum(values) / len(values) for name, values in f1.items()}
    for name, counts in snippets.items():
        out[name] = float(counts.row()["f1"])
    return out


def folds_by(cases: list[Case], key: str, n: int) -> list[list[int]]:
    """Case indices per fold: whole groups (`site` or `dataset`) per fold, the largest groups
    first into the emptiest fold, so folds are even and deterministic."""
    groups: dict[str, list[int]] = {}
    for i, case in enumerate(cases):
        groups.setdefault(str(getattr(case, key)), []).append(i)
    folds: list[list[int]] = [[] for _ in range(min(n, len(groups)))]
    for _, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        min(folds, key=len).extend(members)
    return folds


def cross_validate(
    cases: list[Case], folds: list[list[int]], c: float, threshold: float
) -> dict[str, float]:
    # Score each case with its own fold's weights, pooled as the sets score.
    out_counts: dict[str, SnippetCounts] = {}
    f1: dict[str, list[float]] = {}
    for fold in folds:
        inside = set(fold)
        weights = fit([case for i, case in enumerate(cases) if i not in inside], c, threshold)
        line_model._override.append(weights)
        try:
            for i in fold:
                case = cases[i]
                kept, _ = clean_case(case.raw, CleanOptions(page_model="model"))
                if case.dataset == "snippets":
                    counts = count_snippets(
                        case.raw,
                        kept,
                        case.data.get("with") or [],
                        case.data.get("without") or [],
                    )
                    for key in ("snippets", f"snippets {case.data.get('lang')}"):
                        out_counts[key] = out_counts.get(key, SnippetCounts()) + counts
                else:
                    f1.setdefault(case.dataset, []).append(score_clean(kept, case.data["clean"]).f1)
        finally:
            line_model._override.pop()
    out = {name: sum(values) / len(values) for name, values in f1.items()}
    for name, counts in out_counts.items():
        out[name] = float(counts.row()["f1"])
    return out


MAIN = ("articles", "readability", "snippets", "snippets de", "snippets en")


def show(label: str, scores: dict[str, float]) -> str:
    return f"{label:<28}" + " ".join(f"{k} {scores.get(k, float('nan')):.4f}" for k in MAIN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", type=Path, help="the folder holding the dev sets")
    parser.add_argument("--c", type=float, nargs="+", default=[1.0])
    parser.add_argument("--threshold", type=float, nargs="+", default=[0.5])
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument(
        "--outside",
        type=float,
        nargs="+",
        default=[None],
        help="p(body) a line outside the frame's span needs (default: the threshold)",
    )
    parser.add_argument(
        "--body",
        type=float,
        nargs=2,
        metavar=("P", "SHARE"),
        help="the model's own body: lines of p(body) from P, sections of SHARE of its best span "
        "(`line_model.model_body`); a line outside it needs --outside too (default: none)",
    )
    parser.add_argument("--context", action="store_true", help="a second regression in context")
    parser.add_argument("--balance", action="store_true", help="each dataset weighs the same")
    parser.add_argument("--decision", choices=["lines", "span"], default="lines")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--no-lodo", action="store_true", help="skip leave-one-dataset-out")
    args = parser.parse_args()
    DECISION[0] = args.decision
    if args.body:
        if args.outside == [None] or not 0 < args.body[0] < 1:
            parser.error("--body needs --outside, and its P between 0 and 1")
        BODY[0] = (args.body[0], args.body[1])
    BALANCE[0] = args.balance
    CONTEXT[0] = args.context
    started = time.perf_counter()
    cases = load(args.dev)
    featurise(cases)
    labelled = Counter(case.dataset for case in cases for v in case.y.tolist() if v == v)
    took = time.perf_counter() - started
    print(f"{len(cases)} cases, labelled lines {dict(labelled)} ({took:.0f}s)")
    frame = score(cases, None)
    print(show("page frame", frame))
    site_folds = folds_by(cases, "site", args.folds)
    best: tuple[float, float, float, float | None] | None = None
    results: dict[str, Any] = {"page frame": frame}
    for c, threshold, outside in itertools.product(args.c, args.threshold, args.outside):
        OUTSIDE[0] = outside
        if True:
            fitted = score(cases, fit(cases, c, threshold))
            loso = cross_validate(cases, site_folds, c, threshold)
            print(show(f"C={c} t={threshold} out={outside} fitted", fitted))
            print(show(f"C={c} t={threshold} out={outside} by site", loso), flush=True)
            # the best mean over the sets, among the settings that leave no set below the page
            # frame (left out of the folds or not, the frame is not fitted)
            sets = ("articles", "readability", "snippets")
            holds = all(loso[k] >= frame[k] for k in sets)
            mean = float(np.mean([loso[k] for k in sets])) + (1.0 if holds else 0.0)
            if best is None or mean > best[0]:
                best = (mean, c, threshold, outside)
                results.update({"fitted": fitted, "leave-one-site-out": loso})
    assert best is not None
    _, c, threshold, OUTSIDE[0] = best
    if not args.no_lodo:
        lodo = cross_validate(cases, folds_by(cases, "dataset", 3), c, threshold)
        print(show(f"C={c} t={threshold} by dataset", lodo))
        results["leave-one-dataset-out"] = lodo
    weights = fit(cases, c, threshold)
    about = {
        "fitted_by": "benchmarks/train_line_model.py",
        "C": c,
        "labelled_lines": dict(sorted(labelled.items())),
        "site_folds": len(site_folds),
        "scores": {
            name: {k: round(v, 4) for k, v in sorted(values.items())}
            for name, values in results.items()
        },
    }
    weights = replace(weights, about=about)
    order = np.argsort(-np.abs(weights.coef))
    print("weights:", ", ".join(f"{line_model.NAMES[k]} {weights.coef[k]:+.2f}" for k in order))
    if weights.context_coef:
        named = zip(line_model.CONTEXT, weights.context_coef, strict=True)
        print("context:", ", ".join(f"{name} {coef:+.2f}" for name, coef in named))
    if not args.no_write:
        OUT.write_text(json.dumps(weights.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(REPO)}")
    print(f"{time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
