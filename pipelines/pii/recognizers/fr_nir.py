"""France: numéro d'inscription au répertoire (NIR, numéro de sécurité sociale).

15 characters: sex, birth year (2 digits), birth month, département (2A/2B for Corsica),
commune, order number and a mod-97 key, often written in groups (``1 84 12 76 451 089 46``).
python-stdnum validates the key (with the Corsica substitution).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from stdnum.fr import nir

from pipelines.pii.recognizers.base import ID_WORDS, RegexRecognizer

_S = r"[ .-]?"
PATTERN = re.compile(
    rf"(?<![0-9A-Za-z])[1-478]{_S}\d{{2}}{_S}\d{{2}}{_S}(?:\d{{2}}|2[ABab]){_S}\d{{3}}{_S}\d{{3}}"
    rf"{_S}\d{{2}}(?![0-9A-Za-z])"
)

CONTEXT = (
    *ID_WORDS,
    "sécurité sociale",
    "n° ss",
    "no ss",
    "securite sociale",
    "sécu",
    "secu",
    "nir",
    "insee",
    "carte vitale",
    "social security",
    "ssn",
)


def decode(compact: str) -> dict[str, Any]:
    yy, mm = int(compact[1:3]), int(compact[3:5])
    century = 2000 if 2000 + yy <= dt.date.today().year - 14 else 1900
    details: dict[str, Any] = {
        "sex": {"1": "male", "2": "female"}.get(compact[0], "unknown"),
        "department": compact[5:7],
    }
    if 1 <= mm <= 12:
        details["birth_year_month"] = f"{century + yy:04d}-{mm:02d}"
    else:
        details["birth_year"] = century + yy
    return details


class FranceNirRecognizer(RegexRecognizer):
    country = "FR"
    scheme = "fr_nir"
    context = CONTEXT
    pattern = PATTERN
    base_score = 0.85
    context_score = 0.97
    min_digits = 13

    def validate(self, match: re.Match[str]) -> tuple[str, dict[str, Any]] | None:
        compact = re.sub(r"[ .-]", "", match.group()).upper()
        if not nir.is_valid(compact):
            return None
        return compact, decode(compact)
