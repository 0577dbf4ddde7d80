"""The scheduler behind ``monitor run``: one process crawling every active account at its interval.

How it works:

- APScheduler 3 (``BackgroundScheduler``) keeps one job per active account in the persistent
  ``apscheduler_jobs`` table of the monitor's own database, with the account's interval and a
  jitter so accounts do not all start at once. Missed runs coalesce into one after downtime
  (``coalesce=True``, no misfire limit); a job never runs twice at once (``max_instances=1``).
- A job only hands its account to the dispatcher and waits. The dispatcher gathers the accounts
  that fall due together (same platform, up to ``max_batch``) and crawls them in one child
  process (``monitor crawl --no-save --quiet --json --platform P URL...``): a Twisted reactor
  cannot restart inside one process. An account already being crawled is never handed out again.
- A periodic reconcile adds, reschedules and removes jobs to match the watchlist, so
  ``monitor watch add/remove`` takes effect while the scheduler runs.
- Exactly one scheduler per database: a PostgreSQL advisory lock held on a dedicated connection,
  or an ``fcntl`` lock on ``<db file>.scheduler-lock`` for SQLite.
- With ``redis_url`` (``monitor run --redis URL``) a due account is pushed as one JSON job onto
  the Redis queue of ``monitor.distributed`` instead, and crawled by whichever ``monitor worker``
  claims it; the job waits until the job is done, so the no-overlap rule, intervals and jitter
  are the same. A Redis marker per account keeps a job from being pushed twice, across
  scheduler restarts too.
- Stopping lets running crawls finish for ``stop_timeout`` seconds, then asks them to stop
  (SIGTERM: the crawl records itself as interrupted), then kills them; a crawl left ``running``
  is recorded as ``interrupted`` by the scheduler.

Job callables are module-level functions with simple arguments (the account id): the job store
pickles references to them. The database URL is deliberately not a job argument, so a password
in it is never written into the job table.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import random
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Connection, Engine, make_url, select, text, update

from storage.db import make_engine, safe_url, session_factory
from storage.models import CrawlRun, WatchedAccount, utcnow

log = logging.getLogger("monitor.scheduler")

JOB_TABLE = "apscheduler_jobs"
JOB_PREFIX = "account-"
VERIFY_JOB = "verify-open-cases"
VERIFY_FIRST_DELAY_SECONDS = 60.0
# Any constant works: it only has to be the same in every process of the tool.
POSTGRES_SCHEDULER_LOCK = 0x6D6F6E73
CRAWL_COMMAND_ENV = "MONITOR_CRAWL_COMMAND"
FIRST_RUN_SPREAD_SECONDS = 30.0
STDERR_TAIL_CHARS = 2000


class SchedulerLocked(Exception):
    """Another ``monitor run`` already schedules crawls on this database."""


@dataclass
class SchedulerConfig:
    """Tunables of the scheduler; the defaults suit production, tests shorten them."""

    reconcile_seconds: float = 15.0
    stop_timeout: float = 60.0
    kill_timeout: float = 10.0
    jitter_fraction: float = 0.1
    max_jitter_seconds: float = 600.0
    batch_window: float = 1.0
    max_batch: int = 20
    max_children: int = 2
    threads: int = 64
    crawl_command: list[str] | None = None
    redis_url: str | None = None
    redis_prefix: str = "monitor"
    redis_poll_seconds: float = 0.5
    redis_job_ttl: int = 24 * 3600
    backfill: int = 200
    verify_seconds: float = 24 * 3600.0


def job_id(account_id: int) -> str:
    """The id of the scheduler job of an account."""
    return f"{JOB_PREFIX}{account_id}"


def account_id_of(job: str) -> int | None:
    """The account id of a scheduler job id, or None for another job."""
    if not job.startswith(JOB_PREFIX):
        return None
    try:
        return int(job[len(JOB_PREFIX) :])
    except ValueError:
        return None


def jitter_for(interval_seconds: int, config: SchedulerConfig) -> float:
    """The jitter added to each run of an account: a fraction of its interval, capped."""
    return max(0.0, min(interval_seconds * config.jitter_fraction, config.max_jitter_seconds))


def crawl_command(explicit: Sequence[str] | None = None) -> list[str]:
    """The command a crawl batch runs, before ``--platform P URL...`` is appended.

    ``explicit``, else ``MONITOR_CRAWL_COMMAND`` (split like a shell line), else
    ``python -m monitor crawl --no-save --quiet --json``. The child finds the database in
    ``MONITOR_DATABASE_URL``, never on its command line (where ``ps`` would show a password).
    """
    if explicit:
        return list(explicit)
    configured = os.environ.get(CRAWL_COMMAND_ENV, "").strip()
    if configured:
        return shlex.split(configured)
    return [sys.executable, "-m", "monitor", "crawl", "--no-save", "--quiet", "--json"]


def iso(value: datetime | None) -> str | None:
    """ISO 8601 UTC with ``Z``, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- the single-scheduler lock -------------------------------------------------------------


