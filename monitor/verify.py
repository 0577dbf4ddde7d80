"""Removal checks: re-fetch reported posts and record ``verified_gone`` or still online.

* Mastodon: ``GET {instance}/api/v1/statuses/:id``; 404/410 = gone.
* Bluesky: ``GET {appview}/xrpc/app.bsky.feed.getPosts?uris=...``; a URI missing from
  ``posts`` = gone (the AppView omits deleted and taken-down posts).
* Telegram: the embed page ``https://t.me/{channel}/{id}?embed=1``; 404/410 or the widget's
  "message error" block (e.g. "Post not found") = gone.
* Anything else: the post's page URL; 404/410 = gone.

Other answers (401, 429, 5xx, network errors, a redirect off the checked host or any
redirect of an API, an answer over ``bounded.MAX_BODY`` bytes or slower than ``MAX_SECONDS``, an API
answer without the expected shape) are recorded as ``unknown``: the post is not declared
gone or online on an answer that cannot tell. A page post on another host than its account
is not fetched. ``monitor run`` calls :func:`verify_cases` once a day.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from monitor import __version__
from monitor.bounded import ACCEPT_ENCODING, Refused, send_bounded
from monitor.review import iso
from monitor.takedown import bluesky_subject, mastodon_target
from monitor.urls import same_host
from storage.models import utcnow
from storage.review import FlaggedFilter, FlaggedPost, ReviewError, iter_flagged, post_statuses
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
MAX_SECONDS = 60.0  # for one check, however slowly the server sends its answer
MAX_REDIRECTS = 5  # (page posts only, on the same host)
API_PLATFORMS = ("mastodon", "bluesky", "telegram")
# What an embed shows of a message that is there (its error block sits in the same bubble).
TELEGRAM_CONTENT = ", ".join(
    f".tgme_widget_message_{part}"
    for part in (
        "text",
        "photo_wrap",
        "video_player",
        "roundvideo_player",
        "voice_player",
        "document",
        "poll",
        "sticker_wrap",
        "location_wrap",
    )
)


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
    getposts = post.platform == "bluesky" and "getPosts" in str(response.url)
    if code in GONE_STATUSES and not getposts:
        # the platform's own answer: Mastodon's JSON error, not a proxy's page; a Telegram
        # embed says so in its widget (a 404 there is not the widget's)
        if post.platform == "telegram" or (
            post.platform == "mastodon" and "json" not in response.headers.get("content-type", "")
        ):
            return "unknown", f"HTTP {code} without the platform's not-found answer"
        return "gone", f"HTTP {code}"
    if code != 200:
        return "unknown", f"HTTP {code}"
    if getposts:
        # Only a getPosts answer that lists posts tells: a deleted post is missing from it.
        try:
            posts = response.json()["posts"]
        except (ValueError, KeyError, TypeError):
            return "unknown", "unreadable getPosts answer"
        if not isinstance(posts, list):
            return "unknown", "unreadable getPosts answer"
        uri = bluesky_subject(post)[0]
        if any(isinstance(p, dict) and p.get("uri") == uri for p in posts):
            return "online", "listed by getPosts"
        return "gone", "missing from getPosts (deleted or taken down)"
    if post.platform == "telegram":
        return telegram_embed(response.text)
    if post.platform == "mastodon":
        try:
            status = response.json()
        except ValueError:
            return "unknown", "unreadable status answer"
        if not isinstance(status, dict) or str(status.get("id")) != mastodon_target(post).status_id:
            return "unknown", "unexpected status answer"
        return "online", "status is served"
    return "online", f"HTTP {code}"


def telegram_embed(page: str) -> tuple[str, str]:
    """(outcome, reason) from a Telegram embed page: gone when the widget shows its error
    block and no message (text that merely says "Post not found" is a message)."""
    soup = BeautifulSoup(page, "html.parser")
    if soup.select_one(TELEGRAM_CONTENT):
        return "online", "embed shows the message"
    if soup.select_one(".tgme_widget_message_error"):
        return "gone", "embed shows a message error"
    return "unknown", "embed shows neither the message nor an error"


class CheckFailed(Exception):
    """An answer that cannot tell whether the post is online (the message says why)."""


def check_post(
    client: httpx.Client, case_id: int, post: FlaggedPost, endpoints: dict[str, str]
) -> CheckResult:
    """Fetch one post's removal-check URL and say whether it is gone."""
    url, params = check_request(post, endpoints)
    checked_at = iso(utcnow()) or ""
    code = None
    try:
        if post.platform not in API_PLATFORMS and not same_host(url, post.account_url):
            raise CheckFailed("the post is on another host than its account: not fetched")
        response = fetch_bounded(client, url, params, post.platform not in API_PLATFORMS)
        code = response.status_code
        if _path(str(response.url)) != _path(url):  # (a login page, a home page)
            raise CheckFailed("redirected to another page")
        outcome, reason = interpret(post, response)
        url = str(response.url)
    except CheckFailed as exc:
        outcome, reason = "unknown", str(exc)
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        outcome, reason = "unknown", type(exc).__name__
    return CheckResult(case_id, post.id, url, outcome, code, reason, checked_at)


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def fetch_bounded(
    client: httpx.Client, url: str, params: dict[str, str], follow: bool
) -> httpx.Response:
    """GET ``url`` and read its answer, within ``bounded.MAX_BODY`` bytes (decoded) and
    ``MAX_SECONDS``. Redirects are followed only if ``follow``, on the same host, at most
    ``MAX_REDIRECTS``; an API is not expected to redirect. Raises :class:`CheckFailed`.

    The client's timeouts bound each read, not a whole answer: a server sending a byte now
    and then would hold the check (and the daily job) forever, so the fetch runs in a daemon
    thread that is given up after ``MAX_SECONDS`` (closing the client ends its read)."""
    box: dict[str, Any] = {}

    def fetch() -> None:
        try:
            box["response"] = _fetch(client, url, params, follow, time.monotonic() + MAX_SECONDS)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=fetch, name="removal-check", daemon=True)
    worker.start()
    worker.join(MAX_SECONDS + 1)
    if worker.is_alive():
        raise CheckFailed(f"no whole answer within {MAX_SECONDS:.0f} s")
    if "error" in box:
        raise box["error"]
    return box["response"]  # type: ignore[no-any-return]


