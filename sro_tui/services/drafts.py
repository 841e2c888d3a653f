"""Drafts: what an officer has typed into a form and not saved as a record yet.

A form autosaves every couple of seconds, so ``save`` is one small upsert on the unique
(officer, form, key, terminal): two terminals of one officer typing into the same record keep
a draft each (neither overwrites the other); :meth:`DraftService.elsewhere` tells a terminal
that another one holds a newer draft of the record it opens. Only the first save of a draft
is audited ("draft.create"): auditing every autosave would bury the trail in keystrokes and
add nothing (the draft is not a record; the record it becomes is audited when saved).
Discarding is audited ("draft.discard"). Drafts are private: an officer reads and discards
only their own.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.drafts import DraftRead, DraftSave
from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import NotFound, PermissionDenied, SroError
from ..domain.officers import Actor
from ..store.models import Draft
from .audit import AuditTrail
from .context import ServiceContext

DRAFTS_LIST_MAX = 200  # far more than anyone keeps; the list is never unbounded


def draft_read(row: Draft) -> DraftRead:
    return DraftRead(
        id=row.id,
        officer_id=row.officer_id,
        form=row.form,
        key=row.key,
        title=row.title,
        payload=dict(row.payload or {}),
        updated_at=row.updated_at,
        terminal=row.terminal,
    )


def _storable(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as JSON can hold it: values JSON has no type for (a datetime, a date)
    are kept as their text rather than refused, so a form's typing is never lost."""
    try:
        stored: dict[str, Any] = json.loads(json.dumps(payload, default=str))
    except (TypeError, ValueError) as exc:
        raise SroError("This form's content cannot be kept as a draft", field="payload") from exc
    return stored


class DraftService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def save(self, actor: Actor, data: DraftSave) -> DraftRead:
        """Create or replace the actor's draft of (form, key) on this terminal."""
        officer_id = self._officer(actor)
        payload = _storable(data.payload)
        try:
            return self._save(actor, officer_id, data, payload)
        except IntegrityError:
            # Two terminals made the same draft at the same moment: the other one won the
            # insert, so this save becomes an update of it.
            return self._save(actor, officer_id, data, payload)

    def _save(
        self, actor: Actor, officer_id: int, data: DraftSave, payload: dict[str, Any]
    ) -> DraftRead:
        with self.ctx.db.write() as session:
            terminal = self.ctx.terminal
            row = self._by_key(session, officer_id, data.form, data.key, terminal)
            now = self.ctx.now()
            if row is not None:
                row.title = data.title
                row.payload = payload
                row.updated_at = now
                session.flush()
                return draft_read(row)
            row = Draft(
                officer_id=officer_id,
                form=data.form,
                key=data.key,
                title=data.title,
                payload=payload,
                updated_at=now,
                terminal=terminal,
            )
            session.add(row)
            session.flush()
            self.audit.record(
                session,
                actor,
                "draft.create",
                record_type=RecordType.DRAFT,
                record_id=row.id,
                detail=data.form,
            )
            return draft_read(row)

    def for_actor(self, actor: Actor) -> list[DraftRead]:
        """The actor's drafts, most recently saved first."""
        if actor.officer_id is None:
            return []
        with self.ctx.db.read() as session:
            rows = session.scalars(
                select(Draft)
                .where(Draft.officer_id == actor.officer_id)
                .order_by(Draft.updated_at.desc(), Draft.id.desc())
                .limit(DRAFTS_LIST_MAX)
            )
            return [draft_read(r) for r in rows]

    def get(self, actor: Actor, draft_id: int) -> DraftRead:
        with self.ctx.db.read() as session:
            row = session.get(Draft, draft_id)
            if row is None:
                raise NotFound("That draft is no longer there (saved or discarded)")
            owner = row.officer_id
            found = draft_read(row)
        if owner != actor.officer_id:
            self._deny(actor, "draft.read", draft_id)
        return found

    def find(self, actor: Actor, form: str, key: str = "") -> DraftRead | None:
        """The actor's draft of (form, key) typed on this terminal, if there is one (else one
        kept before drafts were per terminal, which every terminal of the officer takes)."""
        if actor.officer_id is None:
            return None
        with self.ctx.db.read() as session:
            row = self._by_key(session, actor.officer_id, form, key, self.ctx.terminal)
            if row is None:
                row = self._by_key(session, actor.officer_id, form, key, "")
            return draft_read(row) if row is not None else None

    def elsewhere(
        self, actor: Actor, form: str, key: str, *, newer_than: datetime | None = None
    ) -> DraftRead | None:
        """The newest draft of (form, key) the actor typed on another terminal, if it is newer
        than ``newer_than`` (this terminal's own draft, or the record's last save)."""
        if actor.officer_id is None or not key:
            return None
        with self.ctx.db.read() as session:
            query = (
                select(Draft)
                .where(
                    Draft.officer_id == actor.officer_id,
                    Draft.form == form.strip(),
                    Draft.key == key,
                    Draft.terminal != self.ctx.terminal,
                    Draft.terminal != "",
                )
                .order_by(Draft.updated_at.desc(), Draft.id.desc())
                .limit(1)
            )
            if newer_than is not None:
                query = query.where(Draft.updated_at > newer_than)
            row = session.scalar(query)
            return draft_read(row) if row is not None else None

    def discard(self, actor: Actor, draft_id: int) -> None:
        """Delete the actor's draft. A draft already gone is not an error (the form may
        discard on save and again on close)."""
        with self.ctx.db.write() as session:
            row = session.get(Draft, draft_id)
            if row is None:
                return
            if row.officer_id != actor.officer_id:
                owner_mismatch = True
            else:
                owner_mismatch = False
                session.delete(row)
                self.audit.record(
                    session,
                    actor,
                    "draft.discard",
                    record_type=RecordType.DRAFT,
                    record_id=draft_id,
                )
        if owner_mismatch:
            self._deny(actor, "draft.discard", draft_id)

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _by_key(
        session: Session, officer_id: int, form: str, key: str, terminal: str
    ) -> Draft | None:
        return session.scalar(
            select(Draft).where(
                Draft.officer_id == officer_id,
                Draft.form == form.strip(),
                Draft.key == key,
                Draft.terminal == terminal,
            )
        )

    def _officer(self, actor: Actor) -> int:
        if actor.officer_id is None:
            raise SroError("Only a signed-in officer keeps drafts")
        return actor.officer_id

    def _deny(self, actor: Actor, action: str, draft_id: int) -> None:
        self.audit.record_alone(
            actor,
            action,
            record_type=RecordType.DRAFT,
            record_id=draft_id,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied("That draft is another officer's")
