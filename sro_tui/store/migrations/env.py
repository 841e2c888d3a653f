"""Alembic environment: runs on the connection that sro_tui.store.migrate hands it."""

from __future__ import annotations

from typing import Literal

from alembic import context

from sro_tui.store.models import Base
from sro_tui.store.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: object, autogen_context: object) -> str | Literal[False]:
    """Migrations name plain SQL types: UTCDateTime's conversion lives in the models only."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the full-text search index out of model comparison: its FTS5 virtual tables and
    their shadow tables (SQLite), and its GIN expression indexes (PostgreSQL), all named
    with "_fts", are made by migration 0003 and have no model."""
    return not (type_ in ("table", "index") and name and "_fts" in name)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return include_name(name, type_, None)


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_name=include_name,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("sro-tui migrations run online only: use `sro db upgrade`")
run_migrations_online()
