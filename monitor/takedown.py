"""Filing takedown reports through platform APIs (Mastodon ``POST /api/v1/reports``)."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Engine

from monitor import __version__
from monitor.bounded import ACCEPT_ENCODING, Refused, send_bounded
from storage.review import FlaggedFilter, FlaggedPost, iter_flagged
from storage.takedown import get_case, set_case_status, submitted_post_ids

MASTODON_COMMENT_LIMIT = 1000
MASTODON_CATEGORIES = ("spam", "legal", "violation", "other")
USER_AGENT = f"doxxing-monitor/{__version__} (takedown report)"
KIND_LABELS = {
    "national_id": "national ID number",
    "passport": "passport number",
    "date_of_birth": "date of birth",
    "address": "home address",
    "phone": "phone number",
    "email": "e-mail address",
    "payment_card": "payment card number",
    "iban": "bank account (IBAN)",
}


class SubmitError(Exception):
    """The platform refused the report or could not be reached; nothing was recorded."""


@dataclass
class MastodonReport:
    """One report to file: the fields ``POST /api/v1/reports`` takes."""

    instance: str
    account_id: str
    status_ids: list[str]
    comment: str
    category: str = "other"
    forward: bool = True
    rule_ids: list[str] = field(default_factory=list)

    def form(self) -> dict[str, str | list[str]]:
        """Form fields, arrays as ``status_ids[]`` as the Mastodon docs show them."""
        fields: dict[str, str | list[str]] = {
            "account_id": self.account_id,
            "status_ids[]": list(self.status_ids),
            "comment": self.comment,
            "category": self.category,
            "forward": "true" if self.forward else "false",
        }
        if self.rule_ids:
            fields["rule_ids[]"] = list(self.rule_ids)
        return fields


def kinds_phrase(kinds: list[str]) -> str:
    """``national ID number, home address and phone number``."""
    labels = [KIND_LABELS.get(k, k.replace("_", " ")) for k in kinds]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def doxxing_comment(posts: list[FlaggedPost], limit: int = MASTODON_COMMENT_LIMIT) -> str:
    """A report comment naming what is exposed, without any value in clear."""
    kinds = sorted({k for p in posts for k in p.kinds})
    count = Counter(p.platform for p in posts).total()
    text = (
        f"Doxxing: {'this post publishes' if count == 1 else f'these {count} posts publish'} "
        f"personal data of a private person without consent ({kinds_phrase(kinds)}). "
        "Please remove the posts and consider action against the account. "
        "Evidence with timestamps and hashes is kept and available on request."
    )
    return text[:limit]


@dataclass(frozen=True)
class MastodonTarget:
    """Where and what to report for one Mastodon post: the crawled instance, the author's
    account id there and the status id there (for a boost: the boosted status and its author,
    which carry the content)."""

    instance: str
    account_id: str | None
    status_id: str


def mastodon_target(post: FlaggedPost) -> MastodonTarget:
    """The report target of ``post``, from the stored status JSON where there is one."""
    parts = urlsplit(post.account_url or post.url)
    instance = f"{parts.scheme}://{parts.netloc}"
    try:
        status = json.loads(post.raw)
    except ValueError:
        status = None
    if not isinstance(status, dict):
        return MastodonTarget(instance, None, post.post_id.rsplit("/", 1)[-1])
    if isinstance(status.get("reblog"), dict):
        status = status["reblog"]
    account = status.get("account")
    account_id = account.get("id") if isinstance(account, dict) else None
    status_id = status.get("id") or post.post_id.rsplit("/", 1)[-1]
    return MastodonTarget(instance, str(account_id) if account_id else None, str(status_id))


def bluesky_subject(post: FlaggedPost) -> tuple[str | None, str | None]:
    """(``at://`` URI, CID) of the post whose content was flagged: for a repost, the reposted
    post (a repost record itself is never listed by ``getPosts`` nor reportable as content)."""
    try:
        raw = json.loads(post.raw)
    except ValueError:
        raw = None
    if isinstance(raw, dict):
        view = raw.get("post") if isinstance(raw.get("post"), dict) else raw
        uri, cid = view.get("uri"), view.get("cid")
        if isinstance(uri, str) and uri.startswith("at://"):
            return uri, cid if isinstance(cid, str) else None
    if post.post_id.startswith("at://") and "/app.bsky.feed.post/" in post.post_id:
        return post.post_id, None
    return None, None


def build_mastodon_reports(
    posts: list[FlaggedPost],
    *,
    category: str = "other",
    forward: bool = True,
    comment: str | None = None,
    rule_ids: list[str] | None = None,
) -> list[MastodonReport]:
    """One report per (instance, account) among the posts."""
    groups: dict[tuple[str, str], list[FlaggedPost]] = {}
    targets = {post.id: mastodon_target(post) for post in posts}
    for post in posts:
        target = targets[post.id]
        if target.account_id is None:
            raise SubmitError(
                f"post {post.id}: the stored status has no account id (crawled from RSS/HTML?); "
                "report it by hand and record it with `monitor takedown mark`"
            )
        groups.setdefault((target.instance, target.account_id), []).append(post)
    return [
        MastodonReport(
            instance=instance,
            account_id=account_id,
            status_ids=[targets[p.id].status_id for p in group],
            comment=(comment or doxxing_comment(group))[:MASTODON_COMMENT_LIMIT],
            category=category,
            forward=forward,
            rule_ids=list(rule_ids or []),
        )
        for (instance, account_id), group in groups.items()
    ]


SUBMIT_SECONDS = 60.0  # for reading one answer, however slowly the server sends it


def file_mastodon_report(client: httpx.Client, report: MastodonReport, token: str) -> dict:
    """POST the report; the Report entity Mastodon returns (its ``id`` a non-empty string or
    number). The answer is read within ``bounded.MAX_BODY`` bytes."""
    request = client.build_request(
        "POST",
        f"{report.instance}/api/v1/reports",
        data=report.form(),
        headers={
            "Authorization": f"Bearer {token}",
            "User-Agent": USER_AGENT,
            "Accept-Encoding": ACCEPT_ENCODING,
        },
    )
    try:
        response = send_bounded(client, request, time.monotonic() + SUBMIT_SECONDS)
    except httpx.HTTPError as exc:
        raise SubmitError(f"{report.instance}: {type(exc).__name__}: {exc}") from exc
    except Refused as exc:
        raise SubmitError(f"{report.instance}: {exc}") from exc
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if response.status_code != 200:
        reason = answer.get("error", "") if isinstance(answer, dict) else response.text[:200]
        raise SubmitError(f"{report.instance} answered {response.status_code}: {reason}".strip())
    report_id = answer.get("id") if isinstance(answer, dict) else None
    if isinstance(report_id, bool) or not isinstance(report_id, str | int) or report_id == "":
        raise SubmitError(f"{report.instance}: unexpected answer (no report id)")
    return answer


def submit_mastodon_case(
    engine: Engine,
    case_id: int,
    token: str,
    actor: str,
    *,
    category: str = "other",
    forward: bool = True,
    comment: str | None = None,
    rule_ids: list[str] | None = None,
    client: httpx.Client | None = None,
) -> list[str]:
    """File the case through Mastodon's report API and record it as ``reported``.

    Returns the report ids. Each report is recorded as soon as it is filed, so a failure on a
    second instance never loses the id of the first one.
    """
    with engine.connect() as connection:
        case = get_case(connection, case_id)
        if case.platform != "mastodon":
            raise SubmitError(f"case {case_id} is on {case.platform}, not mastodon")
        filed = submitted_post_ids(connection, case.post_ids)
    # Posts this tool has reported already (a submit run again, or one that failed half-way
    # through a case spanning accounts) are not reported twice.
    pending = [p for p in case.post_ids if p not in filed]
    if not pending:
        raise SubmitError(f"case {case_id}: every post is already reported through the API")
    posts = list(iter_flagged(engine, FlaggedFilter(post_ids=pending)))
    if not posts:
        raise SubmitError(f"case {case_id} has no flagged posts to report")
    reports = build_mastodon_reports(
        posts, category=category, forward=forward, comment=comment, rule_ids=rule_ids
    )
    own = client is None
    http = client or httpx.Client(timeout=30.0, follow_redirects=False)
    ids: list[str] = []
    try:
        by_status = {mastodon_target(p).status_id: p.id for p in posts}
        for report in reports:
            entity = file_mastodon_report(http, report, token)
            report_id = str(entity["id"])
            with engine.begin() as connection:
                set_case_status(
                    connection,
                    case_id,
                    "reported",
                    actor=actor,
                    action="submit",
                    reference=report_id,
                    details={
                        "channel": "mastodon_api",
                        "endpoint": f"{report.instance}/api/v1/reports",
                        "account_id": report.account_id,
                        "status_ids": report.status_ids,
                        "category": report.category,
                        "forward": report.forward,
                        "created_at": entity.get("created_at"),
                    },
                    post_ids=[by_status[s] for s in report.status_ids],
                )
            ids.append(report_id)
    finally:
        if own:
            http.close()
    return ids
