"""Spanish street addresses: ``Calle de Alcalá 45, 3º B, 28014 Madrid``."""

from __future__ import annotations

import re

from pipelines.pii.recognizers._address import LOW, UP, AddressRecognizer, town_only
from pipelines.pii.text import WordGate, trie_pattern

# Mexican street types that are also common words ("la tienda está cerrada Lunes 5"): only
# with a postcode and town or a colonia after the number.
_WEAK = (
    "retorno|circuito|privada|cerrada|prolongación|prolongacion|continuación|continuacion"
    "|diagonal|calzada|andador"
)
_WEAK_TYPES = frozenset(_WEAK.split("|"))
_TYPES = (
    "calle|c/|c\\.|avenida|avda\\.?|av\\.|plaza|pza\\.?|paseo|pº|ctra\\.|camino|carretera|ronda|vial|pasaje|"
    "travesía|travesia|glorieta|callejón|callejon|rambla|cuesta|urbanización|urbanizacion|"
    f"alameda|pasadizo|cañada|acceso|periférico|periferico|{_WEAK}"
)
# Mexican states after the town: "San Estefanía de la Montaña, VER", "Q. ROO".
_MX_STATES = (
    r"(?:AGS|BCS|BC|CAMP|CHIS|CHIH|CDMX|COAH|COL|DF|DGO|GTO|GRO|HGO|JAL|MEX|MICH|MOR|NAY|NL"
    r"|OAX|PUE|QRO|Q\. ?ROO|SLP|SIN|SON|TAB|TAMPS|TLAX|VER|YUC|ZAC)"
)
_PARTICLE = r"(?:de la|de los|de las|del|de|la|el|los|las|y)"
_W = rf"[{UP}][{UP}{LOW}'’.-]{{0,25}}"
_NAME = rf"(?:{_PARTICLE} )?{_W}(?: (?:{_PARTICLE} )?{_W}){{0,5}}"
# A town: "Madrid", "Santa Cruz de Tenerife", "Las Palmas de Gran Canaria", "Vilanova i la
# Geltrú"; a further capitalised word only after a prefix or a particle, so "28013 Madrid.
# Nacido el ..." and "28013 Madrid Nacido el ..." end at the town.
_TOWN_WORD = rf"[{UP}][{UP}{LOW}'’-]{{1,30}}"
_TOWN_PREFIX = r"(?:San|Santa|Sant|Santo|El|La|Las|Los|Ciudad|Puerto|Villa|Vila|Gran|Torre|Nueva)"
_TOWN = (
    rf"(?:{_TOWN_PREFIX} )?{_TOWN_WORD}"
    rf"(?: (?:de la|de los|de las|del|de|i la|i|y|la|el) (?:{_TOWN_PREFIX} )?{_TOWN_WORD}){{0,3}}"
)
# In Mexico a town of any shape up to the state ("San Pascual los altos, BC").
_MX_TOWN = rf"{_TOWN_WORD}(?: [{UP}{LOW}][{UP}{LOW}'’-]{{0,30}}){{0,5}}, {_MX_STATES}(?![\w])"
PATTERN = re.compile(
    # ("Vía"/"Via" only capitalised: "sent via Slack 3 times" is English)
    rf"(?<![\w°])(?:(?i:(?P<type>{_TYPES}))|V[íi]a|VÍA|VIA) {_NAME},? "
    rf"(?:n[º°o]\.? ?)?(?P<num>\d{{1,4}})(?![\w])"
    r"(?:,? (?:Apt\.|Apto\.?|Esc\.?|Bajo|(?i:piso|puerta|ático|int\.|dpto\.?|depto\.?|dto\.)"
    r"|\d{1,2}[º°ª]) ?[0-9A-Za-zº°ª]{0,4}\.?){0,3}"
    # a Mexican colonia: "Av. Chapultepec 95 int. 28, Col. Centro"
    rf"(?:,? (?P<col>Col\.|Colonia) {_NAME})?"
    rf"(?:(?P<tail> ?,? ?\n? ?(?:{_TOWN},? \d{{5}}|(?:C\.P\. )?\d{{5}},? (?:{_MX_TOWN}|{_TOWN})))"
    rf"|{town_only(_TOWN)})?"
    r"(?![\w])"
)


def _type_words() -> list[str]:
    """The words of ``_TYPES`` (``avda\\.?`` as ``avda`` and ``avda.``)."""
    words = []
    for alt in _TYPES.split("|"):
        if alt.endswith("\\.?"):
            words += [alt[:-3], alt[:-3] + "."]
        else:
            words.append(alt.replace("\\.", "."))
    return words


CONTEXT = ("dirección", "direccion", "domicilio", "vive en", "reside", "address")


class SpanishAddressRecognizer(AddressRecognizer):
    country = "ES"
    scheme = "address_es"
    pattern = PATTERN
    context = CONTEXT
    # The type words, without the look-behind (a wider gate, searched faster).
    word_gate = WordGate(
        rf"(?:{trie_pattern([*_type_words(), 'vía', 'via'])}) ", [*_type_words(), "vía", "via"]
    )

    def valid(self, m: re.Match[str]) -> bool:
        weak = (m.group("type") or "").lower() in _WEAK_TYPES
        return not weak or bool(m.group("tail") or m.group("col"))
