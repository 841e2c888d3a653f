"""Read events that waited for the store's write lock, kept durably until they are appended.

An audited read (a list's first page, a record opened) reads in a read transaction and then
appends its audit event in a short write transaction of its own. When another terminal holds
the write lock, the event is not dropped and the reader does not queue: it is written here
first (a line in a file of this process's own, flushed to the disk before the read's result
is shown), and appended to the audit chain, in order and with the time of the read, at this
terminal's next append. A file left by a process that ended (its lock is free) is appended by
the next terminal of this store on this machine, then removed.

Each line carries an HMAC under the audit key: a line edited while it waited is appended as a
failure event naming it, never silently. A crash between the chain's commit and the file's
truncation can append a line twice (an extra read event, never a missing one).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from ..store.files import fsync_folder, make_private_folder

__all__ = ["PendingBatch", "PendingEvent", "PendingReads"]


@dataclass(frozen=True)
class PendingEvent:
    """One audit event's content, as ``AuditTrail.record`` was given it (time included)."""

    at: datetime
    officer_id: int | None
    badge: str
    action: str
    record_type: str
    record_id: str
    outcome: str
    detail: str
    terminal: str

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "officer_id": self.officer_id,
            "badge": self.badge,
            "action": self.action,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "outcome": self.outcome,
            "detail": self.detail,
            "terminal": self.terminal,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingEvent:
        officer = data.get("officer_id")
        return cls(
            at=datetime.fromisoformat(str(data["at"])),
            officer_id=int(officer) if officer is not None else None,
            badge=str(data["badge"]),
            action=str(data["action"]),
            record_type=str(data["record_type"]),
            record_id=str(data["record_id"]),
            outcome=str(data["outcome"]),
            detail=str(data["detail"]),
            terminal=str(data["terminal"]),
        )


@dataclass
class PendingBatch:
    """What one flush takes: the events in order, and the files to clear once committed."""

    events: list[PendingEvent]
    damaged: list[str]
    """Files (names) with lines that failed their check or could not be read."""
    own: bool = False
    orphans: tuple[tuple[Path, BinaryIO], ...] = ()


def _mac(key: bytes, body: bytes) -> str:
    return hmac.new(key, b"pending-read\n" + body, hashlib.sha256).hexdigest()


class PendingReads:
    """The pending-read files of one store on this machine (a folder per store)."""

    def __init__(self, folder: Path, store: str, key: bytes) -> None:
        digest = hashlib.sha256(store.encode()).hexdigest()[:16]
        self.folder = Path(folder) / digest
        self.key = key
        self.lock = threading.RLock()
        """Held from taking the events to clearing them (worker threads append concurrently)."""
        self._path: Path | None = None
        self._file: BinaryIO | None = None
        self._count = 0

    # -- writing -----------------------------------------------------------------------------

    def add(self, events: list[PendingEvent]) -> None:
        """Write the events durably (fsync) or raise OSError: only then may the read show."""
        with self.lock:
            handle = self._own()
            for item in events:
                body = json.dumps(item.to_json(), ensure_ascii=False, sort_keys=True).encode()
                line = json.dumps({"e": body.decode(), "mac": _mac(self.key, body)})
                handle.write(line.encode() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
            self._count += len(events)

    def _own(self) -> BinaryIO:
        if self._file is None:
            make_private_folder(self.folder.parent)
            make_private_folder(self.folder)
            path = self.folder / f"{os.getpid()}-{uuid.uuid4().hex[:12]}.jsonl"
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)  # ours while this process lives
            fsync_folder(self.folder)  # the new file's name survives a power cut too
            self._file = os.fdopen(fd, "r+b", buffering=0)
            self._path = path
        return self._file

    @property
    def waiting(self) -> int:
        """How many of this process's events wait (0 when nothing does: no disk access)."""
        return self._count

    def orphans_possible(self) -> bool:
        return self.folder.is_dir()

    # -- flushing ----------------------------------------------------------------------------

    def take(self) -> PendingBatch:
        """This process's waiting events, then those of ended processes (call under
        ``lock``; then ``cleared`` after the chain committed them, or ``release``)."""
        events: list[PendingEvent] = []
        damaged: list[str] = []
        orphans: list[tuple[Path, BinaryIO]] = []
        if self.folder.is_dir():
            for path in sorted(self.folder.glob("*.jsonl")):
                if path == self._path:
                    continue
                try:
                    handle = open(path, "r+b")  # noqa: SIM115 (kept open to hold its lock)
                except OSError:
                    continue
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    handle.close()  # its process still runs: it appends its own
                    continue
                if not path.exists():  # appended and removed by another terminal meanwhile
                    handle.close()
                    continue
                orphans.append((path, handle))
                self._read(handle, path.name, events, damaged)
        own = False
        if self._file is not None and self._count:
            own = True
            self._read(self._file, self._path.name if self._path else "", events, damaged)
        return PendingBatch(events=events, damaged=damaged, own=own, orphans=tuple(orphans))

    def _read(
        self, handle: BinaryIO, name: str, events: list[PendingEvent], damaged: list[str]
    ) -> None:
        handle.seek(0)
        for raw in handle.read().splitlines():
            try:
                line = json.loads(raw)
                body = str(line["e"]).encode()
                if not hmac.compare_digest(_mac(self.key, body), str(line["mac"])):
                    raise ValueError("mac")
                events.append(PendingEvent.from_json(json.loads(body)))
            except (ValueError, KeyError, TypeError):
                damaged.append(name)

    def cleared(self, batch: PendingBatch) -> None:
        """The batch is in the chain: empty this process's file, remove the orphans."""
        if batch.own and self._file is not None:
            self._file.truncate(0)
            os.fsync(self._file.fileno())
            self._count = 0
        for path, handle in batch.orphans:
            with contextlib.suppress(OSError):
                path.unlink()
            handle.close()

    def release(self, batch: PendingBatch) -> None:
        """The batch was not appended: leave every file as it was."""
        for _path, handle in batch.orphans:
            handle.close()

    def close(self) -> None:
        """At exit: an empty file of ours is removed; a non-empty one stays for later."""
        with self.lock:
            if self._file is None:
                return
            if not self._count and self._path is not None:
                with contextlib.suppress(OSError):
                    self._path.unlink()
            self._file.close()
            self._file = None
