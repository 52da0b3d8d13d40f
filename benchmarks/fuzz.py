"""Fuzz the reader, splitter, cleaners and dedupe with arbitrary bytes and text (hypothesis).

Run: python benchmarks/fuzz.py --examples 20000

Each input goes through what a run does with a file: decode (or a clear InputError), split,
clean, deduplicate. Any other exception is a bug and stops the run with the failing input.
The count of inputs tried is printed at the end (docs/reliability.md records a run).
"""

from __future__ import annotations

import argparse
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners.pipeline import clean
from dedupe import find_duplicates
from winnow_corpus.errors import InputError
from winnow_corpus.io import decode

TRIED = {"bytes": 0, "text": 0}

NEWSY = st.sampled_from(
    [
        "Harbour authority approves new ferry terminal",
        "LYON (AFP) - Police said on Sunday that",
        "Photograph: A. Martin/Le Courrier",
        "Updated: March 3, 2021 10:15 AM",
        "By Jane Doe and John Roe",
        "-----",
        "\f",
        "Share this article",
        "These were the details of the news for this day.",
        "\u200b\u202e\ufeff",
        "cafÃ© â€œquotedâ€\x9d",
        "",
    ]
)
TEXT = st.lists(st.one_of(NEWSY, st.text(max_size=200)), max_size=40).map("\n".join)


def check_text(text: str) -> None:
    docs = clean(text, "fuzz.txt")
    find_duplicates(docs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=2000)
    args = parser.parse_args()
    config = settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )

    @config
    @given(st.binary(max_size=4000))
    def fuzz_bytes(data: bytes) -> None:
        TRIED["bytes"] += 1
        try:
            text = decode(data, "fuzz.bin").text
        except InputError:
            return
        check_text(text)

    @config
    @given(TEXT)
    def fuzz_text(text: str) -> None:
        TRIED["text"] += 1
        check_text(text)

    started = time.perf_counter()
    fuzz_bytes()
    fuzz_text()
    seconds = time.perf_counter() - started
    print(f"inputs tried: {TRIED['bytes']} byte strings, {TRIED['text']} texts, {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