def _sqlite_lock_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(f"{parsed.database}.scheduler-lock")


class SchedulerLock:
    """Held by the one running scheduler of a database, for as long as it runs."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._handle: IO[str] | None = None
        self._engine: Engine | None = None
        self._connection: Connection | None = None

    def acquire(self, attempts: int = 5, pause: float = 0.2) -> None:
        """Take the lock or raise SchedulerLocked (a few tries: ``monitor status`` peeks at it)."""
        for attempt in range(attempts):
            if self._try_acquire():
                return
            if attempt + 1 < attempts:
                time.sleep(pause)
        holder = self._holder()
        raise SchedulerLocked(
            f"another `monitor run`{holder} is already scheduling crawls on "
            f"{safe_url(self.url)}; only one scheduler may run per database"
        )

    def _try_acquire(self) -> bool:
        backend = make_url(self.url).get_backend_name()
        lock_path = _sqlite_lock_path(self.url)
        if lock_path is not None:
            handle = lock_path.open("a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            self._handle = handle
            return True
        if backend == "postgresql":
            engine = make_engine(self.url)
            connection = engine.connect()
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": POSTGRES_SCHEDULER_LOCK}
            ).scalar()
            connection.commit()  # session-level lock: it outlives the transaction
            if not got:
                connection.close()
                engine.dispose()
                return False
            self._engine, self._connection = engine, connection
            return True
        return True  # in-memory SQLite: no other process can share it

    def _holder(self) -> str:
        lock_path = _sqlite_lock_path(self.url)
        if lock_path is None:
            return ""
        with contextlib.suppress(OSError, ValueError):
            return f" (pid {int(lock_path.read_text().split()[0])})"
        return ""

    def release(self) -> None:
        """Give the lock up (closing the connection or file releases it too)."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": POSTGRES_SCHEDULER_LOCK}
                )
                self._connection.commit()
            self._connection.close()
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def scheduler_running(engine: Engine) -> bool:
    """Whether a ``monitor run`` currently holds the scheduler lock of this database."""
    url = engine.url.render_as_string(hide_password=False)
    lock_path = _sqlite_lock_path(url)
    if lock_path is not None:
        if not lock_path.exists():
            return False
        with lock_path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return bool(
                connection.execute(
                    text(
                        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                        "AND database = (SELECT oid FROM pg_database "
                        "WHERE datname = current_database()) "
                        "AND classid = 0 AND objid = :k AND objsubid = 1 AND granted)"
                    ),
                    {"k": POSTGRES_SCHEDULER_LOCK},
                ).scalar()
            )
    return False


def scheduled_next_runs(engine: Engine) -> dict[int, datetime | None]:
    """Next run time of every account job in the job store (None: paused)."""
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, next_run_time FROM {JOB_TABLE}")).all()
    runs: dict[int, datetime | None] = {}
    for job, next_run in rows:
        account = account_id_of(job)
        if account is not None:
            runs[account] = None if next_run is None else datetime.fromtimestamp(next_run, UTC)
    return runs


