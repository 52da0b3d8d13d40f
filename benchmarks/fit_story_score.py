"""Fit the calibrated same-story score (`dedupe/story_score.json`) on labelled dev pairs.

    python benchmarks/fit_story_score.py DEV_FOLDER            # fit, report, write the model
    python benchmarks/fit_story_score.py DEV_FOLDER --dry-run  # report only
    python benchmarks/fit_story_score.py DEV_FOLDER --background both --out other.json

Every dedupe set under DEV_FOLDER (a folder with `docs.jsonl` and `pairs.jsonl`) is cleaned as
`winnow clean` does, its labelled pairs measured with `dedupe.core.pair_signals` (word rarity
from that set alone, and lines recurring in three of its articles masked, as a run over it
would weigh words; with `--background`, also or only among the cleaning sets' clean texts, as
`bench_story_drift.py` runs them), and one logistic regression fitted on
all of them, each set weighted equally (a set of 38 pairs counts as much as one of 10,000).
Reported: each signal's coefficient, and leave-one-set-out, the pair F1 at 0.5 on each set of a
model fitted on the others, and its F1 as `winnow eval --task dedupe` scores it (clusters,
cleaned first) with that model. Needs the `train` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedupe import DedupeConfig
from dedupe.core import pair_signals
from dedupe.eval_pairs import load_pairs
from dedupe.story_score import MODEL_FILE, PAIR_SIGNALS, StoryModel
from winnow_corpus.evaluation import cleaned_documents, evaluate_dedupe
from winnow_corpus.story_text import story_features

C = 0.03  # L2 strength: leave-one-set-out eval F1 best of 0.03, 0.1, 0.3, 1, 10


def measured(folder: Path, background: list[Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The set's labelled pairs' signals, measured in a run of the set alone or of the set among
    `background` documents (word rarity and recurring lines from the whole run)."""
    docs, _ = cleaned_documents(folder)
    have = {doc.id for doc in docs}
    pairs = [p for p in load_pairs(folder / "pairs.jsonl") if p[0] in have and p[1] in have]
    docs = [*docs, *(background or [])]
    config = DedupeConfig(story_model="shipped")
    x = pair_signals(docs, [(a, b) for a, b, _ in pairs], config, story_features(docs, config))
    y = np.array([label for _, _, label in pairs], dtype=np.int64)
    return x, y


def fit(parts: list[tuple[np.ndarray, np.ndarray]]) -> StoryModel:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    weight = np.concatenate([np.full(p[1].size, 1.0 / p[1].size) for p in parts])
    weight *= y.size / weight.sum()
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=1000)
    model.fit((x - mean) / scale, y, sample_weight=weight)
    return StoryModel(mean, scale, model.coef_[0].astype(float), float(model.intercept_[0]))


def f1(model: StoryModel, x: np.ndarray, y: np.ndarray) -> float:
    hit = model.probability(x) >= 0.5
    tp = int((hit & (y == 1)).sum())
    return 2 * tp / max(1, int(hit.sum()) + int(y.sum()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", type=Path)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument(
        "--background",
        choices=("none", "real", "both"),
        default="none",
        help="measure each set's pairs alone (none), among the cleaning sets' clean texts "
        "(real: a run of a thousand articles, as bench_story_drift.py builds it), or both",
    )
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="where to write the model")
    args = parser.parse_args()
    sets = sorted(p.parent for p in args.dev.glob("*/pairs.jsonl"))
    data = {s.name: measured(s) for s in sets} if args.background != "real" else {}
    if args.background != "none":
        from bench_story_drift import real_background

        real = real_background(args.dev)
        for s in sets:
            among = measured(s, real)
            if s.name in data:
                x, y = data[s.name]
                data[s.name] = (np.vstack([x, among[0]]), np.concatenate([y, among[1]]))
            else:
                data[s.name] = among
    for name, (_x, y) in data.items():
        print(f"{name}: {y.size} pairs, {int(y.sum())} same story")
    model = fit(list(data.values()))
    print("coefficients (standardised):")
    for signal, c in zip(PAIR_SIGNALS, model.coef, strict=True):
        print(f"  {signal:13s} {c:+.3f}")
    loso, loso_eval = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder in zip(data, sets, strict=True):
            rest = [data[o] for o in data if o != name]
            held_out = fit(rest)
            loso[name] = round(f1(held_out, *data[name]), 3)
            path = Path(tmp) / f"without-{name}.json"
            path.write_text(held_out.to_json({}), encoding="utf-8")
            table = evaluate_dedupe(folder, config=DedupeConfig(story_model=str(path)))
            loso_eval[name] = round(float(table.rows[0]["f1"]), 3)
            print(
                f"{name}: pair F1 fitted on all {f1(model, *data[name]):.3f}, "
                f"left out {loso[name]:.3f}; eval F1 left out {loso_eval[name]:.3f}"
            )
    if not args.dry_run:
        extra: dict[str, object] = {
            "fitted_on": sorted(data),
            "background": args.background,
            "leave_one_set_out_pair_f1": loso,
            "leave_one_set_out_eval_f1": loso_eval,
        }
        args.out.write_text(model.to_json(extra), encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
