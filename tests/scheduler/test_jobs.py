"""The scheduler's jobs: one per active account, its interval and jitter, kept in the database."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.job import Job
from sqlalchemy import update

from monitor.scheduler import (
    JOB_PREFIX,
    VERIFY_JOB,
    CrawlScheduler,
    SchedulerConfig,
    jitter_for,
    job_id,
    scheduled_next_runs,
)
from storage.db import open_database
from storage.models import WatchedAccount, utcnow
from tests.scheduler.conftest import fast_config, telegram, wait_for, watch


def _ids(url: str) -> dict[str, int]:
    engine = open_database(url)
    try:
        with engine.connect() as connection:
            return dict(
                connection.execute(
                    WatchedAccount.__table__.select().with_only_columns(
                        WatchedAccount.handle, WatchedAccount.id
                    )
                ).all()
            )
    finally:
        engine.dispose()


def account_jobs(scheduler: CrawlScheduler) -> list[Job]:
    """The scheduler's account jobs (not the removal-check job)."""
    return [job for job in scheduler._scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)]


def test_jitter_is_a_capped_fraction_of_the_interval():
    config = SchedulerConfig()
    assert jitter_for(3600, config) == 360
    assert jitter_for(86400, config) == 600
    assert jitter_for(60, SchedulerConfig(jitter_fraction=0)) == 0


def test_jobs_for_active_accounts_with_interval_and_jitter(db_url, crawl_log):
    watch(db_url, telegram("hourly", 3600), telegram("daily", 86400), telegram("paused", 3600))
    watch(db_url, *(telegram(f"spread{i}", 1800) for i in range(8)))
    ids = _ids(db_url)
    engine = open_database(db_url)
    crawled_at = utcnow() - timedelta(minutes=10)
    with engine.begin() as connection:
        connection.execute(
            update(WatchedAccount).where(WatchedAccount.handle == "paused").values(active=False)
        )
        connection.execute(
            update(WatchedAccount)
            .where(WatchedAccount.handle == "daily")
            .values(last_crawl_at=crawled_at)
        )
    before = utcnow()
    config = fast_config()
    with CrawlScheduler(db_url, config) as scheduler:
        jobs = {job.id: job for job in scheduler._scheduler.get_jobs()}
    assert jobs.pop(VERIFY_JOB).func_ref == "monitor.scheduler:verify_open_cases_job"
    assert set(jobs) == {job_id(i) for name, i in ids.items() if name != "paused"}
    for name, account_id in ids.items():
        if name == "paused":
            continue
        job = jobs[job_id(account_id)]
        interval = {"hourly": 3600, "daily": 86400}.get(name, 1800)
        assert job.trigger.interval == timedelta(seconds=interval)
        assert job.trigger.jitter == jitter_for(interval, config)
        assert job.func_ref == "monitor.scheduler:crawl_account_job"
        assert job.args == (account_id,)
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    # Never crawled: soon, spread over up to 30 s; crawled 10 min ago: at last crawl + 1 day.
    hourly = jobs[job_id(ids["hourly"])].next_run_time
    assert before <= hourly <= before + timedelta(seconds=31)
    daily = jobs[job_id(ids["daily"])].next_run_time
    assert crawled_at + timedelta(days=1) <= daily <= crawled_at + timedelta(days=1, seconds=601)
    spread = {jobs[job_id(ids[f"spread{i}"])].next_run_time for i in range(8)}
    assert len(spread) == 8, "accounts added together must not all start at the same moment"

    # The jobs stay in the database after the scheduler stops: status reads them from there.
    persisted = scheduled_next_runs(engine)
    assert set(persisted) == {i for name, i in ids.items() if name != "paused"}
    assert persisted[ids["daily"]] is not None
    assert abs((persisted[ids["daily"]] - daily).total_seconds()) < 0.01
    engine.dispose()


def test_restart_keeps_jobs_and_applies_interval_changes(db_url, crawl_log):
    watch(db_url, telegram("steady", 3600), telegram("changed", 3600))
    ids = _ids(db_url)
    engine = open_database(db_url)
    with engine.begin() as connection:  # crawled just now: no job falls due during the test
        connection.execute(update(WatchedAccount).values(last_crawl_at=utcnow()))
    engine.dispose()
    with CrawlScheduler(db_url, fast_config()) as scheduler:
        first = {job.id: job.next_run_time for job in account_jobs(scheduler)}
    engine = open_database(db_url)
    with engine.begin() as connection:
        connection.execute(
            update(WatchedAccount)
            .where(WatchedAccount.handle == "changed")
            .values(interval_seconds=7200)
        )
    engine.dispose()
    with CrawlScheduler(db_url, fast_config()) as scheduler:
        jobs = {job.id: job for job in account_jobs(scheduler)}
    assert jobs[job_id(ids["steady"])].next_run_time == first[job_id(ids["steady"])]
    assert jobs[job_id(ids["changed"])].trigger.interval == timedelta(hours=2)


def test_jobs_follow_the_watchlist_while_running(db_url, crawl_log):
    watch(db_url, telegram("first", 3600))
    with CrawlScheduler(db_url, fast_config()) as scheduler:

        def job_ids() -> set[str]:
            return {job.id for job in account_jobs(scheduler)}

        watch(db_url, telegram("second", 3600))
        ids = _ids(db_url)
        scheduler.reconcile()
        assert job_ids() == {job_id(ids["first"]), job_id(ids["second"])}
        engine = open_database(db_url)
        with engine.begin() as connection:
            connection.execute(
                update(WatchedAccount).where(WatchedAccount.handle == "first").values(active=False)
            )
        engine.dispose()
        scheduler.reconcile()
        wait_for(lambda: job_ids() == {job_id(ids["second"])})
