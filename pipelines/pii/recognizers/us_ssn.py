"""United States Social Security Number (AAA-GG-SSSS).

python-stdnum checks the area/group/serial rules (no 000/666/9xx area, no 00 group, no 0000
serial, known advertising numbers). The dashed form is reported on its own; the spaced form
and a bare 9-digit number only with context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from stdnum.us import ssn

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers.base import NumericIdRecognizer
from pipelines.pii.text import Doc

CONTEXT = (
    "ssn",
    "social security",
    "social-security",
    "soc sec",
    "ss#",
    "ss #",
    "taxpayer",
    "tin",
    "itin",
    "my social",
    "social #",
    "social is",
    "his social",
    "her social",
    "their social",
    "ss no",
    "social sec",
    "social:",  # "Social: 090 25 3537" (a bare or spaced number needs a label, a dashed one not)
    "social |",
    "social -",
)


class UsSsnRecognizer(NumericIdRecognizer):
    country = "US"
    scheme = "us_ssn"
    context = CONTEXT
    lengths = frozenset({9})
    layout = re.compile(r"\d{3}-\d{2}-\d{4}|\d{3} \d{2} \d{4}|\d{9}")
    base_score = 0.6
    context_score = 0.92

    def validate(self, compact: str) -> dict[str, Any] | None:
        return {} if ssn.is_valid(compact) else None

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        for span in self.spans(doc):
            dashed = "-" in span.raw
            base = None if dashed else 0.3 if " " in span.raw else 0.15
            if base is not None and self.hopeless(doc, span.start, span.end, base, 0.85):
                continue
            if not ssn.is_valid(span.compact):
                continue
            if base is None:
                yield self.candidate(doc, span.start, span.end, span.compact)
            else:
                yield self.candidate(
                    doc, span.start, span.end, span.compact, base=base, with_context=0.85
                )
