"""Switches for the cleaning steps, shared by every category module.

Kept apart from `cleaners.pipeline` so that a category module can read its options without
importing the pipeline that imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cleaners.document import Document

Step = Callable[[Document], Document]


@dataclass(frozen=True, slots=True)
class CleanOptions:
    """One switch per cleaning step, plus rules switched off by name."""

    fix_unicode: bool = True
    ascii_quotes: bool = False  # curly quotes are content; straighten only when asked
    headlines: bool = True  # republisher headline out, original headline to `title`
    captions: bool = True
    boilerplate: bool = True
    footers: bool = True
    learn_recurring: bool = True  # lines (shapes) recurring across many articles of one run
    recurring_min_docs: int = 3  # a shape must recur in at least this many articles
    recurring_min_share: float = 0.05  # ... and in at least this share of the run's articles
    # How the boilerplate step finds the article body of a flattened web page: "model" drops the
    # lines a fitted body-or-furniture model calls furniture (`cleaners.line_model`); "frame"
    # keeps the span with the most prose (`boilerplate.article_span`), which the model reads as
    # one of its features and which scores higher only on the pages it was tuned on
    # (docs/quality.md). Only pages are affected.
    page_model: str = "model"
    disabled_rules: frozenset[str] = frozenset()
    # A user's own line rules without editing Winnow: (name, regex, reason); a line the regex
    # finds is removed with that reason, as rule `custom.<name>`.
    custom_rules: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.page_model not in PAGE_MODELS:
            raise ValueError(
                f"page_model must be one of {', '.join(PAGE_MODELS)}, got {self.page_model!r}"
            )


PAGE_MODELS = ("frame", "model")
