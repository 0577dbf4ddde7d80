"""``csv``: the jsonl fields, one row per post, for spreadsheets."""

from __future__ import annotations

import csv
import json

from sqlalchemy import Engine

from monitor.exports import ExportRequest, output_file, post_record, posts_of

COLUMNS = (
    "platform",
    "account_url",
    "post_id",
    "url",
    "posted_at",
    "first_seen_at",
    "last_seen_at",
    "captured_at",
    "status",
    "severity",
    "kinds",
    "findings",
    "evidence_sha256",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A cell no spreadsheet evaluates: leading formula characters get a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write(engine: Engine, request: ExportRequest) -> int:
    """Write the header and one row per post; returns how many posts."""
    count = 0
    with output_file(request.path, request.unmasked) as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for post in posts_of(engine, request):
            record = post_record(post, request.unmasked)
            record["kinds"] = ";".join(record["kinds"])
            record["findings"] = json.dumps(record["findings"], ensure_ascii=False)
            writer.writerow([cell(record[c]) for c in COLUMNS])
            count += 1
    return count
