"""Errors a person can act on: each message says what is wrong and what to try."""

from __future__ import annotations


class WinnowError(Exception):
    """Base of every error Winnow raises on purpose (the CLI prints it in one line, exit 2)."""

    exit_code = 2


class InputError(WinnowError):
    """An input path or file Winnow cannot read as text."""


class ConfigError(WinnowError):
    """An option or configuration value out of range."""


class OutputError(WinnowError):
    """The output directory cannot be written safely."""
