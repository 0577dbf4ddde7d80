"""The job flow of distributed mode, in Redis.

One job is one crawl of one account (JSON: id, account id, platform, URL, crawl_state,
backfill, attempt). Keys, all under a prefix (``monitor`` by default):

- ``P:jobs``: the queue (list). The scheduler ``LPUSH``es, workers take from the right end.
- ``P:account:<id>``: the account's job id while a job for it is queued or running (``SET NX``
  with a TTL). The scheduler submits a job only when there is none: one account is never
  crawled twice at once, across restarts of the scheduler too. Completing the job deletes it.
- ``P:processing:<worker>``: the jobs a worker has claimed (``LMOVE`` from ``P:jobs``, atomic:
  a job is always in exactly one list).
- ``P:worker:<worker>``: the worker's lease, refreshed by its heartbeat, expiring ``lease``
  seconds after its last beat; ``P:workers`` is the set of workers that ever registered.
- ``P:job:<id>:requests`` and ``P:job:<id>:dupefilter``: the scrapy-redis request queue and
  duplicate filter of the job's crawl (``monitor.distributed.compat``); deleted when the job
  completes, and expiring on their own as a safety net.

A worker that dies (SIGKILL, power loss) stops beating; any worker (each runs the reaper with
its heartbeat) then moves the dead worker's claimed jobs back to the front of ``P:jobs`` with
``attempt + 1``. A job that has killed ``max_attempts`` workers is dropped into ``P:failed``
(and its account marker released, so the next cycle tries again).
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis

__all__ = [
    "DEFAULT_PREFIX",
    "Job",
    "JobQueue",
    "Keys",
    "connect",
    "new_worker_id",
    "safe_redis_url",
]

DEFAULT_PREFIX = "monitor"
FAILED_KEEP = 1000

# KEYS: marker, jobs, stats; ARGV: job id, job JSON, marker ttl seconds
_SUBMIT = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[3]) then
  redis.call('LPUSH', KEYS[2], ARGV[2])
  redis.call('HINCRBY', KEYS[3], 'submitted', 1)
  return 1
end
return 0
"""

# KEYS: processing, marker, requests, dupefilter, stats; ARGV: job JSON, job id
_COMPLETE = """
local owned = redis.call('LREM', KEYS[1], 1, ARGV[1])
if owned == 1 then
  redis.call('DEL', KEYS[3], KEYS[4])
  if redis.call('GET', KEYS[2]) == ARGV[2] then
    redis.call('DEL', KEYS[2])
  end
  redis.call('HINCRBY', KEYS[5], 'completed', 1)
end
return owned
"""

# KEYS: processing, jobs, requests, dupefilter, stats; ARGV: old JSON, new JSON, counter
_REQUEUE = """
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('DEL', KEYS[3], KEYS[4])
  redis.call('HINCRBY', KEYS[5], ARGV[3], 1)
  return 1
end
return 0
"""

# KEYS: processing, marker, failed, requests, dupefilter, stats; ARGV: JSON, job id, keep
_DROP = """
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  if redis.call('GET', KEYS[2]) == ARGV[2] then
    redis.call('DEL', KEYS[2])
  end
  redis.call('DEL', KEYS[4], KEYS[5])
  redis.call('LPUSH', KEYS[3], ARGV[1])
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[3]) - 1)
  redis.call('HINCRBY', KEYS[6], 'dropped', 1)
  return 1
end
return 0
"""

# KEYS: heartbeat, processing, workers; ARGV: worker id
_FORGET = """
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('LLEN', KEYS[2]) == 0 then
  redis.call('SREM', KEYS[3], ARGV[1])
  return 1
end
return 0
"""


def connect(url: str) -> redis.Redis:
    """A Redis client for ``url`` (``redis://host:port/db``); answers bytes."""
    return redis.Redis.from_url(url, socket_timeout=30, health_check_interval=30)


