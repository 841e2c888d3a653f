"""Backups and restore of a SQLite store; automatic daily backups.

Backup uses SQLite's online backup API from a connection of its own: it copies a consistent
snapshot while other terminals keep working (the store is in WAL mode, so the copy does not
block writers and writers do not spoil the copy). The copy is written beside the target
under a temporary name, switched to a self-contained single file (journal mode DELETE),
checked with ``PRAGMA integrity_check`` and only then renamed into place. Beside it goes
``<backup>.sha256`` (the `sha256sum` format): restore refuses a backup whose bytes no longer
match it, so a backup changed after it was made (even one byte of a narrative) is not put
in place of the store.

An encrypted (SQLCipher) store is copied with the same key through SQLCipher's own backup:
the backup is encrypted too, and is restored with the same key file.

Restore copies the backup into a private file beside the store (checking its checksum on
the bytes copied), checks that copy (a SQLite database, not damaged, with an sro-tui schema
this version knows), then replaces the store's contents in place, under one exclusive lock:

1. A connection in ``locking_mode=EXCLUSIVE`` opens the store and leaves WAL mode. SQLite
   grants that only to a connection alone on the file (every open terminal holds a shared
   lock), so an open terminal is detected and the restore refused. From here to step 4 the
   connection keeps the file locked: a terminal that starts meanwhile waits on its busy
   timeout (or says "busy, try again"); it never writes anywhere else.
2. The current store is copied aside (SQLite's backup API, through the locked connection) as
   ``<name>.before-restore-<local time>.db`` with its own ``.sha256``.
3. The backup's pages are copied into the store through the same connection (backup API):
   one transaction, journaled, so a kill part-way leaves a hot journal that the next opener
   rolls back (the store as it was). The store file is never renamed or removed, so no kill
   can leave no store (which the app would recreate empty).
4. The lock is released; the schema is brought up to date (as any terminal opening it would
   do) and the restore recorded.

A store file that cannot be opened as a database at all (damaged) is copied aside byte for
byte and replaced by an atomic rename of the checked copy.

PostgreSQL stores are backed up and restored with the server's tools (pg_dump /
pg_restore); sro-tui does neither there (see ``POSTGRES_RESTORE``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import Conflict, PermissionDenied, SroError, StoreUnreachable
from ..domain.officers import SYSTEM_ACTOR, Actor
from ..store import migrate
from ..store.db import _sqlcipher_key_literal
from ..store.files import (
    create_private_file,
    fsync_file,
    fsync_folder,
    make_private_folder,
    write_durably,
)
from . import audit_keys
from .audit import AuditTrail
from .context import ServiceContext

DEFAULT_KEEP = 7
KEEP_ENV = "SRO_BACKUP_KEEP"
SQLITE_HEADER = b"SQLite format 3\x00"
REQUIRED_TABLES = frozenset({"alembic_version", "officers", "incidents", "audit_events"})
LOCK_WAIT_SECONDS = 2
BACKUP_WAIT_SECONDS = 15
CHECKSUM_SUFFIX = ".sha256"
AT_SIGN_IN = "-at-sign-in"  # the app's automatic backup, made before the day's work
_READ_CHUNK = 1024 * 1024
RESTORE_PAGES = 1024  # pages copied into the store per step of a restore (4 MB at 4 KB)
POSTGRES_RESTORE = (
    "Restore a PostgreSQL store with pg_restore, every terminal closed (for example "
    "createdb NEWDB; pg_restore -d NEWDB FILE.dump; then point the terminals at NEWDB)"
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size_bytes: int
    schema: str
    at: datetime
    encrypted: bool


@dataclass(frozen=True)
class RestoreInfo:
    store: Path
    restored_from: Path
    set_aside: Path | None  # None when there was no store file to keep
    schema: str
    at: datetime


def backup_keep_from_env() -> int:
    """How many daily backups to keep: $SRO_BACKUP_KEEP, else 7 (at least 1)."""
    value = os.environ.get(KEEP_ENV, "").strip()
    if not value:
        return DEFAULT_KEEP
    try:
        return max(1, int(value))
    except ValueError as exc:
        raise SroError(f"{KEEP_ENV} must be a whole number of backups, not {value!r}") from exc


class BackupService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    # -- backup ------------------------------------------------------------------------------

    def backup(self, actor: Actor, dest: Path, *, detail: str = "") -> BackupInfo:
        """Copy the store to ``dest`` (a file; a folder gets a dated name inside it)."""
        self._require_admin(actor, "store.backup", "back up the store")
        store = self._store_path("Back up a PostgreSQL store with pg_dump")
        dest = Path(dest).expanduser()
        if dest.is_dir():
            stamp = self.ctx.now().astimezone(self.ctx.tz).strftime("%Y%m%d-%H%M%S")
            dest = dest / f"{store.stem}-{stamp}.db"
        dest = dest.resolve()
        if dest == store:
            raise SroError("A backup cannot be written over the store itself")
        if dest.exists():
            raise Conflict(f"{dest} already exists; choose another file name", field="dest")
        if not dest.parent.is_dir():
            raise SroError(f"The folder {dest.parent} does not exist", field="dest")
        partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
        try:
            self._copy(store, partial)
            schema = self._check_file(partial)
            fsync_file(partial)
            digest = _sha256(partial)
            # The checksum first: a backup never exists without the checksum it must match.
            write_durably(checksum_path(dest), f"{digest}  {dest.name}\n".encode())
            os.replace(partial, dest)
            fsync_folder(dest.parent)
        except BaseException:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise
        size = dest.stat().st_size
        with self.ctx.db.write() as session:
            self.audit.record(
                session,
                actor,
                "store.backup",
                record_type=RecordType.STORE,
                detail=f"{size} bytes" + (f"; {detail}" if detail else ""),
            )
        return BackupInfo(
            path=dest,
            size_bytes=size,
            schema=schema,
            at=self.ctx.now(),
            encrypted=self.ctx.db.sqlcipher_key is not None,
        )

    def auto_backup(self, keep: int | None = None, *, at_sign_in: bool = False) -> Path | None:
        """Today's automatic backup, once per local day: ``<store folder>/backups/
        <store name>-YYYY-MM-DD.db`` (for the default store, ``<data dir>/backups/
        sro-YYYY-MM-DD.db``), keeping the newest ``keep`` days (default $SRO_BACKUP_KEEP
        or 7).

        ``sro backup --auto`` (a cron line, at the end of the day) takes the day's backup
        whenever it has not been taken yet today, whoever signed in before: the app's copy
        at the first sign-in of the day (``at_sign_in``, ``...-YYYY-MM-DD-at-sign-in.db``,
        made only when the day has no backup yet) holds the store as it was before the
        day's work, and gives way to the day's backup once that is made.

        Returns the new file, or None when there was nothing to do or the store is not a
        SQLite file.
        """
        keep = backup_keep_from_env() if keep is None else max(1, keep)
        store = self.ctx.db.sqlite_path
        if store is None:
            return None
        folder = store.parent / "backups"
        make_private_folder(folder)
        day = self.ctx.today().isoformat()
        daily = folder / f"{store.stem}-{day}.db"
        early = folder / f"{store.stem}-{day}{AT_SIGN_IN}.db"
        if at_sign_in:
            target, detail = early, "automatic backup at the first sign-in of the day"
        else:
            target, detail = daily, "automatic daily backup"
        made: Path | None = None
        if not daily.exists() and not target.exists():
            try:
                made = self.backup(SYSTEM_ACTOR, target, detail=detail).path
            except Conflict:
                made = None  # another terminal made it a moment ago
        if daily.exists():
            for superseded in (early, checksum_path(early)):
                with contextlib.suppress(OSError):
                    superseded.unlink()
        self._prune(folder, store.stem, keep)
        return made

    def _prune(self, folder: Path, stem: str, keep: int) -> None:
        """Keep the automatic backups of the newest ``keep`` days."""
        day = r"(\d{4}-\d{2}-\d{2})"
        pattern = re.compile(f"{re.escape(stem)}-{day}(?:{AT_SIGN_IN})?\\.db")
        by_day: dict[str, list[Path]] = {}
        for path in folder.iterdir():
            match = pattern.fullmatch(path.name)
            if match is not None:
                by_day.setdefault(match.group(1), []).append(path)
        for day in sorted(by_day)[:-keep]:
            for old in by_day[day]:
                with contextlib.suppress(OSError):
                    old.unlink()
                with contextlib.suppress(OSError):
                    checksum_path(old).unlink()

    # -- restore -----------------------------------------------------------------------------

    def check_backup(self, source: Path, *, without_checksum: bool = False) -> str:
        """The schema revision of a backup file, or a clear SroError if it is not one (or
        its bytes do not match its checksum file)."""
        source = Path(source).expanduser()
        if not source.is_file():
            raise SroError(f"No backup file at {source}", field="source")
        if not without_checksum:
            _match_checksum(source, _sha256(source), expected_checksum(source))
        return self._check_file(source)

    def restore(
        self,
        actor: Actor,
        source: Path,
        *,
        without_checksum: bool = False,
        step: Callable[[str], None] | None = None,
    ) -> RestoreInfo:
        """Replace the store's contents with the backup ``source``; the current store is
        copied aside first.

        Every other terminal on this store must be closed first; the restore is refused
        otherwise, and a terminal started while it runs waits for it. This service's own
        connections are closed and reopen on next use. ``without_checksum`` accepts a
        backup that has no checksum file (made before sro-tui wrote them); a checksum file
        that does not match is refused even then. ``step`` is told each stage as it begins
        ("checked", "locked", "set aside", "copying" for each part copied, "copied",
        "released", "upgraded", "recorded").
        """
        self._require_admin(actor, "store.restore", "restore the store")
        store = self._store_path(POSTGRES_RESTORE)
        source = Path(source).expanduser().resolve()
        if source == store:
            raise SroError("That file is the store itself, not a backup", field="source")
        if not source.is_file():
            raise SroError(f"No backup file at {source}", field="source")
        tell = step or (lambda _stage: None)
        # Without the checksum only when asked and there is no checksum file to match.
        has_checksum = checksum_path(source).exists()
        expected = None if without_checksum and not has_checksum else expected_checksum(source)
        db = self.ctx.db
        stamp = self.ctx.now().astimezone(self.ctx.tz).strftime("%Y%m%d-%H%M%S")
        aside = store.with_name(f"{store.stem}.before-restore-{stamp}{store.suffix}")
        incoming = store.with_name(f".{store.name}.restoring-{os.getpid()}")
        _remove_leftovers(store)
        try:
            self._copy_checked(source, incoming, expected)
            # What goes in is what was checked: the private copy, not the file it came from.
            schema = self._check_file(incoming)
            tell("checked")
            db.dispose()  # this terminal's own connections too: the store must be alone
            set_aside = self._replace_contents(store, incoming, aside, tell)
        finally:
            with contextlib.suppress(OSError):
                incoming.unlink()
        tell("released")
        migrate.upgrade(db)
        tell("upgraded")
        with db.write() as session:
            self.audit.record(
                session,
                actor,
                "store.restore",
                record_type=RecordType.STORE,
                detail=f"from a backup at schema {schema}; previous store kept aside"
                + ("; its checkpoint accepted" if self.audit.checkpoints is not None else ""),
            )
        if self.audit.checkpoints is not None:
            # A restore on purpose: the backup's (shorter) chain, with this event, is the
            # store's chain now; verify right after it is clean and shows the restore.
            self.audit.write_checkpoint(force=True)
        tell("recorded")
        return RestoreInfo(
            store=store,
            restored_from=source,
            set_aside=set_aside,
            schema=schema,
            at=self.ctx.now(),
        )

    def _copy_checked(self, source: Path, incoming: Path, expected: str | None) -> None:
        """Copy the backup into a private file, matching its checksum on the bytes copied."""
        create_private_file(incoming)
        digest = hashlib.sha256()
        with source.open("rb") as reader, incoming.open("r+b") as writer:
            while chunk := reader.read(_READ_CHUNK):
                digest.update(chunk)
                writer.write(chunk)
        fsync_file(incoming)
        if expected is not None:
            _match_checksum(source, digest.hexdigest(), expected)

    def _replace_contents(
        self, store: Path, incoming: Path, aside: Path, tell: Callable[[str], None]
    ) -> Path | None:
        """Steps 1-4 of the module's description; the file the old store was kept as."""
        if not store.exists():
            os.replace(incoming, store)
            fsync_folder(store.parent)
            return None
        live = self._lock_exclusively(store)
        if live is None:
            return self._replace_damaged(store, incoming, aside)
        try:
            tell("locked")
            self._copy_aside(live, aside)
            tell("set aside")
            reader = self._connect(incoming, timeout=LOCK_WAIT_SECONDS, read_only=True)
            try:
                # In parts (one journaled transaction on the store all the same: the lock
                # is held and nothing is committed until the last part is in).
                reader.backup(live, pages=RESTORE_PAGES, progress=lambda *_counts: tell("copying"))
            finally:
                reader.close()
            tell("copied")
        except _database_errors() as exc:
            raise StoreUnreachable(f"The restore failed and the store is unchanged: {exc}") from exc
        finally:
            live.close()  # releases the lock: terminals waiting for it go on
        return aside

    def _lock_exclusively(self, store: Path) -> Any:
        """A connection that holds the store's file lock until it is closed, or None when
        the store cannot be read as a database (damaged). Refused while another terminal
        has the store open."""
        busy = StoreUnreachable(
            "Another terminal has the store open: close every other sro window, then restore again"
        )
        try:
            live = self._connect(store, timeout=LOCK_WAIT_SECONDS)
        except _database_errors():
            return None
        try:
            # Set before the store is first read: the lock taken is then never given back,
            # and SQLite leaves WAL mode only for a connection alone on the file.
            live.execute("PRAGMA locking_mode = EXCLUSIVE")
            mode = live.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            if str(mode).lower() != "delete":
                raise busy
            live.execute("BEGIN EXCLUSIVE")
            live.execute("COMMIT")
        except _database_errors() as exc:
            live.close()
            message = str(exc).lower()
            if "locked" in message or "busy" in message:
                raise busy from exc
            return None  # damaged or unreadable: it is set aside as it is
        except BaseException:
            live.close()
            raise
        return live

    def _copy_aside(self, live: Any, aside: Path) -> None:
        """The store as it is, copied through the connection that holds its lock, with a
        checksum file (so it can itself be restored)."""
        partial = aside.with_name(f".{aside.name}.partial-{os.getpid()}")
        create_private_file(partial)
        try:
            target = self._connect(partial, timeout=LOCK_WAIT_SECONDS)
            try:
                live.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
            fsync_file(partial)
            write_durably(checksum_path(aside), f"{_sha256(partial)}  {aside.name}\n".encode())
            os.replace(partial, aside)
            fsync_folder(aside.parent)
        except BaseException:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise

    def _replace_damaged(self, store: Path, incoming: Path, aside: Path) -> Path:
        """A store that is not readable as a database: its bytes (and any journal files)
        are copied aside, then the checked backup takes its name in one rename."""
        _copy_private(store, aside)
        fsync_file(aside)
        for suffix in ("-wal", "-shm", "-journal"):
            leftover = Path(f"{store}{suffix}")
            if leftover.exists():
                _copy_private(leftover, Path(f"{aside}{suffix}"))
                # A journal left beside the new store would be replayed into it.
                leftover.unlink()
        os.replace(incoming, store)
        fsync_folder(store.parent)
        return aside

    # -- helpers -----------------------------------------------------------------------------

    def _require_admin(self, actor: Actor, action: str, what: str) -> None:
        if not actor.is_admin:
            self.audit.record_alone(
                actor, action, record_type=RecordType.STORE, outcome=AuditOutcome.DENIED
            )
            raise PermissionDenied(f"Only an administrator can {what}")

    def _store_path(self, postgres_message: str) -> Path:
        db = self.ctx.db
        if not db.is_sqlite:
            raise SroError(f"{postgres_message}: the database server keeps this store")
        path = db.sqlite_path
        if path is None:
            raise SroError("An in-memory store has no file to back up or restore")
        return path.resolve()

    def _connect(self, path: Path, *, timeout: float, read_only: bool = False) -> Any:
        return _connect(path, self.ctx.db.sqlcipher_key, timeout=timeout, read_only=read_only)

    def _copy(self, store: Path, target: Path) -> None:
        create_private_file(target)  # the whole store is in it: readable by its owner only
        source = self._connect(store, timeout=BACKUP_WAIT_SECONDS)
        try:
            destination = self._connect(target, timeout=BACKUP_WAIT_SECONDS)
            try:
                # One step (pages=-1): the whole copy is one read snapshot of the store.
                source.backup(destination)
                destination.execute("PRAGMA journal_mode = DELETE")
            finally:
                destination.close()
        except _database_errors() as exc:
            raise StoreUnreachable(f"The backup failed: {exc}") from exc
        finally:
            source.close()

    def _check_file(self, path: Path) -> str:
        """Integrity and schema of a backup file; its schema revision."""
        encrypted = self.ctx.db.sqlcipher_key is not None
        if not encrypted:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
            if header != SQLITE_HEADER:
                raise SroError(f"{path.name} is not an sro-tui backup (not a SQLite database)")
        try:
            connection = self._connect(path, timeout=LOCK_WAIT_SECONDS, read_only=True)
        except _database_errors() as exc:
            raise SroError(f"{path.name} cannot be opened as a backup: {exc}") from exc
        try:
            try:
                result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            except _database_errors() as exc:
                if encrypted and "not a database" in str(exc):
                    raise SroError(
                        f"{path.name} is not a backup of this store "
                        "(or it was encrypted with another key)"
                    ) from exc
                raise SroError(f"{path.name} is damaged and cannot be used: {exc}") from exc
            if result != ["ok"]:
                raise SroError(
                    f"{path.name} is damaged and cannot be used ({result[0] if result else '?'})"
                )
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not tables >= REQUIRED_TABLES:
                raise SroError(f"{path.name} is a SQLite file but not an sro-tui store")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
        revision: str | None = row[0] if row else None
        if not revision:
            raise SroError(f"{path.name} has no schema version: it is not an sro-tui store")
        if not migrate.is_known_revision(revision):
            raise SroError(
                f"{path.name} was made by a newer sro-tui (schema {revision}); update the app first"
            )
        return revision


