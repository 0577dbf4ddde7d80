"""`monitor run` as a real process: the lock, graceful stops, watchlist changes while running."""

from __future__ import annotations

import json
import signal
import time

from click.testing import CliRunner
from sqlalchemy import select

from monitor.cli import cli
from storage.db import open_database
from storage.models import CrawlRun, WatchedAccount
from tests.scheduler.conftest import telegram, wait_for, watch


def _status(db_url: str) -> dict:
    result = CliRunner().invoke(cli, ["--db", db_url, "status", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _outcomes(db_url: str) -> list[str]:
    engine = open_database(db_url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(CrawlRun.outcome).order_by(CrawlRun.id)))
    finally:
        engine.dispose()


def test_a_second_scheduler_on_the_same_database_refuses_to_start(db_url, start_run):
    watch(db_url, telegram("locked", 3600))
    first = start_run(db_url)
    first.wait_started()
    assert _status(db_url)["scheduler_running"] is True
    second = start_run(db_url)
    assert second.process.wait(timeout=30) == 1
    assert "already scheduling crawls" in second.stderr()
    assert first.process.poll() is None
    assert first.stop() == 0
    assert _status(db_url)["scheduler_running"] is False
    third = start_run(db_url)  # the lock went with the first scheduler
    third.wait_started()
    assert third.stop() == 0


def test_watchlist_changes_take_effect_without_a_restart(db_url, start_run, crawl_log):
    run = start_run(db_url)
    run.wait_started()
    cli_runner = CliRunner()
    added = cli_runner.invoke(cli, ["--db", db_url, "watch", "add", "https://t.me/later"])
    assert added.exit_code == 0, added.output

    def scheduled(url: str) -> bool:
        return any(
            a["url"] == url and a["next_crawl_source"] == "scheduler"
            for a in _status(db_url)["accounts"]
        )

    wait_for(lambda: scheduled("https://t.me/later"), timeout=10)
    watch(db_url, telegram("quick", 1))
    wait_for(lambda: len(crawl_log.starts("https://t.me/quick")) >= 2, timeout=10)

    removed = cli_runner.invoke(cli, ["--db", db_url, "watch", "remove", "https://t.me/quick"])
    assert removed.exit_code == 0, removed.output
    wait_for(lambda: "unscheduled https://t.me/quick" in run.stderr(), timeout=10)
    crawls = len(crawl_log.starts("https://t.me/quick"))
    time.sleep(1.5)
    assert len(crawl_log.starts("https://t.me/quick")) <= crawls + 1  # at most one in flight
    assert run.stop() == 0
    log = run.stderr()
    assert "scheduled https://t.me/later every 6h" in log
    assert "crawled https://t.me/quick: ok" in log


def test_sigterm_lets_the_running_crawl_finish(db_url, start_run, crawl_log, monkeypatch):
    monkeypatch.setenv("FAKE_CRAWL_SLEEP", "1.5")
    watch(db_url, telegram("finishing", 10))
    run = start_run(db_url, "--stop-timeout", "20")
    run.wait_started()
    wait_for(lambda: crawl_log.starts("https://t.me/finishing"), timeout=40)
    assert run.stop(signal.SIGTERM) == 0
    [end] = [e for e in crawl_log.events() if e["event"] == "end"]
    assert end["outcome"] == "ok"
    assert _outcomes(db_url) == ["ok"]
    assert "waiting up to 20s for 1 running crawl" in run.stderr()


def test_a_stop_interrupts_a_crawl_that_runs_too_long(db_url, start_run, crawl_log, monkeypatch):
    monkeypatch.setenv("FAKE_CRAWL_SLEEP", "60")
    watch(db_url, telegram("endless", 10))
    run = start_run(db_url, "--stop-timeout", "0.5")
    run.wait_started()
    wait_for(lambda: _outcomes(db_url) == ["running"], timeout=40)
    started = time.monotonic()
    assert run.stop(signal.SIGINT) == 0
    assert time.monotonic() - started < 15
    assert _outcomes(db_url) == ["interrupted"]  # recorded by the crawl on SIGTERM
    assert "interrupting the crawl of https://t.me/endless (SIGTERM)" in run.stderr()


def test_a_crawl_that_ignores_sigterm_is_killed_and_recorded(
    sqlite_url, start_run, crawl_log, monkeypatch
):
    monkeypatch.setenv("FAKE_CRAWL_SLEEP", "60")
    monkeypatch.setenv("FAKE_CRAWL_IGNORE_TERM", "1")
    watch(sqlite_url, telegram("stubborn", 10))
    run = start_run(sqlite_url, "--stop-timeout", "0.2")
    run.wait_started()
    wait_for(lambda: _outcomes(sqlite_url) == ["running"], timeout=40)
    assert run.stop(signal.SIGTERM) == 0
    assert _outcomes(sqlite_url) == ["interrupted"]  # recorded by the scheduler
    assert "(SIGKILL)" in run.stderr()
    engine = open_database(sqlite_url)
    with engine.connect() as connection:
        assert connection.scalar(select(WatchedAccount.state)) == "ok"
    engine.dispose()
