"""winnow.toml and user rules: every flag has a key, unknown keys are errors, CLI overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaners.options import CleanOptions
from cleaners.pipeline import clean
from tests.helpers import run_cli
from winnow_corpus.config import config_from_dict, load_config
from winnow_corpus.errors import ConfigError

DUMP = """\
Harbour authority approves new ferry terminal

The harbour authority on Monday approved plans for a ferry terminal, the chairman said.

Download our app for the latest harbour news.

Work on the terminal is expected to start next spring.
"""

TOML = """\
[clean]
disable = ["captions.photo_credit"]

[[clean.rules]]
name = "app_promo"
pattern = "^Download our app"
reason = "app promotion"

[dedupe]
near_threshold = 0.9

[run]
jobs = 1
keep_duplicates = true
"""


def test_custom_rule_in_code() -> None:
    options = CleanOptions(custom_rules=(("app_promo", r"^Download our app", "app promotion"),))
    docs = clean(DUMP, "d.txt", options)
    assert "Download" not in docs[0].text
    assert [(r.rule, r.reason, r.line) for r in docs[0].removed] == [
        ("custom.app_promo", "app promotion", 5)
    ]


def test_load_config(tmp_path: Path) -> None:
    path = tmp_path / "winnow.toml"
    path.write_text(
        TOML + 'index = "corpus/index.sqlite"\nindex_mode = "check"\n', encoding="utf-8"
    )
    config = load_config(path)
    assert config.clean.disabled_rules == {"captions.photo_credit"}
    assert config.clean.custom_rules == (("app_promo", "^Download our app", "app promotion"),)
    assert config.dedupe.near_threshold == 0.9
    assert config.jobs == 1 and config.keep_duplicates
    assert config.index == Path("corpus/index.sqlite") and config.index_mode == "check"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"clean": {"asci_quotes": True}}, "unknown key"),
        ({"dedup": {}}, "unknown key"),
        ({"dedupe": {"near_threshold": 2.0}}, "invalid configuration"),
        ({"clean": {"rules": [{"name": "x", "pattern": "(", "reason": "r"}]}}, "not a valid regex"),
        ({"clean": {"rules": [{"name": "x", "pattern": "a"}]}}, "exactly"),
        ({"clean": {"split_on": "(["}}, "not a valid regex"),
    ],
)
def test_bad_config_is_a_clear_error(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_dict(data)


def test_cli_config_and_override(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "d.txt").write_text(DUMP, encoding="utf-8")
    (tmp_path / "winnow.toml").write_text(TOML, encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli(
        "clean",
        str(tmp_path / "raw"),
        "--config",
        str(tmp_path / "winnow.toml"),
        "--out",
        str(out),
        "--quiet",
    )
    assert done.returncode == 0, done.stderr
    record = json.loads((out / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert [r["rule"] for r in record["removed"]] == ["custom.app_promo"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[clean\n", encoding="utf-8")
    done = run_cli("clean", str(tmp_path / "raw"), "--config", str(bad), "--out", str(out))
    assert done.returncode == 2 and "not valid TOML" in done.stderr
    assert "Traceback" not in done.stderr
