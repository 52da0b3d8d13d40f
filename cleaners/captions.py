"""Photo captions and credits left in the text when a page is flattened.

Heuristics (each a rule below): a credit label (`Photograph: X/Outlet`, `Photo: ...`,
`Credit...Name/Outlet`) closing a line; a picture agency closing a sentence (`... province. AFP`,
`... (REUTERS)`, `... via AP`, `Getty Images`); a line opening with `File photo`; a sentence
describing a picture (`An image provided by ... shows ...`). Every occurrence is removed, so a
caption repeated inside an article goes every time. Agencies are named as a class of credit,
not as a word of any one dump.
"""

from __future__ import annotations

import regex as re

from cleaners.cuts import SpanCut, cut_document
from cleaners.document import Document
from cleaners.options import CleanOptions, Step
from cleaners.rules import ruleset

RULES = ruleset("captions")

# Picture agencies and credit words as they close captions.
# The literal stems of AGENCY and the parenthesised credits: every agency credit holds one (the
# columnar engine's prefilter for `agency_credit`; tests/test_rules.py checks the examples).
AGENCY_STEMS = (
    "AFP", "AP", "Reuters", "REUTERS", "EPA", "Getty", "Xinhua", "Anadolu", "dpa", "DPA",
    "Bloomberg", "Shutterstock", "Alamy", "PA", "ANSA", "Kyodo", "Yonhap", "TASS", "IANS", "PTI",
    "SIPA", "Sipa", "UPI", "WENN", "Handout", "HANDOUT", "Supplied", "SUPPLIED", "File", "FILE",
    "Photo",
)  # fmt: skip
AGENCY = (
    r"(?:AFP|AP|Reuters|REUTERS|EPA|EPA-EFE|Getty Images|Getty|Xinhua|Anadolu(?: Agency)?|dpa|"
    r"DPA|Bloomberg|Shutterstock|Alamy|PA(?: Media| Wire)?|ANSA|Kyodo|Yonhap|TASS|IANS|PTI|"
    r"SIPA|Sipa|UPI|WENN|Handout|HANDOUT|Supplied|SUPPLIED|File|FILE)"
)
# The label in English, German, French and Spanish (`Foto: ...`, `Bild: ...`, `Crédit photo :`),
# after a sentence or opening a parenthesis (`(Bildquelle: ...)`)
CREDIT_LABEL = re.compile(
    r"(?:^|[.!?)”\"’]\s*)\(?(?:Photograph|Photo|Photos|Picture|Pictures|Illustration|Image|"
    r"Images|Video|Photo illustration|Photo credit|Foto|Fotos|Bild|Bilder|Beitragsbild|Titelbild"
    r"|Bildquelle|Fotoquelle|Bildnachweis|Crédit photo|Crédits photo|Crédits|Fotografía|Imagen"
    r"|Crédito)s?(?: by| von| de| par)?\s*:\s*\S.{0,120}$"
)
# Picture libraries a source label names ("Quelle: name / Pixabay").
STOCK_LIBRARY = (
    r"(?:Fotolia|Unsplash|iStock(?:photo)?|Pixabay|Adobe ?Stock|Shutterstock|Getty|Pexels"
    r"|Depositphotos|123RF|Dreamstime|Colourbox|imago|picture alliance)"
)
# Credits CREDIT_LABEL does not hold, on caption lines only (`photo_credit`): a source label
# naming a picture library, the Polish "Fot. Jan Kowal / Agencja", a copyright sign after a
# slash ("... / (C) Jan Kowal"). Apart because as alternatives of CREDIT_LABEL, which the
# columnar engine also searches in every long line (`GLUED_PICTURE_CREDIT`), they made that
# Rust scan 2 to 20 times slower.
OTHER_CREDIT = re.compile(
    rf"(?:^|[.!?)”\"’]\s*)\(?(?:Quelle|Source|Fuente)\s*:\s*.{{0,60}}{STOCK_LIBRARY}.{{0,40}}$"
    r"|^Fot\.\s+\p{Lu}[\p{L}.'’ /-]{1,80}$|\s[/|]\s*(?:©|\([cC]\))\s*\p{Lu}[\p{L}.'’ -]{1,40}$"
)
GLUED_CREDIT = re.compile(
    r"(?:(?<=[^\s])Credit|\bCredit(?=\.{3}|…|:))(?:\.{3}|…|:)?\s?"
    r"\p{Lu}[\p{L}.'’ -]{1,60}(?:/[\p{L}.'’ -]{1,60})?$"
)
PARAGRAPH_WORDS = 30  # a caption is shorter; a credit may be glued to a paragraph's end
# Searched from the end ((?r)): the match must end the line, and a reverse search finds it (or
# fails) about twice as fast on a paragraph as one that tries every start position.
AGENCY_AFTER_SENTENCE = re.compile(
    # a photographer's name may be joined to the agency by a slash ("Ana Lima/Reuters")
    rf"(?r)[.!?”\"]\s+(?:\p{{Lu}}[\p{{L}}.'’-]+(?: ?/ ?| )){{0,3}}(?:via )?{AGENCY}"
    rf"(?:\s*/\s*[\p{{L}} .'-]{{1,40}})?\s*$"
)
AGENCY_IN_PARENS = re.compile(rf"\((?:{AGENCY}|AP Photo|File photo|Photo)[^()]{{0,80}}\)\s*$")
VIA_AGENCY = re.compile(rf"\bvia {AGENCY}\s*$")
PICTURE_SUBJECT = (
    r"(?:image|photo|photograph|picture|handout (?:photo|picture|image)|screenshot|"
    r"screen grab|still|video grab|satellite image|file photo)"
)
DESCRIBES_PICTURE = re.compile(
    rf"^(?:An?|The|This)\s+(?:\w+\s+){{0,2}}{PICTURE_SUBJECT}\b.{{0,200}}?\b"
    rf"(?:shows|showing|shown|depicts|released by|provided by|taken on|taken in|obtained by)\b",
    re.IGNORECASE,
)
# Someone arguing over a picture after a comma (", his lawyer argued"): news prose about a
# picture. A caption may say who provided it or what an agency said it shows ("..., the agency
# said"), so only verbs of argument count, not "said".
ATTRIBUTED = re.compile(
    r",\s+(?:[\w'’-]+\s+){0,4}(?:argued|argues|insisted|insists|contended|contends|testified"
    r"|disputed|disputes|denied|denies)\b",
    re.IGNORECASE,
)


