"""Crawl memory: RSS of a 100,000-post crawl through the full pipeline, sampled as it goes.

    python bench/memory_bench.py [--scenario one|many|both] [--total 100000] [--database sqlite]

Starts the bench Mastodon server (``bench/mastodon_farm.py``, pages rendered on request, so
the server itself stays small) and runs the crawl in a subprocess through
``monitor.crawl.run_crawls`` with the default pipelines (normalise, detect, store with
evidence) and politeness off. Scenarios:

- ``one``: one account with ``--total`` statuses, one crawl (``backfill`` = total): anything
  kept per post by the spider, the engine or the pipelines grows with it;
- ``many``: ``--total / 1000`` accounts of 1,000 statuses, 16 at once: anything kept per
  crawl (per crawler, per account) grows with it.

Every ``--every`` posts the crawl process records its resident set (``/proc/self/statm``),
its peak so far (``getrusage().ru_maxrss``) and the number of objects the garbage collector
tracks. Prints one JSON line per sample and a summary: RSS after the first 10,000 posts and at
the end, and the slope of a least-squares line through the samples after 10,000 posts.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.mastodon_farm import FarmServer  # noqa: E402
from bench.pipeline_bench import (  # noqa: E402
    CONCURRENT_CRAWLS,
    ScratchPostgres,
    fast_settings,
    preload,
)

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
WARM_UP = 10_000


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args: argparse.Namespace) -> None:
    from monitor.crawl import CrawlJob, Progress, crawl_settings, run_crawls
    from storage.db import open_database
    from storage.watchlist import NewAccount, add_accounts

    urls = json.loads(args.urls)
    engine = open_database(args.db)
    add_accounts(engine, [NewAccount("mastodon", u, u.rsplit("/@", 1)[1]) for u in urls])
    engine.dispose()
    settings = crawl_settings(args.db, **fast_settings(CONCURRENT_CRAWLS))
    preload(settings)
    jobs = [CrawlJob("mastodon", url, {}, args.posts) for url in urls]
    start = time.perf_counter()
    next_mark = 0

    def sample(progress: Progress) -> None:
        nonlocal next_mark
        if progress.posts < next_mark:
            return
        next_mark = progress.posts - progress.posts % args.every + args.every
        record = {
            "posts": progress.posts,
            "accounts_done": progress.accounts_done,
            "seconds": round(time.perf_counter() - start, 1),
            "rss_mb": round(rss_mb(), 1),
            "peak_mb": round(peak_mb(), 1),
            "gc_objects": len(gc.get_objects()),
        }
        print(json.dumps(record), flush=True)

    progress = Progress(on_change=sample)
    sample(progress)
    run_crawls(jobs, settings, progress, concurrent_crawls=CONCURRENT_CRAWLS)
    gc.collect()
    next_mark = 0
    sample(progress)


def slope_per_10k(samples: list[dict[str, Any]], key: str) -> float:
    """Least-squares slope of ``key`` against posts, per 10,000 posts."""
    points = [(s["posts"], s[key]) for s in samples]
    n = len(points)
    if n < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return cov / var * 10_000 if var else 0.0


def run_scenario(name: str, args: argparse.Namespace, db_url: str) -> dict[str, Any]:
    if name == "one":
        accounts, posts = 1, args.total
    else:
        accounts, posts = max(1, args.total // 1000), 1000
    with FarmServer(accounts, posts) as farm:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--urls",
            json.dumps(farm.account_urls()),
            "--posts",
            str(posts),
            "--db",
            db_url,
            "--every",
            str(args.every),
        ]
        env = {**os.environ, "MONITOR_SECRET_KEY": "bench-secret", "PYTHONHASHSEED": "0"}
        proc = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        samples = []
        assert proc.stdout is not None
        for line in proc.stdout:
            record = json.loads(line)
            if "posts" in record:
                record["scenario"] = name
                print(json.dumps(record), flush=True)
                samples.append(record)
        _out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{name} failed:\n{err[-4000:]}")
    final = samples[-1]
    during = [s for s in samples[:-1] if s["posts"] >= WARM_UP]
    at_warm = next((s for s in samples if s["posts"] >= WARM_UP), samples[0])
    return {
        "scenario": name,
        "accounts": accounts,
        "posts": final["posts"],
        "seconds": final["seconds"],
        "rss_at_10k_mb": at_warm["rss_mb"],
        "rss_end_mb": final["rss_mb"],
        "peak_mb": final["peak_mb"],
        "rss_slope_mb_per_10k": round(slope_per_10k(during, "rss_mb"), 2),
        "gc_objects_at_10k": at_warm["gc_objects"],
        "gc_objects_end": final["gc_objects"],
        "gc_objects_slope_per_10k": round(slope_per_10k(during, "gc_objects")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=["one", "many", "both"], default="both")
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=2_500, help="posts between samples")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    parser.add_argument("--posts", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    names = ["one", "many"] if args.scenario == "both" else [args.scenario]
    summaries = []
    postgres = ScratchPostgres() if args.database == "postgresql" else None
    with tempfile.TemporaryDirectory(prefix="memory_bench_") as tmp:
        try:
            for name in names:
                db_url = postgres.create() if postgres else f"sqlite:///{tmp}/{name}.db"
                summaries.append(run_scenario(name, args, db_url))
        finally:
            if postgres is not None:
                postgres.drop_all()
    print()
    for summary in summaries:
        print(json.dumps(summary))
    print()
    print(
        "| scenario | posts | s | RSS at 10k (MB) | RSS at end (MB) | peak (MB) "
        "| RSS slope after 10k (MB/10k posts) | GC objects 10k -> end |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in summaries:
        label = "1 account" if s["scenario"] == "one" else f"{s['accounts']} accounts"
        print(
            f"| {label} | {s['posts']:,} | {s['seconds']:,.0f} | {s['rss_at_10k_mb']:.0f} "
            f"| {s['rss_end_mb']:.0f} | {s['peak_mb']:.0f} | {s['rss_slope_mb_per_10k']:+.2f} "
            f"| {s['gc_objects_at_10k']:,} -> {s['gc_objects_end']:,} |"
        )


if __name__ == "__main__":
    main()
