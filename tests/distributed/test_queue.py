"""The Redis job queue: submit once per account, claim, complete, recover from dead workers."""

from __future__ import annotations

import time

import pytest

from monitor.distributed.queue import Job, JobQueue, Keys, safe_redis_url


def job(account_id: int = 1, url: str = "https://t.me/alpha") -> Job:
    return Job(account_id, "telegram", url, {"before": "10"}, backfill=50)


def test_job_round_trips_through_json():
    original = job()
    again = Job.loads(original.dumps())
    assert again == original
    retried = again.retried()
    assert (retried.id, retried.attempt, retried.crawl_state) == (
        original.id,
        2,
        original.crawl_state,
    )


def test_keys_reject_prefixes_scrapy_redis_cannot_format():
    with pytest.raises(ValueError):
        Keys("bad%prefix")
    with pytest.raises(ValueError):
        Keys("")


def test_safe_redis_url_hides_the_password():
    assert safe_redis_url("redis://:s3cret@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0"
    assert safe_redis_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_one_job_per_account_until_it_completes(jobs: JobQueue):
    first = job()
    assert jobs.submit(first)
    assert not jobs.submit(job()), "a second job for the same account is refused"
    assert jobs.job_of(1) == first.id
    assert jobs.submit(job(2, "https://t.me/bravo"))
    assert jobs.pending() == 2

    claimed = jobs.claim("w1")
    assert claimed is not None and claimed.job == first, "oldest first"
    client = jobs.client
    client.sadd(jobs.keys.dupefilter(first.id), "fp")
    client.rpush(jobs.keys.requests(first.id), "req")
    assert jobs.complete("w1", claimed)
    assert jobs.job_of(1) is None
    assert not client.exists(jobs.keys.dupefilter(first.id), jobs.keys.requests(first.id))
    assert client.llen(jobs.keys.processing("w1")) == 0
    assert jobs.submit(job()), "the next cycle can queue the account again"
    assert jobs.stats()["completed"] == 1


def test_dead_worker_jobs_go_back_to_the_front_then_get_dropped(jobs: JobQueue):
    assert jobs.submit(job(1))
    assert jobs.submit(job(2, "https://t.me/bravo"))
    jobs.register("dead")
    taken = jobs.claim("dead")
    assert taken is not None and taken.job.account_id == 1
    jobs.client.sadd(jobs.keys.dupefilter(taken.job.id), "fp")
    jobs.register("alive")
    assert jobs.reap() == [], "a live lease is left alone"

    jobs.client.delete(jobs.keys.heartbeat("dead"))  # the lease lapses (SIGKILL)
    jobs.heartbeat("alive")
    moved = jobs.reap()
    assert [(j.account_id, j.attempt) for j in moved] == [(1, 2)]
    assert not jobs.client.sismember(jobs.keys.workers, "dead")
    assert not jobs.client.exists(jobs.keys.dupefilter(taken.job.id))
    again = jobs.claim("alive")
    assert again is not None and again.job.id == taken.job.id and again.job.attempt == 2
    assert jobs.job_of(1) == taken.job.id, "the account stays marked while it is retried"

    # the old owner waking up late does not complete the job it no longer owns
    assert not jobs.complete("dead", taken)
    assert jobs.job_of(1) == taken.job.id

    # the second worker dies too: max_attempts=2 reached, the job is dropped
    jobs.client.delete(jobs.keys.heartbeat("alive"))
    dropped = jobs.reap()
    assert [(j.account_id, j.attempt) for j in dropped] == [(1, 3)]
    assert jobs.job_of(1) is None, "the next cycle may try the account again"
    assert jobs.client.llen(jobs.keys.failed) == 1
    assert jobs.stats()["dropped"] == 1
    remaining = jobs.claim("third")
    assert remaining is not None and remaining.job.account_id == 2


def test_lease_expires_without_heartbeat(jobs: JobQueue):
    jobs.submit(job())
    jobs.register("short")
    assert jobs.claim("short") is not None
    time.sleep(1.2)  # lease_seconds=1.0 in the fixture
    assert [j.account_id for j in jobs.reap()] == [1]


def test_clean_stop_puts_jobs_back_without_counting_an_attempt(jobs: JobQueue):
    jobs.submit(job())
    jobs.register("w")
    assert jobs.claim("w") is not None
    assert jobs.release("w") == 1
    back = jobs.claim("other")
    assert back is not None and back.job.attempt == 1
    assert not jobs.client.sismember(jobs.keys.workers, "w")


def test_garbage_in_the_queue_is_set_aside(jobs: JobQueue):
    jobs.client.lpush(jobs.keys.jobs, b"not json")
    assert jobs.claim("w") is None
    assert jobs.client.lrange(jobs.keys.failed, 0, -1) == [b"not json"]
    assert jobs.client.llen(jobs.keys.processing("w")) == 0
