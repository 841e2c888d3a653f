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
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TextIO, cast

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ..domain.audit import AuditEventRead
from ..domain.csv_safe import SafeCsvWriter, local_text
from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import PermissionDenied, SroError, StoreUnreachable
from ..domain.officers import Actor
from ..domain.paging import Page, clamp_limit, decode_cursor, encode_cursor
from ..domain.permissions import may_read_audit
from ..domain.trust import AuditCheckpoint, ChainReport
from ..store import triggers, watch
from ..store.db import WRITE_OPTION, StoreBusy, friendly_os_error
from ..store.models import AuditEvent, Setting
from . import audit_keys, record_seals, store_identity
from .audit_checkpoints import CheckpointError as CheckpointError
from .audit_checkpoints import CheckpointKeeper as CheckpointKeeper
from .audit_pending import PendingEvent, PendingReads
from .context import ServiceContext

log = logging.getLogger(__name__)

# Any constant shared by every terminal: it names the lock, not a secret.
AUDIT_ADVISORY_LOCK = 0x5_12_0_A0D17
GENESIS = "0" * 64
STORE_ID_SETTING = "store_id"  # written by migration 0004; names the checkpoint file
CHECKPOINT_EVERY = 25  # appends by one process between two periodic checkpoints
READ_WAIT_SECONDS = 0.1  # an audited read's append waits this long before it is kept aside
READ_EVENTS = "sro_read_events"  # session.info key of a reading() transaction's events
FORCE_ACTION = "audit.checkpoint.force"
# Events after which the newest checkpoint was replaced on purpose: verify shows them.
FORCED_ACTIONS = frozenset({FORCE_ACTION, "store.restore"})
_CHUNK = 1000
CSV_COLUMNS = (
    "id",
    "at_utc",
    "at_local",  # the agency's clock (ctx.tz), beside UTC
    "badge",
    "officer_id",
    "action",
    "record_type",
    "record_id",
    "outcome",
    "detail",
    "terminal",
    "hash",
)


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


_EVENT_COLUMNS = (
    "at",
    "officer_id",
    "badge",
    "action",
    "record_type",
    "record_id",
    "outcome",
    "detail",
    "terminal",
    "prev_hash",
    "hash",
)


