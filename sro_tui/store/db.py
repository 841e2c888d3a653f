"""The Database: an engine and session factory for one store, SQLite or PostgreSQL.

SQLite is tuned for several terminals writing one file: WAL, foreign keys on, a busy timeout,
synchronous=FULL (a power cut loses no committed record), and write transactions that take the
write lock when they begin (BEGIN IMMEDIATE). With a plain deferred BEGIN, two writers that both
read first deadlock on the upgrade to a write lock and one fails at once with "database is
locked", whatever the busy timeout.

PostgreSQL bounds every wait the same way (``ServerWaits``): a lock wait (the audit advisory
lock every write takes) gives up after ``lock_timeout``, a statement after
``statement_timeout``, a session left idle inside a transaction (a terminal frozen mid-save) is
ended by the server, and TCP keepalives on both ends notice a laptop that left the network in
about a minute instead of two hours. A wait that gives up is the same "busy, try again" as
SQLite's busy timeout.
"""

from __future__ import annotations

import contextlib
import errno
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..domain.errors import StoreUnreachable
from .files import create_private_file
from .urls import describe, resolve_url, sqlite_file
from .watch import ChangeWatcher

BUSY_TIMEOUT_SECONDS = 15
SQLITE_PAGE_CACHE_KIB = 512
"""Each SQLite connection's page cache (``PRAGMA cache_size``), in KiB; SQLite's default is
2,000. The app keeps three connections open (the live watch's and two pooled), and their
caches stay filled for the life of the process: on a 1.16M-row store the default added some
3 MiB to the app's peak memory (issue 16). The pages come from the operating system's file
cache when not cached here; the list, search and report service times measured the same."""
WRITE_OPTION = "sro_write"
WAIT_OPTION = "sro_wait"
"""A write transaction's own bound on waiting for the write lock (seconds), if shorter."""
BUSY_MESSAGE = "The store is busy (another terminal is saving); try again — your typing is kept"
DISK_FULL_MESSAGE = (
    "The disk is full (no space left on the device): nothing was saved; free some space, "
    "then try again — your typing is kept"
)
# Each sign-in and each look at a record is written to the audit trail: on a read-only
# store neither can be, so both are refused (the audit trail itself can still be checked).
# A read recorded only in a file beside the terminal would sit outside the tamper-evident
# chain (anyone with the account could edit it): CJIS wants reads in the audit trail.
READ_ONLY_MESSAGE = (
    "The store is read-only (opened with ?mode=ro, or its file is not writable): nothing "
    "can be saved to it, and signing in or opening records (each recorded in its audit "
    "trail) is refused; open it read-write to work in it (`sro audit verify` checks a "
    "read-only store)"
)


class StoreBusy(StoreUnreachable):
    """The write lock was not free within the wait allowed (another terminal is saving)."""


@dataclass(frozen=True)
class ServerWaits:
    """How long a PostgreSQL terminal waits before it gives up (seconds; 0 = no limit).
    ``lock`` bounds SQLite's wait for the write lock too (0 there: the 15 s default)."""

    lock: float = BUSY_TIMEOUT_SECONDS
    statement: float = 60
    idle_in_transaction: float = 60
    keepalive_idle: int = 30
    keepalive_interval: int = 10
    keepalive_count: int = 3

    def session_settings(self) -> dict[str, str]:
        """SET values for each new connection (server side)."""
        return {
            "lock_timeout": _milliseconds(self.lock),
            "statement_timeout": _milliseconds(self.statement),
            "idle_in_transaction_session_timeout": _milliseconds(self.idle_in_transaction),
            # The server's own keepalives: it ends the session (and frees its locks) of a
            # terminal that vanished, rather than after the operating system's two hours.
            "tcp_keepalives_idle": str(self.keepalive_idle),
            "tcp_keepalives_interval": str(self.keepalive_interval),
            "tcp_keepalives_count": str(self.keepalive_count),
            # Short queries only: JIT compiling pays off for long analytic scans, never here,
            # and search's planner hints (enable_seqscan off) lift plan costs over
            # jit_above_cost, so a 0.1 ms index probe spent ~100 ms compiling.
            "jit": "off",
        }

    def connect_args(self) -> dict[str, int]:
        """libpq keepalives (client side): a server that vanished is noticed too."""
        return {
            "keepalives": 1,
            "keepalives_idle": self.keepalive_idle,
            "keepalives_interval": self.keepalive_interval,
            "keepalives_count": self.keepalive_count,
        }


