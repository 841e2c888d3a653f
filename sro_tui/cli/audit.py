"""`sro audit verify|export|checkpoint`: check, export and checkpoint the audit trail.

`verify` and `checkpoint` run as local administration on any store (they check the chain);
`export` reads every event: as a signed-in supervisor (``--as BADGE``), or unsigned by the OS
user who owns the SQLite store file. Each is recorded in the trail like any other reader's.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..domain.errors import SroError
from ..domain.officers import SYSTEM_ACTOR
from ..domain.trust import AuditCheckpoint
from ..services.audit import unprotected_message
from .common import add_signed_in, open_from, settings_from, sign_in, signed_in_or_local
from .inputs import day

UNPROTECTED = unprotected_message([]).split(":")[0]


def register(subparsers: argparse._SubParsersAction) -> None:
    audit = subparsers.add_parser("audit", help="check and export the audit trail")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    verify = sub.add_parser(
        "verify",
        help="check the hash chain and the newest checkpoint (exit 1 when broken)",
    )
    verify.add_argument(
        "--records",
        action="store_true",
        help="also recompute every incident's, note's and referral's seal and name each "
        "record changed outside sro-tui",
    )
    verify.set_defaults(func=cmd_verify)

    export = sub.add_parser("export", help="write audit events as CSV")
    export.add_argument(
        "--since", type=day, metavar="DATE", help="first day (YYYY-MM-DD, agency time), inclusive"
    )
    export.add_argument(
        "--until", type=day, metavar="DATE", help="last day (YYYY-MM-DD, agency time), inclusive"
    )
    export.add_argument("--format", choices=["csv"], default="csv")
    export.add_argument(
        "--no-bom",
        action="store_true",
        help="without the UTF-8 byte-order mark (kept by default so Excel reads UTF-8)",
    )
    export.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (default: standard output)"
    )
    add_signed_in(export, "a supervisor or an administrator; without it the store file's OS owner")
    export.set_defaults(func=cmd_export)

    checkpoint = sub.add_parser(
        "checkpoint", help="sign the chain's newest event now (run it from cron, or at exit)"
    )
    checkpoint.add_argument(
        "--force",
        action="store_true",
        help="accept a shorter or re-chained trail, replacing a newer checkpoint (after "
        "restoring a backup on purpose): needs --as (supervisor or admin) and --reason",
    )
    checkpoint.add_argument("--as", dest="as_badge", metavar="BADGE", help="who forces it")
    checkpoint.add_argument("--password-stdin", action="store_true")
    checkpoint.add_argument("--reason", metavar="TEXT", help="why it is forced (recorded)")
    checkpoint.set_defaults(func=cmd_checkpoint)

    key = sub.add_parser(
        "key",
        help="the department's audit key: export it here, import it on another terminal",
        description="Every terminal on one store signs its audit trail with the same key.",
    )
    key_sub = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    export_key = key_sub.add_parser(
        "export", help="copy this terminal's audit key to FILE (owner-only; keep it safe)"
    )
    export_key.add_argument("file", metavar="FILE")
    export_key.set_defaults(func=cmd_key_export)
    import_key = key_sub.add_parser(
        "import",
        help="install the audit key in FILE as this terminal's (checked against the store)",
    )
    import_key.add_argument("file", metavar="FILE")
    import_key.add_argument(
        "--replace",
        action="store_true",
        help="keep a different key already here aside (audit.key.replaced-N), install this one",
    )
    import_key.set_defaults(func=cmd_key_import)
    show_key = key_sub.add_parser(
        "show", help="the fingerprints of this terminal's key and of the store's"
    )
    show_key.set_defaults(func=cmd_key_show)


def cmd_verify(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        report = store.services.audit.verify(SYSTEM_ACTOR)
        records = store.services.audit.verify_records(SYSTEM_ACTOR) if args.records else None
    finally:
        store.close()
    if report.ok:
        print(f"Audit chain intact: {report.count} event(s), newest #{report.last_id or 0}")
    elif report.first_bad_id is None and report.problem.startswith(UNPROTECTED):
        print(f"Audit chain intact but NOT PROTECTED: {report.problem}")
    else:
        print(f"Audit chain BROKEN: {report.problem}")
        if report.first_bad_id is not None:
            print(f"First bad event: #{report.first_bad_id}")
        print(f"Events checked: {report.count}")
    print(f"Checkpoint: {report.checkpoint_note}")
    if records is not None:
        sealed = records.checked - records.unsealed
        if records.ok:
            print(f"Records intact: {sealed} sealed record(s) match their seals", end="")
        else:
            print(f"Records CHANGED outside sro-tui: {len(records.problems)}")
            for line in records.problems:
                print(f"  {line}")
            print(f"Records checked: {records.checked}", end="")
        print(f" ({records.unsealed} not sealed yet: unchanged since before sealing)")
        if records.purged:
            print(f"Purged under the retention schedule (audited): {records.purged} record(s)")
    return 0 if report.ok and (records is None or records.ok) else 1


def cmd_export(args: argparse.Namespace) -> int:
    since, until = args.since, args.until
    store = open_from(args)
    try:
        actor = signed_in_or_local(store, args)
        if args.output:
            try:
                # Owner-only, as a report or an export is (who did what, to which record).
                fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                handle = open(fd, "w", newline="", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise SroError(f"Cannot write {args.output}: {exc.strerror}") from exc
            with handle:
                written = store.services.audit.export_csv(
                    actor, handle, since=since, until=until, bom=not args.no_bom
                )
            print(f"Wrote {written} audit events to {args.output}", file=sys.stderr)
        else:
            store.services.audit.export_csv(
                actor, sys.stdout, since=since, until=until, bom=not args.no_bom
            )
    finally:
        store.close()
    return 0


def cmd_checkpoint(args: argparse.Namespace) -> int:
    if args.force and not args.as_badge:
        raise SroError(
            "--force needs the sign-in of a supervisor or an administrator: add --as BADGE "
            "and --reason TEXT"
        )
    if args.force and not (args.reason or "").strip():
        raise SroError("Say why the checkpoint is forced: --reason TEXT (it is recorded)")
    if not args.force and (args.as_badge or args.reason):
        raise SroError("--as and --reason go with --force")
    store = open_from(args)
    checkpoint: AuditCheckpoint | None
    try:
        if args.force:
            actor = sign_in(store, args, args.as_badge)
            checkpoint = store.services.audit.force_checkpoint(actor, args.reason)
            print(f"Forced by {actor.badge}, recorded in the audit trail: {args.reason.strip()}")
        else:
            checkpoint = store.services.audit.write_checkpoint()
    finally:
        store.close()
    if checkpoint is None:
        print("No checkpoint written (no events yet, or a newer checkpoint is kept)")
        return 0
    print(
        f"Checkpoint of store {checkpoint.store_id}: {checkpoint.count} events, "
        f"newest #{checkpoint.last_id}"
    )
    return 0


def _store_fingerprint(args: argparse.Namespace) -> str | None:
    """The store's recorded key fingerprint, read without opening the store the usual way
    (which needs the key); None when the store has none or cannot be read."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..domain.errors import StoreUnreachable
    from ..services.audit_keys import stored_fingerprint
    from .database import settings_database

    settings = settings_from(args)
    try:
        db = settings_database(settings)
    except StoreUnreachable:
        return None
    try:
        path = db.sqlite_path
        if path is not None and not path.exists():
            return None
        with db.read() as session:
            return stored_fingerprint(session)
    except (SQLAlchemyError, StoreUnreachable):
        return None
    finally:
        db.dispose()


