"""Lined news: a JSONL news corpus that keeps line structure, with duplicates at known rates.

Why: issue 18's speed targets are measured on news whose lines still carry their structure
(paragraphs, wire furniture, page menus), not on clean prose, and a clone of the project has no
dev data to build such a corpus from. This script makes one from text it generates, with the
mix of the shared `make_lined_corpus.py` (which draws the same mix from the dev sets, and serves
to cross-check this one):

* ``article``: an article body, paragraphs separated by blank lines, sometimes opening on a
  dateline ("HARTFORD — ..."), with curly quotes (about 4 KB);
* ``wire``: a wire story: an upper-case title, an indented "CITY, Mon DD - " dateline,
  paragraphs hard-wrapped at about 65 characters and indented, a " Reuter" sign-off; some are
  results tables ("Shr 27 cts vs 29 cts") (about 0.9 KB);
* ``page``: a news web page from one of a few dozen sites, each with its own furniture that
  recurs on every page of the site: top menus, log-in and subscribe links, a share bar, a
  byline, an "Updated:" stamp, captions with credits, "Advertisement" slots, related links and
  a footer of site links; the article's paragraphs are one line each (about 8 KB).

By document the shapes come in the shared script's proportions (17 % articles, 76 % wire
stories, 7 % pages, so about a third of the bytes each). Copies of a recent original (one of the
last `WINDOW`) are injected at known rates: ``exact`` (byte for byte) and ``near`` (about one
word in a hundred of the prose replaced, deleted or inserted, at least one; furniture kept).

Output: ``OUT`` holds one record ``{"id", "text"}`` a line (the shared script's fields). Beside
it, ``OUT.pairs.jsonl`` holds one ground-truth pair a line, ``{"a", "b", "kind", "jaccard5"}``
(``a`` the original, ``b`` the copy, ``jaccard5`` the word 5-gram Jaccard of the two texts),
and ``OUT.index.jsonl`` every document, ``{"id", "shape", "kind"}`` plus ``"of"`` for a copy:
enough to score dedupe's recall and precision. MB counts the texts' UTF-8 bytes, as the shared
script does. The prose comes from `generate.py` (its vocabulary, stories and sentences); the
same ``--seed`` gives byte-identical files.

Example::

    python benchmarks/make_lined_news.py benchmarks/data/lined-20MB.jsonl 20 --seed 1
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # generate.py, beside this file

from generate import (
    TOPICS,
    VOCAB_PATH,
    Article,
    Generator,
    Story,
    Vocab,
    jaccard,
    shingles,
)

SHAPES = ("article", "wire", "page")
SHAPE_WEIGHTS = (0.17, 0.76, 0.07)  # by document, as the shared script's sources come
RATES = {"exact": 0.05, "near": 0.05}  # of all documents
WINDOW = 200  # copies are of one of the last WINDOW originals, as in the shared script
N_SITES = 40  # web sites whose pages the corpus holds, each with its own furniture
WRAP = 65  # wire stories are hard-wrapped at about this many characters

MONTHS = ("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov",
          "Dec")  # fmt: skip
SECTIONS = ("Home", "News", "World", "U.S.", "Politics", "Business", "Markets", "Economy",
            "Tech", "Science", "Health", "Climate", "Sport", "Sports", "Culture", "Arts",
            "Books", "Travel", "Food", "Style", "Opinion", "Editorials", "Letters", "Video",
            "Podcasts", "Photos", "Weather", "Local", "Region", "Obituaries", "Puzzles",
            "Crossword", "Games", "Education", "Energy", "Transport", "Courts", "Real Estate",
            "Jobs", "Events", "Live", "Latest", "Most Read", "Long Reads", "Investigations",
            "Newsletters", "Today's Paper", "Archive", "Corrections", "Magazine")  # fmt: skip
HEADER = ("Skip to content", "Skip to main content", "Search", "SEARCH", "Sections", "Menu",
          "Log In", "Sign In", "Subscribe", "Subscribe now", "Register", "My Account",
          "Advertisement", "Continue reading the main story", "Supported by",
          "Breaking News", "Trending", "Follow us")  # fmt: skip
SHARE = ("Share", "Share this article", "Share on Facebook", "Share on Twitter", "Facebook",
         "Twitter", "LinkedIn", "WhatsApp", "Email", "Copy link", "Print", "Comments",
         "Save", "Gift this article", "Share via Email")  # fmt: skip
FOOTER = ("About Us", "Contact Us", "Contact", "Careers", "Work with us", "Advertise",
          "Privacy Policy", "Privacy", "Cookie Policy", "Cookie Settings", "Terms of Use",
          "Terms of Service", "Terms of Sale", "Accessibility", "Site Map", "Help", "FAQ",
          "Corrections", "Ethics Policy", "Do Not Sell My Personal Information",
          "Manage My Account", "Home Delivery", "Digital Subscriptions", "Gift Subscriptions",
          "Mobile Apps", "RSS", "Newsletters", "Ad Choices", "Licensing", "Syndication",
          "Press Room", "Store", "Back to top")  # fmt: skip
RELATED = ("Related", "Related Articles", "More from {site}", "Most Popular", "Read more",
           "You may also like", "Recommended", "Trending Now", "More stories")  # fmt: skip
PROMOS = ("Sign up for our newsletter to get the latest news in your inbox.",
          "Want more stories like this? Subscribe to {site} for unlimited access.",
          "Get the {site} app for breaking news alerts.",
          "Support independent journalism: subscribe to {site} today.",
          "Follow {site} on Facebook, Twitter and Instagram.")  # fmt: skip
RESULT_ROWS = ("Shr", "Net", "Revs", "Oper shr", "Oper net", "Avg shrs", "Sales", "Qtly div")


@dataclass(frozen=True, slots=True)
class Site:
    """One web site's furniture: what every page of it carries, in its own form."""

    name: str
    header: tuple[str, ...]
    menu: tuple[str, ...]
    share: tuple[str, ...]
    related: str
    promo: str
    footer: tuple[str, ...]
    stamp: str  # "Updated: {date}" and the like
    caption: str  # how its captions credit the photographer
    ads: bool  # "Advertisement" slots between paragraphs


