"""Winnow dedupe: exact, near-verbatim and same-story duplicates with seeded MinHash + LSH."""
