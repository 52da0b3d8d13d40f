"""Winnow cleaners: read, split and clean raw text dumps, every removal with a reason."""
