"""The scheduler's removal-check job: open takedown cases are re-checked on its interval."""

from __future__ import annotations

import json

from click.testing import CliRunner

from monitor.cli import cli
from monitor.scheduler import VERIFY_JOB, CrawlScheduler
from storage.db import open_database
from tests.scheduler.conftest import fast_config, wait_for
from tests.takedown.seed import seed
from tests.takedown.server import PlatformServer


def run(db_url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", db_url, *args], env={"MONITOR_ACTOR": "bob"})
    assert result.exit_code == 0, result.output
    return result.output


def case_status(db_url: str, case_id: int) -> str:
    rows = [json.loads(x) for x in run(db_url, "takedown", "list", "--json").splitlines()]
    return next(c["status"] for c in rows if c["id"] == case_id)


def test_scheduler_verifies_open_cases_on_its_interval(db_url, crawl_log):
    with PlatformServer() as server:
        engine = open_database(db_url)
        data = seed(engine, server.base)
        engine.dispose()
        posts = [
            json.loads(x)
            for x in run(db_url, "flagged", "--json", "--platform", "mastodon").splitlines()
        ]
        for post in posts:
            run(db_url, "review", str(post["id"]), "--confirm")
        out = run(db_url, "takedown", "create", *[str(p["id"]) for p in posts])
        case_id = int(out.split()[1].rstrip(":"))
        run(db_url, "takedown", "mark", str(case_id), "reported")

        with CrawlScheduler(db_url, fast_config(verify_seconds=0.3)) as scheduler:
            assert scheduler._scheduler.get_job(VERIFY_JOB) is not None
            # still online: checked, and the case stays open
            wait_for(lambda: len(server.state.requests) >= len(posts))
            assert case_status(db_url, case_id) == "reported"
            server.state.deleted.update(row.post_id for row in data.rows["mastodon"])
            wait_for(lambda: case_status(db_url, case_id) == "verified_gone", timeout=15)
        checked = {path for method, path in server.state.requests if method == "GET"}
        assert {f"/api/v1/statuses/{row.post_id}" for row in data.rows["mastodon"]} <= checked