def _milliseconds(seconds: float) -> str:
    return str(max(0, round(seconds * 1000)))


def _sqlite_messages(message: str) -> str | None:
    lowered = message.lower()
    if "database is locked" in lowered or "database table is locked" in lowered:
        return BUSY_MESSAGE
    if "readonly" in lowered or "read-only" in lowered:
        return READ_ONLY_MESSAGE
    if "disk is full" in lowered or "no space left" in lowered:
        return DISK_FULL_MESSAGE
    if "file is not a database" in lowered or "file is encrypted" in lowered:
        return "That file is not an sro-tui store (or it is encrypted and the key is wrong)"
    if "unable to open database" in lowered:
        return "The store cannot be opened: check the path and its permissions"
    if "disk i/o error" in lowered:
        # Not "damaged": the file is most likely intact, and restoring a backup on this
        # advice would throw away every record newer than it.
        return (
            "The disk or file system failed to read or write the store; the store was not "
            "changed: check the disk (and its free space), then try again — your typing is kept"
        )
    if "malformed" in lowered:
        return "The store is damaged; restore from a backup"
    return None


# PostgreSQL's codes (SQLSTATE) for a wait that gave up: a lock wait past lock_timeout, and
# a lock the server refused at once.
_PG_BUSY = {"55P03", "40P01"}
_PG_TOO_LONG = "57014"  # statement_timeout (or a cancel)
_PG_IDLE_ENDED = "25P03"  # idle_in_transaction_session_timeout ended the session
_PG_READ_ONLY = "25006"  # a read-only transaction or a standby server
_PG_DISK_FULL = "53100"
_CONNECTION_LOST = (
    "server closed the connection",
    "connection is lost",
    "connection is closed",
    "connection already closed",
    "consuming input failed",
    "could not receive data",
    "could not send data",
    "connection reset",
    "terminating connection",
    "ssl syscall error",
    "ssl connection has been closed",
    "no connection to the server",
    "broken pipe",
)


def _server_messages(exc: BaseException, message: str) -> str | None:
    code = getattr(getattr(exc, "orig", exc), "sqlstate", None)
    lowered = message.lower()
    if code in _PG_BUSY or "lock timeout" in lowered:
        return BUSY_MESSAGE
    if code == _PG_TOO_LONG or "statement timeout" in lowered:
        return (
            "The store took too long to answer (the server's time limit); nothing was "
            "saved: try again — your typing is kept"
        )
    if code == _PG_IDLE_ENDED or "idle-in-transaction timeout" in lowered:
        return (
            "The server ended this terminal's unfinished save after it waited too long; "
            "nothing was saved: try again — your typing is kept"
        )
    if code == _PG_READ_ONLY:
        return READ_ONLY_MESSAGE
    if code == _PG_DISK_FULL:
        return DISK_FULL_MESSAGE
    return None


def _lost_connection(exc: BaseException, lowered: str, url: URL | None) -> str | None:
    if not (
        getattr(exc, "connection_invalidated", False)
        or any(words in lowered for words in _CONNECTION_LOST)
    ):
        return None
    server = "the PostgreSQL server"
    if url is not None and url.get_backend_name() == "postgresql":
        server += f" ({url.host or 'local socket'})"
    elif url is not None:
        server = "the store"
    return f"Lost the connection to {server}: check the network; your typing is kept"


def friendly_os_error(exc: OSError) -> str:
    """One line for a file that could not be written or read (a checkpoint, a backup)."""
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DISK_FULL_MESSAGE.replace(": nothing was saved", f"{where}: nothing was saved")
    if exc.errno == errno.EIO:
        return (
            f"The disk or file system failed to read or write{where}; check the disk, "
            "then try again"
        )
    return f"{exc.strerror or exc}{where}"


