"""A loopback HTTP server for spider tests: answers from ``routes`` (path -> a function of
the query), logs each path, and runs a spider against itself in a subprocess
(``tests.spiders.runner``), storing into a database under the test's ``tmp_path``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.mockserver import ROOT
from tests.spiders.conftest import TEST_SETTINGS, CrawlResult

Answer = tuple[int, dict[str, str], bytes]
Route = Callable[[dict[str, str]], Answer]


class Site:
    """A loopback HTTP server answering from ``routes`` (path -> answer), logging each path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits.append(self.path)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                route = site.routes.get(parts.path)
                status, headers, body = route(query) if route else (404, {}, b"")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def crawl(self, tmp_path: Path, spider: str, **args: Any) -> CrawlResult:
        """One crawl in a subprocess (``tests.spiders.runner``) against this server, storing
        into ``tmp_path/monitor.db``."""
        out = tmp_path / f"crawl-{len(list(tmp_path.iterdir()))}.json"
        command = [sys.executable, "-m", "tests.spiders.runner", str(out), spider]
        for key, value in args.items():
            command += ["-a", f"{key}={json.dumps(value) if isinstance(value, dict) else value}"]
        settings = {
            **TEST_SETTINGS,
            "BLUESKY_APPVIEW_URL": self.base,
            "TELEGRAM_PREVIEW_URL": self.base,
            "ARCHIVE_URL": self.base,
        }
        for key, value in settings.items():
            command += ["-s", f"{key}={json.dumps(value)}"]
        env = {**os.environ, "MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'monitor.db'}"}
        proc = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90, check=False
        )
        assert proc.returncode == 0, proc.stderr
        data = json.loads(out.read_text(encoding="utf-8"))
        return CrawlResult(data["items"], data["stats"], proc.stderr)


def as_json(value: Any) -> Answer:
    return 200, {"Content-Type": "application/json"}, json.dumps(value).encode()


def as_html(html: str) -> Answer:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()
