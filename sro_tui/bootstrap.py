"""Open a store and build its services from settings: shared by the CLI, the TUI and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from .config import Settings, data_dir
from .domain.errors import StoreUnreachable
from .services import audit_keys
from .services.audit_checkpoints import CheckpointKeeper
from .services.registry import Services, build_services, prepare_store
from .store import migrate
from .store.db import Database, ServerWaits
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
    upgrade_server: bool = False,
) -> OpenedStore:
    """Open (and by default create or upgrade) the store the settings point at.

    ``create=False`` refuses a SQLite file that does not exist yet, so a typo in a path
    does not silently make an empty store.

    A shared PostgreSQL store is upgraded only when asked (``upgrade_server``: `sro init`,
    `sro db upgrade`, run by its owner role): a newer terminal that upgraded it on its own
    would shut out every older one, and the app role has no right to change the schema.
    """
    target = location or settings.store_location()
    if create and "://" not in target and Path(target).expanduser().parent == data_dir():
        # The default stores live in the user data folder: make it on first use.
        make_private_folder(data_dir())
    waits = ServerWaits(
        lock=settings.pg_lock_timeout_seconds,
        statement=settings.pg_statement_timeout_seconds,
        idle_in_transaction=settings.pg_idle_in_transaction_seconds,
    )
    db = Database(target, sqlcipher_key=read_sqlcipher_key(settings, target), waits=waits)
    path = db.sqlite_path
    if path is not None:
        if not create and not path.exists():
            raise StoreUnreachable(f"No store at {path}; run `sro init` first")
        if not path.parent.exists() and path.parent == data_dir():
            make_private_folder(path.parent)
    try:
        db.ping()
        if upgrade and not db.is_sqlite and not upgrade_server:
            _refuse_server_upgrade(db)
        if upgrade and not db.read_only:
            prepare_store(db)
        elif not migrate.is_current(db):
            raise StoreUnreachable("The store's schema is not current; run `sro db upgrade`")
        key = terminal_key(db, audit_key_path(settings))
        services = build_services(
            db, audit_key=key, timezone=settings.timezone, terminal=settings.terminal or None
        )
        services.audit.key_path = audit_key_path(settings)
        use_store_timezone(services)
        if upgrade:
            # `sro init`, and the first open of a store made by an older sro-tui: the store
            # remembers which key signs its trail (refused if the trail has another).
            services.audit.claim_key()
    except BaseException:
        db.dispose()
        raise
    # Signed checkpoints of the audit chain live beside its key, outside the store.
    services.audit.checkpoints = CheckpointKeeper.beside(audit_key_path(settings))
    return OpenedStore(services=services, settings=settings)


def use_store_timezone(services: Services) -> None:
    """The agency's time zone kept in the store (``sro settings set timezone``) wins over
    this terminal's SRO_TIMEZONE, so that every terminal agrees which day a moment is in."""
    import contextlib
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from .services.store_settings import TIMEZONE

    name = services.settings.stored(TIMEZONE)
    if name:
        # A zone this machine's zone data does not know: SRO_TIMEZONE stays.
        with contextlib.suppress(ValueError, ZoneInfoNotFoundError):
            services.ctx.tz = ZoneInfo(name)


def _refuse_server_upgrade(db: Database) -> None:
    current = migrate.current_revision(db)
    head = migrate.head_revision()
    if current is not None and current != head and migrate.is_known_revision(current):
        raise StoreUnreachable(
            f"The store's schema ({current}) is older than this sro-tui's ({head}): a shared "
            "PostgreSQL store is upgraded by hand, by its owner role, with `sro db upgrade`"
        )


def terminal_key(db: Database, key_path: Path) -> bytes:
    """This terminal's audit key, if it is the store's: never a new key made up for a store
    that already has one (its events would look forged everywhere else), never a key whose
    fingerprint is not the store's. A new store's first terminal makes the key."""
    try:
        with db.read() as session:
            stored = audit_keys.stored_fingerprint(session)
    except (SQLAlchemyError, StoreUnreachable):
        stored = None  # no settings table yet (a store being made), or a damaged store
    if stored is not None and not key_path.exists():
        raise StoreUnreachable(audit_keys.missing_message(key_path))
    key = audit_keys.load_or_create_key(key_path)
    if stored is not None and stored != audit_keys.fingerprint(key):
        raise audit_keys.AuditKeyMismatch(
            audit_keys.mismatch_message(key_path, stored, audit_keys.fingerprint(key))
        )
    return key
