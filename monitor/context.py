"""State shared by the CLI commands of one invocation."""

from __future__ import annotations

from dataclasses import dataclass, field

import click
from sqlalchemy import Engine

from storage.db import DatabaseUnavailable, database_url, open_database


class BadInput(click.ClickException):
    """The user's input is wrong: one line on stderr, exit status 2, nothing written."""

    exit_code = 2


@dataclass
class AppContext:
    """Options of the top-level group, and the database opened on first use."""

    db_url: str | None = None
    debug: bool = False
    _engine: Engine | None = field(default=None, repr=False)

    def database_url(self) -> str:
        """The database URL this invocation uses (``--db``, env, or the default)."""
        return database_url(self.db_url)

    def engine(self) -> Engine:
        """The database, opened and upgraded on first use; exit 1 with a clear line if down."""
        if self._engine is None:
            try:
                self._engine = open_database(self.db_url)
            except DatabaseUnavailable as exc:
                raise click.ClickException(str(exc)) from exc
        return self._engine

    def close(self) -> None:
        """Close the database connections opened by this invocation."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


pass_app = click.make_pass_decorator(AppContext)
