"""Masked renderings of matched values: safe to print, log and store."""

from __future__ import annotations

import re

# Exactly the characters ``str.isalnum`` accepts: re's word class is isalnum() or "_".
_MASKED = re.compile(r"[^\W_]")


def _is_masked_char(ch: str) -> bool:
    return ch.isalnum()


def mask_keep(raw: str, keep_start: int = 2, keep_end: int = 2) -> str:
    """Replace letters/digits/ideographs with ``*`` except the first/last few; keep separators."""
    pos = [m.start() for m in _MASKED.finditer(raw)]  # one character each
    n = len(pos)
    if n <= keep_start + keep_end:
        keep_start, keep_end = (0, 1) if n > 2 else (0, 0)
    # raw[:head] holds the first keep_start masked-class characters, raw[tail:] the last
    # keep_end ones: both kept
    head = pos[keep_start - 1] + 1 if keep_start else 0
    tail = pos[n - keep_end] if keep_end else len(raw)
    return raw[:head] + _MASKED.sub("*", raw[head:tail]) + raw[tail:]


def mask_email(raw: str) -> str:
    local, _, domain = raw.partition("@")
    head = local[:1]
    return f"{head}***@{domain}"


def mask_value(kind: str, raw: str) -> str:
    """Mask ``raw`` (the original matched text) according to its kind."""
    if kind == "email":
        return mask_email(raw)
    if kind == "payment_card":
        return mask_keep(raw, 0, 4)
    if kind == "address":
        return mask_keep(raw, 3, 0)
    if kind == "date_of_birth":
        return mask_keep(raw, 0, 0)
    if kind == "phone":
        return mask_keep(raw, 0, 2)
    return mask_keep(raw, 2, 2)
