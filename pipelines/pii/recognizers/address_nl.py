"""Dutch and Belgian (Flemish) street addresses: ``Wilhelminastraat 137-II, 2353 MH Leiden``.

A capitalised name glued to its street type (``Kastanjelaan``, ``Herengracht``), maybe
after a title (``Prinses Beatrixlaan``, ``Johan de Wittlaan``), or a separate type before
a particle (``Laan van Meerdervoort``, ``Plein 1944``); the house number with its addition
(``237a``, ``137-II``, ``12 bis``, Belgian ``bus 3``); then the postcode (``1234 AB``,
``1234AB``, Belgian ``2000``) and the town, with or without a comma. The country is
``NL`` for Belgian addresses too.
"""

from __future__ import annotations

import re

from pipelines.pii.recognizers._address import LOW, UP, AddressRecognizer, town_only
from pipelines.pii.text import WordGate, trie_pattern

GLUED = [
    "straat",
    "laan",
    "weg",
    "plein",
    "gracht",
    "kade",
    "dijk",
    "singel",
    "hof",
    "pad",
    "steeg",
    "park",
    "dreef",
    "plantsoen",
    "markt",
    "baan",
    "burgwal",
]
_SEPARATE_WORDS = [w for w in GLUED if w not in ("baan", "burgwal")]
_SEPARATE = "|".join(w.capitalize() for w in _SEPARATE_WORDS)
_PARTICLES = [
    "van",
    "der",
    "den",
    "de",
    "het",
    "'t",
    "op",
    "aan",
    "ten",
    "ter",
    "tot",
    "voor",
    "in",
    "achter",
    "naast",
    "bij",
]
_PARTICLE = "|".join(re.escape(p) for p in _PARTICLES)
_TITLES = (
    r"Burgemeester|Burg\.|Prins|Prinses|Koning|Koningin|Graaf|Gravin|Hertog|Dokter|Dr\."
    r"|Mr\.|Pastoor|Professor|Prof\.|Generaal|Gen\.|Kapitein|Admiraal|Jonkheer|Kardinaal"
    r"|Pater|Dominee|Ds\.|Meester|Mgr\.|President|Minister|Bisschop|Sint|St\.|Nieuwe|Oude"
    r"|Lange|Korte|Hoge|Lage|Grote|Kleine|Eerste|Tweede|Derde|Oudezijds|Nieuwezijds|Johan"
    r"|Willem|Hendrik|Jan|Pieter|Frederik|Anna|Juliana|Wilhelmina|Emma|Beatrix|Maurits"
)
# Words that end like a street but are not one ("Onderweg 5 minuten", "Keypad 3").
_NOT_STREETS = (
    r"(?!(?:Onder|Half|Heen|Terug|Uit|Om|Snel|Spoor|Lucht|Vaar)weg "
    r"|(?:Note|Key|Num|Touch|Track|Launch|Game|Mouse|Scratch|Lily)pad "
    r"|Blockade |Skatepark "
    # German words ending in -hof: "am Hauptbahnhof 3 Leute"
    r"|(?:Haupt|Nord|Süd|Ost|West)?[Bb]ahnhof |(?:Fried|Hinter|Innen|Gast|Bauern)hof )"
)
_W = rf"[{UP}][{UP}{LOW}'’.-]{{0,25}}"
_STREET = (
    # "Kerkstraat", "'s-Gravendijkwal", "Prinses Beatrixlaan", "Van der Helstplein"
    rf"(?:(?:{_TITLES}) ){{0,2}}(?:(?:[Vv]an|[Dd]e|[Dd]en|[Tt]er|[Tt]en|'t|’t)"
    rf"(?: der| den| de)? )?{_NOT_STREETS}(?:'s-|’s-)?[{UP}][{UP}{LOW}'’-]{{0,30}}?"
    rf"(?:{trie_pattern(GLUED)})"
    # "Laan van Meerdervoort", "Laan van Nieuw Oost-Indië", "Plein 1944"
    rf"|(?:{_SEPARATE}) (?:(?:(?:{_PARTICLE}) ){{1,3}}{_W}(?: (?:(?:{_PARTICLE}) )?{_W}){{0,3}}"
    r"|1[89]\d\d)"
)
# 47, 237a, 137-II, 12-14, 12/3, 12 A, 12 bis, 12-hs; not a date, a time or a decimal
_NUM = (
    r"(?P<num>\d{1,4})(?:[a-zA-Z]{1,2}(?![\w]))?"
    r"(?:(?P<sep>[-/])(?P<num2>\d{1,4})(?:[a-zA-Z](?![\w]))?"
    r"|[-/ ](?:I{1,3}|IV|hs|HS|bis|[A-Za-z])(?![\w]))?"
    r"(?![\w/:-]|[.,]\d)"
    r"(?:,? (?:bus|box|bte\.?) \d{1,4}[A-Za-z]?(?![\w]))?"  # Belgium: "12 bus 3"
)
_TOWN_WORD = rf"[{UP}](?:[{UP}]{{2,30}}|[{UP}]?[{LOW}'’][{UP}{LOW}'’]{{0,30}})"
_TOWN_PARTICLE = r"aan den|aan de|aan het|aan|op|bij|in|onder|ter|ten|over|en"
# "Breda", "Den Haag", "'s-Hertogenbosch", "Alphen aan den Rijn", "Sint-Niklaas", "LEIDEN";
# a further capitalised word only after a particle ("2353 MH Leiden Morgen ...")
_TOWN = (
    rf"(?:'s-|’s-|'t |’t |Den |De |Het |St\. |Sint )?{_TOWN_WORD}"
    rf"(?:-{_TOWN_WORD}| (?:{_TOWN_PARTICLE}) {_TOWN_WORD}){{0,2}}"
)
_POSTCODE = r"(?:NL-|B-|BE-)?[1-9]\d{3}(?: ?[A-Z]{2})?"
PATTERN = re.compile(
    rf"(?<![\w'’-])(?:{_STREET}) {_NUM}"
    rf"(?:(?P<tail>(?:,? ?\n? ?| [-–] ){_POSTCODE},? {_TOWN})|{town_only(_TOWN)})?"
    r"(?![\w])"
)
# A count, a duration, a score or a price after the number: "Onderweg 5 minuten"
_COUNT = re.compile(
    r" (?i:minuten|min|uur|seconden|dagen|dag|weken|maanden|jaar|jaren|keer|personen|mensen"
    r"|man|meter|m|km|kilometer|euro|€|procent|punten|doelpunten|goals|haltes|stations"
    r"|graden|times|minutes|hours|days|people|points)(?![\w])"
)
_YEAR = re.compile(r"(?:19|20)\d\d")

