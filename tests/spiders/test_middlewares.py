"""Retry-After and rate-limit header handling (monitor/middlewares.py)."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from monitor.middlewares import RetryAfterMiddleware, parse_reset, parse_retry_after

NOW = 1_750_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        (formatdate(NOW + 30, usegmt=True), 30.0),
        (formatdate(NOW - 30, usegmt=True), 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-15T15:07:20.000Z", 40.0),  # Mastodon X-RateLimit-Reset (ISO 8601)
        (str(int(NOW) + 90), 90.0),  # RateLimit-Reset as epoch seconds (Bluesky)
        ("45", 45.0),  # RateLimit-Reset as delta seconds (IETF draft)
        ("garbage", None),
    ],
)
def test_parse_reset(value, expected):
    result = parse_reset(value, now=NOW)
    assert result == (pytest.approx(expected) if expected is not None else None)


def _middleware(**settings) -> RetryAfterMiddleware:
    return RetryAfterMiddleware.from_crawler(get_crawler(Spider, settings_dict=settings))


def test_waits_are_capped_and_pause_the_host():
    middleware = _middleware(MONITOR_RETRY_AFTER_MAX=10)
    assert middleware._pause("a.example", 3600, "test") == 10
    assert 9 < middleware.busy_until["a.example"] - time.monotonic() <= 10


def test_delays_can_be_turned_off():
    middleware = _middleware(MONITOR_RETRY_DELAYS_ENABLED=False)
    assert middleware._pause("a.example", 30, "test") == 0
    assert "a.example" not in middleware.busy_until


def test_backoff_doubles_and_is_capped():
    from scrapy import Request

    middleware = _middleware(MONITOR_RETRY_BACKOFF_BASE=1.5, MONITOR_RETRY_BACKOFF_MAX=5)
    waits = [
        middleware._backoff(Request("https://a.example", meta={"retry_times": n})) for n in range(4)
    ]
    assert waits == [1.5, 3.0, 5, 5]


def test_replaces_scrapys_retry_middleware():
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert "monitor.middlewares.RetryAfterMiddleware" in middlewares
    assert 429 in settings.getlist("RETRY_HTTP_CODES") or "429" in settings.getlist(
        "RETRY_HTTP_CODES"
    )
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "{iso}"},  # Mastodon
        {"RateLimit-Remaining": "0", "RateLimit-Reset": "{epoch}"},  # Bluesky
    ],
)
def test_a_429_without_retry_after_waits_for_the_quota_reset(headers: dict[str, str]) -> None:
    import asyncio
    from datetime import UTC, datetime

    from scrapy import Request
    from scrapy.http import Response

    crawler = get_crawler(Spider)
    crawler.spider = Spider.from_crawler(crawler, name="test")
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    reset = time.time() + 250
    values = {"iso": datetime.fromtimestamp(reset, UTC).isoformat(), "epoch": str(int(reset))}
    request = Request("https://a.example/api/v1/accounts/1/statuses")
    response = Response(
        request.url,
        status=429,
        headers={k: v.format(**values) for k, v in headers.items()},
        request=request,
    )
    retry = asyncio.run(middleware.process_response(request, response))
    assert isinstance(retry, Request)
    # (not the 60 s default)
    assert 240 < middleware.busy_until["a.example"] - time.monotonic() <= 250


def test_a_429_whose_reset_has_passed_waits_the_default() -> None:
    import asyncio

    from scrapy import Request
    from scrapy.http import Response

    crawler = get_crawler(Spider, settings_dict={"MONITOR_RETRY_AFTER_DEFAULT": 60})
    crawler.spider = Spider.from_crawler(crawler, name="test")
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    request = Request("https://a.example/api/v1/accounts/1/statuses")
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2020-01-01T00:00:00Z"}
    response = Response(request.url, status=429, headers=headers, request=request)
    assert isinstance(asyncio.run(middleware.process_response(request, response)), Request)
    assert 55 < middleware.busy_until["a.example"] - time.monotonic() <= 60
