"""A bench-only Mastodon server with many synthetic accounts, on 127.0.0.1 only.

The replay server (``monitor.replay``) has one big Mastodon account (``@leaky``, 230
statuses); the crawl benchmarks need tens of accounts with thousands of statuses each. This
server reuses the replay server's Mastodon renderers (``monitor.replay.mastodon``: the same
Account and Status JSON, the same synthetic posts from ``monitor.replay.data``) for accounts
``@farm0000`` .. ``@farmNNNN``, and answers only what a first crawl asks for:

- ``GET /robots.txt``;
- ``GET /api/v1/accounts/lookup?acct=farm0001``;
- ``GET /api/v1/accounts/<id>/statuses?limit=40[&max_id=...|&min_id=...]``, newest first,
  with a ``Link`` header (``rel="next"``/``rel="prev"``) as Mastodon pages.

Status ids are the replay server's (``status_id``: milliseconds << 16 + index), which grow with
the post index, so the index behind a ``max_id`` is computed, not looked up, and a page is
rendered without touching the rest of the account. ``--prerender`` renders every page of a
full first crawl (40 a page) into memory before serving, so the server costs next to no CPU
while a benchmark measures the crawler.

    python bench/mastodon_farm.py --accounts 64 --posts 800 [--prerender]

prints its base URL (``http://127.0.0.1:PORT``) on the first line of stdout. ``Farm`` runs it
in a subprocess as a context manager.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from monitor.replay import mastodon  # noqa: E402
from monitor.replay.data import EPOCH, make_post  # noqa: E402

PAGE_MAX = 40
ID_BASE = 109_400_000_000_000_000
EPOCH_MS = int(EPOCH.timestamp() * 1000)
STEP_MS = int(timedelta(hours=3).total_seconds() * 1000)  # make_post: 3 h per index, < 1 h jitter
ROBOTS = b"User-agent: *\nDisallow: /__control/\n"
RATE_HEADERS = [
    ("X-RateLimit-Limit", "300"),
    ("X-RateLimit-Remaining", "299"),
    ("Vary", "Accept, Origin"),
    ("Cache-Control", "private, no-store"),
]


def username(i: int) -> str:
    return f"farm{i:04d}"


def index_of(status_id: str) -> int:
    """The post index behind a status id made by ``mastodon.status_id``."""
    return ((int(status_id) >> 16) - EPOCH_MS) // STEP_MS


class Farm:
    """Many Mastodon accounts of ``posts`` statuses each; renders pages on demand."""

    def __init__(self, accounts: int, posts: int, base: str = "") -> None:
        self.count = accounts
        self.posts = posts
        self.base = base
        self.by_id = {str(ID_BASE + i): username(i) for i in range(accounts)}
        self.ids = {name: account_id for account_id, name in self.by_id.items()}
        self.cache: dict[tuple[str, int, int], tuple[bytes, list[tuple[str, str]]]] = {}

    def account(self, user: str) -> dict[str, Any]:
        account = mastodon.account_json(self.base, user, count=self.posts)
        account["id"] = self.ids[user]
        return account

    def page(self, user: str, top: int, limit: int) -> tuple[bytes, list[tuple[str, str]]]:
        """Statuses ``top`` down to ``top - limit + 1`` (newest first), body and headers."""
        key = (user, top, limit)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        account = self.account(user)
        seed = f"mastodon:{user}"
        indexes = range(top, max(0, top - limit), -1)
        statuses = [
            mastodon.status_json(self.base, user, account, make_post(seed, n)) for n in indexes
        ]
        headers = list(RATE_HEADERS)
        if statuses:
            url = f"{self.base}/api/v1/accounts/{self.ids[user]}/statuses"
            headers.append(
                (
                    "Link",
                    f'<{url}?limit={limit}&max_id={statuses[-1]["id"]}>; rel="next", '
                    f'<{url}?limit={limit}&min_id={statuses[0]["id"]}>; rel="prev"',
                )
            )
        return json.dumps(statuses).encode("utf-8"), headers

    def prerender(self) -> None:
        """Every page of a full first crawl of every account, kept in memory."""
        for i in range(self.count):
            user = username(i)
            for top in range(self.posts, 0, -PAGE_MAX):
                self.cache[(user, top, PAGE_MAX)] = self.page(user, top, PAGE_MAX)

    def statuses(self, user: str, query: dict[str, str]) -> tuple[bytes, list[tuple[str, str]]]:
        try:
            limit = max(1, min(PAGE_MAX, int(query.get("limit", "20"))))
        except ValueError:
            limit = 20
        top = self.posts
        if query.get("max_id"):
            top = min(top, index_of(query["max_id"]) - 1)
        elif query.get("min_id"):
            low = index_of(query["min_id"]) + 1
            top = min(self.posts, low + limit - 1)
            limit = max(0, top - low + 1)
        return self.page(user, top, limit) if top > 0 and limit > 0 else (b"[]", RATE_HEADERS)

    def handle(self, target: str) -> tuple[int, bytes, list[tuple[str, str]]]:
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        not_found = (404, b'{"error":"Record not found"}', RATE_HEADERS)
        if path == "/robots.txt":
            return 200, ROBOTS, [("Content-Type", "text/plain")]
        if path == "/api/v1/accounts/lookup":
            user = query.get("acct", "").lstrip("@").split("@")[0].lower()
            if user not in self.ids:
                return not_found
            return 200, json.dumps(self.account(user)).encode(), RATE_HEADERS
        prefix, suffix = "/api/v1/accounts/", "/statuses"
        if path.startswith(prefix) and path.endswith(suffix):
            user = self.by_id.get(path[len(prefix) : -len(suffix)])
            if user is None:
                return not_found
            body, headers = self.statuses(user, query)
            return 200, body, headers
        return 404, b"<h1>Not Found</h1>", [("Content-Type", "text/html")]


class Handler(BaseHTTPRequestHandler):
    server_version = "mastodon-farm/1.0"
    protocol_version = "HTTP/1.1"
    farm: Farm

    def do_GET(self) -> None:
        status, body, headers = self.farm.handle(self.path)
        self.send_response(status)
        if not any(name == "Content-Type" for name, _ in headers):
            self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class FarmServer:
    """Run the farm in a subprocess: ``with FarmServer(64, 800) as farm: farm.url``."""

    def __init__(self, accounts: int, posts: int, *, prerender: bool = False) -> None:
        self.args = ["--accounts", str(accounts), "--posts", str(posts)]
        if prerender:
            self.args.append("--prerender")
        self.accounts = accounts
        self.posts = posts
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None

    def account_urls(self) -> list[str]:
        return [f"{self.url}/@{username(i)}" for i in range(self.accounts)]

    def __enter__(self) -> FarmServer:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("http://127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError(f"farm server did not start: {line!r}")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--accounts", type=int, default=64)
    parser.add_argument("--posts", type=int, default=800, help="statuses per account")
    parser.add_argument("--prerender", action="store_true")
    args = parser.parse_args()
    farm = Farm(args.accounts, args.posts)
    handler = type("BoundHandler", (Handler,), {"farm": farm})
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    server.daemon_threads = True
    farm.base = f"http://127.0.0.1:{server.server_address[1]}"
    if args.prerender:
        farm.prerender()
    print(farm.base, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
