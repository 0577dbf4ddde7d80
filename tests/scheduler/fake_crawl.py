"""A stand-in for ``monitor crawl`` that the scheduler launches in tests.

It records, in the JSON-lines file named by ``FAKE_CRAWL_LOG``, which accounts it was asked to
crawl and when; records real crawl runs in the database (``MONITOR_DATABASE_URL``), like the
store pipeline does; sleeps ``FAKE_CRAWL_SLEEP`` seconds; on SIGTERM records the runs as
interrupted (like a Scrapy crawl stopped gracefully) unless ``FAKE_CRAWL_IGNORE_TERM`` is set;
exits with ``FAKE_CRAWL_EXIT`` (and records nothing) when that is set.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import sys
import time

from storage.crawl_runs import RunCounts, finish_run, start_run
from storage.db import open_database


def record(event: str, **fields: object) -> None:
    line = json.dumps({"event": event, "pid": os.getpid(), "t": time.time(), **fields})
    with open(os.environ["FAKE_CRAWL_LOG"], "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(line + "\n")


def main(argv: list[str]) -> int:
    platform, urls, i = "", [], 0
    while i < len(argv):
        if argv[i] == "--platform":
            platform, i = argv[i + 1], i + 2
            continue
        if not argv[i].startswith("--"):
            urls.append(argv[i])
        i += 1
    record("start", platform=platform, urls=urls)
    exit_code = int(os.environ.get("FAKE_CRAWL_EXIT", "0"))
    if exit_code:
        print("fake crawl failed on purpose", file=sys.stderr)
        record("end", urls=urls, outcome="failed")
        return exit_code
    interrupted = False

    def on_term(_signum: int, _frame: object) -> None:
        nonlocal interrupted
        interrupted = True

    if os.environ.get("FAKE_CRAWL_IGNORE_TERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGTERM, on_term)
    engine = open_database(os.environ["MONITOR_DATABASE_URL"], migrate=False)
    runs = [start_run(engine, url) for url in urls]
    deadline = time.monotonic() + float(os.environ.get("FAKE_CRAWL_SLEEP", "0"))
    while time.monotonic() < deadline and not interrupted:
        time.sleep(0.02)
    outcome = "interrupted" if interrupted else "ok"
    for run in runs:
        if run is not None:
            finish_run(engine, run, outcome, RunCounts(requests=1, posts_seen=2, new_posts=1))
    engine.dispose()
    record("end", urls=urls, outcome=outcome)
    crawls = [{"url": u, "platform": platform, "state": "ok", "posts_seen": 2} for u in urls]
    print(json.dumps({"crawls": crawls}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
