"""Italian street addresses: ``Via della Repubblica 194/b, 40047 Bologna``.

A street type (``Via``, ``Piazza``, ``Corso``, ``V.le``...), a capitalised name, the house
number (``12``, ``12/A``, ``194/b``, ``12 bis``), optional ``int. 3`` / ``scala B``, then
the CAP and the town, with its province (``(MI)`` or `` MI``). A lower-case ``via`` (also
an English and Italian preposition: ``sent via Slack 3 times``) needs the CAP and town, an
address word before it, or ``in`` before it (``abito in via Roma 12``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers._address import LOW, UP, AddressRecognizer, house_number, town_only
from pipelines.pii.text import Doc, WordGate, trie_pattern

TYPE_WORDS = [
    "via",
    "viale",
    "v.le",
    "piazza",
    "p.za",
    "p.zza",
    "piazzale",
    "p.le",
    "piazzetta",
    "corso",
    "c.so",
    "largo",
    "l.go",
    "vicolo",
    "v.lo",
    "vico",
    "strada",
    "str.",
    "contrada",
    "c.da",
    "lungomare",
    "lungotevere",
    "lungarno",
    "borgo",
    "salita",
    "traversa",
    "circonvallazione",
]
# lower case, Capitalised and UPPER CASE spellings only (not ``vIA``)
_TYPE_FORMS = [f for w in TYPE_WORDS for f in (w, w[0].upper() + w[1:], w.upper())]
_W = rf"[{UP}][{UP}{LOW}'’.-]{{0,24}}"
_ELIDED = r"(?:dell|all|dall|sull|nell|d|l)['’]"
_PARTICLE = (
    r"(?:della|delle|dello|degli|dei|del|di|da|dal|dalla|de|al|alla|alle|ai|agli|allo|sul"
    r"|sulla|in)"
)
_MONTH = (
    r"(?i:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre"
    r"|novembre|dicembre)"
)
_NAME_WORD = rf"(?:{_ELIDED})?{_W}"
# "Roma", "della Repubblica", "Vittorio Emanuele II", "dell'Orso", "4 Novembre", "XX Settembre"
_NAME = (
    rf"(?:\d{{1,2}}[°º]? {_MONTH}|(?:{_PARTICLE} )?{_NAME_WORD})"
    rf"(?: (?:{_PARTICLE} )?{_NAME_WORD}){{0,5}}"
)
# 12, 12A, 12/A, 194/b, 12/3, 12 bis; not a date (12/05/2024), a time (12:30), a decimal
# or a score (2-1)
_NUM = (
    r"(?:(?:n\.|nr\.?|n[°º]|civico) ?)?(?P<num>\d{1,4})"
    r"(?: ?/ ?[A-Za-z](?![\w])|/\d{1,3}(?![\w/])|[A-Za-z](?![\w])| (?:bis|ter|[A-H])(?![\w]))?"
    r"(?![\w/:]|[.,-]\d)"
)
_UNITS = r"(?:,? (?i:int\.?|interno|scala|sc\.|piano) ?[0-9A-Za-z]{1,3}(?![\w])){0,3}"
_TOWN_WORD = rf"[{UP}][{UP}{LOW}'’-]{{1,30}}"
_TOWN_PREFIX = (
    r"(?:San|Santa|Santo|Castel|Castello|Monte|Borgo|Villa|Porto|Marina|Reggio|Sesto|Colle"
    r"|Torre|Ponte|Lido|Città|Bagni|Bagno|Poggio|Pieve|Rocca|Casal|Castelnuovo|Cologno"
    r"|Cernusco|La|Le|Lo|Il)"
)
# "Roma", "San Lazzaro di Savena", "Reggio nell'Emilia", "Sesto San Giovanni", "L'Aquila";
# a further capitalised word only after a prefix or a particle ("00184 Roma Nato il ...")
_TOWN = (
    rf"(?:{_TOWN_PREFIX} ){{0,2}}{_TOWN_WORD}"
    rf"(?: (?:di|del|della|dei|de|in|al|sul|sull['’]|nel|nell['’]|d['’]|sotto|sopra) ?"
    rf"{_TOWN_WORD}){{0,3}}"
)
# after the CAP, a second plain word too when the line, a comma or the province follows
# ("20090 Cesano Boscone (MI)", "21052 Busto Arsizio, Italia")
_TOWN_AFTER_CAP = rf"{_TOWN}(?: {_TOWN_WORD}(?= ?\(|[ \t]*(?:[,;\r\n]|$)))?"
_PROVINCE = r"(?: ?\([A-Z]{2}\)|,? [A-Z]{2}(?![\w]))"
_TOWN_ONLY = rf"{_TOWN}(?: ?\([A-Z]{{2}}\))?"  # "Via Roma 12, Milano (MI)."
_CAP = r"(?:I-|IT-)?\d{5}(?![\w-])"
PATTERN = re.compile(
    rf"(?<![\w.'’])(?:{trie_pattern(_TYPE_FORMS)}) {_NAME},? {_NUM}{_UNITS}"
    rf"(?:(?P<tail>(?:,? ?\n? ?| [-–] ){_CAP},? {_TOWN_AFTER_CAP}{_PROVINCE}?)"
    rf"|{town_only(_TOWN_ONLY)})?"
    r"(?![\w])"
)
# A count, a duration or a price after the number: "Piazza Navona 3 ore fa"
_COUNT = re.compile(
    r" (?i:ore|ora|minuti|min|secondi|giorni|giorno|settimane|mesi|anni|volte|persone"
    r"|metri|m|km|chilometri|euro|€|gol|punti|posti|fermate|times|minutes|mins|hours|days"
    r"|weeks|months|years|people|meters|metres|miles|points|goals|trains|servers|channels)"
    r"(?![\w])"
)
# "in via Roma 12", "di via Roma": Italian prepositions before a lower-case "via"
_PREPOSITION = re.compile(r"(?:^|\W)(?i:in|di|da|su|a)\s$")

CONTEXT = (
    "indirizzo",
    "abita in",
    "abita a",
    "abito in",
    "abito a",
    "residente in",
    "residente a",
    "vive in",
    "vive a",
    "domicilio",
    "domiciliato",
    "domiciliata",
    "residenza",
    "address",
)


class ItalianAddressRecognizer(AddressRecognizer):
    """``Via Roma 12, 00184 Roma``; without the CAP and town it scores ``base_score``."""

    country = "IT"
    scheme = "address_it"
    # Via, Corso, Largo, Borgo, Strada also name games, films and brands (Corso Python 3,
    # Largo Winch 2): without the CAP and town, only an address word makes it a finding.
    base_score = 0.45
    pattern = PATTERN
    context = CONTEXT
    word_gate = WordGate(rf"(?<![a-z])(?:{trie_pattern(TYPE_WORDS)}) ", TYPE_WORDS)

    def valid(self, m: re.Match[str]) -> bool:
        return house_number(m, _COUNT)

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        text = doc.folded
        for cand in super().analyze(doc):
            if (
                cand.score < self.full_score
                and text.startswith("via ", cand.start)
                and not _PREPOSITION.search(text[max(0, cand.start - 4) : cand.start])
            ):
                continue  # "sent via Slack 3 times": English, or no address
            yield cand
