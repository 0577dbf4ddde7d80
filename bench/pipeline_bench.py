"""Crawl pipeline throughput: posts per second, end to end, with and without the pipelines.

    python bench/pipeline_bench.py [--accounts 64] [--posts 800] [--repeat 1]
                                   [--configs bare,detect,sqlite,postgresql] [--profile DIR]

Starts the bench Mastodon server (``bench/mastodon_farm.py``, pages rendered in advance) and
crawls every account of it once per configuration, each configuration in its own
subprocess (one Twisted reactor per process) through ``monitor.crawl.run_crawls``, as
``monitor crawl`` does, with politeness off (``DOWNLOAD_DELAY=0``, AutoThrottle off, 16
requests per domain, 16 accounts at once). Configurations:

- ``bare``: the same spider with ``ITEM_PIPELINES={}``;
- ``normalise``: the normalise pipeline only;
- ``detect``: normalise and detect, nothing stored;
- ``sqlite`` / ``postgresql``: the full pipeline (normalise, detect, store with evidence)
  into a new SQLite file / a scratch PostgreSQL database (created and dropped here);
- ``sqlite-nodetect`` / ``postgresql-nodetect``: normalise and store, no detection.

The timed part is ``run_crawls`` only: the schema is migrated and the accounts are put on the
watchlist before. Prints one JSON line per run and a table of medians.
PostgreSQL: ``MONITOR_BENCH_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``,
used only to create and drop the scratch database).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.mastodon_farm import FarmServer  # noqa: E402

POSTGRES_URL = os.environ.get(
    "MONITOR_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
NORMALISE = {"pipelines.normalise.NormalisePipeline": 100}
DETECT = {**NORMALISE, "pipelines.detect.DetectPipeline": 200}
STORE = {"pipelines.store.StorePipeline": 300}
CONFIGS: dict[str, tuple[str | None, dict[str, int] | None]] = {
    # name: (database, ITEM_PIPELINES; None = the default of monitor.crawl)
    "bare": (None, {}),
    "normalise": (None, NORMALISE),
    "detect": (None, DETECT),
    "sqlite": ("sqlite", None),
    "postgresql": ("postgresql", None),
    "sqlite-nodetect": ("sqlite", {**NORMALISE, **STORE}),
    "postgresql-nodetect": ("postgresql", {**NORMALISE, **STORE}),
}
CONCURRENT_CRAWLS = 16


def fast_settings(concurrency: int) -> dict[str, Any]:
    """Politeness off; loopback only."""
    return {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": max(16, concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": max(16, concurrency),
        "MONITOR_RETRY_DELAYS_ENABLED": False,
        "MONITOR_ALLOWED_HOSTS": ["127.0.0.1"],
    }


# -- the measured process -------------------------------------------------------------------


def preload(settings: Any) -> None:
    """Import every component a crawl loads, so import time is not counted as crawl time."""
    from scrapy.utils.misc import load_object

    import spiders.mastodon  # noqa: F401

    for name in (
        "ITEM_PIPELINES",
        "EXTENSIONS",
        "EXTENSIONS_BASE",
        "DOWNLOADER_MIDDLEWARES",
        "DOWNLOADER_MIDDLEWARES_BASE",
        "SPIDER_MIDDLEWARES",
        "SPIDER_MIDDLEWARES_BASE",
    ):
        for path, order in (settings.getdict(name) or {}).items():
            if order is not None and isinstance(path, str):
                load_object(path)
    for path in settings.getdict("DOWNLOAD_HANDLERS_BASE").values():
        if isinstance(path, str):
            load_object(path)
    for name in ("SCHEDULER", "STATS_CLASS", "DUPEFILTER_CLASS", "REQUEST_FINGERPRINTER_CLASS"):
        if isinstance(settings.get(name), str):
            load_object(settings.get(name))


def worker(args: argparse.Namespace) -> None:
    """One configuration, one reactor: crawl every account, print a JSON result line."""
    from monitor.crawl import CrawlJob, Progress, crawl_settings, run_crawls
    from storage.db import open_database
    from storage.watchlist import NewAccount, add_accounts

    _database, pipelines = CONFIGS[args.worker]
    urls = json.loads(args.urls)
    db_url = args.db
    if _database is not None:
        engine = open_database(db_url)  # migrations outside the timed part
        accounts = [NewAccount("mastodon", url, url.rsplit("/@", 1)[1]) for url in urls]
        add_accounts(engine, accounts)
        engine.dispose()
    overrides = fast_settings(args.concurrency)
    if pipelines is not None:
        overrides["ITEM_PIPELINES"] = pipelines
    settings = crawl_settings(db_url, **overrides)
    preload(settings)
    jobs = [CrawlJob("mastodon", url, {}, args.posts) for url in urls]
    progress = Progress()
    profiler = store_profiler = None
    store_cpu = [0.0, 0.0]  # CPU seconds and wall seconds of the store's writes (worker threads)
    import pipelines.store

    write_batch = pipelines.store.write_batch

    def timed_write_batch(*a: Any) -> Any:
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            if store_profiler is not None:
                return store_profiler.runcall(write_batch, *a)
            return write_batch(*a)
        finally:
            store_cpu[0] += time.thread_time() - cpu
            store_cpu[1] += time.perf_counter() - wall

    pipelines.store.write_batch = timed_write_batch  # type: ignore[assignment]
    if args.profile:
        import cProfile

        # cProfile sees one thread: the store's writes run in worker threads (one at a time),
        # so they get a profile of their own (thread CPU time), written beside the main one as
        # ``*-store.prof``.
        store_profiler = cProfile.Profile(time.thread_time)
        profiler = cProfile.Profile()
        profiler.enable()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    outcomes = run_crawls(jobs, settings, progress, concurrent_crawls=args.concurrency)
    elapsed = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
        if store_profiler is not None and store_profiler.getstats():
            store_profiler.dump_stats(args.profile.removesuffix(".prof") + "-store.prof")
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    states = sorted({o.state for o in outcomes})
    result = {
        "config": args.worker,
        "accounts": len(jobs),
        "posts": progress.posts,
        "flagged": progress.flagged,
        "seconds": round(elapsed, 3),
        "posts_per_s": round(progress.posts / elapsed, 1),
        "cpu_s": round(cpu, 2),
        "cpu_us_per_post": round(cpu / max(1, progress.posts) * 1e6),
        # the store's batch writes, in worker threads (part of cpu_s)
        "store_thread_cpu_s": round(store_cpu[0], 2),
        "store_thread_wall_s": round(store_cpu[1], 2),
        "states": states,
        "maxrss_mb": round(cpu1.ru_maxrss / 1024, 1),
        "loadavg_1min_after": os.getloadavg()[0],
    }
    if _database is not None:
        from sqlalchemy import func, select

        from storage.models import Evidence, StoredPost

        engine = open_database(db_url, migrate=False)
        with engine.connect() as connection:
            result["stored_posts"] = connection.scalar(select(func.count(StoredPost.id)))
            result["evidence_rows"] = connection.scalar(select(func.count(Evidence.id)))
        engine.dispose()
    print(json.dumps(result), flush=True)


# -- the driver ------------------------------------------------------------------------------


class ScratchPostgres:
    """A new PostgreSQL database per run, dropped afterwards."""

    def __init__(self) -> None:
        from sqlalchemy import create_engine, make_url

        self.admin_url = make_url(POSTGRES_URL)
        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def create(self) -> str:
        from sqlalchemy import text

        name = f"bench_crawl_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        from sqlalchemy import text

        with self.admin.connect() as connection:
            for name in self.names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def run_config(
    name: str, urls: list[str], posts: int, db_url: str, args: argparse.Namespace, run: int
) -> dict[str, Any]:
    env = {**os.environ, "MONITOR_SECRET_KEY": "bench-secret", "PYTHONHASHSEED": "0"}
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        name,
        "--urls",
        json.dumps(urls),
        "--posts",
        str(posts),
        "--db",
        db_url,
        "--concurrency",
        str(args.concurrency),
    ]
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        command += ["--profile", str(Path(args.profile) / f"{name}-{run}.prof")]
    proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=64)
    parser.add_argument("--posts", type=int, default=800, help="statuses per account")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--configs", default="bare,detect,sqlite,postgresql")
    parser.add_argument("--concurrency", type=int, default=CONCURRENT_CRAWLS)
    parser.add_argument("--profile", help="write a cProfile file per run into this folder")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    names = [n.strip() for n in args.configs.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        raise SystemExit(f"unknown configuration(s) {unknown}; known: {sorted(CONFIGS)}")
    results: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    postgres = ScratchPostgres() if any(CONFIGS[n][0] == "postgresql" for n in names) else None
    with tempfile.TemporaryDirectory(prefix="pipeline_bench_") as tmp:
        try:
            with FarmServer(args.accounts, args.posts, prerender=True) as farm:
                urls = farm.account_urls()
                for run in range(args.repeat):
                    for name in names:
                        database = CONFIGS[name][0]
                        if database == "postgresql":
                            assert postgres is not None
                            db_url = postgres.create()
                        else:
                            db_url = f"sqlite:///{tmp}/{name}-{run}.db"
                        result = run_config(name, urls, args.posts, db_url, args, run)
                        print(json.dumps(result), flush=True)
                        results[name].append(result)
        finally:
            if postgres is not None:
                postgres.drop_all()
    bare = (
        statistics.median(r["posts_per_s"] for r in results.get("bare", []))
        if (results.get("bare"))
        else None
    )
    print()
    print("| configuration | posts | posts/s (median) | CPU µs/post | vs bare |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        rate = statistics.median(r["posts_per_s"] for r in results[name])
        cpu = statistics.median(r["cpu_us_per_post"] for r in results[name])
        relative = f"{rate / bare:.0%}" if bare else "-"
        posts = results[name][0]["posts"]
        print(f"| {name} | {posts:,} | {rate:,.0f} | {cpu:,.0f} | {relative} |")


if __name__ == "__main__":
    main()
