"""`sro call add|list`: calls for service, as a signed-in officer (``--as BADGE``)."""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from ..domain.calls import CallCreate, CallerKind, Disposition
from ..domain.errors import SroError
from ..domain.paging import MAX_PAGE_SIZE
from ..domain.text import visible
from ..services.calls import SCOPES
from .common import add_signed_in, open_from, require_sign_in
from .inputs import day, whole_number


def register(subparsers: argparse._SubParsersAction) -> None:
    call = subparsers.add_parser("call", help="calls for service")
    sub = call.add_subparsers(dest="call_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="log a call for service")
    add.add_argument("--caller", required=True, help="who called (name or office)")
    add.add_argument(
        "--caller-kind", choices=[k.value for k in CallerKind], default=CallerKind.STAFF.value
    )
    add.add_argument("--school", required=True, metavar="CODE")
    add.add_argument("--where", default="", help="where on campus")
    add.add_argument("--what", required=True, help="what the call was about")
    add.add_argument(
        "--disposition",
        choices=[d.value for d in Disposition],
        default=Disposition.RESOLVED.value,
    )
    add.add_argument(
        "--at", metavar="'YYYY-MM-DD HH:MM'", help="when it came in (agency time; default now)"
    )
    add.add_argument(
        "--report", action="store_true", help="make a draft incident report of it at once"
    )
    add_signed_in(add, "the officer who took the call")
    add.set_defaults(func=cmd_add)

    listing = sub.add_parser("list", help="calls for service, newest first")
    listing.add_argument("--scope", choices=SCOPES, default="own")
    listing.add_argument("--since", type=day, metavar="YYYY-MM-DD")
    listing.add_argument("--until", type=day, metavar="YYYY-MM-DD")
    listing.add_argument("--limit", type=whole_number(1, MAX_PAGE_SIZE), default=50)
    add_signed_in(listing, "an officer")
    listing.set_defaults(func=cmd_list)


def _moment(text: str | None, tz: ZoneInfo) -> datetime | None:
    if text is None:
        return None
    try:
        local = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError as exc:
        raise SroError(f"--at {text!r} is not a time like 2026-09-14 08:30") from exc
    return local.replace(tzinfo=tz)


def cmd_add(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro call add")
        services = store.services
        data = CallCreate(
            caller=args.caller,
            caller_kind=CallerKind(args.caller_kind),
            school_id=services.reference.school_by_code(args.school).id,
            location=args.where,
            what=args.what,
            disposition=Disposition(args.disposition),
            received_at=_moment(args.at, services.ctx.tz),
        )
        logged = services.calls.add(actor, data)
        report = services.calls.to_report(actor, logged.id) if args.report else None
        tz = services.ctx.tz
    finally:
        store.close()
    print(
        f"Call #{logged.id} logged {logged.received_at.astimezone(tz):%Y-%m-%d %H:%M} "
        f"({logged.school_code}): {logged.disposition.value}"
    )
    if report is not None:
        print(f"Draft report {report.number}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro call list")
        calls = store.services.calls.page(
            actor, scope=args.scope, since=args.since, until=args.until, limit=args.limit
        )
        tz = store.services.ctx.tz
    finally:
        store.close()
    for c in calls:
        where = f" at {visible(c.location)}" if c.location else ""
        report = f"  report #{c.incident_id}" if c.incident_id else ""
        print(
            f"{c.received_at.astimezone(tz):%Y-%m-%d %H:%M}  #{c.id}  {c.school_code}  "
            f"{c.disposition.value:<18}  {visible(c.caller)}{where}{report}"
        )
        print(f"{'':18}{visible(' '.join(c.what.split()))}")
    if not calls:
        print("(no calls)")
    return 0
