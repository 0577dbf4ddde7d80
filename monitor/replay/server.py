"""The replay server: one ``http.server`` on 127.0.0.1 answering as Mastodon, the Bluesky
AppView, the Telegram channel preview, feeds, web pages and the Wayback Machine at once.

Control endpoints (not part of any platform, disallowed in robots.txt):

- ``POST /__control/reset``: forget published posts, scenario counters and the request log;
- ``POST /__control/publish?platform=mastodon&account=growing&count=3``: new posts appear;
- ``GET /__control/hits``: the request log as JSON (method, path, status, time);
- ``POST /__control/remove?key=K``: a post is taken down (``K``: a Mastodon status id, a
  Bluesky ``at://`` URI or a Telegram ``channel/id``); its removal checks answer "gone";
- ``GET /__control/reports``: the Mastodon reports filed so far (``POST /api/v1/reports``).
"""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from monitor.replay import bluesky, mastodon, telegram, web
from monitor.replay.data import SynthPost, make_posts

HUGE_SIZE = 3 * 1024 * 1024
ROBOTS = b"User-agent: *\nDisallow: /__control/\n"


@lru_cache(maxsize=256)
def _posts(seed: str, count: int) -> tuple[SynthPost, ...]:
    return tuple(reversed(make_posts(seed, count)))


