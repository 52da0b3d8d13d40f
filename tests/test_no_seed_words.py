"""No rule may name a word specific to the seed dump.

Rules must be general structural patterns, so the library source is scanned for distinctive
words of the seed dump (people, places, outlets, phrases), case-insensitively and as whole
words. Generic picture and wire agencies (Reuters, AFP, AP, ...) are a general class of credit
that rules legitimately name, not seed words, so they are left out of the list on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex as re

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted([*REPO.glob("cleaners/*.py"), *REPO.glob("dedupe/*.py")])

SEED_WORDS = [
    "Antichrist",
    "Sadr",
    "Sadrist",
    "Araji",
    "Kadhimi",
    "Muhandis",
    "Hezbollah",
    "Baghdad",
    "Najaf",
    "Iraq",
    "Iraqi",
    "Iraqis",
    "Guardian",
    "Mamouri",
    "Nashmi",
    "Latif",
    "AlKhaleej",
    "Arab Weekly",
    "Syndicated Content",
    "Hammam",
    "Ghaith",
    "Tishrin",
    "Jubouri",
]
SEED_PATTERN = re.compile(
    r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in SEED_WORDS) + r")\b",
    re.IGNORECASE,
)


def test_sources_found() -> None:
    assert len(SOURCES) >= 10


# Files known to name a seed word (path -> why); strict, so an entry must go once it is fixed.
KNOWN: dict[str, str] = {}


def _case(path: Path) -> object:
    name = path.relative_to(REPO).as_posix()
    marks = [pytest.mark.xfail(reason=KNOWN[name], strict=True)] if name in KNOWN else []
    return pytest.param(path, id=name, marks=marks)


@pytest.mark.parametrize("path", [_case(p) for p in SOURCES])
def test_no_seed_words(path: Path) -> None:
    hits = [
        f"{path.relative_to(REPO)}:{number}: {match.group()!r} in {line.strip()!r}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in SEED_PATTERN.finditer(line)
    ]
    assert not hits, "seed-specific words in library source:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    "line, hit",
    [
        ("CITY = r'BAGHDAD|NEW YORK'", True),
        ("# the arab  weekly footer", True),
        ("Iraq's", True),
        ("Iraqiya", False),  # whole words only
        ("Reuters, AFP and AP are credits", False),
    ],
)
def test_pattern(line: str, hit: bool) -> None:
    assert (SEED_PATTERN.search(line) is not None) is hit
