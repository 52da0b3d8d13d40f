"""Bylines, timestamps, editor credits, share/subscribe/navigation lines and wire sign-offs.

Heuristics (each a rule below):
- timestamps: a line that is a date/time and little else (`Oct 21, 2020 6:18 AM`, even glued
  to a label as in `Syndicated ContentOct 21, 2020`), or a timestamp label with a date
  (`Updated: ...`, `Last modified on ...`, `Published 3 hours ago`); anywhere in the article;
- editor credits: `(Editing by ...)`, `(Reporting by X; Writing by Y)`, `Additional reporting by`;
- bylines, among an article's first lines only: `By Jane Doe` (`Von`, `Par`, `Por`), a name
  and the writer's role or the date (`Jane Doe, Staff Writer`); a name alone (`Jane Doe`,
  `Lyon – Jane Doe`) only next to a timestamp, a byline or a line removed anyway, or when its
  words are not written in lower case in the article (a heading's are: `Web Standards`); the
  name goes to `meta["byline"]`;
- share/subscribe/navigation: short lines that are page furniture (`Share this article`,
  `Advertisement`, `Continue reading the main story`, `Sign up for our newsletter`);
- wire sign-off: a lone agency word closing the article (` Reuter`), to `meta["outlet"]`;
- newsletter and alert sign-up prompts (`Get the briefing delivered to your inbox`) and the
  author's biography under the article (`Jane Doe is a staff writer at ... covering ...`);
- page framing: on a flattened web page, only the span with the most body prose stays (see
  `article_span`: footer prose a rule removes, teasers cut off with `...`, a second copy of the
  article and lone summary sentences between short lines do not count as body prose).
Values removed from the text (bylines, dates, outlet) are kept in `meta`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt
import polars as pl
import regex as re

from cleaners import captions, footers, line_model
from cleaners.chars import LETTER_WORD, SPACE, WORD, folds_differently
from cleaners.document import Document, Removal
from cleaners.headlines import LEGAL_FORM
from cleaners.options import CleanOptions, Step
from cleaners.prefilters import HoldingWords, required_words, without_word_boundaries
from cleaners.rules import (
    RUN_LINES,
    TOP_LINES,
    LinePredicate,
    Prefilter,
    drop_indices,
    ruleset,
)
from cleaners.spans import body_hull

RULES = ruleset("boilerplate")


def _holding_words(pattern: re.Pattern[str]) -> Prefilter | None:
    """A column test passing every line that `pattern` (case-insensitive) could match: one
    holding a word no match is without (`cleaners.prefilters`), or a character whose case folds
    past ASCII (which an ASCII case-insensitive scan cannot judge). None where the pattern
    requires no such word."""
    words = required_words(pattern)
    return None if words is None else HoldingWords(tuple(sorted(words)))


class _ColumnTests(TypedDict):
    prefilter: Prefilter | tuple[Prefilter, ...]
    expr: Prefilter


def _short_and_matching(max_chars: int, pattern: re.Pattern[str]) -> _ColumnTests:
    """The column tests of a rule `len(line) <= max_chars and pattern.search(line)` (with
    `pattern` case-insensitive), cheapest first: the length, the words no match is without,
    the pattern without its word boundaries (which Rust regex runs fast on any text), and the
    pattern itself on the few lines left (`cleaners.prefilters`)."""
    rust = "(?i)" + pattern.pattern

    def short(text: pl.Expr) -> pl.Expr:
        return text.str.len_chars() <= max_chars

    loose = "(?i)" + without_word_boundaries(pattern.pattern)

    def loosely_matching(text: pl.Expr) -> pl.Expr:
        return text.str.contains(loose)

    holding = _holding_words(pattern)
    words = () if holding is None else (holding,)
    tests = (short, *words, loosely_matching) if loose != rust else (short, *words)
    return {
        "prefilter": tests,
        "expr": lambda text: short(text) & text.str.contains(rust),
    }


MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
WEEKDAY = (
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\b\.?,?"
)
# "6:18 AM", "14:05", "14.34 EDT"; a dotted time needs its zone or AM/PM ("3.04" is a price).
ZONE = r"(?:[AaPp]\.?[Mm]\.?|[A-Z]{2,4}|GMT[+-]?\d*)"
# "16:14 Uhr", "16.14 Uhr" and the French "10h15" as well
TIME = (
    rf"\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s*{ZONE})?(?:\s*{ZONE})?(?: Uhr\b)?"
    rf"|\d{{1,2}}\.\d{{2}}\s*(?:{ZONE}|Uhr)\b|\b\d{{1,2}} ?h ?\d{{2}}\b"
)
# Month names of languages that write the day first ("31. Dezember 2008", "3 mars 2021",
# "3 de marzo de 2021", "16 marca 2021"): German, French, Spanish, Italian, Portuguese, Dutch
# and Polish (its months in the genitive a date uses), any case, abbreviated or not.
MONTH_DAY_FIRST = (
    r"(?i:j[aä]n(?:uar|ner)?|feb(?:ruar)?|m[aä]r(?:z)?|apr(?:il)?|mai|jun[i]?|jul[i]?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|dez(?:ember)?"
    r"|janv(?:ier)?|f[ée]vr?(?:ier)?|mars|avr(?:il)?|juin|juil(?:let)?|ao[uû]t|septembre|oct(?:obre)?"
    r"|novembre|d[ée]c(?:embre)?"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|se(?:p)?tiembre|octubre|noviembre"
    r"|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre"
    r"|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro"
    r"|januari|februari|maart|mei|augustus|oktober"
    r"|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października"
    r"|listopada|grudnia)"
)
DATE = (
    rf"(?:{MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}} {MONTH}\.? \d{{4}}"
    rf"|\d{{1,2}}(?:er|º)?\.? (?:de )?{MONTH_DAY_FIRST}\.?,? (?:de )?\d{{4}}"
    rf"|\d{{1,2}}\.\d{{1,2}}\.(?:19|20)\d{{2}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:.]+(?:Z|[+-]\d{{2}}:?\d{{2}})?)?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
)
# What a stamp holds besides its date and time: weekdays, zones, separators, and the small
# words that join them ("am 3. März um 16:14 Uhr", "le 3 mars à 10h15", "el 3 de marzo a las").
STAMP_PART = re.compile(
    rf"{DATE}|(?:{TIME})|{WEEKDAY}|\b(?:at|on|UTC|GMT|ET|local time|am|um|ab|Uhr|le|à|el|a las"
    rf"|a la|de|del|il|alle|em|às|op|om|o godz\.?|dnia)\b|[|,·•–—-]"
)
STAMP_LABEL = re.compile(
    r"^(?:Updated|Published|Posted|Modified|Last (?:modified|updated)|First published|"
    r"Originally published|Date|Released|Issued"
    r"|Aktualisiert|Veröffentlicht|Erstellt|Geändert|Zuletzt (?:aktualisiert|geändert)"
    r"|Stand(?=\s*:)"
    r"|Datum|Verfasst|Geschrieben|Publié|Mis à jour|Modifié|Publicado|Actualizado|Modificado"
    r"|Fecha|Pubblicato|Aggiornato|Atualizado|Gepubliceerd|Bijgewerkt|Opublikowano"
    r"|Zaktualizowano)\b\s*(?:on|at|am|vom|le|el|il|em|op|dnia)?\s*:?",
    re.IGNORECASE,
)
AGO = re.compile(
    r"\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b"
    r"|\bvor \d+\s+(?:sekunden?|minuten?|stunden?|tag(?:en)?|wochen?)\b"
    r"|\bil y a \d+\s+(?:secondes?|minutes?|heures?|jours?|semaines?)\b"
    r"|\bhace \d+\s+(?:segundos?|minutos?|horas?|días?|semanas?)\b",
    re.I,
)
# The lower-case words a name may hold: one or two particles before a capitalised word
# (`al-Rashid`, `dos Santos`, `de la Cruz`), and the words that join two writers' names.
PARTICLES = ("al", "el", "bin", "ibn", "abu", "de", "van", "von", "der", "da", "di", "du", "le",
             "la", "ben", "dos", "del")  # fmt: skip
JOINERS = ("and", "und", "et", "y", "e")
NAME_TOKEN = (
    rf"(?:(?:{'|'.join(PARTICLES)})[- ]){{0,2}}"
    r"\p{Lu}[\p{Ll}\p{Lu}'’]*\.?(?:-\p{L}[\p{Ll}'’]+)*"
)
NAME = rf"{NAME_TOKEN}(?: {NAME_TOKEN}){{1,3}}"
# Names joined the way a byline joins its writers (`Jane Doe and John Roe`).
NAMES = rf"{NAME}(?:(?:\s*[,&]\s*|\s+(?:{'|'.join(JOINERS)})\s+){NAME})*"
# The word that leads a byline in English, German, French, Spanish and Portuguese.
BY_WORD = r"(?:By|BY|by|Von|VON|von|Par|PAR|par|Por|POR|por)"
BYLINE = re.compile(
    rf"^{BY_WORD}:?\s+(?P<name>{NAMES})"
    rf"(?:\s*[,|/–—-]\s*[\p{{L}} .&'-]{{2,40}})?(?:\s*[|–—-])?$"
)
NAME_ALONE = re.compile(rf"^(?P<name>{NAMES})$")
PLACE_NAME = re.compile(
    rf"^(?P<place>\p{{Lu}}[\p{{L}}'’-]+(?: \p{{Lu}}[\p{{L}}'’-]+)?)\s*[–—-]\s*(?P<name>{NAME})$"
)
EDITOR_WORDS = (
    r"(?:Editing|Edited|Reporting|Reported|Writing|Written|Additional reporting|Compiled|"
    r"Translated|Translation|Graphics|Research|Production)"
)
EDITOR_CREDIT = re.compile(
    rf"^\(\s*{EDITOR_WORDS} by\b[^()]{{1,200}}\)\.?$"
    rf"|^[-–—]*\s*{EDITOR_WORDS} by \p{{Lu}}[^.]{{0,150}}$"
)
FURNITURE = re.compile(
    r"^(?:share(?: this(?: article| story| page)?"
    r"| on (?:facebook|twitter|x|linkedin|whatsapp|email))?"
    r"|tweet|email|print|comments?|\d+ comments?|advertisement|sponsored(?: content)?|"
    r"continue reading(?: the main story| below)?|skip to (?:main )?(?:content|navigation)|"
    r"skip to content ?skip to site index|log ?in|sign ?in|sign ?up|register|"
    r"subscribe(?: now| here)?|"
    r"subscribe to (?:our|the) \w+(?: \w+)?|sign up (?:for|to) (?:our|the) [\w ]{1,30}|"
    r"read more(?::.{0,150})?|related(?: articles| stories| coverage| content)?|"
    r"more (?:on this story|from \w+(?: \w+)?)|click here.{0,80}|follow us on .{1,60}|"
    r"supported by|today[’']s paper|site (?:mobile )?navigation|site index|"
    r"(?:back to )?top|loading\.*|play video|watch(?: video)?|listen(?: to (?:this )?article)?|"
    r"image|video|photo|photos|gallery|next|previous|menu|search|home|sections|more|close|"
    r"advert|view comments|most (?:read|popular|shared|viewed)|image (?:copyright|caption)|"
    r"privacy (?:policy|overview)|(?:click|submit) to \w.{0,60}\(opens in (?:a )?new window\)|"
    r"(?:https?://|www\.)\S+|"
    # related-content and post navigation headings, comment forms, tag lists
    r"you (?:may|might) also like(?:\.\.\.|…)?|more (?:articles|stories|news) from .{1,40}|"
    r"elsewhere on .{1,40}|recommended(?: for you| stories)?|read next|our picks|"
    r"post navigation|(?:previous|next) (?:post|article|story)\b.{0,120}|tweets by @\w+|"
    r"tags?|filed under|topics|published|\|? ?updated|leave a (?:reply|comment).{0,20}|"
    r"(?:name|email|website|comment) ?\*?|this slideshow requires javascript|"
    r"share your thoughts.{0,40}|sign up for (?:\w+ ){0,3}(?:newsletters?|alerts)(?: and \w+)?)"
    r"[.:!]?$",
    re.IGNORECASE,
)
# Notices a site puts on every page: cookies, consent, terms, comment-form fine print.
SITE_NOTICE = re.compile(
    r"\b(?:(?:this|our) (?:web)?site uses cookies|uses cookies to (?:improve|enhance|give)|"
    r"(?:necessary|non-necessary|functional|analytics) cookies|privacy (?:&|and) cookies policy|"
    r"accept (?:all )?cookies|cookie (?:policy|settings|preferences)|"
    r"use of this (?:web)?site constitutes acceptance|"
    r"(?:material|content) on this (?:web)?site may not be reproduced|"
    r"your email address will not be published|required fields are marked|"
    r"save my name, email,? and website|by submitting this form you agree|"
    r"notify me of (?:new posts|new comments|follow-up comments)|"
    r"(?:deine|ihre) e-?mail-?adresse wird nicht veröffentlicht|erforderliche felder sind|"
    r"meinen namen, (?:meine )?e-?mail(?:-adresse)? und (?:meine )?website in diesem browser|"
    r"benachrichtige mich über (?:nachfolgende kommentare|neue beiträge)|"
    r"benachrichtigung bei weiteren kommentaren|"
    r"votre adresse (?:e-?mail|de messagerie|courriel) ne sera pas publiée|"
    r"les champs obligatoires sont indiqués|enregistrer mon nom, (?:mon )?e-?mail et|"
    r"prévenez-moi de tous les nouveaux|"
    r"tu (?:dirección de )?correo electrónico no será publicad[oa]|"
    r"los campos obligatorios están marcados|guarda mi nombre, correo electrónico y web|"
    r"recibir un correo electrónico con (?:los siguientes comentarios|cada nueva entrada)|"
    # the consent small print of a sign-up form, in German
    r"mit (?:der|ihrer|deiner) (?:registrierung|anmeldung) (?:akzeptieren sie|akzeptierst du)|"
    r"ich bin mit der verarbeitung meiner daten .{0,60}einverstanden|double-opt-in|"
    r"klicken sie (?:bitte )?auf den bestätigungs-?link|"
    # German legal small print: no warranty, no liability for the links
    r"alle angaben ohne gewähr|haftung(?:sbeschränkung|sausschluss)? für (?:externe )?links|"
    # the follow-this-blog box
    r"(?:enter your email address|gib deine e-?mail-?adresse ein,?|saisissez votre adresse"
    r" e-?mail|introduce tu (?:dirección de )?correo electrónico) (?:to|um|pour|para)"
    r" (?:follow|diesem|suivre|seguir)|"
    r"community (?:rules|guidelines|standards) apply|be mindful of our community standards|"
    # legal small print of the page's footer
    r"(?:is|are) (?:a |the )?registered trademarks? of|"
    r"this site is protected by recaptcha|"
    # consent small print of sign-up and comment forms
    r"(?:revoke|withdraw) (?:this|your) consent at any time)\b",
    re.IGNORECASE,
)
# Newsletter and alert sign-up prompts: an object (newsletter, inbox, alerts) and a sign-up verb
# in one short line, or the form's own messages.
NEWSLETTER_OBJECT = re.compile(
    r"\b(?:newsletters?|(?:your|my) inbox|(?:e-?mail|regular|weekly|daily|monthly) updates"
    r"|e-?mail alerts|(?:news|breaking) alerts"
    r"|rss(?:-| )?feeds?"
    # German, French, Spanish
    r"|(?:ihr(?:em|en)?|dein(?:em|en)?) (?:postfach|posteingang)|infolettres?"
    r"|lettres? d['’]information"
    r"|votre boîte (?:mail|e-?mail|de réception)|boletín|boletines|bandeja de entrada)\b",
    re.IGNORECASE,
)
NEWSLETTER_VERB = re.compile(
    r"\b(?:sign(?:ing)? up|subscrib(?:e|ed|ing)|unsubscribe|delivered"
    r"|abbestellen|abmelden|désabonner|se désinscrire|darse de baja)\b"
    # German, French and Spanish verbs count only where a prompt puts them: first in one of
    # its sentences, as the reader is spoken to, or last, as a button ("Newsletter
    # abonnieren"); a sentence that says readers subscribe to something has them in its middle
    r"|(?:^|[.!?] )(?:jetzt |kostenlos |gratis )?(?:abonnieren sie|abonniere|melden sie sich"
    r"|melde dich"
    r"|bestellen sie|tragen sie sich|registrieren sie sich|inscrivez-vous|abonnez-vous"
    r"|inscris-toi|abonne-toi|suscríbete|suscríbase|regístrate|apúntate"
    r"|(?:zum |für den |für unseren )?newsletter (?:abonnieren|bestellen|anmelden))\b"
    r"|\b(?:abonnieren|anmelden|bestellen|eintragen|s['’]inscrire|s['’]abonner|suscribirse"
    r"|suscribir)[ .!:]*$"
    r"|^(?:get|receive|join|enter|let|erhalten sie|erhalte|hol dir|holen sie sich|recevez"
    r"|recevoir|recibe|reciba|recibir)\b"  # a prompt speaks to the reader
    r"|\benter your e-?mail\b"
    # or says what the newsletter brings: "Mit unserem Newsletter erhalten Sie ..."
    r"|^(?:mit (?:unserem|dem) newsletter,? (?:erhalten sie|erhältst du|bekommen sie|bekommst du)"
    r"|with our newsletter,? you(?:'ll| will)? (?:get|receive)"
    r"|avec (?:notre|la) (?:newsletter|lettre d['’]information),? (?:recevez|vous recevrez)"
    r"|con nuestro boletín,? (?:recibirás|recibe|recibirá))\b",
    re.IGNORECASE,
)
NEWSLETTER_FORM = re.compile(
    r"\b(?:unsubscribe at any time|(?:successfully|already) subscribed|"
    r"(?:thanks?|thank you) for (?:signing up|subscribing))\b"
    # a prompt that opens offering delivery by email ("Get the Daily Edition by email"); a
    # sentence saying readers can subscribe by email is news
    r"|^(?:get|receive|erhalten sie|erhalte|recevez|recibe)\b[^.!?]{0,80}\b(?:by|via|per|par)"
    r" e-?mail\b",
    re.IGNORECASE,
)
# The form's own request, as a sentence of its own: "Enter your email below to receive ...";
# "Enter your email and password only on the bank's site" is advice news reports.
EMAIL_REQUEST = re.compile(
    r"(?:^|[.!?] )enter your e-?mail(?: address)?(?: below| here)? to\b", re.IGNORECASE
)
NEWSLETTER_MAX_WORDS = 40  # a prompt is a sentence or two; longer text is an article about one
# The form's request says what no article says, so it may run on into the form's small print
# ("... An email confirmation will be sent before you start receiving them ...").
EMAIL_REQUEST_MAX_WORDS = 60
# The author's biography a page prints under the article: a name, "is a" and a newsroom role
# followed by where or what the person covers.
ROLE_WORDS = (
    "reporter", "writer", "correspondent", "editor", "journalist", "columnist", "contributor",
    "producer", "photographer", "critic", "blogger", "freelancer",
)  # fmt: skip
ROLE = "(?:" + "|".join(ROLE_WORDS) + ")"
# A name followed by the writer's role or the date: `Jane Doe, Staff Writer`, `Jane Doe |
# March 3, 2021`. A role may be followed by the outlet (`Jane Doe, reporter at The Herald`).
ROLE_SEPARATORS = ",|/–—-"
NAME_ROLE = re.compile(
    rf"^(?P<name>{NAME})\s*[{ROLE_SEPARATORS}]\s*"
    rf"(?:(?:[\p{{L}}-]+ ){{0,3}}(?i:{ROLE})s?(?:\s*(?:,|\||at|for|with)\s*[\p{{L}} .&'-]{{2,40}})?"
    rf"|{DATE}(?:\s*[,|·•–—-]?\s*(?:{TIME}))?)$"
)
AUTHOR_BIO = re.compile(
    rf"^{NAME} (?:is|has been) an? (?:[\p{{L}}-]+ ){{0,4}}(?i:{ROLE})s? "
    r"(?:at|for|with|covering|based in|who covers)\b"
)
AUTHOR_BIO_MAX_WORDS = 80
SIGN_OFF_WORD = r"(?:Reuters?|REUTERS?|reuters?|AP|AFP|UPI|dpa|DPA|Xinhua|XINHUA|Bloomberg|CNN|BBC)"
SIGN_OFF = re.compile(rf"^[-–—(]*\s*(?P<outlet>{SIGN_OFF_WORD})\s*[)]?$")
# A sign-off left on the story's last line after its closing sentence ("... (33.7). REUTER").
GLUED_SIGN_OFF = re.compile(rf"(?<=[.)”\"])\s+(?P<outlet>{SIGN_OFF_WORD})$")


def _stamp_words_left(line: str) -> list[str]:
    left: str = STAMP_PART.sub(" ", line)
    return left.split()


DATE_OR_TIME = re.compile(rf"{DATE}|(?:{TIME})")
DIGIT = re.compile(r"\d")  # the same `\d` DATE, TIME and AGO use


@RULES.line_rule(
    "boilerplate.timestamp",
    reason="timestamp",
    # a short line with a digit, then a date, time or "ago" by the predicate's own patterns
    prefilter=(
        lambda text: (text.str.len_chars() <= 120) & text.str.contains(r"\d"),
        lambda text: (
            text.str.contains(DATE_OR_TIME.pattern) | text.str.contains("(?i)" + AGO.pattern)
        ),
    ),
)
def timestamp(line: str) -> bool:
    """A date/time line, bare or with a label.

    >>> timestamp("Updated: March 3, 2021 10:15 AM")
    True
    >>> timestamp("Last modified on Tue 2 Mar 2021 09.12 GMT")
    True
    >>> timestamp("Posted 3 hours ago")
    True
    >>> timestamp("Mar 3, 2021 10:15 AM")
    True
    >>> timestamp("The vote is set for March 3, 2021, officials said.")
    False
    """
    if len(line) > 120 or DIGIT.search(line) is None:  # every date, time and "ago" has a digit
        return False
    has_date = DATE_OR_TIME.search(line) is not None or AGO.search(line) is not None
    if not has_date:
        return False
    if STAMP_LABEL.match(line) and len(line.split()) <= 12:
        return True
    if line.rstrip().endswith("."):
        return False
    left = _stamp_words_left(line)
    # What is left beside the date must be a label ("Sponsored Content"), not a clause
    # ("Polls close at 8:00 PM ET").
    return len(left) <= 2 and all(word[:1].isupper() for word in left)


@RULES.line_rule(
    "boilerplate.editor_credit",
    reason="editor credit",
    prefilter=lambda text: text.str.contains(" by"),
)
def editor_credit(line: str) -> bool:
    """Wire editing and reporting credits.

    >>> editor_credit("(Reporting by Jane Doe in Lyon; Editing by John Roe)")
    True
    >>> editor_credit("Additional reporting by Ana Lima")
    True
    >>> editor_credit("Reporting by phone was difficult during the storm.")
    False
    """
    return EDITOR_CREDIT.match(line) is not None


@RULES.line_rule("boilerplate.byline", reason="byline", scope="top")
def byline(line: str) -> bool:
    """A byline among an article's first lines, by its own evidence: a lead word (`By`, `Von`,
    `Par`, `Por`) or the writer's role or the date after the name. A name alone counts only
    beside such evidence or when it reads as a name in its article (`byline_run`).

    >>> byline("By Jane Doe and John Roe, Reuters")
    True
    >>> byline("von Ana Lima-Costa")
    True
    >>> byline("Jane Doe, Staff Writer")
    True
    >>> byline("Ana Lima-Costa")  # a name alone: evidence from its neighbours is needed
    False
    >>> byline("By the numbers")
    False
    """
    return BYLINE.match(line) is not None or NAME_ROLE.match(line) is not None


# Words no writer's name holds: a company's legal form, an official's title. A wire story
# wrapped at a fixed width leaves such names alone on a line ("American Telephone and Telegraph
# Co", "Commerce Secretary Malcolm Baldrige"), where they read as a byline.
NOT_A_WRITER = re.compile(rf"\b(?:{LEGAL_FORM}|Secretary|Minister|Chairman|Senator|Governor)\b")


def name_line(line: str) -> bool:
    """A line that is a name and nothing else (`Jane Doe`, `Lyon – Jane Doe`): a byline
    when its context says so (`byline_run`), a subheading (`Web Standards`) otherwise.

    >>> name_line("Lyon – Jean-Paul de Martin")
    True
    >>> name_line("Ferries and jobs")
    False
    >>> name_line("Harbour Ferry Services Inc")  # a company
    False
    """
    if NOT_A_WRITER.search(line):
        return False
    return PLACE_NAME.match(line) is not None or NAME_ALONE.match(line) is not None


# --- the byline run's candidates as column tests (`cleaners.boilerplate_table`) -------------
#
# Necessary conditions, never sufficient: every line `byline` or `name_line` accepts passes
# them, and the predicates decide the few lines they leave (tests/test_boilerplate.py holds
# them to that on example lines and arbitrary text). They are spelled in ASCII alone where the
# patterns use Unicode classes (a line opening with any character past ASCII may be a name),
# so they hold whatever Unicode version either regex engine knows.

# A name opens with a capital or with a particle before one.
NAME_START = rf"^(?:[^\x00-\x7f]|[A-Z]|(?:{'|'.join(PARTICLES)})[- ])"
# What no part of a name holds: a lower-case word longer than every particle and joining word
# (a name's other words are capitalised), a digit, or ASCII punctuation other than `'.,&-`
# (`/` and `|` apart: after a name they separate the role from it).
LONG_LOWER_WORD = rf"(?:^|\s)[a-z]{{{max(map(len, PARTICLES + JOINERS)) + 1}}}"
NOT_NAME_CHAR = r"[0-9!\"#$%()*+:;<=>?@\[\\\]^_`{}~]"
NOT_IN_NAME = rf"{LONG_LOWER_WORD}|{NOT_NAME_CHAR}|[/|]"
# Seven capitalised words in a row: a name has four at most (`NAME`), a place and a name six
# (`Rio Grande- Ana Maria Lima Souza`).
CAPITALS_RUN = r"[A-Z][A-Za-z'.-]*(?: [A-Z][A-Za-z'.-]*){6}"
# Every decimal digit (`\d`) past ASCII lies at the Arabic-Indic digits (U+0660) or later, in
# whatever Unicode version: Rust regex's `\d` lacks digits that `regex` knows.
MAY_BE_DIGIT = r"[0-9]|[^\x00-\x{65f}]"


def name_line_prefilter(text: pl.Expr) -> pl.Expr:
    """True wherever `name_line` may be: a line that may open a name, has the space between a
    name's words and holds nothing a name cannot (`PLACE_NAME` and `NAME_ALONE` are names
    from end to end, but for a place and a dash before them)."""
    return (
        text.str.contains(" ", literal=True)
        & text.str.contains(NAME_START)
        & ~text.str.contains(NOT_IN_NAME)
        & ~text.str.contains(CAPITALS_RUN)
    )


def byline_prefilter(text: pl.Expr) -> pl.Expr:
    """True wherever `byline` may be: a line opening with a lead word (`BYLINE`), or one that
    may open a name, has the space between a name's words before any separator but a hyphen
    (which a name may hold), holds nothing a name cannot before its first separator, and has
    the date's digit or a role word (`NAME_ROLE`)."""
    name_then = rf"^[^{ROLE_SEPARATORS}]*(?:{LONG_LOWER_WORD}|{NOT_NAME_CHAR})"
    role_or_date = (
        text.str.contains(MAY_BE_DIGIT)
        | text.str.contains_any(list(ROLE_WORDS), ascii_case_insensitive=True)
        | text.str.contains(folds_differently())  # a role word spelled past ASCII (`(?i)`)
    )
    name_role = (
        text.str.contains(NAME_START)
        & text.str.contains(f"[{ROLE_SEPARATORS}]")
        & text.str.contains(f"^[^{ROLE_SEPARATORS.replace('-', '')}]* ")
        & ~text.str.contains(name_then)
        & role_or_date
    )
    return text.str.contains("^" + BY_WORD) | name_role