CONTEXT = (
    "adres",
    "woonadres",
    "postadres",
    "huisadres",
    "woont op",
    "woont in",
    "woont aan",
    "wonende te",
    "wonende op",
    "woonachtig",
    "woonplaats",
    "address",
)


class DutchAddressRecognizer(AddressRecognizer):
    """``Kastanjelaan 47, 4844 AV Breda``; without the postcode and town it scores
    ``base_score``."""

    country = "NL"
    scheme = "address_nl"
    pattern = PATTERN
    context = CONTEXT
    word_gate = WordGate(
        rf"(?:{trie_pattern(GLUED)}) \d"
        rf"|(?<![a-z])(?:{trie_pattern(_SEPARATE_WORDS)}) (?:1[89]|(?:{_PARTICLE}) )",
        GLUED,
    )

    def valid(self, m: re.Match[str]) -> bool:
        if m.group("tail"):
            return True
        if _YEAR.fullmatch(m.group("num")):
            return False  # "Museumplein 2024": a year
        num2 = m.group("num2")
        num = m.group("num")
        if num2 is not None and m.group("sep") == "-" and len(num) <= 2 and int(num2) <= int(num):
            return False  # a score (Sportpark 3-1), not the house numbers 12-14
        return _COUNT.match(m.string, m.end("num")) is None
