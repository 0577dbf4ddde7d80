"""Distributed crawling throughput: posts stored per second with 1, 2 and 3 workers.

    python bench/distributed_bench.py [--workers 1 2 3] [--rounds 2] [--copies 3]

Everything runs on this machine: the replay server (127.0.0.1), Redis
(``MONITOR_TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/0``) and PostgreSQL
(``MONITOR_TEST_POSTGRES_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``;
a scratch database per round is created and dropped). Each round starts the workers, waits
until they are registered (start-up is not timed), pushes one job per account onto the queue
exactly as ``monitor run --redis`` does, and times until every job is done; posts/second is
the number of posts in the database divided by that time. Politeness delays are off
(``DOWNLOAD_DELAY=0``, no AutoThrottle, no shared spacing): this measures the machinery, not
a polite crawl. ``--copies`` runs that many replay servers, so the same accounts exist under
several hosts and the workload is larger.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import create_engine, func, make_url, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.distributed.queue import Job, JobQueue, connect  # noqa: E402
from monitor.replay import MockServer  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.models import StoredPost, WatchedAccount  # noqa: E402
from storage.watchlist import NewAccount, add_accounts  # noqa: E402

REDIS_URL = os.environ.get("MONITOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get(
    "MONITOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "--domain-delay", "0"]
FAST += ["-s", "MONITOR_RETRY_DELAYS_ENABLED=0", "-s", "LOG_LEVEL=WARNING"]


def accounts(base: str) -> list[NewAccount]:
    """Accounts with posts on one replay server (Telegram/Bluesky go to the first server)."""
    spec = [("mastodon", f"{base}/@{n}", n) for n in ("leaky", "growing", "flaky", "locked")]
    spec += [("feed", f"{base}/feeds/{f}", f) for f in ("leaky.xml", "leaky.atom", "growing.xml")]
    return [NewAccount(p, url, handle) for p, url, handle in spec]


def shared_accounts() -> list[NewAccount]:
    spec = [("bluesky", f"https://bsky.app/profile/{h}.bsky.test", h) for h in ("leaky", "growing")]
    spec += [("telegram", f"https://t.me/{c}", c) for c in ("leakychan", "growingchan")]
    return [NewAccount(p, url, handle) for p, url, handle in spec]


def scratch_database() -> tuple[str, str]:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"monitor_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def one_round(servers: list[MockServer], workers: int, concurrency: int) -> tuple[int, float]:
    name, db_url = scratch_database()
    prefix = f"monitor-bench-{uuid.uuid4().hex[:8]}"
    client = connect(REDIS_URL)
    queue = JobQueue(client, prefix)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        engine = open_database(db_url)
        wanted = shared_accounts()
        for server in servers:
            wanted += accounts(server.url)
        add_accounts(engine, wanted)
        with engine.connect() as connection:
            rows = connection.execute(
                select(WatchedAccount.id, WatchedAccount.platform, WatchedAccount.url)
            ).all()
        env = {
            **os.environ,
            "MONITOR_SECRET_KEY": "bench-secret",
            "MONITOR_BLUESKY_APPVIEW_URL": servers[0].url,
            "MONITOR_TELEGRAM_PREVIEW_URL": servers[0].url,
            "MONITOR_ARCHIVE_URL": servers[0].url,
        }
        for index in range(workers):
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "monitor",
                        "--db",
                        db_url,
                        "worker",
                        "--redis",
                        REDIS_URL,
                        "--prefix",
                        prefix,
                        "--id",
                        f"bench{index}",
                        "--concurrency",
                        str(concurrency),
                        "--poll",
                        "0.05",
                        "--quiet",
                        *FAST,
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        deadline = time.monotonic() + 60
        while client.scard(queue.keys.workers) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError("workers did not start")
            time.sleep(0.05)
        time.sleep(1.0)  # let every worker finish importing and reach its poll loop
        started = time.monotonic()
        for account_id, platform, url in rows:
            queue.submit(Job(account_id, platform, url, backfill=200))
        while any(queue.job_of(account_id) for account_id, _, _ in rows):
            time.sleep(0.02)
        elapsed = time.monotonic() - started
        with engine.connect() as connection:
            posts = connection.scalar(select(func.count()).select_from(StoredPost)) or 0
        engine.dispose()
        return posts, elapsed
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
        queue.delete_all()
        client.close()
        drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--copies", type=int, default=3, help="replay servers (hosts)")
    parser.add_argument("--concurrency", type=int, default=4, help="crawls at once per worker")
    args = parser.parse_args()
    with ExitStack() as stack:
        servers = [stack.enter_context(MockServer()) for _ in range(args.copies)]
        print(f"{'workers':>7} {'posts':>6} {'seconds':>8} {'posts/s':>8}  (median of rounds)")
        for count in args.workers:
            results = [one_round(servers, count, args.concurrency) for _ in range(args.rounds)]
            posts = results[0][0]
            seconds = statistics.median(elapsed for _, elapsed in results)
            rates = ", ".join(f"{p / e:.0f}" for p, e in results)
            print(f"{count:>7} {posts:>6} {seconds:>8.2f} {posts / seconds:>8.0f}  [{rates}]")


if __name__ == "__main__":
    main()
