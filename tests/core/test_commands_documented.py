"""docs/commands.md names every management command of the package and every option it takes,
and docs/commands.md lists every system check id the package can report."""

import argparse
import re
from pathlib import Path

from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")


def package_commands() -> dict[str, str]:
    return {name: app for name, app in get_commands().items()
            if app.startswith("govinfo_wagtail.")}


def test_every_command_and_option_is_documented():
    commands = package_commands()
    assert {"govinfo_setup", "govinfo_import", "publish_scheduled"} <= set(commands)
    for name, app in commands.items():
        assert f"## {name}\n" in DOC, name
        section = DOC.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        parser = load_command_class(app, name).create_parser("manage.py", name)
        for label in option_labels(parser):
            assert f"`{label}" in section, f"{name}: {label}"


def option_labels(parser) -> list[str]:
    """Options as written in the docs: --name, or the positional's dest in capitals; the
    operations of a command with subcommands by name, with their own options."""
    labels = []
    for action in parser._actions:
        if action.dest in BASE_OPTIONS:
            continue
        if isinstance(action, argparse._SubParsersAction):
            for operation, subparser in action.choices.items():
                labels += [operation, *option_labels(subparser)]
        else:
            labels.append(action.option_strings[0] if action.option_strings
                          else action.dest.upper())
    return labels


def test_every_system_check_id_is_documented():
    ids = set()
    for path in (ROOT / "govinfo_wagtail").rglob("*.py"):
        ids |= set(re.findall(r'id="(govinfo_\w+\.[EW]\d{3})"', path.read_text("utf-8")))
    assert len(ids) >= 10
    for check_id in sorted(ids):
        app, number = check_id.split(".")
        assert check_id in DOC or f"`{number}`" in DOC.split(app, 1)[-1], check_id


# Options every Django command has.
BASE_OPTIONS = {"help", "version", "verbosity", "settings", "pythonpath", "traceback",
                "no_color", "force_color", "skip_checks", "args"}
