"""`monitor status`: state, last and next crawl, counts and errors of each account."""

from __future__ import annotations

import json
from datetime import datetime

from click.testing import CliRunner
from sqlalchemy import insert, select, update

from monitor.cli import cli
from monitor.scheduler import CrawlScheduler
from storage.crawl_runs import RunCounts, finish_run, record_account_status, start_run
from storage.db import open_database
from storage.models import StoredPost, WatchedAccount, utcnow
from tests.scheduler.conftest import fast_config, telegram, watch


def _post(account_id: int, n: int, severity: str | None) -> dict:
    now = utcnow()
    return {
        "account_id": account_id,
        "account_url": "https://t.me/leaky",
        "platform": "telegram",
        "post_id": f"leaky/{n}",
        "url": f"https://t.me/leaky/{n}",
        "first_seen_at": now,
        "last_seen_at": now,
        "source": "html",
        "severity": severity,
    }


def _seed(db_url: str) -> None:
    watch(db_url, telegram("leaky", 3600), telegram("quiet", 7200), telegram("gone", 3600))
    engine = open_database(db_url)
    with engine.begin() as connection:
        ids = dict(connection.execute(select(WatchedAccount.handle, WatchedAccount.id)).all())
        connection.execute(
            insert(StoredPost),
            [
                _post(ids["leaky"], 1, "high"),
                _post(ids["leaky"], 2, None),
                _post(ids["leaky"], 3, "low"),
            ],
        )
        connection.execute(
            update(WatchedAccount).where(WatchedAccount.handle == "gone").values(active=False)
        )
    ok = start_run(engine, "https://t.me/leaky")
    finish_run(engine, ok, "ok", RunCounts(posts_seen=3, new_posts=3, flagged=2))
    failed = start_run(engine, "https://t.me/quiet")
    finish_run(engine, failed, "error", RunCounts(), "HTTP 404 on https://t.me/s/quiet")
    record_account_status(engine, "https://t.me/quiet", "error", "HTTP 404 on https://t.me/s/quiet")
    engine.dispose()


def test_status_json(db_url):
    _seed(db_url)
    result = CliRunner().invoke(cli, ["--db", db_url, "status", "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["scheduler_running"] is False
    accounts = {a["url"]: a for a in status["accounts"]}
    leaky, quiet, gone = (accounts[f"https://t.me/{n}"] for n in ("leaky", "quiet", "gone"))
    assert (leaky["posts"], leaky["flagged"], leaky["last_outcome"]) == (3, 2, "ok")
    assert (leaky["state"], leaky["every"], leaky["next_crawl_source"]) == ("ok", "1h", "estimate")
    assert leaky["last_crawl_at"].endswith("Z") and leaky["next_crawl_at"].endswith("Z")
    assert (quiet["state"], quiet["last_outcome"]) == ("error", "error")
    assert quiet["last_error"] == "HTTP 404 on https://t.me/s/quiet"
    assert quiet["last_error_at"].endswith("Z")
    assert (gone["active"], gone["next_crawl_at"], gone["posts"]) == (False, None, 0)
    [error] = status["recent_errors"]
    assert error["url"] == "https://t.me/quiet" and error["outcome"] == "error"
    assert error["started_at"].endswith("Z") and error["finished_at"].endswith("Z")


def test_status_next_crawl_comes_from_the_job_store(db_url, crawl_log):
    _seed(db_url)
    with CrawlScheduler(db_url, fast_config()) as scheduler:
        jobs = {job.name: job.next_run_time for job in scheduler._scheduler.get_jobs()}
    result = CliRunner().invoke(cli, ["--db", db_url, "status", "--json"])
    accounts = {a["url"]: a for a in json.loads(result.stdout)["accounts"]}
    leaky = accounts["https://t.me/leaky"]
    assert leaky["next_crawl_source"] == "scheduler"
    scheduled = datetime.fromisoformat(leaky["next_crawl_at"])
    assert abs((scheduled - jobs["https://t.me/leaky"]).total_seconds()) < 0.01
    assert "https://t.me/gone" not in jobs


def test_status_table(db_url):
    _seed(db_url)
    result = CliRunner().invoke(cli, ["--db", db_url, "status"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "scheduler: not running" in out
    for url in ("https://t.me/leaky", "https://t.me/quiet", "https://t.me/gone"):
        assert url in out
    assert "HTTP 404" in out and "inactive" in out and "Recent failed crawls" in out


def test_status_of_an_empty_watchlist(sqlite_url):
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "status"])
    assert result.exit_code == 0
    assert "monitor watch add" in result.stdout
