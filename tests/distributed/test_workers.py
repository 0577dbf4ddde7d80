"""Workers and the scheduler together: real Redis, real PostgreSQL, the replay server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime

from sqlalchemy import func, select

from monitor.distributed.queue import Job, JobQueue, connect
from monitor.scheduler import CrawlScheduler, SchedulerConfig
from storage.db import open_database, session_factory
from storage.models import CrawlRun, PostVersion, StoredPost, WatchedAccount
from storage.watchlist import NewAccount, add_accounts
from tests.distributed.conftest import FAST, Workers, child_env, wait_for
from tests.mockserver import ROOT, MockServer


def accounts(server: MockServer, every: int) -> list[NewAccount]:
    """The replay server's accounts that publish posts or end in a known state."""
    base = server.url
    spec = [
        ("mastodon", f"{base}/@{name}", name)
        for name in ("leaky", "growing", "ratelimited", "flaky", "locked", "suspended", "garbled")
    ]
    spec += [
        ("bluesky", f"https://bsky.app/profile/{h}.bsky.test", h)
        for h in ("leaky", "growing", "ratelimited")
    ]
    spec += [
        ("telegram", f"https://t.me/{c}", c) for c in ("leakychan", "growingchan", "flakychan")
    ]
    spec += [("feed", f"{base}/feeds/{f}", f) for f in ("leaky.xml", "leaky.atom", "growing.xml")]
    spec += [("page", f"{base}/pages/leaky.html", "leaky.html")]
    return [NewAccount(p, url, handle, interval_seconds=every) for p, url, handle in spec]


def watch(db_url: str, wanted: list[NewAccount]) -> None:
    engine = open_database(db_url)
    try:
        add_accounts(engine, wanted)
    finally:
        engine.dispose()


def stored(db_url: str) -> Counter[tuple[str, str]]:
    engine = open_database(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(StoredPost.platform, StoredPost.post_id)).all()
        return Counter((platform, post_id) for platform, post_id in rows)
    finally:
        engine.dispose()


def runs(db_url: str) -> dict[str, list[CrawlRun]]:
    engine = open_database(db_url)
    try:
        with session_factory(engine)() as session:
            rows = session.execute(
                select(WatchedAccount.url, CrawlRun)
                .join(CrawlRun, CrawlRun.account_id == WatchedAccount.id)
                .order_by(CrawlRun.id)
            ).all()
            by_account: dict[str, list[CrawlRun]] = defaultdict(list)
            for url, run in rows:
                session.expunge(run)
                by_account[url].append(run)
            return by_account
    finally:
        engine.dispose()


def finished_runs(db_url: str, wanted: list[NewAccount]) -> dict[str, int]:
    engine = open_database(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(WatchedAccount.url, func.count(CrawlRun.id))
                .join(CrawlRun, CrawlRun.account_id == WatchedAccount.id)
                .where(CrawlRun.outcome.in_(("ok", "error")))
                .group_by(WatchedAccount.url)
            ).all()
        counts = dict(rows)
        return {a.url: counts.get(a.url, 0) for a in wanted}
    finally:
        engine.dispose()


def reference(sqlite_url: str, server: MockServer, wanted: list[NewAccount]) -> set:
    """What one single-process `monitor crawl --all` stores for the same accounts."""
    watch(sqlite_url, wanted)
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "--db", sqlite_url, "crawl", "--all", "--json", *FAST],
        cwd=ROOT,
        env=child_env(server),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["crawls"]) == len(wanted)
    return set(stored(sqlite_url))


def scheduler_config(redis_url: str, prefix: str) -> SchedulerConfig:
    return SchedulerConfig(
        reconcile_seconds=0.5,
        stop_timeout=5,
        kill_timeout=2,
        jitter_fraction=0,
        redis_url=redis_url,
        redis_prefix=prefix,
        redis_poll_seconds=0.1,
    )


