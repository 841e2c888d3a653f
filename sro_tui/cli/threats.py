"""`sro threat open|list|show|move|follow-up|done|team|link|confidential`: threat assessment
cases (EC 49393), as a signed-in officer (``--as BADGE``) may read them: a confidential case
(the default) only by its team, and by supervisors when the agency's setting says so; a case
the officer may not read is "not found"."""

from __future__ import annotations

import argparse

from ..domain.limits import MAX_RECORD_ID
from ..domain.paging import MAX_PAGE_SIZE
from ..domain.text import visible
from ..domain.threats import (
    FollowUpCreate,
    ThreatCaseCreate,
    ThreatCaseRead,
    ThreatLevel,
    ThreatMove,
    ThreatStage,
)
from ..services.threats import LINK_KINDS
from .common import add_signed_in, open_from, require_sign_in
from .inputs import day, incident_number, record_id, whole_number

CASE_ID = whole_number(1, MAX_RECORD_ID, " (a case id)")
RECORD_ID = record_id


def stage(text: str) -> ThreatStage:
    """A stage by its name; ``safety-plan`` and ``safety_plan`` stand for ``safety plan``."""
    wanted = text.strip().lower().replace("-", " ").replace("_", " ")
    for s in ThreatStage:
        if s.value == wanted:
            return s
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a stage ({', '.join(s.value.replace(' ', '-') for s in ThreatStage)})"
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    threat = subparsers.add_parser("threat", help="threat assessment cases (EC 49393)")
    sub = threat.add_subparsers(dest="threat_command", metavar="ACTION", required=True)

    opening = sub.add_parser(
        "open",
        help="open a case about a student (confidential unless --not-confidential)",
        description="Opens a threat assessment case led by the officer signing in, at stage "
        "'reported', with a first follow-up (triage) due the day reported.",
    )
    opening.add_argument("student", metavar="DISTRICT_ID")
    opening.add_argument("--summary", required=True, help="the threat reported")
    opening.add_argument("--incident", type=incident_number, metavar="NUMBER")
    opening.add_argument("--reported", type=day, metavar="YYYY-MM-DD", help="default today")
    opening.add_argument("--follow-up", type=day, metavar="YYYY-MM-DD", help="the triage's day")
    opening.add_argument(
        "--not-confidential",
        action="store_true",
        help="readable by the school's officers and supervisors, not only the team",
    )
    add_signed_in(opening, "the officer who leads the case")
    opening.set_defaults(func=cmd_open)

    listing = sub.add_parser("list", help="the cases you may read: open ones, soonest due first")
    listing.add_argument("--all", action="store_true", help="closed cases too")
    listing.add_argument("--student", metavar="DISTRICT_ID")
    listing.add_argument("--limit", type=whole_number(1, MAX_PAGE_SIZE), default=50)
    add_signed_in(listing, "an officer")
    listing.set_defaults(func=cmd_list)

    show = sub.add_parser("show", help="one case in full (an audited read)")
    show.add_argument("case", type=CASE_ID, metavar="ID")
    add_signed_in(show, "an officer")
    show.set_defaults(func=cmd_show)

    move = sub.add_parser(
        "move",
        help="move a case to another stage",
        description="Stages: reported, triage, assessment, safety-plan, monitoring, closed. "
        "Moving to safety-plan needs the plan in --note; closing needs the reason.",
    )
    move.add_argument("case", type=CASE_ID, metavar="ID")
    move.add_argument("stage", type=stage, metavar="STAGE")
    move.add_argument("--note", default="")
    move.add_argument("--level", choices=[v.value for v in ThreatLevel if v.value])
    add_signed_in(move, "a member of the case's team")
    move.set_defaults(func=cmd_move)

    follow = sub.add_parser("follow-up", help="add a dated follow-up (due on Today)")
    follow.add_argument("case", type=CASE_ID, metavar="ID")
    follow.add_argument("--due", type=day, required=True, metavar="YYYY-MM-DD")
    follow.add_argument("--what", required=True)
    follow.add_argument("--officer", metavar="BADGE", help="a team member (default the lead)")
    add_signed_in(follow, "a member of the case's team")
    follow.set_defaults(func=cmd_follow_up)

    done = sub.add_parser("done", help="mark a follow-up done")
    done.add_argument("follow_up", type=RECORD_ID, metavar="FOLLOW_UP_ID")
    done.add_argument("--note", default="", help="what came of it")
    add_signed_in(done, "a member of the case's team")
    done.set_defaults(func=cmd_done)

    team = sub.add_parser("team", help="add an officer to the case's team")
    team.add_argument("case", type=CASE_ID, metavar="ID")
    team.add_argument("badge", metavar="BADGE")
    add_signed_in(team, "a member of the case's team")
    team.set_defaults(func=cmd_team)

    link = sub.add_parser("link", help="link a referral or a note of the case's student")
    link.add_argument("case", type=CASE_ID, metavar="ID")
    link.add_argument("kind", choices=LINK_KINDS)
    link.add_argument("record", type=RECORD_ID, metavar="RECORD_ID")
    add_signed_in(link, "a member of the case's team")
    link.set_defaults(func=cmd_link)

    conf = sub.add_parser("confidential", help="mark a case confidential (yes) or not (no)")
    conf.add_argument("case", type=CASE_ID, metavar="ID")
    conf.add_argument("value", choices=("yes", "no"))
    add_signed_in(conf, "the case's lead or a supervisor")
    conf.set_defaults(func=cmd_confidential)