def _connect(path: Path, key: str | None, *, timeout: float, read_only: bool = False) -> Any:
    target = f"file:{quote(str(path))}?mode=ro" if read_only else str(path)
    if key is None:
        connection = sqlite3.connect(target, timeout=timeout, uri=read_only)
    else:
        import sqlcipher3  # optional dependency, only for encrypted stores

        connection = sqlcipher3.connect(target, timeout=timeout, uri=read_only)
        connection.execute("PRAGMA key = " + _sqlcipher_key_literal(key))
    connection.isolation_level = None
    return connection


def recorded_fingerprint(backup: Path, sqlcipher_key: str | None = None) -> str | None:
    """The fingerprint of the audit key a backup's chain is signed with, as the backup
    recorded it; None for a backup that has none (or cannot be read: checked later)."""
    try:
        connection = _connect(
            Path(backup).expanduser(), sqlcipher_key, timeout=LOCK_WAIT_SECONDS, read_only=True
        )
    except _database_errors():
        return None
    try:
        row = connection.execute(
            "SELECT value FROM settings WHERE key = ?", (audit_keys.FINGERPRINT_SETTING,)
        ).fetchone()
    except _database_errors():
        return None
    finally:
        connection.close()
    return str(row[0]) if row and row[0] else None


def audit_key_for_restore(
    backup: Path, key_path: Path, sqlcipher_key: str | None = None
) -> bytes | None:
    """This terminal's audit key, checked against the backup's before anything is changed:
    a restore that would leave a store this terminal cannot write to (its chain signed with
    a key this terminal lacks) is refused while the store is still as it was, and no key is
    made up for it. None when the backup names no key (made before sro-tui recorded one)."""
    wanted = recorded_fingerprint(backup, sqlcipher_key)
    if wanted is None:
        return None
    key_path = Path(key_path)
    if not key_path.exists():
        raise StoreUnreachable(
            f"This backup's audit trail is signed with the department's audit key (fingerprint "
            f"{audit_keys.short(wanted)}) and this terminal has no audit key ({key_path}). "
            f"Nothing was changed. First {audit_keys.HOW_TO_INSTALL}; then restore again"
        )
    key = audit_keys.read_key(key_path)
    ours = audit_keys.fingerprint(key)
    if ours != wanted:
        raise audit_keys.AuditKeyMismatch(
            f"This backup's audit trail is signed with another audit key (fingerprint "
            f"{audit_keys.short(wanted)}) than this terminal's ({key_path}, "
            f"{audit_keys.short(ours)}). Nothing was changed. First {audit_keys.HOW_TO_INSTALL} "
            "(with --replace); then restore again"
        )
    return key


