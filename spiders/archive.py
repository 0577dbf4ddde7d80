"""Internet Archive copies of any watched account or page (``scrapy crawl archive -a url=...``).

The platform spiders run the same archive phase themselves (``spiders.base``) with
``cached=1`` or when the live account is suspended or not found; this spider runs only that
phase, for an account whose platform is given (``-a platform=mastodon``) or recognised from
its URL.

crawl_state: ``{"archive_last": "<newest snapshot timestamp fetched, YYYYMMDDhhmmss>"}``; the
next crawl lists only newer captures (CDX ``from=``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from monitor.urls import UnknownURL, recognise
from spiders.base import MonitorSpider


class ArchiveSpider(MonitorSpider):
    """``-a url=<account URL> [-a platform=<platform>]``: archived copies only."""

    name = "archive"
    platform_is_archive_only: ClassVar[bool] = True

    def __init__(self, *args: Any, platform: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not platform:
            try:
                platform = recognise(self.url).platform
            except UnknownURL as exc:
                raise ValueError(str(exc)) from exc
        self.platform = platform  # type: ignore[misc]

    def wants_archive(self) -> bool:
        return False  # the archive phase is the whole crawl, started by start()

    async def start(self) -> AsyncIterator[Any]:
        self._archive_started = True
        for request in self.archive_requests():
            yield request
