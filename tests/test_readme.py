"""README.md stays honest: its python blocks run, its commands exist and have help."""

from __future__ import annotations

import re

import pytest

from tests.helpers import REPO
from winnow_corpus.cli import main

README = (REPO / "README.md").read_text(encoding="utf-8")
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_readme_has_the_two_commands() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.DOTALL)
    assert any("pip install -e ." in b and "winnow clean" in b for b in blocks)
    assert any("pip install -e '.[test]' && pytest" in b for b in blocks)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && pytest" in ci


@pytest.mark.parametrize(
    "block", PYTHON_BLOCKS, ids=[f"block{i}" for i in range(len(PYTHON_BLOCKS))]
)
def test_python_blocks_run(block: str) -> None:
    exec(compile(block, "README.md", "exec"), {"__name__": "readme"})


def test_every_command_is_in_the_readme() -> None:
    for name in main.commands:
        assert f"winnow {name}" in README, name
