"""``monitor scan`` through Click's runner."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.commands.scan import scan
from monitor.secret_key import load_secret_key


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("MONITOR_SECRET_KEY", raising=False)


def test_jsonl_stream_with_bad_lines() -> None:
    data = (
        b'{"id": 1, "text": "\xe6\x89\x8b\xe6\x9c\xba 13812345678", "lang": "zh"}\n'
        b"not json\n"
        b'{"id": 2, "text": "bad \xff utf8"}\n'
        b'{"id": 3, "text": "nothing to see"}\n'
        b'{"id": 4}\n'
    )
    result = CliRunner().invoke(scan, ["-"], input=data)
    assert result.exit_code == 1
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["id"] for x in lines] == [1, 3]
    assert lines[0]["lang"] == "zh"
    finding = lines[0]["findings"][0]
    assert finding["kind"] == "phone" and finding["masked"] == "*********78"
    assert "13812345678" not in result.stdout
    assert "line 2:" in result.stderr and "line 3:" in result.stderr and "line 5:" in result.stderr
    assert "invalid UTF-8" in result.stderr


def test_file_argument_and_unmasked(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "SSN 536-22-1234"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(scan, [str(path), "--unmasked"])
    assert result.exit_code == 0, result.output
    finding = json.loads(result.stdout)["findings"][0]
    assert finding["text"] == "536-22-1234"


def test_text_mode_filters() -> None:
    text = "SSN 536-22-1234, mail jane@example.org"
    result = CliRunner().invoke(scan, ["--text", text, "--kinds", "email"])
    assert result.exit_code == 0
    assert "email" in result.stdout and "national_id" not in result.stdout
    assert "jane@example.org" not in result.stdout
    result = CliRunner().invoke(scan, ["--text", text, "--min-score", "0.99"])
    assert "no personal data found" in result.stdout
    result = CliRunner().invoke(scan, ["--text", text, "--kinds", "bogus"])
    assert result.exit_code == 2


def test_help() -> None:
    result = CliRunner().invoke(scan, ["--help"])
    assert result.exit_code == 0 and "JSON Lines" in result.stdout


def test_secret_key_file_created_owner_only(tmp_path: Path) -> None:
    key = load_secret_key()
    path = tmp_path / "cfg" / "secret.key"
    assert path.exists() and len(key) == 64
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret_key() == key


def test_secret_key_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MONITOR_SECRET_KEY", "s3cret")
    assert load_secret_key() == b"s3cret"
    assert not (tmp_path / "cfg" / "secret.key").exists()


def test_locale_key_is_a_hint() -> None:
    """The ``locale`` key chooses the phone region: 090-1234-5678 is a Japanese mobile."""
    data = (
        json.dumps({"id": 1, "text": "call 090-1234-5678", "locale": "ja-JP"})
        + "\n"
        + json.dumps({"id": 2, "text": "call 090-1234-5678"})
        + "\n"
    ).encode()
    result = CliRunner().invoke(scan, ["-"], input=data)
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    countries = {x["id"]: [f["country"] for f in x["findings"]] for x in lines}
    assert countries[1] == ["JP"]
    assert countries[2] != ["JP"]
