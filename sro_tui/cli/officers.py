"""`sro officer add|list|passwd|disable|enable|unlock`.

Every one of them but ``list`` (a read) runs as a signed-in officer (``--as BADGE``, with the
password) whose role allows it, audited as that officer. Two exceptions, both audited as the
local administration:

* ``sro officer add`` on a store with no officers at all adds the first administrator (their
  password is kept; an officer added by an administrator gets a one-time password);
* ``sro officer passwd B --recovery`` sets a one-time password for an administrator's account
  (all administrators locked out), and only the OS user who owns the store's SQLite file
  may run it.
"""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path

from pydantic import ValidationError

from ..domain.enums import Role
from ..domain.errors import PermissionDenied, SroError
from ..domain.officers import (
    PASSWORD_CHANGE_REQUIRED,
    SYSTEM_ACTOR,
    Actor,
    OfficerCreate,
    PasswordChangeRequired,
)
from ..domain.validation import first_message
from .common import (
    add_signed_in,
    local_owner_problem,
    open_from,
    read_password,
    require_sign_in,
    settings_from,
    sign_in_with_password,
    signed_in_or_local,
)
from .schools import register_officer_edit

FIRST_ADMIN = "the first administrator of a new store"


def register(subparsers: argparse._SubParsersAction) -> None:
    officer = subparsers.add_parser("officer", help="manage officer accounts")
    sub = officer.add_subparsers(dest="officer_command", metavar="ACTION", required=True)

    add = sub.add_parser(
        "add",
        help=f"add an officer (--as an administrator, with a one-time password the officer "
        f"changes at the first sign-in; without --as only {FIRST_ADMIN})",
    )
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
    add_signed_in(add)
    add.set_defaults(func=cmd_add)

    # A read: as a signed-in officer, or unsigned by the OS owner of a SQLite store file.
    listing = sub.add_parser("list", help="list officers")
    add_signed_in(listing, "any officer; without it the store file's OS owner only")
    listing.set_defaults(func=cmd_list)
    register_officer_edit(sub)  # `sro officer edit` lives with the schools (cli/schools.py)

    for name, func, helptext in (
        ("disable", cmd_disable, "disable an account"),
        ("enable", cmd_enable, "enable an account"),
        ("unlock", cmd_unlock, "unlock an account locked by failed sign-ins"),
    ):
        p = sub.add_parser(name, help=f"{helptext} (--as an administrator)")
        p.add_argument("badge")
        add_signed_in(p)
        p.set_defaults(func=func)

    passwd = sub.add_parser(
        "passwd",
        help="change your own password (--as yourself), or reset another's to a one-time "
        "password (--as an administrator)",
    )
    passwd.add_argument("badge")
    add_signed_in(passwd, "yourself, or an administrator")
    passwd.add_argument(
        "--recovery",
        action="store_true",
        help="no administrator can sign in: the OS owner of the SQLite store file sets a "
        "one-time password for an administrator's account (audited as a recovery)",
    )
    passwd.set_defaults(func=cmd_passwd)


def cmd_add(args: argparse.Namespace) -> int:
    try:
        data = OfficerCreate(badge=args.badge, name=args.name, role=args.role)
    except ValidationError as exc:
        raise SroError(first_message(exc, OfficerCreate)) from exc
    store = open_from(args, create=True)
    try:
        actor: Actor
        if args.as_badge:
            actor = require_sign_in(store, args, "sro officer add")
        elif store.services.officers.count() == 0:
            if data.role is not Role.ADMIN:
                raise SroError(
                    "The store has no officers yet: add the first administrator "
                    "(--role admin), who then adds the others with --as"
                )
            actor = SYSTEM_ACTOR
        else:
            raise SroError("sro officer add needs --as BADGE: sign in as an administrator")
        school_ids = [store.services.reference.school_by_code(c).id for c in args.school]
        data = data.model_copy(update={"school_ids": school_ids})
        one_time = actor.officer_id is not None
        prompt = f"{'One-time password' if one_time else 'Password'} for {data.badge}: "
        password = read_password(args, prompt)
        officer = store.services.officers.create(actor, data, password)
        print(f"Added {officer.role.value} {officer.name}, badge {officer.badge}")
        if one_time:
            print(
                f"The password is a one-time password: {officer.badge} must change it at "
                "the first sign-in"
            )
    finally:
        store.close()
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        signed_in_or_local(store, args)
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
    return _as_admin(
        args, "disable", "Disabled", lambda s, a: s.officers.set_active(a, args.badge, False)
    )


