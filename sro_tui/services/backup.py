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

Restore checks the file first (a SQLite database, not damaged, with an sro-tui schema this
version knows), then needs the store to itself: every other terminal must be closed (the
store is switched out of WAL mode, which SQLite allows only to a single connection, so an
open terminal is detected and the restore refused). The current store is kept aside as
``<name>.before-restore-<local time>.db``, the backup is copied in, and the schema brought
up to date.

PostgreSQL stores are backed up with the server's tools (pg_dump / pg_restore).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import Conflict, PermissionDenied, SroError, StoreUnavailable
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
from .audit import AuditTrail
from .context import ServiceContext

DEFAULT_KEEP = 7
KEEP_ENV = "SRO_BACKUP_KEEP"
SQLITE_HEADER = b"SQLite format 3\x00"
REQUIRED_TABLES = frozenset({"alembic_version", "officers", "incidents", "audit_events"})
LOCK_WAIT_SECONDS = 2
BACKUP_WAIT_SECONDS = 15
CHECKSUM_SUFFIX = ".sha256"
_READ_CHUNK = 1024 * 1024


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

    def auto_backup(self, keep: int | None = None) -> Path | None:
        """Today's automatic backup, once per local day: ``<store folder>/backups/
        <store name>-YYYY-MM-DD.db`` (for the default store, ``<data dir>/backups/
        sro-YYYY-MM-DD.db``), keeping the newest ``keep`` (default $SRO_BACKUP_KEEP or 7).

        Returns the new file, or None when today's exists already or the store is not a
        SQLite file. Meant for app start / sign-in and ``sro backup --auto``.
        """
        keep = backup_keep_from_env() if keep is None else max(1, keep)
        store = self.ctx.db.sqlite_path
        if store is None:
            return None
        folder = store.parent / "backups"
        make_private_folder(folder)
        target = folder / f"{store.stem}-{self.ctx.today().isoformat()}.db"
        made: Path | None = None
        if not target.exists():
            try:
                made = self.backup(SYSTEM_ACTOR, target, detail="automatic daily backup").path
            except Conflict:
                made = None  # another terminal made it a moment ago
        self._prune(folder, store.stem, keep)
        return made

    def _prune(self, folder: Path, stem: str, keep: int) -> None:
        pattern = re.compile(re.escape(stem) + r"-\d{4}-\d{2}-\d{2}\.db")
        daily = sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))
        for old in daily[:-keep]:
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

    def restore(self, actor: Actor, source: Path, *, without_checksum: bool = False) -> RestoreInfo:
        """Replace the store with the backup ``source``; the current store is kept aside.

        Every other terminal on this store must be closed first; the restore is refused
        otherwise. This service's own connections are closed and reopen on next use.
        ``without_checksum`` accepts a backup that has no checksum file (made before
        sro-tui wrote them); a checksum file that does not match is refused even then.
        """
        self._require_admin(actor, "store.restore", "restore the store")
        store = self._store_path("Restore a PostgreSQL store with pg_restore")
        source = Path(source).expanduser().resolve()
        if source == store:
            raise SroError("That file is the store itself, not a backup", field="source")
        if not source.is_file():
            raise SroError(f"No backup file at {source}", field="source")
        # Without the checksum only when asked and there is no checksum file to match.
        has_checksum = checksum_path(source).exists()
        expected = None if without_checksum and not has_checksum else expected_checksum(source)
        schema = self.check_backup(source, without_checksum=expected is None)
        db = self.ctx.db
        db.dispose()
        self._take_over(store)
        stamp = self.ctx.now().astimezone(self.ctx.tz).strftime("%Y%m%d-%H%M%S")
        aside = store.with_name(f"{store.stem}.before-restore-{stamp}{store.suffix}")
        incoming = store.with_name(f".{store.name}.restoring-{os.getpid()}")
        try:
            create_private_file(incoming)
            digest = hashlib.sha256()
            with source.open("rb") as reader, incoming.open("r+b") as writer:
                while chunk := reader.read(_READ_CHUNK):
                    digest.update(chunk)
                    writer.write(chunk)
            fsync_file(incoming)
            if expected is not None:
                # What was copied, not what was checked a moment ago, must match.
                _match_checksum(source, digest.hexdigest(), expected)
        except BaseException:
            with contextlib.suppress(OSError):
                incoming.unlink()
            raise
        set_aside: Path | None = None
        if store.exists():
            os.replace(store, aside)
            set_aside = aside
        for suffix in ("-wal", "-shm", "-journal"):
            leftover = Path(f"{store}{suffix}")
            if leftover.exists():
                os.replace(leftover, Path(f"{aside}{suffix}"))
        os.replace(incoming, store)
        fsync_folder(store.parent)
        migrate.upgrade(db)
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
        return RestoreInfo(
            store=store,
            restored_from=source,
            set_aside=set_aside,
            schema=schema,
            at=self.ctx.now(),
        )

    def _take_over(self, store: Path) -> None:
        """Fold the WAL into the file and leave WAL mode: SQLite allows that only to the one
        connection open, so it proves no other terminal is using the store. A damaged store
        (that cannot even be read) is simply replaced."""
        if not store.exists():
            return
        busy = StoreUnavailable(
            "Another terminal has the store open: close every other sro window, then restore again"
        )
        try:
            connection = self._connect(store, timeout=LOCK_WAIT_SECONDS)
        except _database_errors():
            return
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except _database_errors() as exc:
            message = str(exc).lower()
            if "locked" in message or "busy" in message:
                raise busy from exc
            return  # damaged or unreadable: it is set aside as it is
        finally:
            connection.close()
        if str(mode).lower() != "delete":
            raise busy

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
        key = self.ctx.db.sqlcipher_key
        target = f"file:{quote(str(path))}?mode=ro" if read_only else str(path)
        if key is None:
            connection = sqlite3.connect(target, timeout=timeout, uri=read_only)
        else:
            import sqlcipher3  # optional dependency, only for encrypted stores

            connection = sqlcipher3.connect(target, timeout=timeout, uri=read_only)
            connection.execute("PRAGMA key = " + _sqlcipher_key_literal(key))
        connection.isolation_level = None
        return connection

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
            raise StoreUnavailable(f"The backup failed: {exc}") from exc
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
