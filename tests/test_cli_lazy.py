"""`sro` imports only the command typed (issue 16): `sro` alone (the app) no command module,
no store, no password hashing; `sro X` the module of X; `sro --help` every command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sro_tui.cli import COMMAND_GROUPS, COMMANDS, build_parser, command_group, groups_needed

from .test_cli_fuzz import _subparsers

PROBE = """
import json, sys
from sro_tui.cli import build_parser, groups_needed
arguments = json.loads(sys.argv[1])
build_parser(groups_needed(arguments)).parse_known_args(arguments)
import sro_tui.cli.app
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(arguments: list[str]) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(arguments)],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(result.stdout))


def test_the_app_imports_no_command_module_no_store_and_hashes_nothing() -> None:
    loaded = loaded_by(["--db", "x.db"])
    commands = {f"sro_tui.cli.{group}" for group in COMMAND_GROUPS}
    assert not commands & loaded, commands & loaded
    for heavy in ("sqlalchemy", "alembic", "argon2", "sro_tui.bootstrap", "sro_tui.services"):
        assert heavy not in loaded, heavy


def test_a_command_imports_its_own_module_only() -> None:
    loaded = loaded_by(["officer", "list", "--db", "x.db"])
    assert "sro_tui.cli.officers" in loaded
    assert "sro_tui.cli.audit" not in loaded and "sro_tui.cli.demo" not in loaded


def test_importing_passwords_computes_no_hash() -> None:
    probe = (
        "import argon2, time\n"
        "calls = []\n"
        "original = argon2.PasswordHasher.hash\n"
        "def counted(self, *args, **kwargs):\n"
        "    calls.append(1)\n"
        "    return original(self, *args, **kwargs)\n"
        "argon2.PasswordHasher.hash = counted\n"
        "import sro_tui.services.passwords as p\n"
        "print(len(calls))\n"
        "assert not p.verify_password(None, 'x')\n"
        "print(len(calls))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "1"]  # the dummy hash is made at the first verify


def test_the_table_names_every_command_of_every_group() -> None:
    """COMMANDS (which module adds each command) matches what the modules register, in
    `sro --help` order: a command added to a module and not to the table still works (every
    group is loaded for it) but loads everything; this test says so."""
    registered: dict[str, str] = {}
    for group in COMMAND_GROUPS:
        sub = _subparsers(build_parser((group,)))
        assert sub is not None
        for name in sub.choices:
            registered[name] = group
    assert registered == COMMANDS
    full = _subparsers(build_parser())
    assert full is not None
    assert list(full.choices) == list(registered)


@pytest.mark.parametrize(
    ("arguments", "groups"),
    [
        ([], ()),
        (["--db", "x.db"], ()),
        (["--db=officer"], ()),
        (["--db", "officer"], ()),
        (["--version"], ()),
        (["--help"], COMMAND_GROUPS),
        (["-h", "--db", "x"], COMMAND_GROUPS),
        (["nonsense"], COMMAND_GROUPS),
        (["--db"], COMMAND_GROUPS),
        (["--d", "x.db", "restore", "f"], ("backup",)),
        (["officer", "--help"], ("officers",)),
        (["note", "show", "1"], ("students",)),
        (["init", "--db", "x"], ("db",)),
    ],
)
def test_groups_needed(arguments: list[str], groups: tuple[str, ...]) -> None:
    assert tuple(groups_needed(arguments)) == groups


def test_every_group_loads() -> None:
    for group in COMMAND_GROUPS:
        assert hasattr(command_group(group), "register")
    with pytest.raises(KeyError):
        command_group("nonsense")
