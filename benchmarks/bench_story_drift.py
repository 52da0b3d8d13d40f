"""Does a same-story decision depend on what else is in the run? Each labelled dedupe set's F1,
alone and among articles on other events.

    python benchmarks/bench_story_drift.py DEV_FOLDER
    python benchmarks/bench_story_drift.py DEV_FOLDER --generated-mb 20 --model my-model.json

Why: a user's run is never one labelled set. It holds the set's events among thousands of
unrelated articles, and a held-out part of a dev source is larger than its dev part. A word
weight that is a share of the run's documents changes as unrelated articles are added, so the
same pair scores differently alone and in a large run. This bench measures that drift.

For each dedupe set under DEV_FOLDER (a folder with `docs.jsonl` and `pairs.jsonl`), cleaned as
`winnow clean` cleans, the pair F1 of its clusters is printed for three runs: the set alone;
among the clean texts of the cleaning dev sets (`*/cases.jsonl`, texts over 200 characters:
real news on other events); and among those plus a lined-news corpus of `--generated-mb` MB
(`make_lined_news.py`, cleaned the same way). Both story tiers are measured: the cosine tier
(`story_model = "off"`) and the calibrated score (`--model`, default the shipped one). Only the
set's own labelled pairs are scored; a background article joining a cluster costs nothing
unless it joins two of the set's stories together. Lines recurring in three or more of the
run's articles are masked from the calibrated score, as a run masks them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from make_lined_news import make

from dedupe import DedupeConfig, find_duplicates
from dedupe.eval_pairs import load_pairs, score_pairs
from winnow_corpus.evaluation import cleaned_documents
from winnow_corpus.story_text import story_features

MIN_BACKGROUND_CHARS = 200


def jsonl_records(path: Path) -> list[dict[str, Any]]:
    """Split on newlines only: a text may hold U+2028, which str.splitlines breaks on."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines if line.strip()]


def real_background(dev: Path) -> list[Any]:
    """The cleaning sets' clean texts as documents, cleaned as a run would clean them."""
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs.jsonl"
        with docs.open("w", encoding="utf-8") as out:
            for cases in sorted(dev.glob("*/cases.jsonl")):
                for case in jsonl_records(cases):
                    text = case.get("clean") or ""
                    if len(text) > MIN_BACKGROUND_CHARS:
                        record = {"id": f"bg-{cases.parent.name}-{case['id']}", "text": text}
                        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return cleaned_documents(Path(tmp))[0]


def generated_background(megabytes: float, seed: int) -> list[Any]:
    """A lined-news corpus, cleaned; its ids prefixed so they cannot meet a dev set's."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "news.jsonl"
        make(corpus, megabytes, seed)
        docs = Path(tmp) / "docs.jsonl"
        with docs.open("w", encoding="utf-8") as out:
            for record in jsonl_records(corpus):
                record["id"] = f"gen-{record['id']}"
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return cleaned_documents(Path(tmp))[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dev", type=Path, help="the dev folder (dedupe sets and cleaning sets)")
    parser.add_argument("--generated-mb", type=float, default=10.0, help="lined news to add")
    parser.add_argument("--seed", type=int, default=1, help="seed of the lined news")
    parser.add_argument("--model", default="shipped", help="story_model of the calibrated score")
    args = parser.parse_args(argv)

    sets = sorted(p.parent for p in args.dev.glob("*/pairs.jsonl"))
    if not sets:
        print(f"no dedupe sets (*/pairs.jsonl) under {args.dev}", file=sys.stderr)
        return 2
    dev = {folder.name: cleaned_documents(folder)[0] for folder in sets}
    real = real_background(args.dev)
    generated = generated_background(args.generated_mb, args.seed)
    backgrounds = {
        "alone": [],
        f"+{len(real)} real": real,
        f"+{len(real) + len(generated)} real+generated": real + generated,
    }
    tiers = {
        "cosine tier": DedupeConfig(story_model="off"),
        "calibrated": DedupeConfig(story_model=args.model),
    }
    print(f"{'tier':12s} {'background':28s} " + " ".join(f"{f.name[6:24]:>24s}" for f in sets))
    for tier, config in tiers.items():
        for label, background in backgrounds.items():
            cells = []
            for folder in sets:
                docs = [*dev[folder.name], *background]
                result = find_duplicates(docs, config, story_features(docs, config))
                clusters = [list(cluster.members) for cluster in result.clusters]
                score = score_pairs(clusters, load_pairs(folder / "pairs.jsonl"))
                cells.append(f"{score.f1:.3f} (P{score.precision:.2f} R{score.recall:.2f})")
            print(f"{tier:12s} {label:28s} " + " ".join(f"{c:>24s}" for c in cells), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
