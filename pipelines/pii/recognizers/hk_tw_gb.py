"""IDs that python-stdnum does not cover: Hong Kong HKID, Taiwan national ID, UK NINO."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers.base import ID_WORDS, UPPER_DIGIT, RegexRecognizer
from pipelines.pii.text import Doc

# -- Hong Kong identity card: 1-2 letters, 6 digits, check digit 0-9/A in brackets --------
# The look-behinds follow the first letter (same matches; the scan skips to capitals).
# Written without brackets (KB5032225 is also a Windows update) it needs a context word; in
# Chinese text its label may be glued to it (HKIDZ854959(2)).
HKID = re.compile(
    r"([A-Z](?:(?<![0-9A-Za-z][A-Z])|(?<=HKID[A-Z]))[A-Z]?)(\d{6}) ?(?:[(（]([0-9A])[)）]|([0-9A]))"
    r"(?![0-9A-Za-z])"
)
BARE_SCORE = 0.4


def hkid_check(prefix: str, digits: str) -> str:
    letters = prefix.rjust(2, " ")
    values = [36 if c == " " else ord(c) - 55 for c in letters] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    rem = (11 - total % 11) % 11
    return "A" if rem == 10 else str(rem)


class HongKongIdRecognizer(RegexRecognizer):
    country = "HK"
    scheme = "hk_hkid"
    pattern = HKID
    folded_gate = UPPER_DIGIT
    context = (*ID_WORDS, "hkid", "香港身份證", "香港身份证", "身份證號碼", "hong kong id")
    base_score = 0.6
    context_score = 0.95
    min_digits = 6

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        for m in self.pattern.finditer(doc.folded):
            prefix, digits, bracketed, bare = m.groups()
            check = bracketed or bare
            if hkid_check(prefix, digits) != check:
                continue
            base = self.base_score if bracketed else BARE_SCORE
            yield self.candidate(doc, m.start(), m.end(), f"{prefix}{digits}{check}", base=base)


# -- Taiwan national identification number: letter, 1/2 (sex), 8 digits ------------------
TW = re.compile(r"([A-Z])(?<![0-9A-Za-z][A-Z])([1289])(\d{8})(?![0-9A-Za-z])")
_TW_CODES = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


def tw_valid(number: str) -> bool:
    code = _TW_CODES[number[0]]
    digits = [code // 10, code % 10] + [int(c) for c in number[1:]]
    weights = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1]
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


class TaiwanIdRecognizer(RegexRecognizer):
    country = "TW"
    scheme = "tw_id"
    pattern = TW
    folded_gate = UPPER_DIGIT
    context = (*ID_WORDS, "身分證", "身分证", "統一編號", "taiwan id")
    base_score = 0.75
    context_score = 0.95
    min_digits = 9

    def validate(self, match: re.Match[str]) -> tuple[str, dict[str, Any]] | None:
        number = match.group()
        if not tw_valid(number):
            return None
        sex = {"1": "male", "2": "female"}.get(number[1])
        return number, ({"sex": sex} if sex else {})


# -- UK National Insurance number ---------------------------------------------------------
NINO = re.compile(
    r"([A-CEGHJ-PR-TW-Z](?<![0-9A-Za-z][A-Z])[A-CEGHJ-NPR-TW-Z])"
    r" ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])(?![0-9A-Za-z])"
)
_NINO_BAD_PREFIX = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


class UkNinoRecognizer(RegexRecognizer):
    country = "GB"
    scheme = "gb_nino"
    pattern = NINO
    folded_gate = re.compile(r"[A-Z] ?\d")
    context = (*ID_WORDS, "national insurance", "nino", "ni number", "ni no")
    base_score = 0.7
    context_score = 0.95
    min_digits = 6

    def validate(self, match: re.Match[str]) -> tuple[str, dict[str, Any]] | None:
        prefix = match.group(1)
        if prefix in _NINO_BAD_PREFIX:
            return None
        return "".join(match.groups()), {}
