"""Recognise the platform of a pasted profile URL and canonicalise it.

The canonical URL is the identity of a watched account: the same account pasted in any
of its forms (``https://t.me/s/x`` and ``https://t.me/x``, ``@user@host`` and
``https://host/@user/``) gives the same string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

PLATFORMS = ("mastodon", "bluesky", "telegram", "feed", "page")

# Instances recognised as Mastodon without ``--platform mastodon``.
WELL_KNOWN_MASTODON_HOSTS = frozenset(
    {
        "mastodon.social",
        "mastodon.online",
        "mastodon.world",
        "mas.to",
        "mstdn.social",
        "mstdn.jp",
        "fosstodon.org",
        "hachyderm.io",
        "infosec.exchange",
        "techhub.social",
        "universeodon.com",
        "mastodon.art",
        "mastodon.uno",
        "troet.cafe",
        "chaos.social",
        "social.vivaldi.net",
        "mastodon.scot",
        "sigmoid.social",
        "aus.social",
        "mastodon.nl",
        "piaille.fr",
        "mamot.fr",
    }
)
TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "www.t.me", "www.telegram.me"})
BLUESKY_HOSTS = frozenset({"bsky.app", "www.bsky.app"})

FEDIVERSE_HANDLE = re.compile(r"^@?([A-Za-z0-9_]{1,64})@([A-Za-z0-9.-]{1,253}(?::\d{1,5})?)$")
MASTODON_PATH = re.compile(r"^/@([A-Za-z0-9_]{1,64})/?$")
TELEGRAM_PATH = re.compile(r"^/(?:s/)?([A-Za-z0-9_]{4,64})/?$")
BLUESKY_PATH = re.compile(r"^/profile/([A-Za-z0-9._:%-]{3,253})/?$")
FEED_PATH = re.compile(r"(\.(rss|atom|xml)|/(rss|atom|feed)(\.xml)?)/?$", re.IGNORECASE)


class UnknownURL(ValueError):
    """The text is not a URL or handle this tool can watch; the message says why."""


@dataclass(frozen=True)
class AccountRef:
    """A recognised account: its platform, canonical URL and handle."""

    platform: str
    url: str
    handle: str


def _split_http(url: str) -> tuple[str, str, str, str]:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UnknownURL(f"not an http(s) URL or @user@host handle: {url!r}")
    host = parts.hostname.lower()
    port = parts.port
    default_port = {"http": 80, "https": 443}[parts.scheme.lower()]
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    return parts.scheme.lower(), netloc, parts.path or "/", parts.query


def _generic_url(url: str) -> str:
    """Canonical form of any web URL: lower-case scheme/host, sorted query, no fragment or
    trailing slash."""
    scheme, netloc, path, query = _split_http(url)
    canonical = canonicalize_url(urlunsplit((scheme, netloc, path, query, "")))
    parts = urlsplit(canonical)
    path = parts.path.rstrip("/") if parts.path != "/" else ""
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _mastodon(scheme: str, netloc: str, user: str) -> AccountRef:
    user = user.lower()
    return AccountRef("mastodon", f"{scheme}://{netloc}/@{user}", f"@{user}@{netloc}")


def recognise(text: str, platform: str | None = None) -> AccountRef:
    """Recognise the platform of ``text`` (a URL or handle) and canonicalise it.

    ``platform`` forces the platform when the URL alone is ambiguous (a Mastodon
    instance that is not well known, a feed without a feed-like path).
    """
    text = text.strip()
    if platform is not None and platform not in PLATFORMS:
        raise UnknownURL(f"unknown platform {platform!r}; choose one of {', '.join(PLATFORMS)}")
    if not text:
        raise UnknownURL("empty URL")

    handle = FEDIVERSE_HANDLE.match(text)
    if handle and "://" not in text:
        if platform not in (None, "mastodon"):
            raise UnknownURL(f"{text!r} is a fediverse handle, not a {platform} URL")
        return _mastodon("https", handle.group(2).lower(), handle.group(1))

    if "://" not in text and re.match(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/|$)", text):
        text = f"https://{text}"
    scheme, netloc, path, _query = _split_http(text)
    host = netloc.split(":")[0]

    if platform in (None, "telegram") and host in TELEGRAM_HOSTS:
        match = TELEGRAM_PATH.match(path)
        if not match:
            raise UnknownURL(f"not a Telegram channel URL (https://t.me/<channel>): {text!r}")
        channel = match.group(1).lower()
        return AccountRef("telegram", f"https://t.me/{channel}", channel)

    if platform in (None, "bluesky") and host in BLUESKY_HOSTS:
        match = BLUESKY_PATH.match(path)
        if not match:
            raise UnknownURL(
                f"not a Bluesky profile URL (https://bsky.app/profile/<handle>): {text!r}"
            )
        actor = match.group(1)
        actor = actor if actor.startswith("did:") else actor.lower()
        return AccountRef("bluesky", f"https://bsky.app/profile/{actor}", actor)

    mastodon_path = MASTODON_PATH.match(path)
    if platform == "mastodon" or (platform is None and host in WELL_KNOWN_MASTODON_HOSTS):
        if not mastodon_path:
            raise UnknownURL(f"not a Mastodon profile URL (https://host/@user): {text!r}")
        return _mastodon(scheme, netloc, mastodon_path.group(1))

    if platform in ("telegram", "bluesky"):
        raise UnknownURL(f"not a {platform} URL: {text!r}")

    canonical = _generic_url(text)
    if platform == "feed" or (platform is None and FEED_PATH.search(path)):
        return AccountRef("feed", canonical, canonical)
    return AccountRef("page", canonical, canonical)


def looks_like_fediverse_profile(ref: AccountRef) -> bool:
    """True for a ``page`` whose path is ``/@user``: probably a Mastodon instance we don't know."""
    return ref.platform == "page" and bool(MASTODON_PATH.match(urlsplit(ref.url).path))


DEFAULT_PORTS = {"http": 80, "https": 443}


def _site(url: str) -> tuple[str, int | None] | None:
    """``(host without a leading www., port or None for the scheme's default)``, or None for a
    URL that is not http(s) or has no host."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    if port == DEFAULT_PORTS[parts.scheme]:
        port = None
    return parts.hostname.lower().removeprefix("www."), port


def same_host(url: str, other: str) -> bool:
    """True when two http(s) URLs are on the same host: the same host name, ignoring a leading
    ``www.``, and the same port (a scheme's default port counts as none)."""
    site = _site(url)
    return site is not None and site == _site(other)
