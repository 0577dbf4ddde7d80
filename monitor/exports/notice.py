"""``notice``: per platform, the fields its reporting channel asks for, ready to paste or submit.

A JSON document with one entry per (platform, account):

* ``mastodon``: the fields of ``POST /api/v1/reports`` (account_id, status_ids, comment,
  category, forward).
* ``bluesky``: one ``com.atproto.moderation.createReport`` body per post, reasonType
  ``tools.ozone.report.defs#reasonHarassmentDoxxing``, subject strongRef {uri, cid}.
* ``x``/``twitter``: the private-information form (up to 5 posts per form, information types).
* ``telegram``: text for an abuse report (abuse@telegram.org or in-app).
* every platform: an EU DSA Article 16 notice (exact URLs, explanation, notifier name and
  e-mail, bona fide statement) and a Lumen-style ``PrivateInformation`` record.

Values are masked unless ``--unmasked``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine

from monitor.exports import ExportRequest, output_file, posts_of, tool_info
from monitor.exports.jsonstream import Lazy, LazyText, dump
from monitor.review import iso
from monitor.takedown import (
    KIND_LABELS,
    MASTODON_COMMENT_LIMIT,
    MastodonTarget,
    bluesky_subject,
    kinds_phrase,
    mastodon_target,
)
from storage.models import utcnow
from storage.review import FlaggedPost

BLUESKY_REASON = "tools.ozone.report.defs#reasonHarassmentDoxxing"
BLUESKY_REASON_LIMIT = 2000
X_FORM_POSTS = 5
KEEP_ITEMS = 2000  # a notice lists its posts in several places; up to this many are kept
X_INFORMATION_TYPES = {
    "national_id": "Identity documents or numbers",
    "passport": "Identity documents or numbers",
    "address": "Physical address or location",
    "phone": "Contact information",
    "email": "Contact information",
    "payment_card": "Financial account information",
    "iban": "Financial account information",
}
GOOD_FAITH = (
    "I state in good faith (bona fide) that the information and allegations in this notice "
    "are accurate and complete."
)


@dataclass
class Item:
    """What a notice needs of one post."""

    url: str
    post_id: str
    kinds: list[str]
    values: list[str]
    posted_at: str | None
    captured_at: str | None
    evidence_sha256: str | None
    mastodon: MastodonTarget | None = None
    uri: str | None = None
    cid: str | None = None


@dataclass
class Group:
    """One (platform, account) of the selection, as a first pass over it learns it; its items
    are streamed again (``items()``) wherever the notice lists them."""

    platform: str
    account_url: str
    stream: Callable[[], Iterator[Item]]
    count: int = 0
    kinds: set[str] = field(default_factory=set)
    # Mastodon: (instance, account id) -> the kinds of its posts, in order of appearance
    mastodon_targets: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    kept: list[Item] | None = None

    def items(self) -> Iterator[Item]:
        """The group's items: kept after the first read for a group of up to ``KEEP_ITEMS``
        posts, read again from the database for a larger one (memory stays flat)."""
        if self.kept is not None:
            return iter(self.kept)
        if self.count > KEEP_ITEMS:
            return self.stream()
        self.kept = list(self.stream())
        return iter(self.kept)


def _item(post: FlaggedPost, unmasked: bool) -> Item:
    uri, cid = bluesky_subject(post) if post.platform == "bluesky" else (None, None)
    values = [
        f"{KIND_LABELS.get(f.kind, f.kind)}: {post.clear_value(f) if unmasked else f.masked}"
        for f in post.findings
    ]
    return Item(
        url=post.url,
        post_id=post.post_id,
        kinds=post.kinds,
        values=values,
        posted_at=iso(post.posted_at),
        captured_at=iso(post.evidence_captured_at or post.captured_at),
        evidence_sha256=post.evidence_sha256,
        mastodon=mastodon_target(post) if post.platform == "mastodon" else None,
        uri=uri,
        cid=cid,
    )


def summary(kinds: set[str] | list[str]) -> str:
    """Why the content is unlawful/against the rules, naming what is exposed (no values)."""
    return (
        f"The content at the URL(s) below publishes personal data of a private individual "
        f"without their consent ({kinds_phrase(sorted(kinds))}), exposing them to harassment, "
        "stalking and identity fraud (doxxing). Publishing this data is unlawful processing "
        "of personal data (GDPR Art. 5, 6 and 9) and against the platform's rules on "
        "private information."
    )


def value_lines(items: Iterable[Item]) -> Iterator[str]:
    """One line per post: its URL and what it exposes (masked unless the export is not)."""
    for i in items:
        yield f"\n- {i.url}: " + "; ".join(i.values)


def explanation(items: list[Item]) -> str:
    """The summary and the values of a few items."""
    return summary({k for i in items for k in i.kinds}) + "".join(value_lines(items))


def streamed_explanation(group: Group) -> LazyText:
    """The summary and one line per post of the whole group, streamed."""
    return LazyText(lambda: itertools.chain([summary(group.kinds)], value_lines(group.items())))


def _urls(group: Group) -> Lazy:
    return Lazy(lambda: (i.url for i in group.items()))


def _mastodon(group: Group) -> list[dict[str, Any]]:
    def status_ids(key: tuple[str, str]) -> Iterator[str]:
        for i in group.items():
            if i.mastodon and (i.mastodon.instance, i.mastodon.account_id or "") == key:
                yield i.mastodon.status_id

    return [
        {
            "channel": "mastodon_api",
            "endpoint": f"{instance}/api/v1/reports",
            "fields": {
                "account_id": account or None,
                "status_ids": Lazy(functools.partial(status_ids, (instance, account))),
                "comment": summary(kinds)[:MASTODON_COMMENT_LIMIT],
                "category": "other",
                "forward": True,
            },
        }
        for (instance, account), kinds in group.mastodon_targets.items()
    ]


def _bluesky(group: Group) -> Lazy:
    return Lazy(
        lambda: (
            {
                "channel": "com.atproto.moderation.createReport",
                "body": {
                    "reasonType": BLUESKY_REASON,
                    "reason": explanation([i])[:BLUESKY_REASON_LIMIT],
                    "subject": {"$type": "com.atproto.repo.strongRef", "uri": i.uri, "cid": i.cid},
                },
            }
            for i in group.items()
        )
    )


def _x_form(group: Group, items: list[Item]) -> dict[str, Any]:
    kinds = sorted({k for i in items for k in i.kinds})
    types = sorted({X_INFORMATION_TYPES[k] for k in kinds if k in X_INFORMATION_TYPES})
    return {
        "channel": "x_private_information_form",
        "reported_account": group.account_url,
        "post_urls": [i.url for i in items],
        "information_types": types,
        "note": (
            "X does not treat a name or date of birth alone as private information"
            if "date_of_birth" in kinds
            else ""
        ),
        "description": explanation(items),
    }


def _x(group: Group) -> Lazy:
    def forms() -> Iterator[dict[str, Any]]:
        items = group.items()
        while chunk := list(itertools.islice(items, X_FORM_POSTS)):
            yield _x_form(group, chunk)

    return Lazy(forms)


def _telegram(group: Group) -> list[dict[str, Any]]:
    def text() -> Iterator[str]:
        yield (
            f"The public channel {group.account_url} publishes personal details of a "
            "private person without consent.\n\nMessages:"
        )
        for i in group.items():
            yield f"\n{i.url}"
        yield "\n\n"
        yield from streamed_explanation(group).make()
        yield "\n\nPlease remove these messages."

    return [
        {
            "channel": "telegram_abuse",
            "to": "abuse@telegram.org",
            "in_app_reason": "Personal details",
            "subject": f"Doxxing in public channel {group.account_url}",
            "text": LazyText(text),
        }
    ]


CHANNELS: dict[str, Callable[[Group], Any]] = {
    "mastodon": _mastodon,
    "bluesky": _bluesky,
    "x": _x,
    "twitter": _x,
    "telegram": _telegram,
}


def _dsa(group: Group, request: ExportRequest) -> dict[str, Any]:
    return {
        "legal_basis": "Regulation (EU) 2022/2065 (Digital Services Act), Article 16",
        "exact_urls": _urls(group),
        "explanation": streamed_explanation(group),
        "notifier": {"name": request.notifier_name, "email": request.notifier_email},
        "good_faith_statement": GOOD_FAITH,
        "evidence": Lazy(
            lambda: (
                {
                    "url": i.url,
                    "posted_at": i.posted_at,
                    "captured_at": i.captured_at,
                    "sha256": i.evidence_sha256,
                }
                for i in group.items()
            )
        ),
    }


def _lumen(group: Group, request: ExportRequest) -> dict[str, Any]:
    return {
        "type": "PrivateInformation",
        "title": f"Private information on {group.platform}: {group.account_url}",
        "explanation": summary(group.kinds),
        "complaint": streamed_explanation(group),
        "urls_with_private_information": _urls(group),
        "date_sent": iso(utcnow()),
        "jurisdictions": [],
        "action_taken": "Unspecified",
        "sender": {"name": request.notifier_name, "email": request.notifier_email},
        "principal": {"name": request.notifier_name},
        "recipient": {"name": group.platform},
    }


def _notice(group: Group, request: ExportRequest) -> dict[str, Any]:
    channel = CHANNELS.get(group.platform)
    return {
        "platform": group.platform,
        "account_url": group.account_url,
        "post_urls": _urls(group),
        "platform_reports": channel(group) if channel else [],
        "dsa_article_16": _dsa(group, request),
        "lumen": _lumen(group, request),
    }


def _groups(engine: Engine, request: ExportRequest) -> dict[tuple[str, str], Group]:
    """A first pass over the selection: its groups, their post counts, kinds and targets."""

    def items_of(platform: str, account_url: str) -> Callable[[], Iterator[Item]]:
        criteria = replace(request.criteria, platform=platform, account_url=account_url)
        narrowed = replace(request, criteria=criteria)
        return lambda: (_item(p, request.unmasked) for p in posts_of(engine, narrowed))

    groups: dict[tuple[str, str], Group] = {}
    for post in posts_of(engine, request):
        key = (post.platform, post.account_url)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(*key, stream=items_of(*key))
        group.count += 1
        group.kinds.update(post.kinds)
        if post.platform == "mastodon":
            target = mastodon_target(post)
            kinds = group.mastodon_targets.setdefault(
                (target.instance, target.account_id or ""), set()
            )
            kinds.update(post.kinds)
    return groups


def _notices(groups: dict[tuple[str, str], Group], request: ExportRequest) -> Iterator[Any]:
    for group in groups.values():
        yield _notice(group, request)
        group.kept = None  # written: let its items go before the next group's are read


def write(engine: Engine, request: ExportRequest) -> int:
    """Write the notices, streaming every list of posts; returns the number of posts."""
    groups = _groups(engine, request)
    document = {
        **tool_info(),
        "generated_at": iso(utcnow()),
        "scope": request.scope(),
        "masked": not request.unmasked,
        "notices": Lazy(lambda: _notices(groups, request)),
    }
    with output_file(request.path, request.unmasked) as handle:
        dump(document, handle)
        handle.write("\n")
    return sum(group.count for group in groups.values())