@RULES.line_rule(
    "captions.photo_credit",
    reason="photo caption",
    # a credit label ends in ":"; a glued credit says "Credit"; a Polish one opens "Fot.", and
    # a copyright credit has its sign
    prefilter=lambda text: text.str.contains_any([":", "Credit", "Fot.", "©", "(C)", "(c)"]),
)
def photo_credit(line: str) -> bool:
    """A line closed by a credit label.

    >>> photo_credit("Crowds in Lyon on Sunday. Photograph: A. Martin/Le Courrier")
    True
    >>> photo_credit("Fans at the final.Credit...Jane Roe/The Daily Post")
    True
    >>> photo_credit("Photo finish: the race was decided by a nose.")
    False
    >>> photo_credit("He took a photograph: it changed everything.")
    False
    >>> photo_credit("Foto: Jan Kowal")
    True
    >>> photo_credit("Die Jury beim Rundgang. (Bildquelle: Hafenverein)")
    True
    >>> photo_credit("Quelle: jkowal / Fotolia.com")
    True
    >>> photo_credit("Quelle: Statistisches Landesamt, eigene Berechnung")
    False
    >>> photo_credit(("The ferry will run every hour from May. " * 8) + "Foto: Jan Kowal")
    False
    """
    label = CREDIT_LABEL.search(line)
    if label:
        if _glued(line, label) is not None:
            return False  # the credit is cut as a span, the paragraph stays
        return not line.rstrip().endswith((".", "!", "?")) or len(line.split()) < PARAGRAPH_WORDS
    if OTHER_CREDIT.search(line):
        return len(line.split()) < PARAGRAPH_WORDS
    return GLUED_CREDIT.search(line) is not None


