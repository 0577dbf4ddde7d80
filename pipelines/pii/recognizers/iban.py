"""International Bank Account Numbers (ISO 13616), validated by python-stdnum."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import iban

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers.base import UPPER_DIGIT, Recognizer
from pipelines.pii.text import Doc

# The look-behind follows the first letter (same matches; the scan skips to capitals).
PATTERN = re.compile(r"[A-Z](?<![0-9A-Za-z][A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]){11,32}(?![0-9a-z])")
# Written in lower case ("iban: fr76 3000 ...", "nr konta pl77..."): looked for only where
# the text names a bank account.
ANY_CASE = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,32}(?![0-9A-Za-z])")
IBAN_WORD = re.compile(
    r"(?<![a-z])(?:iban|rib|konto|konta|conta|conto|cuenta|compte|rekening|account)(?![a-z])"
)


def mod97_by_length(compact: str) -> list[int]:
    """ISO 7064 MOD 97-10 of the rearranged characters of every prefix ``compact[:n]`` (index
    n): 1 for every valid IBAN. One pass, so the prefixes of a long run cost what the run
    does; python-stdnum then checks the country's format of the ones that pass."""
    head = "".join(str(int(ch, 36)) for ch in compact[:4])
    head_value, head_scale = int(head) % 97, pow(10, len(head), 97)
    out = [0] * (len(compact) + 1)
    mod = 0
    for n in range(4, len(compact)):
        digits = str(int(compact[n], 36))
        mod = (mod * (10 if len(digits) == 1 else 100) + int(digits)) % 97
        out[n + 1] = (mod * head_scale + head_value) % 97
    return out


class IbanRecognizer(Recognizer):
    kind = "iban"
    scheme = "iban"
    context = (
        "iban",
        "bank",
        "account",
        "rib",
        "konto",
        "konta",
        "conta",
        "conto",
        "cuenta",
        "compte",
        "rekening",
        "virement",
        "🏦",
    )
    base_score = 0.9
    context_score = 0.97
    min_digits = 10

    def applies(self, doc: Doc) -> bool:
        if doc.digit_count < self.min_digits:
            return False
        return doc.has(UPPER_DIGIT) or IBAN_WORD.search(doc.lower) is not None

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        pattern = ANY_CASE if IBAN_WORD.search(doc.lower) else PATTERN
        for m in pattern.finditer(doc.folded):
            raw = m.group().upper()
            positions = [i for i, ch in enumerate(raw) if ch != " "]
            compact = raw.replace(" ", "")
            mods = mod97_by_length(compact)
            for length in range(len(compact), 14, -1):
                value = compact[:length]
                if mods[length] == 1 and iban.is_valid(value):
                    end = m.start() + positions[length - 1] + 1
                    country = value[:2]
                    yield self.candidate_for(doc, m.start(), end, value, country)
                    break

    def candidate_for(self, doc: Doc, start: int, end: int, value: str, country: str) -> Candidate:
        cand = self.candidate(doc, start, end, value, {"bank_country": country})
        cand.country = country
        return self.unless_example(doc, cand)
