"""``monitor flagged``: flagged posts, newest first, with severity, kinds and masked values."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from monitor.context import AppContext, BadInput, pass_app
from monitor.review import findings_of, iso, parse_since
from storage.review import POST_STATUSES, FlaggedFilter, iter_flagged

KINDS = (
    "national_id",
    "passport",
    "date_of_birth",
    "address",
    "phone",
    "email",
    "payment_card",
    "iban",
)


def since_option(func):  # type: ignore[no-untyped-def]
    """``--since DATE``, parsed to UTC."""

    def parse(_ctx: click.Context, _param: click.Parameter, value: str | None) -> object:
        if value is None:
            return None
        try:
            return parse_since(value)
        except ValueError as exc:
            raise BadInput(f"--since: not a date: {value!r} (use 2026-11-01)") from exc

    return click.option(
        "--since",
        metavar="DATE",
        callback=parse,
        help="Only posts posted (or first seen) at or after DATE (UTC).",
    )(func)


@click.command()
@click.option("--account", metavar="URL", help="Only posts of this watched account.")
@click.option("--platform", metavar="P", help="Only posts on this platform (e.g. mastodon).")
@since_option
@click.option("--kind", type=click.Choice(KINDS), help="Only posts with this kind of data.")
@click.option("--status", type=click.Choice(POST_STATUSES), help="Only posts in this status.")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many posts.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per post.")
@pass_app
def flagged(
    app: AppContext,
    account: str | None,
    platform: str | None,
    since: object,
    kind: str | None,
    status: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """List flagged posts, newest first, with severity, kinds and masked values."""
    criteria = FlaggedFilter(
        account_url=account,
        platform=platform.lower() if platform else None,
        since=since,  # type: ignore[arg-type]
        kind=kind,
        status=status,
    )
    posts = iter_flagged(app.engine(), criteria, limit=limit)
    if as_json:
        for post in posts:
            record = {
                "id": post.id,
                "platform": post.platform,
                "account_url": post.account_url,
                "post_id": post.post_id,
                "url": post.url,
                "posted_at": iso(post.posted_at),
                "first_seen_at": iso(post.first_seen_at),
                "status": post.status,
                "severity": post.severity,
                "kinds": post.kinds,
                "findings": findings_of(post),
                "case_ids": post.case_ids,
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    table = Table("id", "posted (UTC)", "platform", "url", "severity", "status", "found")
    shown = 0
    for post in posts:
        found = ", ".join(f"{f.kind} {f.masked}" for f in post.findings)
        table.add_row(
            str(post.id),
            (iso(post.posted_at or post.first_seen_at) or "")[:16].replace("T", " "),
            post.platform,
            escape(post.url),
            post.severity,
            post.status,
            escape(found),
        )
        shown += 1
    if not shown:
        click.echo("No flagged posts match.")
        return
    Console(soft_wrap=True).print(table)
