"""`sro reference list|add|rename|retire|restore KIND`: the agency's code lists (offense
categories, locations, referral programs) and the duty checklist's template. A row that
records use is never deleted: it is retired (gone from pickers, kept on its records).
Checklist template items also take the weekdays they are on (`--days Mon-Fri`; `sro reference
days checklist ID DAYS`) and move up or down the list, which is the order of every shift's
items (`sro reference move checklist ID up|down`), and a kind (`--kind security`; `sro
reference kind checklist ID KIND`): the monthly report counts the security checks done."""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from ..domain.checklist import weekdays_label
from ..domain.enums import ChecklistKind
from ..domain.errors import SroError
from ..domain.reports import kind_from_label
from ..domain.schools import ReferenceItemCreate, ReferenceKind, TemplateItemCreate
from ..domain.validation import first_message
from .common import add_signed_in, open_from, require_sign_in, signed_in_or_local

CHECKLIST = "checklist"
KINDS = [k.value for k in ReferenceKind] + [CHECKLIST]


def register(subparsers: argparse._SubParsersAction) -> None:
    reference = subparsers.add_parser(
        "reference", help="code lists and the checklist template (administrators)"
    )
    sub = reference.add_subparsers(dest="reference_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="one list, retired rows too, with how often each is used")
    listing.add_argument("kind", choices=KINDS)
    listing.add_argument(
        "--school", help="checklist: what this school's shifts start from (every-school items too)"
    )
    add_signed_in(listing, "any officer; without it the store file's OS owner only")
    listing.set_defaults(func=cmd_list)

    add = sub.add_parser(
        "add",
        help="add: KIND CODE NAME, or checklist LABEL [--school CODE] [--location CODE] "
        "[--days DAYS] [--kind KIND]",
    )
    add.add_argument("kind", choices=KINDS)
    add.add_argument("words", nargs="+", metavar="CODE NAME | LABEL")
    add.add_argument("--school", help="checklist: only this school's shifts (default: every)")
    add.add_argument("--location", help="checklist: the item's location code")
    add.add_argument(
        "--days",
        help="checklist: the weekdays whose shifts have it, e.g. Mon-Fri, tue,thu (default: every)",
    )
    add.add_argument(
        "--kind",
        dest="item_kind",
        choices=[k.value for k in ChecklistKind],
        help="checklist: what the item is; 'security' items count as campus checks "
        "(default: what the label's words suggest, printed)",
    )
    add.add_argument(
        "--nibrs",
        default="",
        help="category: its NIBRS offense code; location: its NIBRS location code (else 53)",
    )
    add.add_argument("--ed-code", default="", help="category: its Education Code section")
    add.add_argument(
        "--severity", type=int, default=50, help="category: 0-100, the most severe leads"
    )
    add.add_argument(
        "--not-criminal", action="store_true", help="category: a school rule, not a crime"
    )
    add.add_argument(
        "--no-consent", action="store_true", help="program: no parent's consent needed"
    )
    add_signed_in(add)
    add.set_defaults(func=cmd_add)

    rename = sub.add_parser("rename", help="a new name: KIND CODE NAME (checklist: ID LABEL)")
    rename.add_argument("kind", choices=KINDS)
    rename.add_argument("code", metavar="CODE|ID")
    rename.add_argument("name", metavar="NAME")
    add_signed_in(rename)
    rename.set_defaults(func=cmd_rename)

    days = sub.add_parser(
        "days",
        help="checklist ID DAYS: the weekdays a template item is on (Mon-Fri, tue,thu, 'every')",
    )
    days.add_argument("kind", choices=[CHECKLIST])
    days.add_argument("code", metavar="ID")
    days.add_argument("days", metavar="DAYS")
    add_signed_in(days)
    days.set_defaults(func=cmd_days)

    kind = sub.add_parser(
        "kind",
        help="checklist ID KIND: what a template item is (security, instruction, training, "
        "mentoring, other); shifts opened from now on copy it",
    )
    kind.add_argument("kind", choices=[CHECKLIST])
    kind.add_argument("code", metavar="ID")
    kind.add_argument("item_kind", metavar="KIND", choices=[k.value for k in ChecklistKind])
    add_signed_in(kind)
    kind.set_defaults(func=cmd_kind)

    move = sub.add_parser(
        "move", help="checklist ID up|down: one place up or down the list (the shifts' order)"
    )
    move.add_argument("kind", choices=[CHECKLIST])
    move.add_argument("code", metavar="ID")
    move.add_argument("direction", choices=["up", "down"])
    add_signed_in(move)
    move.set_defaults(func=cmd_move)

    for name, active, text in (
        ("retire", False, "retire KIND CODE (checklist: ID): gone from pickers, kept on records"),
        ("restore", True, "bring a retired row back"),
    ):
        p = sub.add_parser(name, help=f"{text} (--as an administrator)")
        p.add_argument("kind", choices=KINDS)
        p.add_argument("code", metavar="CODE|ID")
        add_signed_in(p)
        p.set_defaults(func=cmd_set_active, active=active)


def _item_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 2**31 - 1:
        raise SroError(f"A checklist template item is named by its id (a number), not {text!r}")
    return value


def cmd_list(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        signed_in_or_local(store, args)
        reference = store.services.reference
        if args.kind == CHECKLIST:
            schools = {s.id: s.code for s in reference.schools(include_inactive=True)}
            school_id = reference.school_for_key(args.school).id if args.school else None
            print(
                f"{'ID':<6} {'SCHOOL':<10} {'LOCATION':<10} {'STATE':<8} {'DAYS':<16} "
                f"{'KIND':<12} ITEM"
            )
            for item in reference.template_items(school_id):
                school = schools.get(item.school_id, "?") if item.school_id else "(every)"
                state = "active" if item.active else "retired"
                location = item.location_code or "-"
                days = weekdays_label(item.weekdays)
                print(
                    f"{item.id:<6} {school:<10} {location:<10} {state:<8} {days:<16} "
                    f"{item.kind.value:<12} {item.label}"
                )
            return 0
        if args.school:
            raise SroError("--school is for the checklist only")
        print(f"{'CODE':<20} {'STATE':<8} {'USES':>6}  {'NIBRS':<6} NAME")
        for row in reference.reference_items(ReferenceKind(args.kind)):
            state = "active" if row.active else "retired"
            print(f"{row.code:<20} {state:<8} {row.uses:>6}  {row.nibrs or '-':<6} {row.name}")
    finally:
        store.close()
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        reference = store.services.reference
        if args.kind == CHECKLIST:
            if len(args.words) != 1:
                raise SroError('checklist: give the item as one argument, e.g. "Gate check"')
            school_id = reference.school_for_key(args.school).id if args.school else None
            try:
                data = TemplateItemCreate(
                    label=args.words[0],
                    location_code=args.location,
                    school_id=school_id,
                    weekdays=args.days,
                    kind=args.item_kind or kind_from_label(args.words[0]),
                )
            except ValidationError as exc:
                raise SroError(first_message(exc, TemplateItemCreate)) from exc
            actor = require_sign_in(store, args, "sro reference add")
            item = reference.add_template_item(actor, data)
            guessed = "" if args.item_kind else " (from the label; --kind to choose)"
            print(
                f"Added checklist item {item.id}: {item.label} ({weekdays_label(item.weekdays)}), "
                f"kind {item.kind.value}{guessed}"
            )
            return 0
        if args.school or args.location or args.days or args.item_kind:
            raise SroError("--school, --location, --days and --kind are for checklist items only")
        if len(args.words) != 2:
            raise SroError(f"{args.kind}: give CODE and NAME (quote a name with spaces)")
        try:
            row = ReferenceItemCreate(
                code=args.words[0],
                name=args.words[1],
                nibrs=args.nibrs,
                ed_code=args.ed_code,
                severity=args.severity,
                criminal=not args.not_criminal,
                consent_required=not args.no_consent,
            )
        except ValidationError as exc:
            raise SroError(first_message(exc, ReferenceItemCreate)) from exc
        actor = require_sign_in(store, args, "sro reference add")
        added = reference.add_reference(actor, ReferenceKind(args.kind), row)
        print(f"Added {args.kind} {added.code}: {added.name}")
    finally:
        store.close()
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        reference = store.services.reference
        actor = require_sign_in(store, args, "sro reference rename")
        if args.kind == CHECKLIST:
            item = reference.edit_template_item(actor, _item_id(args.code), label=args.name)
            print(f"Checklist item {item.id}: {item.label}")
        else:
            row = reference.rename_reference(actor, ReferenceKind(args.kind), args.code, args.name)
            print(f"{args.kind} {row.code}: {row.name}")
    finally:
        store.close()
    return 0


def cmd_set_active(args: argparse.Namespace) -> int:
    verb = "Restored" if args.active else "Retired"
    store = open_from(args)
    try:
        reference = store.services.reference
        actor = require_sign_in(store, args, f"sro reference {verb.lower()[:-1]}")
        if args.kind == CHECKLIST:
            item = reference.edit_template_item(actor, _item_id(args.code), active=args.active)
            print(f"{verb} checklist item {item.id}: {item.label}")
        else:
            row = reference.set_reference_active(
                actor, ReferenceKind(args.kind), args.code, args.active
            )
            used = f" (used by {row.uses} records, which keep it)" if row.uses else ""
            print(f"{verb} {args.kind} {row.code}: {row.name}{used}")
    finally:
        store.close()
    return 0


def cmd_days(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        reference = store.services.reference
        item_id = _item_id(args.code)
        actor = require_sign_in(store, args, "sro reference days")
        item = reference.edit_template_item(actor, item_id, days=args.days)
        print(f"Checklist item {item.id} ({weekdays_label(item.weekdays)}): {item.label}")
    finally:
        store.close()
    return 0


def cmd_kind(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        reference = store.services.reference
        item_id = _item_id(args.code)
        actor = require_sign_in(store, args, "sro reference kind")
        item = reference.edit_template_item(actor, item_id, kind=ChecklistKind(args.item_kind))
        print(f"Checklist item {item.id} (kind {item.kind.value}): {item.label}")
    finally:
        store.close()
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        reference = store.services.reference
        item_id = _item_id(args.code)
        actor = require_sign_in(store, args, "sro reference move")
        step = -1 if args.direction == "up" else 1
        item = reference.move_template_item(actor, item_id, step)
        items = reference.template_items()
        place = next(n for n, i in enumerate(items, start=1) if i.id == item.id)
        print(f"Checklist item {item.id} is number {place} of {len(items)}: {item.label}")
    finally:
        store.close()
    return 0
