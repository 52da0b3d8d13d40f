"""Winnow cleaners: read, split and clean raw text dumps, every removal with a reason.

The library surface lives in `cleaners.api` and is re-exported here:
`from cleaners import clean, Pipeline, RunConfig`.
"""

from cleaners.api import Pipeline, clean, to_documents
from cleaners.document import Document, Removal
from cleaners.options import CleanOptions
from cleaners.runner import RunConfig, RunResult
from cleaners.writers import OutputOptions

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
