import json

import pytest
from click.testing import CliRunner

from monitor import __version__
from monitor.cli import cli


@pytest.fixture
def run(db_url):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--db", db_url, *args])

    return invoke


def listed(run) -> list[dict]:
    result = run("watch", "list", "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_add_list_remove(run):
    assert (
        run("watch", "add", "https://mastodon.social/@Alice/", "--label", "case 7").exit_code == 0
    )
    again = run("watch", "add", "@alice@mastodon.social", "--every", "30m")
    assert again.exit_code == 0
    assert "already watched" in again.stdout
    assert run("watch", "add", "https://t.me/s/leakchannel", "--every", "1d").exit_code == 0
    accounts = listed(run)
    assert [(a["platform"], a["url"], a["every"]) for a in accounts] == [
        ("mastodon", "https://mastodon.social/@alice", "6h"),
        ("telegram", "https://t.me/leakchannel", "1d"),
    ]
    assert accounts[0]["label"] == "case 7"
    assert accounts[0]["created_at"].endswith("Z")

    table = run("watch", "list")
    assert table.exit_code == 0
    assert "https://t.me/leakchannel" in table.stdout

    removed = run("watch", "remove", "https://t.me/leakchannel")
    assert removed.exit_code == 0
    assert [a["url"] for a in listed(run)] == ["https://mastodon.social/@alice"]


def test_platform_forced_for_unknown_instance(run):
    result = run("watch", "add", "http://127.0.0.1:8080/@bob", "--platform", "mastodon")
    assert result.exit_code == 0
    assert listed(run)[0]["platform"] == "mastodon"
    assert run("watch", "remove", "http://127.0.0.1:8080/@bob").exit_code == 0
    assert listed(run) == []


def test_unknown_instance_added_as_page_with_a_hint(run):
    result = run("watch", "add", "https://social.example/@bob")
    assert result.exit_code == 0
    assert "--platform mastodon" in result.stderr
    assert listed(run)[0]["platform"] == "page"


def test_empty_list_says_how_to_add(run):
    result = run("watch", "list")
    assert result.exit_code == 0
    assert "monitor watch add" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("watch", "add", "ftp://example.org/x"),
        ("watch", "add", "https://t.me/leakchannel/42"),
        ("watch", "add", "https://t.me/leakchannel", "--every", "often"),
        ("watch", "add", "https://t.me/leakchannel", "--every", "0m"),
        ("watch", "add", "https://example.org/x", "--platform", "myspace"),
        ("watch", "remove", "not a url"),
        ("watch", "import", "/nonexistent/watchlist.csv"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(run, args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip()
    assert "Traceback" not in result.output
    assert listed(run) == []


def test_error_lines_are_single_for_our_own_errors(run):
    result = run("watch", "add", "https://t.me/leakchannel", "--every", "often")
    assert result.stderr.strip().count("\n") == 0


def test_remove_of_unwatched_account_fails(run):
    result = run("watch", "remove", "https://t.me/leakchannel")
    assert result.exit_code == 1
    assert "not on the watchlist" in result.stderr


def test_unreachable_database_names_it_without_password():
    result = CliRunner().invoke(
        cli, ["--db", "postgresql://postgres:hunter2@127.0.0.1:1/test", "watch", "list"]
    )
    assert result.exit_code == 1
    assert "127.0.0.1:1/test" in result.stderr
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output


def test_database_url_from_environment(sqlite_url, tmp_path):
    runner = CliRunner(env={"MONITOR_DATABASE_URL": sqlite_url})
    assert runner.invoke(cli, ["watch", "add", "https://t.me/leakchannel"]).exit_code == 0
    assert (tmp_path / "monitor.db").exists()


def test_default_database_is_monitor_db_in_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MONITOR_DATABASE_URL", raising=False)
    assert CliRunner().invoke(cli, ["watch", "add", "https://t.me/leakchannel"]).exit_code == 0
    assert (tmp_path / "monitor.db").exists()


def test_db_upgrade(run):
    result = run("db", "upgrade")
    assert result.exit_code == 0
    assert "revision" in result.stdout


def test_every_command_has_help():
    def walk(group, path):
        for name, command in group.commands.items():
            yield (*path, name), command
            if hasattr(command, "commands"):
                yield from walk(command, (*path, name))

    runner = CliRunner()
    for path, command in walk(cli, ()):
        assert command.help, f"{' '.join(path)} has no help text"
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage:" in result.output
