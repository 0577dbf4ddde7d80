"""Shape facts about a regex, derived from its parse tree (used to skip recognizers cheaply)."""

from __future__ import annotations

from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

_ZERO_WIDTH = {C.ASSERT, C.ASSERT_NOT, C.AT}


def _digit_class(op: Any, av: Any) -> bool:
    if op is C.LITERAL:
        return "0" <= chr(av) <= "9"
    if op is C.IN:
        for o, a in av:
            if o is C.CATEGORY and a is C.CATEGORY_DIGIT:
                continue
            if o is C.LITERAL and "0" <= chr(a) <= "9":
                continue
            if o is C.RANGE and chr(a[0]) >= "0" and chr(a[1]) <= "9":
                continue
            return False
        return True
    return False


def _digits_min(op: Any, av: Any) -> int | None:
    """Minimum length if the item only ever matches digits, else None."""
    if op in _ZERO_WIDTH:
        return 0
    if _digit_class(op, av):
        return 1
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, _hi, sub = av
        inner = _seq_digits_min(sub)
        return None if inner is None else lo * inner
    if op is C.SUBPATTERN:
        return _seq_digits_min(av[-1])
    if op is C.BRANCH:
        mins = [_seq_digits_min(b) for b in av[1]]
        return None if any(m is None for m in mins) else min(mins)  # type: ignore[type-var]
    return None


def _seq_digits_min(seq: Any) -> int | None:
    total = 0
    for op, av in seq:
        d = _digits_min(op, av)
        if d is None:
            return None
        total += d
    return total


def _guaranteed(op: Any, av: Any) -> int:
    if op is C.BRANCH:
        return min(_seq_run(b) for b in av[1])
    if op is C.SUBPATTERN:
        return _seq_run(av[-1])
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return _seq_run(av[2]) if av[0] >= 1 else 0
    return 0


def _seq_run(seq: Any) -> int:
    best = running = 0
    for op, av in seq:
        d = _digits_min(op, av)
        if d is not None:
            running += d
            continue
        best = max(best, running, _guaranteed(op, av))
        running = 0
    return max(best, running)


def min_digit_run(pattern: str) -> int:
    """A lower bound on the longest run of digits (``\\d``) in any string ``pattern`` matches."""
    return _seq_run(P.parse(pattern))
