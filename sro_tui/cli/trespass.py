"""`sro trespass warn|check|list`: trespass warnings (PC 626.8, 627.7), as a signed-in
officer (``--as BADGE``) sees them: a juvenile's warning only by its schools' officers and
supervisors, a sealed student's by nobody."""

from __future__ import annotations

import argparse

from ..domain.paging import MAX_PAGE_SIZE
from ..domain.text import visible
from ..domain.trespass import MAX_DAYS, PersonKind, Statute, TrespassWarningCreate, WatchHit
from .common import add_signed_in, open_from, require_sign_in
from .inputs import day, incident_number, whole_number


def register(subparsers: argparse._SubParsersAction) -> None:
    trespass = subparsers.add_parser("trespass", help="trespass warnings (PC 626.8, 627.7)")
    sub = trespass.add_subparsers(dest="trespass_command", metavar="ACTION", required=True)

    warn = sub.add_parser(
        "warn",
        help="record a warning given now",
        description="Records a warning given now and prints the statutory text shown and the "
        "last day it is in force (the period runs in the agency's calendar: 7 days, or one of "
        "the department's longer notices, `sro settings` trespass_notice_days).",
    )
    warn.add_argument("--name", required=True, help="the person's name")
    warn.add_argument("--dob", type=day, help="date of birth (YYYY-MM-DD)")
    warn.add_argument("--age", type=whole_number(0, 120), help="age, if no date of birth")
    warn.add_argument("--description", default="", help="what the person looks like")
    warn.add_argument("--photo", default="", metavar="REF", help="a photo's reference")
    warn.add_argument(
        "--kind",
        choices=[k.value for k in PersonKind],
        default=PersonKind.ADULT.value,
        help="adult, student (of another school) or juvenile",
    )
    warn.add_argument(
        "--student", metavar="DISTRICT_ID", help="the student, if in the district's roster"
    )
    warn.add_argument(
        "--school",
        action="append",
        required=True,
        metavar="CODE",
        help="a school the warning covers (repeatable)",
    )
    warn.add_argument("--statute", choices=[s.value for s in Statute], default="626.8")
    warn.add_argument("--days", type=whole_number(1, MAX_DAYS), default=7)
    warn.add_argument("--incident", type=incident_number, metavar="NUMBER")
    add_signed_in(warn, "the officer who gave the warning")
    warn.set_defaults(func=cmd_warn)

    check = sub.add_parser(
        "check", help="the watch check: warnings by part of a name or a description word"
    )
    check.add_argument("text", nargs="+")
    check.add_argument("--limit", type=whole_number(1, MAX_PAGE_SIZE), default=20)
    add_signed_in(check, "an officer")
    check.set_defaults(func=cmd_check)

    listing = sub.add_parser("list", help="the warnings in force now")
    listing.add_argument("--school", metavar="CODE")
    listing.add_argument("--limit", type=whole_number(1, MAX_PAGE_SIZE), default=50)
    add_signed_in(listing, "an officer")
    listing.set_defaults(func=cmd_list)


def cmd_warn(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro trespass warn")
        services = store.services
        school_ids = [services.reference.school_by_code(c).id for c in args.school]
        student_id = (
            services.students.by_district_id(actor, args.student).id if args.student else None
        )
        incident_id = (
            services.incidents.get_by_number(actor, args.incident).id if args.incident else None
        )
        data = TrespassWarningCreate(
            person_name=args.name,
            birth_date=args.dob,
            age=args.age,
            description=args.description,
            photo_ref=args.photo,
            person_kind=PersonKind(args.kind),
            student_id=student_id,
            school_ids=school_ids,
            statute=Statute(args.statute),
            days=args.days,
            incident_id=incident_id,
        )
        warning = services.trespass.warn(actor, data)
        tz = services.ctx.tz
    finally:
        store.close()
    print(
        f"Warning #{warning.id}: {visible(warning.person_name)} ({', '.join(warning.school_codes)})"
    )
    print(
        f"Given {warning.warned_at.astimezone(tz):%Y-%m-%d %H:%M}; in force through "
        f"{warning.last_day.isoformat()} ({warning.days} days)"
    )
    print(warning.statute_text)
    return 0


def _print_hits(hits: list[WatchHit]) -> None:
    for hit in hits:
        w = hit.warning
        who = w.birth_date.isoformat() if w.birth_date else f"age {w.age}"
        repeat = f"  REPEATED ({hit.warnings_of_person} warnings)" if hit.repeated else ""
        juvenile = "  juvenile" if w.juvenile else ""
        print(
            f"{hit.state.value.upper():<9}  #{w.id}  {visible(w.person_name)} ({who})  "
            f"{','.join(w.school_codes)}  until {w.last_day.isoformat()}{repeat}{juvenile}"
        )
        if w.description:
            print(f"{'':11}{visible(' '.join(w.description.split()))}")
    if not hits:
        print("(no warning found)")


def cmd_check(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro trespass check")
        hits = store.services.trespass.check(actor, " ".join(args.text), limit=args.limit)
    finally:
        store.close()
    _print_hits(hits)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro trespass list")
        school_id = store.services.reference.school_by_code(args.school).id if args.school else None
        hits = store.services.trespass.in_force(actor, school_id=school_id, limit=args.limit)
    finally:
        store.close()
    _print_hits(hits)
    return 0
