"""`python cli.py ...` in a checkout: the same command as the installed `winnow`.

The body lives in `winnow_corpus.cli`, so installing Winnow adds no top-level module named
`cli` to a user's environment; this file only lets a checkout run without installing.
"""

from winnow_corpus.cli import entry

if __name__ == "__main__":
    entry()