def _byline_name(line: str) -> str | None:
    for pattern in (BYLINE, NAME_ROLE, PLACE_NAME, NAME_ALONE):
        match = pattern.match(line)
        if match is not None:
            return str(match.group("name"))
    return None


LOWER_WORD = re.compile(r"(?<!\p{L})\p{Ll}\p{L}*")
NAME_PART = re.compile(r"\p{Lu}\p{Ll}+")


def reads_as_name(line: str, lower_words: Set[str]) -> bool:
    """Whether a name-shaped line reads as a person's name in its article: it does not open
    with a stop word (`The Lorenz Equations`, `Die Schneemaske`) and none of its capitalised
    words is written in lower case elsewhere in the article (`Web Standards` over a paragraph
    on web standards): a heading's words are common words, a name's are not.

    >>> reads_as_name("Ana Lima", {"the", "board", "met"})
    True
    >>> reads_as_name("Ferry Timetables", {"the", "ferry", "sails"})
    False
    >>> reads_as_name("The Harbour Board", set())
    False
    """
    match = NAME_ALONE.match(line) or PLACE_NAME.match(line)
    if match is None:
        return False
    name = str(match.group("name"))
    first = name.split()[0].lower()
    if any(first in words for words in line_model.stop_words().values()):
        return False
    return not any(part.lower() in lower_words for part in NAME_PART.findall(name))


