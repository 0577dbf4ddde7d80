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

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from monitor.exports import ExportRequest, output_file, posts_of, tool_info
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
    platform: str
    account_url: str
    items: list[Item] = field(default_factory=list)


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


def explanation(items: list[Item], with_values: bool = True) -> str:
    """Why the content is unlawful/against the rules, naming what is exposed (masked)."""
    kinds = sorted({k for i in items for k in i.kinds})
    lines = [
        f"The content at the URL(s) below publishes personal data of a private individual "
        f"without their consent ({kinds_phrase(kinds)}), exposing them to harassment, "
        "stalking and identity fraud (doxxing). Publishing this data is unlawful processing "
        "of personal data (GDPR Art. 5, 6 and 9) and against the platform's rules on "
        "private information."
    ]
    if with_values:
        for i in items:
            lines.append(f"- {i.url}: " + "; ".join(i.values))
    return "\n".join(lines)


def _mastodon(group: Group) -> list[dict[str, Any]]:
    targets = {i.post_id: i.mastodon for i in group.items if i.mastodon is not None}
    keys = sorted({(t.instance, t.account_id or "") for t in targets.values()})
    out = []
    for instance, account in keys:
        items = [
            i
            for i in group.items
            if i.mastodon is not None
            and (i.mastodon.instance, i.mastodon.account_id or "") == (instance, account)
        ]
        out.append(
            {
                "channel": "mastodon_api",
                "endpoint": f"{instance}/api/v1/reports",
                "fields": {
                    "account_id": account or None,
                    "status_ids": [targets[i.post_id].status_id for i in items],
                    "comment": explanation(items, with_values=False)[:MASTODON_COMMENT_LIMIT],
                    "category": "other",
                    "forward": True,
                },
            }
        )
    return out


def _bluesky(group: Group) -> list[dict[str, Any]]:
    return [
        {
            "channel": "com.atproto.moderation.createReport",
            "body": {
                "reasonType": BLUESKY_REASON,
                "reason": explanation([i])[:BLUESKY_REASON_LIMIT],
                "subject": {"$type": "com.atproto.repo.strongRef", "uri": i.uri, "cid": i.cid},
            },
        }
        for i in group.items
    ]


def _x(group: Group) -> list[dict[str, Any]]:
    out = []
    for start in range(0, len(group.items), X_FORM_POSTS):
        items = group.items[start : start + X_FORM_POSTS]
        kinds = sorted({k for i in items for k in i.kinds})
        types = sorted({X_INFORMATION_TYPES[k] for k in kinds if k in X_INFORMATION_TYPES})
        out.append(
            {
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
        )
    return out


def _telegram(group: Group) -> list[dict[str, Any]]:
    urls = "\n".join(i.url for i in group.items)
    return [
        {
            "channel": "telegram_abuse",
            "to": "abuse@telegram.org",
            "in_app_reason": "Personal details",
            "subject": f"Doxxing in public channel {group.account_url}",
            "text": (
                f"The public channel {group.account_url} publishes personal details of a "
                f"private person without consent.\n\nMessages:\n{urls}\n\n"
                f"{explanation(group.items)}\n\nPlease remove these messages."
            ),
        }
    ]


CHANNELS = {"mastodon": _mastodon, "bluesky": _bluesky, "x": _x, "twitter": _x}


def _dsa(group: Group, request: ExportRequest) -> dict[str, Any]:
    return {
        "legal_basis": "Regulation (EU) 2022/2065 (Digital Services Act), Article 16",
        "exact_urls": [i.url for i in group.items],
        "explanation": explanation(group.items),
        "notifier": {"name": request.notifier_name, "email": request.notifier_email},
        "good_faith_statement": GOOD_FAITH,
        "evidence": [
            {
                "url": i.url,
                "posted_at": i.posted_at,
                "captured_at": i.captured_at,
                "sha256": i.evidence_sha256,
            }
            for i in group.items
        ],
    }


def _lumen(group: Group, request: ExportRequest) -> dict[str, Any]:
    return {
        "type": "PrivateInformation",
        "title": f"Private information on {group.platform}: {group.account_url}",
        "explanation": explanation(group.items, with_values=False),
        "complaint": explanation(group.items),
        "urls_with_private_information": [i.url for i in group.items],
        "date_sent": iso(utcnow()),
        "jurisdictions": [],
        "action_taken": "Unspecified",
        "sender": {"name": request.notifier_name, "email": request.notifier_email},
        "principal": {"name": request.notifier_name},
        "recipient": {"name": group.platform},
    }


def write(engine: Engine, request: ExportRequest) -> int:
    """Write the notices; returns the number of posts."""
    groups: dict[tuple[str, str], Group] = {}
    count = 0
    for post in posts_of(engine, request):
        key = (post.platform, post.account_url)
        groups.setdefault(key, Group(*key)).items.append(_item(post, request.unmasked))
        count += 1
    notices = []
    for group in groups.values():
        channel = CHANNELS.get(group.platform)
        if group.platform == "telegram":
            channel = _telegram
        notices.append(
            {
                "platform": group.platform,
                "account_url": group.account_url,
                "post_urls": [i.url for i in group.items],
                "platform_reports": channel(group) if channel else [],
                "dsa_article_16": _dsa(group, request),
                "lumen": _lumen(group, request),
            }
        )
    document = {
        **tool_info(),
        "generated_at": iso(utcnow()),
        "scope": request.scope(),
        "masked": not request.unmasked,
        "notices": notices,
    }
    with output_file(request.path, request.unmasked) as handle:
        json.dump(document, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return count
