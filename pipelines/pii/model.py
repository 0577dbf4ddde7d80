"""Data types shared by the recognizers and the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "national_id",
    "passport",
    "date_of_birth",
    "address",
    "phone",
    "email",
    "payment_card",
    "iban",
)

# Tie-break between overlapping candidates of equal score: the more specific kind wins.
KIND_PRIORITY = {
    "national_id": 7,
    "passport": 6,
    "iban": 6,
    "payment_card": 5,
    "email": 5,
    "phone": 4,
    "date_of_birth": 3,
    "address": 2,
}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text.

    ``start``/``end`` are character offsets into the original text given to the engine.
    ``masked`` is safe to print, log and store; the matched value itself is kept out of
    ``repr()`` and is only reachable through :attr:`value` (for ``--unmasked`` output).
    """

    kind: str
    country: str | None
    scheme: str
    start: int
    end: int
    score: float
    masked: str
    fingerprint: str
    details: dict[str, Any] = field(default_factory=dict)
    value: str = field(default="", repr=False, compare=False)  # normalised value, never logged

    def to_dict(self, unmasked: bool = False, text: str | None = None) -> dict[str, Any]:
        """JSON-ready dict; with ``unmasked`` (and the original text) the matched text is added."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "country": self.country,
            "scheme": self.scheme,
            "start": self.start,
            "end": self.end,
            "score": self.score,
            "masked": self.masked,
            "fingerprint": self.fingerprint,
            "details": self.details,
        }
        if unmasked:
            out["text"] = text[self.start : self.end] if text is not None else self.value
            out["value"] = self.value
        return out


@dataclass
class Candidate:
    """A match proposed by a recognizer before overlap resolution and masking."""

    kind: str
    country: str | None
    scheme: str
    start: int
    end: int
    score: float
    value: str  # normalised value (compact ID, E.164 phone, ISO date, ...)
    details: dict[str, Any] = field(default_factory=dict)
