"""The reason a run's summaries count a removal under.

A rule may add a detail about the one line to its reason, in parentheses (the line model names
each line's p(body) and the features that weighed most): `removed.jsonl` and `winnow explain`
show it, while the report, the command's summary and report.html count such removals under the
rule's reason alone, so that they list one row per reason, not one per line.
"""

from __future__ import annotations

from functools import lru_cache

from cleaners import line_model

# The rules that add a detail to their reason: rule name -> the reason without it.
DETAILED: dict[str, str] = {line_model.RULE: line_model.REASON}


@lru_cache(maxsize=1 << 14)
def summary_reason(rule: str, reason: str) -> str:
    """`reason` without the detail `rule` adds about its line (see the module's docstring).
    Cached: a run's removals repeat a few thousand (rule, reason) pairs, and the report asks
    for each removal's twice.

    >>> summary_reason(line_model.RULE, f"{line_model.REASON} (p(body) 0.10; few words)")
    'page furniture by the line model'
    >>> summary_reason("custom.promo", "app promotion (iOS)")
    'app promotion (iOS)'
    """
    plain = DETAILED.get(rule)
    if plain is not None and reason.startswith(f"{plain} (") and reason.endswith(")"):
        return plain
    return reason
