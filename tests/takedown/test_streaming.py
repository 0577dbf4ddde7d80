"""Exports stream: peak memory does not grow with the number of posts."""

from __future__ import annotations

import tracemalloc
from dataclasses import replace
from datetime import timedelta

from monitor.exports import ExportRequest, run_export
from storage.db import open_database
from storage.posts import FindingRow, PostRow, save_posts
from tests.takedown.seed import T0

FINDING = FindingRow("body", "phone", "FR", "phone", 5, 19, 0.9, "** ** ** ** 78", "ab" * 32)
TEMPLATE = PostRow(
    platform="telegram",
    account_url="https://t.me/bulk",
    post_id="0",
    url="https://t.me/bulk/0",
    posted_at=T0,
    captured_at=T0,
    text="call 06 12 34 56 78 " + "lorem ipsum " * 40,
    raw="<div>x</div>",
    source="html",
    findings=[FINDING],
)


def add_posts(engine, start: int, count: int) -> None:
    rows = [
        replace(
            TEMPLATE,
            post_id=str(i),
            url=f"https://t.me/bulk/{i}",
            posted_at=T0 - timedelta(seconds=i),
            findings=[FINDING],
        )
        for i in range(start, start + count)
    ]
    for offset in range(0, len(rows), 1000):
        save_posts(engine, rows[offset : offset + 1000])


FORMATS = ("jsonl", "csv", "html", "notice", "warc")


def peak_of_export(engine, path, fmt: str) -> tuple[int, int]:
    tracemalloc.start()
    try:
        request = ExportRequest(format=fmt, path=path, batch_size=200, unmasked=fmt == "warc")
        result = run_export(engine, request)
        return result.posts, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_memory_stays_flat(sqlite_url, tmp_path):
    engine = open_database(sqlite_url)
    try:
        add_posts(engine, 0, 500)
        small = {fmt: peak_of_export(engine, tmp_path / f"s.{fmt}", fmt) for fmt in FORMATS}
        add_posts(engine, 500, 3500)
        large = {fmt: peak_of_export(engine, tmp_path / f"l.{fmt}", fmt) for fmt in FORMATS}
    finally:
        engine.dispose()
    for fmt in small:
        assert small[fmt][0] == 500 and large[fmt][0] == 4000
        # 8x the posts, well under 2x the peak: memory does not follow the post count
        assert large[fmt][1] < 2 * small[fmt][1], (fmt, small[fmt][1], large[fmt][1])
