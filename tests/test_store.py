"""The store's engine: SQLite tuned for several terminals on one file, write transactions that
take the write lock when they begin, and clear messages when a store cannot be used."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from sro_tui.domain.errors import StoreUnreachable
from sro_tui.services.registry import prepare_store
from sro_tui.store import db as store_db
from sro_tui.store.db import Database, friendly_store_error
from sro_tui.store.models import School, Setting
from sro_tui.store.urls import resolve_url

from .stores import copy_sqlite_store


@pytest.fixture
def store(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite store."""
    database = Database(copy_sqlite_store(sqlite_template, tmp_path / "store.db"))
    try:
        yield database
    finally:
        database.dispose()


def other_connection(db: Database) -> sqlite3.Connection:
    """A second terminal on the same file, giving up at once when the lock is taken."""
    assert db.sqlite_path is not None
    return sqlite3.connect(db.sqlite_path, timeout=0, isolation_level=None)


# --- tuning ----------------------------------------------------------------------------------


def test_sqlite_pragmas(store: Database) -> None:
    for opener in (store.read, store.write):
        with opener() as session:

            def pragma(name: str, session=session) -> object:  # type: ignore[no-untyped-def]
                return session.execute(text(f"PRAGMA {name}")).scalar()

            assert str(pragma("journal_mode")).lower() == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("synchronous") == 2  # FULL
            assert pragma("busy_timeout") == store_db.BUSY_TIMEOUT_SECONDS * 1000
            # A small page cache per connection (negative: KiB), not SQLite's 2,000 KiB.
            assert pragma("cache_size") == -store_db.SQLITE_PAGE_CACHE_KIB == -512


def test_foreign_keys_are_enforced(store: Database) -> None:
    with pytest.raises(IntegrityError), store.write() as session:
        session.execute(
            text("INSERT INTO officer_schools (officer_id, school_id) VALUES (999, 999)")
        )


# --- write transactions ----------------------------------------------------------------------


def test_write_takes_the_lock_when_it_begins(store: Database) -> None:
    """BEGIN IMMEDIATE: another writer is kept out even before the first statement."""
    other = other_connection(store)
    try:
        with store.write(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the write ended
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_two_writers_that_read_first_do_not_deadlock(store: Database) -> None:
    """Both read, then write: the second waits for the first instead of failing at once
    (with a deferred BEGIN one of them would get "database is locked" immediately)."""
    first_has_read = threading.Event()
    errors: list[BaseException] = []

    def writer(name: str, wait_for: threading.Event | None) -> None:
        try:
            if wait_for is not None:
                wait_for.wait(10)
            with store.write() as session:
                session.scalar(select(func.count()).select_from(Setting))
                if wait_for is None:
                    first_has_read.set()
                    threading.Event().wait(0.3)  # hold the transaction a moment
                session.add(Setting(key=f"writer_{name}", value=name))
        except BaseException as exc:  # the test reports it
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=("a", None)),
        threading.Thread(target=writer, args=("b", first_has_read)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with store.read() as session:
        keys = set(session.scalars(select(Setting.key).where(Setting.key.like("writer_%"))))
    assert keys == {"writer_a", "writer_b"}


def test_read_transactions_do_not_block_writers(store: Database) -> None:
    other = other_connection(store)
    try:
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(School)) == 4
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO settings (key, value) VALUES ('from_other', '1')")
            other.execute("COMMIT")
            # The reader keeps its snapshot until it ends.
            assert session.get(Setting, "from_other") is None
        with store.read() as session:
            assert session.get(Setting, "from_other") is not None
    finally:
        other.close()


