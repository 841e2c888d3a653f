"""`sro incident list|show|narrative|bias|initiated|submit|approve|return|supplement|void|
correct`: incident reports as a signed-in officer sees and handles them.

Every command signs an officer in (`--as BADGE`, the password prompted or read with
--password-stdin): what they may read and do, and the audit entries of it, are exactly those
of the app. The review workflow is the service's: an officer cannot approve, an approved
report cannot be edited (only supplemented or corrected), a return needs a comment. `approve`
and `return` on an approved report with a correction waiting decide the correction.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..bootstrap import OpenedStore
from ..domain.enums import BiasMotivation, ContactInitiator, IncidentStatus, OutcomeKind
from ..domain.errors import SroError
from ..domain.incidents import (
    IncidentContent,
    IncidentRead,
    IncidentUpdate,
    IncidentVersionRead,
    OffenseIn,
    ReviewDecision,
    SupplementCreate,
    VoidRequest,
)
from ..domain.officers import Actor
from ..domain.paging import MAX_PAGE_SIZE
from ..domain.validation import first_message
from ..services.corrections import IncidentCorrections
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
    show.add_argument(
        "--version",
        dest="at_version",  # not `version`: that is `sro --version`'s
        type=whole_number(1, 10_000),
        metavar="N",
        help="an earlier approved version (the history: --versions)",
    )
    show.add_argument("--versions", action="store_true", help="list every version and correction")
    _add_as(show)
    show.set_defaults(func=cmd_show)

    narrative = sub.add_parser("narrative", help="replace the narrative of your own report")
    narrative.add_argument("number", type=incident_number, metavar="NUMBER")
    narrative.add_argument("--text", required=True, help="the new narrative")
    _add_as(narrative)
    narrative.set_defaults(func=cmd_narrative)

    bias = sub.add_parser(
        "bias",
        help="set the bias motivation of your own report (NIBRS code: 88 none, 99 unknown)",
        description="Bias motivation codes (NIBRS): "
        + ", ".join(f"{b.nibrs} {b.value}" for b in BiasMotivation),
    )
    bias.add_argument("number", type=incident_number, metavar="NUMBER")
    bias.add_argument("bias", type=_bias, metavar="CODE", help="a NIBRS code (14) or its name")
    _add_as(bias)
    bias.set_defaults(func=cmd_bias)

    initiated = sub.add_parser(
        "initiated",
        help="record who brought the matter to you on your own report (CRDC counts a referral "
        "to law enforcement only when a school official or designee did)",
    )
    initiated.add_argument("number", type=incident_number, metavar="NUMBER")
    initiated.add_argument(
        "by",
        type=_initiator_or_none,
        metavar="school|officer|other|none",
        help="school: a school official or designee; officer: you saw it (officer-initiated); "
        "other: a parent, student, dispatch or the public; none: back to not recorded",
    )
    _add_as(initiated)
    initiated.set_defaults(func=cmd_initiated)

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

    void = sub.add_parser("void", help="void a report (supervisors): kept, counted nowhere")
    void.add_argument("number", type=incident_number, metavar="NUMBER")
    void.add_argument("--reason", required=True, help="why (a duplicate, filed in error)")
    _add_as(void)
    void.set_defaults(func=cmd_void)

    correct = sub.add_parser(
        "correct",
        help="propose a correction of an approved report (a supervisor approves it)",
        description="Starts from the version in force; each option given replaces that part. "
        "With no --narrative, --editor opens the narrative in $EDITOR.",
    )
    correct.add_argument("number", type=incident_number, metavar="NUMBER")
    correct.add_argument(
        "--category",
        action="append",
        metavar="CODE",
        help="the categories (repeat; the first is the most severe); replaces them all",
    )
    correct.add_argument("--location", metavar="CODE", help="where it happened")
    correct.add_argument(
        "--occurred", type=_when, metavar="'YYYY-MM-DD HH:MM'", help="when (agency time)"
    )
    correct.add_argument(
        "--initiated-by", type=_initiator, metavar="school|officer|other", help="who brought it"
    )
    correct.add_argument(
        "--bias", type=_bias, metavar="CODE", help="the bias motivation (NIBRS code, e.g. 88)"
    )
    correct.add_argument(
        "--outcome",
        action="append",
        metavar="N=KIND[,KIND]",
        help="person N's outcomes (N as `show` lists them, from 1; 'none' clears); repeat",
    )
    text = correct.add_mutually_exclusive_group()
    text.add_argument("--narrative", help="the corrected narrative")
    text.add_argument("--editor", action="store_true", help="edit the narrative in $EDITOR")
    _add_as(correct)
    correct.set_defaults(func=cmd_correct)


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
    versions: list[IncidentVersionRead] = []
    try:
        actor = _sign_in(store, args)
        record = store.services.incidents.get_by_number(actor, args.number)
        if args.at_version is not None or args.versions:
            versions = _corrections(store).versions(actor, record.id)
        tz = store.services.ctx.tz
    finally:
        store.close()
    if args.versions:
        for v in versions:
            label = f"version {v.number}" if v.number else "correction"
            reviewed = f", {v.status} by {v.reviewed_by_name}" if v.reviewed_by_name else ""
            comment = f": {v.comment}" if v.comment else ""
            print(
                f"{label:<12} {v.status:<9} by {v.author_name}, "
                f"{_local(v.created_at, tz)}{reviewed}{comment}"
            )
        return 0
    if args.at_version is not None:
        chosen = next((v for v in versions if v.number == args.at_version), None)
        if chosen is None:
            raise SroError(f"{record.number} has no version {args.at_version}")
        for line in render_content(record, chosen, tz):
            print(line)
        return 0
    for line in render(record, tz):
        print(line)
    return 0


def _update_own(args: argparse.Namespace, **fields: Any) -> IncidentRead:
    """Change fields of the report ``args.number`` against the version read just before
    (narrative, initiator, bias: the service checks it is the officer's own and editable)."""
    store = open_from(args)
    try:
        actor = _sign_in(store, args)
        incidents = store.services.incidents
        record = incidents.get_by_number(actor, args.number)
        data = _valid(IncidentUpdate, version=record.version, **fields)
        return incidents.update(actor, record.id, data)
    finally:
        store.close()


def cmd_narrative(args: argparse.Namespace) -> int:
    updated = _update_own(args, narrative=args.text)
    print(f"{updated.number}: narrative saved (version {updated.version})")
    return 0


def _bias(text: str) -> BiasMotivation:
    try:
        return BiasMotivation.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _initiator(text: str) -> ContactInitiator:
    word = " ".join(text.strip().lower().split())
    for kind in ContactInitiator:
        if word in (kind.value, kind.value.split()[0]):
            return kind
    raise argparse.ArgumentTypeError(f"{text!r}: give school, officer or other")


NOT_RECORDED = ("none", "not recorded", "unknown")


def _initiator_or_none(text: str) -> ContactInitiator | None:
    """``_initiator``, or None for "none" (back to not recorded)."""
    if " ".join(text.strip().lower().split()) in NOT_RECORDED:
        return None
    try:
        return _initiator(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give school, officer or other (none: not recorded)"
        ) from None


def cmd_initiated(args: argparse.Namespace) -> int:
    updated = _update_own(args, initiated_by=args.by)
    print(f"{updated.number}: initiated by {args.by.value if args.by else 'not recorded'}")
    return 0


def cmd_bias(args: argparse.Namespace) -> int:
    updated = _update_own(args, bias_motivation=args.bias)
    print(f"{updated.number}: bias motivation {updated.bias_motivation.label}")
    return 0


def cmd_step(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _sign_in(store, args)
        incidents = store.services.incidents
        record = incidents.get_by_number(actor, args.number)
        decision = _valid(ReviewDecision, comment=args.comment)
        if args.step != "submit" and record.correction_pending:
            corrections = _corrections(store)
            if args.step == "approve":
                done = corrections.approve(actor, record.id, decision)
                print(f"{done.number}: correction approved, version {done.revision}")
            else:
                done = corrections.return_for_changes(actor, record.id, decision)
                print(f"{done.number}: correction declined, version {done.revision} stays")
            return 0
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


def cmd_void(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _sign_in(store, args)
        record = store.services.incidents.get_by_number(actor, args.number)
        reason = _valid(VoidRequest, reason=args.reason)
        done = _corrections(store).void(actor, record.id, reason)
    finally:
        store.close()
    print(f"{done.number}: voided ({done.void_reason})")
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _sign_in(store, args)
        record = store.services.incidents.get_by_number(actor, args.number)
        corrections = _corrections(store)
        current = corrections.content(actor, record.id)
        content = _corrected(current, args, store.services.ctx.tz)
        if content == current:
            raise SroError("Nothing to correct: give what changes (see --help)")
        corrections.propose(actor, record.id, content)
    finally:
        store.close()
    print(f"{record.number}: correction waiting for a supervisor's approval")
    return 0


def _corrected(current: IncidentContent, args: argparse.Namespace, tz: tzinfo) -> IncidentContent:
    values = current.model_dump()
    if args.category:
        values["offenses"] = [
            OffenseIn(category_code=code, most_severe=i == 0).model_dump()
            for i, code in enumerate(dict.fromkeys(c.strip().upper() for c in args.category))
        ]
    if args.location:
        values["location_code"] = args.location.strip().upper()
    if args.initiated_by is not None:
        values["initiated_by"] = args.initiated_by
    if args.bias is not None:
        values["bias_motivation"] = args.bias
    if args.occurred is not None:
        values["occurred_at"] = args.occurred.replace(tzinfo=tz)
    for item in args.outcome or ():
        number, _, kinds = item.partition("=")
        if not number.strip().isdigit() or not 1 <= int(number) <= len(values["people"]):
            raise SroError(
                f"--outcome {item!r}: no person {number.strip()} "
                f"(the report lists {len(values['people'])})"
            )
        chosen = [k.strip().lower() for k in kinds.split(",") if k.strip()]
        known = {o.value for o in OutcomeKind}
        bad = [k for k in chosen if k != "none" and k not in known]
        if bad:
            raise SroError(f"--outcome: unknown outcome {bad[0]!r} ({', '.join(sorted(known))})")
        person = values["people"][int(number) - 1]
        person["outcomes"] = [OutcomeKind(k) for k in chosen if k != "none"]
        if OutcomeKind.ARREST not in person["outcomes"]:
            person["custodial"] = False
    if args.narrative is not None:
        values["narrative"] = args.narrative
    elif args.editor:
        values["narrative"] = _edit(current.narrative)
    return _valid(IncidentContent, **values)


def _edit(text: str) -> str:
    """The text after the officer edited it in $EDITOR (or $VISUAL, else vi)."""
    if not sys.stdin.isatty():
        raise SroError("--editor needs a terminal; give --narrative instead")
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory(prefix="sro-") as folder:
        path = Path(folder) / "narrative.txt"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        if subprocess.run([*shlex.split(editor), str(path)], check=False).returncode != 0:
            raise SroError(f"The editor ({editor}) failed; nothing was changed")
        return path.read_text(encoding="utf-8").rstrip("\n")


def _when(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected 'YYYY-MM-DD HH:MM'") from exc


def _corrections(store: OpenedStore) -> IncidentCorrections:
    return store.services.corrections


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
        f"{record.number}  ({record.status.value}, version {record.revision} of "
        f"{record.revisions})" + ("  VOIDED" if record.voided else ""),
        f"School:    {record.school_name} ({record.school_year})",
        f"Officer:   {record.officer_name}",
        f"Occurred:  {_local(record.occurred_at, tz)}   Entered: {_local(record.entered_at, tz)}",
        f"Location:  {record.location_name} ({record.location_code}"
        + (f", NIBRS {record.location_nibrs})" if record.location_nibrs else ")"),
        f"Bias:      {record.bias_motivation.label}",
        "Initiated: " + (record.initiated_by.value if record.initiated_by else "not recorded"),
    ]
    if record.submitted_at:
        lines.append(f"Submitted: {_local(record.submitted_at, tz)}")
    if record.approved_at:
        lines.append(f"Approved:  {_local(record.approved_at, tz)}")
    if record.review_comment:
        lines.append(f"Reviewer:  {record.review_comment}")
    if record.voided:
        lines.append(
            f"Voided:    {_local(record.voided_at, tz)} by {record.voided_by_name}: "
            f"{record.void_reason} (counted in no report)"
        )
    if record.correction_pending:
        lines.append("Correction: waiting for a supervisor's approval")
    lines.append("Categories:")
    for o in record.offenses:
        marks = [o.weapon.value if o.weapon.value != "none" else ""]
        marks += ["attempted" if o.attempted else "", "most severe" if o.most_severe else ""]
        extra = ", ".join(m for m in marks if m)
        lines.append(f"  {o.category_name} [{o.nibrs}]" + (f" ({extra})" if extra else ""))
    if record.people:
        lines.append("People:")
        for i, p in enumerate(record.people, 1):  # numbered: `correct --outcome N=...`
            outcomes = ", ".join(o.value for o in p.outcomes)
            line = f"  {i}. {p.role.value}: {p.name}"
            lines.append(line + (f" ({outcomes})" if outcomes else ""))
    for kind in record.compliance_required:
        done = next((c for c in record.compliance if c.kind is kind), None)
        state = f"done {_local(done.done_at, tz)}" if done else "NOT RECORDED"
        lines.append(f"Notification: {kind.label}: {state}")
    lines += ["", record.narrative or "(no narrative)"]
    for s in record.supplements:
        lines += ["", f"Supplement by {s.author_name}, {_local(s.created_at, tz)}:", s.text]
    return lines


def render_content(record: IncidentRead, version: IncidentVersionRead, tz: tzinfo) -> list[str]:
    """An earlier (or the current) approved version's content as plain text lines."""
    content = version.content
    lines = [
        f"{record.number}  version {version.number} of {record.revisions}"
        + ("  (in force)" if version.number == record.revision else "  (superseded)"),
        f"Approved:  {_local(version.reviewed_at, tz)} by {version.reviewed_by_name or '-'}",
        f"Occurred:  {_local(content.occurred_at, tz)}",
        f"Location:  {content.location_code}",
        f"Bias:      {content.bias_motivation.label}",
        "Categories: " + ", ".join(o.category_code for o in content.offenses),
    ]
    names = {p.student_id: p.name for p in record.people if p.student_id is not None}
    if content.people:
        lines.append("People:")
        for i, p in enumerate(content.people, 1):
            outcomes = ", ".join(o.value for o in p.outcomes)
            who = p.name or names.get(p.student_id or 0, f"student #{p.student_id}")
            lines.append(f"  {i}. {p.role.value}: {who}" + (f" ({outcomes})" if outcomes else ""))
    lines += ["", content.narrative]
    return lines
