"""Winnow cleaners: read, split and clean raw text dumps, every removal with a reason.

The library surface lives in `cleaners.api` and is re-exported here:
`from cleaners import clean, Pipeline, RunConfig`. The names are loaded on first use, so that
`dedupe` (which needs `cleaners.document`) can be imported first without a circular import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cleaners.api import Pipeline, clean, to_documents
    from cleaners.document import Document, Removal
    from cleaners.options import CleanOptions
    from cleaners.runner import RunConfig, RunResult
    from cleaners.writers import OutputOptions

_HOMES = {
    "CleanOptions": "cleaners.options",
    "Document": "cleaners.document",
    "OutputOptions": "cleaners.writers",
    "Pipeline": "cleaners.api",
    "Removal": "cleaners.document",
    "RunConfig": "cleaners.runner",
    "RunResult": "cleaners.runner",
    "clean": "cleaners.api",
    "to_documents": "cleaners.api",
}
__all__ = [
    "CleanOptions",
    "Document",
    "OutputOptions",
    "Pipeline",
    "Removal",
    "RunConfig",
    "RunResult",
    "clean",
    "to_documents",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'cleaners' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
