"""The body-or-furniture line model (`cleaners.line_model`, `page_model = "model"`).

Every page here is written for the test: no dev page is copied, and no word of the seed."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from cleaners import line_model
from cleaners.boilerplate import link_like
from cleaners.document import Document
from cleaners.options import CleanOptions
from cleaners.pipeline import clean_batch, clean_document, document_steps
from cleaners.split import split_dump
from winnow_corpus.config import config_from_dict
from winnow_corpus.errors import ConfigError
from winnow_corpus.report_html import article_key
from winnow_corpus.runner import RunConfig, build_report, run_documents, write_run

MODEL = CleanOptions(page_model="model")
FRAME = CleanOptions(page_model="frame")
MENU = ["Home", "News", "Sport", "Weather", "Culture", "Travel", "Podcasts", "Contact"]
FOOTER = ["About us", "Careers", "Privacy", "Terms of use", "Cookie settings", "Sitemap"]


def _frame(lines: list[str], in_span: list[bool] | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "doc": [0] * len(lines),
            "s": lines,
            "link": [False] * len(lines),
            "furniture": [False] * len(lines),
            "in_span": in_span or [True] * len(lines),
        },
        schema=line_model.INPUT_SCHEMA,
    )


def _doc(text: str) -> Document:
    lines = text.split("\n")
    return Document("p1", text, "p.txt", (1, len(lines)))


def _both(text: str, options: CleanOptions = MODEL) -> Document:
    """The page cleaned by the columnar engine; the article-by-article steps must agree."""
    docs = list(split_dump(text + "\n", "p.txt"))
    batched = clean_batch(docs, options)
    steps = document_steps(options)
    assert batched == [clean_document(doc, steps) for doc in docs]
    assert len(batched) == 1
    return batched[0]


# --- features ---------------------------------------------------------------------------------


def test_features_of_written_lines() -> None:
    lines = [
        "Start",
        "The ferry left the quay at dawn, and the crew waved to the people on the pier.",
        "Share on social",
        "Prices: 4.50, 6.20 and 9.80 per ticket in 2031",
    ]
    table = line_model.features(_frame(lines))
    assert table.columns == list(line_model.NAMES)
    assert table["ends_prose"].to_list() == [0.0, 1.0, 0.0, 0.0]
    stop = table["stop_share"].to_list()
    assert stop[1] > 0.3 and stop[0] == 0.0
    assert table["digits"][3] > 0.3 and table["digits"][1] == 0.0
    assert table["position"].to_list() == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
    # the neighbours' features are the lines' own, shifted within the page
    assert table["prev_words"][1] == table["words"][0]
    assert table["next_words"][1] == table["words"][2]
    assert table["prev_words"][0] == 0.0


def test_features_never_cross_into_the_next_article() -> None:
    frame = pl.concat([_frame(["Alpha line here."]), _frame(["Beta line."])]).with_columns(
        doc=pl.Series([0, 1], dtype=pl.UInt32)
    )
    table = line_model.features(frame)
    assert table["next_words"][0] == 0.0 and table["prev_words"][1] == 0.0
    assert table["position"].to_list() == [0.0, 0.0]


def test_stop_words_follow_the_guessed_language() -> None:
    german = "Die Fähre fuhr am Morgen aus dem Hafen, und die Leute winkten ihr nach."
    english = "The ferry left the harbour in the morning, and people waved after it."
    frame = pl.concat([_frame([german]), _frame([english])]).with_columns(
        doc=pl.Series([0, 1], dtype=pl.UInt32)
    )
    assert line_model.guess_languages(frame).rows() == [(0, "de"), (1, "en")]
    shares = line_model.features(frame)["stop_share"].to_list()
    assert shares[0] > 0.3 and shares[1] > 0.3


def test_stop_words_cover_the_main_languages() -> None:
    words = line_model.stop_words()
    assert {"en", "de", "fr", "es"} <= set(words)
    assert {"the", "and"} <= words["en"] and {"und", "der"} <= words["de"]
    assert {"le", "et"} <= words["fr"] and {"el", "y"} <= words["es"]


def test_an_empty_frame_has_no_features() -> None:
    assert line_model.features(_frame([])).shape == (0, len(line_model.NAMES))


# --- the shipped weights ------------------------------------------------------------------------


def test_the_weights_file_names_the_features_the_code_computes() -> None:
    data = json.loads(resources.files("cleaners").joinpath("line_model.json").read_text("utf-8"))
    assert data["names"] == list(line_model.NAMES)
    weights = line_model.shipped_weights()
    assert len(weights.coef) == len(weights.mean) == len(weights.scale) == len(line_model.NAMES)
    assert np.all(weights.scale > 0) and 0 < weights.threshold < 1
    assert set(line_model.FEATURES) == set(weights.names)  # every feature has a reason's name


def test_a_weights_file_with_other_features_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    line_model.shipped_weights.cache_clear()
    monkeypatch.setattr(line_model, "NAMES", (*line_model.NAMES, "made_up"))
    try:
        with pytest.raises(ValueError, match="refit"):
            line_model.shipped_weights()
    finally:
        monkeypatch.undo()
        line_model.shipped_weights.cache_clear()


def test_the_weights_keep_the_models_own_body_settings_through_json() -> None:
    weights = replace(line_model.shipped_weights(), body_threshold=0.35, body_share=0.25)
    again = line_model.Weights.from_json(json.loads(json.dumps(weights.to_json())))
    assert (again.body_threshold, again.body_share) == (0.35, 0.25)
    older = {k: v for k, v in weights.to_json().items() if not k.startswith("body_")}
    assert line_model.Weights.from_json(older).body_threshold is None


# --- the model's own body ----------------------------------------------------------------------

BODY_LOGIT, BLOCK_LOGIT, TEASER_LOGIT = 3.0, -3.0, 0.0  # p(body) 0.95, 0.05, 0.5


def _scored(
    logits: list[float],
    monkeypatch: pytest.MonkeyPatch,
    furniture: list[bool] | None = None,
    **settings: float,
) -> Any:
    """`line_model.score` of lines (all inside the frame's span) whose log-odds are `logits`
    (`furniture`: those a precise rule removes anyway): a model that reads one feature, set to
    each line's log-odds."""
    names = line_model.NAMES
    table = pl.DataFrame({n: logits if n == "words" else [0.0] * len(logits) for n in names})
    monkeypatch.setattr(line_model, "features", lambda frame: table)
    coef = np.array([1.0 if n == "words" else 0.0 for n in names])
    ones, zeros = np.ones(len(names)), np.zeros(len(names))
    weights = line_model.Weights(
        names,
        zeros,
        ones,
        coef,
        0.0,
        0.2,
        {},
        outside_threshold=0.6,
        **settings,  # type: ignore[arg-type]
    )
    frame = _frame([f"line {i}" for i in range(len(logits))])
    if furniture is not None:
        frame = frame.with_columns(pl.Series("furniture", furniture))
    return line_model.score(frame, weights)


def test_a_teaser_away_from_the_body_needs_the_outside_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Inside the frame's span, a middling line (p(body) 0.5) after a block of furniture stays by
    its own p(body); measured against the model's own body it lies outside, and goes, saying so."""
    logits = [BODY_LOGIT] * 4 + [BLOCK_LOGIT] * 6 + [TEASER_LOGIT] + [BLOCK_LOGIT] * 2
    alone = _scored(logits, monkeypatch)
    assert not alone.furniture[10]
    verdicts = _scored(logits, monkeypatch, body_threshold=0.3, body_share=0.3)
    assert verdicts.furniture.tolist() == [False] * 4 + [True] * 9
    teaser = verdicts.reasons[6]  # the seventh removal: the block's six, then the teaser
    assert "outside the body; p(body) 0.50" in teaser
    assert all("outside the body" not in reason for reason in verdicts.reasons[:6])


def test_an_ad_slot_neither_parts_the_body_nor_joins_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines a precise rule removes anyway count 0 in the model's body: a middling paragraph
    after a run of ad slots stays in the body they would otherwise have cut it from."""
    logits = [BODY_LOGIT] * 4 + [BLOCK_LOGIT] * 6 + [TEASER_LOGIT]
    furniture = [False] * 4 + [True] * 6 + [False]
    verdicts = _scored(logits, monkeypatch, body_threshold=0.3, body_share=0.3)
    assert verdicts.furniture[10]  # the block parts it from the body
    ads = _scored(logits, monkeypatch, furniture=furniture, body_threshold=0.3, body_share=0.3)
    assert not ads.furniture[10]


def test_a_page_without_a_body_is_judged_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """No line reaches the body's p(body): the model draws no body, and each line keeps its own
    threshold, as a page without a prose span does with the frame."""
    logits = [-0.6] * 5  # p(body) 0.35: above the threshold (0.2), below the body's (0.4)
    verdicts = _scored(logits, monkeypatch, body_threshold=0.4, body_share=0.3)
    assert not verdicts.furniture.any()


def test_a_body_in_two_sections_is_one_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second section as long as the first (a body after a player or a gallery) joins the
    model's body, and the middling line between them keeps its lenient threshold."""
    logits = [BODY_LOGIT] * 4 + [BLOCK_LOGIT] * 6 + [TEASER_LOGIT] + [BODY_LOGIT] * 4
    verdicts = _scored(logits, monkeypatch, body_threshold=0.3, body_share=0.3)
    assert verdicts.furniture.tolist() == [False] * 4 + [True] * 6 + [False] * 5


# --- options -----------------------------------------------------------------------------------


def test_page_model_is_an_option_and_a_config_key() -> None:
    assert CleanOptions().page_model == "model"
    assert config_from_dict({"clean": {"page_model": "model"}}).clean.page_model == "model"
    with pytest.raises(ConfigError, match="page_model must be one of frame, model"):
        config_from_dict({"clean": {"page_model": "neural"}})


# --- the kinds of failure of the page frame that issue 19 lists, on pages written for the test ---

PLAYER = [
    "Play Video",
    "0:00",
    "Mute",
    "Captions",
    "Quality",
    "Picture in picture",
    "Fullscreen",
    "Up next",
    "More videos",
    "Storm floods the coast road",
    "Harbour festival opens",
    "New bridge over the river",
    "Fishing fleet returns early",
    "School choir wins award",
    "Ferry timetable changes",
    "Island bus service cut",
    "Market hall reopens",
    "Old mill finds a buyer",
    "Cliff path closed for repairs",
    "Beach cleanup draws crowds",
]
BEFORE_PLAYER = [
    "The old lighthouse on the northern cape will be turned into a small museum, the parish "
    "council decided on Thursday after two years of talks with the coast guard.",
    "The keepers left the tower when the light was automated, and since then it has stood "
    "empty, visited only by the engineers who service the lamp twice a year.",
]
AFTER_PLAYER = [
    "Volunteers have already repainted the tower and repaired the spiral stairs, which had been "
    "closed to visitors since a storm damaged the railings in the winter of the previous year.",
    "The museum will show the lamps, logbooks and radio sets the keepers used, and a room will "
    "tell the story of the ships that were lost on the reef before the light was built.",
    "Opening hours have not been set yet, but the council expects the first visitors to climb "
    "the tower next summer, when the ferry timetable is extended for the holiday season.",
]


LIGHTHOUSE = "\n".join(
    ["Lighthouse to become a museum", "", *MENU, *BEFORE_PLAYER, *PLAYER, *AFTER_PLAYER, *FOOTER]
)


def test_a_body_that_goes_on_after_a_video_player_is_kept() -> None:
    page = LIGHTHOUSE
    framed = _both(page, FRAME)
    modelled = _both(page)
    # the sections before and after the player are one body (`boilerplate.BODY_SECTION_SHARE`);
    # the frame keeps the player's lines between them, the model judges each
    for cleaned in (framed, modelled):
        assert all(paragraph in cleaned.text for paragraph in BEFORE_PLAYER + AFTER_PLAYER)
    assert not any(line in modelled.text.split("\n") for line in MENU + FOOTER)


STEPS = [
    "1. Soak the beans overnight.",
    "2. Drain and cover with fresh water.",
    "3. Add onion, bay leaves and salt.",
    "4. Simmer for an hour.",
    "5. Stir in the tomatoes.",
    "6. Serve hot with bread.",
]
INTRO = "A bean stew for cold evenings."
COMMENTS = [
    "Leave a comment",
    "Maria K.",
    "I cooked this for my family on Sunday and everyone asked for a second bowl, thank you!",
    "Tom",
    "We added smoked paprika and a little chili, and it was even better the next day for lunch.",
]


def test_a_list_shaped_body_is_kept() -> None:
    page = "\n".join(["Bean stew", "", *MENU, INTRO, "Method", *STEPS, *COMMENTS, *FOOTER])
    framed = _both(page, FRAME)
    modelled = _both(page)
    assert sum(step in framed.text for step in STEPS) <= 1  # the span took the comments
    assert sum(step in modelled.text for step in STEPS) >= 5
    assert not any(line in modelled.text.split("\n") for line in MENU + FOOTER)


def test_every_removal_of_the_model_names_the_model_and_its_features() -> None:
    page = LIGHTHOUSE
    modelled = _both(page)
    by_model = [r for r in modelled.removed if r.rule == "boilerplate.line_model"]
    assert by_model
    for removal in by_model:
        assert removal.reason.startswith("page furniture by the line model (")
        assert "p(body) 0." in removal.reason
        features = removal.reason.rsplit("; ", 1)[1].rstrip(")").split(", ")
        assert 1 <= len(features) <= 3
        assert set(features) <= set(line_model.FEATURES.values())
    # kept lines and removals account for every non-blank line
    lines = [line for line in page.split("\n")[2:] if line.strip()]
    assert len(modelled.text.split("\n")) + len(modelled.removed) == len(lines)


def test_the_model_leaves_articles_that_are_not_pages_alone() -> None:
    text = "Lighthouse to become a museum\n\n" + "\n\n".join([*BEFORE_PLAYER, *AFTER_PLAYER])
    assert _both(text).text == _both(text, FRAME).text
    assert not _both(text).removed


def test_the_model_can_be_switched_off_by_name() -> None:
    page = "\n".join(
        ["Lighthouse to become a museum", "", *MENU, *BEFORE_PLAYER, *PLAYER, *AFTER_PLAYER]
    )
    options = CleanOptions(page_model="model", disabled_rules=frozenset({line_model.RULE}))
    assert line_model.RULE not in {r.rule for r in _both(page, options).removed}


GERMAN_BODY = [
    "Der Gemeinderat hat am Donnerstag beschlossen, die alte Mühle am Bach zu einem kleinen "
    "Museum umzubauen, nachdem die Gespräche mit dem Denkmalamt zwei Jahre gedauert hatten.",
    "Freiwillige haben das Dach schon ausgebessert und das Mühlrad gereinigt, das seit einem "
    "Hochwasser im vorletzten Winter still stand.",
    "Wann das Museum öffnet, steht noch nicht fest, aber die Gemeinde rechnet mit den ersten "
    "Besuchern im nächsten Sommer.",
]
GERMAN_MENU = ["Startseite", "Politik", "Wirtschaft", "Kultur", "Reisen", "Wetter", "Kontakt"]
GERMAN_AFTER = ["Weitere Artikel", "Impressum", "Datenschutz", "Barrierefreiheit", "Jobs"]


def test_a_german_page_keeps_its_body_and_drops_its_frame() -> None:
    page = "\n".join(["Mühle wird Museum", "", *GERMAN_MENU, *GERMAN_BODY, *GERMAN_AFTER])
    modelled = _both(page)
    assert modelled.text == "\n".join(GERMAN_BODY)


def test_cleaning_a_modelled_page_again_changes_nothing() -> None:
    once = _both(LIGHTHOUSE)
    again = _both("Lighthouse to become a museum\n\n" + once.text)
    assert again.text == once.text


def test_a_run_counts_the_models_removals_under_one_reason(tmp_path: Path) -> None:
    """Each removal's reason names its line's p(body) and features; the report, the summary and
    report.html count and colour them under the rule's one reason, not one row per line."""
    pages = [
        "\n".join([f"Ferry news {i}", "", *MENU, *BEFORE_PLAYER, *AFTER_PLAYER, *FOOTER])
        for i in range(3)
    ]
    docs = [Document(f"p{i}", page, "p.txt", (1, 1)) for i, page in enumerate(pages)]
    result = run_documents(docs, RunConfig(jobs=1, deduplicate=False))
    removals = [r for doc in result.documents for r in doc.removed]
    modelled = [r for r in removals if r.rule == line_model.RULE]
    assert len({r.reason for r in modelled}) > 1  # a detail per line
    assert all(r.reason.startswith(f"{line_model.REASON} (p(body) 0.") for r in modelled)
    by_reason = build_report(result)["removed_by_reason"]
    assert by_reason[line_model.REASON] == len(modelled)
    assert not [reason for reason in by_reason if reason.startswith(f"{line_model.REASON} (")]
    write_run(result, tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert page.count(f"{line_model.REASON} <small>") == 1  # one legend entry
    record = {"id": "p0", "removed": [{"rule": r.rule, "reason": r.reason} for r in modelled]}
    assert article_key(record) == ("p0", (line_model.REASON,))


SITE_BLURB = (
    "The Harbour Courier is a reader-funded newsroom on the coast, and every story we publish "
    "stays free to read for everyone who visits us."
)


def _made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def _site_page(rng: random.Random, number: int) -> tuple[str, list[str]]:
    """One page of a site: its menu, a body of three paragraphs with the site's own blurb (prose,
    like the body) after the first, its footer. Returns the page and its body paragraphs."""
    w = partial(_made_up_word, rng)
    body = [
        f"The {w()} council met on day {number} and agreed that the {w()} plan for the {w()} "
        "quarter would go ahead after a long debate, officials said.",
        f"Residents of {w().title()} said the {w()} works would close the road for "
        f"{number + 2} weeks, and shops near the {w()} square asked for help with the costs.",
        f"A spokesperson for the {w()} board said the work would start in the spring and finish "
        f"before the {w()} festival, when the town expects many visitors.",
    ]
    page = "\n".join([f"Story {w()} {number}", "", *MENU, body[0], SITE_BLURB, *body[1:], *FOOTER])
    return page, body


def test_a_run_of_many_pages_of_one_site_drops_what_one_page_cannot_tell() -> None:
    """The model judges a page alone (as `winnow eval` does), so a site's own prose furniture
    reads as body there; a run of many pages of the site removes it as a line recurring across
    the run, and keeps every body paragraph."""
    rng = random.Random(3)
    pages = [_site_page(rng, number) for number in range(12)]
    assert SITE_BLURB in _both(pages[0][0]).text
    docs = [Document(f"p{i}", page, "p.txt", (1, 1)) for i, (page, _) in enumerate(pages)]
    result = run_documents(docs, RunConfig(jobs=1, deduplicate=False))
    for doc, (_, body) in zip(result.documents, pages, strict=True):
        assert SITE_BLURB not in doc.text
        assert [r.rule for r in doc.removed if r.text == SITE_BLURB] == ["footers.recurring"]
        assert all(paragraph in doc.text for paragraph in body)


def test_a_reason_names_only_features_that_describe_the_line() -> None:
    """A fitted weight can make the absence of a trait weigh against a line (a paragraph that is
    not link-like, between link-like lines): the reason then leaves that trait unnamed."""
    paragraphs = [*BEFORE_PLAYER, *AFTER_PLAYER]
    lines = ["Lighthouse news", "", *MENU]
    for number, paragraph in enumerate(paragraphs):
        lines += [paragraph, "Advertisement", f"(Artist: Ana Lima {number})"]
    modelled = [r for r in _both("\n".join([*lines, *FOOTER])).removed if r.rule == line_model.RULE]
    assert modelled
    for removal in modelled:
        named = removal.reason.rsplit("; ", 1)[1].rstrip(")").split(", ")
        if not link_like(removal.text.strip()):
            assert "link-like" not in named, removal
        if len(removal.text.split()) >= 10:
            assert "few words" not in named and "short" not in named, removal


# A long read flattened with an ad slot between paragraphs, each paragraph closed by the
# author's reference marks: the sentences still end each line.
MARKED = [
    "The keepers kept a log of every ship that passed the cape, and the oldest volumes, written "
    "in a careful hand by the first keeper's daughter, survive in the parish archive. [L1]",
    "In the hard winters the supply boat could not land for weeks, so the families grew potatoes "
    "in the lee of the tower and kept goats on the slope behind the cottages. [L1 / L2]",
    "After the light was automated the cottages were let to painters, who came for the storms "
    "and left pictures of the tower in galleries from the capital to the coast.[3][4]",
    "The museum will open the keepers' rooms as they were, with the logbooks in glass cases and "
    "the radio set that once called the lifeboat to the reef on the night of the great gale. [L2]",
]


TEASER = ["Advertisement", "The lighthouse museum, part two", "Read more", "Read on"]


def test_paragraphs_closed_by_reference_marks_are_body() -> None:
    marked = [line for paragraph in MARKED for line in ("Advertisement", paragraph)]
    page = "\n".join(
        ["The keepers' logbooks", "", *MENU, *BEFORE_PLAYER, *TEASER, *marked, *FOOTER]
    )
    for cleaned in (_both(page, FRAME), _both(page)):
        assert all(paragraph in cleaned.text for paragraph in BEFORE_PLAYER + MARKED)


THREAD = [
    "Anonymous",
    "The museum is a fine idea, but the council should first fix the road to the cape, which "
    "floods every winter and has not been resurfaced in twenty years.",
    "Harbour Watcher",
    "My grandfather kept that light for eleven years and I am glad the tower will be looked "
    "after, though I hope they leave the keepers' garden as it was when he lived there.",
    "Anonymous",
    "Will there be parking near the tower? The lane is narrow and the buses already struggle "
    "to turn at the end of it in the summer when the visitors come for the beach.",
]


@pytest.mark.parametrize(
    "heading",
    ["3 Comments", "3 Gedanken zu „Lighthouse museum“", "3 réflexions au sujet de « Phare »"],
)
def test_a_comment_thread_after_the_article_is_not_body(heading: str) -> None:
    article = BEFORE_PLAYER + AFTER_PLAYER
    page = "\n".join(
        ["Lighthouse museum", "", *MENU, "3 comments", *article, heading, *THREAD, *FOOTER]
    )
    for cleaned in (_both(page, FRAME), _both(page)):
        assert all(paragraph in cleaned.text for paragraph in article)  # "3 comments" on top
        assert not any(comment in cleaned.text for comment in THREAD[1::2])


def test_a_section_headed_response_is_body() -> None:
    thoughts = "Two thoughts on the tower occurred to the keepers' children, who grew up there."
    article = [*BEFORE_PLAYER, "Response", thoughts, *AFTER_PLAYER]
    page = "\n".join(["Lighthouse museum", "", *MENU, *article, *FOOTER])
    for cleaned in (_both(page, FRAME), _both(page)):
        assert all(paragraph in cleaned.text for paragraph in AFTER_PLAYER)
