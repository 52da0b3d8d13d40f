"""`winnow eval`: score Winnow and the peers' usual approach on labelled data, side by side.

The folder's files say the task:
- split: `dump.txt` + `boundaries.jsonl` {id, start, end}: boundary P/R/F1 (90% span overlap),
  against splitting on blank lines;
- clean: `cases.jsonl` {id, raw, clean[, line_labels]}: bag-of-words token P/R/F1 of the kept
  text against the reference, and the share of cases whose removals are all right, against no
  cleaning; when the cases carry `with`/`without` snippet lists instead (trafilatura's way),
  snippet P/R/F1 over pooled counts, overall and per language (`lang`), against keeping
  everything and keeping the lines of ten or more words;
- dedupe: `docs.jsonl` {id, text[, title]} + `pairs.jsonl` {a, b, label} (+ `clusters.jsonl`):
  pairwise P/R/F1 of the clusters and the adjusted Rand index, against datasketch MinHashLSH with
  the common defaults (word 5-grams, 128 permutations, threshold 0.8). The documents first go
  through the cleaning `winnow clean` gives them (each record read as the JSONL reader reads it,
  the cleaning stages, the recurring lines learned over the whole set), as in a user's run;
  `clean=False` scores the texts as they are. Winnow's F1 is also given over a band of story
  thresholds around the one used (`threshold_sweep`), so that a narrow peak shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cleaners.options import CleanOptions
from cleaners.pipeline import clean
from cleaners.records import to_documents
from cleaners.split import split_dump
from dedupe import DedupeConfig, find_duplicates
from dedupe.eval_pairs import (
    adjusted_rand_index,
    load_docs,
    load_pairs,
    minhash_baseline,
    score_pairs,
)
from dedupe.records import HasText
from winnow_corpus.errors import InputError
from winnow_corpus.eval_clean import (
    SnippetCounts,
    TokenScore,
    count_snippets,
    long_lines,
    mean_score,
    score_clean,
)
from winnow_corpus.eval_split import blank_line_baseline, predict_spans, score_split
from winnow_corpus.story_text import story_features

TASKS = ("split", "clean", "dedupe")
# Story thresholds a dedupe table scores besides the one used, as shares of it: 0.8 t to 1.2 t
# in steps of 0.05 t. Issue 20 asks that every one score within 0.02 of the band's best F1.
THRESHOLD_BAND = tuple(round(0.8 + 0.05 * i, 2) for i in range(9))


@dataclass(slots=True)
class EvalTable:
    """One dataset's scores: a row per system (Winnow first, then the baselines)."""

    dataset: str
    task: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Snippet sets: the same systems' scores per language, one entry per `lang` value.
    by_language: list[dict[str, Any]] = field(default_factory=list)
    # dedupe only: Winnow's scores at each story threshold of a band around the one used
    threshold_sweep: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dataset": self.dataset,
            "task": self.task,
            "rows": self.rows,
            "notes": self.notes,
        }
        if self.by_language:
            out["by_language"] = self.by_language
        if self.task == "dedupe":
            out["threshold_sweep"] = self.threshold_sweep
        return out


def detect_task(folder: Path) -> str:
    if (folder / "dump.txt").exists() and (folder / "boundaries.jsonl").exists():
        return "split"
    if (folder / "cases.jsonl").exists():
        return "clean"
    if (folder / "docs.jsonl").exists() and (folder / "pairs.jsonl").exists():
        return "dedupe"
    raise InputError(
        f"{folder}: no labelled data found (expected dump.txt + boundaries.jsonl, cases.jsonl, "
        "or docs.jsonl + pairs.jsonl)"
    )


def datasets_under(folder: Path) -> list[Path]:
    """The folder itself if it holds a dataset, else its sub-folders that do, sorted."""
    try:
        detect_task(folder)
        return [folder]
    except InputError:
        found = []
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            try:
                detect_task(sub)
                found.append(sub)
            except InputError:
                continue
        if not found:
            raise
        return found


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read labelled data ({exc})") from exc


def evaluate_split(folder: Path) -> EvalTable:
    text = (folder / "dump.txt").read_text(encoding="utf-8")
    truth = [(int(b["start"]), int(b["end"])) for b in _read_jsonl(folder / "boundaries.jsonl")]
    table = EvalTable(folder.name, "split")
    for system, spans in (
        ("winnow", predict_spans(text, split_dump)),
        ("blank-line split", blank_line_baseline(text)),
    ):
        score = score_split(text, truth, spans)
        table.rows.append(
            {
                "system": system,
                "precision": score.precision,
                "recall": score.recall,
                "f1": score.f1,
                "articles": score.predicted,
            }
        )
    return table


