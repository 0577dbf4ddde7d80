"""Shared pieces of the Latin-script address recognizers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from typing import ClassVar

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers.base import Recognizer
from pipelines.pii.text import Doc, WordGate

UP = "A-ZÀ-ÖØ-Þ"
LOW = "a-zß-öø-ÿ"
LEFT_STOPWORDS = frozenset(
    [
        "anschrift",
        "adresse",
        "address",
        "wohnt",
        "wohnhaft",
        "in",
        "der",
        "die",
        "das",
        "bei",
        "nach",
        "und",
        "mein",
        "meine",
        "sein",
        "seine",
        "ihr",
        "ihre",
        "his",
        "her",
        "my",
        "at",
        "is",
        "the",
        "a",
        "an",
        "lives",
        "live",
        "home",
        "domicile",
        "habite",
        "au",
        "aux",
        "chez",
        "dirección",
        "direccion",
        "domicilio",
        "vive",
        "en",
        "calle:",
        "rue:",
    ]
)
COMMON_CONTEXT = (
    "address",
    "lives at",
    "living at",
    "lives in",
    "home address",
    "domicile",
    "🏠",
    "🏡",
)
TRANSIT_WORDS = (
    "haltestelle",
    "station",
    "stop",
    "bus",
    "tram",
    "metro",
    "subway",
    "u-bahn",
    "s-bahn",
    "bussteig",
    "gleis",
    "sortie",
    "exit",
    "voie",
    "quai",
    "ligne",
    "line",
    "platform",
    "parada",
    "salida",
    "between",
    # a seat or a stand at a venue: "Section 12, Madison Square Garden"
    "section",
    "row",
    "seat",
    "gate",
    "hall",
    "booth",
    "stand",
)
PLATFORMS = ("bussteig", "bahnsteig", "flugsteig", "gleis")
COUNT_AFTER_NUMBER = re.compile(
    r" (?i:min\b|minuten|minutes|minutos|stationen|stations|stops|haltestellen|carriles|paradas"
    r"|arrêts|km\b|meter|metros|mètres|times\b|days\b|hours\b|weeks\b|months\b|years\b"
    r"|episodes|veces\b|días\b|horas\b)"
)
WORD = rf"[{UP}][{UP}{LOW}'’.-]{{0,24}}"  # a capitalised word
# What may follow a town that ends an address: punctuation (a dash too: "Tuckerside — 0121"),
# a line end, the text end or a lower-case word, not a capitalised word of the next sentence.
TOWN_END = r"(?=[ \t]*(?:[.,;:!?|/)\r\n。，；！？—–]|$)| [a-z]| - )"
# A house number is not the last group of a longer number (a phone: "+44 7407 860310, 84 Nigel
# Overpass" starts at 84): no digit and one space, dot, dash or plus just before it.
NOT_NUMBER_TAIL = r"(?<!\d[ .+-])"


def town_only(town: str) -> str:
    """A regex for a town after the street without a postcode (``12 Oak Road, Springfield``):
    taken only when ``TOWN_END`` follows it, so a capitalised word that starts the next
    sentence is not swallowed."""
    return rf"(?P<town>, ?(?:{town}){TOWN_END})"


def house_number(m: re.Match[str], count_after: re.Pattern[str], years: bool = True) -> bool:
    """Whether the ``num`` group of a match without postcode and town (no ``tail``) is a
    house number: not a year (Piazza Duomo 2024) and not followed by what it counts
    (``count_after``: Piazza Navona 3 ore fa)."""
    if m.group("tail"):
        return True
    num = m.group("num")
    if not num:
        return False
    if years and len(num) == 4 and num[:2] in ("19", "20"):
        return False
    return count_after.match(m.string, m.end("num")) is None


class LayoutGate:
    """A cheap pre-check of a layout: ``pattern`` occurs in the folded text (memoised per
    document), searched only when the text holds a run of ``min_run`` digits and passes
    ``word_gate``, if given."""

    def __init__(self, pattern: str, min_run: int = 1, word_gate: WordGate | None = None) -> None:
        self.pattern = re.compile(pattern)
        self.min_run = min_run
        self.word_gate = word_gate

    def passes(self, doc: Doc) -> bool:
        if doc.max_digit_run < self.min_run:
            return False
        if self.word_gate is not None and not self.word_gate.passes(doc):
            return False
        return doc.has(self.pattern)


class AddressRecognizer(Recognizer):
    """Regex-driven address; ``tail`` group present = full address (postcode/city)."""

    kind = "address"
    negative = ()
    pattern: ClassVar[re.Pattern[str]]
    base_score = 0.6
    full_score = 0.88
    context_score = 0.95
    min_digits = 1

    word_gate: ClassVar[WordGate | None] = None  # cheap pre-check: the type words
    gate: ClassVar[re.Pattern[str] | None] = None  # the same on the lower-cased text
    # Other layouts (same group names as ``pattern``), each with its own gate.
    layouts: ClassVar[tuple[tuple[re.Pattern[str], LayoutGate], ...]] = ()

    def applies(self, doc: Doc) -> bool:
        if doc.digit_count < self.min_digits:
            return False
        if self._main_gate(doc):
            return True
        return bool(self.layouts) and any(gate.passes(doc) for _, gate in self.layouts)

    def _main_gate(self, doc: Doc) -> bool:
        """The gates of ``pattern`` (memoised per document when there are layouts)."""
        if self.layouts:
            found = doc.cache.get(type(self))
            if found is not None:
                return found  # type: ignore[no-any-return]
        passed = (self.word_gate is None or self.word_gate.passes(doc)) and (
            self.gate is None or self.gate.search(doc.lower) is not None
        )
        if self.layouts:
            doc.cache[type(self)] = passed
        return passed

    def matches(self, doc: Doc, text: str) -> Iterator[re.Match[str]]:
        """Matches of ``pattern`` and of the layouts whose gates pass."""
        if not self.layouts:
            return self.pattern.finditer(text)
        found = [self.pattern.finditer(text)] if self._main_gate(doc) else []
        found += [p.finditer(text) for p, gate in self.layouts if gate.passes(doc)]
        return chain.from_iterable(found)

    def trim_left(self, text: str, start: int, end: int) -> int:
        """Skip leading context/function words the pattern's name part swallowed."""
        while True:
            space = text.find(" ", start, end)
            if space == -1 or text[start:space].lower().strip(":,") not in LEFT_STOPWORDS:
                return start
            start = space + 1

    @staticmethod
    def ends_with_town(m: re.Match[str], end: int) -> bool:
        """Whether the match ends with its town (``town`` or ``tail`` group)."""
        groups = m.re.groupindex
        return any(name in groups and m.end(name) == end for name in ("town", "tail"))

    def full(self, m: re.Match[str]) -> bool:
        return bool(m.group("tail"))

    def valid(self, m: re.Match[str]) -> bool:
        return True

    @staticmethod
    def transit_or_count(doc: Doc, m: re.Match[str], start: int) -> bool:
        """A street and a number that are a stop, an exit or a seat (``Haltestelle Goethestraße 4``,
        ``la sortie 4 boulevard Haussmann``, ``Bussteig 11``) or a count (``Calle Real 3
        carriles``, ``Schönhauser Allee 6 Stationen``), not a home."""
        if doc.word_before(start, 24, TRANSIT_WORDS) != -1:
            return True
        if m.string[start : start + 10].lower().startswith(PLATFORMS):
            return True
        num_end = m.end("num") if "num" in m.re.groupindex and m.group("num") else -1
        return num_end != -1 and COUNT_AFTER_NUMBER.match(m.string, num_end) is not None

    def haystack(self, doc: Doc) -> str:
        """The text the pattern runs on (same offsets as the original)."""
        return doc.folded

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        text = self.haystack(doc)
        for m in self.matches(doc, text):
            if not self.valid(m):
                continue
            start, end = m.span()
            start = self.trim_left(text, start, end)
            while end > start and text[end - 1] in " ,\n\t":
                end -= 1
            if text[end - 1] == "." and self.ends_with_town(m, end):
                end -= 1  # "..., 32830 Zaragoza.", "12 Oak Road, Troy." (not "Main St.")
            full = self.full(m)
            score = self.full_score if full else self.base_score
            if (
                doc.word_before(start, 24, self.context) != -1
                or doc.word_before(start, 24, COMMON_CONTEXT) != -1
            ):
                score = max(score, self.context_score)
            elif not full and self.transit_or_count(doc, m, start):
                continue
            if doc.url_spans and doc.in_url(start, end):
                score -= 0.6
            value = " ".join(text[start:end].replace(",", " ").split()).lower()
            yield Candidate(self.kind, self.country, self.scheme, start, end, score, value, {})
