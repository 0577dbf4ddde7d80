"""Helpers for scheduler tests: a stand-in crawl command, its log, and `monitor run` processes."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from monitor.scheduler import SchedulerConfig
from storage.db import open_database
from storage.watchlist import NewAccount, add_accounts

REPO = Path(__file__).resolve().parents[2]
FAKE_CRAWL = Path(__file__).with_name("fake_crawl.py")
FAKE_COMMAND = [sys.executable, str(FAKE_CRAWL)]


def wait_for(condition: Callable[[], object], timeout: float = 10.0, step: float = 0.05) -> object:
    """Poll ``condition`` until it is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout}s")
        time.sleep(step)


@dataclass
class CrawlLog:
    """What the stand-in crawl command was asked to do, and when."""

    path: Path

    def events(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line]

    def starts(self, url: str | None = None) -> list[dict]:
        return [
            e for e in self.events() if e["event"] == "start" and (url is None or url in e["urls"])
        ]

    def spans(self, url: str) -> list[tuple[float, float]]:
        """(start, end) of every crawl that included ``url``; end is inf while running."""
        ends = {e["pid"]: e["t"] for e in self.events() if e["event"] == "end"}
        return [(e["t"], ends.get(e["pid"], float("inf"))) for e in self.starts(url)]


@pytest.fixture
def crawl_log(tmp_path, monkeypatch) -> CrawlLog:
    """The stand-in crawl command's log; the environment children inherit points at it."""
    path = tmp_path / "crawls.jsonl"
    monkeypatch.setenv("FAKE_CRAWL_LOG", str(path))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    )
    monkeypatch.delenv("FAKE_CRAWL_SLEEP", raising=False)
    monkeypatch.delenv("FAKE_CRAWL_EXIT", raising=False)
    monkeypatch.delenv("FAKE_CRAWL_IGNORE_TERM", raising=False)
    return CrawlLog(path)


def fast_config(**overrides: object) -> SchedulerConfig:
    """Scheduler settings for tests: quick reconcile, batching and stops; the fake crawl."""
    values: dict[str, object] = {
        "reconcile_seconds": 0.2,
        "stop_timeout": 10.0,
        "kill_timeout": 2.0,
        "batch_window": 0.1,
        "crawl_command": FAKE_COMMAND,
    }
    values.update(overrides)
    return SchedulerConfig(**values)  # type: ignore[arg-type]


def watch(url: str, *accounts: NewAccount) -> None:
    """Add accounts to the watchlist of the database at ``url`` (creating its schema)."""
    engine = open_database(url)
    try:
        add_accounts(engine, list(accounts))
    finally:
        engine.dispose()


def telegram(name: str, every: int) -> NewAccount:
    return NewAccount("telegram", f"https://t.me/{name}", name, interval_seconds=every)


@dataclass
class RunProcess:
    """A real `monitor run` child process, with its stderr in a file."""

    process: subprocess.Popen[bytes]
    stderr_path: Path
    _handles: list = field(default_factory=list)

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def wait_started(self, timeout: float = 20.0) -> None:
        def started() -> bool:
            if self.process.poll() is not None:
                pytest.fail(
                    f"monitor run exited early ({self.process.returncode}):\n{self.stderr()}"
                )
            return "scheduler started" in self.stderr()

        wait_for(started, timeout)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)


@pytest.fixture
def start_run(tmp_path, crawl_log) -> Iterator[Callable[..., RunProcess]]:
    """Start `python -m monitor --db URL run ...` with the fake crawl; killed at teardown."""
    started: list[RunProcess] = []

    def start(db_url: str, *args: str) -> RunProcess:
        index = len(started)
        stderr_path = tmp_path / f"run-{index}.log"
        out = (tmp_path / f"run-{index}.out").open("wb")
        err = stderr_path.open("wb")
        command = [
            sys.executable, "-m", "monitor", "--db", db_url, "run",
            "--reconcile-every", "0.2", "--batch-window", "0.1", "--kill-timeout", "2",
            *args,
        ]  # fmt: skip
        env = {**os.environ, "MONITOR_CRAWL_COMMAND": shlex.join(FAKE_COMMAND)}
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=REPO)
        run = RunProcess(process, stderr_path, [out, err])
        started.append(run)
        return run

    yield start
    for run in started:
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait(timeout=10)
        for handle in run._handles:
            handle.close()
