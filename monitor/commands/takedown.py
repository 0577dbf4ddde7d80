"""``monitor takedown``: cases of confirmed posts, what happened to them, reports filed."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from monitor.context import AppContext, BadInput, pass_app
from monitor.review import current_actor, iso
from monitor.takedown import MASTODON_CATEGORIES, SubmitError, submit_mastodon_case
from storage.review import ReviewError, events_of, resolve_post
from storage.takedown import (
    CASE_STATUSES,
    MARKABLE,
    create_case,
    get_case,
    list_cases,
    mark_case,
)

ACTOR = click.option(
    "--by", "actor", metavar="NAME", help="Who acts (default: $MONITOR_ACTOR or login)."
)


@click.group()
def takedown() -> None:
    """Group confirmed posts into cases, record and file reports."""


@takedown.command("create")
@click.argument("posts", nargs=-1, required=True)
@click.option("--title", default="", help="A short description of the case.")
@ACTOR
@pass_app
def takedown_create(app: AppContext, posts: tuple[str, ...], title: str, actor: str | None) -> None:
    """Group confirmed POSTS (ids, URLs or platform:post_id) of one platform into a case."""
    engine = app.engine()
    try:
        with engine.connect() as connection:
            ids = [resolve_post(connection, ref) for ref in posts]
        case_id = create_case(engine, ids, current_actor(actor), title)
    except ReviewError as exc:
        raise BadInput(str(exc)) from exc
    click.echo(f"case {case_id}: {len(set(ids))} post(s), status confirmed")


@takedown.command("mark")
@click.argument("case_id", metavar="CASE", type=int)
@click.argument("status", type=click.Choice(MARKABLE))
@click.option("--reference", metavar="ID", help="The platform's ticket or report id.")
@click.option("--note", default="", help="What happened (kept in the history).")
@ACTOR
@pass_app
def takedown_mark(
    app: AppContext,
    case_id: int,
    status: str,
    reference: str | None,
    note: str,
    actor: str | None,
) -> None:
    """Record what happened to CASE outside the tool: reported, removed, rejected, partial."""
    try:
        old = mark_case(app.engine(), case_id, status, current_actor(actor), reference, note)
    except ReviewError as exc:
        raise BadInput(str(exc)) from exc
    click.echo(f"case {case_id}: {old} -> {status}")


@takedown.command("submit")
@click.argument("case_id", metavar="CASE", type=int)
@click.option(
    "--mastodon-token",
    envvar="MONITOR_MASTODON_TOKEN",
    required=True,
    metavar="TOKEN",
    help="OAuth token with write:reports (env MONITOR_MASTODON_TOKEN). Never stored.",
)
@click.option(
    "--category", type=click.Choice(MASTODON_CATEGORIES), default="other", show_default=True
)
@click.option("--rule-id", "rule_ids", multiple=True, help="Instance rule broken (repeatable).")
@click.option("--comment", help="Report text (default: a masked summary; max 1000 chars).")
@click.option("--forward/--no-forward", default=True, show_default=True, help="Forward remote.")
@ACTOR
@pass_app
def takedown_submit(
    app: AppContext,
    case_id: int,
    mastodon_token: str,
    category: str,
    rule_ids: tuple[str, ...],
    comment: str | None,
    forward: bool,
    actor: str | None,
) -> None:
    """File CASE through Mastodon's report API and record the returned report id."""
    try:
        ids = submit_mastodon_case(
            app.engine(),
            case_id,
            mastodon_token,
            current_actor(actor),
            category="violation" if rule_ids else category,
            forward=forward,
            comment=comment,
            rule_ids=list(rule_ids),
        )
    except ReviewError as exc:
        raise BadInput(str(exc)) from exc
    except SubmitError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"case {case_id}: reported (Mastodon report {', '.join(ids)})")


@takedown.command("list")
@click.option("--status", type=click.Choice(CASE_STATUSES), help="Only cases in this status.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per case.")
@pass_app
def takedown_list(app: AppContext, status: str | None, as_json: bool) -> None:
    """List takedown cases with their status."""
    cases = list_cases(app.engine(), status)
    if as_json:
        for c in cases:
            record = {
                "id": c.id,
                "platform": c.platform,
                "title": c.title,
                "status": c.status,
                "reference": c.reference,
                "created_by": c.created_by,
                "created_at": iso(c.created_at),
                "post_ids": c.post_ids,
                "reappeared_post_ids": c.reappeared_post_ids,
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    if not cases:
        click.echo("No takedown cases.")
        return
    table = Table("case", "platform", "status", "posts", "reference", "title")
    for c in cases:
        posts = str(len(c.post_ids))
        if c.reappeared_post_ids:
            posts += f" (+{len(c.reappeared_post_ids)} reappeared)"
        table.add_row(
            str(c.id), c.platform, c.status, posts, escape(c.reference or ""), escape(c.title)
        )
    Console(soft_wrap=True).print(table)


@takedown.command("show")
@click.argument("case_id", metavar="CASE", type=int)
@pass_app
def takedown_show(app: AppContext, case_id: int) -> None:
    """Show CASE with its posts and event history."""
    with app.engine().connect() as connection:
        try:
            case = get_case(connection, case_id)
        except ReviewError as exc:
            raise BadInput(str(exc)) from exc
        events = events_of(connection, case_id=case_id)
    click.echo(f"case {case.id} ({case.platform}): {case.status}")
    click.echo(f"posts: {', '.join(map(str, case.post_ids))}")
    if case.reappeared_post_ids:
        click.echo(f"reappeared in: {', '.join(map(str, case.reappeared_post_ids))}")
    for e in events:
        target = f"post {e.post_id}" if e.post_id else "case"
        line = f"{iso(e.created_at)} {e.actor} {e.action} {target} -> {e.status or '-'}"
        if e.reference:
            line += f" ref={e.reference}"
        if e.note:
            line += f" ({e.note})"
        click.echo(line)
