"""German street addresses: ``Hauptstraße 5a, 10115 Berlin`` / ``Am Markt 3``."""

from __future__ import annotations

import re

from pipelines.pii.recognizers._address import LOW, UP, AddressRecognizer, town_only
from pipelines.pii.text import WordGate, trie_pattern

_GLUED = "straße|strasse|str\\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee|steig|pfad|stieg"
_SEPARATE = "Straße|Strasse|Str\\.|Weg|Gasse|Allee|Platz|Ring|Damm|Ufer|Chaussee|Markt|Steig"
_ARTICLES = [
    "am",
    "an der",
    "an den",
    "auf dem",
    "auf der",
    "auf den",
    "im",
    "in der",
    "zum",
    "zur",
    "unter den",
]
_GATE_TYPES = [*_GLUED.replace("\\", "").split("|"), "markt"]
_ARTICLE = "Am|An der|An den|Auf dem|Auf der|Auf den|Im|In der|Zum|Zur|Unter den"
# A hyphen is only a separator between words (in the classes too it would give a hyphenated
# name thousands of ways to split, each tried when the match fails).
# (a dot only after a short abbreviation: "St. Georg", "Dr." ; "Zuschauer. Platz 15" ends a
# sentence before the league position)
_W = rf"[{UP}](?:[{UP}{LOW}]{{0,25}}|[{UP}{LOW}]{{0,3}}\.)"
# Words that end like a street but are not one (a league position, a way into a trade).
_NOT_STREETS = (
    r"(?!(?:Tabellen|Podest|Listen|Sitz|Arbeits|Stell|Start|Park|Abstell)platz"
    r"|(?:Ein|Auf|Ab|An|Um|Aus)stieg)"
)
_STREET = (
    rf"(?:(?:[{UP}][{LOW}]{{2,20}}er )?{_NOT_STREETS}[{UP}][{UP}{LOW}-]{{0,30}}?(?:{_GLUED})"
    rf"|(?:(?:{_ARTICLE}) )?(?:{_W}[ -]){{1,3}}(?:{_SEPARATE})"
    rf"|(?P<bare>(?:{_ARTICLE}) {_W}))"
)
_TOWN_PARTICLE = "am|an der|an|der|im|bei|ob der|ob|in der|in|vor der|vorm|vor|auf der|auf"
# A town: hyphenated parts (Garmisch-Partenkirchen), "am Main", "(Saale)", "Bad Kreuznach";
# a capitalised word after a space only after such a prefix, so "... 38723 Hamburg EAN 2534"
# and "70392 Dresden Frist: ..." end at the town.
_TOWN = (
    rf"(?:(?:Bad|Sankt|St\.|Neu|Alt|Groß|Klein|Königs|Hansestadt|Lutherstadt) )?"
    rf"[{UP}][{UP}{LOW}]{{1,30}}"
    rf"(?:-[{UP}][{UP}{LOW}]{{0,30}}| \([{UP}][{UP}{LOW}]{{0,30}}\)"
    rf"| (?:{_TOWN_PARTICLE}) [{UP}][{UP}{LOW}]{{0,30}}){{0,3}}"
)
# German five digits; Austrian and Swiss four (1130 Wien, A-5020 Salzburg, 8015 Zürich).
_POSTCODE = r"(?:(?:D-)?\d{5}|(?:A-|CH-)?\d{4})"
# A flat or a part of the building after the number, with or without a comma before the
# postcode: "Whg. 9", "Hinterhaus", "2. OG links", "Top 5" (Austria).
# ("Top 5" only after a comma: "Hauptstraße 5 Top 10 Restaurants" is no flat)
_UNIT = (
    r"(?:(?:,? ?(?:(?:Whg\.|Wohnung|App\.|Apt\.|Zi\.) ?\d{1,4}[a-z]?"
    r"|(?:Hinter|Vorder|Garten|Neben)haus|Seitenflügel|Hinterhof|Rückgebäude|Souterrain"
    r"|Dachgeschoss|Erdgeschoss|[EDO]G|\d{1,2}\. ?(?:OG|Stock|Etage|Obergeschoss))"
    r"|, ?(?:Top|Tür|Stiege) ?\d{1,4}[a-z]?)"
    r"(?: (?:links|rechts|Mitte|li\.|re\.))?(?![\w])){0,2}"
)
PATTERN = re.compile(
    rf"(?<![\w-]){_STREET} (?P<num>\d{{1,4}} ?[a-zA-Z]?(?: ?[-/] ?\d{{1,4}}[a-z]?){{0,2}})(?![\w])"
    r"(?![.,]\d{3}(?!\d))"  # not a number in thousands (Elden Ring 530,950 copies)
    rf"{_UNIT}"
    # before the postcode, up to two additions: "Hinterhaus, 2. OG links, 04109 Leipzig",
    # "4. OG⏎30399 Hannover"
    rf"(?:(?P<tail>,? ?\n? ?(?:[^,\n]{{1,25}}(?:, ?|,? ?\n)){{0,2}}{_POSTCODE} {_TOWN})"
    rf"|{town_only(_TOWN)})?(?![\w])"
)

CONTEXT = (
    "adresse",
    "anschrift",
    "meldeadresse",
    "wohnadresse",
    "wohnanschrift",
    "lieferadresse",
    "postanschrift",
    "wohnt",
    "wohnhaft",
    "wohnort",
    "wohnung",
    "lebt in",
    "address",
)


class GermanAddressRecognizer(AddressRecognizer):
    """A street name without a street word (``Auf der Höhe 12``) needs its postcode and town:
    ``Im Jahr 2024`` and ``Am Montag 12`` have the same shape."""

    country = "DE"
    scheme = "address_de"
    pattern = PATTERN
    context = CONTEXT
    word_gate = WordGate(
        rf"(?:{trie_pattern(_GATE_TYPES)}) \d|(?<![a-z])(?:{trie_pattern(_ARTICLES)}) ",
        (*_GATE_TYPES, *_ARTICLES),
    )

    def valid(self, m: re.Match[str]) -> bool:
        return not m.group("bare") or bool(m.group("tail"))