PICTURE_WORD = re.compile(r"(?i)photo|foto|picture|image|bild")
SENTENCE_CLOSERS = '.!?)”"’'


def _glued(line: str, credit: re.Match[str]) -> tuple[str, str] | None:
    """(credit, paragraph) when the text before the `credit` found at a line's end is a
    paragraph of `PARAGRAPH_WORDS` or more; None when it is a caption's."""
    start = credit.start() + (line[credit.start()] in SENTENCE_CLOSERS)
    paragraph = line[:start].rstrip()
    if len(paragraph.split()) < PARAGRAPH_WORDS:
        return None
    return line[start:].strip(), paragraph


def glued_picture_credit(line: str) -> tuple[str, str] | None:
    """(credit, paragraph) of a paragraph of `PARAGRAPH_WORDS` or more with a credit label glued
    to its end, as a flattened page leaves it; None for any other line.

    >>> glued_picture_credit(("The ferry runs every hour. " * 6) + "Foto: Jan Kowal")[0]
    'Foto: Jan Kowal'
    >>> glued_picture_credit("The ferry runs every hour. Photo: Jan Kowal") is None
    True
    """
    label = CREDIT_LABEL.search(line)
    return None if label is None else _glued(line, label)


# A paragraph of PARAGRAPH_WORDS words holds at least twice as many characters less one
GLUED_MIN_CHARS = 2 * PARAGRAPH_WORDS
GLUED_PICTURE_CREDIT = SpanCut(
    glued_picture_credit,
    "photo caption",
    "captions.photo_credit",
    CREDIT_LABEL.pattern,
    GLUED_MIN_CHARS,
)


@RULES.line_rule(
    "captions.agency_credit",
    reason="photo caption",
    prefilter=lambda text: text.str.contains_any(list(AGENCY_STEMS)),
)
def agency_credit(line: str) -> bool:
    """A caption sentence closed by a picture agency.

    >>> agency_credit("Firefighters battle the blaze near Athens on Monday. EPA")
    True
    >>> agency_credit("A market in Lagos, Nigeria, March 2. (REUTERS)")
    True
    >>> agency_credit("Officials in Tokyo inspect the damage. Kyodo via Reuters")
    True
    >>> agency_credit("The ministry confirmed the figures, AFP reported.")
    False
    """
    found = _agency_at_end(line)
    # a paragraph's credit is cut as a span, the paragraph stays
    return found is not None and _glued_agency(line, found) is None


def _agency_at_end(line: str) -> re.Match[str] | None:
    found: re.Match[str] | None = (
        AGENCY_AFTER_SENTENCE.search(line)
        or AGENCY_IN_PARENS.search(line)
        or VIA_AGENCY.search(line)
    )
    return found


def glued_agency_credit(line: str) -> tuple[str, str] | None:
    """(credit, paragraph) of a paragraph of `PARAGRAPH_WORDS` or more closed by an agency
    credit (`... vor der „Tagesschau“. (dpa)`): the agency's credit for the text, or a caption's
    glued on; the paragraph is body either way. None for any other line.

    >>> glued_agency_credit(("The ferry runs every hour. " * 6) + "(dpa)")[0]
    '(dpa)'
    >>> glued_agency_credit("A market in Lagos, Nigeria, March 2. (REUTERS)") is None
    True
    >>> glued_agency_credit(("Crowds fill the square. " * 8) + "(AP Photo/Jane Roe)") is None
    True
    """
    found = _agency_at_end(line)
    return None if found is None else _glued_agency(line, found)


