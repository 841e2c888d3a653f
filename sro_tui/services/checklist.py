"""The daily duty checklist: a shift (officer + local day + school) and its items.

A shift is made on first open from the active checklist template (the items for every school
and for its school that are on its weekday). Every change to an item is saved at once and
audited ("checklist.done", ".skip", ".reset", ".note", ".add").
Reading one's own shift is not audited (it holds no record content); a supervisor reading
another officer's shift is ("shift.read").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..domain.checklist import (
    ChecklistItemRead,
    ItemNote,
    OneOffItem,
    ShiftRead,
    SkipItem,
    on_weekday,
)
from ..domain.enums import AuditOutcome, ChecklistKind, ChecklistStatus, RecordType
from ..domain.errors import NotFound, PermissionDenied, SroError
from ..domain.officers import Actor
from ..domain.reports import kind_from_label
from ..domain.versions import require_version
from ..store.models import ChecklistItem, ChecklistTemplateItem, Location, School, Shift
from .audit import AuditTrail
from .context import ServiceContext

SHIFTS_PER_DAY_MAX = 20  # an officer covering several schools in a day: a handful at most


class _Denied(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def item_read(item: ChecklistItem) -> ChecklistItemRead:
    return ChecklistItemRead(
        id=item.id,
        shift_id=item.shift_id,
        position=item.position,
        label=item.label,
        location_code=item.location_code,
        status=ChecklistStatus(item.status),
        status_at=item.status_at,
        skip_reason=item.skip_reason,
        note=item.note,
        one_off=item.one_off,
        kind=ChecklistKind(item.kind),
        version=item.version,
    )


def shift_read(shift: Shift, school_name: str) -> ShiftRead:
    return ShiftRead(
        id=shift.id,
        officer_id=shift.officer_id,
        school_id=shift.school_id,
        school_name=school_name,
        shift_date=shift.shift_date,
        started_at=shift.started_at,
        items=tuple(item_read(i) for i in sorted(shift.items, key=lambda i: (i.position, i.id))),
    )


class ChecklistService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    # -- shifts ------------------------------------------------------------------------------

    def open_shift(self, actor: Actor, school_id: int, day: date | None = None) -> ShiftRead:
        """The actor's shift at ``school_id`` on ``day`` (default: today, agency time), made
        the first time it is opened from the active template items for every school and for
        this school that are on the day's weekday."""
        officer_id = self._require_officer(actor, "shift.open")
        day = day or self.ctx.today()
        with self.ctx.db.read() as session:
            found = self._find(session, officer_id, school_id, day)
            if found is not None:
                return found
        try:
            with self.ctx.db.write() as session:
                found = self._find(session, officer_id, school_id, day)
                if found is not None:
                    return found
                school = session.get(School, school_id)
                if school is None:
                    raise NotFound(f"No school with id {school_id}", field="school_id")
                template = [
                    row
                    for row in session.scalars(
                        select(ChecklistTemplateItem)
                        .where(
                            ChecklistTemplateItem.active.is_(True),
                            # every school's items, and this school's own
                            ChecklistTemplateItem.school_id.is_(None)
                            | (ChecklistTemplateItem.school_id == school_id),
                        )
                        .order_by(ChecklistTemplateItem.position, ChecklistTemplateItem.id)
                    )
                    if on_weekday(row.weekdays, day)  # the items of this weekday's shifts
                ]
                shift = Shift(
                    officer_id=officer_id,
                    school_id=school_id,
                    shift_date=day,
                    started_at=self.ctx.now(),
                )
                shift.items = [
                    ChecklistItem(
                        position=position,
                        label=row.label,
                        location_code=row.location_code,
                        kind=row.kind,
                        status=ChecklistStatus.PENDING.value,
                        status_at=None,
                        skip_reason="",
                        note="",
                        one_off=False,
                    )
                    for position, row in enumerate(template)
                ]
                session.add(shift)
                session.flush()
                self.audit.record(
                    session,
                    actor,
                    "shift.open",
                    record_type=RecordType.SHIFT,
                    record_id=shift.id,
                    detail=f"{len(shift.items)} items",
                )
                return shift_read(shift, school.name)
        except IntegrityError:
            # Another terminal opened the same shift at the same moment: use theirs.
            with self.ctx.db.read() as session:
                found = self._find(session, officer_id, school_id, day)
                if found is None:
                    raise
                return found

    def get_shift(self, actor: Actor, shift_id: int) -> ShiftRead:
        """One shift with its items: the officer's own, or any for a supervisor."""
        with self._write(actor, "shift.read", shift_id) as session:
            shift = session.scalar(
                select(Shift).where(Shift.id == shift_id).options(selectinload(Shift.items))
            )
            if shift is None:
                raise NotFound(f"No shift with id {shift_id}")
            if shift.officer_id != actor.officer_id:
                if not actor.is_supervisor:
                    raise _Denied("This is another officer's shift")
                self.audit.record(
                    session, actor, "shift.read", record_type=RecordType.SHIFT, record_id=shift_id
                )
            names = self._school_names(session, [shift.school_id])
            return shift_read(shift, names.get(shift.school_id, ""))

    def shifts_on(self, actor: Actor, day: date | None = None) -> list[ShiftRead]:
        """The actor's shifts on ``day`` (default today), in the order they were opened."""
        if actor.officer_id is None:
            return []
        day = day or self.ctx.today()
        with self.ctx.db.read() as session:
            shifts = list(
                session.scalars(
                    select(Shift)
                    .where(Shift.officer_id == actor.officer_id, Shift.shift_date == day)
                    .options(selectinload(Shift.items))
                    .order_by(Shift.started_at, Shift.id)
                    .limit(SHIFTS_PER_DAY_MAX)
                )
            )
            names = self._school_names(session, [s.school_id for s in shifts])
            return [shift_read(s, names.get(s.school_id, "")) for s in shifts]

    def current_post(
        self, actor: Actor, school_id: int, day: date | None = None, now: datetime | None = None
    ) -> str | None:
        """Where the officer is on the checklist (the quick incident's Where): the location
        code of the item settled (done or skipped) most recently within the last hour, else of
        the first open item that has one; None without a shift or a located item. Not audited
        (the officer's own shift, like ``shifts_on``)."""
        if actor.officer_id is None:
            return None
        day = day or self.ctx.today()
        now = now or self.ctx.now()
        with self.ctx.db.read() as session:
            shift = self._find(session, actor.officer_id, school_id, day)
        if shift is None:
            return None
        located = [i for i in shift.items if i.location_code]
        recent = [
            i
            for i in located
            if i.status is not ChecklistStatus.PENDING
            and i.status_at is not None
            and timedelta(0) <= now - i.status_at <= timedelta(hours=1)
        ]
        if recent:
            return max(recent, key=lambda i: (i.status_at or now, i.position)).location_code
        return next((i.location_code for i in located if i.status is ChecklistStatus.PENDING), None)

    # -- items -------------------------------------------------------------------------------

    def mark_done(
        self, actor: Actor, item_id: int, *, version: int | None = None
    ) -> ChecklistItemRead:
        with self._item(actor, item_id, "checklist.done", version) as (session, item):
            item.status = ChecklistStatus.DONE.value
            item.status_at = self.ctx.now()
            item.skip_reason = ""
            return self._saved(session, actor, item, "checklist.done")

    def skip(
        self, actor: Actor, item_id: int, data: SkipItem, *, version: int | None = None
    ) -> ChecklistItemRead:
        """Mark an item skipped; the reason is required (the schema refuses a blank one)."""
        if not data.reason.strip():
            raise SroError("Say why the item was skipped", field="reason")
        with self._item(actor, item_id, "checklist.skip", version) as (session, item):
            item.status = ChecklistStatus.SKIPPED.value
            item.status_at = self.ctx.now()
            item.skip_reason = data.reason
            return self._saved(session, actor, item, "checklist.skip")

    def reset(self, actor: Actor, item_id: int, *, version: int | None = None) -> ChecklistItemRead:
        """Back to pending (a pending item has no time), keeping its note."""
        with self._item(actor, item_id, "checklist.reset", version) as (session, item):
            item.status = ChecklistStatus.PENDING.value
            item.status_at = None
            item.skip_reason = ""
            return self._saved(session, actor, item, "checklist.reset")

    def set_note(
        self, actor: Actor, item_id: int, data: ItemNote, *, version: int | None = None
    ) -> ChecklistItemRead:
        """Replace the item's note. The status and its time are left as they are."""
        with self._item(actor, item_id, "checklist.note", version) as (session, item):
            item.note = data.note
            return self._saved(session, actor, item, "checklist.note")

    def add_item(self, actor: Actor, shift_id: int, data: OneOffItem) -> ChecklistItemRead:
        """A one-off item for this shift only, appended at the end."""
        with self._write(actor, "checklist.add", shift_id) as session:
            shift = session.scalar(select(Shift).where(Shift.id == shift_id).with_for_update())
            if shift is None:
                raise NotFound(f"No shift with id {shift_id}")
            if shift.officer_id != actor.officer_id:
                raise _Denied("Only the shift's officer can change its checklist")
            location_code = None
            if data.location_code:
                location_code = data.location_code.strip().upper()
                known = session.scalar(select(Location.id).where(Location.code == location_code))
                if known is None:
                    raise NotFound(
                        f"No location with code {location_code!r}", field="location_code"
                    )
            last = session.scalar(
                select(func.max(ChecklistItem.position)).where(ChecklistItem.shift_id == shift_id)
            )
            item = ChecklistItem(
                shift_id=shift_id,
                position=(last + 1) if last is not None else 0,
                label=data.label,
                location_code=location_code,
                kind=(data.kind or kind_from_label(data.label)).value,
                status=ChecklistStatus.PENDING.value,
                status_at=None,
                skip_reason="",
                note="",
                one_off=True,
            )
            session.add(item)
            session.flush()
            return self._saved(session, actor, item, "checklist.add")

    # -- helpers -----------------------------------------------------------------------------

    def _find(
        self, session: Session, officer_id: int, school_id: int, day: date
    ) -> ShiftRead | None:
        shift = session.scalar(
            select(Shift)
            .where(
                Shift.officer_id == officer_id,
                Shift.shift_date == day,
                Shift.school_id == school_id,
            )
            .options(selectinload(Shift.items))
        )
        if shift is None:
            return None
        return shift_read(shift, self._school_names(session, [school_id]).get(school_id, ""))

    @staticmethod
    def _school_names(session: Session, school_ids: Iterable[int]) -> dict[int, str]:
        wanted = set(school_ids)
        if not wanted:
            return {}
        rows = session.execute(select(School.id, School.name).where(School.id.in_(wanted)))
        return {school_id: name for school_id, name in rows}

    @contextmanager
    def _item(
        self, actor: Actor, item_id: int, action: str, version: int | None = None
    ) -> Iterator[tuple[Session, ChecklistItem]]:
        """A write transaction holding the item, once the actor is known to own its shift
        (and, given a ``version``, that the item has not changed since: domain.versions)."""
        with self._write(actor, action, item_id) as session:
            item = session.scalar(
                select(ChecklistItem).where(ChecklistItem.id == item_id).with_for_update()
            )
            if item is None:
                raise NotFound(f"No checklist item with id {item_id}")
            owner = session.scalar(select(Shift.officer_id).where(Shift.id == item.shift_id))
            if owner != actor.officer_id or actor.officer_id is None:
                raise _Denied("Only the shift's officer can change its checklist")
            require_version(version, item.version, "checklist item")
            item.version += 1
            yield session, item

    def _saved(
        self, session: Session, actor: Actor, item: ChecklistItem, action: str
    ) -> ChecklistItemRead:
        session.flush()
        self.audit.record(
            session, actor, action, record_type=RecordType.CHECKLIST_ITEM, record_id=item.id
        )
        return item_read(item)

    def _require_officer(self, actor: Actor, action: str) -> int:
        if actor.officer_id is None:
            self._deny(actor, action, "", "Only a signed-in officer has a shift")
        assert actor.officer_id is not None
        return actor.officer_id

    @contextmanager
    def _write(self, actor: Actor, action: str, record_id: object) -> Iterator[Session]:
        try:
            with self.ctx.db.write() as session:
                yield session
        except _Denied as refusal:
            self._deny(actor, action, record_id, refusal.message)

    def _deny(self, actor: Actor, action: str, record_id: object, message: str) -> None:
        self.audit.record_alone(
            actor,
            action,
            record_type=RecordType.CHECKLIST_ITEM
            if action.startswith("checklist.") and action != "checklist.add"
            else RecordType.SHIFT,
            record_id=record_id,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(message)