def byline_run(lines: Sequence[str], removed_anyway: Callable[[int], bool]) -> list[int]:
    """Positions in `lines` (an article's non-blank lines, stripped) of its byline run.

    The run starts at the first byline among the first `TOP_LINES` lines and goes on through
    bylines and lines `removed_anyway` accepts (a timestamp or share line between two
    bylines); it goes at once, so the next line does not move into place on a second clean.
    A byline is a line `byline` accepts, or a `name_line` with evidence: a neighbour that is a
    byline or a timestamp (`Jane Doe` over `Updated: March 3, 2021`), or a name that reads as
    one in its article (`reads_as_name`). A bare capitalised line without either is a heading.

    >>> byline_run(["Ana Lima", "The board met on Monday."], lambda k: False)
    [0]
    >>> byline_run(["Web Standards", "Web standards matter to us."], lambda k: False)
    []
    >>> byline_run(["Ferry Timetables", "Posted 3 hours ago", "The ferry sails at six."],
    ...             lambda k: k == 1)
    [0]
    """
    lower: set[str] | None = None

    def evidence(k: int) -> bool:
        return byline(lines[k]) or timestamp(lines[k]) or removed_anyway(k)

    def accepted(k: int) -> bool:
        nonlocal lower
        line = lines[k]
        if byline(line):
            return True
        if not name_line(line):
            return False
        if (k > 0 and evidence(k - 1)) or (k + 1 < len(lines) and evidence(k + 1)):
            return True
        if lower is None:
            lower = {w.lower() for text in lines for w in LOWER_WORD.findall(text)}
        return reads_as_name(line, lower)

    for k in range(min(TOP_LINES, len(lines))):
        if accepted(k):
            run = [k]
            for j in range(k + 1, len(lines)):
                if accepted(j):
                    run.append(j)
                elif not removed_anyway(j):
                    break
            return run
    return []


@RULES.line_rule(
    "boilerplate.share",
    reason="share/subscribe/navigation line",
    **_short_and_matching(80, FURNITURE),
)
def page_furniture(line: str) -> bool:
    """Buttons and links of a web page flattened into the text.

    >>> page_furniture("Continue reading the main story")
    True
    >>> page_furniture("Sign up for our newsletter")
    True
    >>> page_furniture("Share prices fell sharply on Monday.")
    False
    """
    return len(line) <= 80 and FURNITURE.match(line) is not None


# Every branch of SITE_NOTICE holds one of these words (tests/test_boilerplate.py checks one
# example per branch): a line with none of them cannot match, and most lines have none. They are
# the rule's `needs` (see cleaners.rules.LineRule), checked on the casefolded line.
SITE_NOTICE_WORDS = (
    "cookie",
    "site",
    "email",
    "e-mail",
    "required",
    "submitting",
    "community",
    "trademark",
    "consent",
    "notify",
    "felder",
    "benachrichtig",
    "champs",
    "prévenez",
    "correo",
    "campos",
    "registrierung",
    "anmeldung",
    "einverstanden",
    "double-opt-in",
    "bestätigungs",
    "gewähr",
    "haftung",
)
# A cookie-consent text can run to a hundred words in one line; an article paragraph that
# quotes such a phrase is longer still.
SITE_NOTICE_MAX_WORDS = 150


@RULES.line_rule(
    "boilerplate.site_notice", reason="cookie/terms/comment-form notice", needs=SITE_NOTICE_WORDS
)
def site_notice(line: str) -> bool:
    """Site-wide notices: cookie banners, terms of use, comment-form fine print.

    >>> site_notice("This website uses cookies to improve your experience.")
    True
    >>> site_notice("Your email address will not be published. Required fields are marked *")
    True
    >>> site_notice("The bakery uses cookies from an old family recipe, the owner said.")
    False
    """
    return len(line.split()) <= SITE_NOTICE_MAX_WORDS and SITE_NOTICE.search(line) is not None


# A sign-up form's messages all hold "subscri" or "signing up", and every NEWSLETTER_OBJECT one
# of the other four.
NEWSLETTER_WORDS = (
    "subscri", "signing up", "newsletter", "inbox", "alerts", "updates",
    "postfach", "posteingang", "infolettre", "lettre", "boîte", "bolet", "bandeja", "rss", "mail",
    "correo",
)  # fmt: skip


@RULES.line_rule(
    "boilerplate.newsletter", reason="newsletter/alert sign-up prompt", needs=NEWSLETTER_WORDS
)
def newsletter_prompt(line: str) -> bool:
    """A newsletter or alert sign-up prompt, or the sign-up form's own messages.

    >>> newsletter_prompt("Get our morning briefing delivered to your inbox every weekday.")
    True
    >>> newsletter_prompt("No spam. You can unsubscribe at any time.")
    True
    >>> newsletter_prompt("Missing the harbour news? Enter your email below to receive updates.")
    True
    >>> newsletter_prompt("The union's newsletter urged members to join the strike on Monday, "
    ...                   "and thousands did, filling the square outside the ministry by noon "
    ...                   "as police closed the side streets and traders shut their stalls early.")
    False
    """
    words = len(line.split())
    if words <= EMAIL_REQUEST_MAX_WORDS and EMAIL_REQUEST.search(line):
        return True
    if words > NEWSLETTER_MAX_WORDS:
        return False
    if NEWSLETTER_FORM.search(line):
        return True
    return bool(NEWSLETTER_OBJECT.search(line) and NEWSLETTER_VERB.search(line))


# An invitation to join the site's own channel on a messenger: an imperative and "our" right
# before the channel, as one phrase ("Join our Telegram channel", "Folgen Sie unserem
# WhatsApp-Kanal"), or "we have a ... channel" with an imperative after it. A news line about a
# channel names it with other words around ("our sources in the Telegram group said ...").
MESSENGERS = ("telegram", "whatsapp", "signal", "viber", "discord")
_MESSENGER = "(?:" + "|".join(MESSENGERS) + ")"
_CHANNEL = r"(?:channel|group|community|canal|grupo|comunidad|kanal|gruppe|chaîne|groupe)"
_CHANNEL_NAMED = (
    rf"(?:{_CHANNEL}(?: (?:de|on|auf|bei|in|im|sur|en))? {_MESSENGER}|{_MESSENGER}[- ]?{_CHANNEL})"
)
CHANNEL_PROMPT = re.compile(
    r"\b(?:join|follow|subscribe to|únete a|unete a|súmate a|suscríbete a|síguenos en|sigue"
    r"|folgen sie|folge|folgt|abonniere|abonnieren sie|tritt|rejoignez|rejoins|abonnez-vous à"
    r"|suivez)\s+(?:(?:us on|uns auf|nous sur)\s+)?(?:our|nuestr[oa]s?|unser(?:e[mnrs]?)?|notre"
    rf"|nos)\s+(?:[\w'’-]+\s+){{0,2}}?{_CHANNEL_NAMED}\b"
    rf"|\btenemos (?:un )?canal de {_MESSENGER}\b.{{0,20}}\b(?:únete|unete|súmate|suscríbete)\b",
    re.IGNORECASE,
)
CHANNEL_MAX_WORDS = 40  # a prompt is a sentence or two


@RULES.line_rule("boilerplate.channel_prompt", reason="messenger channel prompt", needs=MESSENGERS)
def channel_prompt(line: str) -> bool:
    """An invitation to join the site's channel or group on a messenger, in English, German,
    French and Spanish.

    >>> channel_prompt("Join our Telegram channel for the day's headlines.")
    True
    >>> channel_prompt("¿Sabías que tenemos canal de WhatsApp? Únete desde este enlace.")
    True
    >>> channel_prompt("Folgen Sie unserem WhatsApp-Kanal!")
    True
    >>> channel_prompt("The mercenaries' Telegram channel urged fighters to join the march.")
    False
    """
    return len(line.split()) <= CHANNEL_MAX_WORDS and CHANNEL_PROMPT.search(line) is not None


