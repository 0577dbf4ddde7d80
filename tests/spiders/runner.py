"""Run one spider crawl in this process and write what it yielded, for crawl tests.

    python -m tests.spiders.runner OUT.json mastodon -a url=... -s KEY=VALUE ...

OUT.json gets ``{"items": [...], "stats": {...}}``: every ``Post`` and ``AccountStatus`` as
JSON (capture bodies as their length and SHA-256), and the crawl stats. A separate process per
crawl, because a Twisted reactor cannot be restarted.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
from datetime import datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from spiders.registry import spider_for


def to_json(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"length": len(value), "sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        data["_type"] = type(value).__name__
        return data
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def _pairs(values: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for pair in values:
        key, _, raw = pair.partition("=")
        try:
            result[key] = json.loads(raw)
        except ValueError:
            result[key] = raw
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("spider")
    parser.add_argument("-a", action="append", default=[], help="spider argument NAME=VALUE")
    parser.add_argument("-s", action="append", default=[], help="setting NAME=VALUE (JSON)")
    args = parser.parse_args(argv)
    settings = get_project_settings()
    for key, value in _pairs(args.s).items():
        settings.set(key, value, priority="cmdline")
    spider_args = {k: v for k, _, v in (pair.partition("=") for pair in args.a)}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_for(args.spider))
    items: list[Any] = []
    crawler.signals.connect(
        lambda item: items.append(item), signal=signals.item_scraped, weak=False
    )
    process.crawl(crawler, **spider_args)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump({"items": to_json(items), "stats": to_json(stats)}, out, ensure_ascii=False)


if __name__ == "__main__":
    main()
