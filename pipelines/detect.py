"""Detect pipeline: the PII engine on every field a reader of the post sees."""

from __future__ import annotations

from functools import lru_cache
from typing import Self

from scrapy.crawler import Crawler

from monitor.items import Post
from monitor.secret_key import load_secret_key
from pipelines.normalise import scanned_fields
from pipelines.pii import Engine


@lru_cache(maxsize=4)
def shared_engine(secret_key: bytes) -> Engine:
    """One PII engine per key and process: every crawl of a process scans with the same one
    (the engine keeps no state between scans; building it per crawl cost time and memory)."""
    return Engine(secret_key)


class DetectPipeline:
    """Attaches ``(field, finding)`` pairs to each post; offsets are relative to the field."""

    def __init__(self, engine: Engine, crawler: Crawler | None = None) -> None:
        self.engine = engine
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(shared_engine(load_secret_key()), crawler)

    def process_item(self, item: object) -> object:
        if isinstance(item, Post):
            item.findings = [
                (name, finding)
                for name, text in scanned_fields(item)
                for finding in self.engine.scan(text, hints=item.language)
            ]
            if item.findings and self.crawler is not None and self.crawler.stats is not None:
                self.crawler.stats.inc_value("monitor/posts_with_findings")
        return item
