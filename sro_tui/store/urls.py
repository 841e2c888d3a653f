"""Turn what a user types after --db into a SQLAlchemy URL, and describe it safely."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ..domain.errors import StoreUnreachable

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def resolve_url(value: str | Path) -> URL:
    """A plain path means a SQLite file; anything with '://' is a SQLAlchemy URL.

    PostgreSQL URLs without a driver get psycopg 3, the driver this project installs.
    """
    text = str(value).strip()
    if not text:
        raise StoreUnreachable("No database given")
    if "://" not in text:
        path = Path(text).expanduser()
        if path.is_dir():
            raise StoreUnreachable(f"{path} is a folder, not a database file")
        return URL.create("sqlite+pysqlite", database=str(path.resolve()))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise StoreUnreachable(f"Not a database URL: {describe(text)}") from exc
    backend = url.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise StoreUnreachable(
            f"Unsupported database '{backend}': use a SQLite file or a postgresql:// URL"
        )
    if backend == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and url.drivername == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    if backend == "sqlite":
        url = _sqlite_uri_options(url)
    return url


# Options SQLite reads from a file: URI (e.g. ?mode=ro opens a store read-only).
SQLITE_URI_OPTIONS = frozenset({"mode", "cache", "immutable", "nolock", "vfs", "psow"})


def _sqlite_uri_options(url: URL) -> URL:
    """``sqlite:///path?mode=ro`` means what it says: pysqlite honours SQLite's own options
    only in a ``file:`` URI with ``uri=true``, so turn the path into one."""
    if not SQLITE_URI_OPTIONS & set(url.query) or "uri" in url.query:
        return url
    database = url.database or ""
    if not database or database == ":memory:":
        return url
    path = Path(database).expanduser().resolve()
    return url.set(database=f"file:{path}").update_query_dict({"uri": "true"})


def sqlite_file(url: URL) -> Path | None:
    """The file a SQLite URL names (also in ``file:`` URI form), or None (memory)."""
    database = url.database or ""
    if not database or database == ":memory:":
        return None
    if str(url.query.get("uri", "")).lower() in {"true", "1"} and database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
        if database.startswith("//"):
            database = database[2:]  # file://localhost/... is not used by sro-tui
        if not database or database == ":memory:":
            return None
    return Path(database)


def describe(url: URL | str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return "<unreadable URL>"
    return parsed.render_as_string(hide_password=True)
