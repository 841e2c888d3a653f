"""`sro reference list|add|rename|retire|restore KIND`: the agency's code lists (offense
categories, locations, referral programs) and the duty checklist's template. A row that
records use is never deleted: it is retired (gone from pickers, kept on its records)."""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from ..domain.errors import SroError
from ..domain.schools import ReferenceItemCreate, ReferenceKind, TemplateItemCreate
from ..domain.validation import first_message
from .common import add_signed_in, open_from, require_sign_in

CHECKLIST = "checklist"
KINDS = [k.value for k in ReferenceKind] + [CHECKLIST]


def register(subparsers: argparse._SubParsersAction) -> None:
    reference = subparsers.add_parser(
        "reference", help="code lists and the checklist template (administrators)"
    )
    sub = reference.add_subparsers(dest="reference_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="one list, retired rows too, with how often each is used")
    listing.add_argument("kind", choices=KINDS)
    listing.set_defaults(func=cmd_list)

    add = sub.add_parser(
        "add", help="add: KIND CODE NAME, or checklist LABEL [--school CODE] [--location CODE]"
    )
    add.add_argument("kind", choices=KINDS)
    add.add_argument("words", nargs="+", metavar="CODE NAME | LABEL")
    add.add_argument("--school", help="checklist: only this school's shifts (default: every)")
    add.add_argument("--location", help="checklist: the item's location code")
    add.add_argument("--nibrs", default="", help="category: its NIBRS offense code")
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
        reference = store.services.reference
        if args.kind == CHECKLIST:
            schools = {s.id: s.code for s in reference.schools(include_inactive=True)}
            print(f"{'ID':<6} {'SCHOOL':<10} {'LOCATION':<10} {'STATE':<8} ITEM")
            for item in reference.template_items():
                school = schools.get(item.school_id, "?") if item.school_id else "(every)"
                state = "active" if item.active else "retired"
                location = item.location_code or "-"
                print(f"{item.id:<6} {school:<10} {location:<10} {state:<8} {item.label}")
            return 0
        print(f"{'CODE':<20} {'STATE':<8} {'USES':>6}  NAME")
        for row in reference.reference_items(ReferenceKind(args.kind)):
            state = "active" if row.active else "retired"
            print(f"{row.code:<20} {state:<8} {row.uses:>6}  {row.name}")
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
                    label=args.words[0], location_code=args.location, school_id=school_id
                )
            except ValidationError as exc:
                raise SroError(first_message(exc, TemplateItemCreate)) from exc
            actor = require_sign_in(store, args, "sro reference add")
            item = reference.add_template_item(actor, data)
            print(f"Added checklist item {item.id}: {item.label}")
            return 0
        if args.school or args.location:
            raise SroError("--school and --location are for checklist items only")
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
