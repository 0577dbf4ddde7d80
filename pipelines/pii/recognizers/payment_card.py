"""Payment card numbers: Luhn (python-stdnum) plus a known issuer prefix.

16 digits (contiguous or in 4-digit groups) and the Amex/Diners/UnionPay groupings are
reported on their own; other lengths only with context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from stdnum import luhn

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers.base import NumericIdRecognizer
from pipelines.pii.text import Doc

# Groups of four (the last one shorter: 4-4-4-3), Amex/Diners 4-6-5 and 4-6-4, and the
# 6+13 of 19-digit UnionPay cards.
_GROUPED = re.compile(
    r"\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5}|\d{6}[ -]\d{13}"
)

CONTEXT = (
    "card",
    "credit",
    "debit",
    "visa",
    "mastercard",
    "amex",
    "american express",
    "discover",
    "cvv",
    "cvc",
    "expiry",
    "exp",
    "信用卡",
    "银行卡",
    "卡号",
    "储蓄卡",
    "借记卡",
    "工资卡",
    "银联",
    "carte bancaire",
    "carte",
    "这张卡",
    "cb",
    "carte bleue",
    "carte de crédit",
    "kreditkarte",
    "karte",
    "kartennummer",
    "karten-nr",
    "kartennr",
    "numéro de carte",
    "número de tarjeta",
    "tarjeta",
    "💳",
    "carta di credito",
    "cartão",
    "creditcard",
    "karta",
)

_GROUP_BEFORE = re.compile(r"(?<![^\W\d_])\d{1,6} \Z")


def brand(number: str) -> str | None:
    n2, n4 = int(number[:2]), int(number[:4])
    length = len(number)
    if number[0] == "4" and length in (13, 16, 19):
        return "visa"
    if (51 <= n2 <= 55 or 2221 <= n4 <= 2720) and length == 16:
        return "mastercard"
    if n2 in (34, 37) and length == 15:
        return "amex"
    if (number.startswith(("6011", "65")) or 644 <= int(number[:3]) <= 649) and length >= 16:
        return "discover"
    if 3528 <= n4 <= 3589 and length >= 16:
        return "jcb"
    if n2 == 62 and length >= 16:
        return "unionpay"
    if (n2 in (36, 38, 39) or 300 <= int(number[:3]) <= 305) and length >= 14:
        return "diners"
    if number[:2] in ("50", "56", "57", "58", "67") or number[0] == "6":
        return "maestro" if length >= 12 else None
    return None


class PaymentCardRecognizer(NumericIdRecognizer):
    kind = "payment_card"
    scheme = "payment_card"
    context = CONTEXT
    lengths = frozenset(range(13, 20))
    base_score = 0.8
    context_score = 0.95

    def validate(self, compact: str) -> dict[str, Any] | None:
        b = brand(compact)
        if b is None or not luhn.is_valid(compact):
            return None
        return {"brand": b}

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        for span in self.spans(doc):
            raw = span.raw
            grouped = _GROUPED.fullmatch(raw) is not None
            if not grouped and not raw.isdigit():
                continue
            compact = span.compact
            card_brand = brand(compact)
            if card_brand is None:
                continue
            # inside a longer run of groups (USPS 9400 2453 7973 9536 1743 28) only with context
            inside = _GROUP_BEFORE.search(doc.folded, max(0, span.start - 8), span.start)
            strong = (grouped or len(compact) == 16) and inside is None
            base = None if strong else (0.6 if card_brand == "amex" else 0.35)
            if base is not None and self.hopeless(doc, span.start, span.end, base):
                continue
            if not luhn.is_valid(compact):
                continue
            details = {"brand": card_brand}
            cand = self.candidate(doc, span.start, span.end, compact, details, base=base)
            yield self.unless_example(doc, cand)