@dataclass(slots=True)
class Doc:
    """A generated original: its text as lines, the indexes of its prose lines (the ones a near
    copy may edit) and its story (for a near copy's word edits)."""

    shape: str
    lines: list[str]
    prose: list[int]
    story: Story


class LinedNews:
    """Deterministic maker of lined news documents: all randomness comes from one seeded rng
    (`generate.Generator`'s), so a seed gives the same corpus."""

    def __init__(self, seed: int) -> None:
        self.gen = Generator(Vocab(VOCAB_PATH.read_text(encoding="utf-8")), seed)
        self.rng = self.gen.rng
        self.sites = [self.site() for _ in range(N_SITES)]
        self.recent_headlines: deque[str] = deque(maxlen=64)  # related links on pages

    # ------------------------------------------------------------------------- furniture
    def site(self) -> Site:
        rng, gen = self.rng, self.gen
        name = gen.outlet()
        menu = rng.sample(SECTIONS, rng.randint(20, 50))
        menu += [t.capitalize() for t in rng.sample(TOPICS, rng.randint(0, 4))]
        # the site's running topics, as menus list them ("Election 2020", a show, a product)
        menu += [f"{gen.rare().capitalize()} {gen.rare().capitalize()}" for _ in range(
            rng.randint(0, 12))]  # fmt: skip
        footer = rng.sample(FOOTER, rng.randint(15, 33)) + rng.sample(SECTIONS, rng.randint(15, 50))
        footer.append(f"© {rng.randint(2015, 2025)} {name}. All rights reserved.")
        return Site(
            name=name,
            header=tuple(rng.sample(HEADER, rng.randint(3, 9))),
            menu=tuple(menu),
            share=tuple(rng.sample(SHARE, rng.randint(0, 6))),
            related=rng.choice(RELATED).replace("{site}", name),
            promo=rng.choice(PROMOS).replace("{site}", name),
            footer=tuple(footer),
            stamp=rng.choice(
                (
                    "Updated: {date}",
                    "Published {date}",
                    "Last updated {date}",
                    "{date}",
                    "Posted: {date}",
                )
            ),
            caption=rng.choice(
                (
                    "Credit...{who}/{agency}",
                    "Photo: {who}/{agency}",
                    "({who}/{agency})",
                    "Photograph: {who} / {agency}",
                    "Image: {agency}",
                )
            ),
            ads=rng.random() < 0.6,
        )

    def date(self, s: Story) -> str:
        rng = self.rng
        hour, minute = rng.randint(1, 12), rng.randrange(60)
        day = rng.randint(1, 28)
        return f"{day} {s.month[:3]} {s.year} {hour}:{minute:02d} {rng.choice(('am', 'pm'))}"

    def caption(self, site: Site, s: Story) -> str:
        gen, v = self.gen, self.gen.v
        credit = site.caption.format(who=gen.person().full, agency=v.word(self.rng, "agency"))
        what = v.render(v.concept(self.rng, "role_noun")).capitalize()
        return f"{what} in {self.rng.choice(s.places)} on {s.day}. {credit}"

    # ------------------------------------------------------------------------- the shapes
    def sentences(self, s: Story, low: int, high: int) -> list[str]:
        """Between `low` and `high` rendered sentences of story `s`, as paragraphs."""
        gen = self.gen
        # without generate.py's clauses: this corpus measures speed, and it stays the text its
        # earlier figures were measured on
        count = self.rng.randint(low, high)
        return gen.paragraphs([gen.sentence(s, clause=False) for _ in range(count)])

    def article(self) -> Doc:
        """A body as news sites' article fields hold it: paragraphs and blank lines only."""
        s = self.gen.story()
        paragraphs = self.sentences(s, 24, 60)
        if self.rng.random() < 0.4:
            paragraphs[0] = f"{s.places[0].split()[0].upper()} — {paragraphs[0]}"
        lines: list[str] = []
        for paragraph in paragraphs:
            lines += [paragraph, ""]
        lines.pop()
        return Doc("article", lines, list(range(0, len(lines), 2)), s)

    def wire(self) -> Doc:
        """A wire story: title, indented dateline, wrapped paragraphs (or a results table),
        sign-off."""
        rng, gen = self.rng, self.gen
        s = gen.story()
        title = gen.headline(s).upper()
        if rng.random() < 0.3:
            title += f" <{s.org.split()[0][:3].upper()}>"
        place = s.places[0].split()[0].upper()
        dateline = f"{place}, {rng.choice(MONTHS)} {rng.randint(1, 31)} - "
        lines = [title]
        prose: list[int] = []
        if rng.random() < 0.2:  # a results table
            lines.append("    " + dateline.rstrip())
            for row in rng.sample(RESULT_ROWS, rng.randint(3, len(RESULT_ROWS))):
                a, b = rng.randint(1, 999), rng.randint(1, 999)
                unit = rng.choice((" cts", " dlrs", " mln", " mln dlrs", ""))
                lines.append(f"    {row} {a}{unit} vs {b}{unit}")
            paragraphs = self.sentences(s, 1, 4)
        else:
            paragraphs = self.sentences(s, 4, 12)
            paragraphs[0] = dateline + paragraphs[0]
        for paragraph in paragraphs:
            first = len(lines)
            lines += wrap(paragraph, WRAP)
            lines[first] = "    " + lines[first]
            prose += range(first, len(lines))
        lines.append(" Reuter")
        return Doc("wire", lines, prose, s)

    def page(self) -> Doc:
        """A web page: the site's furniture around the headline, standfirst, byline, stamp,
        captions and the article's paragraphs (one line each)."""
        rng, gen = self.rng, self.gen
        site = rng.choice(self.sites)
        s = gen.story()
        headline = gen.headline(s)
        lines = [*site.header, *site.menu, headline]
        prose: list[int] = []
        lines.append(gen.render(gen.sentence(s, clause=False)))  # the standfirst
        if rng.random() < 0.8:
            lines.append(f"By {gen.person().full}")
        lines.append(site.stamp.format(date=self.date(s)))
        lines += site.share
        paragraphs = self.sentences(s, 30, 80)
        captions = {rng.randrange(len(paragraphs)) for _ in range(rng.randint(0, 3))}
        for n, paragraph in enumerate(paragraphs):
            if n in captions:
                lines.append(self.caption(site, s))
            prose.append(len(lines))
            lines.append(paragraph)
            if site.ads and n % 6 == 5:
                lines.append("Advertisement")
        lines.append(site.promo)
        lines += site.share
        if self.recent_headlines:
            lines.append(site.related)
            k = min(len(self.recent_headlines), rng.randint(4, 12))
            lines += rng.sample(list(self.recent_headlines), k)
        lines += site.footer
        self.recent_headlines.append(headline)
        return Doc("page", lines, prose, s)

    def original(self) -> Doc:
        (shape,) = self.rng.choices(SHAPES, weights=SHAPE_WEIGHTS)
        return (
            self.article()
            if shape == "article"
            else self.wire()
            if shape == "wire"
            else (self.page())
        )

    def near(self, doc: Doc) -> list[str]:
        """`doc` with about one prose word in a hundred replaced, deleted or inserted (at least
        one); `generate.Generator.near` does the edits, on the prose lines only."""
        # Generator.near edits the non-empty lines after the first two (a headline and a blank)
        prose = ["", "", *(doc.lines[i] for i in doc.prose)]
        edited = self.gen.near(Article(doc.story, "", [], prose))
        while edited == prose:  # the edits put back what they took: a copy, not a near copy
            edited = self.gen.near(Article(doc.story, "", [], prose))
        lines = list(doc.lines)
        for i, line in zip(doc.prose, edited[2:], strict=True):
            lines[i] = line
        return lines


