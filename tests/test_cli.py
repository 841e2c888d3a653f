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

from sro_tui.cli import main
from sro_tui.store import db as store_db

from .conftest import PG_URL, TEST_PASSWORD

SRO = Path(sys.executable).with_name("sro")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the user's data folder, default store and audit key out of every test."""
    data = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("SRO_DATABASE_URL", "SRO_AUDIT_KEY_FILE", "SRO_SQLCIPHER_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    return data


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv))
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


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


def assert_healthy(capsys: pytest.CaptureFixture[str], db: str, badges: set[str]) -> None:
    code, out, err = run(capsys, "--db", db, "db", "check")
    assert (code, err) == (0, ""), out + err
    assert "Integrity: ok" in out
    code, out, err = run(capsys, "--db", db, "officer", "list")
    assert code == 0, err
    listed = {line.split()[0] for line in out.splitlines()[1:] if line.strip()} - {"(no"}
    assert listed == badges


def add_officer(capsys: pytest.CaptureFixture[str], db: str, badge: str) -> tuple[int, str, str]:
    return run(
        capsys,
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
        "--password-stdin",
        stdin=TEST_PASSWORD + "\n",
    )


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A SQLite store with one administrator, badge 3001."""
    path = str(tmp_path / "store.db")
    assert run(capsys, "--db", path, "init")[0] == 0
    code, _out, err = add_officer(capsys, path, "3001")
    assert code == 0, err
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
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert_one_error(code, err)
    assert out == ""


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
def test_bad_urls(capsys: pytest.CaptureFixture[str], url: str, expected: str) -> None:
    for argv in (["init"], ["db", "check"], ["officer", "list"]):
        code, _out, err = run(capsys, "--db", url, *argv)
        assert_one_error(code, err, expected)


def test_a_folder_is_not_a_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for argv in (["init"], ["db", "check"], ["seed-demo"]):
        code, _out, err = run(capsys, "--db", str(tmp_path), *argv)
        assert_one_error(code, err, "folder")


def test_a_path_that_cannot_be_opened(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a folder")
    code, _out, err = run(capsys, "--db", str(blocker / "store.db"), "init")
    assert_one_error(code, err)
    code, _out, err = run(capsys, "--db", str(tmp_path / "nowhere" / "store.db"), "init")
    assert_one_error(code, err, "does not exist")
    code, _out, err = run(capsys, "--db", str(tmp_path / "missing.db"), "officer", "list")
    assert_one_error(code, err, "no store")
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its mode")
def test_an_unreadable_file(capsys: pytest.CaptureFixture[str], store: str) -> None:
    os.chmod(store, 0)
    try:
        code, _out, err = run(capsys, "--db", store, "officer", "list")
        assert_one_error(code, err)
    finally:
        os.chmod(store, 0o644)
    assert_healthy(capsys, store, {"3001"})


def test_a_file_that_is_not_a_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    content = b"These are my notes, not a database.\n" * 200
    path.write_bytes(content)
    for argv in (["init"], ["db", "check"], ["db", "upgrade"], ["officer", "list"], ["seed-demo"]):
        code, _out, err = run(capsys, "--db", str(path), *argv)
        assert_one_error(code, err, "not an sro-tui store")
    assert path.read_bytes() == content


def test_a_locked_store(
    capsys: pytest.CaptureFixture[str], store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_SECONDS", 1)
    holder = sqlite3.connect(store, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO settings(key, value) VALUES ('held', 'x')")
        code, _out, err = add_officer(capsys, store, "1001")
        assert_one_error(code, err, "busy")
        code, _out, err = run(capsys, "--db", store, "seed-demo")
        assert_one_error(code, err, "busy")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_healthy(capsys, store, {"3001"})


def test_a_read_only_store(capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path) -> None:
    # Root ignores file modes, so ask SQLite itself for a read-only connection.
    read_only = f"sqlite:///{store}?mode=ro"
    code, out, err = run(capsys, "--db", read_only, "officer", "list")
    assert code == 0, err
    assert "3001" in out
    code, _out, err = add_officer(capsys, read_only, "1001")
    assert_one_error(code, err, "read-only")
    assert_healthy(capsys, store, {"3001"})
    empty = str(tmp_path / "empty.db")
    assert run(capsys, "--db", empty, "init")[0] == 0
    code, _out, err = run(capsys, "--db", f"sqlite:///{empty}?mode=ro", "seed-demo")
    assert_one_error(code, err, "read-only")
    assert_healthy(capsys, empty, set())


def test_a_duplicate_badge(capsys: pytest.CaptureFixture[str], store: str) -> None:
    code, _out, err = add_officer(capsys, store, "3001")
    assert_one_error(code, err, "already in use")
    code, _out, err = add_officer(capsys, store, " 3001 ")
    assert_one_error(code, err, "already in use")
    assert_healthy(capsys, store, {"3001"})


def test_a_bad_badge_and_unknown_school(capsys: pytest.CaptureFixture[str], store: str) -> None:
    code, _out, err = add_officer(capsys, store, "12 34")
    assert_one_error(code, err, "badge")
    code, _out, err = run(
        capsys,
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
        "--password-stdin",
        stdin=TEST_PASSWORD + "\n",
    )
    assert_one_error(code, err, "NOPE")
    assert_healthy(capsys, store, {"3001"})


def test_a_bad_setting_in_the_environment(
    capsys: pytest.CaptureFixture[str], store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SRO_TIMEZONE", "Mars/Olympus_Mons")
    code, _out, err = run(capsys, "--db", store, "officer", "list")
    assert_one_error(code, err, "SRO_TIMEZONE", "Mars/Olympus_Mons")


def test_a_damaged_audit_key_file(
    capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "short.key"
    key.write_bytes(b"short")
    monkeypatch.setenv("SRO_AUDIT_KEY_FILE", str(key))
    code, _out, err = run(capsys, "--db", store, "officer", "list")
    assert_one_error(code, err, "audit key")


def test_a_store_from_a_newer_version(capsys: pytest.CaptureFixture[str], store: str) -> None:
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    for argv in (["officer", "list"], ["db", "upgrade"], ["init"]):
        code, _out, err = run(capsys, "--db", store, *argv)
        assert_one_error(code, err, "newer sro-tui")
    code, out, _err = run(capsys, "--db", store, "db", "check")
    assert code == 1
    assert "newer sro-tui" in out


# --- demo data -----------------------------------------------------------------------------


def test_seed_demo_prints_counts_and_logins(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(tmp_path / "demo.db")
    code, out, err = run(capsys, "--db", path, "seed-demo")
    assert code == 0, err
    assert "incidents" in out and "total" in out
    for badge in ("1001", "2001", "3001"):
        assert f"badge {badge}" in out
    assert "password: demo" in out
    assert "Seeded" in err and "Traceback" not in err
    code, _out, err = run(capsys, "--db", path, "seed-demo")
    assert_one_error(code, err, "already seeded")
    code, out, err = run(capsys, "--db", path, "audit", "verify")
    assert code == 0, out + err
    code, out, err = run(capsys, "--db", path, "db", "check")
    assert code == 0 and "Integrity: ok" in out


def test_seed_demo_refuses_a_real_store(capsys: pytest.CaptureFixture[str], store: str) -> None:
    code, _out, err = run(capsys, "--db", store, "seed-demo")
    assert_one_error(code, err, "real records")
    assert_healthy(capsys, store, {"3001"})


@pytest.fixture
def app_runs(monkeypatch: pytest.MonkeyPatch) -> list:
    """Stand in for the TUI's run(): record the settings it would have opened."""
    import sro_tui.ui.app

    opened: list = []
    monkeypatch.setattr(sro_tui.ui.app, "run", lambda settings: opened.append(settings) or 0)
    return opened


