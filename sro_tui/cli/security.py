"""`sro mfa enable|remove|require` (as a signed-in officer: ``--as BADGE``) and `sro store
encrypt|rekey` (local administration of the SQLite file).

`sro store` is a group of its own (not under `sro db`) so the encryption commands stay in
this module. Converting a store must be done with every terminal closed.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from ..bootstrap import audit_key_path
from ..domain.errors import SroError, StoreUnreachable
from ..domain.officers import SYSTEM_ACTOR
from ..services import encryption, store_settings
from ..services.registry import build_services, load_or_create_key
from ..store.db import Database
from ..store.urls import resolve_url
from .common import add_signed_in, open_from, require_sign_in, settings_from
from .inputs import is_terminal, prompted, read_stdin_line


def register(subparsers: argparse._SubParsersAction) -> None:
    mfa = subparsers.add_parser("mfa", help="second factor (authenticator app) at sign-in")
    mfa_sub = mfa.add_subparsers(dest="mfa_command", metavar="ACTION", required=True)
    enable = mfa_sub.add_parser("enable", help="set up an officer's authenticator app")
    enable.add_argument("badge")
    enable.add_argument(
        "--code-stdin", action="store_true", help="read the confirming code from standard input"
    )
    add_signed_in(enable, "yourself, or an administrator")
    enable.set_defaults(func=cmd_mfa_enable)
    remove = mfa_sub.add_parser("remove", help="remove an officer's authenticator (lost phone)")
    remove.add_argument("badge")
    add_signed_in(remove)
    remove.set_defaults(func=cmd_mfa_remove)
    require = mfa_sub.add_parser("require", help="require a second factor of every officer")
    require.add_argument("state", choices=["on", "off"])
    add_signed_in(require)
    require.set_defaults(func=cmd_mfa_require)

    store = subparsers.add_parser("store", help="encrypt a SQLite store or change its key")
    store_sub = store.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    encrypt = store_sub.add_parser("encrypt", help="encrypt a plain SQLite store in place")
    _key_options(encrypt, "")
    encrypt.set_defaults(func=cmd_encrypt)
    rekey = store_sub.add_parser(
        "rekey", help="change the key of an encrypted store (old key from SRO_SQLCIPHER_KEY_FILE)"
    )
    _key_options(rekey, "new-")
    rekey.set_defaults(func=cmd_rekey)


def _key_options(parser: argparse.ArgumentParser, prefix: str) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument(
        f"--{prefix}key-file",
        dest="key_file",
        metavar="PATH",
        help="a key file (made with a new random key if it does not exist)",
    )
    group.add_argument(
        f"--{prefix}passphrase",
        dest="passphrase",
        action="store_true",
        help=f"ask for a passphrase (at least {encryption.MIN_PASSPHRASE_LENGTH} characters)",
    )
    parser.add_argument(
        "--passphrase-stdin", action="store_true", help="read the passphrase from standard input"
    )


# -- second factor ----------------------------------------------------------------------------


def cmd_mfa_enable(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro mfa enable")
        security = store.services.security
        enrolment = security.begin_totp(actor, args.badge)
        print(f"Authenticator for badge {enrolment.badge}")
        print(f"Secret: {enrolment.secret}")
        print(f"URI:    {enrolment.uri}")
        print("Add it to the authenticator app, then give the code it shows.", flush=True)
        if args.code_stdin or not is_terminal(sys.stdin):
            code = read_stdin_line("the code").strip()
        else:
            code = prompted(input, "Code from the app: ", "the code").strip()
        security.confirm_totp(actor, enrolment, code)
        print(f"Second factor enabled for badge {enrolment.badge}")
    finally:
        store.close()
    return 0


def cmd_mfa_remove(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro mfa remove")
        officer = store.services.security.remove_totp(actor, args.badge)
        print(f"Authenticator removed for {officer.name}, badge {officer.badge}")
    finally:
        store.close()
    return 0


def cmd_mfa_require(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro mfa require")
        value = "1" if args.state == "on" else "0"
        store.services.settings.set(actor, store_settings.REQUIRE_MFA, value)
        print(f"Second factor at sign-in: {'required' if value == '1' else 'optional'}")
    finally:
        store.close()
    return 0


# -- encryption -------------------------------------------------------------------------------


def _sqlite_path(args: argparse.Namespace) -> Path:
    settings = settings_from(args)
    url = resolve_url(settings.store_location())
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise SroError(
            "Only a SQLite store file is encrypted here; for PostgreSQL use TLS and disk "
            "encryption (see the README)"
        )
    path = Path(url.database)
    if not path.is_file():
        raise StoreUnreachable(f"No store at {path}")
    return path


def _passphrase(args: argparse.Namespace) -> str:
    if args.passphrase_stdin:
        value = read_stdin_line("the passphrase")
    elif not is_terminal(sys.stdin):
        raise SroError("No terminal to ask for a passphrase: use --passphrase-stdin")
    else:
        value = prompted(getpass.getpass, "New store passphrase: ", "the passphrase")
        if prompted(getpass.getpass, "Again: ", "the passphrase") != value:
            raise SroError("The two passphrases differ")
    if len(value) < encryption.MIN_PASSPHRASE_LENGTH:
        raise SroError(
            f"A store passphrase needs at least {encryption.MIN_PASSPHRASE_LENGTH} characters"
        )
    return value


def _new_key(args: argparse.Namespace) -> tuple[str, str]:
    """The new key and how to give it when opening the store."""
    if args.passphrase:
        return _passphrase(args), f"SRO_SQLCIPHER_KEY_FILE={encryption.PROMPT} (asks for it)"
    path = Path(args.key_file).expanduser().absolute()
    if path.exists():
        key = encryption.read_key_file(path)
        if encryption.make_key_file_private(path):
            print(f"Made the key file {path} readable by its owner only")
    else:
        key = encryption.write_key_file(path)
        print(f"Made a new key file {path}: keep a copy somewhere safe, apart from the store")
    return key, f"SRO_SQLCIPHER_KEY_FILE={path}"


def _record(args: argparse.Namespace, path: Path, key: str, action: str) -> None:
    """Write the conversion into the store's own audit trail (opened with its new key)."""
    settings = settings_from(args)
    db = Database(path, sqlcipher_key=encryption.raw_key_for(path, key))
    try:
        services = build_services(
            db, audit_key=load_or_create_key(audit_key_path(settings)), terminal=None
        )
        services.audit.record_alone(SYSTEM_ACTOR, action, record_type="store")
    finally:
        db.dispose()


def cmd_encrypt(args: argparse.Namespace) -> int:
    path = _sqlite_path(args)
    if encryption.is_encrypted(path):
        raise SroError(f"{path} is encrypted already; use `sro store rekey` to change its key")
    key, how = _new_key(args)
    encryption.encrypt_file(path, key)
    _record(args, path, key, "store.encrypt")
    print(f"Encrypted {path}")
    print(f"Open it with {how}")
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    path = _sqlite_path(args)
    settings = settings_from(args)
    if not encryption.is_encrypted(path):
        raise SroError(f"{path} is not encrypted; use `sro store encrypt`")
    old = encryption.store_key(settings.sqlcipher_key_file, path)
    if old is None:
        raise SroError("Give the current key with SRO_SQLCIPHER_KEY_FILE (a file, or `prompt`)")
    new, how = _new_key(args)
    encryption.rekey_file(path, old, new)
    _record(args, path, new, "store.rekey")
    print(f"Changed the key of {path}")
    print(f"Open it with {how}")
    return 0
