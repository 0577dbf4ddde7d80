"""`monitor worker` and `monitor run --redis` on the command line."""

from __future__ import annotations

from click.testing import CliRunner

from monitor.cli import cli

NOBODY = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_worker_help():
    result = CliRunner().invoke(cli, ["worker", "--help"])
    assert result.exit_code == 0
    assert "--redis" in result.output and "--concurrency" in result.output
    assert "Crawl accounts queued in Redis" in result.output


def test_worker_needs_redis(sqlite_url):
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "worker"], env={"MONITOR_REDIS_URL": ""})
    assert result.exit_code == 2
    assert "--redis" in result.output


def test_worker_says_when_redis_does_not_answer(sqlite_url):
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "worker", "--redis", NOBODY])
    assert result.exit_code == 1
    assert "Redis at redis://127.0.0.1:1/0 does not answer" in result.output


def test_worker_rejects_a_prefix_scrapy_redis_cannot_use(sqlite_url, redis_url):
    result = CliRunner().invoke(
        cli, ["--db", sqlite_url, "worker", "--redis", redis_url, "--prefix", "a%b"]
    )
    assert result.exit_code == 2


def test_run_with_redis_that_does_not_answer(sqlite_url):
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "run", "--redis", NOBODY])
    assert result.exit_code == 1
    assert "Redis does not answer" in result.output
