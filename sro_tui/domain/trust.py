"""What the trust services hand back: audit-chain checks, checkpoints, second-factor enrolment."""

from __future__ import annotations

from datetime import datetime

from .base import ReadSchema


class AuditCheckpoint(ReadSchema):
    """A signed statement, kept outside the store, that the chain once reached this event.

    ``count`` is the number of events up to and including ``last_id``; ``first_hash`` is the
    hash of the store's first event (it finds the checkpoint again if the store id is changed).
    """

    store_id: str
    count: int
    last_id: int
    last_hash: str
    first_hash: str
    location: str
    at: datetime


class ChainReport(ReadSchema):
    """The result of checking the audit chain (and its newest checkpoint)."""

    ok: bool
    count: int
    last_id: int | None = None
    last_hash: str = ""
    first_bad_id: int | None = None
    """The first event at fault (for cut-off events: the first one missing)."""
    problem: str = ""
    """Empty when the chain is whole; otherwise one line for a supervisor."""
    checkpoint: AuditCheckpoint | None = None
    checkpoint_note: str = ""
    """How the chain compares with the newest checkpoint (or that there is none yet)."""


class TotpEnrolment(ReadSchema):
    """A new authenticator secret, not yet active: it is stored only once a code from the
    officer's authenticator app confirms it."""

    badge: str
    secret: str
    uri: str
