"""Tables pasted into posts (tab-, pipe-, semicolon- or comma-separated lines under a header
line): each data cell's column header is its context, as a label before it would be.

``Name,Passeport,Né(e) le`` over ``Gilles Fabre,67UN96324,15 mai 1969``: the passport number's
label is ``Passeport``, two lines up. Linear in the text; quotes in comma-separated lines are
honoured (``"December 7, 1981"`` is one cell).
"""

from __future__ import annotations

import re

DELIMITERS = ("\t", "|", ";", ",")
_LINE = re.compile(r"[^\n]+")
_RULE = re.compile(r"[\s:|-]*")  # a Markdown table's |---|:---| line


def split_cells(line: str, start: int, delimiter: str) -> list[tuple[int, int]]:
    """The cells of ``line`` (which starts at offset ``start``) as (start, end) offsets,
    without surrounding spaces and quotes."""
    cells = []
    quoted = False
    begin = 0
    for i, ch in enumerate(line):
        if ch == '"' and delimiter == ",":
            quoted = not quoted
        elif ch == delimiter and not quoted:
            cells.append((begin, i))
            begin = i + 1
    cells.append((begin, len(line)))
    out = []
    for lo, hi in cells:
        while lo < hi and line[lo] in ' "\t':
            lo += 1
        while hi > lo and line[hi - 1] in ' "\t\r':
            hi -= 1
        out.append((start + lo, start + hi))
    return out


def column_cells(text: str) -> list[tuple[int, int, int, int]]:
    """(cell start, cell end, header start, header end) of every data cell of every table in
    ``text``, sorted by cell start. A table is two or more consecutive lines with the same
    number (two or more) of cells; its first line is the header and must hold no digit."""
    if "\n" not in text:
        return []
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text)]
    out: list[tuple[int, int, int, int]] = []
    i = 0
    while i < len(lines):
        found = _table_at(text, lines, i)
        if found is None:
            i += 1
            continue
        cells, end = found
        out.extend(cells)
        i = end
    return out


def _table_at(
    text: str, lines: list[tuple[int, str]], i: int
) -> tuple[list[tuple[int, int, int, int]], int] | None:
    """The table whose header is line ``i``, if any: its data cells and the next line."""
    start, header_line = lines[i]
    if any(ch.isdigit() for ch in header_line) or _RULE.fullmatch(header_line):
        return None
    for delimiter in DELIMITERS:
        if delimiter not in header_line:
            continue
        header = split_cells(header_line, start, delimiter)
        if sum(1 for h0, h1 in header if h1 > h0) < 2:
            continue  # two named columns at least
        cells: list[tuple[int, int, int, int]] = []
        j = i + 1
        while j < len(lines) and lines[j][0] == lines[j - 1][0] + len(lines[j - 1][1]) + 1:
            row_start, row = lines[j]
            if j == i + 1 and delimiter == "|" and _RULE.fullmatch(row):
                j += 1  # the |---|---| line right under a Markdown header
                continue
            row_cells = split_cells(row, row_start, delimiter)
            if not len(header) - 1 <= len(row_cells) <= len(header) or len(row_cells) < 2:
                break  # (a row may leave out its last, empty cell)
            cells.extend(
                (c0, c1, h0, h1) for (c0, c1), (h0, h1) in zip(row_cells, header, strict=False)
            )
            j += 1
        if cells:
            return cells, j
    return None
