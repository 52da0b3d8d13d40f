"""Winnow's run: read, split, clean (`cleaners`), deduplicate (`dedupe`), write and report.

`from winnow_corpus import Pipeline, RunConfig`: a whole run configured as the CLI is. The
cleaning alone is `cleaners.clean`; deduplication alone is `dedupe.find_duplicates`.

The names are loaded on first use. Why: `cli.py` imports `winnow_corpus.interrupt` and
`winnow_corpus.dependencies` before anything else, so that a Ctrl-C during start-up exits
cleanly and a missing package is named instead of a traceback; importing the package must not
pull in polars, numpy and the whole run first. (There is no import cycle to dodge.)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from winnow_corpus.api import Pipeline
    from winnow_corpus.errors import WinnowError
    from winnow_corpus.runner import RunConfig, RunResult
    from winnow_corpus.writers import OutputOptions

_HOMES = {
    "OutputOptions": "winnow_corpus.writers",
    "Pipeline": "winnow_corpus.api",
    "RunConfig": "winnow_corpus.runner",
    "RunResult": "winnow_corpus.runner",
    "WinnowError": "winnow_corpus.errors",
}
__all__ = ["OutputOptions", "Pipeline", "RunConfig", "RunResult", "WinnowError"]


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module 'winnow_corpus' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