@RULES.line_rule("boilerplate.author_bio", reason="author biography", needs=ROLE_WORDS)
def author_bio(line: str) -> bool:
    """The short biography of the author printed under an article.

    >>> author_bio("Ana Lima is a staff writer at the Harbour Times covering transport.")
    True
    >>> author_bio("Ana Lima, a reporter at the Harbour Times, broke the story in May.")
    False
    """
    return len(line.split()) <= AUTHOR_BIO_MAX_WORDS and AUTHOR_BIO.match(line) is not None


# --- furniture in English, German, French and Spanish (issue 19) -------------------------------
# Each rule below is one pattern and a length bound, checked as the same expression by the
# columnar engine (`expr`): whole short lines for buttons and headings, a phrase inside a short
# line for notices and prompts, so a body sentence that merely mentions sharing, subscribing or
# comments stays (its test holds such near misses). Spaces in the patterns are literal: Python's
# and Rust's `\s` differ on control characters.
FURNITURE_MAX_CHARS = 120  # a button, a heading, a label with its value
NOTICE_MAX_CHARS = 300  # a notice or prompt is a sentence or two; longer text is an article
END = r"[ .:!?…]*$"  # trailing punctuation of a button or heading
OPENS_NEW_WINDOW = (
    r"\((?:opens in (?:a )?new (?:window|tab)|wird in (?:einem )?neue[mn] (?:fenster|tab) geöffnet"
    r"|s?['’]?ouvre dans une nouvelle (?:fenêtre|page|onglet)"
    r"|se abre en una (?:ventana|pestaña) nueva)\)"
)
SHARE_WIDGET = re.compile(
    r"^(?:"
    # "Like this:", "Like Loading...", and the same in German, French and Spanish
    r"(?:like|gefällt mir|j['’]aime|me gusta)(?: (?:this|dies|ça|ceci|esto))?"
    r"(?: (?:loading|wird geladen|lade|chargement|cargando)(?: ?(?:\.\.\.|…))?)?"
    r"|be the first to like this|sei (?:der|die) erste,? (?:dem|der) (?:dies|das) gefällt"
    r"|soyez (?:le|la) premier à aimer (?:ceci|cet article)|sé el primero en indicar que te gusta"
    # "Share this:", "Teilen mit:", "Partager :", "Compartir esto:", "Teile diesen Beitrag"
    r"|(?:share|teilen|teile|sharen|partager|partagez|compartir|compártelo|comparte)"
    r"(?: (?:this|mit|dies|diesen (?:beitrag|artikel)|den (?:beitrag|artikel)|ceci|cet article"
    r"|esto|este artículo|esta noticia|via|über|per|sur|en|por|auf|on) ?[\w.-]{0,20})?"
    r"|(?:auf|bei) (?:facebook|twitter|x|linkedin|whatsapp|xing|pinterest|telegram) teilen"
    r"|(?:diese[nsm]?|den|die|das) (?:geschichte|beitrag|artikel|seite|story|post) teilen"
    r"|gefällt (?:ihnen|dir|euch) (?:dieser|der|unser) (?:artikel|beitrag)"
    r"|mit (?:anderen|freunden) teilen|(?:url|link) (?:zum kopieren|kopieren)|copy link"
    # a prompt to share: "Enjoyed this article? Share it", "Artikel gefallen? Vergiss nicht zu
    # teilen!"
    r"|(?:(?:enjoyed|liked|like) (?:this|the) (?:article|post|story)|(?:(?:der|dieser|dein|unser)"
    r" )?(?:artikel|beitrag) gefallen)\? (?:then )?(?:share it|please share|(?:dann )?(?:teile"
    r" (?:ihn|es)|vergiss nicht,? (?:ihn |es )?zu teilen))(?: .{1,40})?"
    r"|udostępnij(?: (?:na|w) [\w.]{1,20})?(?: \(\d+\))?"
    r"|twittern|tweeten|pinnen|drucken|imprimer|imprimir|e-mail senden|per e-mail (?:senden|teilen)"
    # follow prompts: "Folge uns auch in den sozialen Medien, ...", "Suivez-nous sur Instagram"
    r"|(?:folge|folgt|folgen sie) uns(?: auch)? (?:auf|bei|in|im) .{1,80}"
    r"|suivez-nous(?: aussi| également)? (?:sur|dans) .{1,60}|síguenos (?:en|a través de) .{1,60}"
    # a blog's or forum's report button
    r"|report abuse|(?:einen )?missbrauch melden|signaler (?:un abus|ce contenu)|denunciar abuso"
    r")" + END + "|"
    # "Click to share on Facebook (Opens in new window)", "Klicken, um ... (Wird in neuem
    # Fenster geöffnet)": any short link that says it opens a new window
    r"^.{1,80}" + OPENS_NEW_WINDOW + "$",
    re.IGNORECASE,
)


@RULES.line_rule(
    "boilerplate.share_widget",
    reason="share/like widget",
    **_short_and_matching(FURNITURE_MAX_CHARS, SHARE_WIDGET),
)
def share_widget(line: str) -> bool:
    """Share and like buttons of a page, in English, German, French and Spanish.

    >>> share_widget("Click to share on Facebook (Opens in new window)")
    True
    >>> share_widget("Like Loading...")
    True
    >>> share_widget("Teilen mit:")
    True
    >>> share_widget("Share prices fell sharply on Monday.")
    False
    """
    return len(line) <= FURNITURE_MAX_CHARS and SHARE_WIDGET.search(line) is not None


RELATED_HEADING = re.compile(
    r"^(?:"
    # English
    r"(?:related|similar|recent|popular|latest|more) (?:posts|articles|stories|reads|topics)"
    # a blog sidebar's lists: "Recent Comments", "Neueste Kommentare", "Entradas recientes"
    r"|(?:recent|latest|newest) comments|(?:neueste|aktuelle|letzte) (?:kommentare|beiträge)"
    r"|(?:commentaires|articles) récents|derniers (?:commentaires|articles)"
    r"|(?:comentarios|entradas|publicaciones|artículos) recientes|últim[oa]s (?:comentarios"
    r"|entradas|publicaciones)"
    r"|(?:see|read) also|also read|you (?:may|might) (?:also )?be interested in|explore further"
    r"|about the author|über (?:den|die) autor(?:in)?|à propos de l['’]auteur|sobre el autor"
    # German
    r"|(?:das|dies) könnte (?:sie|dich|euch) (?:auch|ebenfalls) interessieren"
    r"|(?:diese|weitere) (?:artikel|beiträge|themen) könnten (?:sie|dich|euch)(?: auch)?"
    r" interessieren"
    r"|(?:beliebte|populäre|meistgelesene) (?:artikel|beiträge)(?: der (?:letzten \d+ tage|woche"
    r"|letzten woche))?"
    r"|(?:auch|ebenfalls) interessant|(?:mehr|weiteres|weitere artikel) zum thema"
    r"(?: ?: .{1,40}| (?:auf|bei) .{1,40})?"
    r"|(?:ähnliche|verwandte|weitere|empfohlene|neueste) (?:beiträge|artikel|themen|nachrichten"
    r"|meldungen|inhalte)|(?:auch|ebenfalls) lesen(?: ?: .{1,80})?"
    r"|lesen sie (?:auch|dazu|mehr)(?: die folgenden (?:beiträge|artikel))?(?: ?: .{1,60})?"
    r"|lies auch|weiterlesen|mehr lesen|mehr von|mehr aus (?:der|dem|den) \w+(?: \w+)?"
    r"|(?:die )?meist(?:-| )?(?:gelesen|kommentiert|diskutiert|geteilt)(?:e|en)?"
    r"(?: (?:artikel|beiträge|nachrichten)(?: (?:bei|auf|im|von) .{1,40})?)?"
    # French
    r"|(?:à|a) lire (?:aussi|également)|lire (?:aussi|également|la suite)|voir aussi"
    r"|(?:vous|tu) (?:aimerez|aimeriez|pourriez aimer|aimeras) (?:aussi|également)(?: .{1,30})?"
    r"|sur le même (?:sujet|thème)|dans la même rubrique"
    r"|(?:articles?|sujets?) (?:similaires?|liés?|connexes?|recommandés?)"
    r"|les (?:articles )?plus (?:lus|populaires"
    r"|partagés|commentés)"
    # Spanish
    r"|(?:también )?(?:le|te|les) (?:puede|podría|pueden) interesar(?: ?: .{1,80})?"
    r"|(?:lee|lea) también|(?:puedes|puede) ver(?: también)?(?: ?: .{1,80})?"
    # Polish
    r"|czytaj (?:też|także|również)(?: ?: .{1,80})?"
    r"|(?:seguir|sigue|siga) leyendo|te recomendamos|(?:noticias|artículos|notas|contenidos?|temas)"
    r" relacionad[oa]s|(?:las|los|lo) más (?:vist[oa]s?|leíd[oa]s?|populares|compartid[oa]s?)"
    r")" + END,
    re.IGNORECASE,
)


@RULES.line_rule(
    "boilerplate.related_heading",
    reason="related-content heading",
    **_short_and_matching(FURNITURE_MAX_CHARS, RELATED_HEADING),
)
def related_heading(line: str) -> bool:
    """Headings of related-content and most-read lists, in English, German, French and Spanish.

    >>> related_heading("Das könnte Sie auch interessieren")
    True
    >>> related_heading("À lire aussi :")
    True
    >>> related_heading("Related stories are rarely read, the study found.")
    False
    >>> related_heading("Neueste Kommentare"), related_heading("Entradas recientes")
    (True, True)
    >>> related_heading("Related Topics"), related_heading("Temas relacionados:")
    (True, True)
    >>> related_heading("Sujets liés"), related_heading("Related topics dominated the summit.")
    (True, False)
    """
    return len(line) <= FURNITURE_MAX_CHARS and RELATED_HEADING.search(line) is not None


COMMENT_FORM = re.compile(
    # buttons and headings of the form, whole lines
    r"^(?:(?:write|post|add|leave|submit) (?:a|your) (?:comment|reply)|reply|antworten|répondre"
    r"|responder|(?:einen |ihren |deinen )?kommentar (?:verfassen|schreiben|abgeben|hinterlassen"
    r"|absenden)|(?:schreib(?:e|en sie)?|hinterlasse|hinterlassen sie)(?: jetzt)? (?:einen|ihren"
    r"|deinen) kommentar"
    r"|(?:laisser|écrire|ajouter|poster) un commentaire|laissez un commentaire"
    r"|(?:deja|dejar|escribe|escribir|añadir|agregar) (?:un|tu) comentario|deja una respuesta"
    r"|(?:hier ist )?(?:ihre|deine) meinung (?:ist )?gefragt|kommentieren sie hier"
    r"|(?:ihre|deine) meinung zu diesem (?:thema|artikel|beitrag)"
    # the form's heading with its cancel-reply link ("Leave a Reply Cancel reply"), or the link
    r"|(?:.{1,60} )?(?:cancel reply|antwort abbrechen|annuler la réponse"
    r"|cancelar (?:la )?respuesta)"
    r"|(?:comments?|kommentare?|commentaires?|comentarios?)(?: \(\d+\))?"
    r"|comment by .{1,40}|kommentar von .{1,40}|commentaire de .{1,40}|comentario de .{1,40}"
    # the form's labels: "Your name *", "E-Mail (wird nicht veröffentlicht)"
    r"|(?:your |ihr |dein |votre |tu )?(?:name|e-?mail(?: address| adresse)?|website|webseite"
    r"|homepage|comment|kommentar|nom|adresse e-?mail|site web|commentaire|nombre|correo"
    r"(?: electrónico)?|sitio web|comentario) ?(?:\*|\((?:required|erforderlich|pflicht\w*"
    r"|obligatoire|requis|obligatorio|optional|facultatif|wird .{1,60}|will not be .{1,40}"
    r"|ne sera pas .{1,40}|no (?:será|se) .{1,40})\))(?: ?\*)? ?:?"
    r")" + END + "|"
    # notices of the form and of moderation, inside a short line
    r"\b(?:allowed html tags|you may use these html tags|erlaubte html-tags"
    # Drupal's filter tips and its form's spam trap under a comment box
    r"|lines and paragraphs break automatically|no html tags allowed"
    # the prompt and count over a comment box
    r"|there (?:are|is) (?:no|\d+) comments?"
    r"|web page addresses and e-?mail addresses turn into links automatically"
    r"|(?:more information about )?text formats?(?: options)?$|leave this field blank"
    r"|comments? (?:are|is|will be) (?:moderated|reviewed|closed|disabled)"
    r"|kommentare (?:werden|sind) .{0,40}(?:moderiert|geprüft|freigeschaltet|geschlossen"
    r"|deaktiviert)|kommentarfunktion (?:ist|wurde) .{0,20}(?:geschlossen|deaktiviert)"
    r"|commentaires (?:sont|seront) (?:modérés|soumis à (?:une )?modération|fermés)"
    r"|comentarios (?:son|están|serán) (?:moderados|cerrados|revisados)"
    r"|(?:log ?in|sign ?in|register) to (?:comment|post a comment|leave a comment|reply)"
    r"|um (?:einen )?kommentar(?:e)? (?:zu )?(?:schreiben|verfassen|abzugeben)"
    r"|(?:connectez-vous|connecte-toi|inscrivez-vous) pour (?:commenter|réagir)"
    r"|(?:inicia|inicie) sesión para comentar)\b",
    re.IGNORECASE,
)


