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
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# The Wayback Machine allows about 24 CDX requests a minute (EDGI's wayback library): one at a
# time, 2.5 s apart.
DOWNLOAD_SLOTS = {"web.archive.org": {"concurrency": 1, "delay": 2.5}}

DOWNLOADER_MIDDLEWARES = {
    "monitor.middlewares.AllowedHostsMiddleware": 50,
    # Scrapy's RetryMiddleware ignores Retry-After; ours honours it (monitor/middlewares.py).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "monitor.middlewares.RetryAfterMiddleware": 550,
    # Redirects and meta refreshes are followed on the requested host only: another host's
    # content must never be stored as the watched account's (monitor/middlewares.py).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "monitor.middlewares.SameHostMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "monitor.middlewares.SameHostRedirectMiddleware": 600,
}
# Longest single wait for Retry-After or a rate-limit reset, in seconds.
MONITOR_RETRY_AFTER_MAX = 300.0
# Wait after a 429/503 that gives no Retry-After.
MONITOR_RETRY_AFTER_DEFAULT = 60.0
# Backoff of other retries: base * 2**(attempt - 1) seconds, capped.
MONITOR_RETRY_BACKOFF_BASE = 2.0
MONITOR_RETRY_BACKOFF_MAX = 120.0
# False: retry at once, ignoring Retry-After and backoff (tests).
MONITOR_RETRY_DELAYS_ENABLED = True
# When non-empty, requests to any other host are dropped (tests: ["127.0.0.1"]).
MONITOR_ALLOWED_HOSTS: list[str] = []

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = os.environ.get("MONITOR_LOG_LEVEL", "INFO")
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# Base URLs of public services; tests and the demo point them at loopback.
BLUESKY_APPVIEW_URL = os.environ.get("MONITOR_BLUESKY_APPVIEW_URL", "https://public.api.bsky.app")
TELEGRAM_PREVIEW_URL = os.environ.get("MONITOR_TELEGRAM_PREVIEW_URL", "https://t.me")
ARCHIVE_URL = os.environ.get("MONITOR_ARCHIVE_URL", "https://web.archive.org")

# How many posts the first crawl of an account goes back (and how many archived snapshots
# one crawl fetches).
MONITOR_BACKFILL = 200
# Safety cap of posts per crawl when catching up on an account (later crawls).
MONITOR_MAX_POSTS_PER_CRAWL = 10_000
# Rows per CDX query (more come with the resume key).
MONITOR_ARCHIVE_CDX_LIMIT = 500
# Most CDX pages (the first and those fetched with a resume key) one crawl asks for.
MONITOR_ARCHIVE_CDX_MAX_PAGES = 20

# Scrapy >= 2.19 starts a code-execution HTTP server per crawl (like the telnet console);
# crawls handle evidence with personal data, so it stays off.
REMOTE_CONTROL_ENABLED = False

# The pipelines (normalise -> detect -> store) and the webhook notifier, for `scrapy crawl` too.
ITEM_PIPELINES = {
    "pipelines.normalise.NormalisePipeline": 100,
    "pipelines.detect.DetectPipeline": 200,
    "pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {"pipelines.notify.WebhookNotifier": 500}
# Newly flagged posts are POSTed here as JSON with masked values only; off when empty.
MONITOR_WEBHOOK_URL = os.environ.get("MONITOR_WEBHOOK_URL", "")