def _glued_agency(line: str, found: re.Match[str]) -> tuple[str, str] | None:
    glued = _glued(line, found)
    if glued is None or PICTURE_WORD.search(glued[0]):
        return None  # a caption can be long; a picture credit (`(AP Photo/...)`) says it is one
    return glued


GLUED_AGENCY_CREDIT = SpanCut(
    glued_agency_credit,
    "photo caption",
    "captions.agency_credit",
    "(?:" + "|".join(map(re.escape, AGENCY_STEMS)) + ")",
    GLUED_MIN_CHARS,
)


FILE_PHOTO = re.compile(r"(?:FILE PHOTO|File photo|File Photo)\s*(?::|[–—-])")


@RULES.line_rule(
    "captions.file_photo",
    reason="photo caption",
    prefilter=lambda text: text.str.contains_any(["FILE PHOTO", "File photo", "File Photo"]),
)
def file_photo(line: str) -> bool:
    """A line opening with a file-photo label.

    >>> file_photo("FILE PHOTO: A view of the central bank in Frankfurt")
    True
    >>> file_photo("File photos show the bridge was already cracked, engineers said.")
    False
    """
    return FILE_PHOTO.match(line) is not None


# A figure's caption: its label and number open the line ("Abbildung 4: ...", "Figure 2. ...",
# "Fig. 3: ..."), in English, German, French and Spanish; a sentence about a figure ("Figure 3
# shows ...") has no colon or full stop after the number.
FIGURE_LABELS = (
    "Figure", "Fig.", "Abbildung", "Abb.", "Grafik", "Schaubild", "Diagramm", "Figura",
    "Gráfico", "Graphique",
)  # fmt: skip
FIGURE_START = "^(?:" + "|".join(map(re.escape, FIGURE_LABELS)) + ")"  # the column prefilter
FIGURE_CAPTION = re.compile(FIGURE_START + r"(?: \d{1,3}[a-z]?)? ?[:.] +\S")
FIGURE_CAPTION_MAX_WORDS = 60  # a caption is a sentence or two; longer text is body


@RULES.line_rule(
    "captions.figure_caption",
    reason="figure caption",
    prefilter=lambda text: text.str.contains(FIGURE_START),
)
def figure_caption(line: str) -> bool:
    """A line opening with a figure's label and number.

    >>> figure_caption("Abbildung 4: Der Hafen im Winter, von Westen gesehen.")
    True
    >>> figure_caption("Figure 2. Ferry crossings per month, 2019-2023")
    True
    >>> figure_caption("Figure 3 shows that crossings doubled after the new pier opened.")
    False
    """
    return len(line.split()) <= FIGURE_CAPTION_MAX_WORDS and FIGURE_CAPTION.match(line) is not None


# A prompt to click a picture to see it larger, which only a picture's caption holds
# ("Zum Vergrößern auf das Bild klicken", "Click image to enlarge", "Cliquez pour agrandir",
# "Haz clic para ampliar"), in English, German, French and Spanish. The prompt is a sentence or
# a bracket of its own (at the line's start, after a sentence's end or an opening bracket, and
# ending the line, a sentence or the bracket), so news saying that users "tap to zoom in" or
# "click the photo to enlarge it" stays.
ENLARGE_PROMPT = re.compile(
    r"(?i)(?:^|[.!?:)\]»”\"]\s+|[(\[]\s*)(?:"
    r"(?:click|tap)(?: (?:on|here))?(?: (?:the|this))?"
    r"(?: (?:image|picture|photo|graphic|map|chart|thumbnail))? to (?:enlarge|zoom in"
    r"|(?:see|view)(?: it)? (?:larger|full[- ]size|in full))"
    r"|zum vergr(?:ö|oe)(?:ß|ss)ern(?: (?:auf )?(?:das |die )?(?:bild|foto|grafik|karte))?"
    r" (?:an)?klicken"
    r"|(?:bild|foto|grafik|karte) zum vergr(?:ö|oe)(?:ß|ss)ern (?:an)?klicken"
    r"|klicken sie(?: auf (?:das |die )?(?:bild|foto|grafik|karte))? zum vergr(?:ö|oe)(?:ß|ss)ern"
    r"|cliquez(?: sur (?:l['’]image|la photo|la carte))? pour (?:l['’]|la |les )?agrandir"
    r"|(?:haz |haga |pulsa |pulse )?(?:clic|click)(?: (?:en|sobre) (?:la )?"
    r"(?:imagen|foto|fotografía))? para (?:ampliar|agrandar)(?:la)?"
    r")\s*(?:[.!)\]]|$)"
)
ENLARGE_PROMPT_MAX_WORDS = 60  # a caption is a sentence or two; longer text is body
# one of these (casefolded) is in every line the pattern matches
ENLARGE_WORDS = ("enlarge", "zoom", "larger", "full", "vergr", "agrandir", "ampliar", "agrandar")


