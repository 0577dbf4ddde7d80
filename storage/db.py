"""Engine and session setup, and automatic schema upgrades through Alembic."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DATABASE_URL = "sqlite:///monitor.db"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Any constant works: it only has to be the same in every process of the tool.
POSTGRES_MIGRATION_LOCK = 0x6D6F6E69


class DatabaseUnavailable(Exception):
    """The database cannot be reached or opened; the message never shows a password."""


def database_url(explicit: str | None = None) -> str:
    """The URL to use: ``--db``, else ``MONITOR_DATABASE_URL``, else ``sqlite:///monitor.db``."""
    url = explicit or os.environ.get("MONITOR_DATABASE_URL") or DEFAULT_DATABASE_URL
    return normalise_url(url)


def normalise_url(url: str) -> str:
    """Route plain ``postgresql://`` URLs through psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def safe_url(url: str | URL) -> str:
    """The URL with its password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def _configure_sqlite(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # WAL is a property of the file: set it only when the file is not in WAL yet. Setting it
    # on every connection made a fresh connection (which does not know the mode before its
    # first read) try a write, and a process opening the database while others wrote could
    # fail with "database is locked" despite the busy timeout.
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL mode, a busy timeout and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, future=True
        )
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(parsed, pool_pre_ping=True, future=True)


def alembic_config() -> Config:
    """Alembic configuration pointing at the bundled migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    """The newest migration shipped with this version of the tool."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise schema upgrades between processes that open the same database."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        lock_path = Path(f"{url.database}.migrate-lock")
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    elif url.get_backend_name() == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": POSTGRES_MIGRATION_LOCK})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": POSTGRES_MIGRATION_LOCK}
                )
                connection.commit()
    else:
        yield


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision`` (idempotent, safe across processes)."""
    with _migration_lock(engine):
        if revision == "head" and current_revision(engine) == head_revision():
            return
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


def open_database(url: str | None = None, *, migrate: bool = True) -> Engine:
    """Connect to the database, check that it answers, and bring its schema to head."""
    resolved = database_url(url)
    try:
        engine = make_engine(resolved)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        if migrate:
            upgrade(engine)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot open database {safe_url(resolved)}: {reason}") from exc
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine`` that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@dataclass
class _Shared:
    engine: Engine
    users: int = 0


_shared: dict[str, _Shared] = {}
_shared_lock = threading.Lock()


def acquire_engine(url: str | None = None) -> Engine:
    """The process's engine for ``url``, shared by every crawl of this process.

    The first call opens the database as ``open_database`` does (connection check and schema
    upgrade); later calls, while it is in use, return the same engine without either, so an
    account crawl that starts while others run costs no new engine, no new connections and no
    Alembic revision check. Pair every call with ``release_engine``: when the last user
    releases it, the engine is disposed (its connections closed) and forgotten, so a process
    that stays up between crawls (``monitor worker``) holds no connection and checks the schema
    again on its next crawl.
    """
    resolved = database_url(url)
    with _shared_lock:
        shared = _shared.get(resolved)
        if shared is None:
            shared = _Shared(open_database(resolved))
            _shared[resolved] = shared
        shared.users += 1
        return shared.engine


def release_engine(engine: Engine) -> None:
    """One user of an ``acquire_engine`` engine is done; the last one closes its connections."""
    with _shared_lock:
        for url, shared in _shared.items():
            if shared.engine is engine:
                shared.users -= 1
                if shared.users > 0:
                    return
                del _shared[url]
                break
    engine.dispose()
