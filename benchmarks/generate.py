"""Generate a synthetic news dump of any size, with duplicates injected at known rates.

Why: Winnow's speed targets are about megabytes to gigabytes of dumps, and recall has to be
checked at that scale too, but real labelled corpora are small and cannot be committed. This
script writes prose built from the bundled vocabulary (`benchmarks/vocab.txt`, written for this
project) and open vocabularies of made-up words, in the dump format Winnow reads: a headline
line, a blank line, then paragraphs separated by blank lines; some articles carry a republisher
headline ("headline | author | outlet"), a byline, a timestamp, a dateline, photo captions or a
"first published" footer.

Articles overlap about as much as real news does, measured with `benchmarks/realism.py` against
the real labelled sets (the story tier's cosine and shared content words, word 5-gram Jaccard):
unrelated articles, other events of one topic (the hard negatives), and retellings of one event.
Each story is one of ten topics and is written from its own slice of the vocabulary: a few
concepts of each word section (the commoner ones likelier), a few of the 24 sentence forms and
time phrases, its people, places, organisation and numbers, and 10-22 made-up terms of its
topic; half of the term slots and second speakers are passing mentions from outside the story,
and most nouns, verbs and adjectives come from one shared open vocabulary of ordinary words.
Every sentence goes on with a clause of such words, and the number of sentences
is log-normal: the words per article and the distinct content words per article spread as the
dev sets' news does (p10 / median / p90 of content words 129 / 230 / 421 here; BASIL
115 / 222 / 353, Giveme5W1H 82 / 205 / 445).
The made-up words (names, places, terms, ordinary words) are drawn from Pitman-Yor processes
(`PitmanYor`): new words keep turning up at any size, as Heaps' law says they do in real text,
and their counts follow Zipf's law. A fixed lexicon would be used up at scale, leaving every
word of a 1 GB dump in hundreds of articles.

Three kinds of duplicate are injected, each a copy of an earlier original:

* ``exact``: the article again, byte for byte;
* ``near``: a few words replaced, deleted or inserted (about one edit per 100 words);
* ``story``: the same event retold by another writer, as close to the original as a random
  "closeness" makes it: from none to a quarter of the original's sentences kept (shuffled,
  synonyms swapped), new ones in the writer's own words and forms, the same places, some of the
  same people, numbers and terms and some of its own, a new headline and byline. Short
  originals give retellings that share fewer than Winnow's 20 content words.

Beside ``OUT`` it writes ``OUT.pairs.jsonl`` (one ground-truth pair per line: the original ``a``,
the copy ``b``, ``kind``, their headline line numbers and the exact word 5-gram Jaccard of the two
articles) and ``OUT.index.jsonl`` (every article's id, first and last line, kind, and the original
it copies). The same ``--seed`` gives byte-identical files.

Example::

    python benchmarks/generate.py --size 10MB --out benchmarks/data/corpus-10MB.txt --seed 1
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from array import array
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path

VOCAB_PATH = Path(__file__).with_name("vocab.txt")
TOPICS = (
    "politics",
    "economy",
    "courts",
    "health",
    "weather",
    "sport",
    "science",
    "transport",
    "education",
    "energy",
)
UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9}
WORD = re.compile(r"\w+")
# Real news has a long tail of rare words (names of schemes, products, firms, terms of art) that
# make two unrelated stories differ; the bundled vocabulary alone is far too small for that, so
# every story also draws a few words from an open vocabulary of pronounceable made-up words
# (`PitmanYor`: discount, concentration), new ones still turning up at any size, as in real news.
RARE_WORDS = (0.6, 500.0)
# Ordinary words beyond the bundled vocabulary's few hundred: a share of the nouns, verbs and
# adjectives comes from one open vocabulary shared by every story (its common words in many
# articles, its tail in few), so an article holds as many distinct content words as a real one.
GENERAL_WORDS = (0.4, 800.0)
GENERAL_TAIL = 0.8
GENERAL_SECTIONS = frozenset({"noun_general", "adjective", "verb_past", "adverb"})
ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r",
          "s", "st", "t", "tr", "v", "w", "z", "sh", "ch", "")  # fmt: skip
VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou")
CODAS = ("", "", "n", "r", "l", "s", "t", "m", "nd", "rt", "x")

# How many concepts of each word section one story draws its prose from (fewest, most), and the
# weight offset of that draw: concept n of a section is picked with weight 1 / (n + offset), so
# the first lines of a section (the commonest words) turn up in many stories and the rest in few.
SLICES: dict[str, tuple[int, int]] = {
    "noun_general": (3, 6),
    "verb_past": (3, 6),
    "adjective": (2, 5),
    "adverb": (1, 3),
    "role_noun": (2, 4),
    "topic": (3, 6),
    "verb_say": (1, 3),
    "connector": (2, 4),
    "quote_open": (1, 3),
}
SLICE_OFFSET = 4
# Real articles' lengths are log-normal: a sentence count drawn so (median, sigma; at least and
# at most SENTENCE_BOUNDS) gives generated articles the dev sets' spread of words per article.
ORIGINAL_SENTENCES = (26.0, 0.6)
SENTENCE_BOUNDS = (5, 250)
# Each sentence goes on with a clause of ordinary words ("..., as the ..."): real writers vary
# their words more than a story's few forms do, and an article of real length holds as many
# distinct content words as a real one only with it (benchmarks/README.md, realism).
CLAUSE_OPENERS = ("as", "while", "after", "before", "because", "although", "when", "since")
N_FORMS = 24  # sentence forms in Generator.sentence
FORMS_PER_STORY = (8, 14)
TIMES_PER_STORY = (2, 4)  # time phrases ("last week", "on Tuesday") one story uses
# Made-up terms per story, drawn from its topic's own open vocabulary (TOPIC_TERMS): same-topic
# stories sometimes share a term, like real reports sharing the name of a scheme or a body.
KEYWORDS_PER_STORY = (10, 22)
TOPIC_TERMS = (0.5, 200.0)  # each topic's own open vocabulary of terms (`PitmanYor`)
PASSING_TERM = 0.5  # share of term slots that name a term from outside the story's own
PASSING_PERSON = 0.5  # share of second speakers quoted once, from outside the story's people
SYNONYM_RATE = 0.3  # share of words written in another spelling of their concept
# A same-story retelling has a closeness c = u ** RETOLD_SKEW (u uniform: most retellings are
# far from the original, a few lean on it). It keeps each sentence of the original with
# probability RETOLD_KEEP * c (shuffled, words swapped for synonyms), adds RETOLD_ADDED (of the
# original's count) new sentences in its writer's own words and forms, and keeps each of the
# story's terms, people and numbers with probability RETOLD_SAME_* * (0.5 + c); the writer
# adds people and figures of its own. Tuned with benchmarks/realism.py so the retellings'
# cosine matches the dev sets' same-story pairs (p10 0.11, median 0.18, p90 0.32 here; BASIL
# 0.14 / 0.22 / 0.33, Giveme5W1H 0.10 / 0.18 / 0.33).
RETOLD_KEEP = 0.25
RETOLD_ADDED = 0.8
RETOLD_SAME_TERM = 0.4
RETOLD_SAME_PERSON = 0.7
RETOLD_SAME_NUMBER = 0.6
RETOLD_SKEW = 2.0

# A sentence is a list of pieces: a literal string, or an int `concept * 16 + variant` so a
# same-story rewrite can swap the variant for a synonym.
Piece = str | int
Sentence = list[Piece]


class Vocab:
    """The bundled vocabulary: concepts (lists of synonyms) grouped in sections."""

    def __init__(self, text: str) -> None:
        self.variants: list[tuple[str, ...]] = []
        self.sections: dict[str, list[int]] = {}
        section = ""
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
                self.sections[section] = []
                continue
            self.sections[section].append(len(self.variants))
            self.variants.append(tuple(v.strip() for v in line.split("|")))
        # Zipf-like weights: the n-th concept of a section is drawn with weight 1 / (n + 2).
        self.cum: dict[str, list[float]] = {
            name: list(accumulate(1.0 / (n + 2) for n in range(len(ids))))
            for name, ids in self.sections.items()
        }
        # Single-word sections are flattened: every spelling is its own entry.
        self.flat: dict[str, list[str]] = {
            name: [v for i in ids for v in self.variants[i]] for name, ids in self.sections.items()
        }

    def concept(self, rng: random.Random, section: str) -> int:
        """A weighted concept of `section`, as a piece (usual spelling)."""
        (cid,) = rng.choices(self.sections[section], cum_weights=self.cum[section])
        return cid * 16

    def word(self, rng: random.Random, section: str) -> str:
        """A uniformly chosen spelling from a flat list section (names, days, outlets)."""
        return rng.choice(self.flat[section])

    def render(self, piece: Piece) -> str:
        if isinstance(piece, str):
            return piece
        return self.variants[piece >> 4][piece & 15]

    def synonym(self, rng: random.Random, piece: int) -> int:
        """The same concept in another spelling, when it has one."""
        n = len(self.variants[piece >> 4])
        if n < 2:
            return piece
        variant = ((piece & 15) + rng.randrange(1, n)) % n
        return (piece >> 4) * 16 + variant


@dataclass
class Person:
    given: str
    surname: str
    title: str

    @property
    def full(self) -> str:
        return f"{self.given} {self.surname}"


@dataclass
class Story:
    """One event: the names, places and numbers every telling of it shares."""

    topic: str
    people: list[Person]
    places: list[str]
    org: str
    numbers: list[str]
    day: str
    month: str
    year: int
    keywords: list[str]
    # The story's own slice of each word section (pieces) and of the sentence forms: one
    # report reuses a few words and turns of phrase, and two reports of unrelated events
    # share only the commonest of them (see SLICES).
    words: dict[str, list[int]]
    forms: list[int]
    times: list[str]  # time phrases, "{day}" and "{month}" filled in


@dataclass
class Article:
    """An article as lines, plus the structure a same-story rewrite needs."""

    story: Story
    headline: str
    sentences: list[Sentence]
    lines: list[str] = field(default_factory=list)


class OpenLexicon:
    """Made-up pronounceable words, as many as are asked for, in the same order on every run
    (own fixed seed), each handed out once whichever `PitmanYor` urn asks for it."""

    def __init__(self) -> None:
        self._rng = random.Random(20240601)
        self._seen: set[str] = set()

    def new_word(self) -> str:
        """The next word no one has been given yet."""
        while True:
            n = self._rng.choice((2, 2, 3, 3))
            word = "".join(
                self._rng.choice(ONSETS)
                + self._rng.choice(VOWELS)
                + (self._rng.choice(CODAS) if i == n - 1 else "")
                for i in range(n)
            )
            if len(word) >= 5 and word not in self._seen:
                self._seen.add(word)
                return word


class PitmanYor:
    """Draws from an open vocabulary whose number of distinct words grows like (draws)^discount,
    as Heaps' law says real text's does (the Pitman-Yor process, sampled by its urn scheme).

    Why: a fixed lexicon is used up at scale, so every word of a 1 GB corpus is in hundreds of
    articles, while real news keeps meeting new names and terms; a word-rarity cut that holds
    on real news then looks broken on the generated one. A new word comes with probability
    (concentration + discount * K) / (concentration + n) after n draws of K distinct words; else
    an earlier word, word k with probability proportional to (its count - discount), so common
    words get commoner (Zipf's law with exponent 1 / discount).
    """

    def __init__(self, lexicon: OpenLexicon, discount: float, concentration: float) -> None:
        self.lexicon = lexicon
        self.discount = discount
        self.concentration = concentration
        self.words: list[str] = []
        self.counts: list[int] = []
        self.draws = array("l")  # word index of every draw: a uniform pick is one weighted by count

    def draw(self, rng: random.Random) -> str:
        n, k = len(self.draws), len(self.words)
        d = self.discount
        if rng.random() * (self.concentration + n) < self.concentration + d * k:
            index = k
            self.words.append(self.lexicon.new_word())
            self.counts.append(0)
        else:
            while True:  # by count, then kept with (count - d) / count: by (count - d)
                index = self.draws[rng.randrange(n)]
                count = self.counts[index]
                if rng.random() * count < count - d:
                    break
        self.draws.append(index)
        self.counts[index] += 1
        return self.words[index]


class Generator:
    """Deterministic article factory: all randomness comes from one seeded `random.Random`."""

    def __init__(self, vocab: Vocab, seed: int) -> None:
        self.v = vocab
        self.rng = random.Random(seed)
        lexicon = OpenLexicon()
        self.long_tail = PitmanYor(lexicon, *RARE_WORDS)
        self.general = PitmanYor(lexicon, *GENERAL_WORDS)
        self.topic_terms = {t: PitmanYor(lexicon, *TOPIC_TERMS) for t in TOPICS}
        self.slice_cum = list(accumulate(1.0 / (n + SLICE_OFFSET) for n in range(64)))

    # ----------------------------------------------------------------- entities
    def place(self) -> str:
        rng, v = self.rng, self.v
        start = v.word(rng, "place_start") if rng.random() < 0.5 else self.rare().capitalize()
        name = start + v.word(rng, "place_end")
        return name if rng.random() < 0.8 else f"{name} {v.word(rng, 'region').title()}"

    def person(self) -> Person:
        rng, v = self.rng, self.v
        surname = v.word(rng, "surname") if rng.random() < 0.4 else self.rare().capitalize()
        return Person(v.word(rng, "given"), surname, v.word(rng, "title"))

    def rare(self) -> str:
        """A long-tail word (a name's part, a scheme, a product) from the open vocabulary."""
        return self.long_tail.draw(self.rng)

    def outlet(self) -> str:
        rng, v = self.rng, self.v
        return f"The {v.word(rng, 'outlet_word')} {v.word(rng, 'outlet_kind')}"

    def number(self) -> str:
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            return f"{rng.randrange(2, 999):,}"
        if kind == 1:
            return f"{rng.randrange(1000, 250_000):,}"
        if kind == 2:
            return f"{rng.randrange(1, 60)}.{rng.randrange(10)} per cent"
        unit = rng.choice(("million", "billion"))
        return f"${rng.randrange(1, 99)}.{rng.randrange(10)} {unit}"

    def story(self) -> Story:
        rng, v = self.rng, self.v
        places = [self.place() for _ in range(rng.randrange(1, 3))]
        topic = rng.randrange(len(TOPICS))
        day, month = v.word(rng, "day"), v.word(rng, "month")
        return Story(
            topic=TOPICS[topic],
            people=[self.person() for _ in range(rng.randrange(2, 5))],
            places=places,
            org=f"{places[0].split()[0]} {v.word(rng, 'org_kind')}",
            numbers=[self.number() for _ in range(rng.randrange(3, 7))],
            day=day,
            month=month,
            year=rng.randrange(2015, 2025),
            keywords=list(
                dict.fromkeys(
                    self.term(TOPICS[topic]) for _ in range(rng.randint(*KEYWORDS_PER_STORY))
                )
            ),
            words=self.slices(TOPICS[topic]),
            forms=rng.sample(range(N_FORMS), rng.randint(*FORMS_PER_STORY)),
            times=[
                phrase.replace("{day}", day).replace("{month}", month)
                for phrase in rng.sample(v.flat["time_phrase"], rng.randint(*TIMES_PER_STORY))
            ],
        )

    def term(self, topic: str) -> str:
        """A made-up term of `topic`'s own open vocabulary (its schemes, bodies, terms of art)."""
        return self.topic_terms[topic].draw(self.rng)

    def slices(self, topic: str) -> dict[str, list[int]]:
        """One writer's words for one story: a few concepts of each section (see SLICES)."""
        return {
            name: self.story_words(
                f"topic_{topic}" if name == "topic" else name, self.rng.randint(*k)
            )
            for name, k in SLICES.items()
        }

    def story_words(self, section: str, k: int) -> list[int]:
        """`k` distinct concepts of `section` (as pieces), the commoner ones likelier."""
        ids = self.v.sections[section]
        cum = self.slice_cum[: len(ids)]
        chosen: dict[int, None] = {}
        while len(chosen) < min(k, len(ids)):
            (cid,) = self.rng.choices(ids, cum_weights=cum)
            chosen.setdefault(cid * 16, None)
        return list(chosen)

    # ---------------------------------------------------------------- sentences
    def time_phrase(self, s: Story) -> str:
        return self.rng.choice(s.times)

    def sentence(self, s: Story, clause: bool = True) -> Sentence:
        """One sentence in one of the story's forms, from the story's own words; with `clause`,
        it goes on with a clause of ordinary words."""
        rng, v = self.rng, self.v
        w = s.words

        def c(section: str) -> Piece:
            if section in GENERAL_SECTIONS and rng.random() < GENERAL_TAIL:
                return self.general.draw(rng)
            piece = rng.choice(w[section])
            return v.synonym(rng, piece) if rng.random() < SYNONYM_RATE else piece

        sentence = self.sentence_of_form(s, c)
        return sentence + self.clause(c) if clause else sentence

    def sentence_of_form(self, s: Story, c: Callable[[str], Piece]) -> Sentence:
        """One sentence in one of the story's forms; `c` draws a word of a section."""
        rng, v = self.rng, self.v

        who = rng.choice(s.people)
        where = rng.choice(s.places)
        num = rng.choice(s.numbers)
        # mostly the story's own terms; now and then a passing mention of another
        kw = rng.choice(s.keywords) if rng.random() >= PASSING_TERM else self.term(s.topic)
        form = rng.choice(s.forms)
        if form == 0:
            return [f"{who.full}, the {who.title} of the {s.org},", c("verb_say"),
                    self.time_phrase(s), "that the", c("adjective"), c("topic"),
                    "would be", c("verb_past"), self.time_phrase(s)]  # fmt: skip
        if form == 1:
            return [f"The {s.org}", c("verb_past"), "the", kw, c("noun_general"), "on",
                    c("topic"), f"{self.time_phrase(s)},", who.surname, c("verb_say")]  # fmt: skip
        if form == 2:
            return [num, c("role_noun"), "in", where, "were affected by the", c("topic"),
                    "according to figures from the", s.org]  # fmt: skip
        if form == 3:
            return [f"“{v.render(c('quote_open'))}", c("topic"), "in", f"{where},”",
                    who.surname, c("verb_say")]  # fmt: skip
        if form == 4:
            return [c("connector"), "the", kw, c("topic"), c("adverb"), c("verb_past"), "the",
                    c("adjective"), c("noun_general")]  # fmt: skip
        if form == 5:
            return [c("role_noun"), "in", where, c("verb_past"), "the", kw, c("noun_general"),
                    f"{self.time_phrase(s)},", "with", num, "more than a year earlier"]  # fmt: skip
        if form == 6:
            return ["The", kw, c("noun_general"), "would cost about", f"{num},", who.full,
                    c("verb_say"), "in a statement"]  # fmt: skip
        if form == 7:
            return [f"Speaking in {where},", who.surname, c("verb_say"), "the", c("topic"),
                    "was", c("adverb"), "a matter for the", s.org, "and its",
                    c("role_noun")]  # fmt: skip
        if form == 8:
            return ["The", c("adjective"), kw, c("noun_general"), "follows", c("noun_general"),
                    "over", c("topic"), "that", c("role_noun"), "in", where,
                    "have raised since", str(s.year)]  # fmt: skip
        if form == 9:
            other = self.person() if rng.random() < PASSING_PERSON else rng.choice(s.people)
            return [f"{other.full}, a {other.title} who has", c("verb_past"), "the", kw,
                    c("noun_general"), "before,", c("verb_say"), "the", s.org, "had",
                    c("adverb"), c("verb_past"), "the", c("topic")]  # fmt: skip
        if form == 10:
            return ["At least", num, c("role_noun"), "have", c("verb_past"), "the",
                    c("adjective"), c("topic"), "since", f"{s.month} {s.year}"]  # fmt: skip
        if form == 11:
            return [c("connector"), c("role_noun"), "in", where, c("adverb"), c("verb_past"),
                    "the", c("adjective"), kw, c("noun_general"), self.time_phrase(s)]  # fmt: skip
        if form == 12:
            return [f"The {kw}", c("noun_general"), "was", c("verb_past"), "by the", s.org,
                    self.time_phrase(s)]  # fmt: skip
        if form == 13:
            kw_b = rng.choice(s.keywords)
            kw_b = self.term(s.topic) if kw_b == kw else kw_b
            return [who.full, c("verb_say"), "the", kw, "and", kw_b, c("noun_general"), "had",
                    c("adverb"), c("verb_past"), "the", c("topic"), "in", where]  # fmt: skip
        if form == 14:
            return [c("connector"), "the", c("adjective"), kw.capitalize(), "group",
                    c("verb_past"), "the", c("topic"), "with", num]  # fmt: skip
        if form == 15:
            return [kw.capitalize(), "is the", c("adjective"), c("noun_general"), "at the heart of",
                    "the", c("topic"), "dispute in", where]  # fmt: skip
        if form == 16:
            return [who.full, "has", c("verb_past"), "the", kw, c("noun_general"), "for", num,
                    c("role_noun")]  # fmt: skip
        if form == 17:
            return ["Critics of the", kw, c("noun_general"), c("verb_say"), "the", s.org, "had",
                    c("verb_past"), "it", self.time_phrase(s)]  # fmt: skip
        if form == 18:
            return ["Under the", kw, c("noun_general"), c("role_noun"), "in", where,
                    "would receive", num]  # fmt: skip
        if form == 19:
            return ["The", s.org, "expects the", c("topic"), "to stay", c("adjective"), "until",
                    f"{s.month} {s.year + 1}"]  # fmt: skip
        if form == 20:
            return [f"{who.surname}, who", c("verb_past"), "the", c("adjective"), kw,
                    c("noun_general"), "in", str(s.year) + ",", c("verb_say"), "the",
                    c("role_noun"), "deserved", c("adjective"), "answers"]  # fmt: skip
        if form == 21:
            return [f"{where} has", c("adverb"), c("verb_past"), "its", kw, c("topic"),
                    c("noun_general")]  # fmt: skip
        if form == 22:
            return ["A", c("adjective"), c("noun_general"), "from the", s.org, c("verb_past"),
                    num, "for the", kw, c("topic")]  # fmt: skip
        first, second = c("role_noun"), c("role_noun")
        return [c("connector"), first, "and", "other" if first == second else second,
                "in", where, c("verb_past"), "the", kw, c("noun_general"),
                self.time_phrase(s)]  # fmt: skip

    def clause(self, piece: Callable[[str], Piece]) -> Sentence:
        """A clause of ordinary words, from the writer's slice and the open vocabulary."""
        rng = self.rng
        return [f", {rng.choice(CLAUSE_OPENERS)}", "the", piece("adjective"),
                piece("noun_general"), piece("adverb"), piece("verb_past"), "the",
                piece("noun_general")]  # fmt: skip

    def render(self, sentence: Sentence) -> str:
        text = " ".join(map(self.v.render, sentence)).replace(" , ", ", ")
        return text[0].upper() + text[1:] + ("" if text.endswith("”") else ".")

    def headline(self, s: Story) -> str:
        rng, v = self.rng, self.v
        w = s.words

        def c(section: str) -> int:
            return rng.choice(w[section])

        form = rng.randrange(4)
        kw = rng.choice(s.keywords)
        pieces: Sentence
        if form == 0:
            pieces = [rng.choice(s.places), c("topic"), c("verb_past"), "as", c("role_noun"),
                      "face", c("adjective"), c("noun_general")]  # fmt: skip
        elif form == 1:
            pieces = [kw.capitalize(), c("noun_general"), c("verb_past"), "in",
                      rng.choice(s.places)]  # fmt: skip
        elif form == 2:
            pieces = [s.org, c("verb_past"), c("adjective"), kw, c("topic")]
        else:
            pieces = [f"{rng.choice(s.people).surname}:", c("quote_open"), kw,
                      c("noun_general")]  # fmt: skip
        text = " ".join(map(v.render, pieces))
        return text[0].upper() + text[1:]

    # ----------------------------------------------------------------- articles
    def paragraphs(self, sentences: Sequence[Sentence]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(sentences):
            n = self.rng.choice((1, 1, 2, 2, 3, 4))
            out.append(" ".join(self.render(x) for x in sentences[i : i + n]))
            i += n
        return out

    def dress(self, s: Story, headline: str, body: list[str]) -> list[str]:
        """Headline, optional republisher line, byline, timestamp, dateline, captions, footer."""
        rng, v = self.rng, self.v
        lines = [headline, ""]
        if rng.random() < 0.3:
            author = f" {self.person().full} " if rng.random() < 0.6 else " "
            lines += [f"{headline} |{author}| {self.outlet()}", ""]
        if rng.random() < 0.25:
            lines += [f"By {self.person().full}", ""]
        if rng.random() < 0.2:
            hh, mm, d = rng.randrange(24), rng.randrange(60), rng.randrange(1, 29)
            lines += [f"Published {hh:02d}:{mm:02d} GMT, {d} {s.month} {s.year}", ""]
        if body and rng.random() < 0.3:
            body[0] = f"{s.places[0].upper()} – {body[0]}"
        if len(body) > 2 and rng.random() < 0.25:
            pos = rng.randrange(1, len(body))
            prefix, agency = v.word(rng, "caption_prefix"), v.word(rng, "agency")
            credit = f"{prefix}: {self.person().full}/{agency}"
            body.insert(pos, f"{v.render(v.concept(rng, 'role_noun')).capitalize()} in "
                             f"{s.places[0]} on {s.day}. {credit}")  # fmt: skip
        if rng.random() < 0.15:
            body.append(f"This article was first published on {self.outlet()}.")
        for para in body:
            lines += [para, ""]
        return lines

    def sentence_count(self) -> int:
        median, sigma = ORIGINAL_SENTENCES
        drawn = round(self.rng.lognormvariate(math.log(median), sigma))
        return min(max(drawn, SENTENCE_BOUNDS[0]), SENTENCE_BOUNDS[1])

    def original(self) -> Article:
        s = self.story()
        sentences = [self.sentence(s) for _ in range(self.sentence_count())]
        headline = self.headline(s)
        article = Article(s, headline, sentences)
        article.lines = self.dress(s, headline, self.paragraphs(sentences))
        return article

    def near(self, source: Article) -> list[str]:
        """A copy with a few words replaced, deleted or inserted (about one per 100 words)."""
        rng, v = self.rng, self.v
        lines = list(source.lines)
        body = [i for i, line in enumerate(lines) if line and i > 1]
        n_words = sum(lines[i].count(" ") + 1 for i in body)
        for _ in range(max(1, n_words // 100 + rng.randrange(0, 3))):
            i = rng.choice(body)
            words = lines[i].split(" ")
            k = rng.randrange(len(words))
            op = rng.randrange(3)
            new = v.render(v.concept(rng, rng.choice(("adjective", "adverb", "noun_general"))))
            if op == 0:
                words[k] = new
            elif op == 1 and len(words) > 3:
                del words[k]
            else:
                words.insert(k, new)
            lines[i] = " ".join(words)
        return lines

    def retold(self, source: Article) -> list[str]:
        """The same event in other words: same entities, new order, synonyms, new headline."""
        rng, v = self.rng, self.v
        s = source.story
        # How close this retelling stays to the original varies from one writer to the next.
        # 0: a report of its own; 1: one leaning on the original's wording and names.
        closeness = rng.random() ** RETOLD_SKEW
        kept = [x for x in source.sentences if rng.random() < RETOLD_KEEP * closeness]
        # The new sentences come from another writer: the same places, some of the same people,
        # numbers and terms, people and figures of its own, its own words and turns of phrase.
        same_person = RETOLD_SAME_PERSON * (0.5 + closeness)
        same_number = RETOLD_SAME_NUMBER * (0.5 + closeness)
        people = [x for x in s.people if rng.random() < same_person] or [s.people[0]]
        numbers = [x for x in s.numbers if rng.random() < same_number] or [s.numbers[0]]
        writer = replace(
            s,
            people=[*people, *(self.person() for _ in range(rng.randint(1, 2)))],
            numbers=[*numbers, *(self.number() for _ in range(rng.randint(0, 2)))],
            words=self.slices(s.topic),
            forms=self.rng.sample(range(N_FORMS), len(s.forms)),
            keywords=[
                k if rng.random() < RETOLD_SAME_TERM * (0.5 + closeness) else self.term(s.topic)
                for k in s.keywords
            ],
        )
        added = max(1, round(len(source.sentences) * RETOLD_ADDED))
        kept += [self.sentence(writer) for _ in range(added)]
        rng.shuffle(kept)
        reworded = [
            [v.synonym(rng, p) if isinstance(p, int) and rng.random() < 0.6 else p for p in x]
            for x in kept
        ]
        return self.dress(s, self.headline(s), self.paragraphs(reworded))


def shingles(lines: Sequence[str], k: int = 5) -> set[str]:
    words = WORD.findall(" ".join(lines).lower())
    return {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def parse_size(text: str) -> int:
    """'10MB' -> 10_000_000 (decimal units, as disk sizes are quoted)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", text.upper())
    if not m:
        raise argparse.ArgumentTypeError(f"size like 10MB or 1GB expected, got {text!r}")
    unit = m.group(2) if m.group(2) in UNITS else m.group(2) + "B"
    return int(float(m.group(1)) * UNITS[unit])


def generate(
    out: Path,
    size: int,
    seed: int,
    rates: dict[str, float],
    window: int = 500,
) -> dict[str, int]:
    """Write the dump, its pairs and its index; return counts per kind."""
    gen = Generator(Vocab(VOCAB_PATH.read_text(encoding="utf-8")), seed)
    rng = gen.rng
    pool: deque[tuple[str, int, Article]] = deque(maxlen=window)
    counts = {"original": 0, "exact": 0, "near": 0, "story": 0}
    thresholds = list(accumulate(rates[k] for k in ("exact", "near", "story")))
    out.parent.mkdir(parents=True, exist_ok=True)
    written, line_no, n = 0, 1, 0
    with (
        out.open("wb") as dump,
        out.with_name(out.name + ".pairs.jsonl").open("w", encoding="utf-8") as pairs,
        out.with_name(out.name + ".index.jsonl").open("w", encoding="utf-8") as index,
    ):
        while written < size:
            doc_id = f"g{n:07d}"
            r = rng.random()
            kind = "original"
            if pool and r < thresholds[2]:
                kind = "exact" if r < thresholds[0] else "near" if r < thresholds[1] else "story"
            if kind == "original":
                article = gen.original()
                lines = article.lines
                pool.append((doc_id, line_no, article))
                source = None
            else:
                source = rng.choice(pool)
                src = source[2]
                if kind == "exact":
                    lines = list(src.lines)
                elif kind == "near":
                    lines = gen.near(src)
                else:
                    lines = gen.retold(src)
            data = ("\n".join(lines) + "\n").encode("utf-8")
            dump.write(data)
            written += len(data)
            last = line_no + len(lines) - 2  # the final line is the blank separator
            record: dict[str, object] = {"id": doc_id, "line": line_no, "end": last, "kind": kind}
            record["topic"] = (article if source is None else source[2]).story.topic
            if source is not None:
                record["of"] = source[0]
                sim = jaccard(shingles(source[2].lines), shingles(lines))
                pairs.write(
                    json.dumps(
                        {
                            "a": source[0],
                            "b": doc_id,
                            "kind": kind,
                            "a_line": source[1],
                            "b_line": line_no,
                            "jaccard5": round(sim, 4),
                        }
                    )
                    + "\n"
                )
            index.write(json.dumps(record) + "\n")
            counts[kind] += 1
            line_no += len(lines)
            n += 1
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default="10MB", help="e.g. 10MB, 1GB")
    parser.add_argument("--out", type=Path, required=True, help="dump to write (.txt)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--exact-rate", type=float, default=0.03)
    parser.add_argument("--near-rate", type=float, default=0.05)
    parser.add_argument("--story-rate", type=float, default=0.04)
    args = parser.parse_args(argv)
    rates = {"exact": args.exact_rate, "near": args.near_rate, "story": args.story_rate}
    start = time.perf_counter()
    counts = generate(args.out, args.size, args.seed, rates)
    took = time.perf_counter() - start
    total = sum(counts.values())
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {total} articles: "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + f") in {took:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
