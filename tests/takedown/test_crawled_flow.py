"""The takedown workflow on data crawled from the replay server, not seeded rows: crawl, review,
case, report, every export format, removal check; nothing in clear unless asked for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from monitor.cli import cli
from tests.mockserver import ROOT, MockServer
from tests.takedown.test_exports import readable

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]


def server_env(server: MockServer) -> dict[str, str]:
    return {
        "MONITOR_SECRET_KEY": "test-secret",
        **server.environment(),
        "MONITOR_ACTOR": "dana",
    }


def run(db_url: str, server: MockServer, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--db", db_url, *args], env=server_env(server))
    assert result.exit_code == code, result.output
    return result.output


def crawl(db_url: str, server: MockServer) -> dict:
    """Crawl three platforms in a child process (a Twisted reactor runs once per process)."""
    run(db_url, server, "watch", "add", f"{server.url}/@leaky", "--platform", "mastodon")
    run(db_url, server, "watch", "add", "https://bsky.app/profile/leaky.bsky.test")
    run(db_url, server, "watch", "add", "https://t.me/leakychan")
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "--db", db_url, "crawl", "--all", "--json", *FAST],
        cwd=ROOT,
        env={**os.environ, **server_env(server)},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_crawled_posts_go_through_review_case_exports_and_removal(db_url, tmp_path):
    with MockServer() as server:
        summary = crawl(db_url, server)
        assert {c["state"] for c in summary["crawls"]} == {"ok"}
        flagged = [json.loads(x) for x in run(db_url, server, "flagged", "--json").splitlines()]
        platforms = {p["platform"] for p in flagged}
        assert platforms == {"mastodon", "bluesky", "telegram"}

        # the values in clear, from an unmasked export: the list no masked export may contain
        clear_path = tmp_path / "clear.jsonl"
        run(db_url, server, "export", "--format", "jsonl", "-o", str(clear_path), "--unmasked")
        records = [json.loads(line) for line in clear_path.read_text().splitlines()]
        secrets = {f["value"] for r in records for f in r["findings"] if len(f["value"]) >= 6}
        assert len(records) == len(flagged) and secrets

        for fmt in ("jsonl", "csv", "html", "notice"):
            path = tmp_path / f"all.{fmt}"
            out = run(db_url, server, "export", "--format", fmt, "-o", str(path))
            assert f"wrote {len(flagged)} post(s)" in out
            content = readable(fmt, path.read_text(encoding="utf-8"))
            leaked = sorted(s for s in secrets if s in content)
            assert not leaked, (fmt, leaked[:3])

        # review: dismiss one Mastodon post, confirm the rest, file them as one case
        mastodon = [p for p in flagged if p["platform"] == "mastodon"]
        dismissed, *confirmed = mastodon
        run(db_url, server, "review", str(dismissed["id"]), "--dismiss", "--note", "a test post")
        for post in confirmed:
            run(db_url, server, "review", str(post["id"]), "--confirm")
        out = run(db_url, server, "takedown", "create", *[str(p["id"]) for p in confirmed])
        case_id = out.split()[1].rstrip(":")
        run(db_url, server, "takedown", "mark", case_id, "reported", "--reference", "R-1")
        statuses = {
            p["id"]: p["status"]
            for p in map(json.loads, run(db_url, server, "flagged", "--json").splitlines())
        }
        assert statuses[dismissed["id"]] == "dismissed"
        assert {statuses[p["id"]] for p in confirmed} == {"reported"}

        # the case's exports: HTML report, notice and WARC of the raw captures
        report = tmp_path / "case.html"
        run(db_url, server, "export", "--format", "html", "-o", str(report), "--case", case_id)
        page = report.read_text(encoding="utf-8")
        assert all(p["url"] in page for p in confirmed) and dismissed["url"] not in page
        warc = tmp_path / "case.warc.gz"
        run(
            db_url,
            server,
            "export",
            "--format",
            "warc",
            "-o",
            str(warc),
            "--case",
            case_id,
            "--unmasked",
        )
        with warc.open("rb") as handle:
            kinds = [record.rec_type for record in ArchiveIterator(handle)]
        assert kinds.count("response") >= 1 and kinds[0] == "warcinfo"
        warcio = Path(sys.executable).with_name("warcio")
        check = subprocess.run([str(warcio), "check", str(warc)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr

        # filed through the Mastodon API of the replay server
        run(db_url, server, "takedown", "submit", case_id, "--mastodon-token", "replay-token")
        reports = server.reports()
        status_ids = {s for r in reports for s in r["status_ids"]}
        assert len(status_ids) == len(confirmed)
        assert "leaky" in {r["target_account"]["username"] for r in reports}
        for report in reports:  # each report names statuses of its target account
            for status_id in report["status_ids"]:
                status = httpx.get(f"{server.url}/api/v1/statuses/{status_id}").json()
                assert status["account"]["id"] == report["target_account"]["id"]

        # removal checks: still online, then one post taken down, then all of them
        checks = [
            json.loads(x)
            for x in run(db_url, server, "verify", "--case", case_id, "--json").splitlines()
        ]
        assert len(checks) == len(confirmed) and {c["outcome"] for c in checks} == {"online"}
        first, *rest = sorted(status_ids)
        server.remove(first)
        checks = [
            json.loads(x)
            for x in run(db_url, server, "verify", "--case", case_id, "--json").splitlines()
        ]
        gone = [c for c in checks if c["outcome"] == "gone"]
        assert len(gone) == 1 and gone[0]["url_checked"].endswith(f"/api/v1/statuses/{first}")
        assert case_status(db_url, server, case_id) == "reported"
        for status_id in rest:
            server.remove(status_id)
        run(db_url, server, "verify", "--case", case_id, "--json")
        assert case_status(db_url, server, case_id) == "verified_gone"

        # Bluesky and Telegram posts: removal checks through getPosts and the embed widget
        for platform in ("bluesky", "telegram"):
            posts = [p for p in flagged if p["platform"] == platform]
            for post in posts:
                run(db_url, server, "review", str(post["id"]), "--confirm")
            out = run(db_url, server, "takedown", "create", *[str(p["id"]) for p in posts])
            other_case = out.split()[1].rstrip(":")
            run(db_url, server, "takedown", "mark", other_case, "reported")
            verify = ["verify", "--case", other_case, "--json"]
            checks = [json.loads(x) for x in run(db_url, server, *verify).splitlines()]
            assert {c["outcome"] for c in checks} == {"online"}, checks[:2]
            for check in checks:
                server.remove(removal_key(check["url_checked"]))
            checks = [json.loads(x) for x in run(db_url, server, *verify).splitlines()]
            assert {c["outcome"] for c in checks} == {"gone"}, checks[:2]
            assert case_status(db_url, server, other_case) == "verified_gone"


def removal_key(url_checked: str) -> str:
    """How the replay server names the post a removal check asked about."""
    parts = urlsplit(url_checked)
    if parts.path.endswith("/app.bsky.feed.getPosts"):
        return parse_qs(parts.query)["uris"][0]
    return parts.path.strip("/")  # Telegram: channel/id


def case_status(db_url: str, server: MockServer, case_id: str) -> str:
    rows = [json.loads(x) for x in run(db_url, server, "takedown", "list", "--json").splitlines()]
    return next(c["status"] for c in rows if str(c["id"]) == case_id)
