"""What each part of a one-core run costs per MB, next to floors that no Python version of it beats.

Why: issue 4 asks for the whole pipeline at 10 MB/s per core, one second per 10 MB. This script
times, in one process on the same articles, the parts every run must do and the floors under
them, so that what is left to gain can be read off rather than guessed:

* `lower().split()` over the dump: the issue's reference ceiling;
* the real cleaning steps (`cleaners.pipeline`), then the same steps with every line rule that
  may fire anywhere taken out: what cleaning costs with those rules free, the per-line walk,
  positions, runs and the position-bound rules (bylines, sign-offs, page frames) alone;
* one scan of the whole dump by a single pattern that alternates the caption rules' agency
  and credit words (the issue's "one combined pattern per category"), in `regex` and in `re`;
* dedupe's per-document features (`dedupe.core.document_features`: words, shingle hashes,
  names, the exact key);
* creating one small file per article, as `.txt` output does, in a temporary folder.

Each row is the best of `--repeat` runs. Example::

    python benchmarks/bench_floor.py benchmarks/data/corpus-10MB.txt
"""

from __future__ import annotations

import argparse
import re as stdlib_re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cleaners import captions, rules  # noqa: E402
from cleaners.options import CleanOptions  # noqa: E402
from cleaners.pipeline import clean_document, document_steps  # noqa: E402
from cleaners.split import split_dump  # noqa: E402
from dedupe.core import document_features  # noqa: E402

COMBINED = captions.AGENCY + r"|File photo|FILE PHOTO|Photograph|Photo|Picture|Image|Credit"


def best(repeat: int, call: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


@contextmanager
def without_anywhere_rules() -> Iterator[None]:
    """Every rule of scope "any" taken out of its rule set for the duration, so the steps walk
    the lines with no such rule to try (steps must be built inside the block)."""
    saved = {}
    for name, rule_set in rules.ALL_RULESETS.items():
        saved[name] = rule_set.rules
        rule_set.rules = [rule for rule in rule_set.rules if rule.scope != "any"]
        rule_set._active.clear()
    try:
        yield
    finally:
        for name, kept in saved.items():
            rules.ALL_RULESETS[name].rules = kept
            rules.ALL_RULESETS[name]._active.clear()


def write_files(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="winnow-floor-") as folder:
        for number, text in enumerate(texts, start=1):
            Path(folder, f"{number:05d}.txt").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dump", type=Path, help="a dump (generate.py writes one)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = args.dump.read_text(encoding="utf-8")
    megabytes = len(text.encode("utf-8")) / 1e6
    docs = list(split_dump(text, str(args.dump)))
    steps = document_steps(CleanOptions())
    cleaned = [clean_document(doc, steps) for doc in docs]

    def clean_all() -> None:
        for doc in docs:
            clean_document(doc, steps)

    def features() -> None:
        for doc in cleaned:
            document_features(doc, 1)

    rows: list[tuple[str, float]] = [
        ("lower().split()", best(args.repeat, lambda: text.lower().split())),
        ("cleaning, as it is", best(args.repeat, clean_all)),
    ]
    with without_anywhere_rules():
        steps = document_steps(CleanOptions())
        rows.append(("cleaning, no anywhere-rules", best(args.repeat, clean_all)))
    steps = document_steps(CleanOptions())
    for module in (regex, stdlib_re):
        pattern = module.compile(COMBINED, module.MULTILINE)
        seconds = best(args.repeat, lambda p=pattern: sum(1 for _ in p.finditer(text)))
        rows.append((f"one combined caption pattern ({module.__name__}), whole dump", seconds))
    rows.append(("dedupe per-document features", best(args.repeat, features)))
    bodies = [f"{doc.title}\n\n{doc.text}\n" for doc in cleaned]
    rows.append(
        (f"creating {len(bodies):,} .txt files", best(args.repeat, lambda: write_files(bodies)))
    )

    print(f"{args.dump.name}: {megabytes:.1f} MB, {len(docs):,} articles")
    print(f"{'part':58s} {'seconds':>8s} {'MB/s':>8s}")
    for name, seconds in rows:
        print(f"{name:58s} {seconds:8.2f} {megabytes / seconds:8.1f}")


if __name__ == "__main__":
    main()