@RULES.line_rule(
    "boilerplate.comment_form",
    reason="comment form/moderation notice",
    **_short_and_matching(NOTICE_MAX_CHARS, COMMENT_FORM),
)
def comment_form(line: str) -> bool:
    """A comment form's buttons, labels and moderation notices, in four languages.

    >>> comment_form("Your name *")
    True
    >>> comment_form("Comments are moderated and may take a day to appear.")
    True
    >>> comment_form("Kommentar verfassen")
    True
    >>> comment_form("The minister declined to comment on the report.")
    False
    """
    return len(line) <= NOTICE_MAX_CHARS and COMMENT_FORM.search(line) is not None


PLATFORMS = (
    r"(?:blogger|wordpress(?:\.com|\.org)?|ghost|tumblr|squarespace|wix(?:\.com)?|jekyll|hugo"
    r"|drupal|joomla!?|typo3|substack|medium|weebly|jimdo)"
)
PLATFORM_CREDIT = re.compile(
    r"\b(?:(?:proudly )?powered by|theme by|bereitgestellt von|betrieben (?:mit|von)"
    r"|erstellt mit|fourni par|propulsé par|(?:con )?la tecnología de|funciona con"
    r"|creado con|hosted (?:by|on)|built with) " + PLATFORMS + r"\b"
    r"|\b(?:blog|website|site) (?:at|bei|sur|en) wordpress\.com\b"
    # Blogger's and WordPress's own widget and meta lines
    r"|^(?:view my complete profile|mein profil vollständig anzeigen|afficher (?:mon|le) profil"
    r" complet|ver (?:todo )?mi perfil(?: completo)?|this entry was posted (?:in|on) .{1,150}"
    r"|dieser (?:eintrag|beitrag) wurde .{0,60}veröffentlicht(?: in .{1,150})?"
    r"|cette entrée a été publiée .{1,150}|esta entrada (?:fue publicada|se publicó) .{1,150}"
    r"|bookmark the permalink|lesezeichen (?:für den|auf den|setzen auf den) permalink"
    r"|simple theme|(?:\w+ )?theme\. powered by .{1,40})" + END,
    re.IGNORECASE,
)


@RULES.line_rule(
    "boilerplate.platform_credit",
    reason="blog platform credit",
    **_short_and_matching(NOTICE_MAX_CHARS, PLATFORM_CREDIT),
)
def platform_credit(line: str) -> bool:
    """A blog platform's credit and meta lines (`Powered by Blogger`, `View my complete profile`).

    >>> platform_credit("Simple theme. Powered by Blogger.")
    True
    >>> platform_credit("Bereitgestellt von Blogger")
    True
    >>> platform_credit("The plant is powered by wind and the sun.")
    False
    """
    return len(line) <= NOTICE_MAX_CHARS and PLATFORM_CREDIT.search(line) is not None


PAYWALL = re.compile(
    r"\b(?:"
    # English
    r"to (?:view|read|continue reading|access) (?:the full|this|the rest of (?:the|this))"
    r" (?:story|article|content|post)\b.{0,60}\b(?:subscribe|subscription|subscriber|log ?in"
    r"|sign ?in)|subscribe (?:now )?to (?:continue reading|read (?:the full|more|on))"
    r"|(?:available|reserved|exclusive) (?:only )?(?:to|for) (?:paying |premium |our |digital )?"
    r"subscribers|already (?:a subscriber|subscribed|have an account)\?"
    r"|(?:download|get) (?:the|our) (?:free )?(?:[\w-]+ ){0,3}apps? (?:for|on|in) (?:ios|android"
    r"|iphone|the app store|google play)|cancel (?:at )?any ?time"
    # German
    r"|(?:bereits|schon) (?:abonnent(?:in)?|abonniert|registriert|kunde)\?"
    r"|(?:nur|exklusiv) für (?:abonnenten|abonnentinnen|abonnierende|abonnent\*innen)"
    r"|jetzt (?:abonnieren|abo (?:abschließen|sichern)|weiterlesen|gratis testen|testen)"
    r"|(?:weiterlesen|lesen sie weiter) mit (?:[\w+-]+ ){0,3}(?:plus|abo|digital)"
    r"|(?:laden sie|lade) (?:sich |dir )?(?:die|unsere) (?:kostenlose )?(?:[\w-]+ ){0,3}app"
    r"|jederzeit kündbar|ausgabe kaufen"
    r"|\d+ (?:ausgaben|wochen|monate) (?:gratis|kostenlos) (?:testen|lesen|erhalten|sichern)"
    # French
    r"|(?:déjà abonné|vous êtes (?:déjà )?abonnée?) ?\?|réservée? aux abonnés"
    r"|(?:abonnez-vous|je m['’]abonne) (?:pour|à partir|dès|et)"
    r"|(?:téléchargez|télécharger) (?:l['’]|notre )appli(?:cation)?"
    r"|sans engagement|résiliable à tout moment"
    # Spanish
    r"|ya (?:eres|es) (?:suscriptor|suscriptora|socio|socia|miembro)\?"
    r"|(?:exclusivo |solo |sólo )?para suscriptores|suscríbete (?:para|y|desde|ahora)"
    r"|(?:descarga|descargue|baja) (?:la|nuestra) (?:app|aplicación)|cancela cuando quieras"
    r")",
    re.IGNORECASE,
)


@RULES.line_rule(
    "boilerplate.paywall",
    reason="paywall/app prompt",
    **_short_and_matching(NOTICE_MAX_CHARS, PAYWALL),
)
def paywall(line: str) -> bool:
    """Paywall and app prompts (`To view the full story, please subscribe`, `Jetzt abonnieren`).

    >>> paywall("To view the full story, please subscribe to the Harbour Times.")
    True
    >>> paywall("Déjà abonné ? Connectez-vous")
    True
    >>> paywall("Readers can subscribe to the paper for a year, the publisher said.")
    False
    """
    return len(line) <= NOTICE_MAX_CHARS and PAYWALL.search(line) is not None


# A donation prompt, the whole line: "Donate now", "Unterstütze uns", "Unterstütze <Site>
# bereits mit 2,50!", "Faire un don", "Haz una donación".
DONATION = re.compile(
    r"^(?:(?:jetzt |now )?(?:donate|spenden|spende)(?: (?:now|today|jetzt|here|hier))?"
    r"|make a donation|support (?:us|our (?:work|journalism))(?: today| now)?"
    r"|(?:unterstütze|unterstützen sie) (?:uns|unsere arbeit|\p{Lu}[\w.-]{1,30})"
    r"(?: (?:bereits|schon|jetzt))?(?: (?:mit|ab) \d{1,3}(?:[.,]\d{2})? ?(?:€|euro)?)?"
    r"|faire un don|faites un don|soutenez-nous|haz una donación|dona ahora|apóyanos)" + END,
    re.IGNORECASE,
)


@RULES.line_rule(
    "boilerplate.donation",
    reason="donation prompt",
    **_short_and_matching(FURNITURE_MAX_CHARS, DONATION),
)
def donation(line: str) -> bool:
    """A donation prompt in English, German, French or Spanish.

    >>> donation("Unterstütze Hafenblatt bereits mit 2,50!")
    True
    >>> donation("Donate now")
    True
    >>> donation("Support us to keep the harbour café open, the owner asked on Monday.")
    False
    """
    return len(line) <= FURNITURE_MAX_CHARS and DONATION.search(line) is not None


# A bare e-mail address or a link marked external ("Hafenstiftung ↗"), the whole line. A rule
# of its own: the share rule's column test first keeps the lines holding one of its words, and
# these forms hold none, so there they would have sent every short line to its full pattern.
BARE_LINK = re.compile(
    r"^(?:(?:(?:e-?mail|kontakt|contact|courriel|correo) ?: ?)?[a-z0-9._%+-]+@[a-z0-9-]+"
    r"(?:\.[a-z0-9-]+)+|.+ [↗⇗➚])" + END,
    re.IGNORECASE,
)
BARE_LINK_MARKS = ("@", "↗", "⇗", "➚")


@RULES.line_rule(
    "boilerplate.bare_link",
    reason="bare address/link line",
    prefilter=lambda text: text.str.contains_any(list(BARE_LINK_MARKS)),
    expr=_short_and_matching(FURNITURE_MAX_CHARS, BARE_LINK)["expr"],
)
def bare_link(line: str) -> bool:
    """A bare e-mail address, or a link a page marks as external.

    >>> bare_link("desk@harbour-times.example")
    True
    >>> bare_link("Hafenstiftung ↗")
    True
    >>> bare_link("Write to desk@harbour-times.example with your questions.")
    False
    """
    return len(line) <= FURNITURE_MAX_CHARS and BARE_LINK.search(line) is not None


# A page's reading aids and tools, the whole line: the reading time ("5 min read", "Lesezeit:
# 3 Minuten", "12 minutes - 2,480 words"), a list's result or page counter ("Showing 1-10 of 19
# results", "Seite 2 von 5", "Es werden die Fähren 1 bis 10 von insgesamt 14 angezeigt"), the
# print and PDF buttons ("Als PDF herunterladen") and the links back to the page's top or the
# site's start ("Back to top", "Zurück zur Startseite", "Retour à l'accueil", "Volver arriba").
PAGE_TOOLS = re.compile(
    r"^(?:"
    r"(?:reading time|read time|lesezeit|lesedauer|temps de lecture|tiempo de lectura)"
    r" ?:? ?(?:ca\. |etwa |about |approx\. |environ |aprox\. )?\d+(?:[-–]\d+)? ?"
    r"(?:min(?:ute|uten|uto|utos|s)?\.?|minutes?)"
    r"|(?:ca\. )?\d+(?:[-–]\d+)? ?(?:min(?:ute|uten|uto|utos|s)?\.?|minutes?)"
    r" (?:read|lesezeit|lesedauer|de lecture|de lectura)"
    r"|\d+ ?(?:min(?:ute|uten|uto|utos|s)?\.?|minutes?) ?[-–|·,] ?[\d.,]+ ?(?:words|wörter|mots"
    r"|palabras)"
    r"|(?:showing|displaying|viewing) (?:results? )?\d+ ?[-–] ?\d+ of \d+(?: \w+)?"
    r"|(?:page|seite|página) \d+ (?:of|von|sur|de|/) \d+"
    r"|es werden (?:die )?(?:\w+ )?\d+ bis \d+ (?:von|aus) (?:insgesamt )?\d+(?: \w+)? angezeigt"
    r"|(?:(?:diese[nsm]?|den|die|das) \w+ )?(?:als |as )?pdf(?: version| herunterladen"
    r"| downloaden| speichern| download)?|(?:download|herunterladen)(?: as)? pdf"
    r"|print(?: this)?(?: article| page| story)?|(?:artikel|seite|beitrag) drucken"
    r"|imprimer (?:l['’]article|la page|cet article)|imprimir (?:artículo|la noticia|página)"
    r"|back to (?:top(?: of (?:the )?page)?|home(?: ?page)?|start ?page|main page|overview)"
    r"|(?:zurück zu[rm]?|retour (?:à|au|en)|volver (?:a|al)) (?:la |l['’])?"
    r"(?:startseite|seitenanfang|übersicht|hauptseite|accueil|haut(?: de (?:la )?page)?"
    r"|sommaire|portada|inicio)|(?:zurück )?nach oben|volver arriba)" + END,
    re.IGNORECASE,
)


@RULES.line_rule(
    "boilerplate.page_tools",
    reason="reading time/page counter/print button/back-to link",
    **_short_and_matching(FURNITURE_MAX_CHARS, PAGE_TOOLS),
)
def page_tools(line: str) -> bool:
    """A page's reading time, result or page counter, or print and PDF button, in English,
    German, French and Spanish.

    >>> page_tools("Lesezeit: ca. 3 Minuten")
    True
    >>> page_tools("12 minutes - 2,480 words")
    True
    >>> page_tools("Showing 1–10 of 19 results")
    True
    >>> page_tools("The ferry takes 5 min to cross the harbour at night.")
    False
    """
    return len(line) <= FURNITURE_MAX_CHARS and PAGE_TOOLS.search(line) is not None


