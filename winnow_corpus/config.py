"""`winnow.toml`: the whole run configuration in one file, every CLI flag mapped to a key.

```toml
[clean]
ascii_quotes = false
disable = ["boilerplate.byline"]        # rules switched off by name (`winnow rules`)
split_on = "^=== .* ===$"
max_article_bytes = 10000000             # longer articles are split into marked parts
text_field = "text"

[[clean.rules]]                          # your own rules: a regex and the reason it removes
name = "promo"
pattern = "^Download our app"
reason = "app promotion"

[dedupe]
near_threshold = 0.8
story_threshold = 0.15                   # cosine; with the calibrated score, two lone
                                         # texts' link also needs 0.9 x this
story_model = "shipped"                  # the calibrated same-story score; "off": the cosine
story_rescue = 0.5                       # with "off": a pair under the cosine passes at this
                                         # calibrated probability (0: no second path)

[run]
jobs = 0                                 # 0: one worker per CPU core
keep_duplicates = false

[output]
format = "jsonl"                         # or "parquet"
compression = "zstd"                     # "none", "gzip", "zstd"
shard_size = 100000                      # articles per file; 0: one file
schema = "input"                         # the input records' fields + a `winnow` field
txt_files = false                        # no NNNN-slug.txt per article
```
Unknown keys are errors, not silently ignored: a typo would otherwise change nothing quietly.
"""

from __future__ import annotations

import os
import tomllib
import types
import typing
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from cleaners.custom import compile_rules
from cleaners.options import CleanOptions
from dedupe import DedupeConfig
from winnow_corpus.errors import ConfigError
from winnow_corpus.runner import RunConfig
from winnow_corpus.writers import OutputOptions

CLEAN_KEYS = {f.name for f in fields(CleanOptions)} - {"disabled_rules", "custom_rules"}
CLEAN_RUN_KEYS = {"split_on", "text_field", "title_field", "strict", "max_article_bytes"}
DEDUPE_KEYS = {f.name for f in fields(DedupeConfig)}
OUTPUT_KEYS = {f.name for f in fields(OutputOptions)}
RUN_KEYS = {
    "jobs",
    "keep_duplicates",
    "deduplicate",
    "engine",
    "ray_address",
    "index",
    "index_mode",
    "temp_dir",
}


def _check_keys(
    section: str, table: dict[str, Any], allowed: set[str], also: tuple[str, ...] = ()
) -> None:
    """`also`: keys the section allows that are read before this check (`disable`, `rules`)."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"[{section}] has unknown key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed | set(also)))}"
        )


# what a TOML value of each field type must be, in the words of the error message
_KINDS: dict[Any, tuple[tuple[type, ...], str]] = {
    bool: ((bool,), "true or false"),
    int: ((int,), "a whole number"),
    float: ((int, float), "a number"),
    str: ((str,), "a string"),
    Path: ((str,), "a path (a string)"),
}


def _check_types(section: str, table: dict[str, Any], *classes: type) -> None:
    """Each value has its field's type: `jobs = "two"` is named here, with what it must be,
    instead of failing later as a comparison between a string and a number."""
    hints: dict[str, Any] = {}
    for cls in classes:
        hints.update(typing.get_type_hints(cls))
    for key, value in table.items():
        hint = hints.get(key)
        if isinstance(hint, types.UnionType):  # `str | None`: TOML has no null, so the str
            hint = next((h for h in typing.get_args(hint) if h is not type(None)), None)
        if hint not in _KINDS:
            continue
        allowed, words = _KINDS[hint]
        if (isinstance(value, bool) and hint is not bool) or not isinstance(value, allowed):
            raise ConfigError(f"[{section}] {key} must be {words}, got {value!r}")


def load_config(path: Path, base: RunConfig | None = None) -> RunConfig:
    """A `RunConfig` from a TOML file, on top of `base` (defaults when None)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    try:
        return config_from_dict(data, base)
    except ConfigError as exc:  # say which file: there may be several winnow.toml about
        raise ConfigError(f"{path}: {exc}") from exc


def config_from_dict(data: dict[str, Any], base: RunConfig | None = None) -> RunConfig:
    """The same mapping as `load_config`, for callers holding the settings already.

    >>> config_from_dict({"dedupe": {"near_threshold": 0.9}, "run": {"jobs": 2}}).jobs
    2
    """
    config = base or RunConfig()
    _check_keys("top level", data, {"clean", "dedupe", "run", "output"})
    clean = dict(data.get("clean", {}))
    dedupe = dict(data.get("dedupe", {}))
    run = dict(data.get("run", {}))
    output = dict(data.get("output", {}))
    rules = clean.pop("rules", [])
    disable = clean.pop("disable", [])
    _check_keys("clean", clean, CLEAN_KEYS | CLEAN_RUN_KEYS, also=("disable", "rules"))
    _check_keys("dedupe", dedupe, DEDUPE_KEYS)
    _check_keys("run", run, RUN_KEYS)
    _check_keys("output", output, OUTPUT_KEYS)
    _check_types("clean", clean, CleanOptions, RunConfig)
    _check_types("dedupe", dedupe, DedupeConfig)
    _check_types("run", run, RunConfig)
    _check_types("output", output, OutputOptions)
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise ConfigError("[clean] disable must be a list of rule names")
    custom = []
    for rule in rules:
        if not isinstance(rule, dict) or set(rule) != {"name", "pattern", "reason"}:
            raise ConfigError("[[clean.rules]] entries need exactly: name, pattern, reason")
        custom.append((str(rule["name"]), str(rule["pattern"]), str(rule["reason"])))
    compile_rules(tuple(custom))  # fail now, with the rule's name, not mid-run
    run_fields = {k: clean.pop(k) for k in list(clean) if k in CLEAN_RUN_KEYS}
    try:
        options = replace(
            config.clean,
            **clean,
            disabled_rules=config.clean.disabled_rules | frozenset(disable),
            custom_rules=config.clean.custom_rules + tuple(custom),
        )
        dedupe_config = replace(config.dedupe, **dedupe)
        for key in ("index", "temp_dir"):
            if key in run:
                run[key] = Path(run[key]) if run[key] else None
        jobs = run.pop("jobs", config.jobs)
        if jobs == 0:
            jobs = os.cpu_count() or 1
        output_options = replace(config.output, **output)
        return replace(
            config,
            clean=options,
            dedupe=dedupe_config,
            jobs=jobs,
            output=output_options,
            **run,
            **run_fields,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid configuration: {exc}") from exc
