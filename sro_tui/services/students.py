"""Students: the record a juvenile gets in a police log, type-ahead search, the timeline.

Search is for type-ahead: a district ID is an index range scan on ``district_id``; a name
walks ``students(search_name, id)`` in order and stops at the page's last match (each typed
word must start a word of the name key, domain.names; a rare word reads the whole index).
Searches are not audited (a keystroke is not a read of a
record); opening a student (``get``) and their timeline are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.enums import IncidentStatus, RecordType, ReferralStatus
from ..domain.errors import Conflict, NotFound, SroError
from ..domain.names import name_key
from ..domain.officers import Actor
from ..domain.paging import MAX_PAGE_SIZE, Page, clamp_limit, decode_cursor, encode_cursor
from ..domain.permissions import may_read_note_text
from ..domain.roster import ImportReport, RosterChange
from ..domain.students import (
    DISTRICT_ID_PATTERN,
    StudentCreate,
    StudentRead,
    StudentUpdate,
    search_name_for,
)
from ..domain.timeline import TimelineEntry
from ..domain.versions import require_version
from ..store.models import (
    Incident,
    IncidentOffense,
    IncidentPerson,
    Note,
    NoteStudent,
    OffenseCategory,
    Officer,
    Referral,
    ReferralProgram,
    School,
    Student,
)
from . import store_settings
from .audit import AuditTrail
from .context import ServiceContext
from .read_rules import incident_readable, note_readable, referral_readable
from .sealing import incident_unsealed, is_sealed, note_unsealed, student_unsealed
from .threats import threat_entries
from .trespass import trespass_entries

MAX_NAME_TOKENS = 6  # words of a typed name that are matched; more narrow nothing useful
TIMELINE_MAX = 1000


def to_read(row: Student) -> StudentRead:
    return StudentRead(
        id=row.id,
        district_id=row.district_id,
        first_name=row.first_name,
        last_name=row.last_name,
        school_id=row.school_id,
        grade=row.grade,
        created_at=row.created_at,
        version=row.version,
    )


def successor(prefix: str) -> str | None:
    """The least string greater than every string that starts with ``prefix`` (None if
    there is none: the prefix ends in the last code point)."""
    stripped = prefix.rstrip(chr(0x10FFFF))
    if not stripped:
        return None
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def looks_like_district_id(text: str) -> bool:
    """Names have no digits; anything with one that could be an ID is searched as an ID."""
    candidate = text.strip().upper()
    return any(c.isdigit() for c in candidate) and bool(DISTRICT_ID_PATTERN.match(candidate))


def check_school(session: Session, school_id: int | None) -> None:
    if school_id is not None and session.get(School, school_id) is None:
        raise NotFound(f"No school with id {school_id}", field="school_id")


class StudentService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    # -- records -----------------------------------------------------------------------------

    def create(self, actor: Actor, data: StudentCreate) -> StudentRead:
        """Add a student. Any signed-in officer may (a new student turns up in an incident)."""
        taken = Conflict(f"District ID {data.district_id} is already in use", field="district_id")
        try:
            with self.ctx.db.write() as session:
                if session.scalar(
                    select(Student.id).where(Student.district_id == data.district_id)
                ):
                    raise taken
                check_school(session, data.school_id)
                now = self.ctx.now()
                row = Student(
                    district_id=data.district_id,
                    first_name=data.first_name,
                    last_name=data.last_name,
                    search_name=search_name_for(data.last_name, data.first_name),
                    school_id=data.school_id,
                    grade=data.grade,
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
                session.flush()
                self.audit.record(
                    session,
                    actor,
                    "student.create",
                    record_type=RecordType.STUDENT,
                    record_id=row.id,
                )
                return to_read(row)
        except IntegrityError as exc:
            raise taken from exc

    def update(
        self, actor: Actor, student_id: int, data: StudentUpdate, *, version: int | None = None
    ) -> StudentRead:
        """Change the given fields (None leaves a field as it is). ``version``: the one the
        change was made against (domain.versions)."""
        with self.ctx.db.write() as session:
            row = self._get(session, student_id)
            session.refresh(row, with_for_update=True)  # one of two changes at once wins
            require_version(version, row.version, "student")
            row.version += 1
            changes = data.model_dump(exclude_none=True)
            if "school_id" in changes:
                check_school(session, data.school_id)
            for name, value in changes.items():
                setattr(row, name, value)
            row.search_name = search_name_for(row.last_name, row.first_name)
            row.updated_at = self.ctx.now()
            self.audit.record(
                session,
                actor,
                "student.update",
                record_type=RecordType.STUDENT,
                record_id=student_id,
                detail=", ".join(changes),
            )
            return to_read(row)

    def get(self, actor: Actor, student_id: int) -> StudentRead:
        with self.audit.reading() as session:
            row = self._get(session, student_id)
            self.audit.record(
                session, actor, "student.read", record_type=RecordType.STUDENT, record_id=student_id
            )
            return to_read(row)

    def by_district_id(self, actor: Actor, district_id: str) -> StudentRead:
        """Exact look-up by district ID (a scanned or typed ID card)."""
        clean = district_id.strip().upper()
        if not DISTRICT_ID_PATTERN.match(clean):
            raise NotFound(f"No student with district ID {clean!r}", field="district_id")
        with self.audit.reading() as session:
            row = session.scalar(
                select(Student).where(Student.district_id == clean, student_unsealed())
            )
            if row is None:
                raise NotFound(f"No student with district ID {clean}", field="district_id")
            self.audit.record(
                session, actor, "student.read", record_type=RecordType.STUDENT, record_id=row.id
            )
            return to_read(row)

    def display_names(self, actor: Actor, student_ids: Iterable[int]) -> dict[int, str]:
        """ "Last, First" of each student, for labelling rows of a list (a note's students).

        One query for a page of ids (at most MAX_PAGE_SIZE); like type-ahead search, names
        alone are not audited as a read of each student's record."""
        del actor  # any signed-in officer may see who a student is (as in search)
        ids = list(dict.fromkeys(student_ids))[:MAX_PAGE_SIZE]
        if not ids:
            return {}
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(Student.id, Student.last_name, Student.first_name).where(
                    Student.id.in_(ids), student_unsealed()
                )
            )
            return {row.id: f"{row.last_name}, {row.first_name}" for row in rows}

    def _get(self, session: Session, student_id: int) -> Student:
        row = session.get(Student, student_id)
        # A sealed student's records are treated as if they never existed (services/sealing).
        if row is None or is_sealed(session, student_id):
            raise NotFound(f"No student with id {student_id}")
        return row

    # -- type-ahead search -------------------------------------------------------------------

    def search(
        self, actor: Actor, text: str, *, cursor: str | None = None, limit: int = 20
    ) -> Page[StudentRead]:
        """Students whose district ID or name starts with ``text``, a page at a time.

        Text with a digit is a district-ID prefix ("S10", "100234"), ordered by ID. Other
        text is a name: each of its words must start a word of the student's name key
        (domain.names: "obrien" finds O'Brien, "dang" Đặng, "garcia jr" "Garcia, Jr.",
        "maria" a first name), in any order; ordered by the key (last then first name),
        then id, byte-wise on every store. Empty text lists everyone by name.
        """
        del actor  # any signed-in officer may look students up
        limit = clamp_limit(limit)
        # Nothing a store cannot compare (NUL, control characters, broken surrogates).
        text = "".join(c for c in text if c.isprintable())
        words = name_key(text).split()[:MAX_NAME_TOKENS]
        mode = "id" if looks_like_district_id(text) else "name"
        after: tuple[str, int] | None = None
        if cursor:
            try:
                parts = decode_cursor(cursor)
                if len(parts) != 3 or parts[0] != mode:
                    raise ValueError("cursor of another search")
                after = (str(parts[1]), int(parts[2]))
            except (ValueError, TypeError) as exc:
                raise SroError("The list changed; search again") from exc
        with self.ctx.db.read() as session:
            if mode == "id":
                key = Student.district_id
                wanted = text.strip().upper()
                queries = [
                    self._prefix_query(key, wanted, f"{_like_escape(wanted)}%", after, limit)
                ]
            else:
                key = Student.search_name
                queries = [self._words_query(words, after, limit)]
            found: dict[int, Student] = {}
            for query in queries:
                for row in session.scalars(query):
                    found[row.id] = row
            sort_key: Callable[[Student], tuple[str, int]] = (
                (lambda r: (r.district_id, r.id))
                if mode == "id"
                else (lambda r: (r.search_name, r.id))
            )
            rows = sorted(found.values(), key=sort_key)[: limit + 1]
            next_cursor = None
            if len(rows) > limit:
                rows = rows[:limit]
                last = sort_key(rows[-1])
                next_cursor = encode_cursor(mode, last[0], last[1])
            return Page(items=[to_read(r) for r in rows], next_cursor=next_cursor)

    @staticmethod
    def _words_query(
        words: list[str], after: tuple[str, int] | None, limit: int
    ) -> Select[Student]:
        """Students whose name key has a word starting with each of ``words``."""
        key = Student.search_name
        query = select(Student).where(student_unsealed())
        for word in words:
            escaped = _like_escape(word)
            query = query.where(
                or_(
                    key.like(f"{escaped}%", escape="\\"),
                    key.like(f"% {escaped}%", escape="\\"),
                )
            )
        if after is not None:
            query = query.where(or_(key > after[0], and_(key == after[0], Student.id > after[1])))
        return query.order_by(key, Student.id).limit(limit + 1)

    @staticmethod
    def _prefix_query(
        key: Any, prefix: str, pattern: str | None, after: tuple[str, int] | None, limit: int
    ) -> Select[Student]:
        query = select(Student).where(student_unsealed())
        if prefix:
            # A range on the indexed column: the index is scanned from the prefix onwards.
            query = query.where(key >= prefix)
            upper = successor(prefix)
            if upper is not None:
                query = query.where(key < upper)
        if pattern is not None:
            # Exact under any collation; the range above is what the index serves.
            query = query.where(key.like(pattern, escape="\\"))
        if after is not None:
            query = query.where(or_(key > after[0], and_(key == after[0], Student.id > after[1])))
        return query.order_by(key, Student.id).limit(limit + 1)

    # -- timeline ----------------------------------------------------------------------------

    def timeline(self, actor: Actor, student_id: int, *, limit: int = 200) -> list[TimelineEntry]:
        """Everything recorded about a student, newest first, as this reader may see it.

        Only the records the reader may read are listed at all (the read rules of
        :mod:`.read_rules`, as SQL: own records and the open records of assigned schools;
        supervisors all): another school's incident or referral is not hinted at.

        - Incidents naming the student (another officer's draft is not yet a report).
        - Mentoring notes and contacts naming the student; a confidential note the reader
          may not read appears as "Confidential note by <officer>, <date>", redacted.
        - Referrals of the student with their status.
        """
        limit = max(1, min(limit, TIMELINE_MAX))
        with self.audit.reading() as session:
            self._get(session, student_id)
            supervisors_read = store_settings.get_flag(
                session, store_settings.SUPERVISORS_READ_CONFIDENTIAL
            )
            entries = (
                self._incident_entries(session, actor, student_id, limit)
                + self._note_entries(session, actor, student_id, limit, supervisors_read)
                + self._referral_entries(session, actor, student_id, limit)
                + trespass_entries(session, actor, student_id, limit)  # services/trespass
                + threat_entries(session, actor, student_id, limit, supervisors_read)
            )
            entries.sort(key=lambda e: (e.at, e.kind, e.record_id), reverse=True)
            self.audit.record(
                session,
                actor,
                "student.timeline",
                record_type=RecordType.STUDENT,
                record_id=student_id,
            )
            return entries[:limit]

    def _officer_names(self, session: Session, ids: set[int | None]) -> dict[int, str]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        rows = session.execute(select(Officer.id, Officer.name).where(Officer.id.in_(wanted)))
        return {officer_id: name for officer_id, name in rows}

    def _incident_entries(
        self, session: Session, actor: Actor, student_id: int, limit: int
    ) -> list[TimelineEntry]:
        rows = session.execute(
            select(Incident, IncidentPerson.role)
            .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
            .where(IncidentPerson.student_id == student_id, incident_unsealed())
            .where(incident_readable(actor))  # services/read_rules: nothing of other schools
            .order_by(Incident.occurred_at.desc(), Incident.id.desc())
            .limit(limit * 2)
        ).all()
        roles: dict[int, list[str]] = {}
        incidents: dict[int, Incident] = {}
        for incident, role in rows:
            incidents.setdefault(incident.id, incident)
            roles.setdefault(incident.id, []).append(role)
        categories = (
            dict(
                session.execute(
                    select(IncidentOffense.incident_id, OffenseCategory.name)
                    .join(OffenseCategory, OffenseCategory.id == IncidentOffense.category_id)
                    .where(
                        IncidentOffense.incident_id.in_(incidents),
                        IncidentOffense.most_severe.is_(True),
                    )
                ).all()
            )
            if incidents
            else {}
        )
        names = self._officer_names(session, {i.officer_id for i in incidents.values()})
        entries = []
        for incident in incidents.values():
            status = IncidentStatus(incident.status)
            officer_name = names.get(incident.officer_id, "")
            category = categories.get(incident.id, "")
            title = f"Incident {incident.number}" + (f": {category}" if category else "")
            role_text = ", ".join(dict.fromkeys(roles[incident.id]))
            summary = "; ".join(p for p in (role_text, status.value) if p)
            entries.append(
                TimelineEntry(
                    kind="incident",
                    record_id=incident.id,
                    at=incident.occurred_at,
                    title=title,
                    summary=summary,
                    officer_name=officer_name,
                )
            )
        return entries

    def _note_entries(
        self, session: Session, actor: Actor, student_id: int, limit: int, supervisors_read: bool
    ) -> list[TimelineEntry]:
        notes = list(
            session.scalars(
                select(Note)
                .join(NoteStudent, NoteStudent.note_id == Note.id)
                .where(note_readable(actor))  # services/read_rules: not other schools' notes
                .where(NoteStudent.student_id == student_id, note_unsealed())
                .order_by(Note.occurred_at.desc(), Note.id.desc())
                .limit(limit)
            )
        )
        names = self._officer_names(session, {n.officer_id for n in notes})
        entries = []
        for note in notes:
            officer_name = names.get(note.officer_id, "")
            readable = may_read_note_text(
                actor,
                author_id=note.officer_id,
                confidential=note.confidential,
                supervisors_read_confidential=supervisors_read,
            )
            if not readable:
                day = self.ctx.local_day(note.occurred_at).isoformat()
                entries.append(
                    TimelineEntry(
                        kind="note",
                        record_id=note.id,
                        at=note.occurred_at,
                        title=f"Confidential note by {officer_name}, {day}",
                        officer_name=officer_name,
                        redacted=True,
                    )
                )
                continue
            title = note.kind[:1].upper() + note.kind[1:]
            if note.minutes:
                title += f" ({note.minutes} min)"
            if note.confidential:
                title += " · confidential"
            first_line = note.text.strip().splitlines()[0] if note.text.strip() else ""
            summary = " — ".join(p for p in (note.topics, first_line[:160]) if p)
            entries.append(
                TimelineEntry(
                    kind="note",
                    record_id=note.id,
                    at=note.occurred_at,
                    title=title,
                    summary=summary,
                    officer_name=officer_name,
                )
            )
        return entries

    def _referral_entries(
        self, session: Session, actor: Actor, student_id: int, limit: int
    ) -> list[TimelineEntry]:
        rows = session.execute(
            select(Referral, ReferralProgram.name)
            .join(ReferralProgram, ReferralProgram.id == Referral.program_id)
            .where(Referral.student_id == student_id)
            .where(referral_readable(actor))  # services/read_rules: nothing of other schools
            .order_by(Referral.referred_on.desc(), Referral.id.desc())
            .limit(limit)
        ).all()
        names = self._officer_names(session, {r.referred_by_id for r, _ in rows})
        entries = []
        for referral, program_name in rows:
            officer_name = names.get(referral.referred_by_id, "")
            at = self._referral_moment(referral)
            status = ReferralStatus(referral.status)
            first_line = referral.reason.strip().splitlines()[0] if referral.reason.strip() else ""
            entries.append(
                TimelineEntry(
                    kind="referral",
                    record_id=referral.id,
                    at=at,
                    title=f"Referral to {program_name}: {status.value}",
                    summary=first_line[:160],
                    officer_name=officer_name,
                )
            )
        return entries

    def _referral_moment(self, referral: Referral) -> datetime:
        """A referral is dated by day: the moment it was entered if that was on its day,
        else the start of that local day."""
        if self.ctx.local_day(referral.created_at) == referral.referred_on:
            return referral.created_at
        return _local_midnight(referral.referred_on, self.ctx)

    # -- roster import -----------------------------------------------------------------------

    def import_roster(
        self,
        actor: Actor,
        source: Path | str,
        *,
        mapping: Mapping[str, str] | None = None,
        progress: Callable[[int, int], None] | None = None,
        default_school: str | None = None,
        school_map: Mapping[str, str] | None = None,
        confirm: Callable[[tuple[RosterChange, ...]], bool] | None = None,
        confirm_changes: bool = False,
    ) -> ImportReport:
        """Load a district roster CSV (rules in full in ``services.roster``).

        Good rows go in and bad rows come back in ``ImportReport.rejected`` (line number,
        field, message), all in one transaction; a file that cannot be used as a whole (not
        CSV, empty, no usable header, header only, unknown ``mapping`` field or column)
        raises SroError and changes nothing. Known district IDs are updated. Supervisors
        and admins import any school; an officer only their assigned schools' rows.
        ``mapping`` is {our_field: their_header}; ``progress(done, total)`` is called every
        500 rows; ``default_school`` (a code) fills rows that name no school; ``school_map``
        is {their School cell: our code}. A known student's name (beyond a typo) or school
        changed by the file is applied only if ``confirm_changes`` or ``confirm(changes)``
        says yes; otherwise held (``ImportReport.changes``).
        """
        from .roster import RosterImport

        return RosterImport(self.ctx, self.audit).run(
            actor,
            source,
            mapping=mapping,
            progress=progress,
            default_school=default_school,
            school_map=school_map,
            confirm=confirm,
            confirm_changes=confirm_changes,
        )


def _local_midnight(day: date, ctx: ServiceContext) -> datetime:
    from datetime import UTC

    return datetime.combine(day, time(0, 0), tzinfo=ctx.tz).astimezone(UTC)
