"""Fuzz `sro` (``main(argv)``) with what people might type: the real command and option names
(read from the parser itself) with random values: huge and negative numbers, impossible or
far-away dates, empty strings, non-ASCII, markup, terminal escapes, bytes that are not UTF-8
(on standard input and, as Python sees them, in the arguments).

Whatever was typed: the exit code is 0, 1 or 2, there is never a traceback, and exit 2 is
exactly one line on stderr starting "sro: ".

Each example runs on its own copy of a demo-seeded SQLite store (so ids, numbers, badges and
district IDs that exist are reachable), in a folder of its own that is also the working
directory (files the commands write land there). Standard input is never a terminal, so the
app itself (`sro`, `sro demo`) must refuse to start; its run() fails the test if reached.
"""

from __future__ import annotations

import argparse
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sro_tui.cli import build_parser, main
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.services.registry import build_services

from .conftest import TEST_AUDIT_KEY, Clock
from .stores import build_sqlite_template, copy_sqlite_store

# Function-scoped fixtures (capsys, monkeypatch, the example folder counter) are shared by
# the examples on purpose: each example makes its own store copy and folder.
FUZZ = settings(
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    deadline=None,
)

ROSTER = "Student ID,First Name,Last Name,School,Grade\nZ1,Ana,Ruiz,VHS,9\nZ2,,Bad,NOPE,x\n"


# --- the commands, read from the parser ------------------------------------------------------


@dataclass(frozen=True)
class Option:
    strings: tuple[str, ...]  # () for a positional
    name: str  # dest: picks the kind of value
    takes_value: bool
    many: bool  # nargs "+" or "*"
    choices: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    options: tuple[Option, ...]


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _options(parser: argparse.ArgumentParser) -> list[Option]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
            continue
        found.append(
            Option(
                strings=tuple(action.option_strings),
                name=action.dest,
                takes_value=action.nargs != 0,
                many=action.nargs in ("+", "*"),
                choices=tuple(str(c) for c in action.choices or ()),
                required=bool(action.required) or not action.option_strings,
            )
        )
    return found


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[Command]:
    """Every runnable command, from `sro` itself (no command: opens the app) down."""
    sub = _subparsers(parser)
    if sub is None:
        return [Command(path, tuple(_options(parser)))]
    found = [] if sub.required or path else [Command(path, tuple(_options(parser)))]
    for name, child in sub.choices.items():
        found += commands(child, (*path, name))
    return found


COMMANDS = commands(build_parser())
ALL_OPTION_STRINGS = sorted({s for c in COMMANDS for o in c.options for s in o.strings})
NAMES = sorted({part for c in COMMANDS for part in c.path})


def test_the_fuzzer_sees_every_command() -> None:
    paths = {c.path for c in COMMANDS}
    assert () in paths and ("demo",) in paths and ("note", "show") in paths
    assert ("incident", "list") in paths and ("report", "daily") in paths
    assert "--db" in ALL_OPTION_STRINGS and "--limit" in ALL_OPTION_STRINGS


