"""``monitor verify``: check that reported posts are really gone."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from monitor.context import AppContext, BadInput, pass_app
from monitor.review import current_actor
from monitor.verify import verify_cases
from storage.review import ReviewError


@click.command()
@click.option("--case", "case_ids", type=int, multiple=True, help="Check this case (repeatable).")
@click.option(
    "--all-reported", is_flag=True, help="Check every case still open (reported/removed/partial)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per check.")
@click.option("--by", "actor", metavar="NAME", help="Who runs the check (default: login).")
@pass_app
def verify(
    app: AppContext, case_ids: tuple[int, ...], all_reported: bool, as_json: bool, actor: str | None
) -> None:
    """Re-fetch reported posts; record verified_gone on 404/410/tombstone, else still online."""
    if not case_ids and not all_reported:
        raise BadInput("give --case ID or --all-reported")
    try:
        results = verify_cases(app.engine(), list(case_ids) or None, actor=current_actor(actor))
    except ReviewError as exc:
        raise BadInput(str(exc)) from exc
    for r in results:
        if as_json:
            click.echo(json.dumps(asdict(r), ensure_ascii=False))
        else:
            click.echo(
                f"case {r.case_id} post {r.post_id}: {r.outcome} ({r.reason}) at {r.checked_at}"
            )
    if not results and not as_json:
        click.echo("Nothing to check.")
