"""monitor flagged / monitor review through the CLI runner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from monitor.cli import cli
from storage.db import open_database
from tests.takedown.seed import seed


@pytest.fixture
def seeded(db_url):
    engine = open_database(db_url)
    data = seed(engine)
    yield db_url, engine, data
    engine.dispose()


def run(db_url: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--db", db_url, *args], env={"MONITOR_ACTOR": "alice"})
    assert result.exit_code == code, result.output
    return result.output


def flagged_json(db_url: str, *args: str) -> list[dict]:
    return [json.loads(line) for line in run(db_url, "flagged", "--json", *args).splitlines()]


def test_flagged_lists_newest_first_masked(seeded):
    db_url, _, data = seeded
    posts = flagged_json(db_url)
    assert [p["platform"] for p in posts] == ["mastodon"] * 3 + ["bluesky", "telegram"]
    assert [p["posted_at"] for p in posts] == sorted((p["posted_at"] for p in posts), reverse=True)
    assert all(p["status"] == "flagged" and p["severity"] and p["kinds"] for p in posts)
    assert all(p["posted_at"].endswith("Z") for p in posts)
    table = run(db_url, "flagged")
    for output in (json.dumps(posts, ensure_ascii=False), table):
        for secret in data.secrets:
            assert secret not in output
    assert len(flagged_json(db_url, "--platform", "telegram")) == 1
    assert len(flagged_json(db_url, "--account", data.rows["mastodon"][0].account_url)) == 3
    assert len(flagged_json(db_url, "--since", "2026-11-01T11:30:00Z")) == 3
    kind = posts[-1]["kinds"][0]
    assert all(kind in p["kinds"] for p in flagged_json(db_url, "--kind", kind))
    run(db_url, "flagged", "--since", "yesterday-ish", code=2)


def test_review_confirm_dismiss_and_history(seeded):
    db_url, engine, data = seeded
    first, second = flagged_json(db_url)[:2]
    assert "flagged -> confirmed" in run(db_url, "review", str(first["id"]), "--confirm")
    out = run(db_url, "review", second["url"], "--dismiss", "--note", "a shop's phone number")
    assert "flagged -> dismissed" in out
    assert [p["id"] for p in flagged_json(db_url, "--status", "confirmed")] == [first["id"]]
    assert [p["id"] for p in flagged_json(db_url, "--status", "dismissed")] == [second["id"]]
    # a person may change their mind; the history keeps both decisions
    run(db_url, "review", f"mastodon:{second['post_id']}", "--confirm")
    assert {p["id"] for p in flagged_json(db_url, "--status", "confirmed")} == {
        first["id"],
        second["id"],
    }
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT status, actor, note FROM review_events WHERE post_id = :p ORDER BY id"),
            {"p": second["id"]},
        ).all()
    assert [tuple(r) for r in rows] == [
        ("dismissed", "alice", "a shop's phone number"),
        ("confirmed", "alice", ""),
    ]
    run(db_url, "review", str(first["id"]), code=2)  # neither --confirm nor --dismiss
    run(db_url, "review", "999999", "--confirm", code=2)
    clean = data.rows["mastodon"][0].url.rsplit("/", 1)[0] + "/110000000000000099"
    assert "not flagged" in run(db_url, "review", clean, "--confirm", code=2)


def test_review_events_are_append_only(seeded):
    db_url, engine, _ = seeded
    post = flagged_json(db_url)[0]
    run(db_url, "review", str(post["id"]), "--confirm")
    for statement in ("UPDATE review_events SET status = 'dismissed'", "DELETE FROM review_events"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert flagged_json(db_url, "--status", "confirmed")[0]["id"] == post["id"]
