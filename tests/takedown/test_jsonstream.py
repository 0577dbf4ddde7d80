"""The streaming JSON writer behind the notice export gives the same document as json.dumps."""

from __future__ import annotations

import io
import json

from monitor.exports.jsonstream import Lazy, LazyText, dump


def test_lazy_parts_expand_to_the_same_document():
    calls = []

    def rows():
        calls.append(1)
        yield {"url": "https://t.me/a/1", "note": 'quote " and \\ and \n newline'}
        yield {"url": "https://t.me/a/2", "unicode": "身份证 né"}

    document = {
        "empty_list": [],
        "empty_dict": {},
        "empty_lazy": Lazy(lambda: iter(())),
        "rows": Lazy(rows),
        "text": LazyText(lambda: iter(["line one", "\n", "ligne « deux » \t\u2028"])),
        "nested": [{"n": 1, "ok": True, "none": None, "x": 1.5}],
    }
    handle = io.StringIO()
    dump(document, handle)
    assert calls == [1]  # expanded once, when written
    expected = {
        "empty_list": [],
        "empty_dict": {},
        "empty_lazy": [],
        "rows": list(rows()),
        "text": "line one\nligne « deux » \t\u2028",
        "nested": [{"n": 1, "ok": True, "none": None, "x": 1.5}],
    }
    assert json.loads(handle.getvalue()) == expected
    assert "身份证" in handle.getvalue()  # non-ASCII kept, not escaped
