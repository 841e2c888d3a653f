"""`sro school add|list|edit|retire|restore` and `sro officer edit`: the agency's schools and
officers' roles and assignments. Every change runs as a signed-in administrator (``--as
BADGE``, with the password), audited as that officer with the old and new values."""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from ..domain.enums import Role, SchoolLevel
from ..domain.errors import SroError
from ..domain.officers import OfficerUpdate
from ..domain.schools import SchoolCreate, SchoolRead, SchoolUpdate
from ..domain.validation import first_message
from .common import add_signed_in, open_from, require_sign_in, signed_in_or_local

LEVELS = [level.value for level in SchoolLevel]


def register(subparsers: argparse._SubParsersAction) -> None:
    school = subparsers.add_parser("school", help="the agency's schools (administrators)")
    sub = school.add_subparsers(dest="school_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="add a school (--as an administrator)")
    add.add_argument("--code", required=True, help="our short code, e.g. CMS")
    add.add_argument("--name", required=True)
    add.add_argument("--level", choices=LEVELS, default=SchoolLevel.HIGH.value)
    add.add_argument(
        "--number", default=None, help="the district's number for the school (roster files)"
    )
    add_signed_in(add)
    add.set_defaults(func=cmd_add)

    listing = sub.add_parser("list", help="list the schools (--all: retired ones too)")
    listing.add_argument("--all", action="store_true", help="retired schools too")
    add_signed_in(listing, "any officer; without it the store file's OS owner only")
    listing.set_defaults(func=cmd_list)

    edit = sub.add_parser("edit", help="change a school's name, level or district number")
    edit.add_argument("code", help="the school's code (or district number)")
    edit.add_argument("--name")
    edit.add_argument("--level", choices=LEVELS)
    edit.add_argument("--number", help="the district's number; '' removes it")
    add_signed_in(edit)
    edit.set_defaults(func=cmd_edit)

    for name, active, text in (
        ("retire", False, "retire a school: gone from pickers, its records kept (never deleted)"),
        ("restore", True, "bring a retired school back"),
    ):
        p = sub.add_parser(name, help=f"{text} (--as an administrator)")
        p.add_argument("code")
        add_signed_in(p)
        p.set_defaults(func=cmd_set_active, active=active)


def register_officer_edit(officer_actions: argparse._SubParsersAction) -> None:
    """`sro officer edit BADGE --role R --schools A,B [--name N] [--active yes|no]`."""
    edit = officer_actions.add_parser(
        "edit", help="change an officer's role, schools, name or active state (--as an admin)"
    )
    edit.add_argument("badge")
    edit.add_argument("--role", choices=[r.value for r in Role])
    edit.add_argument(
        "--schools",
        metavar="CODE,CODE",
        help="the officer's schools by code or district number, comma-separated ('' for none)",
    )
    edit.add_argument("--name")
    edit.add_argument("--active", choices=["yes", "no"])
    add_signed_in(edit)
    edit.set_defaults(func=cmd_officer_edit)


def school_line(school: SchoolRead) -> str:
    state = "active" if school.active else "retired"
    number = school.district_number or "-"
    return f"{school.code:<10} {number:<10} {school.level.value:<11} {state:<8} {school.name}"


def cmd_add(args: argparse.Namespace) -> int:
    try:
        data = SchoolCreate(
            code=args.code, name=args.name, level=args.level, district_number=args.number
        )
    except ValidationError as exc:
        raise SroError(first_message(exc, SchoolCreate)) from exc
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro school add")
        school = store.services.reference.add_school(actor, data)
        print(f"Added {school.level.value} school {school.code}: {school.name}")
    finally:
        store.close()
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        signed_in_or_local(store, args)
        schools = store.services.reference.schools(include_inactive=args.all)
        print(f"{'CODE':<10} {'NUMBER':<10} {'LEVEL':<11} {'STATE':<8} NAME")
        for school in schools:
            print(school_line(school))
        if not schools:
            print("(no schools)")
    finally:
        store.close()
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    try:
        data = SchoolUpdate(name=args.name, level=args.level, district_number=args.number)
        data.number()
    except ValidationError as exc:
        raise SroError(first_message(exc, SchoolUpdate)) from exc
    except ValueError as exc:
        raise SroError(f"District number {exc}") from exc
    if args.name is None and args.level is None and args.number is None:
        raise SroError("Nothing to change: give --name, --level or --number")
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro school edit")
        school = store.services.reference.edit_school(actor, args.code, data)
        print(school_line(school))
    finally:
        store.close()
    return 0


def cmd_set_active(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        verb = "restore" if args.active else "retire"
        actor = require_sign_in(store, args, f"sro school {verb}")
        school = store.services.reference.set_school_active(actor, args.code, args.active)
        print(f"{'Restored' if args.active else 'Retired'} {school.code}: {school.name}")
    finally:
        store.close()
    return 0


def cmd_officer_edit(args: argparse.Namespace) -> int:
    if args.role is None and args.schools is None and args.name is None and args.active is None:
        raise SroError("Nothing to change: give --role, --schools, --name or --active")
    store = open_from(args)
    try:
        services = store.services
        target = services.officers.by_badge(args.badge)  # a clear error before the password
        school_ids: list[int] | None = None
        if args.schools is not None:
            codes = [c for c in (part.strip() for part in args.schools.split(",")) if c]
            school_ids = [services.reference.school_for_key(c).id for c in codes]
        try:
            data = OfficerUpdate(name=args.name, role=args.role, school_ids=school_ids)
        except ValidationError as exc:
            raise SroError(first_message(exc, OfficerUpdate)) from exc
        actor = require_sign_in(store, args, "sro officer edit")
        officer = target
        if data.model_dump(exclude_none=True):
            officer = services.officers.update(actor, target.id, data)
        if args.active is not None and (args.active == "yes") != officer.active:
            officer = services.officers.set_active(actor, target.badge, args.active == "yes")
        names = {s.id: s.code for s in services.reference.schools(include_inactive=True)}
        assigned = ",".join(names.get(i, "?") for i in officer.school_ids) or "-"
        state = "active" if officer.active else "disabled"
        print(f"{officer.badge} {officer.role.value} {state} {assigned} {officer.name}")
    finally:
        store.close()
    return 0
