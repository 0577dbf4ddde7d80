"""The PII engine: runs the registered recognizers, resolves overlaps, masks, fingerprints."""

from __future__ import annotations

import bisect
import hmac
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from pipelines.pii.masking import mask_value
from pipelines.pii.model import KIND_PRIORITY, KINDS, Candidate, Finding
from pipelines.pii.recognizers.base import Recognizer
from pipelines.pii.squeeze import squeeze
from pipelines.pii.text import Doc

DEFAULT_MIN_SCORE = 0.5

# language[-Script][-REGION]: "zh", "fr-CA", "zh-Hans", "zh-Hant-TW", "es-419"
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z]{4})?(?:[-_]([A-Za-z]{2}|\d{3}))?$")

Hints = str | Iterable[str] | dict[str, str | Sequence[str] | None] | None


@lru_cache(maxsize=256)
def _parse_hint_str(hint: str) -> tuple[frozenset[str], frozenset[str]]:
    langs, countries = _parse_hints(hint)
    return frozenset(langs), frozenset(countries)


def parse_hints(hints: Hints) -> tuple[set[str], set[str]]:
    """Split hints into (languages, countries); see :func:`_parse_hints` (a single tag, the
    usual case, is parsed once)."""
    if isinstance(hints, str):
        langs, countries = _parse_hint_str(hints)
        return set(langs), set(countries)
    return _parse_hints(hints)


def _parse_hints(hints: Hints) -> tuple[set[str], set[str]]:
    """Split hints into (languages, countries).

    Accepts a language tag (``"zh"``, ``"fr-FR"``), a country code in upper case (``"CN"``),
    an iterable of those, or a dict with ``language``/``languages``/``country``/``countries``.
    """
    langs: set[str] = set()
    countries: set[str] = set()
    if hints is None:
        return langs, countries
    items: list[str] = []
    if isinstance(hints, str):
        items = [hints]
    elif isinstance(hints, dict):
        for key, val in hints.items():
            vals = [val] if isinstance(val, str) else list(val) if isinstance(val, Iterable) else []
            if key in ("country", "countries", "region", "regions"):
                countries.update(v.upper() for v in vals if isinstance(v, str))
            else:
                items.extend(v for v in vals if isinstance(v, str))
    elif isinstance(hints, Iterable):
        items = [h for h in hints if isinstance(h, str)]
    # anything else (a number from a wrongly typed field) gives no hints
    for item in items:
        m = _TAG.match(item.strip())
        if not m:
            continue
        first, second = m.group(1), m.group(2)
        if second is None and len(first) == 2 and first.isupper():
            countries.add(first)
            continue
        langs.add(first.lower())
        if second and second.isalpha():
            countries.add(second.upper())
    return langs, countries


def fingerprint(key: bytes, value: str) -> str:
    """Keyed fingerprint of a normalised value: HMAC-SHA256 hex."""
    return hmac.digest(key, value.encode("utf-8"), "sha256").hex()  # == hmac.new(...).hexdigest()


