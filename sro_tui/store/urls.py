"""Turn what a user types after --db into a SQLAlchemy URL, and describe it safely."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ..domain.errors import StoreUnavailable

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def resolve_url(value: str | Path) -> URL:
    """A plain path means a SQLite file; anything with '://' is a SQLAlchemy URL.

    PostgreSQL URLs without a driver get psycopg 3, the driver this project installs.
    """
    text = str(value).strip()
    if not text:
        raise StoreUnavailable("No database given")
    if "://" not in text:
        path = Path(text).expanduser()
        if path.is_dir():
            raise StoreUnavailable(f"{path} is a folder, not a database file")
        return URL.create("sqlite+pysqlite", database=str(path.resolve()))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise StoreUnavailable(f"Not a database URL: {describe(text)}") from exc
    backend = url.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise StoreUnavailable(
            f"Unsupported database '{backend}': use a SQLite file or a postgresql:// URL"
        )
    if backend == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and url.drivername == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    return url


def describe(url: URL | str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return "<unreadable URL>"
    return parsed.render_as_string(hide_password=True)
