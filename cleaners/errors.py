"""Errors a person can act on: each message says what is wrong and what to try.

The cleaning code raises `ConfigError` (a custom rule, the engine switch) and `InputError` (a
record without usable text); `WinnowError` is their base and the base of the run's errors
(`winnow_corpus.errors`), which the CLI prints in one line. Dedupe has its own (`dedupe.errors`).
"""

from __future__ import annotations


class WinnowError(Exception):
    """Base of every error Winnow raises on purpose (the CLI prints it in one line, exit 2)."""

    exit_code = 2


class InputError(WinnowError):
    """An input path or file Winnow cannot read as text."""


class ConfigError(WinnowError):
    """An option or configuration value out of range."""