class QuietStopBackgroundScheduler(BackgroundScheduler):
    """APScheduler's background scheduler, minus a last round of job submissions on shutdown.

    APScheduler 3 wakes its thread once more after ``shutdown()`` and submits the jobs then due
    to the executor already shut down (logging an error per job and moving each job past the
    run it dropped). Only a running scheduler submits jobs here; due jobs stay due in the
    job store and run, coalesced, at the next start.
    """

    def _process_jobs(self) -> float | None:
        if self.state != STATE_RUNNING:
            return None
        return super()._process_jobs()  # type: ignore[no-any-return]


# --- the job callable ----------------------------------------------------------------------

_active: CrawlScheduler | None = None


def crawl_account_job(account_id: int) -> None:
    """The persistent job of an account: crawl it in the running scheduler and wait for it."""
    scheduler = _active
    if scheduler is None:
        log.warning("job for account %s ran outside `monitor run`; ignored", account_id)
        return
    scheduler.crawl_and_wait(account_id)


def verify_open_cases_job() -> None:
    """The daily job: re-check the posts of every reported case and record what is gone."""
    scheduler = _active
    if scheduler is None:
        log.warning("verify job ran outside `monitor run`; ignored")
        return
    scheduler.verify_open_cases()


# --- the scheduler -------------------------------------------------------------------------


@dataclass
class _Account:
    id: int
    platform: str
    url: str


@dataclass
class _Batch:
    platform: str
    accounts: list[_Account]
    started_at: datetime = field(default_factory=utcnow)
    process: subprocess.Popen[str] | None = None
    terminated: bool = False