def test_demo_makes_the_demo_store_once(
    capsys: pytest.CaptureFixture[str], isolated_env: Path, app_runs: list
) -> None:
    demo_file = isolated_env / "sro-tui" / "sro-demo.db"
    code, out, err = run(capsys, "demo")
    assert code == 0, err
    assert demo_file.exists()
    assert "badge 1001" in out and "badge 2001" in out and "badge 3001" in out
    assert "Seeded" in err
    assert [s.store_location() for s in app_runs] == [str(demo_file)]
    code, out, err = run(capsys, "demo")
    assert code == 0, err
    assert "Seeded" not in err  # already there
    assert "badge 1001" in out
    code, out, err = run(capsys, "demo", "--fresh")
    assert code == 0 and "Seeded" in err
    assert len(app_runs) == 3


def test_demo_ignores_the_real_store_setting(
    capsys: pytest.CaptureFixture[str],
    store: str,
    isolated_env: Path,
    app_runs: list,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SRO_DATABASE_URL", store)
    code, _out, err = run(capsys, "demo")
    assert code == 0, err
    assert app_runs[0].store_location() == str(isolated_env / "sro-tui" / "sro-demo.db")
    assert_healthy(capsys, store, {"3001"})


def test_demo_with_db(
    capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path, app_runs: list
) -> None:
    code, _out, err = run(capsys, "--db", store, "demo")
    assert_one_error(code, err, "not a demo store")
    code, _out, err = run(capsys, "--db", store, "demo", "--fresh")
    assert_one_error(code, err, "not a demo store")
    assert app_runs == []
    assert_healthy(capsys, store, {"3001"})
    other = str(tmp_path / "other-demo.db")
    code, _out, err = run(capsys, "--db", other, "demo")
    assert code == 0, err
    assert app_runs[0].store_location() == other


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if not PG_URL:
        pytest.skip("SRO_TEST_DATABASE_URL is not set")
    yield request.getfixturevalue("pg_schema_url")


def test_postgresql_init_officer_check(capsys: pytest.CaptureFixture[str], pg_url: str) -> None:
    assert run(capsys, "--db", pg_url, "init")[0] == 0
    code, _out, err = add_officer(capsys, pg_url, "3001")
    assert code == 0, err
    code, _out, err = add_officer(capsys, pg_url, "3001")
    assert_one_error(code, err, "already in use")
    code, _out, err = run(capsys, "--db", pg_url, "seed-demo")
    assert_one_error(code, err, "real records")
    assert_healthy(capsys, pg_url, {"3001"})


def test_postgresql_seed_demo(capsys: pytest.CaptureFixture[str], pg_url: str) -> None:
    code, out, err = run(capsys, "--db", pg_url, "seed-demo")
    assert code == 0, err
    assert "badge 1001" in out
    code, out, err = run(capsys, "--db", pg_url, "db", "check")
    assert code == 0 and "Integrity: ok" in out


def test_postgresql_missing_database(capsys: pytest.CaptureFixture[str], pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    missing = make_url(PG_URL).set(database="sro_no_such_database_x").render_as_string(False)
    code, _out, err = run(capsys, "--db", missing, "init")
    assert_one_error(code, err, "does not exist")


# --- the installed command, in a process of its own ---------------------------------------


def sro(*argv: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SRO), *argv], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_the_installed_command(tmp_path: Path, isolated_env: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRO_")}
    env.update(XDG_DATA_HOME=str(isolated_env), HOME=str(tmp_path))
    store = str(tmp_path / "store.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01 not sqlite " * 100)

    result = sro("--db", store, "init", env=env)
    assert result.returncode == 0, result.stderr
    add = ("--db", store, "officer", "add", "--badge", "3001", "--name", "A", "--password-stdin")
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
