"""Fixtures for spider tests: one replay server per session and a crawl runner."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.mockserver import ROOT, MockServer

# Fast and hermetic: no politeness delays, nothing but loopback.
TEST_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_SLOTS": {},
    "MONITOR_ALLOWED_HOSTS": ["127.0.0.1"],
    "MONITOR_RETRY_BACKOFF_BASE": 0.1,
    "MONITOR_RETRY_AFTER_MAX": 5,
    "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlResult:
    items: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str
    posts: list[dict[str, Any]] = field(init=False)
    status: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.posts = [i for i in self.items if i["_type"] == "Post"]
        statuses = [i for i in self.items if i["_type"] == "AccountStatus"]
        assert len(statuses) == 1, f"expected one AccountStatus, got {statuses}\n{self.log}"
        self.status = statuses[0]
        assert self.items[-1] is self.status, "AccountStatus must be the last item"


@pytest.fixture(scope="session")
def mockserver() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture
def mock(mockserver: MockServer) -> MockServer:
    """The session's server, reset (no published posts, fresh scenario counters)."""
    mockserver.reset()
    return mockserver


@pytest.fixture
def crawl(mock: MockServer, tmp_path: Path) -> Callable[..., CrawlResult]:
    """``crawl("mastodon", url=..., backfill=..., crawl_state={...}, settings={...})``."""
    counter = iter(range(1000))

    def run(spider: str, settings: dict[str, Any] | None = None, **args: Any) -> CrawlResult:
        out = tmp_path / f"crawl-{next(counter)}.json"
        command = [sys.executable, "-m", "tests.spiders.runner", str(out), spider]
        for key, value in args.items():
            value = json.dumps(value) if isinstance(value, dict) else str(value)
            command += ["-a", f"{key}={value}"]
        merged = {**TEST_SETTINGS, **mock.settings(), **(settings or {})}
        for key, value in merged.items():
            command += ["-s", f"{key}={json.dumps(value)}"]
        proc = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
        )
        assert proc.returncode == 0, proc.stderr
        data = json.loads(out.read_text(encoding="utf-8"))
        return CrawlResult(data["items"], data["stats"], proc.stderr)

    return run
