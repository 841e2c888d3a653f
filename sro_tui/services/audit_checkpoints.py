"""Signed checkpoints of the audit chain, kept outside the store (next to the audit key).

A hash chain shows an edited, deleted or moved event, but not that its newest events were cut
off: the shortened chain is still a valid chain. A checkpoint says "this store's chain once
reached event #N with hash H" and is signed with an Ed25519 key that lives only here, so
whoever can write the database cannot make the chain shorter than the newest checkpoint
without `verify` noticing. The public half is derived from the private key file; nothing in
a checkpoint file is trusted before its signature is checked.

A checkpoint belongs to a chain: the store's id and the chain's first event. A copy of a
store (a backup opened for a look-up) has the same id; its checkpoints must not speak for
the live store, so a checkpoint kept for another store file that still exists is neither
replaced from the copy nor held against it.

Files are written durably (store/files.py). A checkpoint file that cannot be read (empty
after a power cut) is reported as missing, with a warning, never as tampering; a damaged
signing key is replaced and the checkpoints it signed are kept aside as unverifiable.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from string import hexdigits
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ..domain.errors import SroError
from ..domain.trust import AuditCheckpoint
from ..store.files import write_durably
from ..store.urls import sqlite_file

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

log = logging.getLogger(__name__)

SIGNING_KEY_BYTES = 32
FILE = "file:"


class CheckpointError(SroError):
    """A checkpoint file exists but cannot be trusted (its signature is not ours)."""


class CheckpointUnreadable(CheckpointError):
    """A checkpoint file that cannot be read at all (empty, cut short, not JSON)."""


def place(location: str) -> str:
    """Where a store lives, for comparing: a SQLite file's real path (``?mode=ro`` or
    not), or the URL as described (passwords hidden) for a server."""
    try:
        url = make_url(location)
    except ArgumentError:
        return location
    if url.get_backend_name() == "sqlite":
        path = sqlite_file(url)
        if path is not None:
            try:
                return FILE + str(path.resolve())
            except OSError:
                return FILE + str(path)
    return location


def _is_another_store(theirs: str, ours: str) -> bool:
    """True when ``theirs`` is another store that still exists: a SQLite file elsewhere
    (not this one under another name), or a server URL other than ours."""
    if theirs == ours:
        return False
    if not theirs.startswith(FILE) or not ours.startswith(FILE):
        return True  # a server store under another URL: cannot tell, keep them apart
    other = Path(theirs.removeprefix(FILE))
    if not other.exists():
        return False  # moved here: the same store
    try:
        return not os.path.samefile(other, ours.removeprefix(FILE))
    except OSError:
        return True


class CheckpointKeeper:
    """The checkpoints of every store this terminal has opened, one file per chain."""

    def __init__(self, folder: Path, signing_key_path: Path | None = None) -> None:
        self.folder = Path(folder)
        self.signing_key_path = signing_key_path or (self.folder / "signing.key")
        self._key: Ed25519PrivateKey | None = None
        self.warnings: list[str] = []
        """What was wrong but is not tampering (an unreadable file); read by verify."""

    @classmethod
    def beside(cls, audit_key_path: Path) -> CheckpointKeeper:
        """The usual place: ``<folder of the audit key>/audit-checkpoints/``."""
        folder = Path(audit_key_path).parent / "audit-checkpoints"
        return cls(folder, folder / "signing.key")

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
        log.warning("audit checkpoints: %s", message)

    # -- the signing key ---------------------------------------------------------------------

    def _private_key(self) -> Ed25519PrivateKey:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        if self._key is not None:
            return self._key
        path = self.signing_key_path
        new = Ed25519PrivateKey.generate().private_bytes_raw()
        if not path.exists():
            write_durably(path, new, exclusive=True)  # another terminal may win: use theirs
        else:
            try:
                raw = path.read_bytes()
            except OSError:
                raw = b""
            if len(raw) != SIGNING_KEY_BYTES:
                # Cut short (a power cut before it reached the disk): nothing it signed can
                # be checked any more. A new key, and its old checkpoints set aside.
                self._set_aside_unverifiable(
                    f"the checkpoint signing key {path.name} was damaged and has been replaced; "
                    "the checkpoints it signed cannot be checked and count as missing"
                )
                write_durably(path, new)
        raw = path.read_bytes()
        if len(raw) != SIGNING_KEY_BYTES:
            raise CheckpointError(f"The checkpoint signing key {path} is damaged")
        self._key = Ed25519PrivateKey.from_private_bytes(raw)
        return self._key

    def _set_aside_unverifiable(self, why: str) -> None:
        self._warn(why)
        if not self.folder.exists():
            return
        for path in self.folder.glob("*.json"):
            try:
                os.replace(path, path.with_name(path.name + ".unverifiable"))
            except OSError:
                continue

    # -- files -------------------------------------------------------------------------------

    @staticmethod
    def _payload(cp: AuditCheckpoint) -> bytes:
        fields = cp.model_dump(mode="json")
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def _path(self, store_id: str, first_hash: str = "") -> Path:
        safe = "".join(c for c in store_id if c.isalnum() or c in "-_")[:64] or "unnamed"
        chain = "".join(c for c in first_hash if c in hexdigits)[:16]
        return self.folder / (f"{safe}-{chain}.json" if chain else f"{safe}.json")

    def _read(self, path: Path) -> AuditCheckpoint:
        from cryptography.exceptions import InvalidSignature

        try:
            document = json.loads(path.read_text("utf-8"))
            signature = bytes.fromhex(document.pop("signature"))
            document.pop("version", None)
            cp = AuditCheckpoint.model_validate(document)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CheckpointUnreadable(f"The audit checkpoint {path.name} cannot be read") from exc
        try:
            self._private_key().public_key().verify(signature, self._payload(cp))
        except InvalidSignature as exc:
            raise CheckpointError(
                f"The audit checkpoint {path.name} does not carry a valid signature"
            ) from exc
        return cp

    def _unreadable(self, path: Path) -> None:
        self._warn(
            f"the checkpoint file {path.name} cannot be read (empty or cut short, e.g. by a "
            "power cut) and counts as missing"
        )

    def _all(self) -> list[tuple[Path, AuditCheckpoint | CheckpointError]]:
        """Every checkpoint file with what it holds (or why it cannot be trusted)."""
        if not self.folder.exists():
            return []
        self._private_key()  # first: a damaged key sets its checkpoints aside before the look
        found: list[tuple[Path, AuditCheckpoint | CheckpointError]] = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                found.append((path, self._read(path)))
            except CheckpointUnreadable:
                self._unreadable(path)
            except CheckpointError as exc:
                found.append((path, exc))
        return found

    def load(self, store_id: str, first_hash: str = "") -> AuditCheckpoint | None:
        """The checkpoint kept for this chain (without ``first_hash``: the newest of any
        chain of this store id), or None (also when it cannot be read)."""
        if not first_hash:
            kept = [
                cp
                for _path, cp in self._all()
                if isinstance(cp, AuditCheckpoint) and cp.store_id == store_id
            ]
            return max(kept, key=lambda cp: cp.count, default=None)
        path = self._path(store_id, first_hash)
        self._private_key()
        if not path.exists():
            return None
        try:
            return self._read(path)
        except CheckpointUnreadable:
            self._unreadable(path)
            return None

    def kept_elsewhere(self, store_id: str, location: str) -> AuditCheckpoint | None:
        """A checkpoint of this store id kept for another store file that still exists:
        the store at ``location`` is a copy of that one."""
        ours = place(location)
        for _path, cp in self._all():
            if (
                isinstance(cp, AuditCheckpoint)
                and cp.store_id == store_id
                and _is_another_store(place(cp.location), ours)
            ):
                return cp
        return None

    def save(self, cp: AuditCheckpoint, *, force: bool = False) -> bool:
        """Write ``cp`` unless a newer one (more events) is already kept for this chain, or
        the chain's checkpoints belong to another store file (this one is a copy of it);
        True if written."""
        elsewhere = self.kept_elsewhere(cp.store_id, cp.location)
        if elsewhere is not None:
            self._warn(
                f"this store is a copy of the one at {elsewhere.location}: no checkpoint is "
                "written for it until it has an id of its own"
            )
            return False
        if not force:
            try:
                current = self.load(cp.store_id, cp.first_hash)
            except CheckpointError:
                current = None  # a forged file is replaced; verify reported it already
            if current is not None and current.count > cp.count:
                return False
        signature = self._private_key().sign(self._payload(cp))
        document = {"version": 1, **cp.model_dump(mode="json"), "signature": signature.hex()}
        target = self._path(cp.store_id, cp.first_hash)
        write_durably(target, json.dumps(document, indent=1).encode())
        legacy = self._path(cp.store_id)
        if legacy != target and legacy.exists():
            # The id-only file of an older sro-tui: this chain's file replaces it.
            legacy.unlink(missing_ok=True)
        if force:
            # Accepted on purpose (a restore, a forced checkpoint): the store's chain is this
            # one now; the checkpoints of its other chains are kept aside, not held against it.
            for path, other in self._all():
                if (
                    path != target
                    and isinstance(other, AuditCheckpoint)
                    and other.store_id == cp.store_id
                ):
                    os.replace(path, path.with_name(f"{path.name}.replaced-{os.getpid()}"))
        return True

    def find(self, store_id: str, *, first_hash: str, location: str) -> AuditCheckpoint | None:
        """The newest checkpoint that speaks for this store: its own (by id), or one of
        another id kept for this very place (the id in the store was changed), or, when it
        has none of its own, one of the same chain (the id changed and the store moved).

        Checkpoints kept for another store file that still exists (the original of a copy,
        or a copy of this one) are never held against it. Raises CheckpointError for a
        forged checkpoint of this store."""
        ours = place(location)
        own: list[AuditCheckpoint] = []
        here: list[AuditCheckpoint] = []
        same_chain: list[AuditCheckpoint] = []
        for path, cp in self._all():
            if isinstance(cp, CheckpointError):
                if path.name.startswith(self._path(store_id).stem):
                    raise cp
                continue
            theirs = place(cp.location)
            if _is_another_store(theirs, ours):
                continue
            if cp.store_id == store_id:
                own.append(cp)
            elif theirs == ours:
                here.append(cp)
            elif first_hash and cp.first_hash == first_hash:
                same_chain.append(cp)
        candidates = own + here + ([] if own else same_chain)
        return max(candidates, key=lambda cp: cp.count, default=None)