def cmd_key_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..bootstrap import audit_key_path
    from ..services.audit_keys import export_key, short

    source = audit_key_path(settings_from(args))
    if not source.exists():
        raise SroError(f"This terminal has no audit key ({source}) to export")
    printed = export_key(source, Path(args.file))
    print(f"Exported the audit key {short(printed)} to {args.file} (readable by you only)")
    print("Install it on another terminal with `sro audit key import FILE`, then delete FILE")
    return 0


def cmd_key_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..bootstrap import audit_key_path
    from ..services.audit_keys import import_key, short

    target = audit_key_path(settings_from(args))
    expected = _store_fingerprint(args)
    printed, kept = import_key(Path(args.file), target, expected=expected, replace=args.replace)
    print(f"Installed the audit key {short(printed)} as {target}")
    if kept is not None:
        print(f"The key that was there is kept as {kept}")
    if expected is None:
        print("The store has no audit key recorded yet (or could not be read): not checked")
    return 0


def cmd_key_show(args: argparse.Namespace) -> int:
    from ..bootstrap import audit_key_path
    from ..services.audit_keys import fingerprint, read_key, short

    path = audit_key_path(settings_from(args))
    ours = fingerprint(read_key(path)) if path.exists() else None
    stored = _store_fingerprint(args)
    print(f"This terminal's key: {short(ours) if ours else 'none'} ({path})")
    print(f"The store's key:     {short(stored) if stored else 'not recorded'}")
    if ours and stored and ours != stored:
        print("They differ: install the department's key with `sro audit key import FILE`")
        return 1
    return 0