class AuditTrail:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.checkpoints: CheckpointKeeper | None = None
        """Set by whoever opens the store (bootstrap); tests set their own."""
        self.checkpoint_every = CHECKPOINT_EVERY
        self._appends_since_checkpoint = 0
        self.key_path: Path | None = None
        """Where this terminal's audit key file is (for messages); set by bootstrap."""
        self._key_checked = False
        self._identity_checked = False
        self.read_wait = READ_WAIT_SECONDS
        """How long an audited read's append waits for the write lock before its event is
        kept in the pending-read file instead."""
        self.pending_folder: Path | None = None
        """Where pending-read files go (default: beside the checkpoints' folder)."""
        self._pending: PendingReads | None = None

    # -- appending ---------------------------------------------------------------------------

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

        On a session of :meth:`reading` the event is kept and appended right after the read
        transaction ends (see :meth:`record_read`). ``detail`` must not carry record content
        (names, narrative): only what was done.
        """
        item = self._event(
            actor,
            action,
            record_type=record_type,
            record_id=record_id,
            outcome=outcome,
            detail=detail,
            badge=badge,
        )
        reads = session.info.get(READ_EVENTS)
        if reads is not None:
            reads.append(item)
            return
        if not session.connection().get_execution_options().get(WRITE_OPTION):
            # A read transaction is rolled back at its end: the event would be lost.
            raise RuntimeError("audit events are appended in a write transaction (db.write())")
        event_id = self._append(session, item)
        # Other terminals' open lists hear of the change (PostgreSQL: NOTIFY, at commit).
        watch.notify(
            session, self.ctx.db.changes(), event_id, item.action, item.record_type, item.outcome
        )

    def _event(
        self,
        actor: Actor | None,
        action: str,
        *,
        record_type: str,
        record_id: object,
        outcome: AuditOutcome | str,
        detail: str,
        badge: str | None,
    ) -> PendingEvent:
        return PendingEvent(
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

    def _append(self, session: Session, item: PendingEvent) -> int:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_ADVISORY_LOCK})
        if not self._key_checked:
            self._check_key(session)
        if not self._identity_checked:
            self._identity_checked = True
            self._own_identity_if_copy(session)
        prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
        event = AuditEvent(
            at=item.at,
            officer_id=item.officer_id,
            badge=item.badge,
            action=item.action,
            record_type=item.record_type,
            record_id=item.record_id,
            outcome=item.outcome,
            detail=item.detail,
            terminal=item.terminal,
        )
        event.prev_hash = prev or GENESIS
        event.hash = chain_hash(self.ctx.audit_key, event.prev_hash, event)
        # One INSERT ... RETURNING id (not the unit of work's flush); ``event`` stays outside
        # the session and carries the values its record seal needs.
        table = cast(Table, AuditEvent.__table__)
        event.id = session.execute(
            insert(table)
            .values({name: getattr(event, name) for name in _EVENT_COLUMNS})
            .returning(table.c.id)
        ).scalar_one()
        if record_seals.seals_change(
            event.action, event.record_type, event.record_id, event.outcome
        ):
            record_seals.mark_for_sealing(session, self.ctx.audit_key, event)
        self._count_append(session)
        return event.id

    # -- audited reads -------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read transaction for an audited read: the events ``record`` is given on it are
        appended once it has ended (:meth:`record_read`), so the read itself never waits for
        the write lock. If they cannot be recorded, the caller's result is never returned."""
        events: list[PendingEvent] = []
        with self.ctx.db.read() as session:
            session.info[READ_EVENTS] = events
            yield session
        self._record_reads(events)

    def record_read(
        self,
        actor: Actor | None,
        action: str,
        *,
        record_type: str = "",
        record_id: object = "",
        outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
        detail: str = "",
        badge: str | None = None,
    ) -> None:
        """Record a read already made (before its result is shown).

        The rule (CJIS: no unaudited read): the event goes into the chain in a short write
        transaction that waits at most ``read_wait`` seconds for the lock. If another
        terminal holds it longer, the event is written durably to this terminal's
        pending-read file (``audit_pending``) and appended at the next chance; with no such
        file, the append waits as long as any save does. Only when neither can be done does
        this raise (StoreUnreachable), and the read's result is not shown."""
        self._record_reads(
            [
                self._event(
                    actor,
                    action,
                    record_type=record_type,
                    record_id=record_id,
                    outcome=outcome,
                    detail=detail,
                    badge=badge,
                )
            ]
        )

    def _record_reads(self, events: list[PendingEvent]) -> None:
        if not events:
            return
        pending = self.pending_reads()
        if pending is None:
            self._append_reads(events, None, wait=None)
            return
        try:
            self._append_reads(events, pending, wait=self.read_wait)
            return
        except StoreBusy:
            pass
        try:
            pending.add(events)
        except OSError as exc:
            log.warning("pending read event not kept (%s): waiting for the store", exc.errno)
            self._append_reads(events, None, wait=None)

    def _append_reads(
        self, events: list[PendingEvent], pending: PendingReads | None, *, wait: float | None
    ) -> None:
        if pending is None:
            with self.ctx.db.write(wait=wait) as session:
                for item in events:
                    self._append(session, item)
            return
        with pending.lock:
            batch = pending.take()
            if not (events or batch.events or batch.damaged):
                pending.release(batch)
                return  # nothing waits: no write transaction (the watcher asks every second)
            try:
                with self.ctx.db.write(wait=wait) as session:
                    for item in batch.events:
                        self._append(session, item)
                    for name in sorted(set(batch.damaged)):
                        self._append(
                            session,
                            self._event(
                                None,
                                "audit.pending",
                                record_type=RecordType.AUDIT,
                                record_id="",
                                outcome=AuditOutcome.FAILURE,
                                detail=f"a waiting read event in {name} failed its check",
                                badge="",
                            ),
                        )
                    for item in events:
                        self._append(session, item)
            except BaseException:
                pending.release(batch)
                raise
            pending.cleared(batch)

    def pending_reads(self) -> PendingReads | None:
        """This terminal's pending-read file keeper (beside the audit checkpoints), if any."""
        if self._pending is None:
            folder = self.pending_folder
            if folder is None and self.checkpoints is not None:
                folder = self.checkpoints.folder.parent / "audit-pending"
            if folder is None or self.ctx.db.read_only:
                return None
            self._pending = PendingReads(folder, self.ctx.db.description, self.ctx.audit_key)
        return self._pending

    def flush_pending(self, *, wait: float | None = None) -> bool:
        """Append the read events waiting in pending-read files (this terminal's, and those
        a closed terminal left). True when none is left waiting here; never raises for a
        busy store (they wait for the next chance)."""
        pending = self.pending_reads()
        if pending is None:
            return True
        if not pending.waiting and not pending.orphans_possible():
            return True
        try:
            self._append_reads([], pending, wait=self.read_wait if wait is None else wait)
        except StoreUnreachable:
            return False
        return not pending.waiting

    # -- whose key, which store ---------------------------------------------------------------

    def _check_key(self, session: Session) -> None:
        """Refuse to sign with a key that is not the store's: every event this terminal
        wrote would look forged on every other terminal. A store without a fingerprint yet
        (new, or made by an older sro-tui) takes this key's, if the chain so far is signed
        with it."""
        ours = audit_keys.fingerprint(self.ctx.audit_key)
        stored = audit_keys.stored_fingerprint(session)
        if stored is None:
            newest = session.scalars(
                select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)
            ).first()
            if newest is not None and not hmac.compare_digest(
                chain_hash(self.ctx.audit_key, newest.prev_hash, newest), newest.hash
            ):
                raise audit_keys.AuditKeyMismatch(audit_keys.unsigned_message(self.key_path))
            audit_keys.record_fingerprint(session, self.ctx.audit_key)
            return  # checked again next time: this transaction may still be rolled back
        if stored != ours:
            raise audit_keys.AuditKeyMismatch(
                audit_keys.mismatch_message(self.key_path, stored, ours)
            )
        self._key_checked = True

    def claim_key(self) -> None:
        """At `sro init` and when a store is opened: record this key's fingerprint if the
        store has none yet, or refuse (AuditKeyMismatch) if it has another."""
        with self.ctx.db.read() as session:
            stored = audit_keys.stored_fingerprint(session)
        if stored == audit_keys.fingerprint(self.ctx.audit_key):
            return
        with self.ctx.db.write() as session:
            if session.get_bind().dialect.name == "postgresql":
                # Two terminals opening a new store together record the fingerprint once.
                session.execute(
                    text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_ADVISORY_LOCK}
                )
            self._check_key(session)

    def _own_identity_if_copy(self, session: Session) -> None:
        """A copy of a store (a backup opened to look something up) is about to be written
        to: it takes an id of its own, so that its checkpoints never speak for the store it
        was copied from (whose verify would then report missing or changed events)."""
        if self.checkpoints is None:
            return
        old_id = _store_id(session)
        where = ""
        moved: tuple[str, str] | None = None
        if self.ctx.db.is_sqlite:
            if self.checkpoints.kept_elsewhere(old_id, self.ctx.db.description) is None:
                return
        else:
            # PostgreSQL: the database its store id was first written in (store_identity).
            moved = store_identity.copied_from(session, old_id)
            if moved is None:
                return
            where = f" (database {moved[0]}, this one {moved[1]})"
        new_id = uuid.uuid4().hex
        row = session.get(Setting, STORE_ID_SETTING)
        if row is None:
            session.add(Setting(key=STORE_ID_SETTING, value=new_id))
        else:
            row.value = new_id
        session.flush()
        if moved is not None:
            store_identity.record_place(session, new_id, moved[1])
        self.record(
            session,
            None,
            "store.copy",
            record_type=RecordType.STORE,
            record_id=new_id,
            detail=f"a copy of store {old_id}{where}, written to here: its own id from now on",
        )

    def record_alone(
        self,
        actor: Actor | None,
        action: str,
        *,
        record_type: str = "",
        record_id: object = "",
        outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
        detail: str = "",
        badge: str | None = None,
    ) -> None:
        """Append in a transaction of its own: for refusals and failures, whose own
        transaction was rolled back but which must still be recorded."""
        with self.ctx.db.write() as session:
            self.record(
                session,
                actor,
                action,
                record_type=record_type,
                record_id=record_id,
                outcome=outcome,
                detail=detail,
                badge=badge,
            )

    def _count_append(self, session: Session) -> None:
        """Every ``checkpoint_every`` appends, write a checkpoint once the transaction has
        committed (a checkpoint of an event that is then rolled back would look like a cut)."""
        if self.checkpoints is None:
            return
        self._appends_since_checkpoint += 1
        if self._appends_since_checkpoint < self.checkpoint_every:
            return
        if session.info.get("sro_checkpoint_pending"):
            return
        session.info["sro_checkpoint_pending"] = True

        def _after_commit(_session: Session) -> None:
            _session.info.pop("sro_checkpoint_pending", None)
            self._appends_since_checkpoint = 0
            self.write_checkpoint_quietly()

        def _after_rollback(_session: Session, _previous: object) -> None:
            _session.info.pop("sro_checkpoint_pending", None)

        sa_event.listen(session, "after_commit", _after_commit, once=True)
        sa_event.listen(session, "after_soft_rollback", _after_rollback, once=True)

    # -- reading -----------------------------------------------------------------------------

    def recent(self, *, limit: int = 100, before_id: int | None = None) -> list[AuditEventRead]:
        with self.ctx.db.read() as session:
            query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
            if before_id is not None:
                query = query.where(AuditEvent.id < before_id)
            return [AuditEventRead.model_validate(e) for e in session.scalars(query)]

    def _require_reader(self, actor: Actor, action: str) -> None:
        if not may_read_audit(actor):
            self.record_alone(actor, action, record_type=RecordType.AUDIT, outcome="denied")
            raise PermissionDenied("Only a supervisor can read the audit trail")

    def page(
        self,
        actor: Actor,
        *,
        cursor: str | None = None,
        limit: int = 50,
        badge: str | None = None,
        action: str | None = None,
        record_type: str | None = None,
        record_id: str | None = None,
        since: datetime | None = None,
    ) -> Page[AuditEventRead]:
        """Events newest first, one page at a time, for the audit screen (supervisors).

        Reading the trail is itself recorded, once per first page (not per page turned)."""
        self._require_reader(actor, "audit.read")
        limit = clamp_limit(limit)
        query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit + 1)
        if cursor:
            try:
                (before_id,) = decode_cursor(cursor)
                query = query.where(AuditEvent.id < int(before_id))
            except (ValueError, TypeError) as exc:
                raise SroError("That page of the audit trail is out of date; reload") from exc
        if badge:
            query = query.where(AuditEvent.badge == badge.strip().upper())
        if action:
            query = query.where(AuditEvent.action == action)
        if record_type:
            query = query.where(AuditEvent.record_type == record_type)
        if record_id:
            query = query.where(AuditEvent.record_id == str(record_id))
        if since is not None:
            query = query.where(AuditEvent.at >= since)
        with self.reading() as session:
            rows = list(session.scalars(query))
            if cursor is None:
                self.record(session, actor, "audit.read", record_type=RecordType.AUDIT)
        items = [AuditEventRead.model_validate(e) for e in rows[:limit]]
        more = len(rows) > limit
        return Page(items=items, next_cursor=encode_cursor(items[-1].id) if more else None)

    def _events(self, session: Session, *, since_id: int = 0) -> Iterator[Any]:
        """Every event in chain order as plain rows (attribute access like the model, without
        the ORM's cost), a chunk at a time: never all in memory."""
        table = cast(Table, AuditEvent.__table__)
        last = since_id
        while True:
            chunk = session.execute(
                select(table).where(table.c.id > last).order_by(table.c.id).limit(_CHUNK)
            ).all()
            if not chunk:
                return
            yield from chunk
            last = chunk[-1].id

    # -- checking ----------------------------------------------------------------------------

    def store_id(self) -> str:
        with self.ctx.db.read() as session:
            return _store_id(session)

    def check_chain(self) -> ChainReport:
        """Walk the whole chain and compare it with the newest checkpoint (no audit event,
        no permission check: `verify` is the public call)."""
        key = self.ctx.audit_key
        prev = GENESIS
        count = 0
        last_id: int | None = None
        first_bad: int | None = None
        problem = ""
        cp_bad: int | None = None
        cp_problem = ""
        forced: list[Any] = []
        with self.ctx.db.read() as session:
            store_id = _store_id(session)
            first_hash = (
                session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id).limit(1)) or ""
            )
            checkpoint, note, note_is_problem = self._find_checkpoint(store_id, first_hash)
            seen = checkpoint is None
            for event in self._events(session):
                count += 1
                if not problem:
                    if event.prev_hash != prev:
                        first_bad = event.id
                        problem = (
                            f"event #{event.id} does not follow the event before it: an event "
                            "was deleted, inserted or moved there"
                        )
                    elif not hmac.compare_digest(
                        chain_hash(key, event.prev_hash, event), event.hash
                    ):
                        first_bad = event.id
                        problem = f"event #{event.id} was changed after it was written"
                if not seen:
                    assert checkpoint is not None
                    if event.id == checkpoint.last_id:
                        seen = True
                        if event.hash != checkpoint.last_hash or count != checkpoint.count:
                            cp_bad = event.id
                            cp_problem = (
                                f"event #{event.id} is not the one the checkpoint of "
                                f"{_short(checkpoint.at)} signed"
                            )
                    elif event.id > checkpoint.last_id:
                        seen = True
                        cp_bad = checkpoint.last_id
                        cp_problem = (
                            f"event #{checkpoint.last_id}, signed by the checkpoint of "
                            f"{_short(checkpoint.at)}, is missing"
                        )
                if event.action in FORCED_ACTIONS and event.outcome == AuditOutcome.SUCCESS:
                    forced.append(event)
                prev = event.hash
                last_id = event.id
            unprotected = triggers.problems(session.connection())
        if not seen:
            assert checkpoint is not None
            cp_bad = (last_id or 0) + 1
            cp_problem = (
                f"the newest {max(checkpoint.count - count, 1)} event(s) are missing: the chain "
                f"ends at #{last_id or 0} but the checkpoint of {_short(checkpoint.at)} "
                f"saw #{checkpoint.last_id}"
            )
        if note_is_problem and not cp_problem:
            cp_problem = note
        if not problem and cp_problem:
            problem, first_bad = cp_problem, cp_bad
        if not problem and unprotected:
            # The chain is whole, but nothing stops the next edit: that is not "intact".
            problem = unprotected_message(unprotected)
        if cp_problem:
            note = cp_problem
        elif checkpoint is not None:
            note = f"agrees with the checkpoint of {_short(checkpoint.at)} (#{checkpoint.last_id})"
        if forced:
            newest = forced[-1]
            note += (
                f"; the checkpoint was replaced on purpose {len(forced)} time(s), newest "
                f"#{newest.id} ({newest.action}) by {newest.badge or 'SYSTEM'} on "
                f"{_short(newest.at)}"
            )
        if self.checkpoints is not None and self.checkpoints.warnings:
            # Not tampering (a file a power cut left empty): said, but the chain is not broken.
            note += "; warning: " + "; ".join(self.checkpoints.warnings)
        return ChainReport(
            ok=not problem,
            count=count,
            last_id=last_id,
            last_hash=prev if count else "",
            first_bad_id=first_bad,
            problem=problem,
            checkpoint=checkpoint,
            checkpoint_note=note,
        )

    def _find_checkpoint(
        self, store_id: str, first_hash: str
    ) -> tuple[AuditCheckpoint | None, str, bool]:
        """The newest checkpoint, a note about it, and whether that note is a problem."""
        if self.checkpoints is None:
            return None, "checkpoints are not kept on this terminal", False
        self.checkpoints.warnings.clear()
        try:
            found = self.checkpoints.find(
                store_id, first_hash=first_hash, location=self.ctx.db.description
            )
        except CheckpointError as exc:
            return None, exc.message, True
        if found is None:
            return None, "no checkpoint of this store yet", False
        if found.store_id != store_id:
            return (
                found,
                f"the store's id changed from {found.store_id} to {store_id} since its checkpoint",
                True,
            )
        return found, "", False

    def verify(self, actor: Actor) -> ChainReport:
        """Check the chain and the newest checkpoint; record the check; when all is well,
        write a new checkpoint of what was checked."""
        self._require_reader(actor, "audit.verify")
        report = self.check_chain()
        if self.ctx.db.read_only:
            # A store opened read-only (often a copy) is checked, never written: no event, and
            # no checkpoint (a copy's would speak for the store it was copied from).
            return report
        if report.ok and report.last_id is not None and self.checkpoints is not None:
            try:
                self._save_checkpoint(report.count, report.last_id, report.last_hash)
            except OSError as exc:  # a full disk: say so, not the system's bare words
                raise StoreUnreachable(friendly_os_error(exc)) from exc
        self.record_alone(
            actor,
            "audit.verify",
            record_type=RecordType.AUDIT,
            record_id=report.first_bad_id or "",
            outcome=AuditOutcome.SUCCESS if report.ok else AuditOutcome.FAILURE,
            detail=f"{report.count} events" + ("" if report.ok else "; chain broken"),
        )
        return report

    def verify_records(self, actor: Actor) -> record_seals.RecordsReport:
        """Recompute the seal of every incident, note and referral (`verify --records`);
        recorded like verify."""
        self._require_reader(actor, "audit.verify_records")
        with self.ctx.db.read() as session:
            report = record_seals.check_records(session, self.ctx.audit_key)
        if self.ctx.db.read_only:
            return report
        self.record_alone(
            actor,
            "audit.verify_records",
            record_type=RecordType.AUDIT,
            outcome=AuditOutcome.SUCCESS if report.ok else AuditOutcome.FAILURE,
            detail=f"{report.checked} records, {len(report.problems)} differ",
        )
        return report

    # -- checkpoints -------------------------------------------------------------------------

    def _save_checkpoint(
        self, count: int, last_id: int, last_hash: str, *, force: bool = False
    ) -> AuditCheckpoint | None:
        assert self.checkpoints is not None
        with self.ctx.db.read() as session:
            store_id = _store_id(session)
            first_hash = (
                session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id).limit(1)) or ""
            )
            if not force and not self._still_holds_checkpoint(session, store_id, first_hash):
                return None
        cp = AuditCheckpoint(
            store_id=store_id,
            count=count,
            last_id=last_id,
            last_hash=last_hash,
            first_hash=first_hash,
            location=self.ctx.db.description,
            at=self.ctx.now().astimezone(UTC),
        )
        return cp if self.checkpoints.save(cp, force=force) else None

    def _still_holds_checkpoint(self, session: Session, store_id: str, first_hash: str) -> bool:
        """Whether the chain still holds the event the kept checkpoint signed. A chain that
        was cut and then grew past the checkpoint's count must not get a new checkpoint in
        its place (that would hide the cut): only verify's report, or a forced one."""
        assert self.checkpoints is not None
        try:
            kept = self.checkpoints.load(store_id, first_hash)
        except CheckpointError:
            return True  # a forged file: verify reports it; a good checkpoint replaces it
        if kept is None:
            return True
        signed = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == kept.last_id))
        if signed == kept.last_hash:
            return True
        log.warning(
            "audit checkpoint not written: the chain no longer holds the checkpointed event"
        )
        return False

    def write_checkpoint(self, *, force: bool = False) -> AuditCheckpoint | None:
        """Sign the chain's current head (without walking the chain). Returns the checkpoint,
        or None when there are no events, no keeper, or a newer checkpoint is already kept.
        ``force`` replaces even a newer checkpoint (after restoring a backup on purpose)."""
        if self.checkpoints is None:
            return None
        with self.ctx.db.read() as session:
            count, last_id = session.execute(
                select(func.count(), func.max(AuditEvent.id)).select_from(AuditEvent)
            ).one()
            if not count:
                return None
            last_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == last_id))
        return self._save_checkpoint(int(count), int(last_id), str(last_hash), force=force)

    def force_checkpoint(self, actor: Actor, reason: str) -> AuditCheckpoint:
        """Accept the chain as it is now, even shorter than (or other than) the newest
        checkpoint: after restoring an older backup on purpose. Only a signed-in supervisor
        or administrator, with a reason; recorded (who, why, what it replaced) before the
        checkpoint is signed, so the checkpoint covers its own reason."""
        reason = " ".join(reason.split())[:300]
        if actor.officer_id is None or not actor.is_supervisor:
            self.record_alone(
                actor, FORCE_ACTION, record_type=RecordType.AUDIT, outcome=AuditOutcome.DENIED
            )
            raise PermissionDenied(
                "Forcing a checkpoint needs a supervisor's or an administrator's sign-in "
                "(--as BADGE)"
            )
        if not reason:
            raise SroError("Say why the checkpoint is forced (--reason TEXT)", field="reason")
        if self.checkpoints is None:
            raise SroError("Checkpoints are not kept on this terminal")
        with self.ctx.db.read() as session:
            first_hash = (
                session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id).limit(1)) or ""
            )
            store_id = _store_id(session)
        before, _note, _problem = self._find_checkpoint(store_id, first_hash)
        replaced = (
            f"replaces the checkpoint of #{before.last_id} ({before.count} events, "
            f"{_short(before.at)})"
            if before is not None
            else "no checkpoint before"
        )
        with self.ctx.db.write() as session:
            self.record(
                session,
                actor,
                FORCE_ACTION,
                record_type=RecordType.AUDIT,
                detail=f"{reason}; {replaced}",
            )
        checkpoint = self.write_checkpoint(force=True)
        if checkpoint is None:
            raise SroError("No checkpoint written: this store is a copy of another one")
        return checkpoint

    def write_checkpoint_quietly(self) -> None:
        """For periodic and at-exit checkpoints: a failure is logged (without any record
        data), never raised into the officer's work."""
        try:
            self.write_checkpoint()
        except Exception as exc:
            log.warning("audit checkpoint not written: %s", type(exc).__name__)

    def close(self) -> None:
        """At exit: append read events still waiting (a busy store keeps them in their file
        for the next terminal), then checkpoint what this process appended since the last
        checkpoint."""
        if self._pending is not None:
            try:
                if self._pending.waiting:
                    self.flush_pending(wait=2.0)
                self._pending.close()
            except Exception as exc:  # never raised into the exit
                log.warning("pending read events not appended at exit: %s", type(exc).__name__)
        if self.checkpoints is not None and self._appends_since_checkpoint:
            self._appends_since_checkpoint = 0
            self.write_checkpoint_quietly()

    # -- export ------------------------------------------------------------------------------

    def export_csv(
        self,
        actor: Actor,
        out: TextIO,
        *,
        since: date | None = None,
        until: date | None = None,
        bom: bool = True,
    ) -> int:
        """Write events from the agency's local day ``since`` up to and including ``until``
        as CSV (times in UTC and on the agency's clock; domain.csv_safe: no cell runs as a
        formula, a UTF-8 BOM first unless ``bom`` is False); returns how many. Supervisors
        only; recorded."""
        self._require_reader(actor, "audit.export")
        start = self._day_start(since) if since else None
        end = self._day_start(until, next_day=True) if until else None
        writer = SafeCsvWriter(out, bom=bom)
        writer.writerow(CSV_COLUMNS)
        written = 0
        with self.ctx.db.read() as session:
            first_id = 0
            if start is not None:
                first = session.scalar(
                    select(func.min(AuditEvent.id)).where(AuditEvent.at >= start)
                )
                first_id = (first - 1) if first is not None else -1
            if first_id >= 0:
                for event in self._events(session, since_id=first_id):
                    if start is not None and event.at < start:
                        continue
                    if end is not None and event.at >= end:
                        continue
                    writer.writerow(
                        (
                            event.id,
                            _utc_text(event.at),
                            local_text(event.at, self.ctx.tz),
                            event.badge,
                            "" if event.officer_id is None else event.officer_id,
                            event.action,
                            event.record_type,
                            event.record_id,
                            event.outcome,
                            event.detail,
                            event.terminal,
                            event.hash,
                        )
                    )
                    written += 1
        self.record_alone(
            actor,
            "audit.export",
            record_type=RecordType.AUDIT,
            detail=f"{written} events"
            + (f" since {since.isoformat()}" if since else "")
            + (f" until {until.isoformat()}" if until else ""),
        )
        return written

    def _day_start(self, day: date, *, next_day: bool = False) -> datetime:
        from datetime import timedelta

        if next_day:
            day = day + timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=self.ctx.tz).astimezone(UTC)


def unprotected_message(problems: list[str]) -> str:
    return (
        "the store no longer refuses changes to audit events: "
        + "; ".join(problems)
        + " (put them back with `sro db check --repair-triggers`, as the tables' owner)"
    )


def _store_id(session: Session) -> str:
    value = session.scalar(select(Setting.value).where(Setting.key == STORE_ID_SETTING))
    return value or "unnamed"


def _utc_text(moment: datetime) -> str:
    """UTC to 1/100 s, as CJIS asks: 2026-09-14T15:30:00.25Z."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 10_000:02d}Z"


def _short(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