def cmd_open(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro threat open")
        services = store.services
        student_id = services.students.by_district_id(actor, args.student).id
        incident_id = (
            services.incidents.get_by_number(actor, args.incident).id if args.incident else None
        )
        case = services.threats.open(
            actor,
            ThreatCaseCreate(
                student_id=student_id,
                incident_id=incident_id,
                summary=args.summary,
                reported_on=args.reported,
                confidential=not args.not_confidential,
                first_follow_up_on=args.follow_up,
            ),
        )
    finally:
        store.close()
    print(
        f"Threat case #{case.id}: {visible(case.student_name)} ({case.school_code or '-'}), "
        f"{case.stage.value}, {'confidential' if case.confidential else 'not confidential'}"
    )
    pending = case.next_follow_up()
    if pending is not None:
        print(f"Follow-up #{pending.id} due {pending.due_on.isoformat()}: {visible(pending.what)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro threat list")
        services = store.services
        student_id = (
            services.students.by_district_id(actor, args.student).id if args.student else None
        )
        lines = services.threats.page(
            actor, include_closed=args.all, student_id=student_id, limit=args.limit
        )
    finally:
        store.close()
    for c in lines:
        due = c.next_due_on.isoformat() if c.next_due_on else "-"
        level = f" ({c.level.value})" if c.level.value else ""
        print(
            f"#{c.id}  {c.stage.value:<11}{level}  due {due:<10}  {c.school_code or '-'}  "
            f"{visible(c.student_name)}  lead {visible(c.lead_name)}"
            + (f"  {c.incident_number}" if c.incident_number else "")
        )
    if not lines:
        print("(no cases)")
    return 0


def _print_case(case: ThreatCaseRead, tz: object) -> None:
    level = f", {case.level.value}" if case.level.value else ""
    print(f"Threat case #{case.id}: {visible(case.student_name)} ({case.school_code or '-'})")
    print(
        f"Stage: {case.stage.value}{level}; "
        f"{'confidential' if case.confidential else 'not confidential'}; reported "
        f"{case.reported_on.isoformat()}"
        + (f"; incident {case.incident_number}" if case.incident_number else "")
    )
    print("Team: " + ", ".join(visible(name) for _, name in case.team) + " (the first leads)")
    print(f"Reported threat: {visible(case.summary, multiline=True)}")
    print("History:")
    for e in case.events:
        at = e.at.astimezone(tz)  # type: ignore[arg-type]
        note = f": {visible(e.note, multiline=True)}" if e.note else ""
        print(f"  {at:%Y-%m-%d %H:%M}  {e.to_stage.value} ({visible(e.by_name)}){note}")
    print("Follow-ups:")
    for f in case.follow_ups:
        state = "done" if f.done_at else "due"
        note = f" -> {visible(f.done_note)}" if f.done_note else ""
        print(
            f"  #{f.id}  {state} {f.due_on.isoformat()}  {visible(f.officer_name)}: "
            f"{visible(f.what)}{note}"
        )
    if case.links:
        print("Linked:")
        for link in case.links:
            print(f"  {link.kind} #{link.record_id}: {visible(link.title)}")


def cmd_show(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro threat show")
        case = store.services.threats.get(actor, args.case)
        tz = store.services.ctx.tz
    finally:
        store.close()
    _print_case(case, tz)
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro threat move")
        level = ThreatLevel(args.level) if args.level else None
        case = store.services.threats.move(
            actor, args.case, ThreatMove(to_stage=args.stage, note=args.note, level=level)
        )
    finally:
        store.close()
    print(f"Threat case #{case.id}: {case.stage.value}")
    return 0


def cmd_follow_up(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro threat follow-up")
        services = store.services
        officer_id = services.officers.by_badge(args.officer).id if args.officer else None
        row = services.threats.add_follow_up(
            actor, args.case, FollowUpCreate(due_on=args.due, what=args.what, officer_id=officer_id)
        )
    finally:
        store.close()
    print(f"Follow-up #{row.id} due {row.due_on.isoformat()} ({visible(row.officer_name)})")
    return 0


def cmd_done(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro threat done")
        row = store.services.threats.complete_follow_up(actor, args.follow_up, args.note)
    finally:
        store.close()
    print(f"Follow-up #{row.id} done")
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro threat team")
        case = store.services.threats.add_member(actor, args.case, args.badge)
    finally:
        store.close()
    print("Team: " + ", ".join(visible(name) for _, name in case.team))
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro threat link")
        case = store.services.threats.link(actor, args.case, args.kind, args.record)
    finally:
        store.close()
    print(f"Threat case #{case.id}: {len(case.links)} linked record(s)")
    return 0


def cmd_confidential(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro threat confidential")
        case = store.services.threats.set_confidential(actor, args.case, args.value == "yes")
    finally:
        store.close()
    print(f"Threat case #{case.id}: {'confidential' if case.confidential else 'not confidential'}")
    return 0
