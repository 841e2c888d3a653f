"""`sro officer add|list|passwd|disable|enable|unlock`."""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from ..domain.enums import Role
from ..domain.errors import SroError
from ..domain.officers import SYSTEM_ACTOR, OfficerCreate
from ..domain.validation import first_message
from .common import open_from, read_password


def register(subparsers: argparse._SubParsersAction) -> None:
    officer = subparsers.add_parser("officer", help="manage officer accounts")
    sub = officer.add_subparsers(dest="officer_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="add an officer")
    add.add_argument("--badge", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.OFFICER.value)
    add.add_argument(
        "--school",
        action="append",
        default=[],
        metavar="CODE",
        help="assign to a school by code (repeatable)",
    )
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(func=cmd_add)

    sub.add_parser("list", help="list officers").set_defaults(func=cmd_list)

    for name, func, helptext in (
        ("disable", cmd_disable, "disable an account"),
        ("enable", cmd_enable, "enable an account"),
        ("unlock", cmd_unlock, "unlock an account locked by failed sign-ins"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("badge")
        p.set_defaults(func=func)

    passwd = sub.add_parser("passwd", help="set an officer's password (local administration)")
    passwd.add_argument("badge")
    passwd.add_argument("--password-stdin", action="store_true")
    passwd.set_defaults(func=cmd_passwd)


def cmd_add(args: argparse.Namespace) -> int:
    try:
        data = OfficerCreate(badge=args.badge, name=args.name, role=args.role)
    except ValidationError as exc:
        raise SroError(first_message(exc, OfficerCreate)) from exc
    store = open_from(args, create=True)
    try:
        school_ids = [store.services.reference.school_by_code(c).id for c in args.school]
        data = data.model_copy(update={"school_ids": school_ids})
        password = read_password(args)
        officer = store.services.officers.create(SYSTEM_ACTOR, data, password)
        print(f"Added {officer.role.value} {officer.name}, badge {officer.badge}")
    finally:
        store.close()
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        officers = store.services.officers.all_officers()
        schools = {s.id: s.code for s in store.services.reference.schools(include_inactive=True)}
        print(f"{'BADGE':<10} {'ROLE':<11} {'STATE':<9} {'SCHOOLS':<18} NAME")
        for o in officers:
            state = "disabled" if not o.active else ("locked" if o.locked else "active")
            codes = ",".join(schools.get(i, "?") for i in o.school_ids)
            print(f"{o.badge:<10} {o.role.value:<11} {state:<9} {codes:<18} {o.name}")
        if not officers:
            print("(no officers)")
    finally:
        store.close()
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    return _with_store(
        args, lambda s: s.officers.set_active(SYSTEM_ACTOR, args.badge, False), "Disabled"
    )


def cmd_enable(args: argparse.Namespace) -> int:
    return _with_store(
        args, lambda s: s.officers.set_active(SYSTEM_ACTOR, args.badge, True), "Enabled"
    )


def cmd_unlock(args: argparse.Namespace) -> int:
    return _with_store(args, lambda s: s.officers.unlock(SYSTEM_ACTOR, args.badge), "Unlocked")


def cmd_passwd(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        store.services.officers.by_badge(args.badge)  # a clear error before the prompt
        password = read_password(args, "New password: ")
        store.services.officers.set_password(SYSTEM_ACTOR, args.badge, password)
        print(f"Password set for badge {args.badge.strip().upper()}")
    finally:
        store.close()
    return 0


def _with_store(args: argparse.Namespace, action, verb: str) -> int:
    store = open_from(args)
    try:
        officer = action(store.services)
        print(f"{verb} {officer.name}, badge {officer.badge}")
    finally:
        store.close()
    return 0
