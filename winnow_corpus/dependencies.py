"""Before the CLI imports its packages: say what is missing and how to install it.

`python3 cli.py --help` in a checkout whose packages are not installed would otherwise stop in a
`ModuleNotFoundError` traceback from whichever import came first. `cli.py` imports this module
right after `winnow_corpus.interrupt`; it only looks the packages up (no import), so it costs
nothing when they are there. `--help` still answers (exit 0) with the one step that is missing;
any other command is a usage error (exit 2).
"""

from __future__ import annotations

import sys
from importlib.util import find_spec

# The import names of pyproject.toml's [project] dependencies (tests/test_cli.py keeps the two
# lists equal).
REQUIRED = (
    "click",
    "datasketch",
    "ftfy",
    "numpy",
    "polars",
    "regex",
    "rich",
    "wordfreq",
    "xxhash",
)
HELP_FLAGS = ("-h", "--help")
EXIT_INPUT = 2


def missing_packages() -> list[str]:
    return [name for name in REQUIRED if find_spec(name) is None]


def message(missing: list[str]) -> str:
    return (
        "Usage: cli.py [OPTIONS] COMMAND [ARGS]...\n\n"
        "  Winnow: split raw text dumps into articles, clean them (every removal with a\n"
        "  reason) and remove duplicates.\n\n"
        f"Winnow's packages are not installed for this Python: missing {', '.join(missing)}.\n"
        "Install them first, from the checkout (README.md, Quick start):\n\n"
        "    python3 -m venv .venv && . .venv/bin/activate && pip install -e .\n\n"
        "then `winnow --help` (or `python cli.py --help`) lists every command and option.\n"
    )


def check(argv: list[str]) -> None:
    """Exit with the install hint when a required package is missing; return otherwise."""
    missing = missing_packages()
    if not missing:
        return
    wants_help = not argv or any(arg in HELP_FLAGS for arg in argv)
    (sys.stdout if wants_help else sys.stderr).write(message(missing))
    sys.exit(0 if wants_help else EXIT_INPUT)


check(sys.argv[1:])