def versions(db_url: str) -> dict[tuple[str, str], int]:
    """Versions kept per post (a post crawled twice unchanged keeps one)."""
    engine = open_database(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(StoredPost.platform, StoredPost.post_id, func.count(PostVersion.id))
                .join(PostVersion, PostVersion.post_id == StoredPost.id)
                .group_by(StoredPost.platform, StoredPost.post_id)
            ).all()
        return {(platform, post_id): count for platform, post_id, count in rows}
    finally:
        engine.dispose()


def assert_same_as_reference(db_url: str, sqlite_url: str, server, wanted) -> None:
    """Every post stored exactly once, with the versions a single-process crawl keeps."""
    assert all(n == 1 for n in stored(db_url).values())
    expected = reference(sqlite_url, server, wanted)
    assert set(stored(db_url)) == expected
    assert versions(db_url) == versions(sqlite_url)


def test_three_workers_crawl_every_account_once_per_cycle(
    postgres_url, sqlite_url, server, workers: Workers, redis_url, prefix
):
    server.reset()
    wanted = accounts(server, 3600)
    watch(postgres_url, wanted)
    for name in ("a", "b", "c"):
        workers.start(postgres_url, name, "--concurrency", "3")

    with CrawlScheduler(postgres_url, scheduler_config(redis_url, prefix)) as scheduler:
        wait_for(lambda: all(n >= 1 for n in finished_runs(postgres_url, wanted).values()), 90)
        first_cycle = set(stored(postgres_url))
        for platform, account in [
            ("mastodon", "growing"),
            ("bluesky", "growing.bsky.test"),
            ("telegram", "growingchan"),
            ("feed", "growing.xml"),
        ]:
            server.publish(platform, account, 3)
        # the next cycle: every account's job falls due now (its interval is an hour)
        now = datetime.now(UTC)
        for job in scheduler._scheduler.get_jobs():
            job.modify(next_run_time=now)
        wait_for(lambda: all(n >= 2 for n in finished_runs(postgres_url, wanted).values()), 90)
    codes = workers.stop_all()
    assert codes == {"a": 0, "b": 0, "c": 0}, [workers.log(n) for n in codes]

    by_account = runs(postgres_url)
    for account in wanted:
        cycle = by_account[account.url]
        assert len(cycle) == 2, (account.url, [(r.outcome, r.started_at) for r in cycle])
        first, second = cycle
        assert first.finished_at <= second.started_at, "never two crawls of one account at once"
    outcomes = {url: [r.outcome for r in rs] for url, rs in by_account.items()}
    assert outcomes[f"{server.url}/@garbled"] == ["error", "error"]
    assert outcomes[f"{server.url}/@leaky"] == ["ok", "ok"]
    assert sum(1 for o in outcomes.values() if o == ["ok", "ok"]) >= len(wanted) - 1

    final = stored(postgres_url)
    assert len(final) == len(first_cycle) + 12, "the second cycle stored exactly the new posts"
    assert_same_as_reference(postgres_url, sqlite_url, server, wanted)

    # every worker took part, and nothing is left behind in Redis but the counters
    logs = {name: workers.log(name) for name in ("a", "b", "c")}
    assert all("crawled " in text for text in logs.values()), logs
    client = connect(redis_url)
    try:
        left = sorted(k.decode() for k in client.scan_iter(match=f"{prefix}:*"))
        assert left == [f"{prefix}:stats"], left
        stats = JobQueue(client, prefix).stats()
        assert stats["submitted"] == stats["completed"] == 2 * len(wanted)
    finally:
        client.close()


