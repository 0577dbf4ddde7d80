"""Takedown cases through the CLI: create, mark, submit to a Mastodon-shaped server, verify,
and reappearance linking; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.verify import verify_cases
from storage.db import open_database
from storage.posts import save_posts
from storage.takedown import link_reappearances
from tests.takedown.seed import MASTODON_ACCOUNT_ID, seed
from tests.takedown.server import TOKEN, PlatformServer


@pytest.fixture
def server():
    with PlatformServer() as s:
        yield s


@pytest.fixture
def seeded(db_url, server):
    engine = open_database(db_url)
    data = seed(engine, server.base)
    yield db_url, engine, data
    engine.dispose()


def run(db_url: str, *args: str, code: int = 0, env: dict | None = None) -> str:
    env = {"MONITOR_ACTOR": "bob", **(env or {})}
    result = CliRunner().invoke(cli, ["--db", db_url, *args], env=env)
    assert result.exit_code == code, result.output
    return result.output


def flagged(db_url: str, *args: str) -> list[dict]:
    return [json.loads(x) for x in run(db_url, "flagged", "--json", *args).splitlines()]


def cases(db_url: str) -> dict[int, dict]:
    rows = [json.loads(x) for x in run(db_url, "takedown", "list", "--json").splitlines()]
    return {c["id"]: c for c in rows}


def confirm_all(db_url: str, platform: str) -> list[dict]:
    posts = flagged(db_url, "--platform", platform)
    for p in posts:
        run(db_url, "review", str(p["id"]), "--confirm")
    return posts


def test_create_needs_confirmed_posts_of_one_platform(seeded):
    db_url, _, _ = seeded
    mastodon = flagged(db_url, "--platform", "mastodon")
    out = run(db_url, "takedown", "create", str(mastodon[0]["id"]), code=2)
    assert "review them first" in out
    confirm_all(db_url, "mastodon")
    telegram = confirm_all(db_url, "telegram")
    out = run(db_url, "takedown", "create", str(mastodon[0]["id"]), str(telegram[0]["id"]), code=2)
    assert "one platform" in out
    out = run(db_url, "takedown", "create", *[p["url"] for p in mastodon], "--title", "leaky")
    assert out.startswith("case 1:")
    assert cases(db_url)[1]["status"] == "confirmed"
    assert "already in open case 1" in run(
        db_url, "takedown", "create", str(mastodon[0]["id"]), code=2
    )
    # a dismissed post leaves the queue: it cannot go into a case
    run(db_url, "review", str(telegram[0]["id"]), "--dismiss")
    run(db_url, "takedown", "create", str(telegram[0]["id"]), code=2)


def test_mark_follows_the_lifecycle(seeded):
    db_url, _, _ = seeded
    posts = confirm_all(db_url, "telegram")
    run(db_url, "takedown", "create", str(posts[0]["id"]))
    assert "can become removed only from" in run(db_url, "takedown", "mark", "1", "removed", code=2)
    run(db_url, "takedown", "mark", "1", "reported", "--reference", "abuse-ticket-7")
    run(db_url, "takedown", "mark", "1", "rejected", "--note", "not against the rules")
    run(db_url, "takedown", "mark", "1", "reported", "--note", "appeal")
    run(db_url, "takedown", "mark", "1", "removed")
    case = cases(db_url)[1]
    assert (case["status"], case["reference"]) == ("removed", "abuse-ticket-7")
    assert flagged(db_url, "--status", "removed")[0]["id"] == posts[0]["id"]
    history = run(db_url, "takedown", "show", "1")
    for word in ("case_created", "reported", "rejected", "(appeal)", "removed", "bob"):
        assert word in history
    run(db_url, "takedown", "mark", "7", "reported", code=2)
    run(db_url, "takedown", "mark", "1", "verified_gone", code=2)


def test_submit_files_a_mastodon_report(seeded, server):
    db_url, _, data = seeded
    posts = confirm_all(db_url, "mastodon")
    run(db_url, "takedown", "create", *[str(p["id"]) for p in posts])
    out = run(db_url, "takedown", "submit", "1", "--mastodon-token", "wrong", code=1)
    assert "401" in out and "invalid" in out
    assert cases(db_url)[1]["status"] == "confirmed"
    # answers that are not a Report: nothing recorded, a clear error
    for answer in [(200, {"id": None}), (200, {"id": ""}), (422, ["not", "an", "object"])]:
        server.state.report_answer = answer
        out = run(db_url, "takedown", "submit", "1", "--mastodon-token", TOKEN, code=1)
        assert "no report id" in out or "answered 422" in out
        assert cases(db_url)[1]["status"] == "confirmed"
    server.state.report_answer = None
    out = run(db_url, "takedown", "submit", "1", "--mastodon-token", TOKEN)
    assert "Mastodon report 48914" in out
    assert len(server.state.reports) == 1
    report = server.state.reports[0]
    form = report["form"]
    assert report["content_type"] == "application/x-www-form-urlencoded"
    assert form["account_id"] == [MASTODON_ACCOUNT_ID]
    assert sorted(form["status_ids[]"]) == sorted(p["post_id"] for p in posts)
    assert form["category"] == ["other"] and form["forward"] == ["true"]
    comment = form["comment"][0]
    assert len(comment) <= 1000 and "Doxxing" in comment
    assert not any(secret in comment for secret in data.secrets)
    case = cases(db_url)[1]
    assert (case["status"], case["reference"]) == ("reported", "48914")
    assert {p["status"] for p in flagged(db_url, "--platform", "mastodon")} == {"reported"}
    assert TOKEN not in run(db_url, "takedown", "show", "1")
    # submitting again files no second report on the same posts
    out = run(db_url, "takedown", "submit", "1", "--mastodon-token", TOKEN, code=1)
    assert "already reported" in out and len(server.state.reports) == 1
    assert all(host == "127.0.0.1" for host in [server.server_address[0]])
    run(db_url, "takedown", "submit", "9", "--mastodon-token", TOKEN, code=2)


def test_verify_records_gone_and_still_online(seeded, server):
    db_url, engine, data = seeded
    env = {
        "MONITOR_BLUESKY_APPVIEW_URL": server.base,
        "MONITOR_TELEGRAM_PREVIEW_URL": server.base,
    }
    ids = {}
    for platform in ("mastodon", "bluesky", "telegram"):
        posts = confirm_all(db_url, platform)
        out = run(db_url, "takedown", "create", *[str(p["id"]) for p in posts])
        ids[platform] = int(out.split()[1].rstrip(":"))
        run(db_url, "takedown", "mark", str(ids[platform]), "reported")
    run(db_url, "verify", code=2)
    mastodon_rows = data.rows["mastodon"]
    server.state.deleted.add(mastodon_rows[0].post_id)
    server.state.errors.add(mastodon_rows[1].post_id)
    server.state.deleted.add(data.rows["bluesky"][0].post_id)
    server.state.deleted.add("leakchannel/100")
    lines = run(db_url, "verify", "--all-reported", "--json", env=env).splitlines()
    results = {(r["case_id"], r["post_id"]): r for r in map(json.loads, lines)}
    outcomes = sorted(r["outcome"] for r in results.values())
    assert outcomes == ["gone", "gone", "gone", "online", "unknown"]
    statuses = cases(db_url)
    assert statuses[ids["bluesky"]]["status"] == "verified_gone"
    assert statuses[ids["telegram"]]["status"] == "verified_gone"
    assert statuses[ids["mastodon"]]["status"] == "reported"  # one gone, one error, one online
    assert all(r["checked_at"].endswith("Z") for r in results.values())
    # the daily job checks what is still open: only the Mastodon case, only its pending posts
    server.state.errors.clear()
    server.state.deleted.update(r.post_id for r in mastodon_rows)
    checked = verify_cases(engine, actor="scheduler")
    assert {r.case_id for r in checked} == {ids["mastodon"]}
    assert len(checked) == 2 and all(r.outcome == "gone" for r in checked)
    assert cases(db_url)[ids["mastodon"]]["status"] == "verified_gone"
    assert verify_cases(engine, actor="scheduler") == []
    gets = [path for method, path in server.state.requests if method == "GET"]
    assert any(p.startswith("/xrpc/app.bsky.feed.getPosts?uris=at") for p in gets)
    assert any(p.startswith("/leakchannel/100?embed=1") for p in gets)


def test_verify_refuses_a_case_not_reported_yet(seeded):
    db_url, _, _ = seeded
    posts = confirm_all(db_url, "mastodon")
    out = run(db_url, "takedown", "create", *[str(p["id"]) for p in posts])
    case_id = int(out.split()[1].rstrip(":"))
    out = run(db_url, "verify", "--case", str(case_id), code=2)
    assert "confirmed: report it before checking" in out
    assert cases(db_url)[case_id]["status"] == "confirmed"


def test_verify_cannot_tell_from_a_redirect_off_host_or_a_huge_answer(seeded, server):
    db_url, engine, data = seeded
    posts = confirm_all(db_url, "mastodon")
    out = run(db_url, "takedown", "create", *[str(p["id"]) for p in posts])
    case_id = int(out.split()[1].rstrip(":"))
    run(db_url, "takedown", "mark", str(case_id), "reported")
    moved, huge, small = (row.post_id for row in data.rows["mastodon"][:3])
    other_host = server.base.replace("127.0.0.1", "localhost")
    server.state.redirects[moved] = f"{other_host}/api/v1/statuses/moved-{moved}"
    server.state.huge.update({huge, small})
    server.state.deleted.add(small)  # huge wins: answered with a big body anyway
    results = {r.url_checked.rsplit("/", 1)[1]: r for r in verify_cases(engine)}
    assert (results[moved].outcome, results[moved].reason) == (
        "unknown",
        "an API check was redirected",
    )
    assert not any("moved-" in path for _method, path in server.state.requests)  # not followed
    assert results[huge].outcome == "unknown"
    assert results[huge].reason.startswith("answer larger than")
    assert cases(db_url)[case_id]["status"] == "reported"
    # the same server answering normally again: a small status is read as before
    server.state.huge.clear()
    server.state.redirects.clear()
    server.state.proxied.add(moved)  # a proxy's HTML 404, not Mastodon's "Record not found"
    again = {r.url_checked.rsplit("/", 1)[1]: r.outcome for r in verify_cases(engine)}
    assert again[huge] == "online" and again[small] == "gone" and again[moved] == "unknown"


def test_reappearance_links_new_post_to_removed_case(seeded):
    db_url, engine, data = seeded
    posts = confirm_all(db_url, "telegram")
    run(db_url, "takedown", "create", str(posts[0]["id"]))
    original = data.rows["telegram"][0]
    repost = replace(original, post_id="555", url="https://t.me/leakchannel/555", capture=None)
    result = save_posts(engine, [repost])
    assert link_reappearances(engine, result.newly_flagged) == []  # case not removed yet
    run(db_url, "takedown", "mark", "1", "reported")
    run(db_url, "takedown", "mark", "1", "removed")
    linked = link_reappearances(engine, result.newly_flagged)
    assert linked == result.newly_flagged
    assert link_reappearances(engine, result.newly_flagged) == []  # idempotent
    case = cases(db_url)[1]
    assert case["status"] == "reappeared"
    assert case["reappeared_post_ids"] == linked
    assert flagged(db_url, "--status", "reappeared")[0]["id"] == linked[0]
    # the reappeared post can go into a new case of its own
    assert run(db_url, "takedown", "create", str(linked[0])).startswith("case 2:")
    assert "reappeared" in run(db_url, "takedown", "show", "1")
