"""The packages' boundaries: `cleaners` and `dedupe` import neither each other nor the run.

`cleaners` (rules, cleaning stages) and `dedupe` (signatures, LSH, verification, clusters,
index) are libraries; `winnow_corpus` (the run) composes them. Their contract is fields and
tables (`docs/architecture.md`), not each other's classes. Every module's imports are read
with `ast` (those inside functions too, and those in its doctests, which run with the tests),
so a lazy import cannot slip a cycle back in. Neither library prints: no rich, no click.
"""

from __future__ import annotations

import ast
import doctest
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "cleaners": {"dedupe", "winnow_corpus", "rich", "click"},
    "dedupe": {"cleaners", "winnow_corpus", "rich", "click"},
}


def _modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


def _imported(tree: ast.AST, module: str) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every import in `tree`; relative ones resolved in `module`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: stays in its own package
                yield node.lineno, module.split(".")[0]
            elif node.module:
                yield node.lineno, node.module.split(".")[0]


def _doctest_trees(source: str) -> Iterator[ast.AST]:
    parser = doctest.DocTestParser()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=True)
            for example in parser.get_examples(docstring or ""):
                try:
                    yield ast.parse(example.source)
                except SyntaxError:  # a continuation shown on its own: not an import
                    continue


def _violations(package: str) -> list[str]:
    found = []
    for path in _modules(package):
        relative = path.relative_to(REPO)
        module = ".".join(relative.with_suffix("").parts)
        source = path.read_text(encoding="utf-8")
        trees = [ast.parse(source, str(relative)), *_doctest_trees(source)]
        for tree in trees:
            for line, imported in _imported(tree, module):
                if imported in FORBIDDEN[package]:
                    found.append(f"{relative}:{line} imports {imported}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_library_packages_keep_their_boundaries(package: str) -> None:
    assert _modules(package), f"no modules found under {package}/"
    assert _violations(package) == []


def test_the_check_sees_what_it_must() -> None:
    """The reader finds plain, from-, lazy (in a function) and doctest imports."""
    source = '''
import rich.console
from click import echo


def later():
    """
    >>> from winnow_corpus import Pipeline
    """
    from dedupe.core import find_duplicates
'''
    tree = ast.parse(source)
    direct = {name for _, name in _imported(tree, "cleaners.x")}
    in_docs = {name for t in _doctest_trees(source) for _, name in _imported(t, "cleaners.x")}
    assert direct == {"rich", "click", "dedupe"}
    assert in_docs == {"winnow_corpus"}


def test_the_run_package_is_installed() -> None:
    """pyproject's package list names all three packages (a wheel without the run is broken)."""
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'include = ["cleaners*", "dedupe*", "winnow_corpus*"]' in pyproject
