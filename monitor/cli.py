"""The ``monitor`` command line."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from monitor import __version__
from monitor.commands.crawl import crawl
from monitor.commands.db import db
from monitor.commands.demo import demo
from monitor.commands.export import export
from monitor.commands.flagged import flagged
from monitor.commands.review import review
from monitor.commands.run import run
from monitor.commands.scan import scan
from monitor.commands.status import status
from monitor.commands.takedown import takedown
from monitor.commands.verify import verify
from monitor.commands.watch import watch
from monitor.commands.worker import worker
from monitor.context import AppContext


class MonitorGroup(click.Group):
    """A group that turns unexpected errors into one clear line (a traceback with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            app = ctx.find_object(AppContext)
            if app is not None and app.debug:
                raise
            raise click.ClickException(
                f"{type(exc).__name__}: {exc} (run with --debug for the traceback)"
            ) from exc


@click.group(cls=MonitorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="monitor")
@click.option(
    "--db",
    "db_url",
    envvar="MONITOR_DATABASE_URL",
    metavar="URL",
    help="Database URL (default sqlite:///monitor.db; env MONITOR_DATABASE_URL).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, debug: bool) -> None:
    """Watch public accounts for posts that leak personal data, keep evidence, drive takedowns."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.DEBUG if debug else logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, handlers=[handler])
    ctx.obj = AppContext(db_url=db_url, debug=debug)
    ctx.call_on_close(ctx.obj.close)


cli.add_command(demo)
cli.add_command(db)
cli.add_command(watch)
cli.add_command(crawl)
cli.add_command(scan)
cli.add_command(run)
cli.add_command(status)
cli.add_command(flagged)
cli.add_command(review)
cli.add_command(takedown)
cli.add_command(verify)
cli.add_command(export)
cli.add_command(worker)


def main() -> None:
    """Entry point of the ``monitor`` console script."""
    cli(prog_name="monitor")
