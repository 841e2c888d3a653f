"""The `sro` command on bad input: one line on stderr starting "sro: ", exit code 2, no
traceback, and the store left as it was (`sro db check` still says ok)."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services
from sro_tui.store import db as store_db

from .conftest import PG_URL, TEST_PASSWORD, CliResult, RunCli, make_officer

SRO = Path(sys.executable).with_name("sro")


@pytest.fixture
def data_dir(cli_home: Path) -> Path:
    """XDG_DATA_HOME of the isolated home run_cli gives every command here."""
    return cli_home / "data"


def assert_one_error(code: int, err: str, *fragments: str) -> str:
    """Exit code 2 and exactly one line on stderr, "sro: ..."; returns that line."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sro: "), err
    assert code == 2
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), lines[0]
    return lines[0]


def assert_healthy(run_cli: RunCli, db: str, badges: set[str]) -> None:
    result = run_cli("--db", db, "db", "check")
    assert (result.code, result.err) == (0, ""), result.out + result.err
    assert "Integrity: ok" in result.out
    # A shared (PostgreSQL) store has no local administrator: 3001 signs in to list.
    signed = ("--as", "3001", "--password-stdin") if "://" in db else ()
    result = run_cli("--db", db, "officer", "list", *signed, stdin=TEST_PASSWORD + "\n")
    assert result.code == 0, result.err
    lines = result.out.splitlines()[1:]
    listed = {line.split()[0] for line in lines if line.strip()} - {"(no"}
    assert listed == badges


def add_officer(run_cli: RunCli, db: str, badge: str, *, first: bool = False) -> CliResult:
    """Add an administrator: the first of a new store, else signed in as 3001 (whose
    password, then the new officer's, are read from standard input)."""
    signed_in = () if first else ("--as", "3001")
    return run_cli(
        "--db",
        db,
        "officer",
        "add",
        "--badge",
        badge,
        "--name",
        f"Officer {badge}",
        "--role",
        "admin",
        *signed_in,
        "--password-stdin",
        stdin=TEST_PASSWORD + "\n" + TEST_PASSWORD + "\n",
    )


@pytest.fixture
def store(tmp_path: Path, run_cli: RunCli) -> str:
    """A SQLite store with one administrator, badge 3001."""
    path = str(tmp_path / "store.db")
    assert run_cli("--db", path, "init").code == 0
    result = add_officer(run_cli, path, "3001", first=True)
    assert result.code == 0, result.err
    return path


# --- what was typed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--bogus"],
        ["frobnicate"],
        ["officer"],
        ["officer", "add", "--badge", "1"],
        ["seed-demo", "--scale", "many"],
        ["seed-demo", "--scale", "0"],
        ["demo", "--scale", "-3"],
    ],
)
def test_usage_errors(run_cli: RunCli, argv: list[str]) -> None:
    result = run_cli(*argv)
    assert_one_error(result.code, result.err)
    assert result.out == ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("foo://x", "unsupported database"),
        ("mysql://u@h/x", "unsupported database"),
        ("postgresql://nohost.invalid/x", "not known"),
        ("postgresql://postgres@127.0.0.1:1/x", "cannot be reached"),
        ("sqlite:///relative/missing/folder/x.db", "does not exist"),
    ],
)
def test_bad_urls(run_cli: RunCli, url: str, expected: str) -> None:
    for argv in (["init"], ["db", "check"], ["officer", "list"]):
        result = run_cli("--db", url, *argv)
        assert_one_error(result.code, result.err, expected)


def test_a_folder_is_not_a_store(run_cli: RunCli, tmp_path: Path) -> None:
    for argv in (["init"], ["db", "check"], ["seed-demo"]):
        result = run_cli("--db", str(tmp_path), *argv)
        assert_one_error(result.code, result.err, "folder")