def test_worker_killed_midway_loses_no_account(
    postgres_url, sqlite_url, server, workers: Workers, redis_url, prefix
):
    server.reset()
    wanted = accounts(server, 3600)
    watch(postgres_url, wanted)
    delay = 0.05
    slow = ["--domain-delay", str(delay), "-s", "MONITOR_STORE_BATCH=5", "--lease", "2"]
    victim = workers.start(postgres_url, "victim", "--concurrency", "4", *slow)
    client = connect(redis_url)
    jobs = JobQueue(client, prefix)
    try:
        with CrawlScheduler(postgres_url, scheduler_config(redis_url, prefix)):
            wait_for(lambda: client.llen(jobs.keys.processing("victim")) >= 4, 30, 0.05)
            workers.start(postgres_url, "survivor", "--concurrency", "4", *slow)
            wait_for(lambda: sum(stored(postgres_url).values()) >= 20, 60, 0.05)
            held = [
                json.loads(raw)["url"]
                for raw in client.lrange(jobs.keys.processing("victim"), 0, -1)
            ]
            assert held, "the victim still holds jobs when it is killed"
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait(timeout=10)
            wait_for(lambda: all(n >= 1 for n in finished_runs(postgres_url, wanted).values()), 90)
            wait_for(lambda: all(jobs.job_of(a) is None for a in range(1, len(wanted) + 1)), 30)
        stats = jobs.stats()
        hits = server.hits()
    finally:
        client.close()
    assert workers.stop_all() == {"victim": -signal.SIGKILL, "survivor": 0}
    assert stats["requeued"] >= 1 and stats["completed"] == len(wanted)
    assert "from a dead worker" in workers.log("survivor")

    by_account = runs(postgres_url)
    for account in wanted:
        outcomes = [r.outcome for r in by_account[account.url]]
        assert outcomes[-1] in ("ok", "error"), (account.url, outcomes)
        assert outcomes.count("ok") + outcomes.count("error") == 1, (account.url, outcomes)
    interrupted = {url for url, rs in by_account.items() if rs[0].outcome == "interrupted"}
    assert interrupted and interrupted <= set(held)
    assert_same_as_reference(postgres_url, sqlite_url, server, wanted)

    # politeness: every request to the replay host, from both workers, at least `delay` apart
    # as reserved; measured on arrival, where a worker stalled by a loaded machine sends its
    # reserved requests late and they bunch with the other worker's (24 in a second seen at
    # 20 reserved). Two workers spacing their requests each on their own would send 40 a
    # second, above the bound of 33.
    times = sorted(h["time"] for h in hits if not h["path"].startswith("/__control/"))
    most_in_a_second = max(
        sum(1 for t in times[i:] if t - start < 1.0) for i, start in enumerate(times)
    )
    assert most_in_a_second <= 1.5 / delay + 3, most_in_a_second


def test_sigterm_puts_running_jobs_back(postgres_url, server, workers: Workers, redis_url, prefix):
    server.reset()
    wanted = [NewAccount("mastodon", f"{server.url}/@leaky", "leaky")]
    watch(postgres_url, wanted)
    engine = open_database(postgres_url)
    with engine.connect() as connection:
        account_id = connection.scalar(select(WatchedAccount.id))
    engine.dispose()
    client = connect(redis_url)
    jobs = JobQueue(client, prefix)
    try:
        job = Job(account_id, "mastodon", wanted[0].url, backfill=200)
        assert jobs.submit(job)
        proc = workers.start(
            postgres_url, "w", "--domain-delay", "0.5", "-s", "MONITOR_STORE_BATCH=5"
        )
        wait_for(lambda: client.llen(jobs.keys.processing("w")) == 1, 30, 0.05)
        wait_for(lambda: sum(stored(postgres_url).values()) > 0, 30, 0.05)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, workers.log("w")
        (raw,) = client.lrange(jobs.keys.jobs, 0, -1)
        back = Job.loads(raw)
        assert back.id == job.id and back.attempt == 1, "a clean stop costs no attempt"
        assert jobs.job_of(account_id) == job.id, "the account stays marked: no second job"
        assert not client.sismember(jobs.keys.workers, "w")
        cut = sum(stored(postgres_url).values())
        assert 0 < cut < 200, "the crawl was stopped midway"

        workers.start(postgres_url, "w2")
        wait_for(lambda: jobs.job_of(account_id) is None, 60)
    finally:
        client.close()
    outcomes = [r.outcome for r in runs(postgres_url)[wanted[0].url]]
    assert len(outcomes) == 2 and outcomes[-1] == "ok"
    assert sum(stored(postgres_url).values()) == 200
    assert "put 1 unfinished job(s) back" in workers.log("w")