# --- values ------------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "+7",
    "1_000",
    "99999999999999999999",
    str(2**63),
    str(2**63 - 1),
    "1e9",
    "٣",  # an Arabic-Indic digit: int() takes it
    "9999-12-31",
    "0000-00-00",
    "0001-01-01",
    "1899-12-31",
    "2200-12-31",
    "2026-02-30",
    "2026-09-14",
    "9999-12",
    "2026-13",
    "9999-00",
    "0000-01",
    "2026-27",
    "[/]",
    "[bold red]x[/]",
    "\x1b]0;x\x07",
    "\x1b[2J\x1b[31mred",
    "a\nb",
    "tab\there",
    "Ünïcødé",
    "名前",
    "\u202egnp.exe",
    "\ufeff",
    "\udcff\udcfe",  # bytes that are not UTF-8, as Python's argv shows them
    "-",
    "--",
    "-x",
    "=",
    "a=b",
    "district_id=Student ID",
    "../../x",
]
BADGES = ["1001", "2001", "3001"] * 3 + ["1002", "9999", "SYSTEM", " 1001 ", "x" * 50]
DAYS = ["2026-09-14", "2026-09-01", "2025-08-01", "1900-01-01", "2200-12-31", "2026-9-1"]
NUMBERS = ["1", "2", "5", "30", "200", "500", "501", "1000", "3660", "100", "101"]
INCIDENTS = ["SRO-2026-000001", "SRO-2026-000002", "sro-2026-000003", "SRO-2099-999999"]
FILES = [
    "roster.csv",
    "backup.db",
    "store.db",
    "outdir",
    "missing.csv",
    "new.db",
    "k.key",
    "nul.key",
]
KINDS = {
    "badge": BADGES,
    "as_badge": BADGES,
    "officer": BADGES,
    "since": DAYS,
    "until": DAYS,
    "date": DAYS,
    "month": ["2026-09", "2026-08", "1900-01", "2200-12", "2026-9"],
    "school_year": ["2026-27", "2025-26", "1900-01", "2199-00", "2026-28"],
    "limit": NUMBERS,
    "keep": NUMBERS,
    "scale": NUMBERS,
    "note_id": NUMBERS,
    "number": INCIDENTS,
    "district_id": ["V01000007", "V01000014", "S1"],
    "school": ["VHS", "BHS", "NOPE", "vhs"],
    "file": FILES,
    "output": FILES,
    "key_file": FILES,
    "for_student": ["V01000007", "S1"],
    "category": ["ASSAULT", "VAPE", "NOPE"],
    "text": ["vape", "gym", "maria lop", "SRO-2026-00", "garcia m", "V0100"],
    "map": ["district_id=Student ID", "grade=Grade", "nope=x", "x"],
    "name": ["Officer New", "O'Brien", "Zoë"],
    "comment": ["Fix the time", "ok", ""],
}
SAME_STORE = {"db", "db_after"}  # another --db value is only ever refused: rarely

free_text = st.text(
    alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
    max_size=12,
)


DEMO_PASSWORD_LINE = b"demo\n"  # the demo officers' password: signs them in
demo_password = st.just(DEMO_PASSWORD_LINE)
stdin_bytes = st.one_of(
    demo_password,
    demo_password,
    demo_password,
    st.just(b"demo\n123456\n"),
    st.just(b"a much longer passphrase\n"),
    st.just(b"de\xffmo\n"),
    st.binary(max_size=24),
    free_text.map(lambda s: s.encode("utf-8")),
)


def value_for(option: Option, plausible_only: bool) -> st.SearchStrategy[str]:
    if option.name in SAME_STORE:
        if plausible_only:
            return st.just("store.db")
        return st.sampled_from(["store.db"] * 7 + ["other.db", ""])
    typed = list(option.choices) or KINDS.get(option.name, [])
    if typed and plausible_only:
        return st.sampled_from(typed)
    pools = [st.sampled_from(NASTY), free_text]
    if typed:
        plausible = st.sampled_from(typed)
        return st.one_of(plausible, plausible, *pools)
    return st.one_of(*pools)


@st.composite
def command_runs(draw: st.DrawFn) -> tuple[list[str], bytes]:
    """A command with its options, and what standard input holds. Half the commands get
    only plausible values and the demo password, so that they get past the checks into the
    store and the services; the other half get anything, and sometimes a stray word."""
    command = draw(st.sampled_from(COMMANDS))
    plausible = draw(st.booleans())
    argv = list(command.path)
    for option in command.options:
        if option.name.endswith("_stdin"):  # mostly: else a sign-in stops at "no terminal"
            wanted = plausible or draw(st.integers(0, 5)) > 0
        else:
            wanted = option.required or draw(st.booleans())
        if not wanted:
            continue
        values: list[str] = []
        if option.takes_value:
            n = draw(st.integers(1, 3)) if option.many else 1
            values = [draw(value_for(option, plausible)) for _ in range(n)]
        if option.strings:
            argv += [draw(st.sampled_from(option.strings)), *values]
        else:
            argv += values
    if not plausible and draw(st.integers(0, 5)) == 0:  # another command's option, a word
        argv.insert(
            draw(st.integers(0, len(argv))),
            draw(st.sampled_from([*ALL_OPTION_STRINGS, *NAMES, *NASTY])),
        )
    stdin = DEMO_PASSWORD_LINE if plausible else draw(stdin_bytes)
    return argv, stdin


