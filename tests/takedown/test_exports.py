"""monitor export through the CLI runner: every format, masked by default, unmasked logged."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import shutil
import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from warcio.archiveiterator import ArchiveIterator

from monitor.cli import cli
from storage.db import open_database
from tests.takedown.seed import BLUESKY_DID, MASTODON_ACCOUNT_ID, seed

FORMATS = ("jsonl", "csv", "html", "notice")


@pytest.fixture
def seeded(sqlite_url):
    engine = open_database(sqlite_url)
    data = seed(engine)
    yield sqlite_url, engine, data
    engine.dispose()


def run(db_url: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--db", db_url, *args], env={"MONITOR_ACTOR": "carol"})
    assert result.exit_code == code, result.output
    return result.output


def export(db_url: str, fmt: str, path: Path, *extra: str, code: int = 0) -> str:
    return run(db_url, "export", "--format", fmt, "-o", str(path), *extra, code=code)


def export_events(engine) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT action, actor, details FROM review_events WHERE action LIKE 'export%'")
        ).all()


def strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [str(value)]


def readable(fmt: str, content: str) -> str:
    """The content plus its unescaped text, so escaping cannot hide a value."""
    if fmt == "jsonl":
        decoded = [s for line in content.splitlines() for s in strings(json.loads(line))]
    elif fmt == "notice":
        decoded = strings(json.loads(content))
    elif fmt == "csv":
        decoded = [
            s
            for row in csv.reader(content.splitlines())
            for cell in row
            for s in strings(json.loads(cell) if cell.startswith("[") else cell)
        ]
    else:
        decoded = [html.unescape(content)]
    return content + "\n".join(decoded)


def test_no_export_holds_a_value_in_clear(seeded, tmp_path):
    db_url, engine, data = seeded
    assert data.secrets
    for fmt in FORMATS:
        path = tmp_path / f"out.{fmt}"
        out = export(db_url, fmt, path)
        assert "wrote 5 post(s)" in out
        content = readable(fmt, path.read_text(encoding="utf-8"))
        leaked = [s for s in data.secrets if s in content]
        assert not leaked, (fmt, leaked)
        manifest = Path(f"{path}.sha256").read_text()
        assert manifest == f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
    assert export_events(engine) == []
    # the raw captures carry the data in clear: WARC needs --unmasked
    assert "--unmasked" in export(db_url, "warc", tmp_path / "x.warc.gz", code=2)
    assert not (tmp_path / "x.warc.gz").exists()


def test_jsonl_and_csv_fields(seeded, tmp_path):
    db_url, _, _ = seeded
    export(db_url, "jsonl", tmp_path / "a.jsonl")
    records = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert len(records) == 5
    expected = {
        "platform",
        "account_url",
        "post_id",
        "url",
        "posted_at",
        "first_seen_at",
        "last_seen_at",
        "captured_at",
        "status",
        "severity",
        "kinds",
        "findings",
        "evidence_sha256",
    }
    assert all(set(r) == expected for r in records)
    assert all(r["captured_at"].endswith("Z") and len(r["evidence_sha256"]) == 64 for r in records)
    assert all(
        set(f) == {"kind", "country", "scheme", "score", "masked"}
        for r in records
        for f in r["findings"]
    )
    export(db_url, "csv", tmp_path / "a.csv", "--account", records[-1]["account_url"])
    with (tmp_path / "a.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["url"] for r in rows] == [records[-1]["url"]]
    assert all(not r["findings"].startswith(("=", "+", "-", "@")) for r in rows)


def test_unmasked_export_is_owner_only_and_logged(seeded, tmp_path):
    db_url, engine, data = seeded
    path = tmp_path / "clear.jsonl"
    export(db_url, "jsonl", path, "--unmasked")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values = {
        f["value"] for line in path.read_text().splitlines() for f in json.loads(line)["findings"]
    }
    assert values == data.secrets
    events = export_events(engine)
    assert len(events) == 1 and events[0][:2] == ("export_unmasked", "carol")
    details = events[0][2] if isinstance(events[0][2], dict) else json.loads(events[0][2])
    assert details["format"] == "jsonl" and details["posts"] == 5


def test_warc_passes_warcio_check(seeded, tmp_path):
    db_url, engine, data = seeded
    path = tmp_path / "evidence.warc.gz"
    export(db_url, "warc", path, "--unmasked")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    warcio = Path(sys.executable).with_name("warcio")
    check = subprocess.run([str(warcio), "check", "-v", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with path.open("rb") as handle:
        records = [
            (r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(handle)
        ]
    types = [r[0] for r in records]
    assert types[0] == "warcinfo" and b"doxxing-monitor" in records[0][2]
    assert types.count("response") == types.count("request") == 5
    assert types.count("metadata") == 5
    assert all(h.protocol == "WARC/1.1" for _, h, _ in records)
    responses = [r for r in records if r[0] == "response"]
    assert all(h.get_header("WARC-Payload-Digest") for _, h, _ in responses)
    mastodon = data.rows["mastodon"][0]
    assert any(mastodon.capture.body == body for _, _, body in responses)
    manifest = Path(f"{path}.sha256").read_text().split()
    assert manifest == [hashlib.sha256(path.read_bytes()).hexdigest(), path.name]
    assert export_events(engine)[0][0] == "export_unmasked"


def test_notice_has_each_channels_fields(seeded, tmp_path):
    db_url, _, _ = seeded
    path = tmp_path / "notice.json"
    export(
        db_url,
        "notice",
        path,
        "--notifier-name",
        "Safety Desk",
        "--notifier-email",
        "desk@example.org",
    )
    document = json.loads(path.read_text())
    assert document["masked"] is True and document["tool"] == "doxxing-monitor"
    by_platform = {n["platform"]: n for n in document["notices"]}
    assert set(by_platform) == {"mastodon", "bluesky", "telegram"}
    mastodon = by_platform["mastodon"]["platform_reports"][0]
    assert mastodon["endpoint"].endswith("/api/v1/reports")
    assert mastodon["fields"]["account_id"] == MASTODON_ACCOUNT_ID
    assert len(mastodon["fields"]["status_ids"]) == 3
    assert len(mastodon["fields"]["comment"]) <= 1000
    bluesky = by_platform["bluesky"]["platform_reports"][0]["body"]
    assert bluesky["reasonType"] == "tools.ozone.report.defs#reasonHarassmentDoxxing"
    assert bluesky["subject"]["uri"].startswith(f"at://{BLUESKY_DID}/app.bsky.feed.post/")
    assert bluesky["subject"]["cid"].startswith("bafyrei")
    assert by_platform["telegram"]["platform_reports"][0]["to"] == "abuse@telegram.org"
    for notice in document["notices"]:
        dsa = notice["dsa_article_16"]
        assert dsa["exact_urls"] == notice["post_urls"]
        assert dsa["notifier"] == {"name": "Safety Desk", "email": "desk@example.org"}
        assert "good faith" in dsa["good_faith_statement"] and dsa["explanation"]
        lumen = notice["lumen"]
        assert lumen["type"] == "PrivateInformation"
        assert lumen["urls_with_private_information"] == notice["post_urls"]
        assert lumen["action_taken"] in ("Yes", "No", "Partial", "Unspecified")


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_report_escapes_hostile_posts(seeded, tmp_path):
    db_url, _, data = seeded
    posts = [json.loads(x) for x in run(db_url, "flagged", "--json").splitlines()]
    for p in posts[:3]:
        run(db_url, "review", str(p["id"]), "--confirm")
    run(db_url, "takedown", "create", *[str(p["id"]) for p in posts[:3]], "--title", "<b>x</b>")
    path = tmp_path / "case.html"
    export(db_url, "html", path, "--case", "1")
    content = path.read_text(encoding="utf-8")
    parser = Elements()
    parser.feed(content)
    tags = {tag for tag, _ in parser.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "b"}
    assert all(not k.startswith("on") for _, attrs in parser.tags for k in attrs)
    assert "&lt;script&gt;" in content and "onerror=" in content  # shown as text
    csp = [a for t, a in parser.tags if t == "meta" and a.get("http-equiv")]
    assert "script-src 'none'" in csp[0]["content"]
    assert "default-src 'none'" in csp[0]["content"]
    for word in ("Case 1", "case_created", "Evidence SHA-256", data.rows["mastodon"][0].url):
        assert word in content
    assert "<mark>" in content
    assert not [s for s in data.secrets if s in content]
    run(db_url, "export", "--format", "html", "-o", str(tmp_path / "n.html"), "--case", "9", code=2)


def test_html_report_renders_in_headless_chromium(seeded, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (Debian package: chromium)")
    db_url, _, _ = seeded
    path = tmp_path / "report.html"
    export(db_url, "html", path, "--account", seed_account(db_url))
    screenshot = tmp_path / "report.png"
    common = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [*common, "--virtual-time-budget=3000", "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<title>Doxxing evidence report" in dom.stdout
    assert "PWNED" not in dom.stdout.split("</title>")[0]
    assert "<img" not in dom.stdout and "<script" not in dom.stdout
    shot = subprocess.run(
        [*common, "--window-size=1200,2000", f"--screenshot={screenshot}", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.returncode == 0 and screenshot.stat().st_size > 1000, shot.stderr[-2000:]
    artifacts = os.environ.get("TEST_ARTIFACTS_DIR")  # CI keeps the screenshot there
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(artifacts) / "html-report.png")


def seed_account(db_url: str) -> str:
    posts = [json.loads(x) for x in run(db_url, "flagged", "--json").splitlines()]
    return posts[0]["account_url"]
