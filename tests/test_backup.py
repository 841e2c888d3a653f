"""Backup, restore and automatic daily backups of a store."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sro_tui.domain.errors import Conflict, PermissionDenied, SroError, StoreUnreachable
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.services.registry import Services, build_services, prepare_store
from sro_tui.store.db import Database
from sro_tui.store.models import AuditEvent, Incident

from .conftest import TEST_AUDIT_KEY, Clock, RunCli
from .test_search import add_incident

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from sqlalchemy import select
    from sro_tui.domain.officers import SYSTEM_ACTOR
    from sro_tui.services.registry import build_services
    from sro_tui.store.db import Database
    from sro_tui.store.models import Incident, Location

    store, stop, key = sys.argv[1], Path(sys.argv[2]), sys.argv[3].encode()
    services = build_services(Database(store), audit_key=key, terminal="writer")
    n = 0
    while not stop.exists() and n < 100_000:
        with services.db.write() as session:
            first = session.get(Incident, 1)
            now = services.ctx.now()
            session.add(Incident(
                number=f"W-{n:07d}", status="draft", school_id=first.school_id,
                school_year="2026-27", officer_id=first.officer_id,
                location_id=first.location_id, occurred_at=now, entered_at=now,
                updated_at=now, narrative="written while a backup runs " * 20,
            ))
            services.audit.record(session, SYSTEM_ACTOR, "writer.tick")
        n += 1
        if n == 20:
            print("ready", flush=True)
    print(n, flush=True)
    """
)


def count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def integrity(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [r[0] for r in connection.execute("PRAGMA integrity_check")]


@pytest.fixture
def store(sqlite_services: Services) -> Path:
    path = sqlite_services.db.sqlite_path
    assert path is not None
    return path


@pytest.fixture
def admin_actor(sqlite_services: Services) -> Actor:
    from .conftest import make_officer

    return make_officer(sqlite_services, "3001", "admin", ())


@pytest.fixture
def writer(sqlite_services: Services, store: Path, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """Another process writing incidents and audit events in a loop until told to stop."""
    officer = SYSTEM_ACTOR
    from .conftest import make_officer

    officer = make_officer(sqlite_services, "1001")
    add_incident(sqlite_services, officer, "first")
    stop = tmp_path / "stop"
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store), str(stop), TEST_AUDIT_KEY.decode()],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    try:
        yield process
    finally:
        stop.touch()
        process.wait(timeout=60)


def stop_writer(process: subprocess.Popen, tmp_path: Path) -> int:
    (tmp_path / "stop").touch()
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    return int(out.split()[-1])


@pytest.mark.slow
def test_backup_while_another_process_writes_then_restore(
    sqlite_services: Services, store: Path, writer, admin_actor: Actor, tmp_path: Path
) -> None:
    dest = tmp_path / "copy.db"
    info = sqlite_services.backup.backup(admin_actor, dest)
    assert info.path == dest and info.size_bytes == dest.stat().st_size
    assert integrity(dest) == ["ok"]
    assert not Path(f"{dest}-wal").exists()  # a single self-contained file
    in_backup = count(dest, "incidents")
    assert in_backup >= 21
    assert sqlite_services.backup.check_backup(dest) == info.schema

    # The writer is still open on the store: restore must refuse.
    with pytest.raises(StoreUnreachable, match="Another terminal"):
        sqlite_services.backup.restore(admin_actor, dest)
    written = stop_writer(writer, tmp_path)
    assert count(store, "incidents") == written + 1 > in_backup

    restored = sqlite_services.backup.restore(admin_actor, dest)
    assert restored.set_aside.exists() and restored.set_aside.name.startswith("store.before-")
    assert count(restored.set_aside, "incidents") == written + 1
    with sqlite_services.db.read() as session:  # the service reconnects to the restored store
        assert session.scalar(select(func.count()).select_from(Incident)) == in_backup
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-1] == "store.restore"
    assert "store.backup" not in actions  # recorded after the copy was taken
    assert integrity(store) == ["ok"]