def clean_case(raw: str, options: CleanOptions) -> tuple[str, list[str]]:
    """Winnow's kept text for one case (titles excluded) and the texts it removed."""
    docs = clean(raw, "<case>", options)
    kept = "\n".join(doc.text for doc in docs)
    removed = [r.text for doc in docs for r in doc.removed]
    return kept, removed


def is_snippet_set(cases: list[dict[str, Any]]) -> bool:
    """Whether the cases name snippets to keep and to drop rather than a clean reference."""
    return any("with" in case or "without" in case for case in cases)


SNIPPET_SYSTEMS = ("winnow", "keep everything", "lines of 10+ words")


def evaluate_snippets(
    folder: Path, cases: list[dict[str, Any]], options: CleanOptions
) -> EvalTable:
    """Snippet precision, recall and F1 (counts pooled over cases) of Winnow's kept text, of the
    raw text and of its lines of ten or more words: overall (`rows`) and per language."""
    counted: dict[str, list[SnippetCounts]] = {system: [] for system in SNIPPET_SYSTEMS}
    for case in cases:
        raw = str(case["raw"])
        kept, _ = clean_case(raw, options)
        with_, without = case.get("with") or [], case.get("without") or []
        for system, text in zip(SNIPPET_SYSTEMS, (kept, raw, long_lines(raw)), strict=True):
            counted[system].append(count_snippets(raw, text, with_, without))
    table = EvalTable(folder.name, "clean")
    for system in SNIPPET_SYSTEMS:
        total = sum(counted[system], SnippetCounts())
        table.rows.append({"system": system, **total.row()})
    languages: dict[str, list[int]] = {}
    for i, case in enumerate(cases):
        languages.setdefault(str(case.get("lang") or "unknown"), []).append(i)
    for language, indices in sorted(languages.items(), key=lambda item: (-len(item[1]), item[0])):
        rows = []
        for system in SNIPPET_SYSTEMS:
            total = sum((counted[system][i] for i in indices), SnippetCounts())
            rows.append({"system": system, **total.row()})
        table.by_language.append({"language": language, "cases": len(indices), "rows": rows})
    found = table.rows[1]
    snippets = sum(int(found[k]) for k in ("with_kept", "with_lost", "without_kept"))
    snippets += int(found["without_removed"])
    table.notes.append(
        f"{len(cases)} cases, {snippets} snippets found in the raw text; snippet counts pooled "
        "over cases (a `with` snippet kept is a true positive, a `without` one a false positive)"
    )
    return table


def evaluate_clean(folder: Path, options: CleanOptions | None = None) -> EvalTable:
    options = options or CleanOptions()
    cases = _read_jsonl(folder / "cases.jsonl")
    if is_snippet_set(cases):
        return evaluate_snippets(folder, cases, options)
    winnow: list[TokenScore] = []
    baseline: list[TokenScore] = []
    all_right = 0
    labelled = 0
    for case in cases:
        kept, removed = clean_case(case["raw"], options)
        winnow.append(score_clean(kept, case["clean"]))
        baseline.append(score_clean(case["raw"], case["clean"]))
        labels = case.get("line_labels")
        if isinstance(labels, list):
            labelled += 1
            lines = case["raw"].split("\n")
            content = {line.strip() for line, label in zip(lines, labels, strict=False) if label}
            if not any(text.strip() in content for text in removed):
                all_right += 1
    table = EvalTable(folder.name, "clean")
    for system, scores in (("winnow", winnow), ("no cleaning", baseline)):
        mean = mean_score(scores)
        table.rows.append(
            {"system": system, "precision": mean.precision, "recall": mean.recall, "f1": mean.f1}
        )
    if labelled:
        table.rows[0]["removals_all_right"] = all_right / labelled
    table.notes.append(f"{len(cases)} cases; token scores averaged over cases")
    return table


def cleaned_documents(folder: Path, options: CleanOptions | None = None) -> tuple[list[Any], int]:
    """A dedupe set's documents as `winnow clean` leaves them, and how many cleaning emptied.

    Each docs.jsonl record becomes a `Document` as the JSONL reader makes it (its own `id` kept),
    then the run's cleaning: the stages and the recurring lines learned over the whole set.
    """
    from winnow_corpus.runner import RunConfig, is_emptied, run_documents

    records = _read_jsonl(folder / "docs.jsonl")
    config = RunConfig(clean=options or CleanOptions(), deduplicate=False)
    result = run_documents(to_documents(records, source=folder.name), config)
    docs = [doc for doc in result.documents if not is_emptied(doc)]
    return docs, len(result.documents) - len(docs)