def cmd_enable(args: argparse.Namespace) -> int:
    return _as_admin(
        args, "enable", "Enabled", lambda s, a: s.officers.set_active(a, args.badge, True)
    )


def cmd_unlock(args: argparse.Namespace) -> int:
    return _as_admin(args, "unlock", "Unlocked", lambda s, a: s.officers.unlock(a, args.badge))


def cmd_passwd(args: argparse.Namespace) -> int:
    if args.recovery:
        return _recover(args)
    store = open_from(args)
    try:
        target = store.services.officers.by_badge(args.badge)  # a clear error before prompts
        if not args.as_badge:
            raise SroError(
                f"sro officer passwd needs --as BADGE: --as {target.badge} to change your own "
                "password, or an administrator's badge to reset it"
            )
        actor, current = sign_in_with_password(store, args, args.as_badge)
        own = actor.officer_id == target.id
        if not own and actor.password_must_change:
            # An officer on a one-time password changes that first (common.sign_in's rule).
            raise PasswordChangeRequired(
                PASSWORD_CHANGE_REQUIRED.replace("BADGE", actor.badge), field="password"
            )
        password = read_password(args, "New password: ")
        store.services.officers.set_password(
            actor, target.badge, password, current_password=current if own else None
        )
        if own:
            print(f"Password changed for badge {target.badge}")
        else:
            print(
                f"One-time password set for badge {target.badge}: they must change it "
                "at their next sign-in"
            )
    finally:
        store.close()
    return 0


def _recover(args: argparse.Namespace) -> int:
    """Every administrator locked out: the OS owner of the store file sets a one-time
    password for an administrator's account, on this machine only."""
    from ..store.urls import resolve_url

    if args.as_badge:
        raise SroError("--recovery runs without --as (no administrator can sign in)")
    url = resolve_url(settings_from(args).store_location())
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise SroError(
            "--recovery works on a local SQLite store file only; on PostgreSQL the database "
            "owner resets an administrator with an administrator's --as"
        )
    path = Path(url.database)
    if not path.is_file():
        raise SroError(f"No store at {path}")
    # The rule of every unsigned command (cli.common.local_owner_problem), and stricter:
    # without an OS owner to check (Windows) there is no recovery.
    if not hasattr(os, "getuid") or local_owner_problem(str(path)):
        raise PermissionDenied(
            f"--recovery is for the OS user who owns {path} only; sign in with --as instead"
        )
    store = open_from(args)
    try:
        target = store.services.officers.by_badge(args.badge)
        if target.role is not Role.ADMIN:
            raise PermissionDenied(
                "--recovery resets an administrator's password only; the administrator then "
                "resets the others"
            )
        password = read_password(args, "One-time password: ")
        store.services.officers.set_password(
            SYSTEM_ACTOR, target.badge, password, recovery=f"OS user {getpass.getuser()}"
        )
        print(
            f"One-time password set for administrator {target.badge} (recovery, audited): "
            "change it at the next sign-in"
        )
    finally:
        store.close()
    return 0


def _as_admin(args: argparse.Namespace, command: str, verb: str, action) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, f"sro officer {command}")
        officer = action(store.services, actor)
        print(f"{verb} {officer.name}, badge {officer.badge}")
    finally:
        store.close()
    return 0