def test_damaged_and_foreign_files_are_refused(
    sqlite_services: Services, store: Path, admin_actor: Actor, tmp_path: Path
) -> None:
    for n in range(30):
        add_incident(sqlite_services, admin_actor, f"padding narrative {n} " * 200)
    good = sqlite_services.backup.backup(admin_actor, tmp_path / "good.db").path
    data = good.read_bytes()

    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(data[: len(data) // 2])
    corrupt = tmp_path / "corrupt.db"
    middle = len(data) // 2
    corrupt.write_bytes(data[:middle] + b"\xde\xad\xbe\xef" * 1024 + data[middle + 4096 :])
    for bad in (truncated, corrupt):  # no checksum files: what SQLite itself finds
        with pytest.raises(SroError, match="damaged"):
            sqlite_services.backup.restore(admin_actor, bad, without_checksum=True)

    foreign = tmp_path / "foreign.db"
    with closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
        connection.commit()
    with pytest.raises(SroError, match="not an sro-tui store"):
        sqlite_services.backup.restore(admin_actor, foreign, without_checksum=True)
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello " * 200)
    with pytest.raises(SroError, match="not a SQLite database"):
        sqlite_services.backup.restore(admin_actor, text_file, without_checksum=True)
    with pytest.raises(SroError, match="No backup file"):
        sqlite_services.backup.restore(admin_actor, tmp_path / "missing.db")

    newer = tmp_path / "newer.db"
    newer.write_bytes(data)
    with closing(sqlite3.connect(newer)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()
    with pytest.raises(SroError, match="newer sro-tui"):
        sqlite_services.backup.restore(admin_actor, newer, without_checksum=True)

    # Nothing was touched by the refusals.
    assert not list(store.parent.glob("*.before-restore-*"))
    assert count(store, "incidents") == 30


def test_backup_refuses_to_overwrite_and_needs_an_admin(
    sqlite_services: Services, admin_actor: Actor, tmp_path: Path
) -> None:
    from .conftest import make_officer

    officer = make_officer(sqlite_services, "1001")
    with pytest.raises(PermissionDenied):
        sqlite_services.backup.backup(officer, tmp_path / "x.db")
    with pytest.raises(PermissionDenied):
        sqlite_services.backup.restore(officer, tmp_path / "x.db")
    target = tmp_path / "x.db"
    sqlite_services.backup.backup(admin_actor, target)
    assert target.stat().st_mode & 0o777 == 0o600  # the whole store: owner only
    with pytest.raises(Conflict, match="already exists"):
        sqlite_services.backup.backup(admin_actor, target)
    folder = tmp_path / "folder"
    folder.mkdir()
    made = sqlite_services.backup.backup(admin_actor, folder).path
    assert made.parent == folder and made.name.startswith("store-2026")
    denied = [e for e in sqlite_services.audit.recent() if e.outcome == "denied"]
    assert {e.action for e in denied} == {"store.backup", "store.restore"}


def test_auto_backup_once_a_day_keeping_the_last_n(
    sqlite_services: Services, store: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = store.parent / "backups"
    first = sqlite_services.backup.auto_backup()
    assert first == folder / "store-2026-09-14.db"
    assert integrity(first) == ["ok"]
    assert sqlite_services.backup.auto_backup() is None  # same local day
    clock.advance(hours=9)  # 17:30 Pacific, still the 14th
    assert sqlite_services.backup.auto_backup() is None
    monkeypatch.setenv("SRO_BACKUP_KEEP", "3")
    for _ in range(5):
        clock.advance(days=1)
        assert sqlite_services.backup.auto_backup() is not None
    (folder / "unrelated.db").write_bytes(b"kept")
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".db") == [
        "store-2026-09-17.db",
        "store-2026-09-18.db",
        "store-2026-09-19.db",
        "unrelated.db",
    ]
    monkeypatch.setenv("SRO_BACKUP_KEEP", "many")
    with pytest.raises(SroError, match="SRO_BACKUP_KEEP"):
        sqlite_services.backup.auto_backup()


def test_encrypted_store_backup_stays_encrypted(tmp_path: Path, clock: Clock) -> None:
    pytest.importorskip("sqlcipher3")
    key = "a passphrase for the store"
    db = Database(tmp_path / "secret.db", sqlcipher_key=key)
    try:
        prepare_store(db)
        services = build_services(db, audit_key=TEST_AUDIT_KEY, clock=clock)
        services.audit.record_alone(SYSTEM_ACTOR, "test.mark")
        info = services.backup.backup(SYSTEM_ACTOR, tmp_path / "secret-copy.db")
        assert info.encrypted
        assert not info.path.read_bytes().startswith(b"SQLite format 3")
        with pytest.raises(sqlite3.DatabaseError), closing(sqlite3.connect(info.path)) as plain:
            plain.execute("SELECT count(*) FROM incidents").fetchone()
        assert services.backup.check_backup(info.path) == info.schema
        restored = services.backup.restore(SYSTEM_ACTOR, info.path)
        assert restored.set_aside.exists()
        with services.db.read() as session:
            actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions == ["test.mark", "store.restore"]
    finally:
        db.dispose()
    # A backup of another encrypted store (another key) is refused.
    other = Database(tmp_path / "other.db", sqlcipher_key="another key entirely")
    try:
        prepare_store(other)
        other_services = build_services(other, audit_key=TEST_AUDIT_KEY, clock=clock)
        with pytest.raises(SroError, match="not a backup of this store"):
            other_services.backup.check_backup(info.path)
    finally:
        other.dispose()


def test_postgresql_store_points_to_pg_dump(services: Services) -> None:
    if services.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    with pytest.raises(SroError, match="pg_dump"):
        services.backup.backup(SYSTEM_ACTOR, Path("/tmp/never.db"))
    with pytest.raises(SroError, match="pg_restore"):
        services.backup.restore(SYSTEM_ACTOR, Path("/tmp/never.db"))
    assert services.backup.auto_backup() is None


def test_restore_replaces_a_damaged_store(
    sqlite_services: Services, store: Path, admin_actor: Actor, tmp_path: Path
) -> None:
    add_incident(sqlite_services, admin_actor, "kept in the backup")
    backup = sqlite_services.backup.backup(admin_actor, tmp_path / "good.db").path
    sqlite_services.db.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.write_bytes(b"this disk block went bad " * 400)
    restored = sqlite_services.backup.restore(admin_actor, backup)
    assert restored.set_aside is not None
    assert restored.set_aside.read_bytes().startswith(b"this disk block")
    assert count(store, "incidents") == 1


def test_cli_backup_auto_and_restore(tmp_path: Path, run_cli: RunCli) -> None:
    store = tmp_path / "sro.db"
    assert run_cli("--db", str(store), "init").code == 0
    copy = tmp_path / "copy.db"
    result = run_cli("--db", str(store), "backup", str(copy))
    assert result.code == 0
    assert "Wrote backup" in result.out and integrity(copy) == ["ok"]
    result = run_cli("--db", str(store), "backup", "--auto", "--keep", "2")
    assert result.code == 0
    assert "Backup written" in result.out
    result = run_cli("--db", str(store), "backup", "--auto")
    assert result.code == 0
    assert "already exists" in result.out
    assert len(list((tmp_path / "backups").glob("sro-*.db"))) == 1

    result = run_cli("--db", str(store), "restore", str(copy), "--yes")
    assert result.code == 0
    assert "Restored" in result.out and "kept as" in result.out
    junk = tmp_path / "junk.txt"
    junk.write_text("not a database " * 100)
    result = run_cli("--db", str(store), "restore", str(junk), "--yes", "--without-checksum")
    assert result.code == 2
    assert result.err.startswith("sro: ") and "not a SQLite database" in result.err
    result = run_cli("--db", str(store), "backup")
    assert result.code == 2
    assert "either a backup FILE or --auto" in result.err