@RULES.line_rule("captions.enlarge_prompt", reason="photo caption", needs=ENLARGE_WORDS)
def enlarge_prompt(line: str) -> bool:
    """A line that asks the reader to click a picture to see it larger: a caption.

    >>> enlarge_prompt("Das Netz der Firmen. Zum Vergrößern auf das Bild klicken. CC-BY 2.0")
    True
    >>> enlarge_prompt("Click image to enlarge")
    True
    >>> enlarge_prompt("Shoppers click the photo to enlarge it, the retailer said.")
    False
    """
    return len(line.split()) <= ENLARGE_PROMPT_MAX_WORDS and ENLARGE_PROMPT.search(line) is not None


@RULES.line_rule(
    "captions.describes_picture",
    reason="photo caption",
    prefilter=lambda text: text.str.contains(r"(?i)^(?:an?|the|this)"),
)
def describes_picture(line: str) -> bool:
    """A sentence that describes a picture rather than the news.

    >>> describes_picture("An image released by the navy shows the ship in port on May 2.")
    True
    >>> describes_picture("A satellite image taken on Friday shows smoke over the valley")
    True
    >>> describes_picture("The photos were later deleted from the account, police said.")
    False
    >>> describes_picture("The photograph shows nothing of that night, his lawyer argued.")
    False
    """
    return (
        len(line.split()) <= 60
        and DESCRIBES_PICTURE.match(line) is not None
        and ATTRIBUTED.search(line) is None
    )


# A slideshow's counter: "2 of 7" alone, or glued to the caption it numbers ("2of7Crowds ...").
GALLERY_COUNTER = re.compile(r"^\d{1,3} ?of ?\d{1,3}(?:$|(?=\p{Lu}))")


@RULES.line_rule(
    "captions.gallery_counter",
    reason="photo caption",
    prefilter=lambda text: text.str.contains(r"^\d{1,3} ?of ?\d"),
)
def gallery_counter(line: str) -> bool:
    """A slideshow counter, alone or glued to the caption of the picture it numbers.

    >>> gallery_counter("3of12Crowds line the quay as the first ferry docks.")
    True
    >>> gallery_counter("3 of 12")
    True
    >>> gallery_counter("3 of 12 ferries were late on Monday.")
    False
    """
    return GALLERY_COUNTER.match(line) is not None


# Credits glued to a paragraph, cut before the rules run (each off with its rule)
SPAN_CUTS = (GLUED_PICTURE_CREDIT, GLUED_AGENCY_CREDIT)


def make_step(options: CleanOptions) -> Step:
    rules = RULES.step(options.disabled_rules)
    cuts = [cut for cut in SPAN_CUTS if cut.rule not in options.disabled_rules]

    def step(doc: Document) -> Document:
        for cut in cuts:
            doc = cut_document(doc, cut)
        return rules(doc)

    return step
