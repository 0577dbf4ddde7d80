"""Passport numbers (China ``E``/``G`` + 8 digits and common Western forms), with context.

Passport numbers carry no check digit in their printed form, so a number is reported only
next to a passport word (护照, passport, passeport, Reisepass, pasaporte, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers.base import OTHER_NUMBER, Recognizer
from pipelines.pii.text import Doc

PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(?<!\d[ -])(?:"  # (not a group of a longer number: 341824 19580911 6005)
    r"(?P<cn>[EeGg][A-Za-z]?\d{7,8})"  # China: E12345678, EA1234567, G12345678
    r"|(?P<fr>\d{2}[A-Z]{2}\d{5})"  # France: 12AB34567
    r"|(?P<de>[CFGHJK][0-9CFGHJKLMNPRTVWXYZ]{8})"  # Germany
    r"|(?P<gen>[A-Z]{1,3}\d{6,9}|\d{8,9})"  # US, UK (9 digits), Spain (AAA123456), Sweden (8)
    r"|(?P<nl>[A-NP-Z]{2}[A-NP-Z0-9]{6}\d)"  # Netherlands: XX6FPLVH6
    r"|(?P<kr>[MSRGD]\d{3}[A-Z]\d{4})"  # Korea since 2021: M123A4567
    r"|(?P<ru>\d{2} ?\d{2} \d{6})"  # Russia (internal): series 45 10, number 123456
    r")(?![0-9A-Za-z])(?![ -]\d)(?!\([0-9A-Z]\))"  # not a Hong Kong ID: A123456(7)
)
# The national part of an international phone number (+34 803605216).
_DIALLING_CODE_BEFORE = re.compile(r"\+\d{1,3}[ -]?$")
CONTEXT = (
    "passport",
    "passportnumber",
    "护照",
    "護照",
    "passeport",
    "reisepass",
    "pass-nr",
    "passnr",
    "pass nr",
    "pass no",
    "pass:",
    "pass -",
    "passnummer",
    "pasnummer",  # Danish
    "ppt",  # (travel forms' abbreviation)
    "sein pass",
    "ihr pass",
    "mein pass",
    "dein pass",
    "pass hat",
    "pass lautet",
    "reisepassnummer",
    "pasaporte",
    "passaporto",
    "旅券",
    "여권",
    "パスポート",
    "paspoort",
    "paszport",
    "passaporte",
    "pasaport",
    "паспорт",
    "passi",
    "🛂",
)
COUNTRY = {"cn": "CN", "fr": "FR", "de": "DE", "nl": "NL", "kr": "KR", "ru": "RU"}


# "护照号 EM0677154": a passport word right before the number outweighs the check digit of
# another scheme (a Hong Kong ID) that the number happens to pass.
LABELLED_SCORE = 0.96


class PassportRecognizer(Recognizer):
    kind = "passport"
    scheme = "passport"
    context = CONTEXT
    base_score = 0.0
    context_score = 0.88
    min_digits = 1  # a German number may hold a single digit

    def applies(self, doc: Doc) -> bool:
        if doc.digit_count < self.min_digits:
            return False
        return doc.has_words(CONTEXT)

    def own_context(self, doc: Doc, start: int) -> bool:
        """The passport word is this number's: no other number stands between them
        ("Passport 646315199, Social Security #: 249456338" labels only the first). A passport
        word after the number counts as well."""
        word_end = self.context_end(doc, start)
        if word_end == -1:
            return True  # the word may follow the number; score() decides
        return OTHER_NUMBER.search(doc.folded, word_end, start) is None

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        text = doc.folded
        for m in PATTERN.finditer(text):
            if _DIALLING_CODE_BEFORE.search(text, max(0, m.start() - 5), m.start()):
                continue
            if not self.own_context(doc, m.start()):
                continue
            cand = self.candidate(doc, m.start(), m.end(), m.group().upper())
            if cand.score < 0.5:
                continue
            if self.labelled(doc, m.start()):
                cand.score = max(cand.score, LABELLED_SCORE)
            group = m.lastgroup or "gen"
            cand.country = COUNTRY.get(group)
            cand.scheme = f"{group}_passport" if group in COUNTRY else "passport"
            yield cand
