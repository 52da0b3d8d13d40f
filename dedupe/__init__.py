"""Winnow dedupe: exact, near-verbatim and same-story duplicates with seeded MinHash + LSH."""

from dedupe.core import Cluster, DedupeConfig, DedupeResult, Duplicate, find_duplicates

__all__ = ["Cluster", "DedupeConfig", "DedupeResult", "Duplicate", "find_duplicates"]