def evaluate_dedupe(
    folder: Path,
    story_threshold: float | None = None,
    *,
    clean_first: bool = True,
    thresholds: tuple[float, ...] | None = None,
    config: DedupeConfig | None = None,
) -> EvalTable:
    """Winnow and the MinHash baseline on one dedupe set, both on the same (cleaned) documents.

    `thresholds`: the values of `threshold_sweep` (default: THRESHOLD_BAND around the one
    used): the cosine's `story_threshold` with `story_model = "off"`, else the calibrated
    score's probability cut, `story_probability`; each row names what it swept.
    """
    config = config or DedupeConfig()
    if story_threshold is not None:
        config = _with_threshold(config, story_threshold)
    table = EvalTable(folder.name, "dedupe")
    docs: list[HasText]
    if clean_first:
        cleaned, emptied = cleaned_documents(folder)
        docs = list(cleaned)
        table.notes.append(
            f"{len(docs) + emptied} documents cleaned as `winnow clean` does first"
            + (f"; {emptied} emptied by cleaning (their pairs count as missed)" if emptied else "")
        )
    else:
        docs = list(load_docs(folder / "docs.jsonl"))
        table.notes.append(f"{len(docs)} documents scored as they are (--no-clean)")
    pairs = load_pairs(folder / "pairs.jsonl")
    truth_clusters: list[list[str]] | None = None
    if (folder / "clusters.jsonl").exists():
        truth_clusters = [
            [str(i) for i in c["ids"]] for c in _read_jsonl(folder / "clusters.jsonl")
        ]
    # recurring lines masked as a run masks them, once; find_duplicates empties a list it is
    # given, so each call gets a copy
    masked = story_features(docs, config)

    def given() -> list[Any] | None:
        return None if masked is None else list(masked)

    result = find_duplicates(docs, config, given())
    for system, clusters in (
        ("winnow", [list(c.members) for c in result.clusters]),
        ("datasketch MinHashLSH 5-gram/0.8", minhash_baseline(docs)),
    ):
        score = score_pairs(clusters, pairs)
        row: dict[str, Any] = {
            "system": system,
            "precision": score.precision,
            "recall": score.recall,
            "f1": score.f1,
        }
        if truth_clusters is not None:
            row["ari"] = adjusted_rand_index(clusters, truth_clusters)
        table.rows.append(row)
    tiers: dict[str, int] = {}
    for cluster in result.clusters:
        tiers[cluster.tier] = tiers.get(cluster.tier, 0) + 1
    table.rows[0]["clusters_by_tier"] = dict(sorted(tiers.items()))
    swept = _swept(config)
    used = float(getattr(config, swept))
    grid = thresholds or tuple(round(used * share, 4) for share in THRESHOLD_BAND)
    for threshold in sorted(set(grid)):
        at = (
            result
            if threshold == used
            else find_duplicates(docs, _with_threshold(config, threshold), given())
        )
        score = score_pairs([list(c.members) for c in at.clusters], pairs)
        table.threshold_sweep.append(
            {
                swept: threshold,
                "precision": score.precision,
                "recall": score.recall,
                "f1": score.f1,
            }
        )
    low, high = 0.8 * used - 1e-9, 1.2 * used + 1e-9
    band = [r["f1"] for r in table.threshold_sweep if low <= r[swept] <= high]
    if band:
        table.notes.append(
            f"F1 over {_BAND_NAMES[swept]} {0.8 * used:.3f}-{1.2 * used:.3f}: "
            f"lowest {min(band):.3f}, "
            f"best {max(band):.3f} (spread {max(band) - min(band):.3f})"
        )
    return table


_BAND_NAMES = {"story_threshold": "story thresholds", "story_probability": "story probabilities"}


def _with_threshold(config: DedupeConfig, threshold: float) -> DedupeConfig:
    if config.story_model != "off":
        return replace(config, story_probability=threshold)
    return replace(config, story_threshold=threshold)


def _swept(config: DedupeConfig) -> str:
    """The story tier's threshold: the calibrated score's probability cut, or the cosine's."""
    return "story_probability" if config.story_model != "off" else "story_threshold"


def evaluate(
    folder: Path,
    task: str | None = None,
    *,
    clean_first: bool = True,
    thresholds: tuple[float, ...] | None = None,
    config: DedupeConfig | None = None,
) -> list[EvalTable]:
    """Score every dataset under `folder` (or the one it is), optionally of one task only.

    `clean_first` and `thresholds` are for dedupe sets (see `evaluate_dedupe`).
    """
    tables = []
    for dataset in datasets_under(folder):
        found = detect_task(dataset)
        if task is not None and found != task:
            continue
        if found == "split":
            tables.append(evaluate_split(dataset))
        elif found == "clean":
            tables.append(evaluate_clean(dataset))
        else:
            tables.append(
                evaluate_dedupe(
                    dataset, clean_first=clean_first, thresholds=thresholds, config=config
                )
            )
    return tables
