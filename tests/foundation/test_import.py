import json
import textwrap

import pytest
from click.testing import CliRunner

from monitor.cli import cli

GOOD_CSV = """url,platform,label,every
https://mastodon.social/@alice,,case 1,30m
http://127.0.0.1:8080/@bob,mastodon,,1d
https://t.me/s/leakchannel,,,
"""

BAD_CSV = """url,platform,label,every
https://mastodon.social/@alice,,case 1,30m
ftp://example.org/x,,,
https://t.me/leakchannel,,,soon
https://bsky.app/profile/alice.bsky.social,,,6h
"""

BAD_YAML = """
- url: https://mastodon.social/@alice
  every: 30m
- url: https://t.me/leakchannel
  platform: myspace
- just a string
- url: https://bsky.app/profile/alice.bsky.social
"""


@pytest.fixture
def run(db_url):
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, ["--db", db_url, *args])


def urls(run) -> list[str]:
    result = run("watch", "list", "--json")
    return [json.loads(line)["url"] for line in result.stdout.splitlines()]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_csv_imports_everything(run, tmp_path):
    result = run("watch", "import", str(write(tmp_path, "w.csv", GOOD_CSV)))
    assert result.exit_code == 0, result.output
    assert urls(run) == [
        "https://mastodon.social/@alice",
        "http://127.0.0.1:8080/@bob",
        "https://t.me/leakchannel",
    ]
    again = run("watch", "import", str(write(tmp_path, "w.csv", GOOD_CSV)))
    assert "imported 0 new account(s), 3 already watched" in again.stdout


def test_bad_csv_writes_nothing_and_names_every_bad_line(run, tmp_path):
    path = write(tmp_path, "w.csv", BAD_CSV)
    result = run("watch", "import", str(path))
    assert result.exit_code == 2
    assert f"{path}:3:" in result.stderr
    assert f"{path}:4:" in result.stderr
    assert f"{path}:2:" not in result.stderr
    assert urls(run) == []


def test_skip_invalid_imports_good_rows_and_reports_bad(run, tmp_path):
    path = write(tmp_path, "w.csv", BAD_CSV)
    result = run("watch", "import", "--skip-invalid", str(path))
    assert result.exit_code == 0
    assert f"{path}:3:" in result.stderr
    assert urls(run) == [
        "https://mastodon.social/@alice",
        "https://bsky.app/profile/alice.bsky.social",
    ]


def test_bad_yaml_reports_lines(run, tmp_path):
    path = write(tmp_path, "w.yaml", BAD_YAML)
    result = run("watch", "import", str(path))
    assert result.exit_code == 2
    assert f"{path}:4:" in result.stderr  # unknown platform
    assert f"{path}:6:" in result.stderr  # not a mapping
    assert urls(run) == []
    assert run("watch", "import", "--skip-invalid", str(path)).exit_code == 0
    assert urls(run) == [
        "https://mastodon.social/@alice",
        "https://bsky.app/profile/alice.bsky.social",
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("w.yaml", "url: [unclosed"),
        ("w.yaml", "url: just-a-mapping"),
        ("w.csv", "address,name\nx,y\n"),
    ],
)
def test_unreadable_files_exit_2(run, tmp_path, name, content):
    result = run("watch", "import", str(write(tmp_path, name, content)))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert urls(run) == []


def test_invalid_utf8_file_exits_2(run, tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(b"url\nhttps://t.me/\xff\xfe\n")
    result = run("watch", "import", str(path))
    assert result.exit_code == 2
    assert urls(run) == []
