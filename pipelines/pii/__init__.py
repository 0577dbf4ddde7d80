"""PII detection engine (plain Python, no Scrapy).

Public API::

    from pipelines.pii import Engine, Finding, KINDS, scan_text

    engine = Engine(secret_key, kinds=None, min_score=0.5)
    findings = engine.scan(text, hints="zh")   # list[Finding], offsets into ``text``

A :class:`Finding` has ``kind``, ``country``, ``scheme``, ``start``, ``end``, ``score``,
``masked``, ``fingerprint`` (HMAC-SHA256 of the normalised value with the deployment
secret) and ``details`` (what an ID encodes: birth date, sex, region). The normalised value
is available as ``finding.value`` for ``--unmasked`` output only; it is not part of ``repr``.
"""

from pipelines.pii.engine import DEFAULT_MIN_SCORE, Engine, fingerprint, scan_text
from pipelines.pii.model import KINDS, Finding

__all__ = ["DEFAULT_MIN_SCORE", "KINDS", "Engine", "Finding", "fingerprint", "scan_text"]
