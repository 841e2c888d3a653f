"""The audit chain's HMAC key: one per department, the same file on every terminal.

The store keeps the key's fingerprint (never the key) from `sro init` on. A terminal whose
key file is missing or holds another key must not sign events with it: its events would
look forged on every other terminal ("event #5 was changed after it was written") for ever.
It refuses to write instead, and says how to install the department's key:
`sro audit key export FILE` on a terminal that has it, `sro audit key import FILE` here.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.errors import SroError, StoreUnreachable
from ..store.files import write_durably
from ..store.models import Setting

AUDIT_KEY_BYTES = 32
FINGERPRINT_SETTING = "audit_key_fingerprint"
HOW_TO_INSTALL = (
    "install the department's audit key: on a terminal that writes to this store run "
    "`sro audit key export FILE`, then here `sro audit key import FILE` "
    "(or point SRO_AUDIT_KEY_FILE at a copy of it)"
)


class AuditKeyMismatch(StoreUnreachable):
    """This terminal's audit key is not the one the store's chain is signed with."""


def fingerprint(key: bytes) -> str:
    """A public name for a key: it tells keys apart without revealing them."""
    return hashlib.sha256(b"sro-tui audit key fingerprint\n" + key).hexdigest()


def short(fingerprint_hex: str) -> str:
    return ":".join(fingerprint_hex[i : i + 4] for i in range(0, 16, 4))


def read_key(path: Path) -> bytes:
    """The key in ``path``; a clear refusal when it is empty or too short (a power cut
    while it was written, or a bad copy)."""
    try:
        key = Path(path).read_bytes()
    except OSError as exc:
        raise StoreUnreachable(f"The audit key file {path} cannot be read: {exc.strerror}") from exc
    if len(key) < AUDIT_KEY_BYTES:
        state = "empty" if not key else "too short"
        raise StoreUnreachable(
            f"The audit key file {path} is {state} (damaged): restore it from the department's "
            "copy with `sro audit key import FILE --replace`, or from a backup of this folder"
        )
    return key


def load_or_create_key(path: Path) -> bytes:
    """The key in ``path``, or a new random one written there durably (owner-only)."""
    path = Path(path)
    if path.exists():
        return read_key(path)
    write_durably(path, os.urandom(AUDIT_KEY_BYTES), exclusive=True)
    return read_key(path)  # ours, or the one another process wrote a moment before


def stored_fingerprint(session: Session) -> str | None:
    value = session.scalar(select(Setting.value).where(Setting.key == FINGERPRINT_SETTING))
    return value or None


def record_fingerprint(session: Session, key: bytes) -> None:
    """Remember the key in the store (inside the caller's write transaction)."""
    row = session.get(Setting, FINGERPRINT_SETTING)
    if row is None:
        session.add(Setting(key=FINGERPRINT_SETTING, value=fingerprint(key)))
    else:
        row.value = fingerprint(key)
    session.flush()


def mismatch_message(key_path: str | Path | None, stored: str, ours: str) -> str:
    where = f" ({key_path})" if key_path else ""
    return (
        f"This terminal's audit key{where}, fingerprint {short(ours)}, is not the key this "
        f"store's audit trail is signed with ({short(stored)}): nothing can be recorded here "
        f"until you {HOW_TO_INSTALL}"
    )


def unsigned_message(key_path: str | Path | None) -> str:
    where = f" ({key_path})" if key_path else ""
    return (
        f"This terminal's audit key{where} is not the key this store's audit trail is signed "
        f"with: nothing can be recorded here until you {HOW_TO_INSTALL}"
    )


def missing_message(key_path: Path) -> str:
    return (
        f"This terminal has no audit key ({key_path}) but the store already has one: "
        f"{HOW_TO_INSTALL}"
    )


def export_key(source: Path, target: Path) -> str:
    """Copy the key to ``target`` (a new owner-only file); its fingerprint."""
    key = read_key(source)
    if Path(target).exists():
        raise SroError(f"{target} already exists; choose another file name")
    if not write_durably(Path(target), key, exclusive=True):
        raise SroError(f"{target} already exists; choose another file name")
    return fingerprint(key)


def import_key(
    source: Path, target: Path, *, expected: str | None, replace: bool = False
) -> tuple[str, Path | None]:
    """Install the key in ``source`` as this terminal's key file ``target``.

    ``expected`` is the store's fingerprint (None when the store has none yet, or could
    not be read): a key that does not match it is refused. A different key already in
    ``target`` is kept aside (``<name>.replaced-<n>``) only with ``replace``. Returns the
    fingerprint and where the old key was kept."""
    key = read_key(source)
    ours = fingerprint(key)
    if expected is not None and expected != ours:
        raise SroError(
            f"{source} is not this store's audit key (fingerprint {short(ours)}, "
            f"the store's is {short(expected)}); nothing changed"
        )
    target = Path(target)
    kept: Path | None = None
    if target.exists():
        try:
            current = target.read_bytes()
        except OSError:
            current = b""
        if current == key:
            return ours, None
        if not replace and len(current) >= AUDIT_KEY_BYTES:
            raise SroError(
                f"This terminal already has another audit key in {target} (fingerprint "
                f"{short(fingerprint(current))}); add --replace to keep it aside and install "
                "this one"
            )
        n = 1
        while (candidate := target.with_name(f"{target.name}.replaced-{n}")).exists():
            n += 1
        os.replace(target, candidate)
        kept = candidate
    write_durably(target, key)
    return ours, kept
