"""Distributed crawling: a scheduler pushes account jobs into Redis, ``monitor worker``
processes claim and crawl them, PostgreSQL is the shared store.

- ``queue``: the job flow (submit, claim with a lease, complete, re-queue jobs of dead workers);
- ``compat``: the adapter that makes scrapy-redis 0.9.1 (scheduler and duplicate filter)
  work with Scrapy 2.19, per-job keys that expire, follow-up requests through the filter;
- ``politeness``: a per-domain request spacing shared by every worker through Redis;
- ``worker``: the long-running worker (one Twisted reactor, several crawls at once).

See "Distributed crawling" in the README for how to run it.
"""

from monitor.distributed.queue import Job, JobQueue, Keys

__all__ = ["Job", "JobQueue", "Keys"]
