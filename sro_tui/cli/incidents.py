"""`sro incident list|show|narrative|submit|approve|return|supplement`: incident reports as
a signed-in officer sees and handles them.

Every command signs an officer in (`--as BADGE`, the password prompted or read with
--password-stdin): what they may read and do, and the audit entries of it, are exactly those
of the app. The review workflow is the service's: an officer cannot approve, an approved
report cannot be edited (only supplemented), a return needs a comment.
"""

from __future__ import annotations

import argparse
from datetime import datetime, tzinfo
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..bootstrap import OpenedStore
from ..domain.enums import IncidentStatus
from ..domain.errors import SroError
from ..domain.incidents import IncidentRead, IncidentUpdate, ReviewDecision, SupplementCreate
from ..domain.officers import Actor
from ..domain.paging import MAX_PAGE_SIZE
from ..domain.validation import first_message
from .common import open_from, sign_in
from .inputs import day, incident_number, whole_number

M = TypeVar("M", bound=BaseModel)


def register(subparsers: argparse._SubParsersAction) -> None:
    incident = subparsers.add_parser(
        "incident", help="incident reports: list, show, review, supplement"
    )
    sub = incident.add_subparsers(dest="incident_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="reports newest first")
    listing.add_argument(
        "--scope",
        choices=("own", "school", "all"),
        default="own",
        help="own reports, your schools' open reports, or all (supervisors)",
    )
    listing.add_argument(
        "--status", choices=[s.value for s in IncidentStatus], help="only this status"
    )
    listing.add_argument("--category", metavar="CODE", help="only reports with this category")
    listing.add_argument("--since", type=day, metavar="YYYY-MM-DD", help="from this day")
    listing.add_argument("--until", type=day, metavar="YYYY-MM-DD", help="up to this day")
    listing.add_argument("--school", metavar="CODE", help="only this school")
    listing.add_argument(
        "--limit",
        type=whole_number(1, MAX_PAGE_SIZE),
        default=50,
        help=f"at most (<= {MAX_PAGE_SIZE})",
    )
    _add_as(listing)
    listing.set_defaults(func=cmd_list)

    show = sub.add_parser("show", help="one report in full")
    show.add_argument("number", type=incident_number, metavar="NUMBER", help="e.g. SRO-2026-000123")
    _add_as(show)
    show.set_defaults(func=cmd_show)

    narrative = sub.add_parser("narrative", help="replace the narrative of your own report")
    narrative.add_argument("number", type=incident_number, metavar="NUMBER")
    narrative.add_argument("--text", required=True, help="the new narrative")
    _add_as(narrative)
    narrative.set_defaults(func=cmd_narrative)

    for name, helptext in (
        ("submit", "submit your report for review"),
        ("approve", "approve a submitted report (supervisors); it is locked from then on"),
    ):
        step = sub.add_parser(name, help=helptext)
        step.add_argument("number", type=incident_number, metavar="NUMBER")
        step.add_argument("--comment", default="", help="a note for the record")
        _add_as(step)
        step.set_defaults(func=cmd_step, step=name)

    back = sub.add_parser("return", help="return a submitted report for changes (supervisors)")
    back.add_argument("number", type=incident_number, metavar="NUMBER")
    back.add_argument("--comment", required=True, help="what needs to change")
    _add_as(back)
    back.set_defaults(func=cmd_step, step="return")

    supplement = sub.add_parser("supplement", help="append a supplement to an approved report")
    supplement.add_argument("number", type=incident_number, metavar="NUMBER")
    supplement.add_argument("--text", required=True, help="the correction or addition")
    _add_as(supplement)
    supplement.set_defaults(func=cmd_supplement)


def _add_as(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="as_badge", required=True, metavar="BADGE")
    parser.add_argument("--password-stdin", action="store_true")


def _sign_in(store: OpenedStore, args: argparse.Namespace) -> Actor:
    return sign_in(store, args, args.as_badge)


def cmd_list(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _sign_in(store, args)
        services = store.services
        school_id = services.reference.school_by_code(args.school).id if args.school else None
        page = services.incidents.page(
            actor,
            scope=args.scope,
            status=IncidentStatus(args.status) if args.status else None,
            category_code=args.category,
            since=args.since,
            until=args.until,
            school_id=school_id,
            limit=args.limit,
        )
        tz = services.ctx.tz
    finally:
        store.close()
    for row in page.items:
        print(
            f"{row.number:<16} {_local(row.occurred_at, tz)}  {row.status.value:<9} "
            f"{row.school_name[:24]:<24} {row.category_name[:30]:<30} {row.officer_name}"
        )
    if not page.items:
        print("(no reports)")
    elif page.next_cursor:
        print(f"(first {len(page.items)}; narrow with --since/--until or raise --limit)")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _sign_in(store, args)
        record = store.services.incidents.get_by_number(actor, args.number)
        tz = store.services.ctx.tz
    finally:
        store.close()
    for line in render(record, tz):
        print(line)
    return 0


def cmd_narrative(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _sign_in(store, args)
        incidents = store.services.incidents
        record = incidents.get_by_number(actor, args.number)
        data = _valid(IncidentUpdate, version=record.version, narrative=args.text)
        updated = incidents.update(actor, record.id, data)
    finally:
        store.close()
    print(f"{updated.number}: narrative saved (version {updated.version})")
    return 0


def cmd_step(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _sign_in(store, args)
        incidents = store.services.incidents
        record = incidents.get_by_number(actor, args.number)
        decision = _valid(ReviewDecision, comment=args.comment)
        if args.step == "submit":
            done = incidents.submit(actor, record.id)
        elif args.step == "approve":
            done = incidents.approve(actor, record.id, decision)
        else:
            done = incidents.return_for_changes(actor, record.id, decision)
    finally:
        store.close()
    print(f"{done.number}: {done.status.value}")
    return 0


def cmd_supplement(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _sign_in(store, args)
        incidents = store.services.incidents
        record = incidents.get_by_number(actor, args.number)
        done = incidents.add_supplement(actor, record.id, _valid(SupplementCreate, text=args.text))
    finally:
        store.close()
    print(f"{done.number}: supplement {len(done.supplements)} added")
    return 0


def _valid(model: type[M], **values: object) -> M:
    """Build a schema from options; a bad value is one line naming the field."""
    try:
        return model(**values)
    except ValidationError as exc:
        raise SroError(first_message(exc, model)) from exc


def _local(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def render(record: IncidentRead, tz: tzinfo) -> list[str]:
    """The report as plain text lines (what `show` prints)."""
    lines = [
        f"{record.number}  ({record.status.value}, version {record.version})",
        f"School:    {record.school_name} ({record.school_year})",
        f"Officer:   {record.officer_name}",
        f"Occurred:  {_local(record.occurred_at, tz)}   Entered: {_local(record.entered_at, tz)}",
        f"Location:  {record.location_name} ({record.location_code})",
    ]
    if record.submitted_at:
        lines.append(f"Submitted: {_local(record.submitted_at, tz)}")
    if record.approved_at:
        lines.append(f"Approved:  {_local(record.approved_at, tz)}")
    if record.review_comment:
        lines.append(f"Reviewer:  {record.review_comment}")
    lines.append("Categories:")
    for o in record.offenses:
        marks = [o.weapon.value if o.weapon.value != "none" else ""]
        marks += ["attempted" if o.attempted else "", "most severe" if o.most_severe else ""]
        extra = ", ".join(m for m in marks if m)
        lines.append(f"  {o.category_name} [{o.nibrs}]" + (f" ({extra})" if extra else ""))
    if record.people:
        lines.append("People:")
        for p in record.people:
            outcomes = ", ".join(o.value for o in p.outcomes)
            lines.append(f"  {p.role.value}: {p.name}" + (f" ({outcomes})" if outcomes else ""))
    for kind in record.compliance_required:
        done = next((c for c in record.compliance if c.kind is kind), None)
        state = f"done {_local(done.done_at, tz)}" if done else "NOT RECORDED"
        lines.append(f"Notification: {kind.label}: {state}")
    lines += ["", record.narrative or "(no narrative)"]
    for s in record.supplements:
        lines += ["", f"Supplement by {s.author_name}, {_local(s.created_at, tz)}:", s.text]
    return lines
