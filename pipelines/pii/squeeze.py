"""A second reading of a text written to dodge filters.

Characters typed one by one (``DNI 7 1 6 0 0 3 0 6 H``, ``E S 9 2 7 8 ...``, ``0.6.2.9.6.1.9``)
and pictographs between digit groups (``2861❤️9137❤️8021``, ``98625766❤️H``) are taken out, so
the recognizers see ``71600306H`` and ``286191378021``; a line break between two digit groups
(``133⏎1206 5906``) reads as a space. Offsets found in the squeezed text map back to the
original text through the kept positions.
"""

from __future__ import annotations

import re

# Seven or more single letters or digits, each after one space, at least five of them digits;
# or seven or more single digits each after the same dot or dash (0.6.2.9.6.1.9.1.4.8).
_ONE_BY_ONE = re.compile(
    r"(?<![^\W_])[^\W_](?: [^\W_]){6,}(?![^\W_])"
    r"|(?<![0-9A-Za-z.-])\d(?:\.\d){6,}(?![0-9A-Za-z.-])"
    r"|(?<![0-9A-Za-z.-])\d(?:-\d){6,}(?![0-9A-Za-z.-])"
)
_MIN_DIGITS = 5
# A pictograph (with its variation selector or joiner) between a digit and a digit or letter.
_P = r"[\u2600-\u27bf\U0001f300-\U0001faff][\ufe0f\u200d]?"
_PICTOGRAPH = re.compile(rf"(?<=\d){_P}(?=[0-9A-Za-z])|(?<=[A-Za-z]){_P}(?=\d)")
# A number broken over two lines: a line break between digit groups.
_LINE_BREAK = re.compile(r"(?<=\d\d)\r?\n(?=\d{3})")  # (groups of 2+ and 3+ digits)
# ... only when the line holds more than the number (a label, a cell): "Tel: 133⏎1206 5906".
_LABELLED_LINE_END = re.compile(r"[^\W\d_][^\n]*?[\d ]+$|[\t,;:|\"][\d ]+$")
# Cheap necessary conditions (one pattern each: an alternation starting with classes is slow).
_MAYBE_ONE_BY_ONE = re.compile(r"\d [^\W_] [^\W_] |\d([.-])\d\1\d\1\d")
_MAYBE_PICTOGRAPH = re.compile(rf"\d{_P}|{_P}\d")


class Squeezed:
    """``text`` with the dodging characters removed; ``original(start, end)`` maps a span of
    :attr:`text` back to the original text."""

    def __init__(self, text: str, kept: list[int], original_length: int) -> None:
        self.text = text
        self._kept = kept
        self._length = original_length

    def original(self, start: int, end: int) -> tuple[int, int]:
        if start >= end:
            pos = self._kept[start] if start < len(self._kept) else self._length
            return pos, pos
        return self._kept[start], self._kept[end - 1] + 1


def squeeze(text: str) -> Squeezed | None:
    """The squeezed reading of ``text``, or ``None`` when nothing in it was written so."""
    if not (
        _MAYBE_ONE_BY_ONE.search(text)
        or ("\n" in text and _LINE_BREAK.search(text))
        or (not text.isascii() and _MAYBE_PICTOGRAPH.search(text))
    ):
        return None
    dropped: set[int] = set()
    for m in _ONE_BY_ONE.finditer(text):
        if sum(ch.isdigit() for ch in m.group()) >= _MIN_DIGITS:
            dropped.update(range(m.start() + 1, m.end(), 2))  # the separators
    for m in _PICTOGRAPH.finditer(text):
        dropped.update(range(m.start(), m.end()))
    spaces: set[int] = set()
    for m in _LINE_BREAK.finditer(text):
        if _LABELLED_LINE_END.search(text, max(0, m.start() - 40), m.start()) is None:
            continue  # a line of digits alone: a list ("06\n12\n34"), not a broken number
        dropped.update(range(m.start(), m.end() - 1))  # a "\r"
        spaces.add(m.end() - 1)
    if not dropped and not spaces:
        return None
    kept = [i for i in range(len(text)) if i not in dropped]
    squeezed = "".join(" " if i in spaces else text[i] for i in kept)
    return Squeezed(squeezed, kept, len(text))