class Reply:
    def __init__(
        self,
        status: int,
        body: bytes | str = b"",
        content_type: str = "text/html; charset=utf-8",
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers = [("Content-Type", content_type), *(headers or [])]


def json_reply(status: int, value: Any, headers: list[tuple[str, str]] | None = None) -> Reply:
    return Reply(status, json.dumps(value), "application/json; charset=utf-8", headers)


class World:
    """Everything the server knows; thread-safe through one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.base = ""
        self.reset()

    def reset(self) -> None:
        self.published: dict[tuple[str, str], int] = {}
        self.counters: dict[str, int] = {}
        self.hits: list[dict[str, Any]] = []
        self.page_versions: dict[str, int] = {}
        self._snapshots: list[web.Snapshot] | None = None
        self.removed: set[str] = set()
        self.reports: list[dict[str, Any]] = []

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is seen (the "fails once, then works" scenarios)."""
        count = self.counters.get(key, 0)
        self.counters[key] = count + 1
        return count == 0

    def posts(self, platform: str, account: str, base_count: int) -> list[SynthPost]:
        count = base_count + self.published.get((platform, account), 0)
        return list(_posts(f"{platform}:{account}", count))

    # -- routing ---------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Reply:
        parts = urlsplit(target)
        path = unquote(parts.path)
        query_lists = parse_qs(parts.query, keep_blank_values=True)
        query = {k: v[0] for k, v in query_lists.items()}
        if path == "/robots.txt":
            return Reply(200, ROBOTS, "text/plain")
        if path.startswith("/__control/"):
            return self.control(method, path, query)
        if path == "/api/v1/reports" and method == "POST":
            return self.mastodon_report(headers, body)
        if match := re.fullmatch(r"/api/v1/statuses/(\d+)", path):
            return self.mastodon_status(match.group(1))
        if path.startswith("/api/v1/"):
            return self.mastodon_api(path, query)
        if path == "/xrpc/app.bsky.feed.getPosts":
            return self.bluesky_get_posts(query_lists.get("uris", []))
        if path.startswith("/xrpc/"):
            return self.bluesky_xrpc(path, query)
        if path.startswith("/s/"):
            return self.telegram_preview(path[3:].strip("/"), query)
        if path.startswith("/feeds/"):
            return self.feed(path[len("/feeds/") :], headers)
        if path.startswith("/pages/"):
            return self.page(path[len("/pages/") :])
        if path == "/cdx/search/cdx":
            return self.cdx(query_lists)
        if path.startswith("/web/"):
            return self.snapshot(target)
        if match := re.fullmatch(r"/@([A-Za-z0-9_]+)\.rss", path):
            return self.mastodon_rss(match.group(1))
        if match := re.fullmatch(r"/@([A-Za-z0-9_]+)(?:/(\d+))?/?", path):
            return self.mastodon_html(match.group(1), match.group(2))
        if match := re.fullmatch(r"/([A-Za-z0-9_]{4,64})/(\d+)/?", path):
            return self.telegram_embed(match.group(1), int(match.group(2)))
        if match := re.fullmatch(r"/([A-Za-z0-9_]{4,64})/?", path):
            return Reply(200, telegram.channel_landing(match.group(1)))
        return Reply(404, "<h1>Not Found</h1>")

    def control(self, method: str, path: str, query: dict[str, str]) -> Reply:
        if path == "/__control/reset":
            self.reset()
            return json_reply(200, {"ok": True})
        if path == "/__control/publish":
            key = (query.get("platform", ""), query.get("account", ""))
            self.published[key] = self.published.get(key, 0) + int(query.get("count", "1"))
            if key[0] == "page":
                self.page_versions[key[1]] = self.page_versions.get(key[1], 0) + 1
            return json_reply(200, {"ok": True, "published": self.published[key]})
        if path == "/__control/hits":
            return json_reply(200, self.hits)
        if path == "/__control/remove":
            self.removed.add(query.get("key", ""))
            return json_reply(200, {"ok": True, "removed": sorted(self.removed)})
        if path == "/__control/reports":
            return json_reply(200, self.reports)
        return Reply(404, "unknown control endpoint", "text/plain")

    # -- Mastodon ----------------------------------------------------------------------------

    def _rate_headers(self, remaining: int | None = None) -> list[tuple[str, str]]:
        now = datetime.now(UTC)
        reset = now.replace(second=0, microsecond=0) + timedelta(minutes=5 - now.minute % 5)
        used = sum(1 for h in self.hits if h["path"].startswith("/api/"))
        left = remaining if remaining is not None else max(1, 300 - used % 300)
        return [
            ("X-RateLimit-Limit", "300"),
            ("X-RateLimit-Remaining", str(left)),
            ("X-RateLimit-Reset", mastodon.iso_ms(reset)),
            ("Vary", "Accept, Origin"),
            ("Cache-Control", "private, no-store"),
        ]

    def mastodon_api(self, path: str, query: dict[str, str]) -> Reply:
        if path == "/api/v1/accounts/lookup":
            user = query.get("acct", "").lstrip("@").split("@")[0].lower()
            info = mastodon.ACCOUNTS.get(user)
            if info is None:
                return json_reply(404, {"error": "Record not found"}, self._rate_headers())
            if info.get("scenario") == "gone":
                return json_reply(410, {"error": "Gone"}, self._rate_headers())
            if info.get("scenario") == "unauthorized":
                return json_reply(
                    401,
                    {"error": "This method requires an authenticated user"},
                    self._rate_headers(),
                )
            count = info.get("count", 0) + self.published.get(("mastodon", user), 0)
            account = mastodon.account_json(
                self.base, user, count=count, suspended=bool(info.get("suspended"))
            )
            return json_reply(200, account, self._rate_headers())
        match = re.fullmatch(r"/api/v1/accounts/(\d+)/statuses", path)
        if not match:
            return json_reply(404, {"error": "Record not found"}, self._rate_headers())
        user = next((u for u, i in mastodon.ACCOUNTS.items() if i["id"] == match.group(1)), None)
        if user is None:
            return json_reply(404, {"error": "Record not found"}, self._rate_headers())
        info = mastodon.ACCOUNTS[user]
        scenario = info.get("scenario")
        if info.get("suspended") or scenario == "gone":
            return json_reply(410, {"error": "Gone"}, self._rate_headers())
        if scenario == "unauthorized":
            return json_reply(
                401, {"error": "This method requires an authenticated user"}, self._rate_headers()
            )
        if scenario == "429" and self.first_time(f"mastodon:{user}:429"):
            headers = self._rate_headers(remaining=0)
            headers.append(("Retry-After", "1"))
            return json_reply(429, {"error": "Too many requests"}, headers)
        if scenario == "500" and self.first_time(f"mastodon:{user}:500"):
            return Reply(
                500,
                "<!DOCTYPE html><html><head><title>We're sorry, but something went wrong "
                "(500)</title></head><body><h1>We're sorry, but something went wrong.</h1>"
                "</body></html>",
            )
        account = mastodon.account_json(self.base, user, count=info.get("count", 0))
        posts = self.posts("mastodon", user, info.get("count", 0))
        statuses = [mastodon.status_json(self.base, user, account, p) for p in posts]
        chosen, links = mastodon.page(statuses, query)
        headers = self._rate_headers()
        if links:
            url = f"{self.base}/api/v1/accounts/{info['id']}/statuses"
            headers.append(
                (
                    "Link",
                    f'<{url}?limit={links["limit"]}&max_id={links["next"]}>; rel="next", '
                    f'<{url}?limit={links["limit"]}&min_id={links["prev"]}>; rel="prev"',
                )
            )
        body = json.dumps(chosen).encode("utf-8")
        if scenario == "malformed":
            body = body[: len(body) // 2]
        elif scenario == "badutf8":
            body = body.replace(b"<p>", b"<p>\xff\xfe\xfa", 3)
        elif scenario == "huge":
            filler = json.dumps("x" * HUGE_SIZE)
            body = body[:-1] + b', {"id": "1", "content": ' + filler.encode() + b"}]"
        return Reply(200, body, "application/json; charset=utf-8", headers)

    def mastodon_rss(self, user: str) -> Reply:
        info = mastodon.ACCOUNTS.get(user.lower())
        if info is None:
            return Reply(404, "<h1>The page you are looking for isn't here.</h1>")
        if info.get("suspended") or info.get("scenario") == "gone":
            return Reply(410, "<h1>This resource is no longer available.</h1>")
        posts = self.posts("mastodon", user.lower(), info.get("count", 0))
        return Reply(
            200, mastodon.rss(self.base, user.lower(), posts), "application/rss+xml; charset=utf-8"
        )

    def mastodon_html(self, user: str, status_id: str | None) -> Reply:
        info = mastodon.ACCOUNTS.get(user.lower())
        if info is None:
            return Reply(404, "<h1>The page you are looking for isn't here.</h1>")
        if info.get("suspended") or info.get("scenario") == "gone":
            return Reply(410, "<h1>This resource is no longer available.</h1>")
        posts = self.posts("mastodon", user.lower(), info.get("count", 0))
        if status_id is None:
            return Reply(200, mastodon.status_page(self.base, user.lower(), posts[0]))
        for post in posts:
            if mastodon.status_id(post) == status_id:
                return Reply(200, mastodon.status_page(self.base, user.lower(), post))
        return Reply(404, "<h1>The page you are looking for isn't here.</h1>")

    def mastodon_status(self, status_id: str) -> Reply:
        """``GET /api/v1/statuses/:id``: the status, 404 once it is removed or unknown."""
        if status_id not in self.removed:
            for user, info in mastodon.ACCOUNTS.items():
                if info.get("suspended") or info.get("scenario"):
                    continue
                account = mastodon.account_json(self.base, user, count=info.get("count", 0))
                for post in self.posts("mastodon", user, info.get("count", 0)):
                    status = mastodon.status_json(self.base, user, account, post)
                    for candidate in (status, status.get("reblog")):
                        if candidate and candidate["id"] == status_id:
                            return json_reply(200, candidate, self._rate_headers())
        return json_reply(404, {"error": "Record not found"}, self._rate_headers())

    def mastodon_report(self, headers: dict[str, str], body: bytes) -> Reply:
        """``POST /api/v1/reports`` (form or JSON), answered with a Report entity."""
        token = headers.get("authorization", "")
        if not token.startswith("Bearer ") or not token[7:].strip():
            return json_reply(401, {"error": "The access token is invalid"})
        if headers.get("content-type", "").startswith("application/json"):
            fields = json.loads(body or b"{}")
            status_ids = [str(s) for s in fields.get("status_ids", [])]
        else:
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            fields = {k: v[0] for k, v in form.items()}
            status_ids = form.get("status_ids[]", [])
        account_id = str(fields.get("account_id", ""))
        user = next((u for u, i in mastodon.ACCOUNTS.items() if i["id"] == account_id), None)
        if user is not None:
            target = mastodon.account_json(self.base, user, count=0)
        elif account_id == mastodon.OTHER["id"]:  # a remote author known to this instance
            target = dict(mastodon.OTHER)
        else:
            return json_reply(422, {"error": "Validation failed: Target account must exist"})
        report = {
            "id": str(48914 + len(self.reports)),
            "action_taken": False,
            "action_taken_at": None,
            "category": fields.get("category", "other"),
            "comment": fields.get("comment", ""),
            "forwarded": str(fields.get("forward", "false")).lower() == "true",
            "created_at": mastodon.iso_ms(datetime.now(UTC)),
            "status_ids": status_ids or None,
            "rule_ids": None,
            "target_account": target,
        }
        self.reports.append(report)
        return json_reply(200, report)

    # -- Bluesky -----------------------------------------------------------------------------

    def bluesky_get_posts(self, uris: list[str]) -> Reply:
        """``app.bsky.feed.getPosts``: the views of the posts that still exist."""
        wanted = [uri for uri in uris[:25] if uri not in self.removed]
        found: dict[str, dict[str, Any]] = {}
        for handle, info in bluesky.ACCOUNTS.items():
            if "count" not in info or not wanted:
                continue
            for post in self.posts("bluesky", handle, info["count"]):
                view = bluesky.feed_item(handle, post)["post"]  # reposts: the original post
                if view["uri"] in wanted:
                    found[view["uri"]] = view
        views = [found[uri] for uri in wanted if uri in found]
        return json_reply(200, {"posts": views})

    def _xrpc_error(self, status: int, error: str, message: str) -> Reply:
        return json_reply(status, {"error": error, "message": message})

    def _actor(self, actor: str) -> tuple[str, dict[str, Any]] | None:
        handle = bluesky.HANDLE_OF_DID.get(actor, actor.lower())
        info = bluesky.ACCOUNTS.get(handle)
        return (handle, info) if info is not None else None

    def bluesky_xrpc(self, path: str, query: dict[str, str]) -> Reply:
        method = path[len("/xrpc/") :]
        if method not in ("app.bsky.actor.getProfile", "app.bsky.feed.getAuthorFeed"):
            return self._xrpc_error(501, "MethodNotImplemented", "Method Not Implemented")
        actor = query.get("actor", "")
        if not actor:
            return self._xrpc_error(
                400, "InvalidRequest", 'Error: Params must have the property "actor"'
            )
        found = self._actor(actor)
        if found is None:
            if method == "app.bsky.feed.getAuthorFeed":
                return self._xrpc_error(400, "InvalidRequest", "Profile not found")
            return self._xrpc_error(400, "InvalidRequest", "Profile not found")
        handle, info = found
        if "error" in info:
            return self._xrpc_error(400, *info["error"])
        count = info.get("count", 0) + self.published.get(("bluesky", handle), 0)
        if method == "app.bsky.actor.getProfile":
            return json_reply(200, bluesky.profile(handle, count))
        scenario = info.get("scenario")
        if scenario == "429" and self.first_time(f"bluesky:{handle}:429"):
            reset = int(time.time()) + 1
            return json_reply(
                429,
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                [
                    ("RateLimit-Limit", "3000"),
                    ("RateLimit-Remaining", "0"),
                    ("RateLimit-Reset", str(reset)),
                    ("RateLimit-Policy", "3000;w=300"),
                    ("Retry-After", "1"),
                ],
            )
        posts = self.posts("bluesky", handle, info.get("count", 0))
        body = json.dumps(bluesky.author_feed(handle, posts, query)).encode("utf-8")
        if scenario == "malformed":
            body = body[: len(body) // 3]
        return Reply(200, body, "application/json; charset=utf-8")

    # -- Telegram ----------------------------------------------------------------------------

    def telegram_preview(self, channel: str, query: dict[str, str]) -> Reply:
        info = telegram.CHANNELS.get(channel.lower())
        if info is None or info.get("scenario") == "no_preview":
            return Reply(302, b"", headers=[("Location", f"/{channel}")])
        scenario = info.get("scenario")
        if scenario == "500" and self.first_time(f"telegram:{channel}:500"):
            return Reply(500, "<h1>500 Internal Server Error</h1>")
        before = query.get("before")
        posts = self.posts("telegram", channel.lower(), info["count"])
        page = telegram.channel_page(channel.lower(), posts, int(before) if before else None)
        body = page.encode("utf-8")
        if scenario == "truncated" and before is None:
            body = body[: int(len(body) * 0.7)]
        elif scenario == "badutf8":
            body = body.replace(
                b'js-message_text" dir="auto">', b'js-message_text" dir="auto">\xff\xfe', 2
            )
        return Reply(200, body)

    def telegram_embed(self, channel: str, number: int) -> Reply:
        """``/<channel>/<id>?embed=1``: the message widget, or the widget's error."""
        info = telegram.CHANNELS.get(channel.lower(), {})
        found = None
        if "count" in info and f"{channel.lower()}/{number}" not in self.removed:
            posts = self.posts("telegram", channel.lower(), info["count"])
            found = next((p for p in posts if p.index == number), None)
        inner = (
            telegram.message(channel.lower(), found)
            if found is not None
            else '<div class="tgme_widget_message_error">Post not found</div>'
        )
        return Reply(200, f"<!DOCTYPE html><html><body>{inner}</body></html>")

    # -- feeds and pages ---------------------------------------------------------------------

    def feed(self, name: str, headers: dict[str, str]) -> Reply:
        info = web.FEEDS.get(name)
        if info is None:
            return Reply(404, "<h1>Not Found</h1>")
        posts = self.posts("feed", name, info["count"])
        if info["format"] == "atom":
            body = web.atom_feed(self.base, name, posts)
            content_type = "application/atom+xml; charset=utf-8"
        else:
            body = web.rss_feed(self.base, name, posts)
            content_type = "application/rss+xml; charset=utf-8"
        if info.get("scenario") == "malformed":
            body = body.replace(b"</item>", b"</itm>", 3).replace(b"&lt;p&gt;", b"&bogus<p>", 2)
        elif info.get("scenario") == "huge":
            body = body.replace(b"</channel>", b"<!--" + b"x" * HUGE_SIZE + b"--></channel>")
        etag = web.etag_of(body)
        modified = format_datetime(posts[0].created_at, usegmt=True)
        validators = [("ETag", etag), ("Last-Modified", modified)]
        if headers.get("if-none-match") == etag or (
            "if-none-match" not in headers and headers.get("if-modified-since") == modified
        ):
            return Reply(304, b"", content_type, validators)
        return Reply(200, body, content_type, validators)

    def page(self, name: str) -> Reply:
        if name not in web.PAGES:
            return Reply(404, "<h1>Not Found</h1>")
        version = self.page_versions.get(name, 0)
        body = web.page_html(name, version)
        if name == "truncated.html":
            body = body[: int(len(body) * 0.6)]
        elif name == "badbytes.html":
            body = body.replace(b"<h1>", b"<h1>\xff\xfe", 1)
        elif name == "ratelimited.html" and self.first_time("page:ratelimited"):
            when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
            return Reply(503, "<h1>Service Unavailable</h1>", headers=[("Retry-After", when)])
        return Reply(200, body)

    # -- Wayback Machine ---------------------------------------------------------------------

    def snapshots(self) -> list[web.Snapshot]:
        if self._snapshots is None:
            self._snapshots = build_snapshots(self.base)
        return self._snapshots

    def cdx(self, query: dict[str, list[str]]) -> Reply:
        status, body, content_type = web.cdx_query(self.snapshots(), query)
        return Reply(status, body, content_type)

    def snapshot(self, target: str) -> Reply:
        match = re.fullmatch(r"/web/(\d{1,14})(id_)?/(.+)", target)
        if not match:
            return Reply(404, "<h1>Not Found</h1>")
        timestamp, original = match.group(1), match.group(3)
        candidates = [s for s in self.snapshots() if s.original == original]
        if not candidates:
            return Reply(
                404,
                "<p>The Wayback Machine has not archived that URL.</p>",
                headers=[("X-Archive-Wayback-Runtime-Error", "ResourceNotInArchiveException")],
            )
        exact = [s for s in candidates if s.timestamp == timestamp]
        if not exact:
            nearest = min(
                candidates, key=lambda s: abs(int(s.timestamp) - int(timestamp.ljust(14, "0")))
            )
            flag = "id_" if match.group(2) else ""
            return Reply(
                302, b"", headers=[("Location", f"/web/{nearest.timestamp}{flag}/{original}")]
            )
        found = exact[0]
        when = datetime.strptime(found.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        reply = Reply(200, found.body, found.mimetype)
        reply.headers = web.memento_headers(found, when)
        return reply


def build_snapshots(base: str) -> list[web.Snapshot]:
    """The archive's holdings: copies of accounts that are gone now, and older copies of live
    ones."""
    snaps: list[web.Snapshot] = []

    def add(original: str, when: datetime, mimetype: str, body: bytes) -> None:
        snaps.append(web.Snapshot(original, when.strftime("%Y%m%d%H%M%S"), mimetype, body))

    # Mastodon @suspended: status pages (Mastodon 3 and 4 markup), profile, RSS; one
    # duplicate capture that collapse=digest drops.
    gone_posts = make_posts("mastodon:suspended", 7)
    for post in gone_posts:
        sid = mastodon.status_id(post)
        render = mastodon.status_page_legacy if post.index % 2 else mastodon.status_page
        add(
            f"{base}/@suspended/{sid}",
            post.created_at + timedelta(hours=1),
            "text/html",
            render(base, "suspended", post),
        )
    first = gone_posts[0]
    add(
        f"{base}/@suspended/{mastodon.status_id(first)}",
        first.created_at + timedelta(hours=2),
        "text/html",
        mastodon.status_page_legacy(base, "suspended", first),
    )
    add(
        f"{base}/@suspended.rss",
        gone_posts[-1].created_at + timedelta(hours=3),
        "application/rss+xml",
        mastodon.rss(base, "suspended", list(reversed(gone_posts))),
    )
    # A live Mastodon account, archived once.
    leaky = list(_posts("mastodon:leaky", 230))
    add(
        f"{base}/@leaky/{mastodon.status_id(leaky[5])}",
        leaky[5].created_at + timedelta(hours=1),
        "text/html",
        mastodon.status_page(base, "leaky", leaky[5]),
    )
    # Telegram: the preview of a channel that has no public preview any more, and of a live one.
    for channel, count in (("privchan", 45), ("leakychan", 150)):
        posts = list(_posts(f"telegram:{channel}", count))
        for age, before in ((30, None), (20, posts[10].index)):
            add(
                f"https://t.me/s/{channel}" + (f"?before={before}" if before else ""),
                posts[0].created_at - timedelta(days=age),
                "text/html",
                telegram.channel_page(channel, posts, before).encode("utf-8"),
            )
    # A web page in three editions, and a feed.
    for version in range(3):
        add(
            f"{base}/pages/leaky.html",
            datetime(2025, 4, 1, tzinfo=UTC) + timedelta(days=10 * version),
            "text/html",
            web.page_html("leaky.html", version + 10),
        )
    add(
        f"{base}/feeds/leaky.xml",
        datetime(2025, 4, 2, tzinfo=UTC),
        "application/rss+xml",
        web.rss_feed(base, "leaky.xml", list(_posts("feed:leaky.xml", 12))),
    )
    # Bluesky post pages of a taken-down account (the web app serves Open Graph tags).
    for post in make_posts("bluesky:takendown.bsky.test", 2):
        rkey = bluesky.tid(post.created_at, post.index)
        add(
            f"https://bsky.app/profile/takendown.bsky.test/post/{rkey}",
            post.created_at + timedelta(hours=1),
            "text/html",
            (
                "<!DOCTYPE html><html><head><meta charset='utf-8'>"
                f"<meta property='og:description' content='{post.text}'>"
                "<title>Takendown (synthetic) on Bluesky</title></head>"
                f"<body><div id='root'><p>{post.text}</p></div></body></html>"
            ).encode(),
        )
    return snaps


class Handler(BaseHTTPRequestHandler):
    server_version = "mockserver/1.0"
    protocol_version = "HTTP/1.1"
    world: World

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        with self.world.lock:
            try:
                reply = self.world.handle(method, self.path, headers, body)
            except Exception as exc:  # a bug in the mock: show it, don't hang the client
                reply = Reply(500, f"mockserver error: {exc!r}", "text/plain")
            if not self.path.startswith("/__control/"):
                self.world.hits.append(
                    {
                        "method": method,
                        "path": self.path,
                        "status": reply.status,
                        "time": time.time(),
                    }
                )
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(reply.body)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


def make_server(port: int = 0) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1 (only), not yet serving."""
    world = World()
    handler = type("BoundHandler", (Handler,), {"world": world})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    world.base = f"http://127.0.0.1:{server.server_address[1]}"
    return server
