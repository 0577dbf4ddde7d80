"""Scrapy settings for the monitor (``scrapy.cfg`` points here)."""

import os

from monitor import __version__

BOT_NAME = "doxxing-monitor"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = os.environ.get(
    "MONITOR_USER_AGENT",
    f"doxxing-monitor/{__version__} (+https://github.com/doxxing-monitor; takedown research)",
)

# Politeness by default.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = os.environ.get("MONITOR_LOG_LEVEL", "INFO")
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# Base URLs of public services; tests and the demo point them at loopback.
BLUESKY_APPVIEW_URL = os.environ.get("MONITOR_BLUESKY_APPVIEW_URL", "https://public.api.bsky.app")
TELEGRAM_PREVIEW_URL = os.environ.get("MONITOR_TELEGRAM_PREVIEW_URL", "https://t.me")
ARCHIVE_URL = os.environ.get("MONITOR_ARCHIVE_URL", "https://web.archive.org")

# How many posts the first crawl of an account goes back.
MONITOR_BACKFILL = 200
