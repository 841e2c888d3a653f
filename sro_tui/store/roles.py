"""PostgreSQL roles for a shared store: an owner role that owns the tables and upgrades the
schema by hand (`sro db upgrade`), and an app role the terminals connect as.

The owner of a table can `ALTER TABLE … DISABLE TRIGGER` and `DROP TRIGGER`, so a terminal
that connects as the owner can switch off the audit trail's append-only triggers. The app
role owns nothing: it gets the reads and writes the app needs, INSERT and SELECT only on
audit events (never UPDATE, DELETE or TRUNCATE), and SELECT only on the schema version.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from .triggers import PG_FUNCTION

READ_ONLY_TABLES = frozenset({"alembic_version"})
APPEND_ONLY_TABLES = frozenset({"audit_events"})


def grant_statements(connection: Connection, *, owner: str, app: str) -> list[str]:
    """The SQL that gives the store's tables to ``owner`` and the app's rights to ``app``,
    for the database and schema ``connection`` is in."""
    quote = connection.dialect.identifier_preparer.quote
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    tables = list(
        connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
            {"s": schema},
        ).scalars()
    )
    o, a, s = quote(owner), quote(app), quote(schema)

    def qualified(name: str) -> str:
        return f"{s}.{quote(name)}"

    statements = [f"ALTER TABLE {qualified(t)} OWNER TO {o}" for t in tables]
    statements.append(f"ALTER FUNCTION {s}.{PG_FUNCTION}() OWNER TO {o}")
    statements += [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {a}",
        f"GRANT USAGE ON SCHEMA {s} TO {a}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {a}",
    ]
    for table in tables:
        if table in READ_ONLY_TABLES:
            rights = "SELECT"
        elif table in APPEND_ONLY_TABLES:
            rights = "SELECT, INSERT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"GRANT {rights} ON {qualified(table)} TO {a}")
    statements += [
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {a}",
        # Tables a later migration makes (run as the owner) are the app's to use as well;
        # a migration that adds an append-only table revokes what it must.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {a}",
    ]
    return statements


def role_problems(connection: Connection, *, owner: str, app: str) -> list[str]:
    """Why the grants cannot be made: a role that does not exist, or is the same."""
    if owner == app:
        return ["the owner and the app role must be two roles"]
    found = set(
        connection.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname IN (:o, :a)"), {"o": owner, "a": app}
        ).scalars()
    )
    problems = [
        f"there is no role {name!r} on the server" for name in (owner, app) if name not in found
    ]
    superuser = connection.execute(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = :a"), {"a": app}
    ).scalar()
    if superuser:
        problems.append(f"{app!r} is a superuser: it could still disable the triggers")
    return problems
