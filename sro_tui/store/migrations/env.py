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


SEARCH_VECTOR = "search_vector"
"""PostgreSQL's stored tsvector column of each searchable table (migration 0022)."""


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the full-text search index out of model comparison: its FTS5 virtual tables and
    their shadow tables (SQLite), named with "_fts" (migrations 0003, 0019, 0021), and
    PostgreSQL's stored search_vector columns and their GIN indexes (migration 0022) have
    no model: the ORM never reads or writes them."""
    if not name:
        return True
    if type_ in ("table", "index") and "_fts" in name:
        return False
    if type_ == "column" and name == SEARCH_VECTOR:
        return False
    return not (type_ == "index" and name.endswith(f"_{SEARCH_VECTOR}"))


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