token_soup = st.lists(
    st.one_of(
        st.sampled_from(NAMES),
        st.sampled_from(ALL_OPTION_STRINGS),
        st.sampled_from(NASTY),
        free_text,
    ),
    max_size=7,
)

# --- the store and the run ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo-seeded store (badges 1001, 2001, 3001; password demo), made once per module."""

    def seed(database) -> None:
        services = build_services(database, audit_key=TEST_AUDIT_KEY, clock=Clock())
        services.demo.seed(SYSTEM_ACTOR, scale=1)

    return build_sqlite_template(tmp_path_factory.mktemp("fuzz") / "demo.db", fill=seed)


@dataclass
class Runner:
    template: Path
    root: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch
    examples: Iterator[int]

    def fresh_folder(self) -> Path:
        """The example's folder: a store copy (with a store id of its own, so the audit
        checkpoints of earlier examples are not its own), a backup of it, a roster; it is
        the working directory."""
        folder = self.root / f"example-{next(self.examples)}"
        folder.mkdir()
        copy_sqlite_store(self.template, folder / "store.db")
        shutil.copyfile(folder / "store.db", folder / "backup.db")
        (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
        (folder / "nul.key").write_bytes(b"a passphrase\x00with a NUL\n")
        (folder / "outdir").mkdir()
        self.monkeypatch.chdir(folder)
        return folder

    def run(self, argv: list[str], stdin: bytes, errors: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        stream = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors=errors)
        self.monkeypatch.setattr("sys.stdin", stream)
        try:
            code = main(argv)
        except SystemExit as exc:  # --help prints and exits, as argparse does
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def runner(
    demo_template: Path,
    tmp_path: Path,
    cli_home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Runner:
    import sro_tui.ui.app

    def no_app(settings: object) -> int:
        raise AssertionError("the app started without a terminal")

    monkeypatch.setattr(sro_tui.ui.app, "run", no_app)
    return Runner(demo_template, tmp_path, capsys, monkeypatch, count())


def check(argv: list[str], code: int, err: str) -> None:
    where = f"sro {argv!r} -> {code}\n{err}"
    assert code in (0, 1, 2), where
    assert "Traceback" not in err, where
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1, where
        assert lines[0].startswith("sro: "), where


@FUZZ
@given(
    runs=st.lists(
        st.tuples(command_runs(), st.sampled_from(["strict", "surrogateescape"])),
        min_size=1,
        max_size=3,
    )
)
def test_any_command_with_any_values(
    runner: Runner, runs: list[tuple[tuple[list[str], bytes], str]]
) -> None:
    """One to three commands in a row on one store copy (what one changes, the next sees)."""
    runner.fresh_folder()
    for (argv, stdin), errors in runs:
        full = ["--db", "store.db", *argv]
        code, _out, err = runner.run(full, stdin, errors)
        check(full, code, err)


@FUZZ
@given(tokens=token_soup, stdin=stdin_bytes)
def test_any_words_in_any_order(runner: Runner, tokens: list[str], stdin: bytes) -> None:
    runner.fresh_folder()
    full = ["--db", "store.db", *tokens]
    code, _out, err = runner.run(full, stdin, "strict")
    check(full, code, err)


@pytest.mark.parametrize(
    "argv",
    [
        # Found by this fuzzer: a key file that is not text was a UnicodeDecodeError.
        ["store", "encrypt", "--key-file", "backup.db"],
        # Its neighbour: a NUL in a key file would reach SQLite's PRAGMA key.
        ["store", "encrypt", "--key-file", "nul.key"],
        # The defects of issue 9/10 that made it, each once a traceback.
        ["audit", "export", "--since", "2026-01-01", "--until", "9999-12-31"],
        ["report", "monthly", "--month", "9999-12"],
        ["report", "ytd", "--school-year", "0000-01"],
        ["note", "show", "99999999999999999999", "--as", "1001", "--password-stdin"],
        ["officer", "passwd", "1001", "--password-stdin"],
    ],
)
def test_known_cases(runner: Runner, argv: list[str]) -> None:
    runner.fresh_folder()
    full = ["--db", "store.db", *argv]
    code, _out, err = runner.run(full, b"de\xffmo-password\n", "strict")
    check(full, code, err)
    assert code == 2
