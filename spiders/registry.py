"""Which spider crawls which platform, for code that runs crawls (``monitor.crawl``)."""

from __future__ import annotations

from scrapy import Spider

from spiders.archive import ArchiveSpider
from spiders.base import MonitorSpider
from spiders.bluesky import BlueskySpider
from spiders.feed import FeedSpider
from spiders.mastodon import MastodonSpider
from spiders.page import PageSpider
from spiders.telegram import TelegramSpider

__all__ = ["SPIDERS", "SPIDER_NAMES", "spider_for"]

SPIDERS: dict[str, type[MonitorSpider]] = {
    "mastodon": MastodonSpider,
    "bluesky": BlueskySpider,
    "telegram": TelegramSpider,
    "feed": FeedSpider,
    "page": PageSpider,
    "archive": ArchiveSpider,
}
# platform -> ``scrapy crawl`` name (the same strings today; kept apart on purpose).
SPIDER_NAMES: dict[str, str] = {platform: cls.name for platform, cls in SPIDERS.items()}


def spider_for(platform: str) -> type[Spider]:
    """The spider class of ``platform`` (``mastodon``, ``bluesky``, ``telegram``, ``feed``,
    ``page``, or ``archive`` for cached copies only)."""
    try:
        return SPIDERS[platform]
    except KeyError:
        raise KeyError(
            f"no spider for platform {platform!r}; known: {', '.join(SPIDERS)}"
        ) from None