# A prompt to click, opening a sentence of a short line and followed by what it leads to or by
# the sentence's end: it sends the reader to a link or a form ("Click here to subscribe",
# "Einfach hier klicken und registrieren!", "Cliquez ici pour ..."). A sentence that mentions
# clicking has other words before it ("readers who click here ...") or after it (reported
# speech: "Klicken Sie hier, hieß es in der Mail", "Click here links are rising").
_SENTENCE_END = r"(?:[!.…]|$)"
CLICK_PROMPT = re.compile(
    r"(?:^|[.!?…] ?)(?:(?:einfach|jetzt|bitte) )?(?:"
    rf"click here(?: to\b| for\b|{_SENTENCE_END})"
    rf"|(?:hier klicken|klicken sie hier|klick hier)(?:,? um\b| und\b|{_SENTENCE_END})"
    rf"|cliquez ici(?: pour\b|{_SENTENCE_END})"
    rf"|(?:haga clic aquí|haz clic aquí|pulse aquí|pincha aquí)(?: para\b|{_SENTENCE_END})"
    r")",
    re.IGNORECASE,
)
CLICK_PROMPT_MAX_WORDS = 25  # a button or a line of two short sentences


@RULES.line_rule(
    "boilerplate.click_prompt",
    reason="click-here prompt",
    needs=tuple(sorted(required_words(CLICK_PROMPT) or ())),
)
def click_prompt(line: str) -> bool:
    """A prompt to click a link or button, in English, German, French and Spanish.

    >>> click_prompt("Click here to subscribe to the Harbour Times.")
    True
    >>> click_prompt("Ferry plans now online!Einfach hier klicken und registrieren!")
    True
    >>> click_prompt("Readers who click here and there on the app rarely finish, she said.")
    False
    """
    return len(line.split()) <= CLICK_PROMPT_MAX_WORDS and CLICK_PROMPT.search(line) is not None


# A notice the page shows in place of what the browser did not run, inside a short text: an
# old or script-less browser ("You are using an outdated browser"), or embedded content that
# waits for consent ("Klicken Sie auf den Button, um den Inhalt von www.example.org zu laden").
TECHNICAL_NOTICE = re.compile(
    # what the page says to the reader, not what a how-to article explains: "please enable
    # JavaScript", "enable JavaScript to view ...", not "enable JavaScript in the settings"
    r"\b(?:you are using (?:a|an) (?:outdated |old |unsupported )?browser"
    r"|your browser (?:does not|doesn't|cannot|can't|is not able to) (?:support|display|play)"
    r" (?:the (?:video|audio)(?: tag| element)?|html5 (?:video|audio)|iframes|this (?:video|content"
    r"|page|map))"
    r"|please enable javascript|enable javascript to (?:view|see|use|display|watch|read|continue"
    r"|comment)|javascript (?:is )?(?:disabled|required|must be enabled) (?:to|for) (?:view|see|use"
    r"|display|watch|read|comment)"
    r"|ihr browser (?:unterstützt|kann) .{0,40}nicht|bitte aktivieren sie javascript"
    r"|votre navigateur ne (?:supporte|prend en charge) pas|veuillez activer javascript"
    r"|tu navegador no (?:soporta|admite|es compatible)|(?:por favor,? )?(?:habilita|activa)"
    r" javascript para"
    r"|klicke?n? (?:sie )?auf den (?:unteren |folgenden |obigen )?button,? um (?:den |die )?"
    r"(?:inhalte?|videos?|karten?) (?:von .{1,60} )?zu laden"
    r"|mit dem laden (?:des|der) (?:inhalts?|videos?|karte) akzeptieren sie"
    r"|click (?:the button|here) (?:below |above )?to load (?:the )?(?:content|video|map)"
    r"|by loading the (?:content|video|map),? you (?:agree|accept)"
    r"|cliquez (?:sur le bouton )?(?:ci-dessous )?pour (?:charger|afficher) (?:le contenu|la vidéo)"
    r"|haz clic .{0,30}para cargar (?:el contenido|el vídeo))\b",
    re.IGNORECASE,
)
LONG_NOTICE_MAX_CHARS = 600  # a browser or licence notice runs to a few sentences


@RULES.line_rule(
    "boilerplate.technical_notice",
    reason="browser/embedded-content notice",
    **_short_and_matching(LONG_NOTICE_MAX_CHARS, TECHNICAL_NOTICE),
)
def technical_notice(line: str) -> bool:
    """A notice about the reader's browser or about embedded content waiting for consent.

    >>> technical_notice("You are using an outdated browser. Please upgrade it to see this page.")
    True
    >>> technical_notice("Klicken Sie auf den Button, um den Inhalt von www.example.org zu laden.")
    True
    >>> technical_notice("The app runs in any browser, the developers said on Monday.")
    False
    """
    return len(line) <= LONG_NOTICE_MAX_CHARS and TECHNICAL_NOTICE.search(line) is not None


# A licence notice of the page's texts: "This work is licensed under a Creative Commons ...",
# "Texte auf dieser Webseite stehen unter einer Creative Commons ... Lizenz".
LICENCE_NOTICE = re.compile(
    # the subject is the page's own texts: "The photos are published under a Creative Commons
    # licence, the museum said" is news
    r"\b(?:(?:this|the|our|all) (?:work|article|post|page|content|text|site|website|blog"
    r"|material)s?(?: (?:on|of) this (?:site|website|page|blog))? (?:is|are) (?:licensed"
    r"|published|available) under (?:a |the )?creative commons"
    r"|(?:texte|inhalte|beiträge|artikel|dieser (?:text|beitrag|artikel|inhalt)|dieses werk)"
    r"(?: (?:auf|dieser|von) (?:dieser |der )?(?:webseite|website|seite|blog|homepage))?"
    r" (?:steh(?:t|en)|ist|sind) unter (?:einer |der )?creative[ -]commons"
    r"|(?:ce (?:contenu|texte|site|article|blog)|les (?:textes|contenus|articles) (?:de|du)"
    r" (?:ce )?(?:site|blog)) (?:est|sont) (?:mis |mises |diffusée?s? |publiée?s? )?"
    r"(?:à disposition )?sous (?:la |une )?licence creative commons"
    r"|(?:este (?:artículo|contenido|sitio|texto|blog)|(?:los|el) (?:textos?|contenidos?) de"
    r" (?:este|esta) (?:sitio|web|página|blog)) (?:está|están|se publica|se distribuye) bajo"
    r" (?:una |la )?licencia creative commons)\b",
    re.IGNORECASE,
)


@RULES.line_rule(
    "boilerplate.licence_notice",
    reason="licence notice",
    **_short_and_matching(LONG_NOTICE_MAX_CHARS, LICENCE_NOTICE),
)
def licence_notice(line: str) -> bool:
    """A notice of the licence the page's texts are published under.

    >>> licence_notice("This work is licensed under a Creative Commons Attribution 4.0 "
    ...                "International License.")
    True
    >>> licence_notice("Texte auf dieser Webseite stehen unter einer Creative Commons "
    ...                "Namensnennung 3.0 Lizenz.")
    True
    >>> licence_notice("Creative Commons licences let artists share their work, she said.")
    False
    """
    return len(line) <= LONG_NOTICE_MAX_CHARS and LICENCE_NOTICE.search(line) is not None


AD_DISCLOSURE = re.compile(
    # a label of its own line: "Anzeige", "Publicité", "Sponsored by ..."
    r"^(?:anzeige|werbung|publicité|publicidad|pub|advertiser disclosure|paid (?:post|partnership"
    r"|content|promotion)|bezahlte partnerschaft|gesponsert(?:er (?:beitrag|inhalt))?"
    r"|(?:contenu|article) sponsorisé|contenido patrocinado|(?:sponsored|gesponsert|sponsorisé"
    r"|patrocinado) (?:by|von|par|por) .{1,40}|(?:\* ?)?(?:affiliate|partner)-?links?"
    r"|enlaces? (?:de )?afiliados?|liens? affiliés?)" + END + "|"
    # a disclosure sentence inside a short line
    r"\b(?:(?:contains?|enthält|enthalten|beinhaltet|contient|contiene) (?:[\w-]+ ){0,2}"
    r"(?:affiliate|affiliate-|partner-|werbe|publicitaires?|afiliad[oa]s?)(?:-| )?(?:links?|liens?"
    r"|enlaces?)|affiliate links?\b.{0,80}\b(?:commission|compensation|provision)"
    r"|we (?:may )?(?:earn|receive|get) (?:a )?(?:small )?(?:commission|compensation)"
    r"|advertisers do not influence|(?:erhalten|erhält|bekommen) wir .{0,60}provision"
    r"|provision (?:vom|von dem|des) (?:händler|anbieter|verkäufer)"
    r"|nous (?:percevons|recevons|touchons) une commission"
    r"|(?:recibimos|podemos recibir|ganamos) una comisión)\b",
    re.IGNORECASE,
)


@RULES.line_rule(
    "boilerplate.ad_disclosure",
    reason="advertising label/disclosure",
    **_short_and_matching(NOTICE_MAX_CHARS, AD_DISCLOSURE),
)
def ad_disclosure(line: str) -> bool:
    """Advertising labels and affiliate disclosures, in four languages.

    >>> ad_disclosure("Anzeige")
    True
    >>> ad_disclosure("This post contains affiliate links; we may earn a commission.")
    True
    >>> ad_disclosure("The agency said its advertising budget had doubled.")
    False
    """
    return len(line) <= NOTICE_MAX_CHARS and AD_DISCLOSURE.search(line) is not None


TAG_LINE = re.compile(
    r"^(?:tags?|tagged(?: with)?|filed under|schlagw(?:ö|oe|o)rte(?:r|n)?(?: zum thema)?"
    r"|stichw(?:ö|oe)rter|markiert mit"
    r"|verschlagwortet mit|étiquettes|mots-clés|mots clés|etiquetas|palabras clave"
    r"|categor(?:y|ies|ie|ien|ías|ía)|kategorien?|catégories?|rubriken?|themen|temas)"
    r"(?: ?:(?: ?[^.!?]{0,100}[^.!?:])?)?$",
    re.IGNORECASE,
)


@RULES.line_rule(
    "boilerplate.tag_line",
    reason="tag/category list",
    **_short_and_matching(FURNITURE_MAX_CHARS, TAG_LINE),
)
def tag_line(line: str) -> bool:
    """A label and the tags or categories of the post (`Tags: ferries, harbour`).

    >>> tag_line("Schlagwörter: Fähre, Hafen, Winter")
    True
    >>> tag_line("Etiquetas:")
    True
    >>> tag_line("Tags are sewn into every jacket the factory makes.")
    False
    """
    return len(line) <= FURNITURE_MAX_CHARS and TAG_LINE.search(line) is not None


LINK_MAX_WORDS = 12  # longer lines read as prose even without a full stop
LINK_MAX_CHARS = 80  # unspaced scripts (Chinese, Japanese): a long line is a sentence
SENTENCE_END = '.!?"”’:;。！？」』'
# Code in a body (`x = f(y);`, `json()`, `{`, `status_code,`, `<head>`): an assignment, a
# statement end, braces, angle brackets, a call, a snake_case name, or a line left open by a
# comma or a bracket. A menu entry has none of these (`Ferries (Summer)` puts
# a space before its bracket; `WordPress` and `iPhone` are not code).
CODE = re.compile(r"[=;{}<>]|\w\(|\(\)|\w_\w|[,(]$")
CODE_MIN_ASCII = 0.8  # code is written in ASCII; a line of another script with a bracket is not


def code_like(line: str) -> bool:
    """A line of code (`CODE`, mostly ASCII).

    >>> code_like("x = f(y);")
    True
    >>> code_like("Ferries (Summer)")
    False
    """
    if CODE.search(line) is None:
        return False
    return sum(1 for c in line if c < "\x80") >= CODE_MIN_ASCII * len(line)


def _code_like_expr(text: pl.Expr) -> pl.Expr:
    """`code_like` over a column."""
    # counted as the characters less those past ASCII: a line holds few of those, and a count
    # costs a search per match
    chars = text.str.len_chars().cast(pl.Float64)
    ascii_chars = chars - text.str.count_matches(r"[^\x00-\x7F]").cast(pl.Float64)
    return text.str.contains(CODE.pattern) & (ascii_chars >= CODE_MIN_ASCII * chars)


