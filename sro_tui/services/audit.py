"""The audit trail: every sign-in, read, change and admin action, hash-chained.

Each event holds HMAC-SHA256(key, previous hash + its own canonical content). The key lives
outside the store, so someone who can write the database cannot re-forge the chain after
editing, deleting or reordering events. Appends are serialised (SQLite: the write transaction
already holds the lock from BEGIN IMMEDIATE; PostgreSQL: a transaction advisory lock) so two
terminals never chain onto the same predecessor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..domain.audit import AuditEventRead
from ..domain.enums import AuditOutcome
from ..domain.officers import Actor
from ..store.models import AuditEvent
from .context import ServiceContext

# Any constant shared by every terminal: it names the lock, not a secret.
AUDIT_ADVISORY_LOCK = 0x5_12_0_A0D17
GENESIS = "0" * 64


def canonical(event: AuditEvent) -> bytes:
    """The fields that the hash covers, in a fixed order and format."""
    content = [
        event.at.isoformat(timespec="microseconds"),
        event.officer_id,
        event.badge,
        event.action,
        event.record_type,
        event.record_id,
        event.outcome,
        event.detail,
        event.terminal,
    ]
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(key: bytes, prev_hash: str, event: AuditEvent) -> str:
    return hmac.new(key, prev_hash.encode() + b"\n" + canonical(event), hashlib.sha256).hexdigest()


def _round_centiseconds(moment: datetime) -> datetime:
    """CJIS asks for time to 1/100 s; keep exactly that so the hash input is stable."""
    return moment.replace(microsecond=(moment.microsecond // 10_000) * 10_000)


class AuditTrail:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def record(
        self,
        session: Session,
        actor: Actor | None,
        action: str,
        *,
        record_type: str = "",
        record_id: object = "",
        outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
        detail: str = "",
        badge: str | None = None,
    ) -> None:
        """Append one event inside the caller's transaction (so it commits with the change).

        ``detail`` must not carry record content (names, narrative): only what was done.
        """
        if session.bind is not None and session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_ADVISORY_LOCK})
        prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
        event = AuditEvent(
            at=_round_centiseconds(self.ctx.now()),
            officer_id=actor.officer_id if actor else None,
            badge=(badge if badge is not None else (actor.badge if actor else "")),
            action=action,
            record_type=str(record_type),
            record_id=str(record_id) if record_id is not None else "",
            outcome=AuditOutcome(outcome).value,
            detail=detail,
            terminal=actor.terminal if actor else self.ctx.terminal,
        )
        event.prev_hash = prev or GENESIS
        event.hash = chain_hash(self.ctx.audit_key, event.prev_hash, event)
        session.add(event)
        session.flush()

    def record_alone(self, actor: Actor | None, action: str, **kwargs: object) -> None:
        """Append in a transaction of its own: for refusals and failures, whose own
        transaction was rolled back but which must still be recorded."""
        with self.ctx.db.write() as session:
            self.record(session, actor, action, **kwargs)  # type: ignore[arg-type]

    def recent(self, *, limit: int = 100, before_id: int | None = None) -> list[AuditEventRead]:
        with self.ctx.db.read() as session:
            query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
            if before_id is not None:
                query = query.where(AuditEvent.id < before_id)
            return [AuditEventRead.model_validate(e) for e in session.scalars(query)]