def resolve_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Keep the best of overlapping candidates (score, then kind priority, then length)."""
    ordered = sorted(
        cands,
        key=lambda c: (-c.score, -KIND_PRIORITY.get(c.kind, 0), -(c.end - c.start), c.start),
    )
    starts: list[int] = []  # kept intervals, disjoint, sorted by start
    ends: list[int] = []
    kept: list[Candidate] = []
    for c in ordered:
        i = bisect.bisect_left(starts, c.start)
        if i < len(starts) and starts[i] < c.end:
            continue
        if i > 0 and ends[i - 1] > c.start:
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        kept.append(c)
    kept.sort(key=lambda c: (c.start, c.end))
    return kept


MAX_SPAN = 400  # no recognizer reports a longer span (addresses are the longest)


def _beaten(cand: Candidate, plain: list[tuple[int, int, float]]) -> bool:
    """Whether a candidate of ``plain`` (sorted (start, end, score)) overlapping ``cand``
    scores at least as high."""
    i = bisect.bisect_left(plain, (cand.end,)) - 1
    while i >= 0 and plain[i][0] > cand.start - MAX_SPAN:
        _start, end, score = plain[i]
        if end > cand.start and score >= cand.score:
            return True
        i -= 1
    return False


class Engine:
    """Detect personal data in text.

    ``Engine(secret_key, kinds=None, min_score=0.5).scan(text, hints=None) -> list[Finding]``

    * ``secret_key``: bytes used for the HMAC fingerprints (see ``monitor.secret_key``).
    * ``kinds``: restrict to these kinds (see ``pipelines.pii.KINDS``); ``None`` = all.
    * ``min_score``: drop findings scored below it. The default (0.5) is the flag threshold;
      candidates lowered by negative context (order/tracking numbers, URLs) or lacking
      required context score below it. Use 0.0 to see them too.
    * ``hints``: the post's language and/or country (``"zh"``, ``"fr-FR"``, ``["en", "GB"]``,
      ``{"language": "de"}``); they choose the phone regions and date order.
    """

    def __init__(
        self,
        secret_key: bytes,
        kinds: Iterable[str] | None = None,
        min_score: float = DEFAULT_MIN_SCORE,
        recognizers: Sequence[Recognizer] | None = None,
    ) -> None:
        from pipelines.pii.registry import default_recognizers

        if not isinstance(secret_key, bytes | bytearray) or not secret_key:
            raise ValueError("secret_key must be non-empty bytes")
        self._key = bytes(secret_key)
        self.kinds = frozenset(kinds) if kinds is not None else frozenset(KINDS)
        unknown = self.kinds - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds: {', '.join(sorted(unknown))}")
        self.min_score = min_score
        recs = default_recognizers() if recognizers is None else list(recognizers)
        self.recognizers = [r for r in recs if r.kind in self.kinds]

    def candidates(self, text: str, hints: Hints = None, min_score: float = 0.0) -> list[Candidate]:
        """Raw candidates (before overlap resolution); ``min_score`` lets recognizers skip
        work on candidates that cannot reach it."""
        langs, countries = parse_hints(hints)
        out = self._run(Doc(text, langs, countries), min_score)
        squeezed = squeeze(text)
        if squeezed is not None:  # digits typed one by one, pictographs between groups
            plain = sorted((c.start, c.end, c.score) for c in out)
            for cand in self._run(Doc(squeezed.text, langs, countries), min_score):
                cand.start, cand.end = squeezed.original(cand.start, cand.end)
                # The plain reading wins ties: two numbers on two lines stay two numbers.
                if not _beaten(cand, plain):
                    out.append(cand)
        return out

    def _run(self, doc: Doc, min_score: float) -> list[Candidate]:
        doc.min_score = min_score
        out: list[Candidate] = []
        for rec in self.recognizers:
            if rec.applies(doc):
                out.extend(rec.analyze(doc))
        return out

    def scan(self, text: str, hints: Hints = None) -> list[Finding]:
        """Findings in ``text``, sorted by position, offsets into ``text``."""
        if not text:
            return []
        cands = [
            c for c in self.candidates(text, hints, self.min_score) if c.score >= self.min_score
        ]
        findings = []
        for c in resolve_overlaps(cands):
            findings.append(
                Finding(
                    kind=c.kind,
                    country=c.country,
                    scheme=c.scheme,
                    start=c.start,
                    end=c.end,
                    score=c.score,
                    masked=mask_value(c.kind, text[c.start : c.end]),
                    fingerprint=fingerprint(self._key, c.value),
                    details=c.details,
                    value=c.value,
                )
            )
        return findings


def scan_text(
    text: str,
    secret_key: bytes,
    hints: Hints = None,
    kinds: Iterable[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[Finding]:
    """One-shot helper: ``Engine(secret_key, kinds, min_score).scan(text, hints)``."""
    return Engine(secret_key, kinds=kinds, min_score=min_score).scan(text, hints)
