"""Encryption at rest of a SQLite store (SQLCipher), through the services and `sro store`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sro_tui.bootstrap import open_store
from sro_tui.config import Settings
from sro_tui.domain.errors import Conflict, SroError, StoreUnreachable
from sro_tui.domain.officers import SYSTEM_ACTOR, OfficerCreate
from sro_tui.services import encryption
from sro_tui.services.registry import Services, build_services, prepare_store
from sro_tui.store.db import Database

from .conftest import TEST_AUDIT_KEY, TEST_PASSWORD, RunCli

pytest.importorskip("sqlcipher3", reason="the [encryption] extra is part of the dev install")

NAME = "Zephyrine Quackenbush"  # a name easy to look for in the raw bytes
PASSPHRASE = "blue heron over the pier at dawn"


def make_store(path: Path) -> None:
    db = Database(path)
    try:
        prepare_store(db)
        services = build_services(db, audit_key=TEST_AUDIT_KEY)
        services.officers.create(
            SYSTEM_ACTOR, OfficerCreate(badge="1001", name=NAME), TEST_PASSWORD
        )
    finally:
        db.dispose()


def open_with(path: Path, key: str | None) -> Services:
    db = Database(path, sqlcipher_key=key)
    db.ping()
    return build_services(db, audit_key=TEST_AUDIT_KEY)


def raw_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            data += sidecar.read_bytes()
    return data


def plain_sqlite_cannot_read(path: Path) -> None:
    connection = sqlite3.connect(str(path))
    try:
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            connection.execute("SELECT count(*) FROM officers").fetchone()
    finally:
        connection.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    make_store(path)
    assert NAME.encode() in raw_bytes(path), "the plain store holds the name in clear"
    return path


def test_encrypted_store_is_unreadable_without_the_key(store: Path) -> None:
    key = encryption.new_raw_key()
    encryption.encrypt_file(store, key)
    assert encryption.is_encrypted(store)
    assert NAME.encode() not in raw_bytes(store)
    plain_sqlite_cannot_read(store)
    with pytest.raises(StoreUnreachable, match="encrypted and the key is wrong"):
        open_with(store, encryption.new_raw_key())
    with pytest.raises(StoreUnreachable):
        open_with(store, None)
    services = open_with(store, key)
    try:
        assert services.officers.by_badge("1001").name == NAME
        assert services.officers.authenticate("1001", TEST_PASSWORD).badge == "1001"
        assert services.audit.check_chain().ok
        # Written to after opening: still nothing in clear, in the file or its WAL.
        assert NAME.encode() not in raw_bytes(store)
    finally:
        services.close()


def test_passphrase_is_derived_once_and_matches_sqlcipher(store: Path) -> None:
    encryption.encrypt_file(store, PASSPHRASE)
    raw = encryption.raw_key_for(store, PASSPHRASE)
    assert encryption.is_raw_key(raw)
    for key in (raw, PASSPHRASE):  # our derivation and SQLCipher's own give the same key
        services = open_with(store, key)
        try:
            assert services.officers.by_badge("1001").name == NAME
        finally:
            services.close()
    with pytest.raises(StoreUnreachable):
        open_with(store, "blue heron over the pier at dusk")


def test_open_store_hands_connections_a_raw_key(store: Path, tmp_path: Path) -> None:
    encryption.encrypt_file(store, PASSPHRASE)
    key_file = tmp_path / "passphrase.txt"
    key_file.write_text(PASSPHRASE + "\n")
    (tmp_path / "audit.key").write_bytes(TEST_AUDIT_KEY)  # the key the store is signed with
    settings = Settings(
        database_url=str(store),
        sqlcipher_key_file=str(key_file),
        audit_key_file=str(tmp_path / "audit.key"),
    )
    opened = open_store(settings, create=False)
    try:
        key = opened.services.db.sqlcipher_key
        assert key is not None and encryption.is_raw_key(key), "no per-connection derivation"
        assert opened.services.officers.by_badge("1001").name == NAME
    finally:
        opened.close()


def test_prompted_passphrase(store: Path) -> None:
    encryption.encrypt_file(store, PASSPHRASE)
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return PASSPHRASE

    key = encryption.store_key(encryption.PROMPT, store, prompt=prompt)
    assert len(asked) == 1
    assert key == encryption.raw_key_for(store, PASSPHRASE)
    with pytest.raises(StoreUnreachable, match="No passphrase"):
        encryption.store_key(encryption.PROMPT, store, prompt=lambda _text: "")


def test_rekey(store: Path) -> None:
    old, new = encryption.new_raw_key(), encryption.new_raw_key()
    encryption.encrypt_file(store, old)
    encryption.rekey_file(store, old, new)
    with pytest.raises(StoreUnreachable):
        open_with(store, old)
    services = open_with(store, new)
    try:
        assert services.officers.by_badge("1001").name == NAME
    finally:
        services.close()
    with pytest.raises(StoreUnreachable, match="does not open"):
        encryption.rekey_file(store, old, new)


def test_encrypting_twice_is_refused(store: Path) -> None:
    key = encryption.new_raw_key()
    encryption.encrypt_file(store, key)
    with pytest.raises(SroError, match="encrypted already"):
        encryption.encrypt_file(store, key)


def test_key_file_is_owner_only_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "store.key"
    key = encryption.write_key_file(path)
    assert encryption.read_key_file(path) == key
    assert path.stat().st_mode & 0o077 == 0
    with pytest.raises(SroError, match="exists already"):
        encryption.write_key_file(path)


# -- the command line -------------------------------------------------------------------------


def test_cli_encrypt_then_rekey_to_a_passphrase(
    store: Path, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "store.key"
    assert run_cli("--db", str(store), "store", "encrypt", "--key-file", str(key_file)).code == 0
    assert key_file.exists()
    assert NAME.encode() not in raw_bytes(store)
    plain_sqlite_cannot_read(store)

    result = run_cli("--db", str(store), "officer", "list")
    assert result.code == 2
    assert "encrypted" in result.err

    assert run_cli("--db", str(store), "db", "check").code == 2

    monkeypatch.setenv("SRO_SQLCIPHER_KEY_FILE", str(key_file))
    result = run_cli("--db", str(store), "officer", "list")
    assert result.code == 0
    assert NAME in result.out
    result = run_cli("--db", str(store), "db", "check")
    assert result.code == 0
    assert "Integrity: ok" in result.out

    result = run_cli(
        "--db",
        str(store),
        "store",
        "rekey",
        "--new-passphrase",
        "--passphrase-stdin",
        stdin=PASSPHRASE + "\n",
    )
    assert result.code == 0
    assert run_cli("--db", str(store), "officer", "list").code == 2  # the old key file
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_text(PASSPHRASE)
    monkeypatch.setenv("SRO_SQLCIPHER_KEY_FILE", str(passphrase_file))
    assert run_cli("--db", str(store), "officer", "list").code == 0
    services = open_with(store, PASSPHRASE)
    try:
        actions = [e.action for e in services.audit.recent(limit=20)]
        assert "store.encrypt" in actions and "store.rekey" in actions
        assert services.audit.check_chain().ok
    finally:
        services.close()


def test_cli_refuses_a_short_passphrase(store: Path, run_cli: RunCli) -> None:
    args = ("--db", str(store), "store", "encrypt", "--passphrase", "--passphrase-stdin")
    result = run_cli(*args, stdin="too short\n")
    assert result.code == 2
    assert "at least" in result.err
    assert not encryption.is_encrypted(store)


HOLDER = """
import sys
from sro_tui.store.db import Database
db = Database(sys.argv[1], sqlcipher_key=sys.argv[2] or None)
with db.read() as session:
    session.execute(__import__("sqlalchemy").text("SELECT count(*) FROM officers")).one()
print("ready", flush=True)
sys.stdin.readline()
db.dispose()
"""


@pytest.mark.parametrize("step", ["encrypt", "rekey"])
def test_conversion_is_refused_while_a_terminal_has_the_store_open(store: Path, step: str) -> None:
    key = encryption.new_raw_key()
    if step == "rekey":
        encryption.encrypt_file(store, key)
    other_terminal = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store), key if step == "rekey" else ""],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other_terminal.stdout is not None
        assert other_terminal.stdout.readline().strip() == "ready"
        with pytest.raises(Conflict, match="open in another terminal"):
            if step == "encrypt":
                encryption.encrypt_file(store, key)
            else:
                encryption.rekey_file(store, key, encryption.new_raw_key())
    finally:
        other_terminal.communicate("done\n", timeout=30)
    if step == "encrypt":
        assert not encryption.is_encrypted(store)
        encryption.encrypt_file(store, key)
    else:
        services = open_with(store, key)  # the refused rekey left the old key in force
        services.close()
        encryption.rekey_file(store, key, encryption.new_raw_key())
    plain_sqlite_cannot_read(store)
