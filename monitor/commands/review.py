"""``monitor review``: a person's decision on a flagged post."""

from __future__ import annotations

import click

from monitor.context import AppContext, BadInput, pass_app
from monitor.review import current_actor
from storage.review import ReviewError, resolve_post, review_post


@click.command()
@click.argument("post")
@click.option("--confirm", "decision", flag_value="confirmed", help="It leaks personal data.")
@click.option("--dismiss", "decision", flag_value="dismissed", help="False positive.")
@click.option("--note", default="", help="Why (kept in the event history).")
@click.option("--by", "actor", metavar="NAME", help="Who decides (default: $MONITOR_ACTOR/login).")
@pass_app
def review(app: AppContext, post: str, decision: str | None, note: str, actor: str | None) -> None:
    """Confirm or dismiss flagged POST (its id, URL or platform:post_id).

    A dismissed post stays stored but leaves the takedown queue. Every decision is an event in
    the append-only history; the current status derives from it.
    """
    if decision is None:
        raise BadInput("give --confirm or --dismiss")
    engine = app.engine()
    try:
        with engine.connect() as connection:
            post_id = resolve_post(connection, post)
        old, new = review_post(engine, post_id, decision, current_actor(actor), note)
    except ReviewError as exc:
        raise BadInput(str(exc)) from exc
    click.echo(f"post {post_id}: {old} -> {new}")
