"""Crawl intervals written as ``30m``, ``6h``, ``1d``."""

import re

UNITS = {"m": 60, "h": 3600, "d": 86400}
INTERVAL = re.compile(r"^\s*(\d{1,6})\s*([mhd])\s*$", re.IGNORECASE)
MINIMUM_SECONDS = 60


def parse_interval(text: str) -> int:
    """Seconds in an interval such as ``30m``, ``6h`` or ``1d``; ValueError if malformed."""
    match = INTERVAL.match(text or "")
    if not match:
        raise ValueError(f"bad interval {text!r}: write a number and m, h or d, e.g. 30m, 6h, 1d")
    seconds = int(match.group(1)) * UNITS[match.group(2).lower()]
    if seconds < MINIMUM_SECONDS:
        raise ValueError(f"bad interval {text!r}: the shortest is 1m")
    return seconds


def format_interval(seconds: int) -> str:
    """The shortest exact form of ``seconds``: 86400 -> ``1d``, 5400 -> ``90m``."""
    for unit in ("d", "h", "m"):
        if seconds % UNITS[unit] == 0:
            return f"{seconds // UNITS[unit]}{unit}"
    return f"{seconds}s"
