"""``jsonl``: one flagged post per line."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from monitor.exports import ExportRequest, output_file, post_record, posts_of


def write(engine: Engine, request: ExportRequest) -> int:
    """Write the posts; returns how many."""
    count = 0
    with output_file(request.path, request.unmasked) as handle:
        for post in posts_of(engine, request):
            record = post_record(post, request.unmasked)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count
