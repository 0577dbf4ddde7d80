"""``monitor demo``: the whole product on synthetic data, with no account, key or internet.

The bundled replay server (``monitor.replay``) plays Mastodon, Bluesky, Telegram, a feed, a web
page and the Internet Archive on a loopback port; the demo watches a few of its synthetic
accounts in a fresh SQLite database, crawls them with the real spiders and pipelines, and
writes an HTML report and a JSONL export.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select

from monitor.crawl import CrawlJob, CrawlOutcome, Progress, crawl_settings, run_crawls
from monitor.exports import ExportRequest, run_export
from monitor.replay import MockServer
from storage.db import open_database, session_factory
from storage.models import Finding, PostVersion, StoredPost
from storage.watchlist import NewAccount, add_accounts, list_accounts, remove_account

PREFERRED_PORT = 8766
PORT_FILE = "replay-port"


@dataclass
class DemoResult:
    """What the demo did, for its summary."""

    folder: Path
    database_url: str
    outcomes: list[CrawlOutcome]
    accounts: list[tuple[str, str, str, int, int]]  # platform, url, state, posts, flagged
    kinds: Counter[str] = field(default_factory=Counter)
    severities: Counter[str] = field(default_factory=Counter)
    exports: dict[str, Path] = field(default_factory=dict)


def demo_accounts(base: str) -> list[NewAccount]:
    """The synthetic accounts the demo watches on the replay server at ``base``."""
    return [
        NewAccount("mastodon", f"{base}/@leaky", "@leaky", "demo: Mastodon leaker"),
        NewAccount("mastodon", f"{base}/@suspended", "@suspended", "demo: suspended, archived"),
        NewAccount(
            "bluesky", "https://bsky.app/profile/leaky.bsky.test", "leaky.bsky.test", "demo"
        ),
        NewAccount("telegram", "https://t.me/leakychan", "leakychan", "demo: Telegram channel"),
        NewAccount("feed", f"{base}/feeds/leaky.xml", f"{base}/feeds/leaky.xml", "demo: feed"),
    ]


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _replay_port(folder: Path) -> int:
    """The port of the last run (so account URLs stay the same), else a fixed one, else any."""
    saved = folder / PORT_FILE
    candidates = [int(saved.read_text())] if saved.exists() else []
    candidates.append(PREFERRED_PORT)
    return next((port for port in candidates if _port_is_free(port)), 0)


def prepare_folder(folder: Path, fresh: bool) -> None:
    """Create the demo folder; ``fresh`` removes what an earlier run left there."""
    if fresh and folder.exists():
        for name in ("monitor.db", "monitor.db-wal", "monitor.db-shm", PORT_FILE):
            (folder / name).unlink(missing_ok=True)
        shutil.rmtree(folder / "exports", ignore_errors=True)
    (folder / "exports").mkdir(parents=True, exist_ok=True)


def _forget_other_ports(engine: Engine, base: str) -> None:
    """Replay-server accounts of an earlier run on another port are replaced by this run's."""
    with session_factory(engine)() as session:
        stale = [
            a.url
            for a in list_accounts(session)
            if a.url.startswith("http://127.0.0.1:") and not a.url.startswith(base + "/")
        ]
    for url in stale:
        remove_account(engine, url)


def _jobs(engine: Engine) -> list[CrawlJob]:
    with session_factory(engine)() as session:
        return [
            CrawlJob(a.platform, a.url, dict(a.crawl_state or {}), backfill=200)
            for a in list_accounts(session, active_only=True)
        ]


def _tally(engine: Engine, result: DemoResult) -> None:
    with session_factory(engine)() as session:
        for account in list_accounts(session):
            posts = session.scalars(
                select(StoredPost.severity).where(StoredPost.account_id == account.id)
            ).all()
            flagged = [s for s in posts if s is not None]
            result.accounts.append(
                (account.platform, account.url, account.state, len(posts), len(flagged))
            )
            result.severities.update(flagged)
        kinds = session.execute(
            select(StoredPost.id, Finding.kind)
            .join(PostVersion, PostVersion.post_id == StoredPost.id)
            .join(Finding, Finding.version_id == PostVersion.id)
            .where(StoredPost.severity.is_not(None))
            .distinct()
        )
        kinds = [kind for _post, kind in kinds]
        result.kinds.update(kinds)


def run_demo(folder: Path, fresh: bool = False, progress: Progress | None = None) -> DemoResult:
    """Run the demo in ``folder``: replay server up, crawl, export, server down."""
    folder = folder.resolve()
    prepare_folder(folder, fresh)
    # The demo is its own deployment: its fingerprint key lives in its folder.
    os.environ.setdefault("MONITOR_CONFIG_DIR", str(folder))
    database_url = f"sqlite:///{folder / 'monitor.db'}"
    engine = open_database(database_url)
    try:
        with MockServer(port=_replay_port(folder)) as server:
            (folder / PORT_FILE).write_text(server.url.rsplit(":", 1)[1])
            _forget_other_ports(engine, server.url)
            add_accounts(engine, demo_accounts(server.url))
            settings = crawl_settings(
                database_url,
                BLUESKY_APPVIEW_URL=server.url,
                TELEGRAM_PREVIEW_URL=server.url,
                ARCHIVE_URL=server.url,
                MONITOR_ALLOWED_HOSTS=["127.0.0.1"],
                DOWNLOAD_DELAY=0,
                AUTOTHROTTLE_ENABLED=False,
                CONCURRENT_REQUESTS_PER_DOMAIN=8,
                DOWNLOAD_SLOTS={},
                MONITOR_RETRY_AFTER_MAX=2,
            )
            outcomes = run_crawls(_jobs(engine), settings, progress)
        result = DemoResult(folder, database_url, outcomes, [])
        _tally(engine, result)
        for fmt, name in (("html", "report.html"), ("jsonl", "flagged.jsonl")):
            path = folder / "exports" / name
            run_export(engine, ExportRequest(format=fmt, path=path, actor="demo"))
            result.exports[fmt] = path
        return result
    finally:
        engine.dispose()
