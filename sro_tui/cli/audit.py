"""`sro audit verify|export|checkpoint`: check, export and checkpoint the audit trail.

These run as local administration (the machine's own store, like `sro officer`), and are
recorded in the trail like any other reader's.
"""

from __future__ import annotations

import argparse
import sys

from ..domain.errors import SroError
from ..domain.officers import SYSTEM_ACTOR
from ..services.audit import unprotected_message
from .common import open_from
from .inputs import day

UNPROTECTED = unprotected_message([]).split(":")[0]


def register(subparsers: argparse._SubParsersAction) -> None:
    audit = subparsers.add_parser("audit", help="check and export the audit trail")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    verify = sub.add_parser(
        "verify",
        help="check the hash chain and the newest checkpoint (exit 1 when broken)",
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
        "-o", "--output", metavar="FILE", help="write to FILE (default: standard output)"
    )
    export.set_defaults(func=cmd_export)

    checkpoint = sub.add_parser(
        "checkpoint", help="sign the chain's newest event now (run it from cron, or at exit)"
    )
    checkpoint.add_argument(
        "--force",
        action="store_true",
        help="replace a newer checkpoint (only after restoring a backup on purpose)",
    )
    checkpoint.set_defaults(func=cmd_checkpoint)


def cmd_verify(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        report = store.services.audit.verify(SYSTEM_ACTOR)
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
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    since, until = args.since, args.until
    store = open_from(args)
    try:
        if args.output:
            try:
                handle = open(args.output, "w", newline="", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise SroError(f"Cannot write {args.output}: {exc.strerror}") from exc
            with handle:
                written = store.services.audit.export_csv(
                    SYSTEM_ACTOR, handle, since=since, until=until
                )
            print(f"Wrote {written} audit events to {args.output}", file=sys.stderr)
        else:
            store.services.audit.export_csv(SYSTEM_ACTOR, sys.stdout, since=since, until=until)
    finally:
        store.close()
    return 0


def cmd_checkpoint(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        checkpoint = store.services.audit.write_checkpoint(force=args.force)
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