def safe_redis_url(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def new_worker_id() -> str:
    """A worker id unique across machines and restarts: host, pid and a random part."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Keys:
    """The Redis key names under one prefix (one deployment or one test)."""

    prefix: str = DEFAULT_PREFIX

    def __post_init__(self) -> None:
        if not self.prefix or "%" in self.prefix or any(c.isspace() for c in self.prefix):
            # scrapy-redis formats its keys with ``%``.
            raise ValueError(f"a Redis key prefix without '%' or spaces, not {self.prefix!r}")

    @property
    def jobs(self) -> str:
        return f"{self.prefix}:jobs"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    @property
    def failed(self) -> str:
        return f"{self.prefix}:failed"

    @property
    def stats(self) -> str:
        return f"{self.prefix}:stats"

    def heartbeat(self, worker: str) -> str:
        return f"{self.prefix}:worker:{worker}"

    def processing(self, worker: str) -> str:
        return f"{self.prefix}:processing:{worker}"

    def account(self, account_id: int) -> str:
        return f"{self.prefix}:account:{account_id}"

    def requests(self, job_id: str) -> str:
        return f"{self.prefix}:job:{job_id}:requests"

    def dupefilter(self, job_id: str) -> str:
        return f"{self.prefix}:job:{job_id}:dupefilter"

    def domain(self, host: str) -> str:
        return f"{self.prefix}:domain:{host}"


@dataclass(frozen=True)
class Job:
    """One crawl of one account."""

    account_id: int
    platform: str
    url: str
    crawl_state: dict[str, str] = field(default_factory=dict)
    backfill: int = 200
    cached: bool = False
    attempt: int = 1
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    submitted_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat().replace("+00:00", "Z")
    )

    def dumps(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def loads(cls, raw: bytes | str) -> Job:
        data: dict[str, Any] = json.loads(raw)
        return cls(
            account_id=int(data["account_id"]),
            platform=str(data["platform"]),
            url=str(data["url"]),
            crawl_state={str(k): str(v) for k, v in (data.get("crawl_state") or {}).items()},
            backfill=int(data.get("backfill", 200)),
            cached=bool(data.get("cached", False)),
            attempt=int(data.get("attempt", 1)),
            id=str(data["id"]),
            submitted_at=str(data.get("submitted_at", "")),
        )

    def retried(self) -> Job:
        """The same job for its next attempt (same id: one job per account and cycle)."""
        return Job(
            self.account_id,
            self.platform,
            self.url,
            dict(self.crawl_state),
            self.backfill,
            self.cached,
            self.attempt + 1,
            self.id,
            self.submitted_at,
        )


@dataclass
class Claimed:
    """A job a worker took, with the exact JSON it took (needed to remove it again)."""

    job: Job
    raw: bytes


class JobQueue:
    """Submit, claim, complete and recover account jobs in Redis."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = DEFAULT_PREFIX,
        *,
        lease_seconds: float = 30.0,
        marker_ttl: int = 24 * 3600,
        max_attempts: int = 3,
    ) -> None:
        self.client = client
        self.keys = Keys(prefix)
        self.lease_ms = max(1, int(lease_seconds * 1000))
        self.marker_ttl = max(1, int(marker_ttl))
        self.max_attempts = max(1, max_attempts)
        self._submit = client.register_script(_SUBMIT)
        self._complete = client.register_script(_COMPLETE)
        self._requeue = client.register_script(_REQUEUE)
        self._drop = client.register_script(_DROP)
        self._forget = client.register_script(_FORGET)

    # scheduler side

    def submit(self, job: Job) -> bool:
        """Queue ``job`` unless its account already has a job queued or running."""
        k = self.keys
        keys = [k.account(job.account_id), k.jobs, k.stats]
        return bool(self._submit(keys=keys, args=[job.id, job.dumps(), self.marker_ttl]))

    def job_of(self, account_id: int) -> str | None:
        """The id of the account's queued or running job, or None."""
        value = self.client.get(self.keys.account(account_id))
        return value.decode() if isinstance(value, bytes) else value

    def pending(self) -> int:
        """How many jobs wait to be claimed."""
        return int(self.client.llen(self.keys.jobs))

    def stats(self) -> dict[str, int]:
        raw = self.client.hgetall(self.keys.stats)
        return {k.decode(): int(v) for k, v in raw.items()}

    # worker side

    def register(self, worker: str) -> None:
        self.client.sadd(self.keys.workers, worker)
        self.heartbeat(worker)

    def heartbeat(self, worker: str) -> None:
        """Renew the worker's lease."""
        self.client.set(self.keys.heartbeat(worker), "1", px=self.lease_ms)

    def claim(self, worker: str) -> Claimed | None:
        """Take the oldest queued job into the worker's processing list, or None."""
        raw = self.client.lmove(self.keys.jobs, self.keys.processing(worker), "RIGHT", "LEFT")
        if raw is None:
            return None
        try:
            return Claimed(Job.loads(raw), raw)
        except (ValueError, KeyError, TypeError):
            # Not a job of ours: keep it out of the queue, for a human to look at.
            self.client.lrem(self.keys.processing(worker), 1, raw)
            self.client.lpush(self.keys.failed, raw)
            self.client.ltrim(self.keys.failed, 0, FAILED_KEEP - 1)
            return None

    def complete(self, worker: str, claimed: Claimed) -> bool:
        """The job is done (whatever the crawl's outcome): forget it and its crawl keys.

        False when the worker no longer owned it (its lease had lapsed and the job went back
        to the queue); the account's marker then stays with the re-queued job.
        """
        k, job = self.keys, claimed.job
        keys = [
            k.processing(worker),
            k.account(job.account_id),
            k.requests(job.id),
            k.dupefilter(job.id),
            k.stats,
        ]
        return bool(self._complete(keys=keys, args=[claimed.raw, job.id]))

    def release(self, worker: str) -> int:
        """A worker stopping cleanly puts the jobs it still holds back in front of the queue
        (same attempt: not the job's fault) and gives up its lease."""
        moved = 0
        for raw in self.client.lrange(self.keys.processing(worker), 0, -1):
            moved += self._put_back(worker, raw, bump=False)
        self.client.delete(self.keys.heartbeat(worker))
        self._forget_worker(worker)
        return moved

    def reap(self) -> list[Job]:
        """Re-queue the jobs of workers whose lease lapsed; returns the jobs moved (dropped
        ones included, with their attempt count)."""
        moved: list[Job] = []
        for member in self.client.smembers(self.keys.workers):
            worker = member.decode()
            if self.client.exists(self.keys.heartbeat(worker)):
                continue
            for raw in self.client.lrange(self.keys.processing(worker), 0, -1):
                if self._put_back(worker, raw, bump=True):
                    moved.append(Job.loads(raw).retried())
            self._forget_worker(worker)
        return moved

    def _forget_worker(self, worker: str) -> None:
        k = self.keys
        self._forget(keys=[k.heartbeat(worker), k.processing(worker), k.workers], args=[worker])

    def _put_back(self, worker: str, raw: bytes, *, bump: bool) -> int:
        k = self.keys
        try:
            job = Job.loads(raw)
        except (ValueError, KeyError, TypeError):
            self.client.lrem(k.processing(worker), 1, raw)
            return 0
        if bump and job.attempt >= self.max_attempts:
            keys = [
                k.processing(worker),
                k.account(job.account_id),
                k.failed,
                k.requests(job.id),
                k.dupefilter(job.id),
                k.stats,
            ]
            return int(self._drop(keys=keys, args=[raw, job.id, FAILED_KEEP]))
        new = job.retried() if bump else job
        keys = [k.processing(worker), k.jobs, k.requests(job.id), k.dupefilter(job.id), k.stats]
        counter = "requeued" if bump else "released"
        return int(self._requeue(keys=keys, args=[raw, new.dumps(), counter]))

    def delete_all(self) -> int:
        """Delete every key under the prefix (tests, and resetting a deployment)."""
        count = 0
        for key in self.client.scan_iter(match=f"{self.keys.prefix}:*", count=500):
            count += int(self.client.delete(key))
        return count
