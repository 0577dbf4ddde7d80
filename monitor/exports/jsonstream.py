"""Write a JSON document whose long parts are produced while it is written.

``Lazy(make)`` stands for an array and ``LazyText(make)`` for a string; ``make()`` is called
when the writer reaches them, so a document that lists 100,000 posts in several places never
holds them all: each place streams them again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import IO, Any


class Lazy:
    """A JSON array whose elements ``make()`` yields when it is written."""

    def __init__(self, make: Callable[[], Iterable[Any]]) -> None:
        self.make = make


class LazyText:
    """A JSON string written from the pieces ``make()`` yields."""

    def __init__(self, make: Callable[[], Iterable[str]]) -> None:
        self.make = make


def dump(value: Any, handle: IO[str], indent: int = 2, level: int = 0) -> None:
    """Write ``value`` as indented JSON (non-ASCII kept), expanding lazy parts as they come."""
    inner = "\n" + " " * (indent * (level + 1))
    outer = "\n" + " " * (indent * level)
    if isinstance(value, dict):
        handle.write("{")
        for number, (key, item) in enumerate(value.items()):
            handle.write(("," if number else "") + inner + json.dumps(str(key)) + ": ")
            dump(item, handle, indent, level + 1)
        handle.write((outer if value else "") + "}")
    elif isinstance(value, list | tuple | Lazy):
        handle.write("[")
        empty = True
        for item in value.make() if isinstance(value, Lazy) else value:
            handle.write(("" if empty else ",") + inner)
            dump(item, handle, indent, level + 1)
            empty = False
        handle.write(("" if empty else outer) + "]")
    elif isinstance(value, LazyText):
        handle.write('"')
        for piece in value.make():
            handle.write(json.dumps(piece, ensure_ascii=False)[1:-1])
        handle.write('"')
    else:
        handle.write(json.dumps(value, ensure_ascii=False))
