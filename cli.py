"""`python cli.py ...` in a checkout: the same command as the installed `winnow`.

The body lives in `winnow_corpus`, so installing Winnow adds no top-level module named `cli` to
a user's environment; this file only lets a checkout run without installing. It imports
nothing until it runs as the main program: worker processes import it again when they start.
"""

if __name__ == "__main__":
    from winnow_corpus.launch import entry

    entry()
