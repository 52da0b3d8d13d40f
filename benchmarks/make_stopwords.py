"""Write `cleaners/stopwords.json`: each language's most frequent words, from wordfreq.

The line model's stop-word share (`cleaners.line_model`) needs the function words of the page's
language: a paragraph is full of them, a menu or a share bar has almost none. wordfreq's word
lists (Speer, 2022; Wikipedia, subtitles, news, web text and more per language) rank a language's
words by frequency; its top words are that language's function words. Needs the `train` extra.

    python benchmarks/make_stopwords.py            # rewrites cleaners/stopwords.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

# The languages of the dev pages and the larger European ones; wordfreq has a "large" list for each.
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sv", "ru")
TOP = 150  # about the function words; past ~200 the lists hold content words (`year`, `city`)
OUT = Path(__file__).resolve().parents[1] / "cleaners" / "stopwords.json"


def stop_words(language: str, top: int = TOP) -> list[str]:
    """The `top` most frequent alphabetic words of `language`, in frequency order."""
    from wordfreq import top_n_list

    words = [w for w in top_n_list(language, top * 2) if w.isalpha()]
    return words[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--top", type=int, default=TOP)
    args = parser.parse_args()
    from importlib.metadata import version

    data = {
        "source": f"wordfreq {version('wordfreq')}, top {args.top} alphabetic words per language",
        "languages": {lang: stop_words(lang, args.top) for lang in LANGUAGES},
    }
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{args.out.name}: {len(LANGUAGES)} languages, {args.top} words each")


if __name__ == "__main__":
    main()
