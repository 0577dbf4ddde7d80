import subprocess
import sys
import textwrap

from sqlalchemy import inspect

from storage.db import (
    current_revision,
    head_revision,
    make_engine,
    open_database,
    session_factory,
    upgrade,
)
from storage.watchlist import NewAccount, add_accounts, list_accounts


def test_migrations_from_empty_to_head_and_back(db_url):
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"watched_accounts", "crawl_runs", "alembic_version"} <= tables
    upgrade(engine)  # idempotent
    from alembic import command

    from storage.db import alembic_config

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert "watched_accounts" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_timestamps_come_back_timezone_aware(db_url):
    engine = open_database(db_url)
    add_accounts(engine, [NewAccount("page", "https://example.org/a", "https://example.org/a")])
    with session_factory(engine)() as session:
        (account,) = list_accounts(session)
    assert account.created_at.utcoffset() is not None
    assert account.created_at.utcoffset().total_seconds() == 0
    engine.dispose()


def test_sqlite_runs_in_wal_mode(sqlite_url):
    engine = open_database(sqlite_url)
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert mode == "wal"
    assert timeout >= 5000
    engine.dispose()


ADD_SAME_ACCOUNT = textwrap.dedent(
    """
    import sys, time
    from storage.db import open_database
    from storage.watchlist import NewAccount, add_accounts
    url, start = sys.argv[1], float(sys.argv[2])
    engine = open_database(url)
    time.sleep(max(0.0, start - time.time()))
    print(add_accounts(engine, [NewAccount("telegram", "https://t.me/samechannel", "samechannel")]))
    """
)


def test_processes_adding_the_same_account_at_once_leave_one_row(db_url):
    import time

    start = time.time() + 3.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ADD_SAME_ACCOUNT, db_url, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert sorted(int(out.strip()) for out, _ in outputs) == [0, 0, 0, 1]
    engine = open_database(db_url)
    with session_factory(engine)() as session:
        accounts = list_accounts(session)
    assert [a.url for a in accounts] == ["https://t.me/samechannel"]
    engine.dispose()
