"""Removal checks: re-fetch reported posts and record ``verified_gone`` or still online.

* Mastodon: ``GET {instance}/api/v1/statuses/:id``; 404/410 = gone.
* Bluesky: ``GET {appview}/xrpc/app.bsky.feed.getPosts?uris=...``; a URI missing from
  ``posts`` = gone (the AppView omits deleted and taken-down posts).
* Telegram: the embed page ``https://t.me/{channel}/{id}?embed=1``; 404/410 or the widget's
  "message error" block (e.g. "Post not found") = gone.
* Anything else: the post's page URL; 404/410 = gone.

Other answers (401, 429, 5xx, network errors, a redirect to another host, an answer over
``MAX_BODY`` bytes) are recorded as ``unknown``: the post is not declared gone or online on
an answer that cannot tell. ``monitor run`` calls :func:`verify_cases` once a day.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Engine

from monitor import __version__
from monitor.review import iso
from monitor.takedown import bluesky_subject, mastodon_target
from storage.models import utcnow
from storage.review import FlaggedFilter, FlaggedPost, iter_flagged, post_statuses
from storage.takedown import (
    OPEN_FOR_VERIFY,
    case_post_ids,
    case_statuses,
    close_verified_case,
    get_case,
    record_check,
)

BLUESKY_APPVIEW = "https://public.api.bsky.app"
TELEGRAM_BASE = "https://t.me"
ENDPOINT_ENV = {
    "bluesky": "MONITOR_BLUESKY_APPVIEW_URL",
    "telegram": "MONITOR_TELEGRAM_PREVIEW_URL",
}
GONE_STATUSES = (404, 410)
USER_AGENT = f"doxxing-monitor/{__version__} (removal check)"
TELEGRAM_GONE_MARKERS = ("tgme_widget_message_error", "Post not found")
MAX_BODY = 2 * 1024 * 1024  # a status, a getPosts answer or an embed page is far smaller


@dataclass
class CheckResult:
    """One check of one post."""

    case_id: int
    post_id: int
    url_checked: str
    outcome: str  # gone | online | unknown
    http_status: int | None
    reason: str
    checked_at: str


def endpoints_from_env() -> dict[str, str]:
    """Base URLs for Bluesky's AppView and Telegram (overridable for tests and mirrors)."""
    return {
        "bluesky": os.environ.get(ENDPOINT_ENV["bluesky"], BLUESKY_APPVIEW).rstrip("/"),
        "telegram": os.environ.get(ENDPOINT_ENV["telegram"], TELEGRAM_BASE).rstrip("/"),
    }


