"""Encryption at rest for a SQLite store (SQLCipher: AES-256, HMAC-SHA512 per page).

The key is either 64 hex digits (a raw 256-bit key, e.g. from a key file made by
``new_raw_key``) or a passphrase. SQLCipher turns a passphrase into the key with
PBKDF2-HMAC-SHA512 over the file's own salt (its first 16 bytes), 256,000 rounds: about
170 ms, and it would do that on every new connection. ``raw_key_for`` does the same
derivation once at start-up and hands the raw key to every connection after it; the file
stays a standard SQLCipher 4 file that the `sqlcipher` shell opens with the passphrase.

Converting a store (``encrypt_file``, ``rekey_file``) must run with every terminal closed:
another process holding the old file open would go on writing to it.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import os
import re
import secrets
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..domain.errors import Conflict, SroError, StoreUnreachable
from ..store.files import PRIVATE_FILE, create_private_file, write_durably

KDF_ITERATIONS = 256_000  # SQLCipher 4's default for a passphrase
SALT_BYTES = 16
SQLITE_HEADER = b"SQLite format 3\x00"
PROMPT = "prompt"  # SRO_SQLCIPHER_KEY_FILE=prompt asks for the passphrase at start-up
MIN_PASSPHRASE_LENGTH = 12
OPEN_ELSEWHERE = "The store is open in another terminal or app: close every one, then try again"
_RAW_KEY = re.compile(r"^[0-9a-fA-F]{64}$")


class _Cursor(Protocol):
    def fetchone(self) -> Any: ...


class _Connection(Protocol):
    """What is used here of a SQLCipher connection (the DB-API of the sqlite3 module)."""

    def execute(self, sql: str, parameters: Sequence[object] = ..., /) -> _Cursor: ...

    def close(self) -> None: ...


class _Driver(Protocol):
    """The sqlcipher3 driver (untyped; it follows the sqlite3 module's DB-API)."""

    DatabaseError: type[Exception]

    def connect(self, database: str, *, isolation_level: str | None = ...) -> _Connection: ...


_quietened = False


def _sqlcipher() -> _Driver:
    """The SQLCipher driver, with its own log (page numbers and errors written straight to
    stderr on a wrong key) turned off: the app reports a wrong key in one line itself."""
    global _quietened
    try:
        import sqlcipher3.dbapi2 as dbapi
    except ImportError as exc:  # the optional extra is not installed
        raise SroError(
            "Encrypted stores need SQLCipher: pip install 'sro-tui[encryption]'"
        ) from exc
    if not _quietened:
        connection = dbapi.connect(":memory:")
        try:
            connection.execute("PRAGMA cipher_log_level = NONE")  # process-wide
        finally:
            connection.close()
        _quietened = True
    driver: _Driver = dbapi
    return driver


def is_raw_key(key: str) -> bool:
    return bool(_RAW_KEY.match(key))


def new_raw_key() -> str:
    """A random 256-bit key as 64 hex digits."""
    return secrets.token_hex(32)


def key_literal(key: str) -> str:
    """The value for ``PRAGMA key`` / ``PRAGMA rekey``: raw key or quoted passphrase."""
    if is_raw_key(key):
        return f"\"x'{key.lower()}'\""
    return "'" + key.replace("'", "''") + "'"


def is_encrypted(path: Path) -> bool:
    """A SQLite file starts with a fixed header; an encrypted one with its random salt."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    return len(head) == len(SQLITE_HEADER) and head != SQLITE_HEADER


def raw_key_for(path: Path, key: str) -> str:
    """The raw key SQLCipher would derive from ``key`` for this file (done once, ~170 ms).
    A raw key is returned as it is; so is a passphrase for a file that does not exist yet."""
    if is_raw_key(key) or not path.exists():
        return key
    with path.open("rb") as handle:
        salt = handle.read(SALT_BYTES)
    if len(salt) < SALT_BYTES:
        return key
    derived = hashlib.pbkdf2_hmac("sha512", key.encode(), salt, KDF_ITERATIONS, 32)
    return derived.hex()


def write_key_file(path: Path, key: str | None = None) -> str:
    """Make a key file (owner-only) holding a new random raw key; refuse to overwrite one."""
    key = key or new_raw_key()
    # Durably (temporary file, fsync, link into place): a power cut never leaves it empty.
    if path.exists() or not write_durably(path, (key + "\n").encode(), exclusive=True):
        raise SroError(f"{path} exists already; it may be the key of another store")
    return key


def make_key_file_private(path: Path) -> bool:
    """An existing key file readable by other accounts is made owner-only (a key that
    anyone may read does not protect the store); True if its permissions were changed."""
    path = path.expanduser()
    try:
        info = path.stat()
        if info.st_mode & 0o077 == 0:
            return False
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise SroError(
                f"The key file {path} is readable by other accounts and belongs to another "
                f"one: make it owner-only (chmod 600 {path}) and try again"
            )
        path.chmod(PRIVATE_FILE)
    except FileNotFoundError:
        return False
    return True


def read_key_file(path: Path) -> str:
    try:
        key = path.expanduser().read_text("utf-8").strip()
    except OSError as exc:
        raise StoreUnreachable(f"Cannot read the store key file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise StoreUnreachable(f"{path} is not a store key file (not text)") from exc
    if not key:
        raise StoreUnreachable(f"The store key file {path} is empty")
    if "\x00" in key:
        raise StoreUnreachable(f"{path} is not a store key file (it holds a NUL character)")
    return key


def store_key(
    setting: str,
    sqlite_path: Path | None,
    *,
    prompt: Callable[[str], str] = getpass.getpass,
) -> str | None:
    """The key to open a store with, from the SRO_SQLCIPHER_KEY_FILE setting: a key file's
    path, or ``prompt`` to ask for the passphrase once. A passphrase is turned into the raw
    key here, once, so that no connection pays for the derivation again."""
    if not setting:
        return None
    _sqlcipher()
    if setting == PROMPT:
        if not sys.stdin.isatty() and prompt is getpass.getpass:
            raise StoreUnreachable("No terminal to ask for the store passphrase")
        key = prompt("Store passphrase: ")
        if not key:
            raise StoreUnreachable("No passphrase given: the store stays closed")
    else:
        key = read_key_file(Path(setting))
    return raw_key_for(sqlite_path, key) if sqlite_path is not None else key


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def check_key(path: Path, key: str) -> None:
    """Open the file with ``key`` and read its schema; a wrong key raises StoreUnreachable."""
    dbapi = _sqlcipher()
    connection = dbapi.connect(str(path))
    try:
        connection.execute(f"PRAGMA key = {key_literal(key)}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi.DatabaseError as exc:
        raise StoreUnreachable(
            "The key does not open this store (wrong key, or not an sro-tui store)"
        ) from exc
    finally:
        connection.close()


def encrypt_file(path: Path, key: str) -> None:
    """Turn a plain SQLite store into an encrypted one, in place.

    The store is taken over first (refused while another terminal has it open); the data is
    copied with ``sqlcipher_export`` into a new file next to it, which then replaces the
    plain file.
    """
    dbapi = _sqlcipher()
    if not path.is_file():
        raise StoreUnreachable(f"No store at {path}")
    if is_encrypted(path):
        raise SroError(f"{path} is encrypted already; use rekey to change its key")
    target = path.with_name(path.name + ".encrypting")
    if target.exists():
        target.unlink()
    # Owner-only from its first byte (SQLCipher would make it with the umask's mode, 0644 on
    # most machines), and so the store it becomes and the -wal/-shm files SQLite makes for it.
    create_private_file(target)
    connection = dbapi.connect(str(path), isolation_level=None)
    try:
        connection.execute("PRAGMA busy_timeout = 2000")
        _take_over(connection)
        connection.execute(f"ATTACH DATABASE ? AS encrypted KEY {key_literal(key)}", (str(target),))
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("SELECT sqlcipher_export('encrypted')")
        version = connection.execute("PRAGMA main.user_version").fetchone()[0]
        connection.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        connection.execute("COMMIT")
        connection.execute("DETACH DATABASE encrypted")
    except dbapi.DatabaseError as exc:
        with contextlib.suppress(Exception):
            connection.execute("ROLLBACK")
        with contextlib.suppress(OSError):
            target.unlink()
        raise StoreUnreachable(f"The store could not be encrypted: {exc}") from exc
    finally:
        connection.close()
    _fsync(target)
    os.chmod(target, PRIVATE_FILE)
    os.replace(target, path)
    for sidecar in _sidecars(path):
        with contextlib.suppress(FileNotFoundError):
            sidecar.unlink()
    check_key(path, key)


def rekey_file(path: Path, old_key: str, new_key: str) -> None:
    """Change the key of an encrypted store in place (PRAGMA rekey re-encrypts every page);
    refused while another terminal has the store open."""
    dbapi = _sqlcipher()
    if not path.is_file():
        raise StoreUnreachable(f"No store at {path}")
    check_key(path, old_key)
    connection = dbapi.connect(str(path), isolation_level=None)
    try:
        connection.execute(f"PRAGMA key = {key_literal(old_key)}")
        connection.execute("PRAGMA busy_timeout = 2000")
        _take_over(connection)
        connection.execute(f"PRAGMA rekey = {key_literal(new_key)}")
        connection.execute("PRAGMA journal_mode = WAL")
    except dbapi.DatabaseError as exc:
        raise StoreUnreachable(f"The store key could not be changed: {exc}") from exc
    finally:
        connection.close()
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_FILE)  # the store re-encrypted: owner-only, as a new one is
    check_key(path, new_key)


def _take_over(connection: _Connection) -> None:
    """Leave WAL mode, which SQLite allows only to the last connection open on the file:
    a terminal still using the store is found here, before anything is converted."""
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = connection.execute("PRAGMA journal_mode = DELETE").fetchone()
    except Exception as exc:
        raise Conflict(OPEN_ELSEWHERE) from exc
    if not row or str(row[0]).lower() != "delete":
        raise Conflict(OPEN_ELSEWHERE)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
