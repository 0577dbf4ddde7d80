"""Fixtures for distributed mode: a real Redis (unique key prefix per test), the replay
server, and helpers that run `monitor worker` processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from monitor.distributed.queue import JobQueue, connect
from tests.mockserver import ROOT, MockServer

REDIS_URL = os.environ.get("MONITOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "RETRY_ENABLED=1"]
FAST += ["-s", "MONITOR_RETRY_DELAYS_ENABLED=0"]


def wait_for(condition: Callable[[], object], timeout: float, step: float = 0.1) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout}s")
        time.sleep(step)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The test Redis; skipped when it does not answer, except under CI (a failure)."""
    client = connect(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required under CI: {exc}")
        pytest.skip(f"Redis not available: {exc}")
    finally:
        client.close()
    yield REDIS_URL


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; every key under it is deleted afterwards."""
    name = f"monitor-test-{uuid.uuid4().hex[:10]}"
    yield name
    client = connect(redis_url)
    try:
        JobQueue(client, name).delete_all()
    finally:
        client.close()


@pytest.fixture
def jobs(redis_url: str, prefix: str) -> Iterator[JobQueue]:
    client = connect(redis_url)
    try:
        yield JobQueue(client, prefix, lease_seconds=1.0, max_attempts=2)
    finally:
        client.close()


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


def child_env(server: MockServer) -> dict[str, str]:
    return {
        **os.environ,
        "MONITOR_SECRET_KEY": "test-secret",
        **server.environment(),
        # scrapy-redis used as is passes deprecated arguments: the adapter must not.
        "PYTHONWARNINGS": "error::scrapy.exceptions.ScrapyDeprecationWarning",
    }


class Workers:
    """`monitor worker` processes of one test; all stopped at the end."""

    def __init__(self, tmp_path: Path, server: MockServer, redis_url: str, prefix: str) -> None:
        self.tmp_path = tmp_path
        self.server = server
        self.redis_url = redis_url
        self.prefix = prefix
        self.procs: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}

    def start(self, db_url: str, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = self.tmp_path / f"worker-{name}.log"
        handle = log.open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "monitor",
                "--db",
                db_url,
                "worker",
                "--redis",
                self.redis_url,
                "--prefix",
                self.prefix,
                "--id",
                name,
                "--poll",
                "0.1",
                *FAST,
                *args,
            ],
            cwd=ROOT,
            env=child_env(self.server),
            stdout=subprocess.DEVNULL,
            stderr=handle,
            start_new_session=True,
        )
        handle.close()
        self.procs[name] = (proc, log)
        return proc

    def log(self, name: str) -> str:
        return self.procs[name][1].read_text(errors="replace")

    def stop_all(self, timeout: float = 60) -> dict[str, int]:
        codes = {}
        for proc, _ in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for name, (proc, _) in self.procs.items():
            try:
                codes[name] = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[name] = proc.wait()
        return codes


@pytest.fixture
def workers(tmp_path, server, redis_url, prefix) -> Iterator[Workers]:
    group = Workers(tmp_path, server, redis_url, prefix)
    try:
        yield group
    finally:
        group.stop_all(timeout=30)
