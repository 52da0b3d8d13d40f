"""Winnow dedupe: exact, near-verbatim and same-story duplicates with seeded MinHash + LSH.

`find_duplicates` takes any objects with `id` and `text` (`HasText`), dicts, or a table
(polars or pyarrow) with those columns; it imports nothing of the packages that use it.
"""

from dedupe.core import Cluster, DedupeConfig, DedupeResult, Duplicate, find_duplicates
from dedupe.errors import DedupeError
from dedupe.records import HasText, Record

__all__ = [
    "Cluster",
    "DedupeConfig",
    "DedupeError",
    "DedupeResult",
    "Duplicate",
    "HasText",
    "Record",
    "find_duplicates",
]
