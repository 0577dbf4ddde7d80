"""Crawls the scheduler launches: batching, coalescing after downtime, never twice at once."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from monitor.scheduler import (
    JOB_TABLE,
    CrawlScheduler,
    QuietStopBackgroundScheduler,
    crawl_account_job,
    job_id,
)
from storage.db import make_engine, open_database
from storage.models import CrawlRun, WatchedAccount, utcnow
from storage.watchlist import NewAccount
from tests.scheduler.conftest import fast_config, telegram, wait_for, watch


def _account_ids(url: str) -> dict[str, int]:
    engine = open_database(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(WatchedAccount.url, WatchedAccount.id)).all()
        return dict(rows)
    finally:
        engine.dispose()


def _runs(url: str) -> list[tuple[str, str, str]]:
    engine = open_database(url)
    try:
        with engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    select(WatchedAccount.handle, CrawlRun.outcome, CrawlRun.error)
                    .join(WatchedAccount, WatchedAccount.id == CrawlRun.account_id)
                    .order_by(CrawlRun.id)
                )
            ]
    finally:
        engine.dispose()


def test_due_accounts_are_batched_by_platform(db_url, crawl_log):
    watch(
        db_url,
        telegram("alpha", 3600),
        telegram("bravo", 3600),
        NewAccount("mastodon", "https://mastodon.social/@carol", "carol", interval_seconds=3600),
    )
    # jitter_fraction=0: new accounts are due at once, so one batch per platform.
    config = fast_config(jitter_fraction=0, batch_window=0.3)
    with CrawlScheduler(db_url, config):
        wait_for(lambda: len([e for e in crawl_log.events() if e["event"] == "end"]) == 2)
    batches = {e["platform"]: sorted(e["urls"]) for e in crawl_log.starts()}
    assert batches == {
        "telegram": ["https://t.me/alpha", "https://t.me/bravo"],
        "mastodon": ["https://mastodon.social/@carol"],
    }
    assert sorted(_runs(db_url)) == [("alpha", "ok", ""), ("bravo", "ok", ""), ("carol", "ok", "")]


def test_missed_runs_coalesce_into_one_after_downtime(db_url, crawl_log):
    watch(db_url, telegram("missed", 10))
    account = _account_ids(db_url)["https://t.me/missed"]
    # A job persisted by an earlier run whose scheduler was down for a minute: six runs missed.
    store = SQLAlchemyJobStore(engine=make_engine(db_url), tablename=JOB_TABLE)
    # (A plain BackgroundScheduler would submit the due job once more while shutting down.)
    earlier = QuietStopBackgroundScheduler(jobstores={"default": store}, timezone="UTC")
    earlier.start(paused=True)
    missed_since = utcnow() - timedelta(seconds=61)
    earlier.add_job(
        crawl_account_job,
        IntervalTrigger(seconds=10, start_date=missed_since),
        args=[account],
        id=job_id(account),
        name="https://t.me/missed",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
        next_run_time=missed_since,
    )
    earlier.shutdown()

    with CrawlScheduler(db_url, fast_config()) as scheduler:
        wait_for(lambda: crawl_log.starts("https://t.me/missed"), timeout=5)
        time.sleep(2.0)
        job = scheduler._scheduler.get_job(job_id(account))
        assert len(crawl_log.starts("https://t.me/missed")) == 1
        assert job.next_run_time > utcnow()


def test_an_account_is_never_crawled_twice_at_once(db_url, crawl_log, monkeypatch):
    # Crawls take longer than the interval: runs that fall due meanwhile are skipped.
    monkeypatch.setenv("FAKE_CRAWL_SLEEP", "1.2")
    watch(db_url, telegram("slow", 1), telegram("slower", 1))
    ids = _account_ids(db_url)
    with CrawlScheduler(db_url, fast_config(max_children=4)) as scheduler:
        wait_for(lambda: crawl_log.starts("https://t.me/slow"), timeout=5)
        # A job firing while its account is crawled changes nothing.
        scheduler.crawl_and_wait(ids["https://t.me/slow"])
        wait_for(
            lambda: all(
                len([s for s in crawl_log.spans(u) if s[1] != float("inf")]) >= 2
                for u in ("https://t.me/slow", "https://t.me/slower")
            ),
            timeout=15,
        )
    for url in ("https://t.me/slow", "https://t.me/slower"):
        spans = sorted(crawl_log.spans(url))
        for (_, end), (next_start, _) in itertools.pairwise(spans):
            assert next_start >= end, f"{url} crawled twice at once: {spans}"
    assert all(outcome == "ok" for _, outcome, _ in _runs(db_url))


def test_a_failed_crawl_process_is_recorded_as_an_error(sqlite_url, crawl_log, monkeypatch):
    monkeypatch.setenv("FAKE_CRAWL_EXIT", "3")
    watch(sqlite_url, telegram("broken", 3600))
    with CrawlScheduler(sqlite_url, fast_config(jitter_fraction=0)):
        wait_for(lambda: _runs(sqlite_url), timeout=10)
    [(handle, outcome, error)] = _runs(sqlite_url)
    assert (handle, outcome) == ("broken", "error")
    assert error == "crawl process exited with status 3: fake crawl failed on purpose"
    engine = open_database(sqlite_url)
    with engine.connect() as connection:
        last_error = connection.execute(select(WatchedAccount.last_error)).scalar_one()
    engine.dispose()
    assert last_error == error
