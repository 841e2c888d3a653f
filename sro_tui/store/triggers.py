"""The triggers that make audit events append-only (migration 0002), and a check that they
are still there and still refuse.

Whoever can drop or disable them can edit the trail without the store refusing; the chain
still catches the edit, but only when someone verifies. `sro audit verify` and `sro db check`
both say when the protection is gone, and `sro db check --repair-triggers` puts it back.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

MESSAGE = "audit events are append-only"
SQLITE_TRIGGERS = {
    "audit_events_no_update": "UPDATE",
    "audit_events_no_delete": "DELETE",
}
PG_TRIGGERS = {
    "audit_events_append_only": "UPDATE and DELETE",
    "audit_events_no_truncate": "TRUNCATE",
}
PG_FUNCTION = "sro_audit_append_only"


def problems(connection: Connection) -> list[str]:
    """One line per append-only trigger that is gone, disabled or no longer refuses."""
    if connection.dialect.name == "sqlite":
        return _sqlite_problems(connection)
    return _postgres_problems(connection)


def _sqlite_problems(connection: Connection) -> list[str]:
    rows = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": "audit_events"},
    ).all()
    present = {name: (sql or "") for name, sql in rows}
    found: list[str] = []
    for name, verb in SQLITE_TRIGGERS.items():
        body = present.get(name)
        if body is None:
            found.append(f"the trigger {name} (refuses {verb} of audit events) is gone")
        elif not _refuses(body, verb):
            found.append(f"the trigger {name} no longer refuses {verb} of audit events")
    return found


def _refuses(sql: str, verb: str) -> bool:
    """A trigger that still refuses every ``verb``: BEFORE it, no WHEN, RAISE(ABORT)."""
    words = " ".join(sql.upper().split())
    return (
        f"BEFORE {verb} ON AUDIT_EVENTS" in words
        and " WHEN " not in words
        and "RAISE(ABORT" in words.replace(" ", "")
    )


def _postgres_problems(connection: Connection) -> list[str]:
    table = connection.execute(text("SELECT to_regclass('audit_events')")).scalar()
    if table is None:
        return ["the audit_events table is gone"]
    rows = connection.execute(
        text(
            "SELECT t.tgname, t.tgenabled, p.prosrc FROM pg_trigger t "
            "JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = to_regclass('audit_events') AND NOT t.tgisinternal"
        )
    ).all()
    present = {name: (enabled, source or "") for name, enabled, source in rows}
    found: list[str] = []
    for name, verbs in PG_TRIGGERS.items():
        if name not in present:
            found.append(f"the trigger {name} (refuses {verbs} of audit events) is gone")
            continue
        enabled, source = present[name]
        if str(enabled) == "D":
            found.append(f"the trigger {name} (refuses {verbs} of audit events) is disabled")
        elif "RAISE EXCEPTION" not in source.upper():
            found.append(f"the trigger {name} no longer refuses {verbs} of audit events")
    return found


def repair(connection: Connection) -> list[str]:
    """Put back every append-only trigger that is gone, disabled or changed; the names of
    those it put back. Needs the rights of the tables' owner on PostgreSQL."""
    broken = problems(connection)
    if not broken:
        return []
    repaired: list[str] = []
    if connection.dialect.name == "sqlite":
        for name, verb in SQLITE_TRIGGERS.items():
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
            connection.execute(
                text(
                    f"CREATE TRIGGER {name} BEFORE {verb} ON audit_events "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )
            )
            repaired.append(name)
        return repaired
    connection.execute(
        text(
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
    )
    for name, (timing, each) in {
        "audit_events_append_only": ("BEFORE UPDATE OR DELETE", "ROW"),
        "audit_events_no_truncate": ("BEFORE TRUNCATE", "STATEMENT"),
    }.items():
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON audit_events"))
        connection.execute(
            text(
                f"CREATE TRIGGER {name} {timing} ON audit_events "
                f"FOR EACH {each} EXECUTE FUNCTION {PG_FUNCTION}()"
            )
        )
        repaired.append(name)
    return repaired