def _link_like_expr(text: pl.Expr) -> pl.Expr:
    """`link_like` over a column: words are runs of non-space (`str.split()`), a word with a
    letter is alphabetic, and one whose first character is lower-case is not capitalised."""
    words = text.str.count_matches(WORD)
    alphabetic = text.str.count_matches(LETTER_WORD)
    lower = text.str.count_matches(
        rf"(?:^|[{SPACE}])(?:[\p{{L}}&&\p{{Lowercase}}][^{SPACE}]*"
        rf"|\p{{Lowercase}}[^{SPACE}]*\p{{L}}[^{SPACE}]*)"
    )
    return (
        (words <= LINK_MAX_WORDS)
        & (text.str.len_chars() <= LINK_MAX_CHARS)
        & ~text.str.contains(f"[{re.escape(SENTENCE_END)}]$")
        & ~_code_like_expr(text)
        & (alphabetic * 2 > words)
        & ((words <= 3) | ((alphabetic - lower) * 2 >= alphabetic))
    )


@RULES.line_rule(
    "boilerplate.navigation",
    reason="navigation/link list",
    scope="run",
    prefilter=lambda text: (
        (text.str.len_chars() <= LINK_MAX_CHARS)
        & ~text.str.contains(f"[{re.escape(SENTENCE_END)}]$")
    ),
    expr=_link_like_expr,
)
def link_like(line: str) -> bool:
    """A menu entry or link: short, no sentence end, capitalised like a title or a few words.

    Removed only in runs of 5 or more, so a lone subheading stays; wrapped prose (mostly
    lower-case words) is not link-like, so hard-wrapped wire text stays too.

    >>> link_like("Business & Tech")
    True
    >>> link_like("Oats 1.24 0.99 V 1.65 --")  # a table row is data, not a link
    False
    >>> link_like("The council voted on Monday.")
    False
    >>> link_like("Fetch Response(body)")  # code in a body, not a link
    False
    >>> link_like("Ferries (Summer)")
    True
    """
    words = line.split()
    if len(words) > LINK_MAX_WORDS or len(line) > LINK_MAX_CHARS or line[-1] in SENTENCE_END:
        return False
    if code_like(line):
        return False
    # most words are letters only: isalpha() answers for them without a loop over characters
    alphabetic = [w for w in words if w.isalpha() or any(c.isalpha() for c in w)]
    if len(alphabetic) * 2 <= len(words):
        return False
    capitalised = sum(1 for word in alphabetic if not word[0].islower())
    return len(words) <= 3 or capitalised * 2 >= len(alphabetic)


@RULES.line_rule("boilerplate.sign_off", reason="wire sign-off", scope="last")
def sign_off(line: str) -> bool:
    """A lone agency name closing a wire story.

    >>> sign_off("Reuter")
    True
    >>> sign_off("Reuters reported the deal on Monday.")
    False
    """
    return SIGN_OFF.match(line) is not None


# --- the article inside a flattened web page ----------------------------------------------------

# A text is treated as a flattened web page when at least PAGE_MIN_NAV_LINES of its lines lie in
# runs of RUN_LINES link-like lines (menus, tag lists). Measured on the dev page set (55 pages):
# every page but one has 6 or more; no Reuters wire story has more than 5, no article of a
# republisher dump more than 0.
PAGE_MIN_NAV_LINES = 6
# A longer text is a page too when this share of its lines is link-like, though its links come in
# runs too short for the test above: a portal's column of teaser titles broken up by headings, a
# guide's entries each with its own "Homepage:" and picture-credit links. Snippet pages 0.8926 ->
# 0.8945 with no other dev score moved, alike from 25 to 40 lines and from 0.4 to 0.45 of them;
# 20 lines at 0.3-0.4 took Readability's documentation pages for pages (0.9416 -> 0.927).
PAGE_MIN_LINES = 30
PAGE_LINK_SHARE = 0.45
# A line is prose when it ends like a sentence (or runs on into a lower-case next line) and holds
# at least PROSE_MIN_WORDS words; any other line costs up to SHORT_LINE_COST words. Chosen on the
# dev page set (token F1 0.862 against 0.855 for 4/8 and 0.857 for 8/8).
PROSE_MIN_WORDS = 8
SHORT_LINE_COST = 6
UNSPACED = re.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
PROSE_END = (*SENTENCE_END, ")", "）", "…")
# Reference marks a wiki or a long read puts after a sentence (`... in 1990.[3]`, `... is sacred.
# [M1 / MP]`): the line still ends like a sentence.
REFERENCE_MARK = r"\s*\[[^\[\]]{1,30}\]"
REFERENCE_MARKS = re.compile(f"(?:{REFERENCE_MARK})+$")


def _ends_prose(line: str) -> bool:
    """Whether a line ends like a sentence, reference marks aside.

    >>> _ends_prose("The vote passed on Monday.[3][4]"), _ends_prose("Home [Edit]")
    (True, False)
    """
    sentence: str = REFERENCE_MARKS.sub("", line)
    return sentence.endswith(PROSE_END)


# A teaser cut off mid-sentence by the page ("Tram fares frozen for older...", "Schools reopen …").
TRUNCATED = re.compile(r"[\p{L}\d,]\s?(?:\.{3}|…)$")
INNER_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+[\p{Lu}\"“]")
# A passage printed twice: at least this many consecutive prose lines repeating earlier ones.
# Dev page set, pages F1: 2 0.923, 3 0.929, 5 0.929, never 0.920; not 2 because a recipe or
# results page can repeat a pair of lines inside its body.
REPEAT_MIN_LINES = 3
# Weight of a prose line with no prose line next to it. Teaser lists after the body (title,
# author, date, one summary sentence, again and again) add up to more prose than their short
# lines cost; an article's paragraphs stand next to each other. Dev page set, pages F1 (with
# `NUMERIC_SHARE` below): 1.0 (no discount) 0.891, 0.5 0.898, 0.3 0.921, 0.2 0.929, 0.15 0.929,
# 0.1 0.930, 0.05 0.930, 0 0.915 (bodies of one-line entries lose paragraphs). 0.15: inside the
# flat stretch.
ISOLATED_WEIGHT = 0.15


PAGE_FRAME = "boilerplate.page_frame"
LINE_MODEL = line_model.RULE


@RULES.line_rule(
    LINE_MODEL,
    reason=line_model.REASON,
    prefilter=lambda text: pl.lit(False),
)
def model_furniture(line: str) -> bool:
    """Lines of a flattened web page the line model calls furniture (`page_model = "model"`:
    decided on the whole page, see `cleaners.line_model`)."""
    return False


@RULES.line_rule(
    "boilerplate.page_frame",
    reason="outside the article body of a web page",
    prefilter=lambda text: pl.lit(False),
)
def outside_article(line: str) -> bool:
    """Page lines before and after the article body (decided by position, see `article_span`)."""
    return False


def _truncated(line: str) -> bool:
    """A single sentence cut off by the page: a teaser, not a paragraph leading into a quote.

    >>> _truncated("Ferry operator removes the safeguard hold for older...")
    True
    >>> _truncated("The board voted on Monday. The mayor said in a statement…")
    False
    """
    return TRUNCATED.search(line) is not None and INNER_SENTENCE_END.search(line) is None


# A lone prose line in which at least this share of the words hold digits is a data entry of the
# body's own list (a score line, an ingredient line), not a teaser's summary: it keeps its full
# weight. Dev page set, pages F1: 0.1 0.923, 0.15 0.931, 0.2 0.929, 0.25 0.928, 0.3 0.926, off
# 0.919; 0.2 is inside the flat stretch and restores the two results/recipe pages the lone-prose
# weight had cut (F1 0.74 -> 0.97, 0.18 -> 0.59).
NUMERIC_SHARE = 0.2


def _numeric_entry(line: str) -> bool:
    """A line of data: at least `NUMERIC_SHARE` of its words hold a digit.

    >>> _numeric_entry("North (4-1): Lee 2 goals, Park 1 goal, Kim 3 saves.")
    True
    >>> _numeric_entry("The council will decide on the tram plan next week, after 2 years.")
    False
    """
    words = line.split()
    with_digits = sum(1 for word in words if any(c.isdigit() for c in word))
    return bool(words) and with_digits >= NUMERIC_SHARE * len(words)


def _words(line: str) -> float:
    """Words in a line; unspaced scripts count two characters as a word."""
    return len(line.split()) + len(UNSPACED.findall(line)) / 2


def is_page(lines: Sequence[str]) -> bool:
    """Whether a text looks like a flattened web page: menus, tag lists, link runs.

    >>> is_page(["The council voted on Monday.", "Work starts in May."])
    False
    >>> is_page(["Home", "World", "Business", "Sport", "Culture", "Travel", "Ferry plan passes."])
    True
    >>> is_page(["Top stories", "Ferry plan passes in a late vote", "Business"] * 10)  # short runs
    True
    """
    stripped = [line.strip() for line in lines if line.strip()]
    in_runs = 0
    run = 0
    links = 0
    for line in [*stripped, ""]:
        if line and link_like(line):
            run += 1
            links += 1
            continue
        if run >= RUN_LINES:
            in_runs += run
        run = 0
    return bool(page_test(np.array([in_runs]), np.array([links]), np.array([len(stripped)]))[0])


