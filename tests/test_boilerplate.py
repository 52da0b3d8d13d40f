"""Bylines, timestamps, editor credits, page furniture, navigation runs and wire sign-offs:
each rule on its own lines and near-misses, and the step's removals and meta values."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.boilerplate import (
    _line_scores,
    _next_non_blank,
    _truncated,
    article_span,
    author_bio,
    byline,
    byline_prefilter,
    editor_credit,
    is_page,
    link_like,
    make_step,
    name_line,
    name_line_prefilter,
    newsletter_prompt,
    page_furniture,
    sign_off,
    site_notice,
    timestamp,
)
from cleaners.document import Document
from cleaners.options import CleanOptions
from cleaners.pipeline import clean_batch
from cleaners.spans import max_span
from tests.test_rules import _encodes, _example_lines


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Updated: March 3, 2021 10:15 AM", True),
        ("Last updated on Tue 2 Mar 2021 09.12 GMT", True),
        ("Posted 3 hours ago", True),
        ("Mar 3, 2021 10:15 AM", True),
        ("2021-03-03T10:15:00Z", True),
        ("03/04/2021", True),
        ("Published 14:05 BST, 4 March 2021", True),
        ("Thursday, 4 March 2021 · 14:05 GMT", True),
        ("Sept. 12, 2022 at 6:30 p.m. ET", True),
        ("The vote is set for March 3, 2021, officials said.", False),
        ("On March 3, 2021 the council voted", False),
        ("The meeting ended at 10:15 PM.", False),
        ("He arrived at 6:18 AM on Tuesday and left", False),
        ("Oats 1.24 0.99", False),  # a price table, not a time
        ("Updated guidance was issued to schools", False),  # a label word but no date
        # German, French, Spanish, Polish: the day first, month names, "um ... Uhr", "10h15"
        ("12.05.2019 um 09:41 Uhr", True),
        ("Veröffentlicht am 4. Februar 2020 um 8.30 Uhr", True),
        ("Aktualisiert: 07.11.2018, 17:02 Uhr", True),
        ("Stand: 30.01.2017", True),
        ("Dienstag, 14. Juli 2015", True),
        ("Mis à jour le 18 octobre 2019 à 7h05", True),
        ("Publié le 1er avril 2016", True),
        ("Publicado el 9 de agosto de 2018", True),
        ("Actualizado hace 5 horas", True),
        ("Zuletzt geändert vor 2 Tagen", True),
        ("21 listopada 2020", True),
        ("Am 12. Mai 2019 um 9 Uhr öffnet die neue Fähre.", False),
        ("Le 18 octobre 2019, la mairie a voté le budget du port", False),
        ("El 9 de agosto de 2018 el ferry dejó de operar", False),
        ("Der Vertrag gilt bis 31. Dezember 2025 und wird dann verlängert", False),
        ("Python 3.6.10", False),  # a version, not a date
        ("Stand der Technik im Juli 2015", False),  # "Stand" is a label only with a colon
    ],
)
def test_timestamp(line: str, hit: bool) -> None:
    assert timestamp(line) is hit


def test_timestamp_short_sentence_with_a_time() -> None:
    assert timestamp("Polls close at 8:00 PM ET") is False


@pytest.mark.parametrize(
    "line, hit",
    [
        ("(Reporting by Ana Lima in Lisbon; Editing by Tom Roe)", True),
        ("Additional reporting by Kwame Mensah", True),
        ("Writing by Ana Lima; editing by Tom Roe", True),
        ("(Compiled by the Lisbon newsroom)", True),
        ("-- Edited by Priya Nair", True),
        ("Reporting by phone was difficult during the storm.", False),
        ("(Reporting was limited by the blackout.)", False),
        ("Editing the report took the committee weeks.", False),
    ],
)
def test_editor_credit(line: str, hit: bool) -> None:
    assert editor_credit(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("By Jane Doe and John Roe, Reuters", True),
        ("By Ana Lima-Costa", True),
        ("By: Omar al-Rashid", True),
        ("By Maria dos Santos", True),
        ("By Seán Ó Briain", True),
        ("von Ana Lima-Costa", True),
        ("Von Jonas Feld und Ida Moor", True),
        ("Par Claire Dubois", True),
        ("Por Luis Soto y Ana Ruiz", True),
        ("By Tom Roe -", True),
        ("Tom Roe, Staff Writer", True),
        ("Tom Roe | senior correspondent for Harbour Times", True),
        ("Tom Roe – March 3, 2021", True),
        # a name alone is a byline only by its context (`test_name_alone_*` below)
        ("Mark O'Neill", False),
        ("Lisbon – Jean-Paul de Martin", False),
        ("Ferries and jobs", False),  # a subheading
        ("By the numbers", False),
        ("By Tuesday it was over.", False),
        ("Par for the course", False),
        ("Von der Leyen visits Lyon", False),
        ("Climate Change – what a writer sees", False),
        ("Next steps", False),
        ("The council met on Monday.", False),
    ],
)
def test_byline(line: str, hit: bool) -> None:
    assert byline(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Mark O'Neill", True),
        ("Lisbon – Jean-Paul de Martin", True),
        ("Kai Holm and Ida Moor", True),
        ("Ferries and jobs", False),
        ("Tram fares rise.", False),
        # a wire story wrapped at a fixed width leaves company and officials' names alone on
        # a line: no writer's name holds a legal form or an official's title
        ("Harbour Ferry Services Inc", False),
        ("Northern Tram and Ferry Co", False),
        ("Transport Secretary Ana Lima", False),
        ("Ana Lima and Kai Holm", True),
    ],
)
def test_name_line(line: str, hit: bool) -> None:
    assert name_line(line) is hit


# --- the byline run's column tests: necessary conditions of `byline` and `name_line` -------

# A date in digits newer than Rust regex's Unicode tables (`regex` knows them), built at run
# time: tests/test_rules.py takes every string literal of the tests for an example line, and the
# timestamp rule's own column tests (Rust's `\\d`) would miss this one.
NEW_DIGITS_DATE = "/".join(chr(0x11DE0 + d) for d in (3, 4, 1)) + chr(0x11DE2)
# Bylines and names in several languages and scripts, and their near misses: datelines,
# headings, headlines in capitals, sentences that open with a name or a lead word.
BYLINE_EXAMPLES = [
    "By Jane Doe", "BY JANE DOE", "by jane doe", "By: Omar al-Rashid", "By Maria dos Santos",
    "By Seán Ó Briain", "By Ana Lima-Costa, Reuters", "By Tom Roe -", "By Tom Roe | Harbour Times",
    "Von Jonas Feld und Ida Moor", "VON JONAS FELD", "von Ana Lima-Costa", "Par Claire Dubois",
    "Par Claire Dubois et Luc Martin", "Por Luis Soto y Ana Ruiz", "Por João Silva e Ana Costa",
    "Tom Roe, Staff Writer", "Tom Roe, STAFF WRITER", "Tom Roe | senior correspondent for Harbour "
    "Times", "Tom Roe – March 3, 2021", "Tom Roe - 2021-03-03T10:15:00Z", "Tom Roe / 3/4/21",
    "Tom Roe, 4 March 2021 · 14:05", "Jean-Paul Roe, writer", "Jean-Paul Roe-Costa - Editor",
    "Zoë Müller, Redakteurin und Editor", "Ángel Núñez, reporter at El Diario", "Łukasz Nowak,"
    " correspondent", "Øyvind Ås — Photographer", "Ida de Souza, Columnist", "Kai Holm, Wſiter",
    "Kai Holm, Reporter with The Herald", "Kai Holm, producer", "Kai Holm | March 3, 2021 6:18 AM",
    "Jane Doe", "Mark O'Neill", "Mark O’Neill", "J. R. Doe", "Kai Holm and Ida Moor",
    "Kai Holm, Ida Moor & Tom Roe", "Kai Holm,Ida Moor", "Lisbon – Jean-Paul de Martin",
    "Lyon – Jane Doe", "São Paulo — Ana Lima", "Rio Grande- Ana Maria Lima Souza",
    "Rio Grande-Ana Maria Lima Souza", "Ana Maria Lima Souza", "Ana Maria Lima Souza and Tom Roe",
    "Omar al-Rashid", "Omar al Rashid", "Ludwig van Berg", "Иван Петров", "Γιώργος Παπαδόπουλος",
    "İlker Şahin", "Ana Lima\tand Tom Roe", "Ana Lima e Tom Roe", "Ana Lima y Tom Roe",
    "ANA LIMA", "Ana LIMA", "Ana Lima.", "A. B.", "de Souza Lima", "al-Rashid Omar",
    "van Berg Lima, Editor", "Kai Holm, Columniſt", "Kai Holm, Edİtor", "Ana Lima | ٣/٤/٢١",
    # a digit and a capital newer than Rust regex's Unicode tables, known to `regex`
    f"Ana Lima | {NEW_DIGITS_DATE}", "\ua7cena Lima",
    # near misses
    "By the numbers", "By Tuesday it was over.", "Par for the course", "Von der Leyen visits Lyon",
    "Climate Change – what a writer sees", "Next steps", "The council met on Monday.",
    "Ferries and jobs", "Tram fares rise.", "Key Takeaways", "Follow us", "Supported by", "Search",
    "LISBON, March 3 - The harbour board said", "LISBON, March 3 -", "LISBON — The board met",
    "HARBOUR BOARD SETS DIVIDEND", "FERRY PLAN APPROVED IN LISBON AS RESIDENTS FACE NEW FARES",
    "Speaking in Lisbon, Tom Roe said the plan was a matter for the board.",
    "Tom Roe, a reporter who covers the port, said the plan was late.",
    "Tom Roe, who chairs the board, said", "Ana Lima: the interview", "Ana Lima (Reuters)",
    "Ana Lima 2021", "Ana Lima #1", "Ana Lima's plan", "Ana Lima and the board",
    "Ana Lima, 34, a nurse", "Ana Lima | Harbour Times", "Ana, Staff Writer", "Ana Lima, Staff",
    "Updated: March 3, 2021 10:15 AM", "Share this article", "Reuters", "",
]  # fmt: skip


def _prefilters(lines: list[str]) -> list[tuple[bool, bool]]:
    frame = pl.DataFrame({"text": lines}, schema={"text": pl.String}).select(
        byline=byline_prefilter(pl.col("text")), name=name_line_prefilter(pl.col("text"))
    )
    return list(zip(frame["byline"].to_list(), frame["name"].to_list(), strict=True))


def _hidden(lines: list[str]) -> list[str]:
    """The lines `byline` or `name_line` accepts that their column test would not pass."""
    passed = _prefilters(lines)
    return [
        line
        for line, (by, name) in zip(lines, passed, strict=True)
        if (byline(line) and not by) or (name_line(line) and not name)
    ]


def test_byline_prefilters_never_hide_a_byline_or_a_name() -> None:
    assert sum(map(byline, BYLINE_EXAMPLES)) >= 30 and sum(map(name_line, BYLINE_EXAMPLES)) >= 20
    assert _hidden(BYLINE_EXAMPLES) == []
    assert _hidden([line for line in _example_lines() if _encodes(line)]) == []


def test_byline_prefilters_leave_out_most_lines() -> None:
    """They are worth computing: few lines of the seed dump pass them (17 of 285 today)."""
    dumps = sorted((Path(__file__).resolve().parents[1] / "corpus" / "raw").glob("*.txt"))
    lines = [line.strip() for dump in dumps for line in dump.read_text("utf-8").splitlines()]
    lines = [line for line in lines if line]
    assert lines
    passed = [by or name for by, name in _prefilters(lines)]
    assert sum(passed) <= len(lines) // 10


def test_decimal_digits_past_ascii_start_at_arabic_indic() -> None:
    """`MAY_BE_DIGIT` stands for `\\d` in any Unicode version: no digit lies in between."""
    assert [
        hex(code)
        for code in range(0x80, 0x660)
        if regex.match(r"\d", chr(code)) or chr(code).isdecimal()
    ] == []


NAME_WORDS = [
    "Ana", "Lima", "LIMA", "O'Neill", "O’Neill", "Jean-Paul", "Lima-Costa", "J.", "Seán", "Ó",
    "Zoë", "Øyvind", "Łukasz", "Иван", "İlker", "\u212aai", "\ua7cena", "McDonald", "Al",
]  # fmt: skip
BYLINE_PARTS: dict[str, list[str]] = {
    "lead": ["By ", "BY ", "by: ", "Von ", "par ", "Por\u00a0", "By\t", "Byline "],
    "place": ["Lyon – ", "Rio Grande- ", "São Paulo — ", "Lisbon-", "Lyon -", "Lyon, "],
    "particle": ["", "", "", "", "de ", "al-", "dos ", "van ", "del "],
    "join": [", ", " & ", ",", " and ", " und ", " e ", " y ", "\tet\t", " ,", " with "],
    "tail": [
        ", Staff Writer", " | senior correspondent for Harbour Times", " – March 3, 2021",
        " / 3/4/21", " - 2021-03-03T10:15:00Z", ", 4 March 2021 · 14:05", ", Columniſt",
        f" | {NEW_DIGITS_DATE}", " — Photographer", ",reporter",
        ", reporter at El Diario", " - Mar. 3rd 2021 6:18 PM", " | 3 March 2021 14.05 GMT",
        ", Editor at large", " | 2021",
    ],
}  # fmt: skip


@st.composite
def _byline_shaped(draw: st.DrawFn) -> str:
    """Lines built the way bylines and names are (a lead word and names, names and a role or a
    date, names alone, a place and a name; names of mostly two to four words, some with
    particles, joined), some letters' case flipped and a few characters put anywhere: many are
    bylines or names, many only nearly."""

    def part(kind: str) -> str:
        return draw(st.sampled_from(BYLINE_PARTS[kind]))

    def name() -> str:
        size = draw(st.sampled_from([2, 2, 3, 4, 1, 5]))
        return " ".join(part("particle") + draw(st.sampled_from(NAME_WORDS)) for _ in range(size))

    names = name() + "".join(part("join") + name() for _ in range(draw(st.integers(0, 2))))
    shape = draw(st.sampled_from(["lead", "role", "alone", "place"]))
    line = {
        "lead": lambda: part("lead") + names + draw(st.sampled_from(["", *BYLINE_PARTS["tail"]])),
        "role": lambda: names + part("tail"),
        "alone": lambda: names,
        "place": lambda: part("place") + name(),
    }[shape]()
    if draw(st.integers(0, 3)) == 0:
        flips = draw(st.lists(st.booleans(), min_size=len(line), max_size=len(line)))
        line = "".join(c.swapcase() if f else c for c, f in zip(line, flips, strict=True))
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(line)))
        line = line[:at] + draw(st.text(min_size=1, max_size=2)) + line[at:]
    return line.strip()


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.one_of(_byline_shaped(), st.sampled_from(BYLINE_EXAMPLES)), max_size=20))
def test_byline_prefilters_hold_on_name_shaped_text(lines: list[str]) -> None:
    assert _hidden([line for line in lines if _encodes(line)]) == []


QUAY = "The board met on Monday and approved the plan for the new quay."


@pytest.mark.parametrize(
    "head",
    [
        # section headings whose words the article uses in lower case, or that open with a
        # stop word: a heading, not a writer (issue 19)
        "Quay Standards\n\nQuay standards are strict, and the board keeps to them.",
        "The Drift Equations\n\nThe drift of the hull follows two equations.",
        "Night Shifts\n\nThe night shifts on the quay start at ten.",
        "Die Hafenordnung\n\nDie Ordnung gilt seit Montag.",
    ],
)
def test_name_alone_heading_stays(head: str) -> None:
    text = f"{head}\n\n{QUAY}"
    assert make_step(CleanOptions())(_doc(text)).text == text


@pytest.mark.parametrize(
    "head, name",
    [
        # a name that reads as one (no word of it in lower case in the article)
        ("Kai Holm", "Kai Holm"),
        # next to a dateline: a timestamp, a byline or a line removed anyway
        ("Quay Desk\nUpdated: March 3, 2021 10:15 AM", "Quay Desk"),
        ("Ida Moor and Kai Holm\nHarbour Times\nPublished 3 hours ago", "Ida Moor and Kai Holm"),
        ("Lisbon – Quay Desk\nShare this article", "Quay Desk"),
    ],
)
def test_name_alone_with_evidence_goes(head: str, name: str) -> None:
    text = f"{head}\n\nThe quay desk reports. {QUAY}"
    out = make_step(CleanOptions())(_doc(text))
    assert out.text == f"The quay desk reports. {QUAY}"
    assert out.meta["byline"] == name


@pytest.mark.parametrize(
    "line",
    ["By Jean-Paul de la Fontaine", "By Ludwig van der Berg", "Von Anna von der Heide"],
)
def test_byline_two_particles(line: str) -> None:
    assert byline(line) is True


@pytest.mark.parametrize(
    "line", ["By the de la Cruz family", "By de la Marca", "By Ana de la de la Cruz"]
)
def test_byline_particles_need_a_name(line: str) -> None:
    assert byline(line) is False


def test_byline_title_case_subheading() -> None:
    assert byline("Key Takeaways") is False
    text = f"Key Takeaways\n\nThe key takeaways come first. {QUAY}"
    out = make_step(CleanOptions())(_doc(text))
    assert out.text == text and "byline" not in out.meta


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Share this article", True),
        ("Advertisement", True),
        ("Continue reading the main story", True),
        ("Sign up for our newsletter", True),
        ("Subscribe to our daily briefing", True),
        ("Read more: Ferry plan approved", True),
        ("Follow us on Twitter @harbourdesk", True),
        ("Share on WhatsApp", True),
        ("12 comments", True),
        ("Share prices fell sharply on Monday.", False),
        ("Subscribe to the idea that markets are efficient and you will lose money.", False),
        ("Print media are in decline.", False),
        ("Search and rescue teams arrived.", False),
        ("Home prices rose again.", False),
    ],
)
def test_page_furniture(line: str, hit: bool) -> None:
    assert page_furniture(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Business & Tech", True),
        ("World News", True),
        ("Opinion", True),
        ("Oats 1.24 0.99 V 1.65 --", False),
        ("The council voted on Monday.", False),
        ("officials said the ferry would run again in the spring and", False),  # wrapped prose
        # code in a body (issue 19): an assignment, a call, braces, a tag, snake_case, an open line
        ("Quay = Harbour(name)", False),
        ("ferry.dock()", False),
        ("}", False),
        ("<Berth>", False),
        ("tide_level", False),
        ("SELECT berth,", False),
        ("Ferry Timetable Query Plan (", False),
        # near misses: menus with a bracketed note, a slash or a brand name stay link-like
        ("Ferries (Summer Timetable)", True),
        ("News / Harbour", True),
        ("WordPress Themes", True),
    ],
)
def test_link_like(line: str, hit: bool) -> None:
    assert link_like(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Reuter", True),
        ("(AFP)", True),
        ("- AP", True),
        ("Reuters reported the deal on Monday.", False),
        ("Reuters and AFP", False),
    ],
)
def test_sign_off(line: str, hit: bool) -> None:
    assert sign_off(line) is hit


def _doc(text: str, first: int = 1) -> Document:
    lines = text.split("\n")
    return Document(
        id="b",
        text=text,
        source="b.txt",
        lines=(first, first + len(lines) - 1),
        line_numbers=tuple(range(first, first + len(lines))),
    )


STORY = (
    "By Ana Lima and Tom Roe\n"
    "Updated: March 3, 2021 10:15 AM\n"
    "\n"
    "The harbour board approved the ferry terminal on Monday.\n"
    "\n"
    "Share this article\n"
    "\n"
    "Work will start in May, the board said.\n"
    "\n"
    "(Reporting by Ana Lima; Editing by Tom Roe)\n"
    "\n"
    "Reuters"
)


def test_step_removals_and_meta() -> None:
    out = make_step(CleanOptions())(_doc(STORY, first=100))
    assert out.text == (
        "The harbour board approved the ferry terminal on Monday.\n\n"
        "Work will start in May, the board said."
    )
    assert [(r.rule, r.reason, r.line) for r in out.removed] == [
        ("boilerplate.byline", "byline", 100),
        ("boilerplate.timestamp", "timestamp", 101),
        ("boilerplate.share", "share/subscribe/navigation line", 105),
        ("boilerplate.editor_credit", "editor credit", 109),
        ("boilerplate.sign_off", "wire sign-off", 111),
    ]
    assert out.meta["byline"] == "Ana Lima and Tom Roe"
    assert out.meta["dates"] == ["Updated: March 3, 2021 10:15 AM"]
    assert out.meta["outlet"] == "Reuters"
    assert out.line_numbers == (103, 104, 107)


def test_step_place_byline_sets_place() -> None:
    out = make_step(CleanOptions())(_doc("Lisbon – Ana Lima\n\nThe board met on Monday."))
    assert out.meta["byline"] == "Ana Lima"
    assert out.meta["dateline_place"] == "Lisbon"
    assert out.text == "The board met on Monday."


def test_step_keeps_existing_meta_values() -> None:
    doc = _doc("By Tom Roe\n\nThe board met on Monday.")
    doc.meta = {"byline": "Ana Lima", "outlet": "HT"}
    out = make_step(CleanOptions())(doc)
    assert out.meta["byline"] == "Ana Lima"
    assert out.meta["outlet"] == "HT"
    assert [r.rule for r in out.removed] == ["boilerplate.byline"]


def test_byline_only_near_the_top() -> None:
    text = "One.\n\nTwo.\n\nThree.\n\nFour.\n\nAna Lima\n\nFive."
    out = make_step(CleanOptions())(_doc(text))
    assert "Ana Lima" in out.text
    assert out.removed == []


def test_sign_off_only_on_the_last_line() -> None:
    text = "The board met on Monday.\n\nReuters\n\nWork starts in May."
    out = make_step(CleanOptions())(_doc(text))
    assert out.text == text


def test_navigation_only_in_long_runs() -> None:
    menu = "World News\nBusiness & Tech\nOpinion\nSport\nCulture\nTravel"
    body = "One.\n\nTwo.\n\nThree.\n\nFour."  # past the byline's top lines
    text = f"{body}\n\n{menu}\n\nWork starts in May.\n\nWhat Happens Next\n\nEnd."
    out = make_step(CleanOptions(page_model="frame"))(_doc(text))
    assert out.text == f"{body}\n\nWork starts in May.\n\nWhat Happens Next\n\nEnd."
    assert [r.rule for r in out.removed] == ["boilerplate.navigation"] * 6
    assert [r.line for r in out.removed] == [9, 10, 11, 12, 13, 14]


CODE_SAMPLE = "\n".join(
    [
        "To list the berths, the harbour office runs this query every morning:",
        "SELECT berth,",
        "ferry_name,",
        "arrival",
        "FROM berth_plan",
        "WHERE arrival > NOW()",
        "ORDER BY arrival;",
        "def next_ferry(plan):",
        "return plan.first()",
        "}",
        "The query returns one row for every ferry due at the quay that day.",
    ]
)


def test_code_in_a_body_is_not_navigation() -> None:
    out = make_step(CleanOptions())(_doc(CODE_SAMPLE))
    assert out.text == CODE_SAMPLE and out.removed == []


def test_a_menu_beside_code_is_still_navigation() -> None:
    menu = "World News\nBusiness & Tech\nFerries (Summer)\nSport\nCulture"  # not yet a page
    out = make_step(CleanOptions())(_doc(f"{CODE_SAMPLE}\n\n{menu}"))
    assert out.text == CODE_SAMPLE
    assert [r.rule for r in out.removed] == ["boilerplate.navigation"] * 5


def test_disabled_rules_switch_off() -> None:
    options = CleanOptions(disabled_rules=frozenset({"boilerplate.byline", "boilerplate.sign_off"}))
    out = make_step(options)(_doc(STORY))
    assert out.text.startswith("By Ana Lima and Tom Roe\n")
    assert out.text.endswith("\nReuters")
    assert "byline" not in out.meta and "outlet" not in out.meta
    assert [r.rule for r in out.removed] == [
        "boilerplate.timestamp",
        "boilerplate.share",
        "boilerplate.editor_credit",
    ]


def test_step_without_matches_returns_the_document() -> None:
    doc = _doc("The board met on Monday.\n\nWork starts in May.")
    assert make_step(CleanOptions())(doc) is doc


# --- a flattened web page: the article body inside menus, share bars and link lists -----------

MENU = ["Home", "World", "Business", "Sport", "Culture", "Travel", "Opinion"]
BODY = [
    "The harbour board approved the new ferry terminal on Monday after a long debate.",
    "Work on the terminal will start in May and should take two years, officials said.",
    "Key questions",
    "Residents near the quay have asked for a noise study before the piling begins.",
]
TEASERS = ["Most Popular", "Council race heats up", "Schools reopen", "Tram fares frozen"]
PAGE = "\n".join([*MENU, "Log In", *BODY, "Share this article", "Advertisement", *TEASERS])


def test_is_page_needs_link_runs() -> None:
    assert is_page(PAGE.split("\n"))
    assert not is_page(BODY)
    # a short wire table of five lines is not a page
    assert not is_page(["Oats 1.24", "Corn 2.10", "Wheat 3.05", "Rye 1.10", "Barley 1.50"])


def test_a_page_whose_links_come_in_short_runs() -> None:
    """A portal's teaser column: link-like section labels between headline-like titles, never
    five links in a row, but most lines links. A page on both engines; the same text with its
    links spread thinner, or too short, is not."""
    sections = ["Sport", "Business", "Culture", "Travel", "Science", "Weather", "Opinion"]
    sections += ["Music", "Health", "Money"]
    titles = [f"Regional council in {place} backs the new tram line" for place in sections]
    column = [line for k in range(10) for line in (sections[k], titles[k], "More")]
    text = "\n".join([*column, *BODY])
    assert is_page(text.split("\n"))  # 20 of 34 lines are links, in runs of two
    assert not is_page(column[:12])  # under PAGE_MIN_LINES lines
    thin = [line for k in range(10) for line in (sections[k], titles[k], *BODY[:2])]
    assert not is_page(thin)  # a quarter of the lines are links
    doc = Document(id="d", text=text, source="s.txt", lines=(1, text.count("\n") + 1))
    [batched] = clean_batch([doc], CleanOptions())
    alone = make_step(CleanOptions())(doc)  # the step on one article
    for out in (batched, alone):
        assert "Weather" not in out.text.split("\n")  # the page's furniture went
        assert BODY[0] in out.text


def test_article_span_keeps_a_subheading_between_paragraphs() -> None:
    lines = PAGE.split("\n")
    first, last = article_span(lines) or (0, 0)
    assert lines[first : last + 1] == BODY


def test_article_span_without_prose() -> None:
    assert article_span(MENU) is None


@given(st.lists(st.sampled_from(["", "Home", "Sport", "the plan passed, he said."]), max_size=30))
def test_next_non_blank_is_the_first_non_blank_line_after_each(stripped: list[str]) -> None:
    expected = [
        next((text for text in stripped[i + 1 :] if text), "") for i in range(len(stripped))
    ]
    assert _next_non_blank(stripped) == expected


@pytest.mark.parametrize(
    "model, rule", [("model", "boilerplate.line_model"), ("frame", "boilerplate.page_frame")]
)
def test_step_frames_a_page_and_records_every_line(model: str, rule: str) -> None:
    out = make_step(CleanOptions(page_model=model))(_doc(PAGE))
    assert out.text == "\n".join(BODY)
    framed = {r.text for r in out.removed if r.rule in (rule, "boilerplate.share")}
    assert framed >= {"Home", "Most Popular", "Tram fares frozen"}
    assert "Tram fares frozen" in {r.text for r in out.removed if r.rule == rule}
    assert len(out.removed) + len(BODY) == len(PAGE.split("\n"))


def test_step_leaves_an_article_without_navigation_whole() -> None:
    # a standfirst and a subheading in an ordinary article: no link runs, no framing
    text = "Ferry plan wins final vote\n\n" + "\n\n".join(BODY) + "\n\nWhat next"
    out = make_step(CleanOptions())(_doc(text))
    assert out.text == text


def test_page_frame_can_be_switched_off() -> None:
    options = CleanOptions(disabled_rules=frozenset({"boilerplate.page_frame"}))
    out = make_step(options)(_doc(PAGE))
    assert "boilerplate.page_frame" not in {r.rule for r in out.removed}


def test_unspaced_script_sentence_is_not_a_link() -> None:
    assert not link_like(
        "港の新しいフェリーターミナルは月曜日に承認され、工事は五月に始まる予定です。"
    )
    assert link_like("ホーム")


# --- wire sign-offs ---------------------------------------------------------------------------


@pytest.mark.parametrize("last", ["REUTER", "reuter", "Reuters", "- AP"])
def test_sign_off_any_case(last: str) -> None:
    out = make_step(CleanOptions())(_doc(f"The index rose 0.7 pct in March.\n\n{last}"))
    assert out.text == "The index rose 0.7 pct in March."
    assert [r.rule for r in out.removed] == ["boilerplate.sign_off"]
    assert out.meta["outlet"] == last.strip("- ")


def test_sign_off_glued_to_the_last_line_is_cut_as_a_span() -> None:
    out = make_step(CleanOptions())(_doc("Oats 1.5, total 55.8 (33.7). REUTER"))
    assert out.text == "Oats 1.5, total 55.8 (33.7)."
    assert [(r.text, r.rule) for r in out.removed] == [("REUTER", "boilerplate.sign_off")]
    assert out.meta["outlet"] == "REUTER"


def test_glued_sign_off_near_miss() -> None:
    text = "Shares rose, traders told Reuters\n\nThe index closed higher, said AP"
    assert make_step(CleanOptions())(_doc(text)).text == text


@pytest.mark.parametrize(
    "text",
    [
        "One.\nTwo.\nThree.\nBy Ana Lima\nBy Tom Roe\n\nThe board met on Monday.",
        "The board met on Monday.\n\nReuters\n\nAFP",
    ],
)
def test_stacked_bylines_and_sign_offs_go_at_once(text: str) -> None:
    step = make_step(CleanOptions())
    once = step(_doc(text))
    assert len(once.removed) == 2
    again = step(_doc(once.text))
    assert again.text == once.text and again.removed == []


# --- properties on arbitrary text (hypothesis, derandomized) ------------------------------------

PROPERTY_POOL = [
    "By Ana Lima and Tom Roe",
    "Ana Lima",
    "Updated: March 3, 2021 10:15 AM",
    "Share this article",
    "(Reporting by Ana Lima; Editing by Tom Roe)",
    "Reuters",
    *MENU,
    *BODY,
]
PROPERTY_TEXT = st.lists(
    st.one_of(st.sampled_from(PROPERTY_POOL), st.text(max_size=40)), max_size=16
).map("\n".join)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(PROPERTY_TEXT)
def test_property_never_raises_and_every_line_is_kept_or_removed(text: str) -> None:
    doc = _doc(text)
    out = make_step(CleanOptions())(doc)
    assert doc.text == text and doc.removed == []  # the input is not mutated
    kept = set(out.line_numbers) if out.text else set()
    removed = {r.line for r in out.removed}
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            assert number in kept or number in removed, (number, line)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(PROPERTY_TEXT)
def test_property_idempotent(text: str) -> None:
    step = make_step(CleanOptions())
    once = step(_doc(text))
    again = step(_doc(once.text))
    assert again.text == once.text
    assert again.removed == []


@pytest.mark.parametrize(
    "line, hit",
    [
        ("We use cookies to personalise content. This site uses cookies to improve it.", True),
        ("Registration on or use of this site constitutes acceptance of our User Agreement.", True),
        ("Your email address will not be published.", True),
        ("Save my name, email, and website in this browser for the next time I comment.", True),
        ("The bakery uses cookies from an old family recipe, the owner said.", False),
        ("Analysts said the site may not be reproduced elsewhere in the region.", False),
        ("Die Felder sind nass, sagte der Bauer, die Ernte wird spät.", False),
        ("Mit der Anmeldung beginnt die Saison, sagte der Trainer am Montag.", False),
        ("Die Haftung für Schäden am Hafen trägt das Land, entschied das Gericht.", False),
        ("Los campos obligatorios del formulario fiscal cambian en mayo, dijo Hacienda.", False),
    ],
)
def test_site_notice(line: str, hit: bool) -> None:
    from cleaners.boilerplate import site_notice

    assert site_notice(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("You may also like...", True),
        ("More articles from Ana Lima", True),
        ("Previous Post: Harbour plan approved", True),
        ("Leave a Reply Cancel reply", True),
        ("Tweets by @HarbourTimes", True),
        ("Tags:", True),
        ("Previous attempts to fix the harbour failed, officials said.", False),
        ("Tags on the crates showed they came from Lyon.", False),
    ],
)
def test_related_and_comment_furniture(line: str, hit: bool) -> None:
    assert page_furniture(line) is hit


# --- newsletter prompts, author biographies, footer small print -------------------------------


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Get the evening briefing delivered to your inbox.", True),
        ("Sign up for email alerts on the harbour works", True),
        ("Subscribe to our weekly newsletter for the best of the week.", True),
        ("Thanks for signing up!", True),
        ("We respect your privacy: unsubscribe at any time.", True),
        ("Join our newsletter", True),
        ("The parish newsletter first reported the roof repairs in March.", False),
        ("Residents can subscribe to the new tram pass for 30 euros a month.", False),
        ("Her inbox filled with complaints after the vote, she said.", False),
    ],
)
def test_newsletter_prompt(line: str, hit: bool) -> None:
    assert newsletter_prompt(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Tomas Berg is a staff writer at the Valley Courier covering energy.", True),
        ("Priya Nair is a correspondent for the Coast Ledger based in Pune.", True),
        ("Omar Haddad has been a freelance photographer with the agency since 2015.", True),
        ("Tomas Berg is a farmer who grows wheat near the river.", False),
        ("The mayor is a former reporter for the local paper.", False),
        ("Tomas Berg, a reporter for the Courier, asked the first question.", False),
    ],
)
def test_author_bio(line: str, hit: bool) -> None:
    assert author_bio(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Harbour Radio and the wave logo are registered trademarks of Harbour Media Ltd.", True),
        ("This site is protected by reCAPTCHA and its privacy policy applies.", True),
        ("The brewery lost its fight over the trademark in the appeal court.", False),
        ("The name is a trademark of the brewery, its lawyer told the court.", False),
        ("You may withdraw your consent at any time by writing to us.", True),
        ("Patients can withdraw their consent to the trial, the hospital said.", False),
    ],
)
def test_footer_small_print(line: str, hit: bool) -> None:
    assert site_notice(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Ferry operator doubles summer sailings to the islands...", True),
        ("Ferry operator doubles summer sailings to the islands …", True),
        ("The board approved the plan. The mayor said in a statement…", False),
        ("Fares will rise by 3% in May.", False),
    ],
)
def test_truncated_teaser(line: str, hit: bool) -> None:
    assert _truncated(line) is hit


# --- the article body against teaser lists, repeated copies and footer prose --------------------

ARTICLE = [
    "The harbour board approved the new ferry terminal on Monday after a long debate.",
    "Work on the terminal will start in May and should take two years, officials said.",
    "Residents near the quay have asked for a noise study before the piling begins.",
    "The board said the study would be published before the first contract is signed.",
]
# Teasers after the article: title, author, date and one summary sentence, four times over.
TEASER_LIST = [
    line
    for n, topic in enumerate(["tram", "bridge", "school", "market"])
    for line in (
        f"Council weighs new {topic} plan",
        "Mia Storm",
        f"March {n + 3}, 2024",
        f"The council will decide on the {topic} plan next week after a long public "
        "consultation that drew hundreds of letters from residents of the old town.",
    )
]


def test_article_span_ends_before_a_teaser_list() -> None:
    lines = [*MENU, *ARTICLE, "More stories", *TEASER_LIST]
    first, last = article_span(lines) or (0, 0)
    assert lines[first : last + 1] == ARTICLE


def test_article_span_drops_a_second_copy_of_the_article() -> None:
    lines = [*MENU, *ARTICLE, "Share", "Tags", "Ferries", *ARTICLE, "Contact", "Privacy"]
    first, last = article_span(lines) or (0, 0)
    assert (first, last) == (len(MENU), len(MENU) + len(ARTICLE) - 1)


def test_article_span_does_not_reach_over_footer_prose_a_rule_removes() -> None:
    notice = (
        "This website uses cookies to improve your experience while you navigate through the "
        "website, and some of them are stored in your browser as they are necessary."
    )
    lines = [*ARTICLE, "Popular", "Tram fares frozen", "Schools reopen", notice, notice]
    first, last = article_span(lines, site_notice) or (0, 0)
    assert lines[first : last + 1] == ARTICLE


def test_article_span_keeps_paragraphs_between_subheadings() -> None:
    # an ordinary article with a subheading over every second paragraph stays whole
    lines = [
        *MENU,
        ARTICLE[0],
        ARTICLE[1],
        "The noise study",
        ARTICLE[2],
        ARTICLE[3],
        "What happens next",
        "The first contract is due in April, and the ferries keep sailing during the works.",
        "A second public meeting is planned for the autumn, the board's chair said.",
        "Share",
    ]
    first, last = article_span(lines) or (0, 0)
    assert (first, last) == (len(MENU), len(lines) - 2)


def test_step_removes_prompts_and_bios_and_keeps_the_article() -> None:
    text = "\n\n".join(
        [
            *ARTICLE,
            "Get our morning briefing delivered to your inbox.",
            "Tomas Berg is a staff writer at the Valley Courier covering energy.",
        ]
    )
    out = make_step(CleanOptions())(_doc(text))
    assert out.text == "\n\n".join(ARTICLE)
    assert [r.rule for r in out.removed] == ["boilerplate.newsletter", "boilerplate.author_bio"]


def test_article_span_keeps_a_body_of_one_line_data_entries() -> None:
    # a results page: each entry is a heading and one line of figures, not a teaser list
    entries = [
        line
        for home, away in [("North", "South"), ("East", "West"), ("Hill", "Vale"), ("Bay", "Fen")]
        for line in (
            f"{home} d. {away} 3-1",
            f"{home} (4-1): Lee 2 goals, Park 1 goal, Kim 3 saves, Cho 1 assist.",
        )
    ]
    lines = [*MENU, "BOYS SOCCER", *entries, "Terms of Service", "Privacy Notice"]
    first, last = article_span(lines) or (0, 0)
    # from the first line of figures to the last: every entry but the first heading stays
    assert lines[first : last + 1] == entries[1:]


def test_article_span_keeps_paragraphs_parted_by_advert_lines() -> None:
    # an advert line between every pair of paragraphs does not make each paragraph a lone one
    # (which would leave the body lighter than the two-paragraph promotion further down)
    body = [line for paragraph in ARTICLE for line in (paragraph, "Advertisement")][:-1]
    titles = [f"Council weighs a new {topic} plan for the old town" for topic in MENU]
    promotion = [
        "Our weekend magazine brings you the best stories of the week every Saturday morning.",
        "Readers in the region can also find the magazine in shops and at every library.",
    ]
    lines = [*MENU, *body, *titles, *titles, *promotion]
    scores = _line_scores([line.strip() for line in lines], page_furniture)
    first, last = max_span(scores) or (0, 0)
    assert lines[first : last + 1] == body  # the body is the best span, not the promotion
    # the promotion, more than BODY_SECTION_SHARE of the body's weight, is taken for another
    # section of it (the line model then judges each of its lines)
    assert article_span(lines, page_furniture) == (first, len(lines) - 1)


def test_article_span_reaches_a_second_section_past_a_video_player() -> None:
    player = ["Watch", "0:00", "Play", "Mute", "Fullscreen", "Up next", *MENU * 5]
    lines = [*MENU, *ARTICLE[:2], *player, *ARTICLE[2:], "Privacy Notice", "Terms of Service"]
    first, last = article_span(lines, page_furniture) or (0, 0)
    assert (lines[first], lines[last]) == (ARTICLE[0], ARTICLE[-1])
    one_section = max_span(_line_scores([line.strip() for line in lines], page_furniture))
    assert one_section is not None and one_section[1] - one_section[0] < last - first


@pytest.mark.parametrize(
    "notice",
    [
        "This site uses cookies.",
        "The player uses cookies to improve playback.",
        "Strictly necessary cookies are always on.",
        "Read our privacy and cookies policy.",
        "Accept all cookies",
        "Cookie settings",
        "Use of this website constitutes acceptance of our terms.",
        "Material on this site may not be reproduced without permission.",
        "Your email address will not be published.",
        "Required fields are marked *",
        "Save my name, email, and website in this browser for the next time I comment.",
        "By submitting this form you agree to our terms.",
        "Community guidelines apply to all comments.",
        "Please be mindful of our community standards.",
        "Acme and Widgets are registered trademarks of Acme Holdings.",
        "This site is protected by reCAPTCHA and the Google Privacy Policy applies.",
        "You can withdraw your consent at any time.",
        "Notify me of follow-up comments by email.",
        "Deine E-Mail-Adresse wird nicht veröffentlicht.",
        "Erforderliche Felder sind mit * markiert",
        "Meinen Namen, E-Mail und Website in diesem Browser speichern.",
        "Benachrichtige mich über neue Beiträge via E-Mail.",
        "Votre adresse e-mail ne sera pas publiée.",
        "Les champs obligatoires sont indiqués avec *",
        "Enregistrer mon nom, mon e-mail et mon site dans le navigateur.",
        "Prévenez-moi de tous les nouveaux commentaires par e-mail.",
        "Tu dirección de correo electrónico no será publicada.",
        "Los campos obligatorios están marcados con *",
        "Guarda mi nombre, correo electrónico y web en este navegador.",
        "Recibir un correo electrónico con los siguientes comentarios a esta entrada.",
        "Enter your email address to follow this blog and receive notifications of new posts.",
        "Gib deine E-Mail-Adresse ein, um diesem Blog zu folgen.",
        "Saisissez votre adresse e-mail pour suivre ce blog.",
        "Introduce tu correo electrónico para seguir este blog.",
        "Benachrichtigung bei weiteren Kommentaren per E-Mail senden.",
        "Mit der Registrierung akzeptieren Sie unsere Nutzungsbedingungen.",
        "Ich bin mit der Verarbeitung meiner Daten gemäß Datenschutzerklärung einverstanden.",
        "Sie erhalten eine E-Mail nach dem Double-Opt-In-Verfahren.",
        "Bitte klicken Sie auf den Bestätigungslink in der E-Mail.",
        "(Alle Angaben ohne Gewähr)",
        "Haftungsbeschränkung für externe Links",
    ],
)
def test_site_notice_prefilter_keeps_every_branch(notice: str) -> None:
    """One example per branch of SITE_NOTICE: the keyword prefilter lets each through."""
    assert site_notice(notice)


# --- furniture in four languages (issue 19): each rule, its lines and its near misses ----------

FURNITURE_CASES = {
    "boilerplate.share_widget": (
        [
            "Folge uns auch in den sozialen Medien, wir halten dich auf dem Laufenden.",
            "Suivez-nous sur Instagram",
            "Síguenos en Twitter",
            "Report Abuse",
            "Einen Missbrauch melden",
            "Artikel gefallen? Vergiss nicht zu teilen!",
            "Enjoyed this article? Share it with your friends",
            "Udostępnij na FB (1)",
            "Click to share on Facebook (Opens in new window)",
            "Click to email a link to a friend (Opens in new window)",
            "Klicken, um auf Telegram zu teilen (Wird in neuem Fenster geöffnet)",
            "Cliquez pour partager sur X(s'ouvre dans une nouvelle fenêtre)",
            "Haz clic para compartir en WhatsApp (Se abre en una ventana nueva)",
            "Like this:",
            "Like Loading...",
            "Gefällt mir Wird geladen …",
            "J’aime chargement…",
            "Me gusta esto:",
            "Be the first to like this.",
            "Share this:",
            "Teilen mit:",
            "Teile diesen Beitrag",
            "Partager :",
            "Partager sur Facebook",
            "Compartir esto:",
            "Auf WhatsApp teilen",
            "Diese Geschichte teilen",
            "Den Artikel teilen",
            "Sharen mit:",
            "Gefällt mir Lade...",
            "Gefällt Ihnen dieser Artikel?",
            "Mit anderen teilen",
            "URL zum Kopieren",
            "Twittern",
        ],
        [
            "Folge uns, sagte der Lotse, und die Fähre bog in den Hafen.",
            "Sie wollten den Missbrauch melden, doch die Behörde war geschlossen.",
            "Did you like this article? It was written by a harbour pilot.",
            "Der Artikel gefallen? Das fragte die Redaktion ihre Leser im Mai.",
            "Share prices fell sharply on Monday.",
            "Like this year's harvest, the grape crop was small.",
            "Teilen Sie die Meinung des Ministers? Viele Bürger tun es nicht.",
            "Die Geschichte teilen viele Bewohner des Hafens seit Jahren.",
            "Les habitants veulent partager le coût du nouveau pont.",
            "Me gusta el nuevo puente, dijo la alcaldesa.",
            "The new wing opens in a new window of opportunity for the museum, its director said.",
        ],
    ),
    "boilerplate.related_heading": (
        [
            "Mehr von",
            "Mehr aus dem Ressort",
            "Explore further",
            "Related posts",
            "You might also be interested in:",
            "About the author",
            "Das könnte Sie auch interessieren",
            "Mehr zum Thema",
            "Ähnliche Beiträge",
            "Lesen Sie auch: Neue Fähre für den Hafen",
            "Die meistgelesenen Artikel",
            "Weiterlesen …",
            "À lire aussi",
            "Vous aimerez aussi",
            "Sur le même sujet",
            "Les plus lus",
            "Te puede interesar",
            "Lee también:",
            "Noticias relacionadas",
            "Lo más leído",
            "Diese Artikel könnten dich interessieren",
            "Beliebte Beiträge der letzten 7 Tage",
            "Lesen Sie auch die folgenden Beiträge:",
            "Auch lesen: Drei Tipps für den Hafen",
            "Die meistgelesenen Artikel bei Hafenblatt.de",
            "Mehr zum Thema auf Hafenblatt.de",
            "Le puede interesar: Nuevo ferry para el puerto",
            "PUEDES VER: Así será el nuevo puerto",
            "Recent Comments",
            "Neueste Kommentare",
            "Aktuelle Beiträge",
            "Commentaires récents",
            "Derniers articles",
            "Entradas recientes",
            "Últimos comentarios",
            "Related Topics",
            "More topics:",
            "Temas relacionados",
            "Sujets liés",
            "Sujets similaires",
            "Sujet lié",
        ],
        [
            "Mehr von diesem Wein wollte niemand.",
            "Related topics dominated the harbour summit, its chair said.",
            "Temas relacionados con el puerto llenaron la agenda del consejo.",
            "Sujets liés au port, les débats ont duré trois heures.",
            "Recent comments by the harbour master angered the ferry crews.",
            "Aktuelle Beiträge zur Rente stiegen 2023 um vier Prozent.",
            "Los comentarios recientes del ministro molestaron a los pescadores.",
            "Mehr aus der Region als erwartet kam zum Hafenfest.",
            "Explore further up the river and you reach the old mill.",
            "Related stories were rarely read, the study found.",
            "Mehr zum Thema Hafen sagte der Bürgermeister am Montag nichts.",
            "Lesen Sie auch die Kommentare der Leser? Wir schon.",
            "Les plus lus des romans de l'été sont des polars.",
            "Lo más leído del año fue un libro sobre el puerto, según la feria.",
            "Beliebte Beiträge wie dieser erscheinen jeden Montag in der Zeitung.",
            "Auch lesen müssen die Kinder erst lernen, sagte die Lehrerin.",
        ],
    ),
    "boilerplate.comment_form": (
        [
            "Write a comment",
            "Leave a reply",
            "Reply",
            "Your name *",
            "Email (will not be published) *",
            "Allowed HTML tags: <a> <em> <strong>",
            "Comments are moderated and may take a day to appear.",
            "Kommentar verfassen",
            "E-Mail (wird nicht veröffentlicht)",
            "Kommentare werden vor der Freischaltung geprüft.",
            "Melden Sie sich an, um Kommentare zu schreiben.",
            "Laisser un commentaire",
            "Les commentaires sont modérés.",
            "Deja un comentario",
            "Nombre *",
            "Los comentarios están cerrados.",
            "Comment by Ana Lima",
            "Leave a Reply Cancel reply",
            "Schreibe einen Kommentar Antwort abbrechen",
            "Hinterlasse jetzt einen Kommentar",
            "Antwort abbrechen",
            "Laisser un commentaire Annuler la réponse",
            "Deja una respuesta Cancelar la respuesta",
            "Lines and paragraphs break automatically.",
            "Web page addresses and e-mail addresses turn into links automatically.",
            "More information about text formats",
            "Leave this field blank",
            "There are 0 comments. Add yours. Hide them.",
            "Hier ist Ihre Meinung gefragt",
            "Kommentieren Sie hier",
        ],
        [
            "The minister declined to comment on the report.",
            "Comments from residents were mostly positive, the council said on Monday.",
            "Sie wollte den Kommentar des Ministers nicht bewerten.",
            "Le maire n'a pas souhaité laisser de commentaire sur le projet de pont.",
            "Name and address of the new ferry operator have not been released.",
            "Sie wollte die Antwort abbrechen, als das Licht ausging, sagte die Zeugin.",
            "The text format of the ferry contract changed in 2019, the court said.",
            "Ihre Meinung zu diesem Thema ist uns wichtig, sagte der Minister.",
        ],
    ),
    "boilerplate.platform_credit": (
        [
            "Powered by Blogger",
            "Simple theme. Powered by Blogger.",
            "Proudly powered by WordPress",
            "Create a free website or blog at WordPress.com.",
            "View my complete profile",
            "Mein Profil vollständig anzeigen",
            "Bereitgestellt von Blogger.",
            "Propulsé par WordPress",
            "Con la tecnología de Blogger.",
            "This entry was posted in Harbour and tagged ferries. Bookmark the permalink.",
            "Dieser Eintrag wurde veröffentlicht in Allgemein.",
        ],
        [
            "The plant is powered by wind and the sun.",
            "Powered by a new engine, the ferry crossed in forty minutes.",
            "She wrote the blog on a platform she built herself.",
        ],
    ),
    "boilerplate.paywall": (
        [
            "Jetzt 3 Ausgaben gratis erhalten!",
            "To view the full story, please subscribe to the Harbour Times.",
            "To continue reading this article, log in or subscribe.",
            "This article is available only to subscribers.",
            "Already a subscriber? Log in",
            "Download the Harbour Times apps for iOS and Android.",
            "Cancel anytime.",
            "Bereits Abonnent? Hier anmelden",
            "Dieser Artikel ist nur für Abonnenten verfügbar.",
            "Jetzt abonnieren und weiterlesen",
            "Ausgabe kaufen",
            "Déjà abonné ? Connectez-vous",
            "Cet article est réservé aux abonnés.",
            "Abonnez-vous pour lire la suite",
            "¿Ya eres suscriptor? Inicia sesión",
            "Contenido exclusivo para suscriptores",
            "Suscríbete para seguir leyendo.",
            "Cancela cuando quieras.",
        ],
        [
            "Die Zeitung erschien 3 Ausgaben lang gratis, sagte der Verleger.",
            "Readers can subscribe to the paper for a year, the publisher said.",
            "Subscribers to the ferry pass will pay less from May.",
            "Die Zeitung hat zehntausend Abonnenten, sagte der Verleger.",
            "Les abonnés du réseau de bus paieront moins cher.",
            "Los suscriptores del servicio de ferry pagarán menos desde mayo.",
        ],
    ),
    "boilerplate.channel_prompt": (
        [
            "Join our Telegram channel for the day's headlines.",
            "Folgen Sie unserem WhatsApp-Kanal!",
            "Tritt unserer Telegram-Gruppe bei und verpasse nichts.",
            "Rejoignez notre chaîne WhatsApp",
            "¿Ya sabías que tenemos canal de Telegram? Únete desde tu móvil.",
        ],
        [
            "The mercenaries' Telegram channel urged fighters to join the march.",
            "Our reporter followed the ministry's posts on its Telegram channel.",
            "Der Telegram-Kanal der Gruppe hat 40.000 Abonnenten, sagte die Forscherin.",
            "La chaîne Telegram du ministère a publié la liste des ferries annulés.",
            "Our sources in the Telegram group said fighters would join the offensive.",
            "Our analysis of the Telegram channel shows that users were urged to join protests.",
            "Die Polizei hat unsere Anfrage zur Telegram-Gruppe nicht beantwortet, Details folgen.",
            "Unsere Redaktion konnte den Telegram-Kanal einsehen, dem rund 20.000 Nutzer folgen.",
            "Los investigadores nos mostraron el grupo de WhatsApp: únete a la huelga, pedían.",
            "Nos sources disent que le groupe WhatsApp compte 200 membres; il s'abonne à d'autres.",
            "Our leaders want to signal group solidarity, and the allies will follow.",
        ],
    ),
    "boilerplate.donation": (
        [
            "Donate now",
            "Support our journalism",
            "Jetzt spenden",
            "Unterstützen Sie uns",
            "Unterstütze Hafenblatt bereits mit 2,50!",
            "Faire un don",
            "Haz una donación",
        ],
        [
            "Support us to keep the harbour café open, the owner asked on Monday.",
            "Spenden gingen im Jahr 2020 um ein Drittel zurück, sagte der Verein.",
            "Faire un don au musée du port est devenu plus simple, selon la mairie.",
        ],
    ),
    "boilerplate.ad_disclosure": (
        [
            "Anzeige",
            "Werbung",
            "Publicité",
            "Publicidad",
            "Advertiser Disclosure",
            "Sponsored by Kestrel Travel",
            "*Affiliate-Links",
            "This post contains affiliate links; we may earn a commission.",
            "Dieser Beitrag enthält Affiliate-Links.",
            "Für Käufe über diese Links erhalten wir eine kleine Provision.",
            "Contenu sponsorisé",
            "Contenido patrocinado",
        ],
        [
            "The agency said its advertising budget had doubled.",
            "Werbung für Alkohol ist an Bahnhöfen künftig verboten, sagte die Ministerin.",
            "La publicité pour le tabac est interdite depuis 1991.",
            "The council will earn a commission on every ticket sold, the report said.",
        ],
    ),
    "boilerplate.tag_line": (
        [
            "Tags: ferries, harbour, winter",
            "Filed under: Transport",
            "Schlagwörter: Fähre, Hafen",
            "Etiquetas:",
            "Mots-clés : port, ferry",
            "Kategorien: Allgemein",
            "Schlagworte zum Thema: Hafen, Fähre, Winter",
        ],
        [
            "Tags are sewn into every jacket the factory makes.",
            "Themen wie Verkehr und Wohnen bestimmten den Wahlkampf.",
            "Schlagworte sind wichtig für die Suche, sagte die Bibliothekarin.",
            "Categories of ticket will be simplified from May: adult, child and senior.",
        ],
    ),
    "boilerplate.newsletter": (
        [
            "Get regular updates on the latest harbour news from the Harbour Times.",
            "Newsletter abonnieren und nichts verpassen",
            "Melden Sie sich für unseren Newsletter an!",
            "Inscrivez-vous à notre newsletter",
            "Recevez notre lettre d'information chaque semaine.",
            "Suscríbete a nuestro boletín",
            "Kostenlos zum Newsletter anmelden und nichts verpassen",
            "Mit unserem Newsletter erhalten Sie jeden Monat die besten Hafengeschichten.",
            "With our newsletter you get the week's harbour news every Friday.",
            "Alle Meldungen des Hafenamts | RSS-Feed abonnieren",
            "Subscribe to our RSS feed",
            "Recibe las noticias en tu bandeja de entrada.",
            "Missing out on harbour news? Enter your email below to receive it in your inbox.",
            "Get the Harbour Times Daily Edition by email and never miss a story. Free Sign Up",
            "Lust auf mehr? Die besten Hafengeschichten jede Woche in deinem Posteingang. "
            "Melde dich hier an.",
            "Missing out on the latest ferry works? Enter your email below to receive future "
            "updates.",
            "Enter your email address to follow this blog and receive notifications of new posts.",
            "Never miss a ferry story? Enter your email below to receive our announcements "
            "direct to your inbox. A confirmation email will be sent before you start receiving "
            "them, so please check your spam folder if it does not arrive within a few minutes "
            "of signing up today.",
        ],
        [
            "Regular updates on the ferry works are posted at the terminal, the board said.",
            "The fake page asked victims to enter your email and password, the police said.",
            "The scam asked victims to enter their email and password before the ferry left.",
            "Enter your email and password only on the official site, the harbour bank advised "
            "customers after the breach affected 40,000 accounts in the region.",
            "The regulator said customers who want to leave must be able to unsubscribe at any "
            "time without a fee, and that companies which hide the cancellation button deep in "
            "their apps or demand a phone call will face fines of up to four percent of their "
            "annual turnover under the new rules.",
            "Der Verein verschickt seinen Newsletter seit 1998, sagte die Vorsitzende, und er "
            "erreicht heute mehr Leser als die Lokalzeitung, vor allem im Umland, wo viele "
            "Haushalte keine Zeitung mehr abonnieren und die Gemeinde seit Jahren ohne "
            "eigene Redaktion auskommen muss.",
            "El boletín oficial publicó la ley el lunes.",
            "Residents can send their questions by email, the harbour board said on Monday.",
            "Residents can subscribe by email to news of the works, the council said on Monday.",
            "The port sent the schedule by email. Get there an hour early, it advised.",
        ],
    ),
    "boilerplate.bare_link": (
        ["desk@harbour-times.example", "Hafenstiftung ↗", "E-Mail: desk@harbour-times.example"],
        [
            "Write to desk@harbour-times.example with your questions about the ferry.",
            "Prices ↗ rose again on Monday, the harbour board said, and fares will follow.",
        ],
    ),
    "boilerplate.click_prompt": (
        [
            "Click here to subscribe to the Harbour Times.",
            "CLICK HERE TO TURN ON FERRY ALERTS.",
            "Klicken Sie hier, um den Fahrplan zu laden.",
            "Fähre jetzt auch digital!Einfach hier klicken und registrieren!",
            "Cliquez ici pour vous abonner.",
            "Haga clic aquí para suscribirse al boletín del puerto.",
            "New timetable. Click here for details",
        ],
        [
            "Readers who click here and there on the app rarely finish, the study found.",
            "Wer hier klicken will, muss sich anmelden, sagte die Ministerin am Montag.",
            "Le ministre a dit qu'il suffit de cliquer ici ou là pour voter.",
            "Klicken Sie hier, hieß es in der Mail, die Tausende Kunden der Fähre erhielten.",
            "Cliquez ici, disait le SMS frauduleux reçu par des milliers de passagers.",
            "Haz clic aquí: así es el mensaje falso que reciben los pasajeros del ferry.",
            "Fraud warning. Click here links in text messages are rising, police say.",
            "The scam was simple. Click here, enter your PIN, lose your savings.",
            "Click here, the old ferry poster said in faded red letters above the ticket window "
            "where the harbour master sold passes to the island every summer for forty years.",
        ],
    ),
    "boilerplate.page_tools": (
        [
            "5 min read",
            "Reading time: 4 minutes",
            "Lesezeit: ca. 3 Minuten",
            "3 Min. Lesezeit",
            "Temps de lecture : 6 min",
            "Tiempo de lectura: 2 minutos",
            "12 minutes - 2,480 words",
            "Showing 1–10 of 19 results",
            "Seite 2 von 5",
            "Página 3 de 7",
            "Es werden die Fähren 1 bis 10 von insgesamt 19 angezeigt!",
            "Als PDF herunterladen",
            "Diesen Artikel als PDF speichern",
            "PDF version",
            "Print this article",
            "Artikel drucken",
            "Back to top",
            "Zurück zur Startseite",
            "Zurück zum Seitenanfang",
            "Nach oben",
            "Zurück nach oben",
            "Retour à l'accueil",
            "Volver arriba",
        ],
        [
            "The ferry takes 5 min to cross the harbour at night.",
            "Back to school: the ferry adds an early crossing for pupils.",
            "Zurück zur Startseite des Wahlkampfs kehrte der Kandidat am Montag nicht.",
            "Nach oben korrigierte die Reederei ihre Prognose am Montag.",
            "Back to the top",
            "Zurück zum Anfang",
            "Reading time fell by a third among pupils, the study found.",
            "Page 2 of the report lists every ferry cancelled in May.",
            "Der Bericht wurde als PDF veröffentlicht, sagte die Sprecherin.",
            "Print runs of the harbour guide have doubled since 2019.",
        ],
    ),
    "boilerplate.technical_notice": (
        [
            "You are using an outdated browser. Please upgrade your browser to see the harbour "
            "map.",
            "Your browser does not support the video tag.",
            "Please enable JavaScript to view the comments.",
            "Ihr Browser unterstützt dieses Video nicht.",
            "Bitte aktivieren Sie JavaScript, um die Karte zu sehen.",
            "Klicken Sie auf den folgenden Button, um die Karte von www.example.org zu laden.",
            "Mit dem Laden des Videos akzeptieren Sie die Datenschutzerklärung von YouTube.",
            "Click the button below to load the content from Example Maps.",
            "Votre navigateur ne supporte pas la lecture de vidéos.",
            "Tu navegador no soporta vídeos HTML5.",
        ],
        [
            "The app runs in any browser, the developers said on Monday.",
            "JavaScript is a programming language created in 1995.",
            "To use the tool, enable JavaScript in your browser settings and reload the page.",
            "If your browser does not support WebGL, the map falls back to a flat picture.",
            "JavaScript is required by most modern web applications, the survey found.",
            "Der Button lädt nichts, sagte der Techniker, das Netz war ausgefallen.",
        ],
    ),
    "boilerplate.licence_notice": (
        [
            "This work is licensed under a Creative Commons Attribution 4.0 International License.",
            "Texte auf dieser Webseite stehen unter einer Creative Commons Namensnennung 3.0 "
            "Lizenz.",
            "Ce contenu est mis à disposition sous licence Creative Commons BY-SA.",
            "Este artículo está bajo una licencia Creative Commons.",
        ],
        [
            "Creative Commons licences let artists share their work, she said.",
            "The photographer chose a Creative Commons licence for the harbour pictures.",
            "The photos are published under a Creative Commons licence, the museum said.",
            "Die Fotos stehen unter einer Creative-Commons-Lizenz, sagte die Kuratorin.",
        ],
    ),
}


@pytest.mark.parametrize(
    "rule, line, hit",
    [
        (rule, line, hit)
        for rule, (hits, misses) in FURNITURE_CASES.items()
        for lines, hit in ((hits, True), (misses, False))
        for line in lines
    ],
)
def test_furniture_rules_in_four_languages(rule: str, line: str, hit: bool) -> None:
    from cleaners.rules import ruleset

    [found] = [r for r in ruleset("boilerplate").rules if r.name == rule]
    assert found.predicate(line) is hit
    if hit:  # the first rule of the category to fire is this one, or an older one already did
        step = make_step(CleanOptions())
        doc = Document(id="d", text=f"{line}\n\n{NEAR_BODY}", source="s.txt", lines=(1, 3))
        out = step(doc)
        assert out.text == NEAR_BODY
        assert [r.text for r in out.removed] == [line]
        # the columnar engine's prefilters and expressions pass the line too
        [batched] = clean_batch([doc], CleanOptions())
        assert (batched.text, [r.text for r in batched.removed]) == (NEAR_BODY, [line])


NEAR_BODY = "The harbour board voted on Monday to build a new ferry terminal by the river."


@pytest.mark.parametrize(
    "name",
    [
        "FURNITURE",
        "SHARE_WIDGET",
        "COMMENT_FORM",
        "PAYWALL",
        "PLATFORM_CREDIT",
        "AD_DISCLOSURE",
        "TAG_LINE",
        "PAGE_TOOLS",
        "TECHNICAL_NOTICE",
        "LICENCE_NOTICE",
        "SITE_NOTICE",
    ],
)
def test_furniture_patterns_keep_a_word_to_prefilter_on(name: str) -> None:
    """One branch without an ASCII word of its own leaves the whole pattern without a word
    prefilter, and the columnar engine then runs it on every short line (a bare e-mail address
    as a branch of FURNITURE made the share rule four times slower). Such a form belongs in a
    rule of its own, with its own prefilter (`boilerplate.bare_link`)."""
    from cleaners import boilerplate
    from cleaners.prefilters import required_words

    assert required_words(getattr(boilerplate, name)) is not None
