"""Export memory: peak memory of each export format for 10,000 and 100,000 flagged posts.

    python bench/export_bench.py [--sizes 10000,100000] [--formats jsonl,csv,html,notice,warc]

Fills a scratch SQLite database with synthetic flagged Telegram posts (one finding each, one
capture per 40 posts, like a crawled page), then runs every export in its own child process
(``monitor.exports.run_export``, the code behind ``monitor export``) and prints its wall time
and the child's peak RSS (``ru_maxrss``; about 80 MB of it is the interpreter and imports).
Flat means the 100,000-post figures stay near the 10,000-post ones.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from monitor.exports import ExportRequest, run_export  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.posts import CaptureRow, FindingRow, PostRow, save_posts  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=UTC)
FINDING = FindingRow("body", "phone", "FR", "phone", 5, 19, 0.9, "** ** ** ** 78", "ab" * 32)


def fill(url: str, count: int, start: int = 0) -> None:
    """Add ``count`` flagged posts (ids ``start``...) to the database at ``url``."""
    engine = open_database(url)
    try:
        rows: list[PostRow] = []
        capture: CaptureRow | None = None
        for i in range(start, start + count):
            if i % 40 == 0:
                body = f"<html>page {i} ".encode() + b"x" * 20_000
                capture = CaptureRow(
                    request_url=f"https://t.me/s/bulk?before={i}",
                    status=200,
                    headers={"content-type": "text/html"},
                    body=body,
                    captured_at=T0 + timedelta(seconds=i),
                )
            rows.append(
                PostRow(
                    platform="telegram",
                    account_url="https://t.me/bulk",
                    post_id=f"bulk/{i}",
                    url=f"https://t.me/bulk/{i}",
                    posted_at=T0 - timedelta(seconds=i),
                    captured_at=T0 + timedelta(seconds=i),
                    text="call 06 12 34 56 78 " + "lorem ipsum " * 40,
                    raw="<div>x</div>",
                    source="html",
                    capture=capture,
                    findings=[replace(FINDING)],
                )
            )
            if len(rows) == 1000:
                save_posts(engine, rows)
                rows = []
        if rows:
            save_posts(engine, rows)
    finally:
        engine.dispose()


def child(url: str, fmt: str, path: str) -> None:
    engine = open_database(url)
    started = time.perf_counter()
    result = run_export(
        engine, ExportRequest(format=fmt, path=Path(path), unmasked=fmt == "warc", actor="bench")
    )
    elapsed = time.perf_counter() - started
    engine.dispose()
    print(
        json.dumps(
            {
                "format": fmt,
                "posts": result.posts,
                "seconds": round(elapsed, 1),
                "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "size_mb": round(Path(path).stat().st_size / 2**20, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--formats", default="jsonl,csv,html,notice,warc")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/export-bench.db"
        filled = 0
        for size in sizes:
            print(f"filling to {size} posts ...", file=sys.stderr)
            fill(url, size - filled, filled)
            filled = size
            for fmt in args.formats.split(","):
                out = Path(scratch) / f"out-{size}.{fmt}"
                done = subprocess.run(
                    [sys.executable, __file__, "--child", url, fmt, str(out)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                print(done.stdout.strip(), flush=True)
                out.unlink()


if __name__ == "__main__":
    main()