def page_test(
    nav_lines: npt.NDArray[np.int64], links: npt.NDArray[np.int64], lines: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """For each text, whether it is a page, from its lines in link runs, its link-like lines and
    its non-blank lines (`is_page` for one text, the columnar engine for a batch)."""
    linked = (lines >= PAGE_MIN_LINES) & (links >= PAGE_LINK_SHARE * lines)
    out: npt.NDArray[np.bool_] = (nav_lines >= PAGE_MIN_NAV_LINES) | linked
    return out


def article_span(
    lines: Sequence[str], furniture: LinePredicate = lambda line: False
) -> tuple[int, int] | None:
    """First and last position of the article body: the span of lines with the most prose,
    widened to the body's other sections (`spans.body_hull`, `BODY_SECTION_SHARE`).

    Each prose line scores its word count and every other non-blank line costs up to
    `SHORT_LINE_COST`; the body is the maximum-sum span (Kadane), so a subheading or a caption
    between paragraphs stays while menus, share bars and link lists around the body go.
    Three kinds of prose-looking lines do not count as body prose:

    - a line `furniture` accepts (a cookie notice, a copyright line: a rule removes it anyway),
      so it cannot pull the span out over the teasers next to it;
    - a single sentence cut off by the page (`... for older ferries...`): a teaser;
    - a passage of `REPEAT_MIN_LINES` or more prose lines repeating earlier lines verbatim: the
      page's second copy of the article (a print copy, a meta description).

    A prose line standing alone between non-prose lines (a teaser's summary under its title and
    date, repeated down the page) scores only `ISOLATED_WEIGHT` of its words: an article body
    is paragraphs next to paragraphs. A lone line of figures (a score line, an ingredient line)
    keeps its weight: it is an entry of the body's own list. None when no line is prose.

    >>> article_span(["Home", "Sport", "The council voted 7-2 on Monday to approve the plan.",
    ...               "Work on the terminal starts in May, officials said.", "Share", "Top"])
    (2, 3)
    """
    stripped = [line.strip() for line in lines]
    walls = [COMMENT_SECTION.search(line) is not None for line in stripped]
    return body_hull(_line_scores(stripped, furniture), BODY_SECTION_SHARE, walls)


# The heading that opens a page's comment section (`27 Comments`, `View comments (27)`, `5
# thoughts on "..."`, `Leave a Reply`, `Kommentare (3)`): the body ends before it
# (`spans.body_hull`), for the page frame and the line model's `in_span` alike.
COMMENT_SECTION = re.compile(
    # a bare word only in the plural ("Response" heads a section of a technical article)
    r"^(?:(?:view|show|read|see|load|display|alle|afficher|ver)(?: all)? )?(?:\d+ |no )?"
    r"(?:comments|reader comments|kommentare|leserkommentare|commentaires|comentarios)"
    r"(?: \(\d+\))?(?: ?[:»›])?$"
    r"|^(?:\d+|no|one) (?:comments?|responses?|replies|kommentare?|commentaires?|comentarios?)"
    r"(?: \(\d+\))?$"
    r"|^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) (?:thoughts?|responses?"
    r"|comments?|replies) (?:on|to) .{0,119}[^.!?]$"
    # the same in German, French and Spanish ("5 Gedanken zu „...“", "2 réflexions au sujet de")
    r"|^(?:\d+|ein|eine|zwei|drei) (?:gedanken?|kommentare?|antworten|reaktionen) (?:zu|auf)"
    r" .{0,119}[^.!?]$|^(?:\d+|une?|deux|trois) (?:réflexions?|commentaires?|réponses?)"
    r" (?:au sujet de|sur|à) .{0,119}[^.!?]$|^(?:\d+|una?|dos|tres) (?:comentarios?|respuestas?"
    r"|pensamientos?) (?:en|a|sobre|para) .{0,119}[^.!?]$"
    r"|^(?:leave a (?:reply|comment)|join the (?:discussion|conversation)|add (?:a|your) comment"
    r"|post a comment|write a comment|schreibe einen kommentar|hinterlasse einen kommentar"
    r"|laisser un commentaire|deja (?:un comentario|una respuesta))\b.{0,30}$",
    re.IGNORECASE,
)


# A span of prose before or after the body's best span holding at least this share of its
# weight is another section of the body (past a video player, a gallery, a block of ads), and
# the body reaches over to it. Chosen with each site left out of the line model's fit (10 site
# folds; news pages / Readability / snippets, docs/quality.md): the one best span 0.9310 /
# 0.8968 / 0.8532, sections from a share of 0.15 0.9503 / 0.9018 / 0.8645 (0.2 and 0.3 about
# the same; 0.08 takes teasers and comments for sections).
BODY_SECTION_SHARE = 0.15

# A removable line of at most this many words between two paragraphs (`Advertisement`, `Story
# continues below advertisement`) does not part them for the lone-prose weight; a longer one, or
# one ending in `:`/`...` (`You may also like...`), heads a list and does. Dev page set, pages F1:
# 0, 2, 3 or 4 words 0.930; 5, 8 or any 0.9297.
INTERSTITIAL_MAX_WORDS = 4


def _line_scores(stripped: Sequence[str], furniture: LinePredicate) -> list[float]:
    """Kadane weights of `article_span`: words for body prose, a cost for anything else."""
    scores: list[float] = []
    seen: set[str] = set()
    repeats: set[int] = set()
    removable: set[int] = set()
    heads: set[int] = set()
    following_of = _next_non_blank(stripped)
    for i, line in enumerate(stripped):
        if not line:
            scores.append(0.0)
            continue
        if furniture(line):
            removable.add(i)
        words = _words(line)
        if i in removable and (words > INTERSTITIAL_MAX_WORDS or line.endswith((":", "...", "…"))):
            heads.add(i)
        following = following_of[i]
        runs_on = words >= PROSE_MIN_WORDS and (
            line.endswith(",") or following[:1].islower()
        )  # hard-wrapped prose
        prose = (
            words >= PROSE_MIN_WORDS
            and (_ends_prose(line) or runs_on)
            and i not in removable
            and not _truncated(line)
        )
        scores.append(words if prose else -min(words, SHORT_LINE_COST))
        if prose and line in seen:
            repeats.add(i)
        seen.add(line)
    content = [i for i, line in enumerate(stripped) if line]
    run: list[int] = []
    for i in [*content, -1]:
        if i in repeats:
            run.append(i)
            continue
        if len(run) >= REPEAT_MIN_LINES:
            for j in run:
                scores[j] = -SHORT_LINE_COST
        run = []
    # Neighbours are looked for past short lines a rule removes anyway: paragraphs with an
    # `Advertisement` line between each pair are still paragraphs next to paragraphs.
    kept = [i for i in content if i not in removable or i in heads]
    prose_at = [scores[i] > 0 for i in kept]
    for k, i in enumerate(kept):
        alone = not (k > 0 and prose_at[k - 1]) and not (k + 1 < len(kept) and prose_at[k + 1])
        if prose_at[k] and alone and not _numeric_entry(stripped[i]):
            scores[i] *= ISOLATED_WEIGHT
    return scores


def _next_non_blank(stripped: Sequence[str]) -> list[str]:
    """For each position, the next non-blank line after it ("" at the end): one pass from the
    end, where looking ahead from every line was quadratic in a page's length."""
    following = [""] * len(stripped)
    ahead = ""
    for i in range(len(stripped) - 1, -1, -1):
        following[i] = ahead
        if stripped[i]:
            ahead = stripped[i]
    return following


def _frame(doc: Document, disabled: frozenset[str], furniture: LinePredicate) -> Document:
    """Drop what stands outside the article body, when the text is a flattened web page."""
    if PAGE_FRAME in disabled:
        return doc
    lines = doc.text_lines()
    if not is_page(lines):
        return doc
    span = article_span(lines, furniture)
    if span is None:
        return doc
    outside = {i for i in range(len(lines)) if not span[0] <= i <= span[1]}
    return drop_indices(
        doc, outside, rule="boilerplate.page_frame", reason="outside the article body of a web page"
    )


def _model_frame(doc: Document, disabled: frozenset[str], furniture: LinePredicate) -> Document:
    """On a flattened web page, drop the lines the line model calls furniture (`line_model`),
    but for those a precise rule removes anyway: that rule names them."""
    if PAGE_FRAME in disabled or LINE_MODEL in disabled:
        return doc
    lines = doc.text_lines()
    if not is_page(lines):
        return doc
    span = article_span(lines, furniture)
    content = [i for i, line in enumerate(lines) if line.strip()]
    stripped = [lines[i].strip() for i in content]
    removable = [furniture(line) for line in stripped]
    frame = pl.DataFrame(
        {
            "doc": [0] * len(content),
            "s": stripped,
            "link": [link_like(line) for line in stripped],
            "furniture": removable,
            # no prose span at all: every line counts as inside it (as the columnar engine has it)
            "in_span": [span is None or span[0] <= i <= span[1] for i in content],
        },
        schema=line_model.INPUT_SCHEMA,
    )
    verdicts = line_model.score(frame)
    reasons = iter(verdicts.reasons)
    numbered = doc.numbered_lines()
    gone: dict[int, str] = {}
    for k, furniture_like in enumerate(verdicts.furniture):
        if furniture_like:
            reason = next(reasons)
            if not removable[k]:
                gone[content[k]] = reason
    if not gone:
        return doc
    kept = [(number, text) for i, (number, text) in enumerate(numbered) if i not in gone]
    removed = [
        Removal(numbered[i][1], reason, LINE_MODEL, numbered[i][0]) for i, reason in gone.items()
    ]
    return doc.with_lines(kept, removed)


def _cut_glued_sign_off(doc: Document, see_through: LinePredicate | None = None) -> Document:
    """Cut an agency sign-off glued to the last line (`... total 55.8. REUTER`) as a span; the
    last line is the last one `see_through` (lines a later step removes) does not accept."""
    numbered = doc.numbered_lines()
    content = [i for i, (_, text) in enumerate(numbered) if text.strip()]
    if see_through is not None:
        while content and see_through(numbered[content[-1]][1].strip()):
            content.pop()
    if not content:
        return doc
    last = content[-1]
    number, text = numbered[last]
    match = GLUED_SIGN_OFF.search(text.rstrip())
    if match is None:
        return doc
    out = list(numbered)
    out[last] = (number, text.rstrip()[: match.start()].rstrip())
    removal = Removal(match.group("outlet"), "wire sign-off", "boilerplate.sign_off", number)
    return doc.with_lines(out, [removal])


def _values(doc: Document, before: int) -> dict[str, Any]:
    """What the rules removed, kept as metadata."""
    return meta_with(doc.meta, doc.removed[before:])


def meta_with(meta: dict[str, Any], removals: Sequence[Removal]) -> dict[str, Any]:
    """`meta` with the values the step's `removals` took out of the text (bylines, dates,
    outlets)."""
    meta = dict(meta)
    for removal in removals:
        text = removal.text.strip()
        if removal.rule == "boilerplate.byline":
            name = _byline_name(text)
            if name and not meta.get("byline"):
                meta["byline"] = name
            place = PLACE_NAME.match(text)
            if place and not meta.get("dateline_place"):
                meta["dateline_place"] = place.group("place")
        elif removal.rule == "boilerplate.timestamp":
            meta.setdefault("dates", [])
            meta["dates"] = [*meta["dates"], text]
        elif removal.rule == "boilerplate.sign_off":
            match = SIGN_OFF.match(text)
            if match:
                meta.setdefault("outlet", match.group("outlet"))
    return meta


def _stacked(
    doc: Document,
    predicate: LinePredicate,
    at_end: bool,
    through: LinePredicate = lambda line: False,
    see_through: LinePredicate | None = None,
) -> set[int]:
    """Positions of the run of lines `predicate` accepts at the top (or at the end) of the text.

    At the end, lines `see_through` accepts (what a later step removes: footers) are passed
    over, so the run is the one the text shows once they are gone.

    Bylines and sign-offs can stack (`By Ana Lima` / `By Tom Roe`; `Reuters` / `AFP`). The whole
    run goes at once, so the next one does not move into place and go on a second clean: the
    step is idempotent. A top run must start within the first `TOP_LINES` non-blank lines and
    goes on through lines `through` accepts (a timestamp or share line between two bylines).
    """
    lines = doc.text_lines()
    content = [i for i, line in enumerate(lines) if line.strip()]
    if at_end:
        run: list[int] = []
        for i in reversed(content):
            line = lines[i].strip()
            if predicate(line):
                run.append(i)
            elif see_through is None or not see_through(line):
                break
        return set(run)
    for k, i in enumerate(content[:TOP_LINES]):
        if predicate(lines[i].strip()):
            run = [i]
            for j in content[k + 1 :]:
                line = lines[j].strip()
                if predicate(line):
                    run.append(j)
                elif not through(line):
                    break
            return set(run)
    return set()


def _bylines(doc: Document, removed_anyway: LinePredicate) -> set[int]:
    """Positions in `doc.text_lines()` of its byline run (`byline_run`)."""
    lines = doc.text_lines()
    content = [i for i, line in enumerate(lines) if line.strip()]
    texts = [lines[i].strip() for i in content]
    return {content[k] for k in byline_run(texts, lambda k: removed_anyway(texts[k]))}


def footer_line(options: CleanOptions) -> LinePredicate | None:
    """What the footers step, which runs after this one, removes of a stripped line (None when
    it is off): such a line breaks no run of link lines (`RuleSet.step`'s `see_through`), and
    the wire sign-off closing the article is looked for above it.

    >>> see = footer_line(CleanOptions())
    >>> see("The post Ferry plan approved appeared first on Harbour Daily."), see("World News")
    (True, False)
    """
    if not options.footers:
        return None
    disabled = options.disabled_rules
    return lambda line: footers.RULES.first_match(line, disabled) is not None


def make_step(options: CleanOptions) -> Step:
    disabled = options.disabled_rules
    # Bylines and sign-offs are applied here as runs (`byline_run`, `_stacked`), not by the
    # rule set.
    footer = footer_line(options)
    apply_rules = RULES.step(
        disabled | {"boilerplate.byline", "boilerplate.sign_off"}, see_through=footer
    )

    def removed_anyway(line: str) -> bool:
        return RULES.first_match(line, disabled) is not None

    def furniture(line: str) -> bool:
        # What any caption, boilerplate or footer rule removes wherever it stands.
        return any(
            rules.first_match(line, disabled) is not None
            for rules in (captions.RULES, RULES, footers.RULES)
        )

    by_model = options.page_model == "model"

    def one_pass(doc: Document) -> Document:
        out = doc if by_model else _frame(doc, disabled, furniture)
        if "boilerplate.byline" not in disabled:
            out = drop_indices(
                out, _bylines(out, removed_anyway), rule="boilerplate.byline", reason="byline"
            )
        out = apply_rules(out)
        if "boilerplate.sign_off" not in disabled:
            out = drop_indices(
                out,
                _stacked(out, sign_off, at_end=True, see_through=footer),
                rule="boilerplate.sign_off",
                reason="wire sign-off",
            )
            out = _cut_glued_sign_off(out, footer)
        return out

    def boilerplate(doc: Document) -> Document:
        # Position-bound rules (top, last, page frame) can bring a new line into place when
        # they remove one; passes repeat until one removes nothing, so the step is idempotent.
        # Every pass but the last removes a line, so this ends within len(lines) passes.
        before = len(doc.removed)
        # The model decides once, on the page as the step finds it: a second look at what it
        # left would see other neighbours and positions.
        out = _model_frame(doc, disabled, furniture) if by_model else doc
        while True:
            count = len(out.removed)
            out = one_pass(out)
            if len(out.removed) == count:
                break
        if out is doc:
            return doc
        out.meta = _values(out, before)
        return out

    return boilerplate
