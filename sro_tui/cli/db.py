"""`sro init`, `sro db upgrade`, `sro db check`."""

from __future__ import annotations

import argparse

from ..bootstrap import open_store
from ..domain.errors import SroError, StoreUnreachable
from ..domain.officers import SYSTEM_ACTOR
from ..store import migrate
from ..store.db import Database
from .common import settings_from
from .database import settings_database


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser("init", help="create or upgrade a store and seed reference data")
    init.add_argument(
        "--sample-schools",
        action="store_true",
        help="also add four sample high schools (for trying it out; a department adds its own "
        "with `sro school add`)",
    )
    init.set_defaults(func=cmd_init)

    db = subparsers.add_parser("db", help="schema upgrade and checks")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="upgrade the schema to this version").set_defaults(
        func=cmd_upgrade
    )
    check = db_sub.add_parser(
        "check", help="integrity, schema version and the audit trail's append-only triggers"
    )
    check.add_argument(
        "--repair-triggers",
        action="store_true",
        help="put back append-only triggers that are gone or disabled (as the tables' owner)",
    )
    check.set_defaults(func=cmd_check)

    roles = db_sub.add_parser(
        "roles",
        help="PostgreSQL: give the tables to an owner role, and the app role only what it needs",
        description="Print (or with --apply, run) the grants for a shared PostgreSQL store: the "
        "owner role owns the tables and runs `sro db upgrade`; terminals connect as the app "
        "role, which cannot change or delete audit events nor disable their triggers. Both "
        "roles must exist (CREATE ROLE ... LOGIN).",
    )
    roles.add_argument("--owner", required=True, metavar="ROLE", help="owns the tables")
    roles.add_argument("--app", required=True, metavar="ROLE", help="the terminals connect as it")
    roles.add_argument(
        "--apply", action="store_true", help="run the statements (as a superuser or the owner)"
    )
    roles.set_defaults(func=cmd_roles)


def cmd_init(args: argparse.Namespace) -> int:
    store = open_store(settings_from(args), upgrade=True, create=True, upgrade_server=True)
    try:
        added = store.services.reference.seed(SYSTEM_ACTOR, sample_schools=args.sample_schools)
        db = store.services.db
        print(f"Store ready: {db.description} (schema {migrate.current_revision(db)})")
        if any(added.values()):
            print("Added: " + ", ".join(f"{v} {k}" for k, v in added.items() if v))
        if store.services.officers.count() == 0:
            print("No officers yet: add the first administrator with")
            print("  sro officer add --badge B --name NAME --role admin")
        if not store.services.reference.schools(include_inactive=True):
            print("No schools yet: the administrator adds them (sro school add --as B, or F12)")
    finally:
        store.close()
    return 0


def cmd_upgrade(args: argparse.Namespace) -> int:
    store = open_store(settings_from(args), upgrade=True, create=False, upgrade_server=True)
    try:
        print(f"Schema at {migrate.current_revision(store.services.db)} (head)")
    finally:
        store.close()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    db = settings_database(settings_from(args))
    try:
        path = db.sqlite_path
        if path is not None and not path.exists():
            raise StoreUnreachable(f"No store at {path}")
        db.ping()
        problems = integrity_problems(db)
        current = migrate.current_revision(db)
        head = migrate.head_revision()
        print(f"Store: {db.description}")
        if current is None:
            known = "not an sro-tui store, or not initialised"
        elif not migrate.is_known_revision(current):
            known = f"made by a newer sro-tui; this one knows up to {head}"
        elif current != head:
            known = f"older than this sro-tui's {head}: run `sro db upgrade`"
        else:
            known = "current"
        print(f"Schema: {current or 'none'} ({known})")
        unprotected = trigger_problems(db, repair=args.repair_triggers) if current else []
        if problems:
            for line in problems:
                print(f"Integrity: {line}")
        else:
            print("Integrity: ok")
        if current:
            for line in unprotected:
                print(f"Audit triggers: {line}")
            if not unprotected:
                print("Audit triggers: ok (audit events are append-only)")
        return 0 if current == head and not problems and not unprotected else 1
    finally:
        db.dispose()


def trigger_problems(db: Database, *, repair: bool = False) -> list[str]:
    """The append-only triggers that are missing; with ``repair``, put them back first."""
    from ..store import triggers

    if repair:
        with db.engine.begin() as connection:
            for name in triggers.repair(connection):
                print(f"Audit triggers: put back {name}")
    with db.engine.connect() as connection:
        return triggers.problems(connection)


def integrity_problems(db: Database) -> list[str]:
    from sqlalchemy import text

    with db.engine.connect() as connection:
        if db.is_sqlite:
            rows = [r[0] for r in connection.execute(text("PRAGMA integrity_check"))]
            problems = [] if rows == ["ok"] else rows[:20]
            fk = connection.execute(text("PRAGMA foreign_key_check")).all()
            problems += [f"broken reference in {r[0]} row {r[1]}" for r in fk[:20]]
            return problems
        connection.execute(text("SELECT 1"))
        return []


def cmd_roles(args: argparse.Namespace) -> int:
    from ..store import roles

    db = settings_database(settings_from(args), with_key=False)
    try:
        if db.is_sqlite:
            raise SroError("Roles are for a PostgreSQL store; a SQLite file has none")
        with db.engine.begin() as connection:
            problems = roles.role_problems(connection, owner=args.owner, app=args.app)
            if problems:
                raise SroError("; ".join(problems))
            statements = roles.grant_statements(connection, owner=args.owner, app=args.app)
            if args.apply:
                for statement in statements:
                    connection.exec_driver_sql(statement)
        for statement in statements:
            print(f"{statement};")
        if args.apply:
            print(f"-- applied: terminals connect as {args.app}; {args.owner} runs sro db upgrade")
        return 0
    finally:
        db.dispose()