def test_reads_go_on_while_someone_writes(store: Database) -> None:
    other = other_connection(store)
    try:
        other.execute("BEGIN EXCLUSIVE")
        other.execute("INSERT INTO settings (key, value) VALUES ('pending', '1')")
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(School)) == 4
            assert session.get(Setting, "pending") is None
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_write_commits_or_rolls_back_whole(db: Database) -> None:
    prepare_store(db)
    with db.write() as session:
        session.add(Setting(key="kept", value="1"))
    with pytest.raises(RuntimeError), db.write() as session:
        session.add(Setting(key="lost", value="1"))
        session.flush()
        raise RuntimeError("a failure half-way")
    with db.read() as session:
        session.add(Setting(key="read_only_change", value="1"))
        session.flush()
    with db.read() as session:
        keys = set(session.scalars(select(Setting.key)))
    assert "kept" in keys
    assert not {"lost", "read_only_change"} & keys


def test_integrity_errors_reach_the_service(db: Database) -> None:
    """A unique clash is not a store failure: services turn it into Conflict themselves."""
    prepare_store(db)
    with pytest.raises(IntegrityError), db.write() as session:
        session.add(School(code="VHS", name="Again", level="high"))
        session.flush()


# --- stores that cannot be used --------------------------------------------------------------


def test_a_locked_store(store: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_SECONDS", 1)
    assert store.sqlite_path is not None
    impatient = Database(store.sqlite_path)
    other = other_connection(store)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreUnreachable, match="busy"), impatient.write() as session:
            session.add(Setting(key="x", value="1"))
        other.execute("ROLLBACK")
        with impatient.write() as session:  # and fine once it is free
            session.add(Setting(key="x", value="1"))
    finally:
        other.close()
        impatient.dispose()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "letter.db"
    path.write_bytes(b"Dear officer, this is not a database. " * 100)
    database = Database(path)
    try:
        with pytest.raises(StoreUnreachable, match="not an sro-tui store"):
            database.ping()
        with pytest.raises(StoreUnreachable, match="not an sro-tui store"), database.write():
            pass
    finally:
        database.dispose()
    assert path.read_bytes().startswith(b"Dear officer")


def test_a_folder_and_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreUnreachable, match="folder"):
        Database(tmp_path)
    with pytest.raises(StoreUnreachable, match="does not exist"):
        Database(tmp_path / "missing" / "store.db")


def test_a_read_only_store(store: Database) -> None:
    assert store.sqlite_path is not None
    read_only = Database(f"sqlite:///{store.sqlite_path}?mode=ro")
    try:
        assert read_only.sqlite_path == store.sqlite_path
        with read_only.read() as session:
            assert session.scalar(select(func.count()).select_from(School)) == 4
        with pytest.raises(StoreUnreachable, match="read-only"), read_only.write() as session:
            session.add(Setting(key="x", value="1"))
    finally:
        read_only.dispose()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("database is locked", "busy"),
        ("attempt to write a readonly database", "read-only"),
        ("database or disk is full", "disk is full"),
        ("file is not a database", "not an sro-tui store"),
        ("unable to open database file", "cannot be opened"),
        ("database disk image is malformed", "damaged"),
        ('connection to server at "db" failed: Connection refused', "cannot be reached"),
        ("failed to resolve host 'nohost.invalid'", "not known"),
        ('FATAL: database "x" does not exist', "does not exist"),
        ('FATAL: role "nobody" does not exist', "refused the sign-in"),
        ('FATAL: password authentication failed for user "sro"', "refused the sign-in"),
        ("something else\nwith a second line", "something else"),
    ],
)
def test_friendly_messages(message: str, expected: str) -> None:
    friendly = friendly_store_error(Exception(message))
    assert expected in friendly
    assert "\n" not in friendly


def test_urls() -> None:
    assert resolve_url("postgresql://u@h/x").drivername == "postgresql+psycopg"
    assert resolve_url("sqlite:///x.db").drivername == "sqlite+pysqlite"
    uri = resolve_url("sqlite:////tmp/x.db?mode=ro")
    assert uri.query["uri"] == "true" and uri.database == "file:/tmp/x.db"
    for bad in ("foo://x", "mysql://u@h/x", "   "):
        with pytest.raises(StoreUnreachable):
            resolve_url(bad)
