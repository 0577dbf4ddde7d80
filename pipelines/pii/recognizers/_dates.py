"""Small date helpers shared by recognizers."""

from __future__ import annotations

import datetime as dt

MIN_YEAR = 1900


def make_date(year: int, month: int, day: int) -> dt.date | None:
    """A real calendar date between 1900 and today, else ``None``."""
    if year < MIN_YEAR:
        return None
    try:
        d = dt.date(year, month, day)
    except ValueError:
        return None
    if d > dt.date.today():
        return None
    return d