def test_a_path_that_cannot_be_opened(run_cli: RunCli, tmp_path: Path) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a folder")
    result = run_cli("--db", str(blocker / "store.db"), "init")
    assert_one_error(result.code, result.err)
    result = run_cli("--db", str(tmp_path / "nowhere" / "store.db"), "init")
    assert_one_error(result.code, result.err, "does not exist")
    result = run_cli("--db", str(tmp_path / "missing.db"), "officer", "list")
    assert_one_error(result.code, result.err, "no store")
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its mode")
def test_an_unreadable_file(run_cli: RunCli, store: str) -> None:
    os.chmod(store, 0)
    try:
        result = run_cli("--db", store, "officer", "list")
        assert_one_error(result.code, result.err)
    finally:
        os.chmod(store, 0o644)
    assert_healthy(run_cli, store, {"3001"})


def test_a_file_that_is_not_a_store(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    content = b"These are my notes, not a database.\n" * 200
    path.write_bytes(content)
    for argv in (["init"], ["db", "check"], ["db", "upgrade"], ["officer", "list"], ["seed-demo"]):
        result = run_cli("--db", str(path), *argv)
        assert_one_error(result.code, result.err, "not an sro-tui store")
    assert path.read_bytes() == content


def test_a_locked_store(run_cli: RunCli, store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_SECONDS", 1)
    holder = sqlite3.connect(store, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO settings(key, value) VALUES ('held', 'x')")
        result = add_officer(run_cli, store, "1001")
        assert_one_error(result.code, result.err, "busy")
        result = run_cli("--db", store, "seed-demo")
        assert_one_error(result.code, result.err, "busy")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_healthy(run_cli, store, {"3001"})


def test_a_read_only_store(run_cli: RunCli, store: str, tmp_path: Path) -> None:
    # Root ignores file modes, so ask SQLite itself for a read-only connection.
    read_only = f"sqlite:///{store}?mode=ro"
    result = run_cli("--db", read_only, "officer", "list")
    assert result.code == 0, result.err
    assert "3001" in result.out
    result = add_officer(run_cli, read_only, "1001")
    assert_one_error(result.code, result.err, "read-only")
    assert_healthy(run_cli, store, {"3001"})
    empty = str(tmp_path / "empty.db")
    assert run_cli("--db", empty, "init").code == 0
    result = run_cli("--db", f"sqlite:///{empty}?mode=ro", "seed-demo")
    assert_one_error(result.code, result.err, "read-only")
    assert_healthy(run_cli, empty, set())


def test_a_duplicate_badge(run_cli: RunCli, store: str) -> None:
    result = add_officer(run_cli, store, "3001")
    assert_one_error(result.code, result.err, "already in use")
    result = add_officer(run_cli, store, " 3001 ")
    assert_one_error(result.code, result.err, "already in use")
    assert_healthy(run_cli, store, {"3001"})


def test_a_bad_badge_and_unknown_school(run_cli: RunCli, store: str) -> None:
    result = add_officer(run_cli, store, "12 34")
    assert_one_error(result.code, result.err, "badge")
    result = run_cli(
        "--db",
        store,
        "officer",
        "add",
        "--badge",
        "1001",
        "--name",
        "X",
        "--school",
        "NOPE",
        "--as",
        "3001",
        "--password-stdin",
        stdin=TEST_PASSWORD + "\n" + TEST_PASSWORD + "\n",
    )
    assert_one_error(result.code, result.err, "NOPE")
    assert_healthy(run_cli, store, {"3001"})


def test_a_bad_setting_in_the_environment(
    run_cli: RunCli, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SRO_TIMEZONE", "Mars/Olympus_Mons")
    result = run_cli("--db", store, "officer", "list")
    assert_one_error(result.code, result.err, "SRO_TIMEZONE", "Mars/Olympus_Mons")


def test_a_damaged_audit_key_file(
    run_cli: RunCli, store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "short.key"
    key.write_bytes(b"short")
    monkeypatch.setenv("SRO_AUDIT_KEY_FILE", str(key))
    result = run_cli("--db", store, "officer", "list")
    assert_one_error(result.code, result.err, "audit key")


def test_a_store_from_a_newer_version(run_cli: RunCli, store: str) -> None:
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    for argv in (["officer", "list"], ["db", "upgrade"], ["init"]):
        result = run_cli("--db", store, *argv)
        assert_one_error(result.code, result.err, "newer sro-tui")
    result = run_cli("--db", store, "db", "check")
    assert result.code == 1
    assert "newer sro-tui" in result.out


# --- demo data -----------------------------------------------------------------------------


def test_seed_demo_prints_counts_and_logins(run_cli: RunCli, tmp_path: Path) -> None:
    path = str(tmp_path / "demo.db")
    result = run_cli("--db", path, "seed-demo")
    assert result.code == 0, result.err
    assert "incidents" in result.out and "total" in result.out
    for badge in ("1001", "2001", "3001"):
        assert f"badge {badge}" in result.out
    assert "password: demo" in result.out
    assert "Seeded" in result.err and "Traceback" not in result.err
    result = run_cli("--db", path, "seed-demo")
    assert_one_error(result.code, result.err, "already seeded")
    result = run_cli("--db", path, "audit", "verify")
    assert result.code == 0, result.out + result.err
    result = run_cli("--db", path, "db", "check")
    assert result.code == 0 and "Integrity: ok" in result.out


def test_seed_demo_refuses_a_real_store(run_cli: RunCli, store: str) -> None:
    result = run_cli("--db", store, "seed-demo")
    assert_one_error(result.code, result.err, "real records")
    assert_healthy(run_cli, store, {"3001"})


@pytest.fixture
def app_runs(monkeypatch: pytest.MonkeyPatch) -> list:
    """Stand in for the TUI's run(): record the settings it would have opened (as if in a
    terminal: `sro demo` refuses to start without one)."""
    import sro_tui.cli.app
    import sro_tui.ui.app

    monkeypatch.setattr(sro_tui.cli.app, "_is_terminal", lambda stream: True)
    opened: list = []
    monkeypatch.setattr(sro_tui.ui.app, "run", lambda settings: opened.append(settings) or 0)
    return opened


def test_demo_makes_the_demo_store_once(run_cli: RunCli, data_dir: Path, app_runs: list) -> None:
    demo_file = data_dir / "sro-tui" / "sro-demo.db"
    result = run_cli("demo")
    assert result.code == 0, result.err
    assert demo_file.exists()
    out = result.out
    assert "badge 1001" in out and "badge 2001" in out and "badge 3001" in out
    assert "Seeded" in result.err
    assert [s.store_location() for s in app_runs] == [str(demo_file)]
    result = run_cli("demo")
    assert result.code == 0, result.err
    assert "Seeded" not in result.err  # already there
    assert "badge 1001" in result.out
    result = run_cli("demo", "--fresh")
    assert result.code == 0 and "Seeded" in result.err
    assert len(app_runs) == 3


def test_demo_ignores_the_real_store_setting(
    run_cli: RunCli,
    store: str,
    data_dir: Path,
    app_runs: list,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SRO_DATABASE_URL", store)
    result = run_cli("demo")
    assert result.code == 0, result.err
    assert app_runs[0].store_location() == str(data_dir / "sro-tui" / "sro-demo.db")
    assert_healthy(run_cli, store, {"3001"})


def test_demo_with_db(run_cli: RunCli, store: str, tmp_path: Path, app_runs: list) -> None:
    result = run_cli("--db", store, "demo")
    assert_one_error(result.code, result.err, "not a demo store")
    result = run_cli("--db", store, "demo", "--fresh")
    assert_one_error(result.code, result.err, "not a demo store")
    assert app_runs == []
    assert_healthy(run_cli, store, {"3001"})
    other = str(tmp_path / "other-demo.db")
    result = run_cli("--db", other, "demo")
    assert result.code == 0, result.err
    assert app_runs[0].store_location() == other


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if not PG_URL:
        pytest.skip("SRO_TEST_DATABASE_URL is not set")
    yield request.getfixturevalue("pg_schema_url")


def test_postgresql_init_officer_check(run_cli: RunCli, pg_url: str) -> None:
    assert run_cli("--db", pg_url, "init").code == 0
    result = add_officer(run_cli, pg_url, "3001", first=True)
    assert result.code == 0, result.err
    result = add_officer(run_cli, pg_url, "3001")
    assert_one_error(result.code, result.err, "already in use")
    result = run_cli("--db", pg_url, "seed-demo")
    assert_one_error(result.code, result.err, "real records")
    assert_healthy(run_cli, pg_url, {"3001"})


def test_postgresql_seed_demo(run_cli: RunCli, pg_url: str) -> None:
    result = run_cli("--db", pg_url, "seed-demo")
    assert result.code == 0, result.err
    assert "badge 1001" in result.out
    result = run_cli("--db", pg_url, "db", "check")
    assert result.code == 0 and "Integrity: ok" in result.out


def test_postgresql_missing_database(run_cli: RunCli, pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    missing = make_url(PG_URL).set(database="sro_no_such_database_x").render_as_string(False)
    result = run_cli("--db", missing, "init")
    assert_one_error(result.code, result.err, "does not exist")


# --- the installed command, in a process of its own ---------------------------------------


def sro(*argv: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SRO), *argv], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_the_installed_command(tmp_path: Path, cli_home: Path, data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRO_")}
    env.update(XDG_DATA_HOME=str(data_dir), HOME=str(cli_home))
    store = str(tmp_path / "store.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01 not sqlite " * 100)

    result = sro("--db", store, "init", env=env)
    assert result.returncode == 0, result.stderr
    add = ("--db", store, "officer", "add", "--role", "admin", "--badge", "3001", "--name", "A")
    add += ("--password-stdin",)
    assert sro(*add, env=env, stdin=TEST_PASSWORD + "\n").returncode == 0
    for argv, stdin in (
        (["--bogus"], ""),
        (["--db", str(junk), "officer", "list"], ""),
        (list(add), TEST_PASSWORD + "\n"),
    ):
        result = sro(*argv, env=env, stdin=stdin)
        assert_one_error(result.returncode, result.stderr)
        assert result.stdout == ""
    result = sro("--db", store, "db", "check", env=env)
    assert result.returncode == 0 and "Integrity: ok" in result.stdout


# --- every value checked before use (issue 9/10) -------------------------------------------


@pytest.fixture
def admin_store(sqlite_services: Services, cli_home: Path) -> str:
    """A store as `sro init` leaves it (a copy of the test template, faster than `init`)
    with one administrator, badge 3001, whose password is TEST_PASSWORD; `sro` finds the
    audit key the store is signed with (cli_home)."""
    make_officer(sqlite_services, "3001", "admin", ())
    path = sqlite_services.db.sqlite_path
    assert path is not None
    return str(path)


def signed_in(store: str, *argv: str) -> tuple[str, ...]:
    """`sro --db STORE ARGV... --as 3001 --password-stdin` (give TEST_PASSWORD on stdin)."""
    return ("--db", store, *argv, "--as", "3001", "--password-stdin")


def assert_refused(result: CliResult, argv: object, *fragments: str) -> None:
    try:
        assert_one_error(result.code, result.err, *fragments)
    except AssertionError as exc:
        raise AssertionError(f"sro {argv}: {exc}") from None


DATES_OUT_OF_RANGE = [
    (["audit", "export", "--since", "2026-01-01", "--until", "9999-12-31"], "--until"),
    (["audit", "export", "--since", "0001-01-01"], "--since"),
    (["export", "--format", "csv", "--since", "2026-01-01", "--until", "9999-12-31"], "--until"),
    (["export", "--format", "json", "--since", "0001-01-01"], "--since"),
    (["report", "daily", "--officer", "3001", "--date", "9999-12-31"], "--date"),
    (["report", "daily", "--officer", "3001", "--date", "0001-01-01"], "--date"),
    (["report", "daily", "--officer", "3001", "--date", "0000-00-00"], "--date"),
    (["report", "monthly", "--month", "9999-12"], "month"),
    (["report", "monthly", "--month", "1899-12"], "month"),
    (["report", "ytd", "--school-year", "9999-00"], "school year"),
    (["report", "federal", "--school-year", "0000-01"], "school year"),
]


def test_dates_out_of_range(run_cli: RunCli, admin_store: str, tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    for argv, option in DATES_OUT_OF_RANGE:
        if argv[0] == "export":
            argv = [*argv, "-o", out]
        assert_refused(run_cli("--db", admin_store, *argv), argv, option)
    assert not Path(out).exists()
    for option in ("--since", "--until"):
        for day in ("9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"):
            argv = signed_in(admin_store, "incident", "list", option, day)
            assert_refused(run_cli(*argv, stdin=TEST_PASSWORD), argv, option, day)


def test_the_edges_of_the_date_range_work(run_cli: RunCli, admin_store: str) -> None:
    store = admin_store
    result = run_cli(
        "--db", store, "audit", "export", "--since", "1900-01-01", "--until", "2200-12-31"
    )
    assert result.code == 0, result.err
    assert result.out.startswith("\ufeffid,")  # the BOM first (domain.csv_safe)
    for day in ("1900-01-01", "2200-12-31"):
        result = run_cli("--db", store, "report", "daily", "--officer", "3001", "--date", day)
        assert result.code == 0, result.err
    for month in ("1900-01", "2200-12"):
        result = run_cli("--db", store, "report", "monthly", "--month", month, "--format", "csv")
        assert result.code == 0, result.err
    for year in ("1900-01", "2199-00"):
        result = run_cli("--db", store, "report", "ytd", "--school-year", year, "--format", "csv")
        assert result.code == 0, result.err
    for option in ("--since", "--until"):
        for day in ("1900-01-01", "2200-12-31"):
            argv = signed_in(store, "incident", "list", option, day)
            result = run_cli(*argv, stdin=TEST_PASSWORD)
            assert result.code == 0, result.err


HUGE = "99999999999999999999"

NUMBERS_OUT_OF_RANGE = [
    (["search", "x", "--limit", HUGE], "--limit"),
    (["search", "x", "--limit", "0"], "--limit"),
    (["students", "search", "x", "--limit", "-5"], "--limit"),
    (["students", "search", "x", "--limit", HUGE], "--limit"),
    (["backup", "--auto", "--keep", "0"], "--keep"),
    (["backup", "--auto", "--keep", HUGE], "--keep"),
    (["seed-demo", "--scale", HUGE], "--scale"),
    (["demo", "--scale", "1" * 5000], "--scale"),
]
SIGNED_IN_NUMBERS_OUT_OF_RANGE = [
    (["note", "show", HUGE], "ID"),
    (["note", "show", "0"], "ID"),
    (["note", "show", "-1"], "ID"),
    (["note", "show", str(2**63)], "ID"),
    (["note", "show", str(2**31)], "ID"),
    (["incident", "list", "--limit", HUGE], "--limit"),
    (["incident", "list", "--limit", "-1"], "--limit"),
    (["incident", "show", "SRO 2026 x"], "NUMBER"),
    (["incident", "approve", "SRO-" + "9" * 100], "NUMBER"),
    (["students", "timeline", "S1", "--limit", "0"], "--limit"),
    (["students", "timeline", "S1", "--limit", HUGE], "--limit"),
]


def test_numbers_out_of_range(run_cli: RunCli, admin_store: str) -> None:
    for argv, fragment in NUMBERS_OUT_OF_RANGE:
        assert_refused(run_cli("--db", admin_store, *argv), argv, fragment)
    for argv, fragment in SIGNED_IN_NUMBERS_OUT_OF_RANGE:
        result = run_cli(*signed_in(admin_store, *argv), stdin=TEST_PASSWORD)
        assert_refused(result, argv, fragment)
    # The largest id there can be is only not found.
    result = run_cli(*signed_in(admin_store, "note", "show", str(2**31 - 1)), stdin=TEST_PASSWORD)
    assert_refused(result, "note show 2**31-1", "no")


def test_the_largest_id_is_only_not_found_on_every_store(
    run_cli: RunCli, db_url: str, officer: Actor
) -> None:
    """PostgreSQL keeps ids in 32 bits: the largest id the CLI takes is one both stores hold."""
    argv = ("--db", db_url, "note", "show", str(2**31 - 1), "--as", "1001", "--password-stdin")
    result = run_cli(*argv, stdin=TEST_PASSWORD)
    assert_refused(result, "note show 2**31-1", "no")


def bytes_stdin(data: bytes, errors: str = "strict") -> io.TextIOWrapper:
    """A standard input like the real one: text over a byte buffer."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=errors)


READS_STDIN = [
    ["officer", "add", "--badge", "1001", "--name", "A", "--as", "3001", "--password-stdin"],
    ["officer", "passwd", "3001", "--as", "3001", "--password-stdin"],
    ["note", "show", "1", "--as", "3001", "--password-stdin"],
    ["report", "daily", "--as", "3001", "--password-stdin"],
    ["store", "encrypt", "--passphrase", "--passphrase-stdin"],
    ["mfa", "enable", "3001", "--code-stdin", "--as", "3001", "--password-stdin"],
]


@pytest.mark.parametrize(
    ("data", "errors", "fragment"),
    [
        (b"pass\xff\xfeword-long\n", "strict", "UTF-8"),  # a UTF-8 locale
        (b"pass\xff\xfeword-long\n", "surrogateescape", "UTF-8"),  # the C locale
        (b"pass\x00word-long\n", "strict", "NUL"),
    ],
)
def test_stdin_that_is_not_text(
    admin_store: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    errors: str,
    fragment: str,
) -> None:
    from sro_tui.cli import main

    for argv in READS_STDIN:
        capsys.readouterr()
        monkeypatch.setattr("sys.stdin", bytes_stdin(data, errors))
        code = main(["--db", admin_store, *argv])
        assert_refused(CliResult(code, "", capsys.readouterr().err), argv, fragment)
    with sqlite3.connect(admin_store) as connection:
        assert connection.execute("SELECT count(*) FROM officers").fetchone() == (1,)


def test_a_prompt_that_is_not_utf8(
    admin_store: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import getpass

    from sro_tui.cli import main

    def broken_getpass(prompt: str = "") -> str:
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    stdin = bytes_stdin(b"")
    monkeypatch.setattr(stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stdin", stdin)
    monkeypatch.setattr(getpass, "getpass", broken_getpass)
    for argv in (
        ["officer", "passwd", "3001", "--as", "3001"],
        ["note", "show", "1", "--as", "3001"],
    ):
        capsys.readouterr()
        code = main(["--db", admin_store, *argv])
        assert_refused(CliResult(code, "", capsys.readouterr().err), argv, "UTF-8")


@pytest.mark.slow
def test_the_installed_command_with_bad_bytes(tmp_path: Path, cli_home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRO_")}
    env.update(HOME=str(cli_home), XDG_DATA_HOME=str(cli_home / "data"), LC_ALL="C.UTF-8")
    env["SRO_AUDIT_KEY_FILE"] = os.environ["SRO_AUDIT_KEY_FILE"]
    store = str(tmp_path / "store.db")
    add = [str(SRO), "--db", store, "officer", "add", "--role", "admin"]
    add += ["--badge", "3001", "--name", "A"]
    result = subprocess.run(
        [*add, "--password-stdin"],
        env=env,
        input=b"secret\xff\xfe-password\n",
        capture_output=True,
        timeout=120,
    )
    assert_one_error(result.returncode, result.stderr.decode("utf-8", "replace"), "UTF-8")
    # A badge typed in another encoding reaches argv as surrogate escapes.
    result = subprocess.run(
        [*add[:-4], b"--badge", b"30\xe901", b"--name", b"A", b"--password-stdin"],
        env=env,
        input=TEST_PASSWORD.encode() + b"\n",
        capture_output=True,
        timeout=120,
    )
    assert_one_error(result.returncode, result.stderr.decode("utf-8", "replace"), "UTF-8")


def test_db_after_the_subcommand(run_cli: RunCli, tmp_path: Path, app_runs: list) -> None:
    path = str(tmp_path / "late.db")
    result = run_cli("init", "--db", path)
    assert result.code == 0, result.err
    assert Path(path).exists()
    result = add_officer(run_cli, path, "3001", first=True)
    assert result.code == 0, result.err
    for argv in (
        ["officer", "list", "--db", path],
        ["officer", "--db", path, "list"],
        ["db", "check", "--db", path],
        ["--db", path, "officer", "list", "--db", path],
    ):
        result = run_cli(*argv)
        assert result.code == 0, (argv, result.err)
        assert "Integrity: ok" in result.out or "3001" in result.out
    demo = str(tmp_path / "demo.db")
    result = run_cli("demo", "--db", demo)
    assert result.code == 0, result.err
    assert [s.store_location() for s in app_runs] == [demo]
    other = str(tmp_path / "other.db")
    result = run_cli("--db", other, "officer", "list", "--db", path)
    assert_one_error(result.code, result.err, "--db")
    assert not Path(other).exists()
    for argv in (["--db", "", "init"], ["init", "--db", " "], ["--db", "", "demo"]):
        assert_refused(run_cli(*argv), argv, "--db", "empty")
    assert len(app_runs) == 1


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> list:
    """The TUI must not start: its run() records the attempt instead."""
    import sro_tui.ui.app

    opened: list = []
    monkeypatch.setattr(sro_tui.ui.app, "run", lambda settings: opened.append(settings) or 0)
    return opened


@pytest.mark.parametrize("tty", [(False, False), (True, False), (False, True)])
def test_the_app_needs_a_terminal(
    run_cli: RunCli,
    admin_store: str,
    data_dir: Path,
    no_app: list,
    monkeypatch: pytest.MonkeyPatch,
    tty: tuple[bool, bool],
) -> None:
    import sro_tui.cli.app

    monkeypatch.setattr(sro_tui.cli.app, "_is_terminal", lambda stream: tty[stream is sys.stdout])
    for argv in ([], ["--db", admin_store], ["demo"], ["--db", str(data_dir / "x.db"), "demo"]):
        result = run_cli(*argv)
        assert_refused(result, argv, "terminal")
        assert result.out == ""
    assert no_app == []
    assert not (data_dir / "x.db").exists()
    assert not (data_dir / "sro-tui" / "sro-demo.db").exists()


def test_a_key_file_that_is_not_a_key(run_cli: RunCli, admin_store: str, tmp_path: Path) -> None:
    # Found by the fuzzer: `sro store encrypt --key-file` on a binary file was a traceback.
    binary = tmp_path / "binary.key"
    binary.write_bytes(b"\x00\xff\xfe SQLite format 3\x00" * 10)
    with_nul = tmp_path / "nul.key"
    with_nul.write_bytes(b"a passphrase\x00with a NUL\n")
    for key in (binary, with_nul):
        argv = ["--db", admin_store, "store", "encrypt", "--key-file", str(key)]
        assert_refused(run_cli(*argv), argv, "not a store key file")
    assert Path(admin_store).read_bytes().startswith(b"SQLite format 3\x00")


def test_a_reader_that_goes_away_is_no_error(tmp_path: Path) -> None:
    """`sro keys | head -1`: the pipe closed by its reader ends the command quietly, with the
    shell's code for it, never 'sro: Broken pipe' on stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line
    try:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "sro"), "keys"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "HOME": str(tmp_path)},
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, "")
