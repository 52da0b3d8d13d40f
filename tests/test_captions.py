"""Photo captions and credits: each rule on captions in several house styles, and the prose
near-misses (a sentence mentioning a photograph, "AFP reported") it must keep."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.captions import (
    RULES,
    agency_credit,
    describes_picture,
    enlarge_prompt,
    figure_caption,
    file_photo,
    gallery_counter,
    make_step,
    photo_credit,
)
from cleaners.document import Document
from cleaners.options import CleanOptions
from tests.step_contract import check_every_line_kept_or_removed, check_idempotent

PROSE = [
    "The ministry confirmed the figures, AFP reported.",
    "He took a photograph: it changed everything.",
    "Photo finish: the race was decided by a nose.",
    "The photos were later deleted from the account, police said.",
    "Credit card debt rose 4% in the quarter.",
    "The agency, speaking to AP, declined to comment.",
    "She told Reuters on Monday that talks would resume.",
    "Talks resumed, according to AFP.",
    "He later joined Reuters as a photographer.",
    "Shares in the firm fell 3% on Monday (Reuters).",
    "Picture this: a town with no cars at all.",
    "File photos show the bridge was already cracked, engineers said.",
    "Images of the flood spread quickly online.",
    "3 of 12 ferries were late on Monday, the operator said.",
    "2 of 5 Residents' Association members voted against the plan.",
]


@pytest.mark.parametrize("line", PROSE)
def test_no_caption_rule_fires_on_prose(line: str) -> None:
    assert [rule.name for rule in RULES.rules if rule.predicate(line)] == []


@pytest.mark.parametrize(
    "line, hit",
    [
        (
            "Protesters gather outside parliament in Athens on Wednesday. "
            "Photograph: Yorgos Karahalis/AP",
            True,
        ),  # Guardian style
        ("A firefighter tackles the blaze. Photo: Jane Roe/Getty Images", True),
        ("Residents clear debris in Derna.Credit...Ana Lima for The Daily Post", True),  # NYT
        ("Voters queue in Accra.Credit…Kwame Mensah/Reuters", True),
        ("Illustration: Studio Design Desk", True),
        ("Image: Courtesy of the artist", True),
        ("He took a photograph: it changed everything.", False),
        ("Photo finish: the race was decided by a nose.", False),
        ("Credit card debt rose 4% in the quarter.", False),
        ("Der neue Anleger im Hafen. Foto: Jan Kowal", True),
        ("Bild: Hafenamt", True),
        ("Beitragsbild: Die Fähre im Winter", True),
        ("Le port au petit matin. Crédit photo : Anne Roux", True),
        ("El ferry en el puerto. Foto: Ana Lima", True),
        # a paragraph with a credit glued to its end is body, not a caption
        (
            "Die Fähre soll ab Mai jede Stunde fahren, teilte der Betreiber mit. Die Kosten "
            "trägt zur Hälfte die Gemeinde, den Rest das Land, das den Hafen seit Jahren "
            "fördert und nun auch den Anleger erneuern will.Foto: Jan Kowal",
            False,
        ),
        ("Bild der Frau: so heißt das Magazin seit 1983", False),
        ("Die Jury beim Rundgang. (Bildquelle: Hafenverein)", True),
        ("Quelle: hafenbild / Pixabay", True),
        ("Quelle: Statistisches Landesamt, eigene Berechnung", False),
        ("Le port au petit matin / (C) Anne Roux", True),
        ("Fot. Jan Kowal / Agencja Portowa", True),
        ("© Harbour Times", False),  # a footer's copyright, not a caption
        ("Fot. 3 zeigt den Hafen.", False),
    ],
)
def test_photo_credit(line: str, hit: bool) -> None:
    assert photo_credit(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("The mayor speaks to reporters on Tuesday. AFP", True),
        ("Rescuers search the rubble in Hatay, Turkey, Feb. 8, 2023. (AP Photo/Ana Lima)", True),
        ("Riot police stand guard in Lima on Monday. EPA-EFE/Paolo Aguilar", True),
        ("Officials tour the plant in Osaka. Kyodo via Reuters", True),
        ("Students march in Santiago on Thursday. Photo by Ana Lima via Getty Images", True),
        ("A market in Lagos on March 2. (REUTERS)", True),
        ("Flood water covers a road near Dhaka. Xinhua", True),
        ("The ministry confirmed the figures, AFP reported.", False),
        ("Talks resumed, according to AFP.", False),
        ("Shares in the firm fell 3% on Monday (Reuters).", False),
        ("She told Reuters on Monday that talks would resume.", False),
    ],
)
def test_agency_credit(line: str, hit: bool) -> None:
    assert agency_credit(line) is hit


def test_agency_credit_name_slash_agency() -> None:
    assert agency_credit("Smoke rises over the port on Sunday. Ana Lima/Reuters") is True
    assert agency_credit("The pier at dawn. Jan Kowal / AFP") is True
    assert agency_credit("The ferry was late again, said Ana Lima/Reuters") is False


@pytest.mark.parametrize(
    "line, hit",
    [
        ("FILE PHOTO: A view of the central bank in Frankfurt", True),
        ("File photo - The old pier before the storm", True),
        ("File Photo: Delegates arrive for the summit in Nairobi", True),
        ("File photos show the bridge was already cracked, engineers said.", False),
        ("Filed photos of the crash were shown in court.", False),
    ],
)
def test_file_photo(line: str, hit: bool) -> None:
    assert file_photo(line) is hit


@pytest.mark.parametrize(
    "line, hit",
    [
        ("An image released by the coast guard shows the vessel listing.", True),
        ("This handout photo provided by the ministry shows the damaged bridge", True),
        ("A satellite image taken on Friday shows smoke over the valley", True),
        ("A screenshot obtained by reporters shows the message", True),
        ("The photos were later deleted from the account, police said.", False),
        ("Images of the flood spread quickly online.", False),
        ("The image of the company suffered after the recall.", False),
    ],
)
def test_describes_picture(line: str, hit: bool) -> None:
    assert describes_picture(line) is hit


def test_describes_picture_prose_about_a_photograph() -> None:
    """News prose about a picture names who speaks; a caption says what the picture holds."""
    line = (
        "The photograph shows nothing about the events of that night, his lawyer argued in "
        "court on Monday, insisting that the jury ignore it."
    )
    assert describes_picture(line) is False
    assert describes_picture("A photo taken on Monday shows the ferry leaving, its deck full.")
    # a caption may say who provided the picture or what they said it shows
    for caption in (
        "This photo provided by the State Police shows Ana Lima, who police said fled the scene.",
        "This image provided by the space agency shows the comet, the agency said in a statement.",
        "A satellite image taken on Friday shows smoke over the valley, the company said.",
        "The image, which police said was taken on Monday, shows the suspect leaving the store.",
    ):
        assert describes_picture(caption), caption


def _doc(text: str, first: int = 1) -> Document:
    lines = text.split("\n")
    return Document(
        id="c",
        text=text,
        source="c.txt",
        lines=(first, first + len(lines) - 1),
        line_numbers=tuple(range(first, first + len(lines))),
    )


CAPTIONED = (
    "Dock workers walked out on Monday over the terminal plan.\n"
    "\n"
    "Dock workers march in Genoa on Monday. Photograph: Ana Lima/AP\n"
    "\n"
    "The port said ships were waiting offshore, AFP reported.\n"
    "\n"
    "Dock workers march in Genoa on Monday. Photograph: Ana Lima/AP\n"
    "\n"
    "FILE PHOTO: Cranes at the container terminal"
)


def test_step_removes_every_caption_with_its_source_line() -> None:
    out = make_step(CleanOptions())(_doc(CAPTIONED, first=40))
    assert out.text == (
        "Dock workers walked out on Monday over the terminal plan.\n\n"
        "The port said ships were waiting offshore, AFP reported."
    )
    assert [(r.rule, r.reason, r.line) for r in out.removed] == [
        ("captions.photo_credit", "photo caption", 42),
        ("captions.photo_credit", "photo caption", 46),  # a repeated caption goes every time
        ("captions.file_photo", "photo caption", 48),
    ]
    assert out.removed[0].text == "Dock workers march in Genoa on Monday. Photograph: Ana Lima/AP"
    assert out.line_numbers == (40, 41, 44)


def test_step_disabled_rule_keeps_its_lines() -> None:
    options = CleanOptions(disabled_rules=frozenset({"captions.photo_credit"}))
    out = make_step(options)(_doc(CAPTIONED))
    assert "Photograph: Ana Lima/AP" in out.text
    assert [r.rule for r in out.removed] == ["captions.file_photo"]


def test_step_without_captions_returns_the_document() -> None:
    doc = _doc("\n".join(PROSE))
    assert make_step(CleanOptions())(doc) is doc


# --- properties on arbitrary text (hypothesis, derandomized) ------------------------------------

PROPERTY_POOL = [
    "Dock workers march in Genoa on Monday. Photograph: Ana Lima/AP",
    "FILE PHOTO: Cranes at the container terminal",
    "A satellite image taken on Friday shows smoke over the valley",
    "Firefighters near Athens on Monday. EPA",
    "The ministry confirmed the figures, AFP reported.",
    "The board said work would start in May.",
]
PROPERTY_TEXT = st.lists(
    st.one_of(st.sampled_from(PROPERTY_POOL), st.text(max_size=40)), max_size=12
).map("\n".join)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(PROPERTY_TEXT)
def test_property_never_raises_and_every_line_is_kept_or_removed(text: str) -> None:
    check_every_line_kept_or_removed(make_step(CleanOptions()), text)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(PROPERTY_TEXT)
def test_property_idempotent(text: str) -> None:
    check_idempotent(make_step(CleanOptions()), text)


@pytest.mark.parametrize(
    "line, hit",
    [
        ("2of9Traders pack up their stalls as the rain sets in on Friday.", True),
        ("2 of 9", True),
        ("12of40", True),
        ("2 of 9 traders packed up early, the market manager said.", False),
        ("Chapter 2 of the report deals with the harbour.", False),
    ],
)
def test_gallery_counter(line: str, hit: bool) -> None:
    assert gallery_counter(line) is hit


GLUED = (
    "Die Fähre soll ab Mai jede Stunde fahren, teilte der Betreiber am Montag mit. Die Kosten "
    "trägt zur Hälfte die Gemeinde, den Rest das Land, das den Hafen seit Jahren fördert und "
    "nun auch den Anleger erneuern will."
)


def test_a_credit_glued_to_a_paragraph_is_cut_as_a_span_on_both_paths() -> None:
    from cleaners.pipeline import clean_batch

    doc = _doc(f"Intro line of the story.\n\n{GLUED}Foto: Jan Kowal", first=10)
    one = make_step(CleanOptions())(doc)
    assert one.text == f"Intro line of the story.\n\n{GLUED}"
    assert [(r.text, r.rule, r.reason, r.line) for r in one.removed] == [
        ("Foto: Jan Kowal", "captions.photo_credit", "photo caption", 12)
    ]
    [batched] = clean_batch([doc], CleanOptions())
    assert batched.text.endswith(GLUED)
    assert ("Foto: Jan Kowal", "captions.photo_credit", 12) in [
        (r.text, r.rule, r.line) for r in batched.removed
    ]


def test_a_glued_credit_stays_when_the_rule_is_disabled() -> None:
    options = CleanOptions(disabled_rules=frozenset({"captions.photo_credit"}))
    out = make_step(options)(_doc(f"{GLUED}Foto: Jan Kowal"))
    assert out.text == f"{GLUED}Foto: Jan Kowal"
    assert out.removed == []


def test_an_agency_credit_closing_a_paragraph_is_cut_as_a_span_on_both_paths() -> None:
    from cleaners.pipeline import clean_batch

    doc = _doc(f"Intro line of the story.\n\n{GLUED} (dpa)", first=5)
    one = make_step(CleanOptions())(doc)
    assert one.text == f"Intro line of the story.\n\n{GLUED}"
    assert [(r.text, r.rule, r.line) for r in one.removed] == [
        ("(dpa)", "captions.agency_credit", 7)
    ]
    [batched] = clean_batch([doc], CleanOptions())
    assert batched.text.endswith(GLUED)


def test_a_long_caption_with_a_picture_credit_still_goes_whole() -> None:
    caption = (
        "Members of the harbour rowing club carry their boat past the new ferry terminal on "
        "Saturday, the first day of the summer regatta, which drew crews from eleven towns "
        "along the coast. (AP Photo/Jane Roe)"
    )
    out = make_step(CleanOptions())(_doc(f"Intro line of the story.\n\n{caption}"))
    assert out.text == "Intro line of the story."
    assert [r.rule for r in out.removed] == ["captions.agency_credit"]


@pytest.mark.parametrize(
    "credit",
    [
        "Die Jury beim Rundgang. (Bildquelle: Hafenverein)",
        "Quelle: hafenbild / Pixabay",
        "Le port au petit matin / (C) Anne Roux",
        "Fot. Jan Kowal / Agencja Portowa",
    ],
)
def test_credit_lines_without_a_colon_label_go_on_both_paths(credit: str) -> None:
    """The column engine's prefilter must pass every form the rule knows (a copyright sign, a
    Polish "Fot.", a parenthesised label), or the batch path would keep what an article's step
    removes."""
    from cleaners.pipeline import clean_batch

    body = "The ferry runs every hour from May, the operator said on Monday."
    doc = _doc(f"Intro line of the story.\n\n{credit}\n\n{body}")
    one = make_step(CleanOptions())(doc)
    [batched] = clean_batch([doc], CleanOptions())
    for out in (one, batched):
        assert credit not in out.text and body in out.text
        assert (credit, "captions.photo_credit") in [(r.text, r.rule) for r in out.removed]


@pytest.mark.parametrize(
    "line, hit",
    [
        ("Abbildung 4: Der neue Anleger im Winter, von Westen gesehen.", True),
        ("Abbildung: Vergleich der Fährzeiten vor und nach dem Umbau", True),
        ("Abb. 2: Die Fähre am Kai", True),
        ("Figure 2. Ferry crossings per month, 2019-2023", True),
        ("Fig. 3: Map of the harbour and the new pier", True),
        ("Grafik: Hafenamt", True),
        ("Figura 1: El puerto en invierno", True),
        ("Figure 3 shows that crossings doubled after the new pier opened.", False),
        ("Figures released on Monday show a rise in crossings.", False),
        ("Abbildungen dieser Art sind selten, sagte die Kuratorin.", False),
        ("Grafiken zeigen den Anstieg der Fahrgastzahlen.", False),
    ],
)
def test_figure_caption(line: str, hit: bool) -> None:
    assert figure_caption(line) is hit


ENLARGE_PROMPTS = [
    "Firmen und Beteiligungen der Hafengruppe. Zum Vergrößern auf das Bild klicken. CC-BY-SA 2.0",
    "Die neue Fährlinie im Überblick (zum Vergrößern anklicken)",
    "Karte zum Vergrößern anklicken",
    "Klicken Sie auf die Grafik zum Vergrößern.",
    "Click image to enlarge",
    "The harbour at dawn (click on the photo to view it full size)",
    "Tap to zoom in",
    "Le port au petit matin. Cliquez sur l'image pour l'agrandir.",
    "El puerto al amanecer. Haz clic en la imagen para ampliarla.",
    "Clic para ampliar",
    "Bild zum Vergrössern anklicken",
    "TAP TO ZOOM İN",
]
ENLARGE_NEAR_MISSES = [
    "The council plans to enlarge the harbour by 2030, the mayor said.",
    "The council wants to see larger ferries on the route by 2030.",
    "Die Stadt will den Hafen vergrößern, sagte der Bürgermeister am Montag.",
    "Le conseil veut agrandir le port d'ici 2030.",
    "El ayuntamiento quiere ampliar el puerto antes de 2030.",
    "Zoom in on any street of the town with the new map app, the council said.",
    "The new feature lets users tap to zoom in on photos, the company said on Monday.",
    "Shoppers simply click the photo to enlarge it, the retailer said in a statement.",
    "Lo que el Gobierno haga para ampliar la red de metro será clave, dijo el alcalde.",
    "Pidió que se haga para agrandar el puerto lo que haga falta, dijo el ministro.",
]


@pytest.mark.parametrize(
    "line, hit",
    [(line, True) for line in ENLARGE_PROMPTS] + [(line, False) for line in ENLARGE_NEAR_MISSES],
)
def test_enlarge_prompt_on_both_paths(line: str, hit: bool) -> None:
    """A prompt to click a picture to see it larger is a caption's, in four languages; the
    column prefilter passes every form the rule knows, so both paths agree."""
    from cleaners.pipeline import clean_batch

    assert enlarge_prompt(line) is hit
    body = "The ferry runs every hour from May, the operator said on Monday."
    doc = _doc(f"Intro line of the story.\n\n{line}\n\n{body}")
    one = make_step(CleanOptions())(doc)
    [batched] = clean_batch([doc], CleanOptions())
    for out in (one, batched):
        assert body in out.text
        assert (line not in out.text) is hit
        if hit:
            assert (line, "captions.enlarge_prompt") in [(r.text, r.rule) for r in out.removed]