def _fetch(
    client: httpx.Client, url: str, params: dict[str, str], follow: bool, deadline: float
) -> httpx.Response:
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING}
    request = client.build_request("GET", url, params=params, headers=headers)
    for _ in range(MAX_REDIRECTS + 1):
        try:
            response = send_bounded(client, request, deadline)
        except Refused as exc:
            raise CheckFailed(str(exc)) from exc
        if not response.is_redirect:
            return response
        target = response.next_request
        if not follow or target is None or not same_host(str(target.url), url):
            raise CheckFailed("redirected" if follow else "an API check was redirected")
        request = target
    raise CheckFailed("too many redirects")


def cases_to_verify(engine: Engine, case_ids: Sequence[int] | None = None) -> list[int]:
    """The given cases, or every case still waiting for removal (reported/removed/partial)."""
    with engine.connect() as connection:
        if case_ids:
            for case_id in case_ids:
                status = get_case(connection, case_id).status
                if status not in OPEN_FOR_VERIFY and status != "verified_gone":
                    raise ReviewError(f"case {case_id} is {status}: report it before checking")
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
    http = client or httpx.Client(timeout=20.0)
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
                try:
                    result = check_post(http, case_id, post, endpoints)
                except Exception as exc:  # one odd answer must not stop the other checks
                    result = CheckResult(
                        case_id, post.id, post.url, "unknown", None, repr(exc), iso(utcnow()) or ""
                    )
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
