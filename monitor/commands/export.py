"""``monitor export``: flagged posts as jsonl, csv, html, warc or notice files."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.commands.flagged import since_option
from monitor.context import AppContext, BadInput, pass_app
from monitor.exports import FORMATS, ExportRefused, ExportRequest, run_export
from monitor.review import current_actor
from storage.review import POST_STATUSES, FlaggedFilter, ReviewError
from storage.takedown import get_case


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="File format.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File."
)
@click.option("--account", metavar="URL", help="Only posts of this account.")
@click.option("--case", "case_id", type=int, help="Only posts of this takedown case.")
@since_option
@click.option("--status", type=click.Choice(POST_STATUSES), help="Only posts in this status.")
@click.option(
    "--unmasked",
    is_flag=True,
    help="Write matched values in clear (owner-only file; the export is logged).",
)
@click.option("--notifier-name", default="", help="Your name, for notices (DSA Art. 16).")
@click.option("--notifier-email", default="", help="Your e-mail, for notices (DSA Art. 16).")
@click.option("--by", "actor", metavar="NAME", help="Who exports (default: login).")
@pass_app
def export(
    app: AppContext,
    fmt: str,
    output: Path,
    account: str | None,
    case_id: int | None,
    since: object,
    status: str | None,
    unmasked: bool,
    notifier_name: str,
    notifier_email: str,
    actor: str | None,
) -> None:
    """Export flagged posts (masked unless --unmasked), with a PATH.sha256 manifest."""
    engine = app.engine()
    if case_id is not None:
        try:
            with engine.connect() as connection:
                get_case(connection, case_id)
        except ReviewError as exc:
            raise BadInput(str(exc)) from exc
    request = ExportRequest(
        format=fmt,
        path=output,
        criteria=FlaggedFilter(
            account_url=account,
            case_id=case_id,
            since=since,  # type: ignore[arg-type]
            status=status,
        ),
        unmasked=unmasked,
        actor=current_actor(actor),
        notifier_name=notifier_name,
        notifier_email=notifier_email,
    )
    try:
        result = run_export(engine, request)
    except ExportRefused as exc:
        raise BadInput(str(exc)) from exc
    click.echo(f"wrote {result.posts} post(s) to {result.path} (sha256 {result.sha256})")
    click.echo(f"manifest: {result.manifest}")
    if unmasked:
        click.echo("warning: the file holds personal data in clear (mode 0600)", err=True)
