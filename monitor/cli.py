"""The ``monitor`` command line."""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

from monitor import __version__
from monitor.context import AppContext

# Subcommands are imported when used: ``monitor watch list`` does not pay for Scrapy.
COMMANDS = {
    name: f"monitor.commands.{name}:{name}"
    for name in (
        "crawl", "db", "demo", "export", "flagged", "review", "run", "scan", "status",
        "takedown", "verify", "watch", "worker",
    )
}  # fmt: skip


class MonitorGroup(click.Group):
    """The top-level group: lazily imported subcommands, and unexpected errors as one clear
    line (a traceback with --debug)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            module, attribute = COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

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


def main() -> None:
    """Entry point of the ``monitor`` console script."""
    cli(prog_name="monitor")
