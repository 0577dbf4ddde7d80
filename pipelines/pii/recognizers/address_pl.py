"""Polish street addresses: ``ul. Piłsudskiego 148/44, 15-345 Białystok``.

A street type (``ul.``, ``al.``, ``os.``, ``pl.``, ``ulica``, ``plac``...), a capitalised
name (``3 Maja``, ``gen. Józefa Bema``, ``Jana Pawła II``), the number (``12``, ``12a``,
``148/44``, ``12 m. 5``, ``12 lok. 3``), then the postcode ``NN-NNN`` and the town. A
lower-case ``pl.`` (also a language tag) needs the postcode and town or an address word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers._address import LOW, UP, AddressRecognizer, house_number, town_only
from pipelines.pii.text import Doc, WordGate, trie_pattern

UP_PL = UP + "ĄĆĘŁŃŚŹŻ"
LOW_PL = LOW + "ąćęłńśźż"
_DOTTED = ["ul.", "al.", "os.", "pl."]  # a space after them is optional ("ul.Długa 5")
_WORDS = ["ulica", "ulicy", "aleja", "alei", "aleje", "osiedle", "osiedlu", "plac", "placu"]
_WORDS += ["rondo", "skwer"]
TYPE_WORDS = _DOTTED + _WORDS


def _forms(words: list[str]) -> list[str]:
    """lower case, Capitalised and UPPER CASE spellings."""
    return [f for w in words for f in (w, w[0].upper() + w[1:], w.upper())]


_TYPE = rf"(?:{trie_pattern(_forms(_DOTTED))}) ?|(?:{trie_pattern(_forms(_WORDS))}) "
_W = rf"[{UP_PL}][{UP_PL}{LOW_PL}'’.-]{{0,25}}"
_TITLE = r"(?:gen\.|ks\.|św\.|im\.|prof\.|dr|kard\.|marsz\.|płk|bp|abp|hetm\.|por\.|kpt\.)"
_PARTICLE = r"(?:z|ze|na|nad|pod|przy|w|we|i|do|od)"
_MONTH = (
    r"(?i:stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października"
    r"|listopada|grudnia)"
)
# "Ogrodowa", "3 Maja", "gen. Józefa Bema", "Jana Pawła II", "Armii Krajowej", "Na Skarpie"
_NAME = (
    rf"(?:\d{{1,2}} {_MONTH}|(?:{_TITLE} ){{0,2}}{_W})"
    rf"(?: (?:{_PARTICLE} |{_TITLE} )?{_W}){{0,5}}"
)
# 154, 12a, 148/44, 12 m. 5, 12 lok. 3; not a date (12.05.2024), a time or a decimal
_NUM = (
    r"(?:nr\.? ?)?(?P<num>\d{1,4}[a-zA-Z]?(?: ?/ ?\d{1,4}[a-zA-Z]?)?)(?![\w/:]|[.,-]\d)"
    r"(?:,? (?:m\.|m|lok\.|lokal|mieszk\.) ?\d{1,4}[a-zA-Z]?(?![\w/:]|[.,-]\d))?"
)
_TOWN_WORD = rf"[{UP_PL}][{UP_PL}{LOW_PL}]{{1,30}}"
_TOWN_PREFIX = (
    r"(?:Nowy|Nowa|Nowe|Stary|Stara|Stare|Zielona|Jelenia|Ruda|Dąbrowa|Stalowa|Biała|Ostrów"
    r"|Gorzów|Tomaszów|Piotrków|Mińsk|Grodzisk|Ostrowiec|Skarżysko|Kalwaria|Krynica"
    r"|Kudowa|Polanica|Busko|Rabka|Wodzisław|Golub|Lądek|Szklarska|Środa|Sokołów|Wysokie)"
)
_TOWN_SUFFIX = (
    r"(?:Góra|Wola|Zdrój|Śląska|Śląski|Śląskie|Górnicza|Kamienna|Poręba|Dolny|Dolna|Górny"
    rf"|Górna|Wielki|Wielka|Wielkie|Mały|Mała|Małe|[{UP_PL}][{LOW_PL}]{{2,20}}(?:ski|ska|skie"
    r"|cki|cka|ckie))"
)
# "Lublin", "Bielsko-Biała", "Nowy Sącz", "Zielona Góra", "Ostrów Wielkopolski"; a further
# capitalised word only after a prefix or as a known second part ("20-358 Lublin Dzień ...")
_TOWN = rf"(?:{_TOWN_PREFIX} )?{_TOWN_WORD}(?:-{_TOWN_WORD})?(?: {_TOWN_SUFFIX})?(?![\w])"
PATTERN = re.compile(
    rf"(?<![\w.])(?<!et )(?:{_TYPE}){_NAME},? {_NUM}"
    rf"(?:(?P<tail>(?:,? ?\n? ?| [-–] )\d{{2}}-\d{{3}},? {_TOWN})|{town_only(_TOWN)})?"
    r"(?![\w])"
)
# A count, a duration, a score or a price after the number: "ul. Długa 5 minut stąd"
_COUNT = re.compile(
    r" (?i:minut|minuty|min|godzin|godziny|godz|dni|dzień|tygodni|tygodnie|miesięcy|lat"
    r"|lata|razy|raz|osób|osoby|ludzi|metrów|km|zł|złotych|punktów|pkt|goli|bramek"
    r"|przystanków|stopni|%|minutes|hours|days|people|points)(?![\w])"
)

CONTEXT = (
    "adres",
    "adresem",
    "adres zamieszkania",
    "zamieszkały",
    "zamieszkała",
    "zamieszkałe",
    "zam.",
    "zameldowany",
    "zameldowana",
    "mieszka na",
    "mieszka przy",
    "mieszka w",
    "mieszkam na",
    "mieszkam przy",
    "mieszkam w",
    "address",
)


class PolishAddressRecognizer(AddressRecognizer):
    """``ul. Ogrodowa 154, 20-358 Lublin``; without the postcode and town it scores
    ``base_score``."""

    country = "PL"
    scheme = "address_pl"
    pattern = PATTERN
    context = CONTEXT
    word_gate = WordGate(rf"(?<!\w)(?:{trie_pattern(TYPE_WORDS)})", TYPE_WORDS)

    def valid(self, m: re.Match[str]) -> bool:
        return house_number(m, _COUNT)  # (not "pl. Zamkowy 2024", "ul. 5 minut")

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        text = doc.folded
        for cand in super().analyze(doc):
            if cand.score < self.full_score and text[cand.start : cand.start + 3] in ("pl.", "PL."):
                continue  # "napisy: en, pl. Sezon 2": a language tag, not "plac"
            yield cand
