"""Portuguese and Brazilian street addresses.

Portugal: ``Rua de São Bento, 10, 3822-476 Aveiro`` (postcode ``NNNN-NNN`` then the town).
Brazil: ``Rua das Palmeiras, 1133 - Boa Vista, São Paulo - SP, 06271-642`` (a neighbourhood
after `` - ``, the town and state, the CEP ``NNNNN-NNN`` after them or before them). A
street type (``Rua``, ``Av.``, ``Travessa``, ``Praça``, ``Alameda``, ``Estrada``, ``Largo``...),
a capitalised name (``Sete de Setembro``, ``25 de Março``), the number (optional when the
postcode follows), units (``apto 927``, ``bloco B``, ``casa 2``, ``2º Esq.``). The country
is ``None``: the same recognizer serves Portugal and Brazil. An abbreviated ``R.`` (also an
initial) needs the postcode or an address word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers._address import LOW, UP, AddressRecognizer, house_number, town_only
from pipelines.pii.text import Doc, WordGate, trie_pattern

TYPE_WORDS = [
    "rua",
    "r.",
    "avenida",
    "av.",
    "av",
    "avda.",
    "travessa",
    "tv.",
    "trav.",
    "praça",
    "praca",
    "pça.",
    "pç.",
    "alameda",
    "al.",
    "estrada",
    "estr.",
    "largo",
    "lgo.",
    "lg.",
    "rodovia",
    "rod.",
    "beco",
    "calçada",
    "calcada",
    "ladeira",
    "praceta",
    "viela",
    "caminho",
    "rotunda",
]
# lower case, Capitalised and UPPER CASE spellings; "R." only capitalised ("r." ends words)
_TYPE_FORMS = [
    f
    for w in TYPE_WORDS
    for f in ((w[0].upper() + w[1:],) if w == "r." else (w, w[0].upper() + w[1:], w.upper()))
]
_W = rf"[{UP}][{UP}{LOW}'’.-]{{0,25}}"
_PARTICLE = r"(?:de|da|do|das|dos|d['’])"
_MONTH = (
    r"(?i:janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro"
    r"|dezembro)"
)
# "Sete de Setembro", "das Palmeiras", "de São Bento", "25 de Março", "Brig. Faria Lima"
_NAME = (
    rf"(?:\d{{1,2}} de {_MONTH}|(?:{_PARTICLE} )?{_W})"
    rf"(?: (?:{_PARTICLE} )?{_W}){{0,5}}"
)
# 1567, 1.578, 12A, nº 12; not a date (12/05), a time, a decimal or a score (2-1)
_NUM = (
    r",? (?:n[º°o]\.? ?|n\. ?|número )?(?P<num>\d{1,2}\.\d{3}|\d{1,5})(?:[A-Za-z](?![\w]))?"
    r"(?![\w/:]|[.,-]\d)"
)
_UNIT = (
    r"(?:,? | [-–] )(?:(?i:apto|apt|ap|apartamento|bloco|bl|casa|sala|loja|lote|lt|andar"
    r"|conj|cj|esq|dto|dt|frente|fte|fundos)\.?(?: ?[0-9A-Z]{1,4})?"
    r"|r/c(?: ?(?i:esq|dto|dt)\.?)?"
    r"|\d{1,2}[º°ª](?: ?(?i:andar|esq|dto|dt|frente|fte)\.?)?)(?![\w])"
)
_SEP = r"(?:, ?|,? ?\n ?| [-–] )"
_UF = "AC|AL|AP|AM|BA|CE|DF|ES|GO|MA|MT|MS|MG|PA|PB|PR|PE|PI|RJ|RN|RS|RO|RR|SC|SP|SE|TO"
_STATE = rf"(?: ?[-/] ?|,? )(?:{_UF})(?![\w])"
# a neighbourhood or a Brazilian town before its state or CEP: any capitalised words
_PLACE = rf"(?!(?i:cep)\b){_W}(?: (?:{_PARTICLE} )?{_W}){{0,4}}"
_CEP = r"(?i:cep:? ?)?\d{5}-?\d{3}(?![\w-])"
_TOWN_WORD = rf"[{UP}][{UP}{LOW}'’-]{{1,30}}"
_TOWN_PREFIX = (
    r"(?:São|Santa|Santo|Vila|Porto|Póvoa|Castelo|Figueira|Torres|Ponta|Caldas|Oliveira"
    r"|Marinha|Paços|Nova|Foz|Rio|Belo|Campo|Ribeirão|Feira|Senhora)"
)
# A town after a Portuguese postcode: "Lisboa", "Vila Nova de Gaia", "Santa Maria da Feira";
# a further capitalised word only after a prefix or a particle ("1588-572 Lisboa Ontem")
_TOWN = (
    rf"(?:{_TOWN_PREFIX} ){{0,2}}{_TOWN_WORD}"
    rf"(?: (?:de|da|do|das|dos|e) (?:{_TOWN_PREFIX} )?{_TOWN_WORD}){{0,3}}"
)
_TAIL = (
    # Brazil: [neighbourhood,] town[ - UF], CEP
    rf"(?:{_SEP}{_PLACE})?{_SEP}{_PLACE}(?:{_STATE})?(?:{_SEP}| ){_CEP}"
    # Brazil: [neighbourhood,] CEP[, town - UF]
    rf"|(?:{_SEP}{_PLACE})?{_SEP}{_CEP}(?:(?:{_SEP}| ){_PLACE}"
    rf"(?:{_STATE}|(?=[ \t]*(?:[.,;:!?)\r\n]|$))))?"
    # Portugal: postcode town
    rf"|{_SEP}\d{{4}}-\d{{3}} {_TOWN}"
)
PATTERN = re.compile(
    rf"(?<![\w.'’])(?<!et )(?:{trie_pattern(_TYPE_FORMS)}) {_NAME}(?:{_NUM})?(?:{_UNIT}){{0,3}}"
    rf"(?:(?P<tail>{_TAIL})"
    # Brazil without the CEP: "..., 12 - Centro, Curitiba - PR"
    rf"|(?P<uf_town>(?:{_SEP}{_PLACE})?{_SEP}{_PLACE}{_STATE})"
    rf"|{town_only(_TOWN)})?"
    r"(?![\w])"
)
# A count, a distance, a score or a price after the number: "Rua Augusta 3 pessoas"
_COUNT = re.compile(
    r" (?i:pessoas|minutos|min|horas|hora|dias|semanas|meses|anos|vezes|metros|m|km"
    r"|quilômetros|quilómetros|reais|euros|€|gols|golos|pontos|paradas|lugares|%|x \d"
    r"|ore|minuti|giorni|anni|volte|persone|metri|personas|años|times|minutes|hours|days|people"
    r"|points)(?![\w])"
)

CONTEXT = (
    "morada",
    "mora na",
    "mora no",
    "mora em",
    "moro na",
    "moro no",
    "moro em",
    "endereço",
    "endereco",
    "residente em",
    "residente na",
    "residente no",
    "reside em",
    "reside na",
    "reside no",
    "residência",
    "domicílio",
    "address",
)


class PortugueseAddressRecognizer(AddressRecognizer):
    """``Avenida do Ouro 1, 1588-572 Lisboa``; without the postcode it scores
    ``base_score``."""

    country = None
    scheme = "address_pt"
    pattern = PATTERN
    context = CONTEXT
    word_gate = WordGate(rf"(?<!\w)(?:{trie_pattern(TYPE_WORDS)}) ", TYPE_WORDS)
    # Largo, Estrada, Travessa also name films, games and people (Largo Winch 2): without a
    # postcode or a town and state, only an address word makes it a finding.
    base_score = 0.45

    def full(self, m: re.Match[str]) -> bool:
        return bool(m.group("tail") or m.group("uf_town"))

    def valid(self, m: re.Match[str]) -> bool:
        # (a street name alone, "Rua Augusta, Lisboa.", is no address)
        return house_number(m, _COUNT, years=False)

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        text = doc.folded
        for cand in super().analyze(doc):
            if cand.score < self.full_score and text.startswith("R. ", cand.start):
                continue  # "John R. Smith 3": an initial, not "Rua"
            yield cand
