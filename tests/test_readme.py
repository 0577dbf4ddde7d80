"""The README's promises: every command is documented, and the two first-run commands exist."""

import re
from pathlib import Path

import click

from monitor.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def test_every_command_has_help_and_appears_in_the_readme():
    missing = []
    for path, command in command_paths(cli):
        assert command.help, f"monitor {' '.join(path)} has no help text"
        if f"monitor {' '.join(path)}" not in README:
            missing.append(" ".join(path))
    assert missing == []


def test_readme_names_install_and_test_commands():
    main = re.search(r"<!-- main-command -->\s*```\s*(.+?)\s*```", README, re.S)
    tests = re.search(r"<!-- test-command -->\s*```\s*(.+?)\s*```", README, re.S)
    assert main and "monitor demo" in main.group(1) and "pip install" in main.group(1)
    assert tests and "pytest" in tests.group(1)
