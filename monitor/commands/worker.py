"""``monitor worker``: a distributed crawl worker taking account jobs from Redis."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click
import redis

from monitor.commands.crawl import _parse_overrides
from monitor.context import AppContext, pass_app
from monitor.distributed.queue import DEFAULT_PREFIX, Keys, connect, safe_redis_url
from monitor.distributed.worker import WorkerConfig, run_worker
from storage.db import DatabaseUnavailable, open_database


class _UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", self.converter(record.created))


@contextmanager
def _logging(quiet: bool, debug: bool) -> Iterator[None]:
    handler = logging.StreamHandler()
    handler.setFormatter(_UTCFormatter("%(asctime)s %(levelname)-7s %(message)s"))
    ours = logging.getLogger("monitor.distributed")
    saved = (ours.level, ours.propagate)
    ours.addHandler(handler)
    ours.setLevel(logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO)
    ours.propagate = False
    try:
        yield
    finally:
        ours.removeHandler(handler)
        handler.close()
        ours.setLevel(saved[0])
        ours.propagate = saved[1]


def _check_redis(url: str, prefix: str) -> None:
    try:
        Keys(prefix)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--prefix") from exc
    client = connect(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise click.ClickException(
            f"Redis at {safe_redis_url(url)} does not answer: {exc}"
        ) from exc
    finally:
        client.close()


@click.command()
@click.option(
    "--redis",
    "redis_url",
    required=True,
    envvar="MONITOR_REDIS_URL",
    metavar="URL",
    help="Redis holding the job queue (redis://host:6379/0; env MONITOR_REDIS_URL). "
    "Trusted infrastructure only: requests are stored pickled.",
)
@click.option(
    "--prefix",
    default=DEFAULT_PREFIX,
    show_default=True,
    envvar="MONITOR_REDIS_PREFIX",
    help="Prefix of the Redis keys (the same for the scheduler and its workers).",
)
@click.option(
    "--concurrency",
    default=4,
    show_default=True,
    type=click.IntRange(1, 256),
    help="How many accounts this worker crawls at once.",
)
@click.option(
    "--lease",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.5),
    help="Seconds without a heartbeat after which this worker's jobs go back to the queue.",
)
@click.option(
    "--domain-delay",
    type=click.FloatRange(0),
    help="Seconds between requests to one host across all workers (default: DOWNLOAD_DELAY).",
)
@click.option(
    "--max-attempts",
    default=3,
    show_default=True,
    type=click.IntRange(1, 100),
    help="A job that has lost this many workers is dropped (the next cycle tries again).",
)
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting (e.g. -s DOWNLOAD_DELAY=0), as `scrapy crawl -s` does.",
)
@click.option("--id", "worker_id", hidden=True, help="Worker id (default: host-pid-random).")
@click.option("--poll", default=0.5, type=click.FloatRange(0.01), hidden=True)
@click.option("--key-ttl", default=24 * 3600, type=click.IntRange(1), hidden=True)
@click.option("--quiet", is_flag=True, help="Log only warnings and errors.")
@pass_app
def worker(
    app: AppContext,
    redis_url: str,
    prefix: str,
    concurrency: int,
    lease: float,
    domain_delay: float | None,
    max_attempts: int,
    overrides: tuple[str, ...],
    worker_id: str | None,
    poll: float,
    key_ttl: int,
    quiet: bool,
) -> None:
    """Crawl accounts queued in Redis by `monitor run --redis` until stopped.

    Any number of workers, on any machines, share one queue and write to one PostgreSQL
    database (--db). SIGTERM or Ctrl-C stops the running crawls and puts their accounts back
    in the queue; a worker killed outright loses its accounts to another worker once its
    lease expires.
    """
    _check_redis(redis_url, prefix)
    url = app.database_url()
    try:
        open_database(url).dispose()  # check it answers and bring the schema to head
    except DatabaseUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    config = WorkerConfig(
        redis_url=redis_url,
        prefix=prefix,
        concurrency=concurrency,
        lease_seconds=lease,
        poll_seconds=poll,
        max_attempts=max_attempts,
        key_ttl=key_ttl,
        domain_delay=domain_delay,
    )
    if worker_id:
        config.worker_id = worker_id
    with _logging(quiet, app.debug):
        summary = run_worker(url, config, **_parse_overrides(overrides))
    click.echo(
        f"worker {summary.worker_id}: {summary.jobs_done} job(s) done, "
        f"{summary.jobs_released} put back, {summary.posts} post(s)",
        err=True,
    )