def friendly_store_error(exc: BaseException, url: URL | None = None) -> str:
    """A one-line message an officer can act on, for a database failure."""
    message = str(getattr(exc, "orig", exc))
    known = _sqlite_messages(message) or _server_messages(exc, message)
    if known:
        return known
    lowered = message.lower()
    if (
        "connection refused" in lowered
        or "could not connect" in lowered
        or "connection timeout expired" in lowered
    ):
        return "The database server cannot be reached; check the network or call support"
    if "failed to resolve host" in lowered or "could not translate host name" in lowered:
        return "The database server's name is not known; check the host in the URL"
    if "role" in lowered and "does not exist" in lowered:
        return "The database server refused the sign-in (no such user)"
    if "does not exist" in lowered and "database" in lowered:
        return "That database does not exist on the server"
    if "password authentication failed" in lowered:
        return "The database server refused the sign-in"
    lost = _lost_connection(exc, lowered, url)
    if lost:
        return lost
    first_line = re.sub(r"\s+", " ", message.strip().splitlines()[0] if message.strip() else "")
    return f"The store reported an error: {first_line[:160]}"


class Database:
    """One store. Nothing connects until the first session is opened."""

    def __init__(
        self,
        url: str | Path | URL,
        *,
        sqlcipher_key: str | None = None,
        engine_options: dict[str, Any] | None = None,
        waits: ServerWaits | None = None,
    ) -> None:
        self.url: URL = url if isinstance(url, URL) else resolve_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.sqlcipher_key = sqlcipher_key
        self.waits = waits or ServerWaits()
        options: dict[str, Any] = dict(engine_options or {})
        if self.is_sqlite:
            self._check_sqlite_file()
            options.setdefault("connect_args", {}).setdefault("timeout", BUSY_TIMEOUT_SECONDS)
            if sqlcipher_key is not None:
                import sqlcipher3  # optional dependency, imported only when asked for

                options["module"] = sqlcipher3.dbapi2
        else:
            options.setdefault("pool_pre_ping", True)
            connect_args = options.setdefault("connect_args", {})
            for name, value in self.waits.connect_args().items():
                # A keepalive given in the URL is the department's choice: it stays.
                if name not in self.url.query:
                    connect_args.setdefault(name, value)
        self.engine: Engine = create_engine(self.url, **options)
        if self.is_sqlite:
            self._tune_sqlite(self.engine)
        elif self.url.get_backend_name() == "postgresql":
            self._bound_server_waits(self.engine)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        self._brief_writers: dict[float, sessionmaker[Session]] = {}
        self._watcher: ChangeWatcher | None = None

    # -- construction ------------------------------------------------------------------------

    @property
    def description(self) -> str:
        return describe(self.url)

    @property
    def read_only(self) -> bool:
        """Opened read-only on purpose (SQLite ``?mode=ro``): nothing is to be written."""
        return self.is_sqlite and str(self.url.query.get("mode", "")).lower() == "ro"

    @property
    def sqlite_path(self) -> Path | None:
        return sqlite_file(self.url) if self.is_sqlite else None

    def _check_sqlite_file(self) -> None:
        path = self.sqlite_path
        if path is None:
            return
        if path.exists() and not path.is_file():
            raise StoreUnreachable(f"{path} is not a file")
        if not path.parent.exists():
            raise StoreUnreachable(f"The folder {path.parent} does not exist")

    def _tune_sqlite(self, engine: Engine) -> None:
        key = self.sqlcipher_key
        path = self.sqlite_path
        read_only = str(self.url.query.get("mode", "")).lower() in {"ro", "memory"}

        @event.listens_for(engine, "do_connect")
        def _create_private(*_args: Any) -> None:
            # SQLite would make a new store (and its -wal/-shm, which copy the store's
            # permissions) readable by every account: make the empty file owner-only first.
            if path is not None and not read_only and not path.exists():
                with contextlib.suppress(OSError):
                    create_private_file(path)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            try:
                if key is not None:
                    cursor.execute("PRAGMA key = " + _sqlcipher_key_literal(key))
                cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
                cursor.execute("PRAGMA foreign_keys = ON")
                mode = cursor.execute("PRAGMA journal_mode").fetchone()
                if mode and str(mode[0]).lower() != "wal":
                    # A read-only file keeps its journal mode; reads still work.
                    with contextlib.suppress(Exception):
                        cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = FULL")
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_PAGE_CACHE_KIB}")
            finally:
                cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            options = connection.get_execution_options()
            if options.get(WRITE_OPTION):
                # Each write says how long it waits for the lock (a read's audit append
                # waits only briefly; see services.audit.record_read).
                wait = options.get(WAIT_OPTION)
                seconds = (self.waits.lock or BUSY_TIMEOUT_SECONDS) if wait is None else wait
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {round(seconds * 1000)}")
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.exec_driver_sql("BEGIN")

    def _bound_server_waits(self, engine: Engine) -> None:
        settings = self.waits.session_settings()

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Session settings (not in the URL's options, which a department may use for
            # its own search_path): committed at once, so every later transaction has them.
            cursor = dbapi_connection.cursor()
            try:
                for name, value in settings.items():
                    cursor.execute("SELECT set_config(%s, %s, false)", (name, value))
            finally:
                cursor.close()
            dbapi_connection.commit()

    # -- sessions ----------------------------------------------------------------------------

    @contextmanager
    def write(self, *, wait: float | None = None) -> Iterator[Session]:
        """One write transaction: commits on success, rolls back on any error.

        ``wait``: give up waiting for the write lock after this many seconds (SQLite's busy
        timeout, PostgreSQL's lock_timeout for this transaction) instead of the usual bound.
        Database failures come out as ``StoreUnreachable`` with a message for the officer;
        a lock not had in time as ``StoreBusy``.
        """
        if self.read_only:
            raise StoreUnreachable(READ_ONLY_MESSAGE)  # before trying: nothing is written
        try:
            with self._writer_for(wait).begin() as session:
                # Begin now, not at the first statement: on SQLite this is BEGIN IMMEDIATE,
                # so the write lock is held (or waited for) from here on.
                session.connection()
                if wait is not None and not self.is_sqlite:
                    session.execute(
                        text("SELECT set_config('lock_timeout', :v, true)"),
                        {"v": _milliseconds(wait)},
                    )
                yield session
        except (OperationalError, DBAPIError) as exc:
            if _is_integrity(exc):
                raise
            message = friendly_store_error(exc, self.url)
            if message == BUSY_MESSAGE:
                raise StoreBusy(message) from exc
            raise StoreUnreachable(message) from exc

    def _writer_for(self, wait: float | None) -> sessionmaker[Session]:
        if wait is None:
            return self._writer
        maker = self._brief_writers.get(wait)
        if maker is None:
            options = {WRITE_OPTION: True, WAIT_OPTION: wait}
            maker = sessionmaker(self.engine.execution_options(**options), expire_on_commit=False)
            self._brief_writers[wait] = maker
        return maker

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only transaction (rolled back at the end; nothing it changes is kept)."""
        try:
            # Closing (not committing) ends the transaction with a rollback; loaded objects
            # stay readable because close() detaches them without expiring them.
            with self._reader() as session:
                session.begin()
                yield session
        except (OperationalError, DBAPIError) as exc:
            if _is_integrity(exc):
                raise
            raise StoreUnreachable(friendly_store_error(exc, self.url)) from exc

    def prepare(self, statement: Select[Any]) -> None:
        """Run ``statement`` for no rows (LIMIT 0) so that its compilation is cached for the
        real read that follows later; no row is read."""
        with self.read() as session:
            session.execute(statement.limit(0)).all()

    def ping(self) -> None:
        """Connect once, so a bad path, key or server shows up at start-up with a clear line."""
        with self.read() as session:
            session.execute(text("SELECT 1"))

    def changes(self) -> ChangeWatcher:
        """This store's change watcher (see ``store.watch``), made at the first ask."""
        if self._watcher is None:
            self._watcher = ChangeWatcher(self.engine)
        return self._watcher

    def dispose(self) -> None:
        if self._watcher is not None:
            self._watcher.close()
        self.engine.dispose()


def _is_integrity(exc: BaseException) -> bool:
    from sqlalchemy.exc import IntegrityError

    return isinstance(exc, IntegrityError)


def _sqlcipher_key_literal(key: str) -> str:
    """A key given as 64 hex digits is a raw key; anything else is a passphrase."""
    if re.fullmatch(r"[0-9a-fA-F]{64}", key):
        return f"\"x'{key}'\""
    return "'" + key.replace("'", "''") + "'"