class CrawlScheduler:
    """One scheduler per database: ``start()``, ``reconcile()`` now and then, ``stop()``."""

    def __init__(self, url: str, config: SchedulerConfig | None = None) -> None:
        self.url = url
        self.config = config or SchedulerConfig()
        self.command = crawl_command(self.config.crawl_command)
        self.engine = make_engine(url)
        self._lock = SchedulerLock(url)
        self._scheduler: QuietStopBackgroundScheduler | None = None
        self._cond = threading.Condition()
        self._pending: dict[int, threading.Event] = {}
        self._in_flight: dict[int, threading.Event] = {}
        self._batches: list[tuple[_Batch, threading.Thread]] = []
        self._slots = threading.BoundedSemaphore(max(1, self.config.max_children))
        self._stopping = threading.Event()
        self._escalate = threading.Event()
        self._dispatcher: threading.Thread | None = None
        self.crawls_started = 0
        self._jobs: Any = None
        if self.config.redis_url:
            from monitor.distributed.queue import JobQueue, connect

            self._jobs = JobQueue(
                connect(self.config.redis_url),
                self.config.redis_prefix,
                marker_ttl=self.config.redis_job_ttl,
            )

    # lifecycle

    def start(self) -> None:
        """Take the lock (SchedulerLocked if another scheduler runs), then start scheduling."""
        global _active
        try:
            if self._jobs is not None:
                self._jobs.client.ping()
            self._lock.acquire()
        except BaseException:
            self.engine.dispose()
            if self._jobs is not None:
                self._jobs.client.close()
            raise
        if _active is not None:
            self._lock.release()
            self.engine.dispose()
            raise SchedulerLocked("a scheduler already runs in this process")
        _active = self
        store = SQLAlchemyJobStore(engine=make_engine(self.url), tablename=JOB_TABLE)
        self._scheduler = QuietStopBackgroundScheduler(
            jobstores={"default": store},
            executors={"default": ThreadPoolExecutor(max_workers=self.config.threads)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )
        self._dispatcher = threading.Thread(
            target=self._dispatch, name="crawl-dispatcher", daemon=True
        )
        self._dispatcher.start()
        try:
            self._scheduler.start()
            self._schedule_verify()
            self.reconcile()
        except BaseException:
            self.stop()
            raise
        log.info("scheduler started on %s", safe_url(self.url))

    def request_escalation(self) -> None:
        """Stop waiting for running crawls: interrupt them now (a second Ctrl-C)."""
        self._escalate.set()

    def stop(self) -> None:
        """Stop scheduling; let running crawls finish (bounded), interrupt the rest; unlock."""
        global _active
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._scheduler is not None:
            self._scheduler.pause()
        with self._cond:
            for event in self._pending.values():
                event.set()
            self._pending.clear()
            self._cond.notify_all()
        running = self._running_batches()
        if running:
            urls = sum(len(b.accounts) for b, _ in running)
            log.info(
                "stopping: waiting up to %s for %d running crawl(s) of %d account(s) "
                "(Ctrl-C again to interrupt them)",
                _secs(self.config.stop_timeout),
                len(running),
                urls,
            )
        if not self._wait_batches(self.config.stop_timeout, watch_escalation=True):
            self._signal_children(signal.SIGTERM)
            if not self._wait_batches(self.config.kill_timeout):
                self._signal_children(signal.SIGKILL)
                self._wait_batches(None)
        if self._dispatcher is not None:
            self._dispatcher.join(timeout=5)
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
        _active = None
        self._lock.release()
        self.engine.dispose()
        if self._jobs is not None:
            self._jobs.client.close()
        log.info("scheduler stopped")

    def __enter__(self) -> CrawlScheduler:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # removal checks

    def _schedule_verify(self) -> None:
        """Keep one removal-check job at ``verify_seconds``; a restart keeps its next run."""
        assert self._scheduler is not None
        interval = timedelta(seconds=self.config.verify_seconds)
        job = self._scheduler.get_job(VERIFY_JOB)
        if job is not None and getattr(job.trigger, "interval", None) == interval:
            return
        first = utcnow() + timedelta(
            seconds=min(self.config.verify_seconds, VERIFY_FIRST_DELAY_SECONDS)
        )
        self._scheduler.add_job(
            verify_open_cases_job,
            trigger=IntervalTrigger(seconds=self.config.verify_seconds, start_date=first),
            id=VERIFY_JOB,
            name="removal checks of open takedown cases",
            replace_existing=True,
            next_run_time=first,
        )

    def verify_open_cases(self) -> None:
        """Check the open takedown cases now (what the daily job runs); never raises."""
        from monitor.verify import verify_cases

        try:
            results = verify_cases(self.engine, actor="scheduler")
        except Exception as exc:  # a failed check must not stop the scheduler
            log.error("removal checks failed: %s", exc)
            return
        gone = sum(1 for r in results if r.outcome == "gone")
        if results:
            log.info("removal checks: %d post(s) checked, %d gone", len(results), gone)

    # the watchlist -> jobs

    def reconcile(self) -> None:
        """Make the jobs match the active accounts: add new, reschedule changed, drop removed."""
        scheduler = self._scheduler
        if scheduler is None or self._stopping.is_set():
            return
        with session_factory(self.engine)() as session:
            accounts = list(
                session.scalars(
                    select(WatchedAccount)
                    .where(WatchedAccount.active.is_(True))
                    .order_by(WatchedAccount.id)
                )
            )
        wanted = {job_id(a.id): a for a in accounts}
        existing = {
            job.id: job for job in scheduler.get_jobs() if account_id_of(job.id) is not None
        }
        for stale in sorted(existing.keys() - wanted.keys()):
            with contextlib.suppress(JobLookupError):
                scheduler.remove_job(stale)
            log.info("unscheduled %s (%s)", existing[stale].name, "no longer watched or active")
        now = utcnow()
        for key, account in wanted.items():
            job = existing.get(key)
            interval = timedelta(seconds=account.interval_seconds)
            if job is not None and getattr(job.trigger, "interval", None) == interval:
                continue
            jitter = jitter_for(account.interval_seconds, self.config)
            first = self._first_run(account, jitter, now)
            trigger = IntervalTrigger(
                seconds=account.interval_seconds, start_date=first, jitter=jitter or None
            )
            scheduler.add_job(
                crawl_account_job,
                trigger=trigger,
                args=[account.id],
                id=key,
                name=account.url,
                replace_existing=True,
                next_run_time=first,
            )
            verb = "rescheduled" if job is not None else "scheduled"
            log.info(
                "%s %s every %s, next crawl %s",
                verb,
                account.url,
                _secs(account.interval_seconds),
                iso(first),
            )

    def _first_run(self, account: WatchedAccount, jitter: float, now: datetime) -> datetime:
        soonest = now + timedelta(seconds=random.uniform(0, min(jitter, FIRST_RUN_SPREAD_SECONDS)))
        if account.last_crawl_at is None:
            return soonest
        due = account.last_crawl_at + timedelta(
            seconds=account.interval_seconds + random.uniform(0, jitter)
        )
        return max(due, soonest)

    # jobs -> batches -> child processes

    def crawl_and_wait(self, account_id: int) -> None:
        """Queue the account for the next batch and wait until its crawl is over."""
        if self._jobs is not None:
            self._push_and_wait(account_id)
            return
        with self._cond:
            if self._stopping.is_set():
                return
            if account_id in self._in_flight:
                log.info("account %s is still being crawled; this run is skipped", account_id)
                return
            event = self._pending.setdefault(account_id, threading.Event())
            self._cond.notify_all()
        event.wait()

    def _push_and_wait(self, account_id: int) -> None:
        """Distributed mode: push one job for the account and wait until a worker is done
        with it (or the scheduler stops: the job stays queued for the workers)."""
        from monitor.distributed.queue import Job

        with self._cond:
            if self._stopping.is_set():
                return
            if account_id in self._in_flight:
                log.info("account %s is still being crawled; this run is skipped", account_id)
                return
            self._in_flight[account_id] = threading.Event()
        try:
            with session_factory(self.engine)() as session:
                account = session.get(WatchedAccount, account_id)
                if account is None or not account.active:
                    self._drop_job(account_id)
                    return
                job = Job(
                    account_id,
                    account.platform,
                    account.url,
                    dict(account.crawl_state or {}),
                    self.config.backfill,
                )
            if self._jobs.submit(job):
                self.crawls_started += 1
                log.info("queued %s (job %s)", job.url, job.id[:8])
                current: str | None = job.id
            else:
                current = self._jobs.job_of(account_id)
                log.info("%s already has a job in Redis; waiting for it", job.url)
            while current is not None and not self._stopping.is_set():
                if self._stopping.wait(self.config.redis_poll_seconds):
                    break
                if self._jobs.job_of(account_id) != current:
                    current = None
        except Exception as exc:
            log.warning(
                "could not queue a crawl of account %s (next run retries): %s", account_id, exc
            )
        finally:
            with self._cond:
                event = self._in_flight.pop(account_id, None)
                if event is not None:
                    event.set()

    def _dispatch(self) -> None:
        while not self._stopping.is_set():
            with self._cond:
                while not self._pending and not self._stopping.is_set():
                    self._cond.wait()
            if self._stopping.wait(self.config.batch_window):
                return
            while not self._slots.acquire(timeout=0.2):
                if self._stopping.is_set():
                    return
            try:
                batch = self._take_batch()
            except Exception:
                self._slots.release()
                log.exception("could not prepare a crawl batch")
                continue
            if batch is None:
                self._slots.release()
                continue
            thread = threading.Thread(
                target=self._run_batch, args=(batch,), name="crawl-batch", daemon=True
            )
            with self._cond:
                self._batches.append((batch, thread))
            thread.start()

    def _take_batch(self) -> _Batch | None:
        with self._cond:
            ids = list(self._pending)
        with session_factory(self.engine)() as session:
            rows = {
                a.id: a
                for a in session.scalars(select(WatchedAccount).where(WatchedAccount.id.in_(ids)))
            }
        chosen: list[_Account] = []
        platform = ""
        with self._cond:
            for account_id in ids:
                row = rows.get(account_id)
                if row is None or not row.active:
                    self._pending.pop(account_id).set()
                    self._drop_job(account_id)
                    continue
                if account_id in self._in_flight:  # cannot happen with max_instances=1
                    self._pending.pop(account_id).set()
                    continue
                if not platform:
                    platform = row.platform
                if row.platform != platform or len(chosen) >= self.config.max_batch:
                    continue
                chosen.append(_Account(row.id, row.platform, row.url))
                self._in_flight[account_id] = self._pending.pop(account_id)
            if self._pending:
                self._cond.notify_all()
        return _Batch(platform, chosen) if chosen else None

    def _drop_job(self, account_id: int) -> None:
        if self._scheduler is not None:
            with contextlib.suppress(JobLookupError):
                self._scheduler.remove_job(job_id(account_id))

    def _run_batch(self, batch: _Batch) -> None:
        try:
            self._crawl(batch)
        except Exception:
            log.exception("crawl batch of %s failed", ", ".join(a.url for a in batch.accounts))
        finally:
            with self._cond:
                for account in batch.accounts:
                    event = self._in_flight.pop(account.id, None)
                    if event is not None:
                        event.set()
                self._batches = [(b, t) for b, t in self._batches if b is not batch]
            self._slots.release()

    def _crawl(self, batch: _Batch) -> None:
        urls = [a.url for a in batch.accounts]
        command = [*self.command, "--platform", batch.platform, *urls]
        env = {**os.environ, "MONITOR_DATABASE_URL": self.url}
        log.info("crawling %s", ", ".join(urls))
        batch.started_at = utcnow()
        started = time.monotonic()
        with self._cond:
            if self._stopping.is_set():
                return
            # A session of its own: Ctrl-C in the terminal reaches only the scheduler,
            # which decides whether the crawl finishes or is interrupted.
            batch.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                text=True,
                start_new_session=True,
            )
            self.crawls_started += 1
        stdout, stderr = batch.process.communicate()
        code = batch.process.returncode
        elapsed = time.monotonic() - started
        self._settle_runs(batch, code, stderr)
        self._log_outcomes(batch, code, stdout, stderr, elapsed)

    def _settle_runs(self, batch: _Batch, code: int, stderr: str) -> None:
        """Record crawls the child left unfinished: interrupted if stopped, else an error."""
        if code == 0 and not batch.terminated:
            outcome, error = "error", "crawl process ended without finishing this crawl"
        elif batch.terminated:
            outcome, error = "interrupted", "stopped with the scheduler"
        else:
            outcome, error = "error", _failure(code, stderr)
        now = utcnow()
        ids = [a.id for a in batch.accounts]
        with self.engine.begin() as connection:
            runs = connection.execute(
                select(CrawlRun.account_id, CrawlRun.id, CrawlRun.outcome).where(
                    CrawlRun.account_id.in_(ids), CrawlRun.started_at >= batch.started_at
                )
            ).all()
            seen = {r.account_id for r in runs}
            left_running = [r.id for r in runs if r.outcome == "running"]
            if left_running:
                connection.execute(
                    update(CrawlRun)
                    .where(CrawlRun.id.in_(left_running))
                    .values(outcome=outcome, finished_at=now, error=error[:4000])
                )
            if code == 0 and not batch.terminated:
                return
            missing = [i for i in ids if i not in seen]
            for account_id in missing:
                connection.execute(
                    CrawlRun.__table__.insert().values(
                        account_id=account_id,
                        started_at=batch.started_at,
                        finished_at=now,
                        outcome=outcome,
                        error=error[:4000],
                    )
                )
            if outcome == "error" and missing:
                connection.execute(
                    update(WatchedAccount)
                    .where(WatchedAccount.id.in_(missing))
                    .values(last_error=error[:4000], last_error_at=now)
                )

    def _log_outcomes(
        self, batch: _Batch, code: int, stdout: str, stderr: str, elapsed: float
    ) -> None:
        summaries: dict[str, dict[str, Any]] = {}
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            for crawl in json.loads(stdout).get("crawls", []):
                summaries[crawl["url"]] = crawl
        ids = [a.id for a in batch.accounts]
        with self.engine.connect() as connection:
            runs = connection.execute(
                select(CrawlRun)
                .where(CrawlRun.account_id.in_(ids), CrawlRun.started_at >= batch.started_at)
                .order_by(CrawlRun.id)
            ).all()
        last_run = {r.account_id: r for r in runs}
        for account in batch.accounts:
            run = last_run.get(account.id)
            summary = summaries.get(account.url)
            if run is not None:
                outcome = run.outcome
                counts = (
                    f"{run.posts_seen} post(s), {run.new_posts} new, {run.flagged} flagged, "
                    f"{run.requests} request(s)"
                )
                error = run.error
            elif summary is not None:
                outcome = summary.get("state", "ok")
                counts = (
                    f"{summary.get('posts_seen', 0)} post(s), {summary.get('new_posts', 0)} new, "
                    f"{summary.get('flagged', 0)} flagged"
                )
                error = summary.get("error", "")
            else:
                outcome = "ok" if code == 0 else "error"
                counts = "no crawl recorded"
                error = "" if code == 0 else _failure(code, stderr)
            level = logging.INFO if outcome == "ok" else logging.WARNING
            detail = f": {error.splitlines()[0][:200]}" if error else ""
            log.log(
                level,
                "crawled %s: %s, %s in %.1fs%s",
                account.url,
                outcome,
                counts,
                elapsed,
                detail,
            )

    # stopping

    def _running_batches(self) -> list[tuple[_Batch, threading.Thread]]:
        with self._cond:
            return list(self._batches)

    def _wait_batches(self, timeout: float | None, *, watch_escalation: bool = False) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            running = [t for _, t in self._running_batches() if t.is_alive()]
            if not running:
                return True
            if watch_escalation and self._escalate.is_set():
                return False
            if deadline is not None and time.monotonic() >= deadline:
                return False
            running[0].join(timeout=0.1)

    def _signal_children(self, signum: int) -> None:
        name = signal.Signals(signum).name
        for batch, _ in self._running_batches():
            process = batch.process
            if process is None or process.poll() is not None:
                continue
            batch.terminated = True
            log.info(
                "interrupting the crawl of %s (%s)",
                ", ".join(a.url for a in batch.accounts),
                name,
            )
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signum)


def _failure(code: int, stderr: str) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"crawl process killed by {signal.Signals(-code).name}"
    tail = stderr.strip()[-STDERR_TAIL_CHARS:]
    last = tail.splitlines()[-1] if tail else ""
    return f"crawl process exited with status {code}" + (f": {last}" if last else "")


def _secs(seconds: float) -> str:
    seconds = float(seconds)
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        if minutes % 1440 == 0:
            return f"{minutes // 1440}d"
        if minutes % 60 == 0:
            return f"{minutes // 60}h"
        return f"{minutes}m"
    return f"{seconds:g}s"


def run_forever(
    url: str, config: SchedulerConfig, stop_signals: Sequence[int] = (signal.SIGINT, signal.SIGTERM)
) -> CrawlScheduler:
    """Run a scheduler until SIGINT/SIGTERM (main thread only); the second signal escalates."""
    runner = CrawlScheduler(url, config)
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        if stop.is_set():
            runner.request_escalation()
            return
        log.info("received %s: stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in stop_signals}
    try:
        runner.start()
        try:
            while not stop.wait(config.reconcile_seconds):
                try:
                    runner.reconcile()
                except Exception as exc:
                    log.warning("could not read the watchlist (will retry): %s", exc)
        finally:
            runner.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return runner
