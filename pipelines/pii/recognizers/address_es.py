"""Spanish street addresses: ``Calle de Alcalá 45, 3º B, 28014 Madrid``."""

from __future__ import annotations

import re

from pipelines.pii.recognizers._address import LOW, UP, AddressRecognizer

_TYPES = (
    "calle|c/|avenida|avda\\.?|plaza|paseo|camino|carretera|ronda|vía|via|vial|pasaje|"
    "travesía|travesia|glorieta|callejón|callejon|rambla|cuesta|urbanización|urbanizacion|"
    "alameda|pasadizo|cañada|acceso"
)
_PARTICLE = r"(?:de la|de los|de las|del|de|la|el|los|las|y)"
_W = rf"[{UP}][{UP}{LOW}'’.-]{{0,25}}"
_NAME = rf"(?:{_PARTICLE} )?{_W}(?: (?:{_PARTICLE} )?{_W}){{0,5}}"
_TOWN = rf"[{UP}][{UP}{LOW}'’.-]{{1,30}}(?: (?:de |del |la )?[{UP}][{UP}{LOW}'’.-]{{1,30}}){{0,3}}"
PATTERN = re.compile(
    rf"(?<![\w])(?i:{_TYPES}) {_NAME},? (?:n[º°o]\.? ?)?(?P<num>\d{{1,4}})(?![\w])"
    r"(?:,? (?:Apt\.|Apto\.?|Piso|Puerta|Esc\.?|Bajo|\d{1,2}[º°ª]) ?[0-9A-Za-zº°ª]{0,4}){0,3}"
    rf"(?P<tail>,? ?\n? ?(?:{_TOWN},? \d{{5}}|\d{{5}},? {_TOWN}))?(?![\w])"
)

CONTEXT = ("dirección", "direccion", "domicilio", "vive en", "reside", "address")


class SpanishAddressRecognizer(AddressRecognizer):
    country = "ES"
    scheme = "address_es"
    pattern = PATTERN
    context = CONTEXT
    gate = re.compile(rf"(?<![a-z])(?:{_TYPES}) ")
