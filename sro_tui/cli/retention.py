"""`sro retention --dry-run [--as BADGE]` lists the records past the department's retention
schedule (kind, id or number, the day the schedule counts from; never their content);
`sro retention --purge --as ADMIN` deletes them, each audited, their seals kept as purged.
The schedule: `sro settings set retention_incident_years|retention_note_years|
retention_referral_years N` (defaults 5, 3, 3; see services/retention.py)."""

from __future__ import annotations

import argparse

from ..domain.errors import SroError
from ..services.retention import RetentionService
from .common import open_from, signed_in_or_local


def register(subparsers: argparse._SubParsersAction) -> None:
    retention = subparsers.add_parser(
        "retention", help="list (--dry-run) or purge (--purge) records past the schedule"
    )
    mode = retention.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="list what would be purged")
    mode.add_argument("--purge", action="store_true", help="purge it (an administrator)")
    retention.add_argument(
        "--as",
        dest="as_badge",
        metavar="BADGE",
        help="an administrator (required with --purge; a dry run without it runs as the "
        "local administration, for the OS owner of a SQLite store file only)",
    )
    retention.add_argument("--password-stdin", action="store_true")
    retention.set_defaults(func=cmd_retention)


def cmd_retention(args: argparse.Namespace) -> int:
    if args.purge and not args.as_badge:
        raise SroError("--purge needs --as BADGE (an administrator)")
    store = open_from(args)
    try:
        actor = signed_in_or_local(store, args)
        service = RetentionService(store.services.ctx, store.services.audit)
        schedule = service.schedule()
        if args.dry_run:
            found = service.expired(actor)
        else:
            result = service.purge(actor)
    finally:
        store.close()
    print(
        f"Schedule: incidents {schedule.incident_years} years after their school year, "
        f"notes {schedule.note_years} years after the student's last record, "
        f"ended referrals {schedule.referral_years} years, "
        f"trespass warnings {schedule.trespass_years} years after their last day in force, "
        f"calls for service {schedule.call_years} years"
    )
    if args.dry_run:
        for item in found:
            print(f"{item.kind:<9} {item.label:<20} from {item.on.isoformat()}")
        print(f"{len(found)} record(s) past the schedule (nothing purged: a dry run)")
        return 0
    names = {"trespass": "trespass warning"}
    done = ", ".join(f"{n} {names.get(kind, kind)}(s)" for kind, n in result.purged.items() if n)
    print(f"Purged {done or 'nothing'}")
    if result.kept_linked:
        print(f"Kept {result.kept_linked}: a record still kept points at them")
    return 0
