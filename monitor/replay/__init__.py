"""A replay server for the platforms the monitor crawls, on an ephemeral 127.0.0.1 port.

It serves synthetic accounts only; ``monitor demo`` and the tests use it.

    with MockServer() as server:
        server.url            # "http://127.0.0.1:PORT"
        server.settings()     # Scrapy settings pointing every platform at it

The server runs in a subprocess (``python -m monitor.replay --port 0``), so a test process's
Twisted reactor and the server never share a thread. See ``tests/mockserver/server.py`` for the
control endpoints and ``README.md`` beside this file for the synthetic accounts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from types import TracebackType
from typing import Any

__all__ = ["MockServer"]


class MockServer:
    """Start the replay server in a subprocess; ``url`` is its base URL."""

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> MockServer:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitor.replay", "--port", str(self.port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("http://127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError(f"mock server did not start: {line!r}")
        self.url = line
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdout is not None:
                self.proc.stdout.close()

    # -- helpers for tests and the demo ------------------------------------------------------

    def settings(self) -> dict[str, str]:
        """Settings that point every platform spider at this server."""
        return {
            "BLUESKY_APPVIEW_URL": self.url,
            "TELEGRAM_PREVIEW_URL": self.url,
            "ARCHIVE_URL": self.url,
        }

    def environment(self) -> dict[str, str]:
        """Environment variables that point ``monitor`` commands at this server."""
        return {f"MONITOR_{name}": value for name, value in self.settings().items()}

    def control(self, action: str, **params: Any) -> Any:
        """Call a control endpoint (see ``monitor.replay.server``)."""
        query = urllib.parse.urlencode(params)
        method = "GET" if action in ("hits", "reports") else "POST"
        request = urllib.request.Request(
            f"{self.url}/__control/{action}" + (f"?{query}" if query else ""), method=method
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def reset(self) -> None:
        self.control("reset")

    def publish(self, platform: str, account: str, count: int = 1) -> None:
        self.control("publish", platform=platform, account=account, count=count)

    def hits(self) -> list[dict[str, Any]]:
        return self.control("hits")

    def remove(self, key: str) -> None:
        """Take a post down: removal checks of it answer "gone" from now on."""
        self.control("remove", key=key)

    def reports(self) -> list[dict[str, Any]]:
        """The Mastodon reports filed so far."""
        return self.control("reports")
