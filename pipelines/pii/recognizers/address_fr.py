"""French street addresses: numéro, type de voie, nom, code postal, ville.

``12 bis, rue de la Paix, 75002 Paris`` / ``5, avenue Samson\n57583 Lacroix``; the number
is optional when a postcode and town follow. Belgium and Switzerland put the number after
the name and use four-digit postcodes: ``Rue de la Station 247 bte 13, 4000 Liège``.
"""

from __future__ import annotations

import re

from pipelines.pii.recognizers._address import (
    LOW,
    NOT_NUMBER_TAIL,
    UP,
    AddressRecognizer,
    LayoutGate,
    town_only,
)
from pipelines.pii.text import WordGate, trie_pattern

_TYPES = (
    "rue|avenue|av\\.|boulevard|bd|place|allée|allee|impasse|chemin|quai|route|cours|passage|"
    "square|voie|villa|cité|cite|sentier|rond-point|faubourg|promenade|esplanade|résidence|"
    "residence|hameau|lieu-dit|parvis|ruelle|montée|quartier|chaussée|chaussee|drève|dreve|"
    "boul\\.|boul"
)
_TYPE_WORDS = _TYPES.replace("\\", "").split("|")
_PARTICLE = r"(?:de la|de l'|de l’|des|du|de|d'|d’|la|le|les|l'|l’|aux|au|et|sur|sous|en)"
_NAME_WORD = rf"(?:[{UP}][{UP}{LOW}'’-]{{0,25}}|\d{{1,2}}(?:er|e)?)"
_NAME = rf"(?:{_PARTICLE} ?)?{_NAME_WORD}(?: (?:{_PARTICLE} ?)?{_NAME_WORD}){{0,5}}"
# A town: hyphenated parts (Rousset-sur-Blin), "Le Mans", "Saint Michel", "Paris Cedex"; a
# capitalised word after a space only after such a first word, so "... 56467 Sauvage
# Faites tourner" ends at the town.
_TOWN = (
    rf"(?:(?:Saint|Sainte|Le|La|Les|L'|L’|Da|De|Du|Des|Di) )?[{UP}][{UP}{LOW}'’]{{0,30}}"
    rf"(?:-[{UP}{LOW}][{UP}{LOW}'’]{{0,30}}"
    rf"| (?:sur|sous|en|lès|lez|le|la|les|de|du|des|aux|am|Saint|Sainte|St|Ste)"
    rf" [{UP}][{UP}{LOW}'’]{{0,30}}"
    rf"| (?:d'|d’)[{UP}][{UP}{LOW}'’]{{0,30}}){{0,4}}"
)
_AFTER_MONTH = re.compile(
    r"(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre"
    r"|novembre|décembre|decembre) $",
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W\d_]")
_CA_POSTCODE = r"[A-Z]\d[A-Z] ?\d[A-Z]\d"
# A flat, a building or a named block before the number: "Appt 4, ", "Bât. B, ",
# "Résidence les Cèdres, ".
_BEFORE = (
    r"(?:(?i:appt?\.?|appartement|bât\.?|bâtiment|bat\.|esc\.|escalier|logement|log\.)"
    r" ?[0-9A-Z]{1,4}"
    rf"|(?i:résidence|residence|immeuble|lotissement) (?:{_PARTICLE} ?)?{_NAME_WORD}"
    rf"(?: {_NAME_WORD}){{0,2}}), ?"
)
# A unit after the street: ", bât. B", ", 3e étage"; without a comma only with a number or
# one capital (Québec: "rue Gravel app 6", not "rue de la Paix porte de Versailles").
_UNIT_WORD = (
    r"(?i:bât\.?|bâtiment|bat\.|apt\.?|appt\.?|appartement|app\.?|escalier|esc\.|porte|bureau"
    r"|bur\.)"
)
_UNIT = (
    rf"(?:, ?(?:{_UNIT_WORD} ?[0-9A-Za-z]{{1,4}}|\d{{1,2}}(?i:e|er|ème) (?i:étage))"
    rf"| {_UNIT_WORD} ?(?:\d[0-9A-Za-z]{{0,3}}|[A-Z])(?![\w])){{0,3}}"
)
# In Québec the town may have several words ("Ville Alain (Québec) V4P 1S7").
_QC_TOWN = rf"{_TOWN}(?: [{UP}][{UP}{LOW}'’-]{{1,30}}){{0,2}}"
_QC = r"(?:\((?i:québec|quebec|qc)\)|(?i:québec|qc))"
PATTERN = re.compile(
    # ((?=...): the first letters of the words of _BEFORE, a quick test at every position)
    rf"(?<![\w])(?:(?:(?=[AaBbEeLlRrIi]){_BEFORE})?(?<!\d:){NOT_NUMBER_TAIL}(?P<num>\d{{1,4}}) ?"
    rf"(?:bis|ter|quater|[A-D])?,? )?"
    rf"(?i:{_TYPES}) (?P<name>{_NAME}){_UNIT}"
    rf"(?:(?P<tail>(?:,? ?\n? ?| [-–] )(?:\d{{5}}|\d{{2}} \d{{3}}) {_TOWN}"
    rf"(?: (?i:cedex)(?: \d{{1,2}})?)?"
    # in Québec: the town, the province, then the postcode (Montréal (Québec) H3G 1P1)
    rf"|,? ?\n? ?{_QC_TOWN},? {_QC}[ ,]{{1,2}}{_CA_POSTCODE})"
    rf"|{town_only(_TOWN)})?"
    r"(?![\w])"
)
# Belgium and Switzerland: the number after the name ("177/5", "247 bte 13"), then a
# four-digit postcode ("CH-8554", "B-1000") and the town; never without them.
BE_CH_PATTERN = re.compile(
    rf"(?<![\w])(?:{_BEFORE})?(?i:{_TYPES}) (?P<name>{_NAME}),? "
    r"(?P<num>\d{1,4}(?: ?[A-Za-z](?![\w]))?(?:/\d{1,4}[A-Za-z]?)?)"
    r"(?:,? (?i:bte|boîte|boite|bus|b\.|app\.?|appt\.?|apt\.?) ?[0-9A-Za-z]{1,4})?"
    rf"(?P<tail>(?:,? ?\n ?|, ?| [-–] | )(?:(?:CH|B)-)?\d{{4}} {_TOWN})(?![\w])"
)
WORD_GATE = WordGate(rf"(?<![a-z])(?:{trie_pattern(_TYPE_WORDS)}) ", _TYPE_WORDS)

CONTEXT = (
    "adresse",
    "habite",
    "domicile",
    "domicilié",
    "domiciliée",
    "réside",
    "demeurant",
    "vit au",
    "vit à",
    "chez",
    "address",
)


class FrenchAddressRecognizer(AddressRecognizer):
    country = "FR"
    scheme = "address_fr"
    pattern = PATTERN
    context = CONTEXT
    word_gate = WORD_GATE
    # (every town starts with a capital)
    layouts = ((BE_CH_PATTERN, LayoutGate(rf"(?<!\d)\d{{4}} [{UP}]", 4, word_gate=WORD_GATE)),)
    min_digits = 1

    def valid(self, m: re.Match[str]) -> bool:
        num = m.group("num")
        if (
            num
            and num[:2] in ("19", "20")
            and len(num) == 4
            and _AFTER_MONTH.search(m.string, 0, m.start())
        ):
            return False  # "le 14 juillet 2025 place de la Bastille": a year, not a number
        if not _LETTER.search(m.group("name")):
            return False  # "voie 11", "place 82": a platform or a seat, not a street
        return bool(m.group("num") or m.group("tail"))
