import pytest

from monitor.urls import UnknownURL, looks_like_fediverse_profile, recognise

EQUIVALENT = [
    (
        "mastodon",
        "https://mastodon.social/@alice",
        [
            "https://mastodon.social/@alice",
            "https://Mastodon.Social/@Alice/",
            "HTTPS://mastodon.social:443/@alice",
            "@alice@mastodon.social",
            "alice@mastodon.social",
            "mastodon.social/@alice",
            "  https://mastodon.social/@alice#top ",
        ],
    ),
    (
        "telegram",
        "https://t.me/leakchannel",
        [
            "https://t.me/leakchannel",
            "https://t.me/s/leakchannel",
            "https://t.me/s/LeakChannel/",
            "http://telegram.me/leakchannel",
            "t.me/leakchannel",
        ],
    ),
    (
        "bluesky",
        "https://bsky.app/profile/alice.bsky.social",
        [
            "https://bsky.app/profile/alice.bsky.social",
            "https://bsky.app/profile/Alice.Bsky.Social/",
            "https://www.bsky.app/profile/alice.bsky.social",
        ],
    ),
    (
        "bluesky",
        "https://bsky.app/profile/did:plc:abc123xyz",
        ["https://bsky.app/profile/did:plc:abc123xyz/"],
    ),
    (
        "feed",
        "https://www.reddit.com/user/someone/.rss",
        ["https://www.reddit.com/user/someone/.rss", "https://WWW.reddit.com/user/someone/.rss#x"],
    ),
    ("feed", "https://nitter.example/someone/rss", ["https://nitter.example/someone/rss/"]),
    ("feed", "https://blog.example/feed.xml", ["https://blog.example/feed.xml"]),
    (
        "page",
        "https://example.org/people?a=1&b=2",
        ["https://example.org/people/?b=2&a=1", "https://EXAMPLE.org:443/people?a=1&b=2#frag"],
    ),
    ("page", "http://127.0.0.1:8080/profile", ["http://127.0.0.1:8080/profile/"]),
]


@pytest.mark.parametrize(
    ("platform", "canonical", "form"),
    [(p, c, f) for p, c, forms in EQUIVALENT for f in forms],
)
def test_equivalent_forms_share_one_canonical_url(platform, canonical, form):
    ref = recognise(form)
    assert (ref.platform, ref.url) == (platform, canonical)


def test_unknown_instance_needs_platform():
    assert recognise("https://social.example/@bob").platform == "page"
    assert looks_like_fediverse_profile(recognise("https://social.example/@bob"))
    forced = recognise("http://127.0.0.1:8080/@Bob/", "mastodon")
    assert (forced.platform, forced.url, forced.handle) == (
        "mastodon",
        "http://127.0.0.1:8080/@bob",
        "@bob@127.0.0.1:8080",
    )


def test_forced_feed_platform_keeps_url():
    assert recognise("https://example.org/data", "feed").platform == "feed"


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("", None),
        ("ftp://example.org/x", None),
        ("not a url", None),
        ("https://t.me/leakchannel/123", None),
        ("https://bsky.app/search?q=x", None),
        ("https://example.org/people", "mastodon"),
        ("https://example.org/people", "telegram"),
        ("https://example.org/people", "myspace"),
        ("@alice@mastodon.social", "feed"),
    ],
)
def test_unknown_forms_are_rejected(text, platform):
    with pytest.raises(UnknownURL):
        recognise(text, platform)
