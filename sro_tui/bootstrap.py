"""Open a store and build its services from settings: shared by the CLI, the TUI and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Settings, data_dir
from .domain.errors import StoreUnavailable
from .services.audit_checkpoints import CheckpointKeeper
from .services.registry import Services, build_services, load_or_create_key, prepare_store
from .store import migrate
from .store.db import Database
from .store.files import make_private_folder


@dataclass
class OpenedStore:
    services: Services
    settings: Settings

    def close(self) -> None:
        self.services.close()


def audit_key_path(settings: Settings) -> Path:
    return Path(settings.audit_key_file) if settings.audit_key_file else data_dir() / "audit.key"


def read_sqlcipher_key(settings: Settings, location: str | None = None) -> str | None:
    """The key of an encrypted SQLite store: from a key file, or asked for once when the
    setting is ``prompt``; a passphrase is turned into the raw key here, once per start."""
    from .services.encryption import store_key
    from .store.urls import resolve_url

    if not settings.sqlcipher_key_file:
        return None
    url = resolve_url(location or settings.store_location())
    database = url.database if url.get_backend_name() == "sqlite" else None
    path = Path(database) if database and database != ":memory:" else None
    return store_key(settings.sqlcipher_key_file, path)


def open_store(
    settings: Settings,
    *,
    location: str | None = None,
    upgrade: bool = True,
    create: bool = True,
) -> OpenedStore:
    """Open (and by default create or upgrade) the store the settings point at.

    ``create=False`` refuses a SQLite file that does not exist yet, so a typo in a path
    does not silently make an empty store.
    """
    target = location or settings.store_location()
    if create and "://" not in target and Path(target).expanduser().parent == data_dir():
        # The default stores live in the user data folder: make it on first use.
        make_private_folder(data_dir())
    db = Database(target, sqlcipher_key=read_sqlcipher_key(settings, target))
    path = db.sqlite_path
    if path is not None:
        if not create and not path.exists():
            raise StoreUnavailable(f"No store at {path}; run `sro init` first")
        if not path.parent.exists() and path.parent == data_dir():
            make_private_folder(path.parent)
    try:
        db.ping()
        if upgrade:
            prepare_store(db)
        elif not migrate.is_current(db):
            raise StoreUnavailable("The store's schema is not current; run `sro db upgrade`")
        key = load_or_create_key(audit_key_path(settings))
    except BaseException:
        db.dispose()
        raise
    services = build_services(
        db, audit_key=key, timezone=settings.timezone, terminal=settings.terminal or None
    )
    # Signed checkpoints of the audit chain live beside its key, outside the store.
    services.audit.checkpoints = CheckpointKeeper.beside(audit_key_path(settings))
    return OpenedStore(services=services, settings=settings)
