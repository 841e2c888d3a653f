"""Mentoring notes and contacts: sessions, mediations, lectures, trainings, liaison.

Confidentiality is enforced here, not in the screens: a confidential note's text, topics
and students are blanked (``redacted=True``) for every reader but its author, and
supervisors when the agency's setting ``supervisors_read_confidential`` is on. Each read
of a single note is audited as "note.read"; a read whose text was withheld is recorded
with outcome "denied".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from ..domain.enums import AuditOutcome, ContactKind, LectureTopic, RecordType
from ..domain.errors import Conflict, NotFound, PermissionDenied, SroError
from ..domain.mentoring import NoteCreate, NoteRead
from ..domain.officers import Actor
from ..domain.paging import Page, clamp_limit, decode_cursor, encode_cursor
from ..domain.permissions import may_read_note_text
from ..store.models import Note, NoteStudent, Officer, School, Student
from . import store_settings
from .audit import AuditTrail
from .context import ServiceContext
from .read_rules import note_readable
from .sealing import note_unsealed

FUTURE_SLACK = timedelta(minutes=5)  # terminals' clocks differ a little
FOLLOW_UPS_MAX = 100
SCOPES = ("own", "all")


def note_read(
    note: Note, officer_name: str, student_ids: Iterable[int], *, readable: bool
) -> NoteRead:
    """The note as a reader sees it: a redacted one keeps only that it exists, whose it is,
    when and what kind."""
    return NoteRead(
        id=note.id,
        kind=ContactKind(note.kind),
        officer_id=note.officer_id,
        officer_name=officer_name,
        school_id=note.school_id,
        occurred_at=note.occurred_at,
        minutes=note.minutes,
        student_ids=tuple(sorted(student_ids)) if readable else (),
        with_parent=note.with_parent,
        with_staff=note.with_staff,
        topics=note.topics if readable else "",
        text=note.text if readable else "",
        follow_up_on=note.follow_up_on,
        confidential=note.confidential,
        class_name=note.class_name if readable else "",
        lecture_topic=LectureTopic(note.lecture_topic) if note.lecture_topic else None,
        head_count=note.head_count,
        agency=note.agency if readable else "",
        version=note.version,
        redacted=not readable,
    )


class NoteService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    # -- writing -----------------------------------------------------------------------------

    def create(self, actor: Actor, data: NoteCreate) -> NoteRead:
        if actor.officer_id is None:
            self._deny(actor, "note.create", "", "Only a signed-in officer can write a note")
        with self.ctx.db.write() as session:
            school_id = self._check(session, data)
            now = self.ctx.now()
            note = Note(officer_id=actor.officer_id, created_at=now, updated_at=now, version=1)
            self._fill(note, data, school_id)
            session.add(note)
            session.flush()
            self.audit.record(
                session, actor, "note.create", record_type=RecordType.NOTE, record_id=note.id
            )
            return note_read(note, actor.name, data.student_ids, readable=True)

    def update(self, actor: Actor, note_id: int, data: NoteCreate, *, version: int) -> NoteRead:
        """Replace a note's content. Only its author may. ``version`` is the one the editor
        loaded: if the note changed since (another terminal), nothing is written."""
        self._require_author(actor, note_id, "note.update", "Only the note's author can change it")
        with self.ctx.db.write() as session:
            note = self._get(session, note_id, lock=True)
            if version != note.version:
                raise Conflict(
                    "This note was saved elsewhere since you opened it; "
                    "reopen it to see the changes (your typing is kept in the draft)",
                    field="version",
                )
            school_id = self._check(session, data)
            self._fill(note, data, school_id)
            note.version += 1
            note.updated_at = self.ctx.now()
            self.audit.record(
                session, actor, "note.update", record_type=RecordType.NOTE, record_id=note_id
            )
            return note_read(note, actor.name, data.student_ids, readable=True)

    def complete_follow_up(self, actor: Actor, note_id: int) -> NoteRead:
        """The follow-up was done: clear the date so the note leaves the due list."""
        self._require_author(
            actor, note_id, "note.follow_up_done", "Only the note's author can mark it done"
        )
        with self.ctx.db.write() as session:
            note = self._get(session, note_id, lock=True)
            note.follow_up_on = None
            note.version += 1  # an editor open on the note must not bring the date back
            note.updated_at = self.ctx.now()
            self.audit.record(
                session,
                actor,
                "note.follow_up_done",
                record_type=RecordType.NOTE,
                record_id=note_id,
            )
            students = self._students_of(session, [note_id])[note_id]
            return note_read(note, actor.name, students, readable=True)

    def _require_author(self, actor: Actor, note_id: int, action: str, message: str) -> None:
        with self.ctx.db.read() as session:
            author_id = self._get(session, note_id).officer_id
        if actor.officer_id is None or actor.officer_id != author_id:
            self._deny(actor, action, note_id, message)

    def _check(self, session: Session, data: NoteCreate) -> int | None:
        if data.occurred_at > self.ctx.now() + FUTURE_SLACK:
            raise SroError("When cannot be in the future", field="occurred_at")
        school_id = data.school_id
        if school_id is not None and session.get(School, school_id) is None:
            raise NotFound(f"No school with id {school_id}", field="school_id")
        if data.student_ids:
            found = dict(
                session.execute(
                    select(Student.id, Student.school_id).where(Student.id.in_(data.student_ids))
                ).all()
            )
            missing = [i for i in data.student_ids if i not in found]
            if missing:
                raise NotFound(f"No student with id {missing[0]}", field="student_ids")
            if school_id is None:
                school_id = found[data.student_ids[0]]
        return school_id

    @staticmethod
    def _fill(note: Note, data: NoteCreate, school_id: int | None) -> None:
        note.kind = data.kind.value
        note.school_id = school_id
        note.occurred_at = data.occurred_at
        note.minutes = data.minutes
        note.with_parent = data.with_parent
        note.with_staff = data.with_staff
        note.topics = data.topics
        note.text = data.text
        note.follow_up_on = data.follow_up_on
        note.confidential = data.confidential
        note.class_name = data.class_name
        note.lecture_topic = data.lecture_topic.value if data.lecture_topic else None
        note.head_count = data.head_count
        note.agency = data.agency
        note.students = [NoteStudent(student_id=sid) for sid in data.student_ids]

    # -- reading -----------------------------------------------------------------------------

    def get(self, actor: Actor, note_id: int) -> NoteRead:
        """One note, redacted if confidential and not the reader's to read (audited). A note
        the reader may not see at all (another school's, read_rules) is not found."""
        self._refuse_unseen(actor, note_id)
        with self.audit.reading() as session:
            note = self._get(session, note_id)
            readable = self._readable(session, actor, note)
            self.audit.record(
                session,
                actor,
                "note.read",
                record_type=RecordType.NOTE,
                record_id=note_id,
                outcome=AuditOutcome.SUCCESS if readable else AuditOutcome.DENIED,
                detail="" if readable else "confidential text withheld",
            )
            names = self._names(session, [note.officer_id])
            students = self._students_of(session, [note_id])[note_id]
            return note_read(note, names.get(note.officer_id, ""), students, readable=readable)

    def page(
        self,
        actor: Actor,
        *,
        scope: str = "own",
        kind: ContactKind | None = None,
        student_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page[NoteRead]:
        """Notes newest first (occurred_at desc, id desc), a page at a time.

        ``scope="own"``: the actor's notes; ``"all"``: everyone's (supervisors only), each
        confidential note redacted unless the reader may read it. ``since`` / ``until`` are
        local calendar days, both included.
        """
        limit = clamp_limit(limit)
        query = self._list_query(
            actor, scope=scope, kind=kind, student_id=student_id, since=since, until=until
        )
        if cursor:
            at, last_id = self._decode(cursor)
            query = query.where(
                or_(Note.occurred_at < at, and_(Note.occurred_at == at, Note.id < last_id))
            )
        query = _newest_first(query).limit(limit + 1)
        with self.audit.reading() as session:
            notes = list(session.scalars(query))
            next_cursor = None
            if len(notes) > limit:
                notes = notes[:limit]
                next_cursor = encode_cursor(notes[-1].occurred_at, notes[-1].id)
            supervisors_read = store_settings.get_flag(
                session, store_settings.SUPERVISORS_READ_CONFIDENTIAL
            )
            names = self._names(session, [n.officer_id for n in notes])
            students = self._students_of(session, [n.id for n in notes])
            items = [
                note_read(
                    n,
                    names.get(n.officer_id, ""),
                    students[n.id],
                    readable=may_read_note_text(
                        actor,
                        author_id=n.officer_id,
                        confidential=n.confidential,
                        supervisors_read_confidential=supervisors_read,
                    ),
                )
                for n in notes
            ]
            self.audit.record(
                session,
                actor,
                "note.list",
                record_type=RecordType.NOTE,
                detail=f"scope {scope}, {len(items)} rows",
            )
            return Page(items=items, next_cursor=next_cursor)

    def warm_first_page(self, actor: Actor, *, scope: str = "own") -> None:
        """As ``IncidentService.warm_first_page``, for the notes' first page: compiled,
        nothing read or audited; a scope the actor may not list is left alone."""
        if scope not in SCOPES or (scope == "all" and not actor.is_supervisor):
            return
        if scope == "own" and actor.officer_id is None:
            return
        self.ctx.db.prepare(_newest_first(self._list_query(actor, scope=scope)))

    def _list_query(
        self,
        actor: Actor,
        *,
        scope: str,
        kind: ContactKind | None = None,
        student_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Select[Note]:
        """The notes ``page`` lists, as the actor may see them (a refused scope is audited
        as denied and raised)."""
        if scope not in SCOPES:
            raise SroError(f"Unknown list scope {scope!r} (own or all)")
        if scope == "all" and not actor.is_supervisor:
            self._deny(actor, "note.list", "all", "Only a supervisor can list everyone's notes")
        if scope == "own" and actor.officer_id is None:
            raise SroError("The local administration has no notes of its own; use scope 'all'")
        query = select(Note).where(note_unsealed())  # services/sealing
        if scope == "own":
            query = query.where(Note.officer_id == actor.officer_id)
        query = query.where(note_readable(actor))  # services/read_rules
        if kind is not None:
            query = query.where(Note.kind == ContactKind(kind).value)
        if student_id is not None:
            query = query.where(
                Note.id.in_(select(NoteStudent.note_id).where(NoteStudent.student_id == student_id))
            )
        if since is not None:
            query = query.where(Note.occurred_at >= self._day_start(since, "since"))
        if until is not None and until < date.max:
            query = query.where(
                Note.occurred_at < self._day_start(until + timedelta(days=1), "until")
            )
        return query

    def follow_ups_due(self, actor: Actor, today: date | None = None) -> list[NoteRead]:
        """The actor's notes whose follow-up date is today or earlier, oldest first (at most
        100: the Today screen's list)."""
        if actor.officer_id is None:
            return []
        day = today or self.ctx.today()
        with self.ctx.db.read() as session:
            notes = list(
                session.scalars(
                    select(Note)
                    .where(
                        Note.follow_up_on <= day,
                        Note.officer_id == actor.officer_id,
                        note_unsealed(),
                    )
                    .order_by(Note.follow_up_on, Note.id)
                    .limit(FOLLOW_UPS_MAX)
                )
            )
            students = self._students_of(session, [n.id for n in notes])
            return [note_read(n, actor.name, students[n.id], readable=True) for n in notes]

    # -- helpers -----------------------------------------------------------------------------

    def _refuse_unseen(self, actor: Actor, note_id: int) -> None:
        """NotFound (audited as a denied read) for a note that exists but that the reader
        may not see at all; a note that does not exist is left to the read itself."""
        with self.ctx.db.read() as session:
            exists = session.scalar(select(Note.id).where(Note.id == note_id))
            shown = session.scalar(select(Note.id).where(Note.id == note_id, note_readable(actor)))
        if exists is None or shown is not None:
            return
        self.audit.record_read(
            actor,
            "note.read",
            record_type=RecordType.NOTE,
            record_id=note_id,
            outcome=AuditOutcome.DENIED,
            detail="not a note of the reader's schools",
        )
        raise NotFound(f"No note with id {note_id}")

    def _readable(self, session: Session, actor: Actor, note: Note) -> bool:
        return may_read_note_text(
            actor,
            author_id=note.officer_id,
            confidential=note.confidential,
            supervisors_read_confidential=store_settings.get_flag(
                session, store_settings.SUPERVISORS_READ_CONFIDENTIAL
            ),
        )

    def _get(self, session: Session, note_id: int, *, lock: bool = False) -> Note:
        query = select(Note).where(Note.id == note_id, note_unsealed())
        if lock:
            query = query.with_for_update()
        note = session.scalar(query)
        if note is None:
            raise NotFound(f"No note with id {note_id}")
        return note

    @staticmethod
    def _names(session: Session, officer_ids: Iterable[int]) -> dict[int, str]:
        wanted = set(officer_ids)
        if not wanted:
            return {}
        rows = session.execute(select(Officer.id, Officer.name).where(Officer.id.in_(wanted)))
        return {officer_id: name for officer_id, name in rows}

    @staticmethod
    def _students_of(session: Session, note_ids: list[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {i: [] for i in note_ids}
        if note_ids:
            rows = session.execute(
                select(NoteStudent.note_id, NoteStudent.student_id).where(
                    NoteStudent.note_id.in_(note_ids)
                )
            )
            for note_id, student_id in rows:
                found[note_id].append(student_id)
        return found

    def _day_start(self, day: date, field: str) -> datetime:
        try:
            return datetime.combine(day, time(0, 0), tzinfo=self.ctx.tz).astimezone(UTC)
        except OverflowError as exc:
            raise SroError("The date is out of range (check the year)", field=field) from exc

    @staticmethod
    def _decode(cursor: str) -> tuple[datetime, int]:
        try:
            at_text, last_id = decode_cursor(cursor)
            at = datetime.fromisoformat(at_text)
            return (at if at.tzinfo else at.replace(tzinfo=UTC)), int(last_id)
        except (ValueError, TypeError) as exc:
            raise SroError("The list changed; open it again") from exc

    def _deny(self, actor: Actor, action: str, record_id: object, message: str) -> None:
        self.audit.record_alone(
            actor,
            action,
            record_type=RecordType.NOTE,
            record_id=record_id,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(message)


def _newest_first(query: Select[Note]) -> Select[Note]:
    return query.order_by(Note.occurred_at.desc(), Note.id.desc())
