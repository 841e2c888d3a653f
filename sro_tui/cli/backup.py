"""`sro backup FILE`, `sro backup --auto`, `sro restore FILE`.

These are local administration (SYSTEM_ACTOR, audited as badge SYSTEM with the OS user): whoever
can open the store file and its audit key already holds all of it. Only the OS user who owns
the SQLite store file runs them (`sro restore --as BADGE` signs an officer in instead).

- `sro backup FILE` copies the store while other terminals keep working (SQLite online
  backup); FILE may be a folder (a dated name is made inside). An encrypted store's backup
  is encrypted with the same key.
- `sro backup --auto` (a cron line) makes the day's backup in `<store folder>/backups/` if
  it was not taken yet today, keeping the newest $SRO_BACKUP_KEEP days (default 7). The app
  makes a copy at the first sign-in of a day that has no backup yet
  (`<name>-<day>-at-sign-in.db`, the store before the day's work); the day's backup
  replaces it.
- `sro restore FILE` checks the backup (its FILE.sha256 checksum, integrity, sro-tui schema)
  and replaces the store's contents with it in place, holding the store locked throughout;
  the old store is first copied aside as `<name>.before-restore-<time>.db` (with its own
  .sha256). Every other terminal using the store must be closed first, or the restore is
  refused; a terminal started while it runs waits for it.

A PostgreSQL store is backed up and restored with pg_dump / pg_restore: `sro restore` on
one exits 2 with that advice before connecting.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from ..bootstrap import OpenedStore, audit_key_path, terminal_key
from ..domain.errors import PermissionDenied, SroError
from ..services.audit_checkpoints import CheckpointKeeper
from ..services.backup import POSTGRES_RESTORE, audit_key_for_restore, checksum_path
from ..services.registry import build_services
from ..store.urls import resolve_url
from .common import (
    local_administration,
    local_owner_problem,
    open_from,
    settings_from,
    sign_in,
)
from .database import settings_database
from .inputs import is_terminal, prompted, whole_number

MAX_KEEP = 3660  # ten years of daily backups


def register(subparsers: argparse._SubParsersAction) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="copy the store to a file (safe while the app is open)",
        description="Copy the store to FILE, or make today's automatic backup with --auto.",
    )
    backup.add_argument("file", nargs="?", metavar="FILE", help="the backup file (or a folder)")
    backup.add_argument(
        "--auto",
        action="store_true",
        help="today's automatic backup into <store folder>/backups (once a day)",
    )
    backup.add_argument(
        "--keep",
        type=whole_number(1, MAX_KEEP),
        metavar="N",
        help="with --auto: daily backups to keep (default: $SRO_BACKUP_KEEP or 7)",
    )
    backup.set_defaults(func=cmd_backup)

    restore = subparsers.add_parser(
        "restore",
        help="replace the store with a backup (close every other terminal first)",
    )
    restore.add_argument("file", metavar="FILE", help="the backup file")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.add_argument(
        "--without-checksum",
        action="store_true",
        help="accept a backup with no FILE.sha256 beside it (made before sro-tui wrote them)",
    )
    restore.add_argument(
        "--as",
        dest="as_badge",
        metavar="BADGE",
        help="an administrator signs in on the current store and the restore is recorded as "
        "theirs (default: local administration, badge SYSTEM)",
    )
    restore.add_argument("--password-stdin", action="store_true")
    restore.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    if args.auto == bool(args.file):
        raise SroError("Give either a backup FILE or --auto")
    if args.auto and resolve_url(settings_from(args).store_location()).get_backend_name() != (
        "sqlite"
    ):
        # Said before connecting: a cron job must fail (exit 2), never report a backup it
        # did not make.
        raise SroError(
            "sro backup --auto backs up a SQLite store only; back up a PostgreSQL store "
            "with pg_dump (for example, pg_dump -Fc -f sro-$(date +%F).dump DBNAME)"
        )
    store = open_from(args, create=False)
    try:
        if args.auto:
            local_administration(store)  # the store file's OS owner (its cron) only
            made = store.services.backup.auto_backup(keep=args.keep)
            print(f"Backup written: {made}" if made else "Today's backup already exists")
        else:
            info = store.services.backup.backup(local_administration(store), Path(args.file))
            kind = "encrypted backup" if info.encrypted else "backup"
            print(f"Wrote {kind} {info.path} ({info.size_bytes:,} bytes, schema {info.schema})")
            print(f"Checksum: {checksum_path(info.path)} (restore checks the backup against it)")
    finally:
        store.close()
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    # Not through open_store: a damaged store must still be replaceable, and it must not be
    # migrated or even opened before the backup is checked.
    settings = settings_from(args)
    if resolve_url(settings.store_location()).get_backend_name() != "sqlite":
        raise SroError(f"sro restore restores a SQLite store only. {POSTGRES_RESTORE}")
    if not args.as_badge and (problem := local_owner_problem(settings.store_location())):
        raise PermissionDenied(problem)  # before the backup is read or anything asked
    db = settings_database(settings)
    try:
        source = Path(args.file)
        # The key that signs the backup's chain, checked before anything is touched: a
        # restore this terminal could not record (nor write to after) is refused here.
        key = audit_key_for_restore(source, audit_key_path(settings), db.sqlcipher_key)
        services = build_services(
            db,
            audit_key=key if key is not None else terminal_key(db, audit_key_path(settings)),
            timezone=settings.timezone,
            terminal=settings.terminal or None,
        )
        # Its checkpoint is replaced on purpose after the restore (and the restore recorded).
        services.audit.checkpoints = CheckpointKeeper.beside(audit_key_path(settings))
        services.audit.key_path = audit_key_path(settings)
        schema = services.backup.check_backup(source, without_checksum=args.without_checksum)
        if not args.yes:
            if not is_terminal(sys.stdin):
                raise SroError("Add --yes to restore without a terminal to confirm on")
            answer = prompted(
                input,
                f"Replace the store {db.description} with {source} (schema {schema})? "
                "Every other terminal must be closed. [y/N] ",
                "the answer",
            )
            if answer.strip().lower() not in {"y", "yes"}:
                print("Nothing changed")
                return 1
        opened = OpenedStore(services=services, settings=settings)
        if args.as_badge:
            signed = sign_in(opened, args, args.as_badge)
            # Recorded by badge only: the backup may not hold this officer's row.
            actor = replace(signed, officer_id=None)
        else:
            actor = local_administration(opened)  # the store file's OS owner only
        info = services.backup.restore(actor, source, without_checksum=args.without_checksum)
        print(f"Restored {info.store} from {info.restored_from} (schema {info.schema})")
        if info.set_aside:
            print(f"The previous store is kept as {info.set_aside}")
        print(
            "The audit chain is now the backup's: the restore is recorded in it and its "
            "checkpoint accepted, so `sro audit verify` shows it"
        )
    finally:
        db.dispose()
    return 0