def _copy_private(source: Path, target: Path) -> None:
    """Copy a file's bytes into a new owner-only file (a whole store is in it)."""
    if not create_private_file(target):
        os.chmod(target, 0o600)
    shutil.copyfile(source, target)  # into the existing file: its mode stays


def _remove_leftovers(store: Path) -> None:
    """Private copies a killed restore left beside the store (the backup on its way in, a
    set-aside copy not yet complete): each holds a whole store, so it is not kept. Only
    those of a process that no longer runs (another restore may be under way)."""
    stem, name = re.escape(store.stem), re.escape(store.name)
    pattern = re.compile(
        rf"\.(?:{name}\.restoring|{stem}\.before-restore-[0-9-]+.*\.partial)-(\d+)"
    )
    for path in store.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if match is None or _running(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            path.unlink()


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a copy of this process's earlier restore: not in use now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another account's process: leave its file alone
    return True


def _database_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [sqlite3.Error]
    with contextlib.suppress(ImportError):
        import sqlcipher3

        errors.append(sqlcipher3.dbapi2.Error)
    return tuple(errors)


def checksum_path(backup: Path) -> Path:
    return backup.with_name(backup.name + CHECKSUM_SUFFIX)


def expected_checksum(backup: Path) -> str:
    """The SHA-256 a backup's checksum file says it has; a clear refusal without one."""
    sidecar = checksum_path(backup)
    try:
        text = sidecar.read_text("ascii").strip()
    except FileNotFoundError:
        raise SroError(
            f"{backup.name} has no checksum file ({sidecar.name}) beside it, so it cannot be "
            "shown to be unchanged since it was made; if it is a backup made before sro-tui "
            "kept checksums, restore it with --without-checksum"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SroError(f"The checksum file {sidecar.name} cannot be read") from exc
    digest = text.split()[0].lower() if text else ""
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise SroError(f"The checksum file {sidecar.name} is damaged; restore refused")
    return digest


def _match_checksum(backup: Path, actual: str, expected: str) -> None:
    if actual != expected:
        raise SroError(
            f"{backup.name} was changed after it was made (its SHA-256 does not match "
            f"{checksum_path(backup).name}): restore refused, the store is unchanged"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
