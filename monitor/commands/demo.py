"""``monitor demo``: see the whole product work on synthetic data, offline."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from monitor.context import AppContext, pass_app


@click.command()
@click.option(
    "--dir",
    "folder",
    default="demo",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the demo database and exports.",
)
@click.option("--fresh", is_flag=True, help="Start over instead of refreshing the folder.")
@click.option("--quiet", is_flag=True, help="No progress, only the summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def demo(app: AppContext, folder: Path, fresh: bool, quiet: bool, as_json: bool) -> None:
    """Crawl synthetic accounts on a bundled local replay server and show what was found."""
    from monitor.commands.crawl import progress_printer
    from monitor.crawl import Progress
    from monitor.demo import run_demo

    err = Console(stderr=True, highlight=False)
    progress = Progress()
    if not quiet and not as_json:
        err.print(f"Demo in {folder.resolve()}: starting the replay server on 127.0.0.1 ...")
        progress.on_change = progress_printer(err)
    result = run_demo(folder, fresh=fresh, progress=progress)
    if as_json:
        summary = {
            "folder": str(result.folder),
            "database": result.database_url,
            "accounts": [
                {"platform": p, "url": u, "state": s, "posts": n, "flagged": f}
                for p, u, s, n, f in result.accounts
            ],
            "flagged_by_kind": dict(result.kinds),
            "flagged_by_severity": dict(result.severities),
            "exports": {fmt: str(path) for fmt, path in result.exports.items()},
        }
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    if err.is_terminal and not quiet:
        err.print()
    out = Console(soft_wrap=False)
    accounts = Table(title="Accounts")
    accounts.add_column("platform")
    accounts.add_column("account", overflow="fold")
    for name in ("state", "posts", "flagged"):
        accounts.add_column(name, justify="right" if name != "state" else "left")
    for platform, url, state, posts, flagged in result.accounts:
        accounts.add_row(platform, url, state, str(posts), str(flagged))
    out.print(accounts)
    found = Table(title="Flagged posts")
    found.add_column("by kind")
    found.add_column("posts", justify="right")
    for kind, count in result.kinds.most_common():
        found.add_row(kind, str(count))
    for severity in ("high", "medium", "low"):
        found.add_row(f"severity {severity}", str(result.severities.get(severity, 0)))
    out.print(found)
    out.print(f"Database: {result.database_url}")
    for fmt, path in result.exports.items():
        out.print(f"{fmt.upper()} export: {path}")
    out.print(
        "Next: `monitor --db " + result.database_url + " flagged` to review, "
        "`monitor export --format notice ...` for takedown notices."
    )
