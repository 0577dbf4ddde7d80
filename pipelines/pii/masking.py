"""Masked renderings of matched values: safe to print, log and store."""

from __future__ import annotations


def _is_masked_char(ch: str) -> bool:
    return ch.isalnum()


def mask_keep(raw: str, keep_start: int = 2, keep_end: int = 2) -> str:
    """Replace letters/digits/ideographs with ``*`` except the first/last few; keep separators."""
    positions = [i for i, ch in enumerate(raw) if _is_masked_char(ch)]
    n = len(positions)
    if n <= keep_start + keep_end:
        keep_start, keep_end = (0, 1) if n > 2 else (0, 0)
    keep = set(positions[:keep_start]) | set(positions[n - keep_end :] if keep_end else [])
    return "".join(
        ch if (i in keep or not _is_masked_char(ch)) else "*" for i, ch in enumerate(raw)
    )


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
