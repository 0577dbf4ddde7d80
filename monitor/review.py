"""Helpers shared by the review, takedown, export and verify commands."""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime
from typing import Any

from storage.review import FlaggedPost

ACTOR_ENV = "MONITOR_ACTOR"


def current_actor(explicit: str | None = None) -> str:
    """Who is acting: ``--by``, else ``MONITOR_ACTOR``, else the login name."""
    if explicit:
        return explicit
    env = os.environ.get(ACTOR_ENV)
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


def iso(value: datetime | None) -> str | None:
    """ISO 8601 UTC with ``Z``."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_since(text: str) -> datetime:
    """``2026-11-01`` or a full ISO timestamp; naive values are taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def findings_of(post: FlaggedPost, unmasked: bool = False) -> list[dict[str, Any]]:
    """The findings of a post as exported: masked, plus ``value`` in clear with ``unmasked``."""
    out = []
    for f in post.findings:
        item = f.summary()
        if unmasked:
            item["value"] = post.clear_value(f)
        out.append(item)
    return out


def masked_segments(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_masked) with each span replaced by its masked value."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end, masked in sorted(spans):
        start, end = max(0, start), min(end, len(text))
        if end <= position or start >= end:
            continue
        if start < position:  # overlaps the previous span: hide the rest of it too
            pieces.append(("*" * (end - position), True))
        else:
            if start > position:
                pieces.append((text[position:start], False))
            pieces.append((masked, True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def masked_field(post: FlaggedPost, name: str) -> list[tuple[str, bool]]:
    """One scanned field of a post with its findings masked."""
    spans = [(f.start, f.end, f.masked) for f in post.findings if f.field == name]
    return masked_segments(post.field_text(name), spans)


def masked_text(post: FlaggedPost, name: str = "body") -> str:
    """One scanned field of a post as plain text with its findings masked."""
    return "".join(piece for piece, _ in masked_field(post, name))


def field_names(post: FlaggedPost) -> list[str]:
    """The scanned fields of a post that have text, in reading order."""
    names = ["content_warning", "body"]
    names += [f"alt_text_{i}" for i in range(len(post.alt_texts))]
    names.append("quoted")
    return [n for n in names if post.field_text(n)]
