"""``monitor db``: schema management."""

import click

from monitor.context import AppContext, pass_app
from storage.db import current_revision, head_revision


@click.group()
def db() -> None:
    """Manage the database schema."""


@db.command()
@pass_app
def upgrade(app: AppContext) -> None:
    """Create the schema or upgrade it to the newest version."""
    engine = app.engine()
    click.echo(f"database at revision {current_revision(engine)} (head {head_revision()})")