def wrap(text: str, width: int) -> list[str]:
    """`text` broken at spaces into lines of about `width` characters (a word longer than
    `width` gets a line of its own)."""
    lines: list[str] = []
    line: list[str] = []
    size = 0
    for word in text.split(" "):
        if line and size + 1 + len(word) > width:
            lines.append(" ".join(line))
            line, size = [], 0
        size += len(word) + (1 if line else 0)
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


def make(out: Path, mb: float, seed: int, rates: dict[str, float] | None = None) -> dict[str, int]:
    """Write the corpus and its two ground-truth files; return documents per shape and kind."""
    rates = rates or RATES
    news = LinedNews(seed)
    rng = news.rng
    pool: deque[tuple[str, Doc]] = deque(maxlen=WINDOW)
    counts = dict.fromkeys([*SHAPES, "original", "exact", "near"], 0)
    out.parent.mkdir(parents=True, exist_ok=True)
    size, n = 0, 0
    with (
        out.open("w", encoding="utf-8") as corpus,
        out.with_name(out.name + ".pairs.jsonl").open("w", encoding="utf-8") as pairs,
        out.with_name(out.name + ".index.jsonl").open("w", encoding="utf-8") as index,
    ):
        while size < mb * 1e6:
            doc_id = f"d{n}"
            r = rng.random()
            kind = "original"
            if pool and r < rates["exact"] + rates["near"]:
                kind = "exact" if r < rates["exact"] else "near"
            record: dict[str, object]
            if kind == "original":
                doc = news.original()
                lines = doc.lines
                pool.append((doc_id, doc))
                record = {"id": doc_id, "shape": doc.shape, "kind": kind}
            else:
                of, doc = rng.choice(pool)
                lines = list(doc.lines) if kind == "exact" else news.near(doc)
                record = {"id": doc_id, "shape": doc.shape, "kind": kind, "of": of}
                similarity = (
                    1.0 if kind == "exact" else jaccard(shingles(doc.lines), shingles(lines))
                )
                pair = {"a": of, "b": doc_id, "kind": kind, "jaccard5": round(similarity, 4)}
                pairs.write(json.dumps(pair) + "\n")
            text = "\n".join(lines)
            corpus.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
            index.write(json.dumps(record) + "\n")
            counts[doc.shape] += 1
            counts[kind] += 1
            size += len(text.encode("utf-8"))
            n += 1
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the JSONL file to write")
    parser.add_argument("mb", type=float, help="megabytes of text (10^6 bytes of UTF-8)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--exact-rate", type=float, default=RATES["exact"])
    parser.add_argument("--near-rate", type=float, default=RATES["near"])
    args = parser.parse_args(argv)
    if args.exact_rate + args.near_rate >= 1:
        parser.error("--exact-rate plus --near-rate must be below 1")
    started = time.perf_counter()
    counts = make(args.out, args.mb, args.seed, {"exact": args.exact_rate, "near": args.near_rate})
    took = time.perf_counter() - started
    total = counts["original"] + counts["exact"] + counts["near"]
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {total} documents: "
        + ", ".join(f"{counts[k]} {k}" for k in (*SHAPES, "original", "exact", "near"))
        + f") in {took:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
