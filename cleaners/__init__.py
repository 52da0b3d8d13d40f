"""Winnow cleaners: split raw text dumps and clean them, every removal with a reason.

Cleaning only: `from cleaners import clean`. Deduplication is `dedupe`'s, and a whole run
(`Pipeline`, `RunConfig`: clean, deduplicate, write) is `winnow_corpus`'s.
"""

from __future__ import annotations

from cleaners.document import Document, Removal
from cleaners.options import CleanOptions
from cleaners.records import clean, to_documents

__all__ = ["CleanOptions", "Document", "Removal", "clean", "to_documents"]

# Names that moved to the run package: a one-line hint instead of a bare "cannot import name"
_MOVED = ("OutputOptions", "Pipeline", "RunConfig", "RunResult")


def __getattr__(name: str) -> object:
    if name in _MOVED:
        raise ImportError(
            f"cleaners.{name} moved to winnow_corpus: use `from winnow_corpus import {name}`"
        )
    raise AttributeError(f"module 'cleaners' has no attribute {name!r}")
