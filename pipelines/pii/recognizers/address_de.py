"""German street addresses: ``Hauptstraße 5a, 10115 Berlin`` / ``Am Markt 3``."""

from __future__ import annotations

import re

from pipelines.pii.recognizers._address import LOW, UP, AddressRecognizer
from pipelines.pii.text import trie_pattern

_GLUED = "straße|strasse|str\\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee|steig|pfad|stieg"
_SEPARATE = "Straße|Strasse|Str\\.|Weg|Gasse|Allee|Platz|Ring|Damm|Ufer|Chaussee|Markt|Steig"
_ARTICLES = ["am", "an der", "auf dem", "im", "in der", "zum", "zur", "unter den"]
_W = rf"[{UP}][{UP}{LOW}.-]{{0,25}}"
_STREET = (
    rf"(?:[{UP}][{UP}{LOW}-]{{0,30}}?(?:{_GLUED})"
    rf"|(?:(?:Am|An der|Auf dem|Im|In der|Zum|Zur|Unter den) )?(?:{_W}[ -]){{1,3}}(?:{_SEPARATE})"
    rf"|(?:Am|An der|Auf dem|Im|In der|Zum|Zur) {_W})"
)
_TOWN = (
    rf"[{UP}][{UP}{LOW}-]{{1,30}}"
    rf"(?:[ -](?:am|an der|an|der|im|bei|ob|in|vor|auf|[{UP}(][{UP}{LOW}()-]{{0,30}})){{0,3}}"
)
PATTERN = re.compile(
    rf"(?<![\w-]){_STREET} (?P<num>\d{{1,4}} ?[a-zA-Z]?(?: ?[-/] ?\d{{1,4}}[a-z]?)?)(?![\w])"
    rf"(?P<tail>,? ?\n? ?(?:D-)?\d{{5}} {_TOWN})?(?![\w])"
)

CONTEXT = (
    "adresse",
    "anschrift",
    "wohnt",
    "wohnhaft",
    "wohnort",
    "wohnung",
    "lebt in",
    "address",
)


class GermanAddressRecognizer(AddressRecognizer):
    country = "DE"
    scheme = "address_de"
    pattern = PATTERN
    context = CONTEXT
    gate = re.compile(  # the word lists as tries: the same gate, searched faster
        rf"(?:{trie_pattern([*_GLUED.replace(chr(92), '').split('|'), 'markt'])}) \d"
        rf"|(?<![a-z])(?:{trie_pattern(_ARTICLES)}) "
    )
