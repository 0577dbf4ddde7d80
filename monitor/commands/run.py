"""``monitor run``: the long-running scheduler."""

from __future__ import annotations

import logging
import shlex
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click
from redis.exceptions import RedisError

from monitor.context import AppContext, pass_app
from monitor.scheduler import CRAWL_COMMAND_ENV, SchedulerConfig, SchedulerLocked, run_forever
from storage.db import DatabaseUnavailable, open_database


class _UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", self.converter(record.created))


@contextmanager
def _logging(quiet: bool, debug: bool) -> Iterator[None]:
    """Readable lines on stderr for the scheduler's own logger while the command runs."""
    handler = logging.StreamHandler()
    handler.setFormatter(_UTCFormatter("%(asctime)s %(levelname)-7s %(message)s"))
    ours, theirs = logging.getLogger("monitor.scheduler"), logging.getLogger("apscheduler")
    saved = (ours.level, ours.propagate, theirs.level)
    ours.addHandler(handler)
    ours.setLevel(logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO)
    ours.propagate = False
    # APScheduler logs every run and every run skipped while the account's crawl still runs;
    # our own lines say more. Its errors still show.
    theirs.setLevel(logging.DEBUG if debug else logging.ERROR)
    try:
        yield
    finally:
        ours.removeHandler(handler)
        handler.close()
        ours.setLevel(saved[0])
        ours.propagate = saved[1]
        theirs.setLevel(saved[2])


@click.command()
@click.option("--quiet", is_flag=True, help="Log only warnings and errors.")
@click.option(
    "--max-parallel",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="How many crawl processes may run at once.",
)
@click.option(
    "--batch-size",
    default=20,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="At most this many accounts, due together, are crawled in one process.",
)
@click.option(
    "--stop-timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds a stop waits for running crawls before interrupting them.",
)
@click.option(
    "--reconcile-every",
    default=15.0,
    show_default=True,
    type=click.FloatRange(0.05),
    envvar="MONITOR_RECONCILE_SECONDS",
    help="Seconds between checks of the watchlist for added or removed accounts.",
)
@click.option(
    "--crawl-command",
    envvar=CRAWL_COMMAND_ENV,
    hidden=True,
    help="Command a crawl batch runs (tests); `--platform P URL...` is appended.",
)
@click.option(
    "--redis",
    "redis_url",
    envvar="MONITOR_REDIS_URL",
    metavar="URL",
    help="Distributed mode: push due accounts as jobs to this Redis for `monitor worker` "
    "processes instead of crawling them here (env MONITOR_REDIS_URL).",
)
@click.option(
    "--redis-prefix",
    default="monitor",
    show_default=True,
    envvar="MONITOR_REDIS_PREFIX",
    help="Prefix of the Redis keys (the same for the scheduler and its workers).",
)
@click.option("--kill-timeout", default=10.0, type=click.FloatRange(0), hidden=True)
@click.option("--batch-window", default=1.0, type=click.FloatRange(0), hidden=True)
@pass_app
def run(
    app: AppContext,
    quiet: bool,
    max_parallel: int,
    batch_size: int,
    stop_timeout: float,
    reconcile_every: float,
    crawl_command: str | None,
    redis_url: str | None,
    redis_prefix: str,
    kill_timeout: float,
    batch_window: float,
) -> None:
    """Crawl every active account at its interval until stopped (Ctrl-C or SIGTERM).

    One scheduler per database: a second `monitor run` refuses to start. Accounts added or
    removed with `monitor watch` are picked up while it runs. A stop lets running crawls
    finish for --stop-timeout seconds, then interrupts them.

    With --redis, due accounts go to a Redis queue and `monitor worker` processes (any number,
    on any machines) crawl them into the shared PostgreSQL database.
    """
    url = app.database_url()
    try:
        open_database(url).dispose()  # check it answers and bring the schema to head
    except DatabaseUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    config = SchedulerConfig(
        reconcile_seconds=reconcile_every,
        stop_timeout=stop_timeout,
        kill_timeout=kill_timeout,
        batch_window=batch_window,
        max_batch=batch_size,
        max_children=max_parallel,
        crawl_command=shlex.split(crawl_command) if crawl_command else None,
        redis_url=redis_url or None,
        redis_prefix=redis_prefix,
    )
    with _logging(quiet, app.debug):
        try:
            run_forever(url, config)
        except SchedulerLocked as exc:
            raise click.ClickException(str(exc)) from exc
        except RedisError as exc:
            raise click.ClickException(f"Redis does not answer: {exc}") from exc