def check_request(post: FlaggedPost, endpoints: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The URL (and query) that tells whether ``post`` is still online."""
    if post.platform == "mastodon":
        target = mastodon_target(post)
        return f"{target.instance}/api/v1/statuses/{target.status_id}", {}
    if post.platform == "bluesky":
        uri = bluesky_subject(post)[0]
        if uri:
            return f"{endpoints['bluesky']}/xrpc/app.bsky.feed.getPosts", {"uris": uri}
    if post.platform == "telegram":
        path = urlsplit(post.url).path.strip("/")
        if path.startswith("s/"):
            path = path[2:]
        return f"{endpoints['telegram']}/{path}", {"embed": "1"}
    return post.url, {}


def interpret(post: FlaggedPost, response: httpx.Response) -> tuple[str, str]:
    """(outcome, reason) from the platform's answer."""
    code = response.status_code
    if code in GONE_STATUSES:
        return "gone", f"HTTP {code}"
    if code != 200:
        return "unknown", f"HTTP {code}"
    if post.platform == "bluesky" and "getPosts" in str(response.url):
        try:
            posts = response.json().get("posts", [])
        except (ValueError, AttributeError):
            return "unknown", "unreadable getPosts answer"
        uri = bluesky_subject(post)[0]
        if any(isinstance(p, dict) and p.get("uri") == uri for p in posts):
            return "online", "listed by getPosts"
        return "gone", "missing from getPosts (deleted or taken down)"
    if post.platform == "telegram":
        body = response.text
        if any(marker in body for marker in TELEGRAM_GONE_MARKERS):
            return "gone", "embed shows a message error"
        return "online", "embed shows the message"
    if post.platform == "mastodon":
        try:
            status = response.json()
        except ValueError:
            return "unknown", "unreadable status answer"
        if not isinstance(status, dict) or str(status.get("id")) != mastodon_target(post).status_id:
            return "unknown", "unexpected status answer"
        return "online", "status is served"
    return "online", f"HTTP {code}"


def check_post(
    client: httpx.Client, case_id: int, post: FlaggedPost, endpoints: dict[str, str]
) -> CheckResult:
    """Fetch one post's removal-check URL and say whether it is gone."""
    url, params = check_request(post, endpoints)
    checked_at = iso(utcnow()) or ""
    try:
        response = fetch_bounded(client, url, params)
    except httpx.HTTPError as exc:
        return CheckResult(
            case_id, post.id, url, "unknown", None, f"{type(exc).__name__}", checked_at
        )
    if response is None:
        outcome, reason, code = "unknown", f"answer larger than {MAX_BODY} bytes", None
    elif _host(response.url) != _host(httpx.URL(url)):
        outcome, reason, code = "unknown", "redirected to another host", response.status_code
    else:
        outcome, reason = interpret(post, response)
        code = response.status_code
    final = str(response.url) if response is not None else url
    return CheckResult(case_id, post.id, final, outcome, code, reason, checked_at)


def _host(url: httpx.URL) -> tuple[str, int | None]:
    return url.host.lower(), url.port


def fetch_bounded(client: httpx.Client, url: str, params: dict[str, str]) -> httpx.Response | None:
    """GET ``url`` (following redirects as the client does), reading at most ``MAX_BODY``
    bytes: the response with its body, or None if the body is larger."""
    headers = {"User-Agent": USER_AGENT}
    with client.stream("GET", url, params=params, headers=headers) as response:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_BODY:
                return None
    # the body is already decoded: drop the headers that describe the encoded one
    encoding_headers = ("content-encoding", "content-length", "transfer-encoding")
    return httpx.Response(
        response.status_code,
        headers=[(k, v) for k, v in response.headers.multi_items() if k not in encoding_headers],
        content=bytes(body),
        request=response.request,
    )


def cases_to_verify(engine: Engine, case_ids: Sequence[int] | None = None) -> list[int]:
    """The given cases, or every case still waiting for removal (reported/removed/partial)."""
    with engine.connect() as connection:
        if case_ids:
            for case_id in case_ids:
                get_case(connection, case_id)
            return list(case_ids)
        return sorted(c for c, s in case_statuses(connection).items() if s in OPEN_FOR_VERIFY)


def verify_cases(
    engine: Engine,
    case_ids: Sequence[int] | None = None,
    *,
    actor: str = "verify",
    client: httpx.Client | None = None,
    endpoints: dict[str, str] | None = None,
) -> list[CheckResult]:
    """Check every reported post of the cases not yet verified gone; record each result."""
    endpoints = endpoints or endpoints_from_env()
    own = client is None
    http = client or httpx.Client(timeout=20.0, follow_redirects=True)
    results: list[CheckResult] = []
    try:
        for case_id in cases_to_verify(engine, case_ids):
            with engine.connect() as connection:
                post_ids = case_post_ids(connection, case_id)
                statuses = post_statuses(connection, post_ids)
            pending = [p for p in post_ids if statuses[p] != "verified_gone"]
            if not pending:
                continue
            posts = iter_flagged(engine, FlaggedFilter(post_ids=pending))
            for post in posts:
                result = check_post(http, case_id, post, endpoints)
                details = asdict(result)
                record_check(
                    engine,
                    case_id,
                    post.id,
                    gone=result.outcome == "gone",
                    actor=actor,
                    details=details,
                )
                results.append(result)
            close_verified_case(engine, case_id, actor)
    finally:
        if own:
            http.close()
    return results
