"""Export of the records an officer may read, to CSV or JSON files in a folder.

What is exported, for the local days ``since``..``until`` (both included):
incidents (by occurred time) with offenses, people and outcomes, notifications, supplements;
mentoring notes and contacts (by occurred time); referrals (by referral date) with their
status events; duty shifts (by shift date) with their checklist items; and the students
those records reference.

Who sees what: the same rules as the screens. Incidents per ``may_read_incident``; notes: an
officer's own (all for supervisors), and a confidential note's topics and text are withheld
unless ``may_read_note_text`` allows (``text_withheld`` says so; its students are then not
listed either, nor exported for it); referrals per
``may_read_referral``; shifts: an officer's own (all for supervisors).

Juvenile names (WIC 827):
- A department-wide export (no ``for_student_id``) is the agency's own copy: names are kept.
- An export *for one student* holds only the records that involve that student (incidents
  naming them, notes about them, their referrals; no shifts), and every other juvenile is
  redacted: "[JUVENILE 2]"..., the same label throughout the export, in incident people lists
  and in every free text (narrative, supplements, review comments, compliance notes, note
  topics and text, referral reasons and notes). The text is checked against the whole roster
  (services.roster_names, domain.redaction): a student named only in a narrative is redacted
  too, in any form ("Reyes, Tommy", "T. Reyes", "Tommy's"). Other students of a note are not
  listed. Only the one student's record is exported. Adults keep their names.
The folder gets a ``manifest.json`` saying which of these applied; for one student its
``redaction_detail`` counts what was replaced and names what could not be checked.

Rows are read in batches (keyset: incidents and notes by occurred time then id, the rest by
id), never all at once; files are written as they go.
CSV: one file per table (child rows in ``<kind>_<part>.csv`` keyed by the parent id),
written by domain.csv_safe: cells starting with = + - @ tab or CR get a leading ' so a
spreadsheet does not run them as formulas, and each file starts with a UTF-8 BOM (Excel then
shows "Núñez") unless ``bom=False``. Each time column (``at``, ``*_at``, UTC) has a
``<name>_local`` column beside it on the agency's clock (ctx.tz), so 23:47 local is on its day.
JSON: one array per kind, children nested.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from sqlalchemy import ColumnElement, and_, func, literal, select, tuple_
from sqlalchemy.orm import Session, selectinload

from ..domain.csv_safe import SafeCsvDictWriter, local_text
from ..domain.enums import BiasMotivation, RecordType
from ..domain.errors import Conflict, NotFound, SroError
from ..domain.officers import Actor
from ..domain.permissions import may_read_note_text
from ..domain.redaction import RedactionPerson, RedactionRun, Redactor, redactor_for
from ..store.models import (
    CallForService,
    Incident,
    IncidentPerson,
    Location,
    Note,
    NoteStudent,
    Officer,
    Referral,
    ReferralProgram,
    School,
    Shift,
    Student,
    ThreatCase,
    ThreatCaseEvent,
    ThreatCaseMember,
    TrespassViolation,
    TrespassWarning,
    TrespassWarningSchool,
)
from . import store_settings
from .audit import AuditTrail
from .calls import call_visible
from .context import ServiceContext
from .read_rules import incident_readable, note_readable, referral_readable
from .roster_names import roster_index
from .sealing import incident_unsealed, note_unsealed, referral_unsealed, student_unsealed
from .threats import case_readable
from .trespass import warning_visible

BATCH = 500
Progress = Callable[[str, int, int], None]


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


KINDS = (
    "incidents",
    "notes",
    "referrals",
    "shifts",
    "trespass_warnings",
    "calls",
    "threat_cases",
    "students",
)


@dataclass(frozen=True)
class ExportSummary:
    out_dir: Path
    fmt: ExportFormat
    since: date
    until: date
    files: tuple[Path, ...]
    counts: dict[str, int]
    for_student_id: int | None
    redaction: str


# -- writers ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _cell(value: Any) -> Any:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ";".join(str(_cell(v)) for v in value)
    return value  # formulas are neutralised by the writer (domain.csv_safe)


def _is_time(name: str) -> bool:
    """A column holding a UTC time (the export's naming): ``at`` or ``*_at``."""
    return name == "at" or name.endswith("_at")


def _with_local(header: Sequence[str]) -> list[str]:
    """The header with ``<name>_local`` after each time column."""
    return [
        out for name in header for out in ((name, f"{name}_local") if _is_time(name) else (name,))
    ]


def _create_private(path: Path, newline: str | None = None) -> IO[str]:
    """A new text file only its owner can read (exports carry juveniles' records)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return open(fd, "w", encoding="utf-8", newline=newline)


class _Sink:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []

    def ensure(self, kind: str, header: Sequence[str]) -> None:
        """Make the kind's file (with its header) even if no record comes."""
        raise NotImplementedError

    def write(self, kind: str, record: dict[str, Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _CsvSink(_Sink):
    """Scalars to ``<kind>.csv``; each list of dicts to ``<kind>_<field>.csv``."""

    def __init__(self, folder: Path, *, tz: tzinfo, bom: bool = True) -> None:
        super().__init__(folder)
        self._open: dict[str, tuple[IO[str], Any]] = {}
        self.tz = tz
        self.bom = bom

    def _row(self, record: dict[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for key, value in record.items():
            row[key] = _cell(value)
            if _is_time(key):
                moment = value if isinstance(value, datetime) else None
                row[f"{key}_local"] = local_text(moment, self.tz)
        return row

    def _writer(self, name: str, header: Sequence[str]) -> Any:
        if name not in self._open:
            path = self.folder / f"{name}.csv"
            handle = _create_private(path, newline="")
            writer = SafeCsvDictWriter(handle, _with_local(header), bom=self.bom)
            writer.writeheader()
            self._open[name] = (handle, writer)
            self.files.append(path)
        return self._open[name][1]

    def ensure(self, kind: str, header: Sequence[str]) -> None:
        self._writer(kind, header)

    def write(self, kind: str, record: dict[str, Any]) -> None:
        flat: dict[str, Any] = {}
        for key, value in record.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                for child in value:
                    row = {f"{kind[:-1]}_id": record["id"], **child}
                    self._writer(f"{kind}_{key}", list(row)).writerow(self._row(row))
            elif isinstance(value, list) and not value and key in _CHILD_LISTS:
                continue
            else:
                flat[key] = value
        self._writer(kind, list(flat)).writerow(self._row(flat))

    def close(self) -> None:
        for handle, _ in self._open.values():
            handle.close()


# Fields that hold child rows (left out of the parent's CSV row even when empty).
_CHILD_LISTS = frozenset({"offenses", "people", "compliance", "supplements", "events", "items"})


class _JsonSink(_Sink):
    """One JSON array per kind, written record by record."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self._open: dict[str, IO[str]] = {}
        self._count: dict[str, int] = {}

    def ensure(self, kind: str, header: Sequence[str]) -> None:
        self._handle(kind)

    def _handle(self, kind: str) -> IO[str]:
        if kind not in self._open:
            path = self.folder / f"{kind}.json"
            handle = _create_private(path)
            handle.write("[")
            self._open[kind] = handle
            self._count[kind] = 0
            self.files.append(path)
        return self._open[kind]

    def write(self, kind: str, record: dict[str, Any]) -> None:
        handle = self._handle(kind)
        handle.write(",\n" if self._count[kind] else "\n")
        handle.write(json.dumps(record, default=_plain, ensure_ascii=False))
        self._count[kind] += 1

    def close(self) -> None:
        for handle in self._open.values():
            handle.write("\n]\n")
            handle.close()


# -- the service ---------------------------------------------------------------------------


@dataclass
class _Run:
    actor: Actor
    since: datetime
    until: datetime
    since_day: date
    until_day: date
    for_student_id: int | None
    progress: Progress | None
    sink: _Sink
    supervisors_read: bool = False
    schools: dict[int, str] = field(default_factory=dict)
    locations: dict[int, str] = field(default_factory=dict)
    location_nibrs: dict[int, str] = field(default_factory=dict)
    officers: dict[int, tuple[str, str]] = field(default_factory=dict)
    programs: dict[int, str] = field(default_factory=dict)
    students_seen: set[int] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)
    # For one student: the juveniles' labels across the export, checked against the roster.
    redaction: RedactionRun | None = None

    def report(self, kind: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(kind, done, total)

    def officer_badge(self, officer_id: int | None) -> str:
        return self.officers.get(officer_id or 0, ("", ""))[0]

    def officer_name(self, officer_id: int | None) -> str:
        return self.officers.get(officer_id or 0, ("", ""))[1]


class ExportService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def export(
        self,
        actor: Actor,
        *,
        fmt: str,
        since: date,
        until: date | None = None,
        out_dir: Path,
        for_student_id: int | None = None,
        progress: Progress | None = None,
        bom: bool = True,
    ) -> ExportSummary:
        """Write every record ``actor`` may read from ``since`` to ``until`` (local days,
        both included; ``until`` defaults to today) into ``out_dir`` (made if missing; it
        must not hold an earlier export). ``bom``: CSV files start with a UTF-8 BOM."""
        try:
            export_format = ExportFormat(fmt)
        except ValueError as exc:
            raise SroError("Export format must be csv or json", field="fmt") from exc
        until = until or self.ctx.today()
        if until < since:
            raise SroError("The end date is before the start date", field="until")
        out_dir = Path(out_dir).expanduser()
        if out_dir.exists() and not out_dir.is_dir():
            raise SroError(f"{out_dir} is a file, not a folder", field="out_dir")
        if (out_dir / "manifest.json").exists():
            raise Conflict(f"{out_dir} already holds an export; choose an empty folder")
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        sink: _Sink = (
            _CsvSink(out_dir, tz=self.ctx.tz, bom=bom)
            if export_format is ExportFormat.CSV
            else _JsonSink(out_dir)
        )
        run = _Run(
            actor=actor,
            since=self._day_start(since),
            until=self._day_start(until + timedelta(days=1)),
            since_day=since,
            until_day=until,
            for_student_id=for_student_id,
            progress=progress,
            sink=sink,
        )
        try:
            with self.ctx.db.read() as session:
                self._prepare(session, run)
                self._incidents(session, run)
                self._notes(session, run)
                self._referrals(session, run)
                if for_student_id is None:
                    self._shifts(session, run)
                else:
                    run.counts["shifts"] = 0
                self._trespass_warnings(session, run)
                if for_student_id is None:
                    self._calls(session, run)
                else:  # calls name no student; their free text is not redacted: left out
                    run.counts["calls"] = 0
                self._threat_cases(session, run)  # services/threats: the case's read rule
                self._students(session, run)
        finally:
            sink.close()
        redaction = (
            "for one student: only records involving that student; every other juvenile's "
            "name replaced by [JUVENILE n] (the same n throughout) in people lists and free "
            f"text, checked against the roster of {run.redaction.roster.size} students "
            "(redaction_detail: what was replaced, what could not be checked)"
            if run.redaction is not None
            else "agency copy: names kept"
        ) + "; confidential notes the exporter may not read have topics and text withheld"
        manifest = out_dir / "manifest.json"
        with _create_private(manifest) as handle:
            handle.write(
                json.dumps(
                    {
                        "generated_at": self.ctx.now().isoformat(),
                        "by_badge": actor.badge,
                        "format": export_format.value,
                        "since": since.isoformat(),
                        "until": until.isoformat(),
                        "for_student_id": for_student_id,
                        "redaction": redaction,
                        "redaction_detail": run.redaction.summary() if run.redaction else None,
                        "timezone": self.ctx.tz.key,  # of the CSV *_local columns
                        "counts": run.counts,
                        "files": [p.name for p in sink.files],
                    },
                    indent=2,
                )
                + "\n"
            )
        with self.ctx.db.write() as session:
            self.audit.record(
                session,
                actor,
                "export.run",
                record_type=RecordType.EXPORT,
                record_id=for_student_id if for_student_id is not None else "",
                detail=f"{export_format.value}, {since}..{until}, "
                + ", ".join(f"{k} {v}" for k, v in run.counts.items())
                + ("; redacted for one student" if for_student_id is not None else ""),
            )
        return ExportSummary(
            out_dir=out_dir,
            fmt=export_format,
            since=since,
            until=until,
            files=(*sink.files, manifest),
            counts=dict(run.counts),
            for_student_id=for_student_id,
            redaction=redaction,
        )

    # -- setup ---------------------------------------------------------------------------------

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.ctx.tz).astimezone(UTC)

    def _prepare(self, session: Session, run: _Run) -> None:
        if run.for_student_id is not None and session.get(Student, run.for_student_id) is None:
            raise NotFound(f"No student with id {run.for_student_id}")
        if run.for_student_id is not None:
            run.redaction = RedactionRun(roster_index(session), keep_student_id=run.for_student_id)
        run.supervisors_read = store_settings.get_flag(
            session, store_settings.SUPERVISORS_READ_CONFIDENTIAL
        )
        run.schools = dict(session.execute(select(School.id, School.code)).all())
        run.locations = dict(session.execute(select(Location.id, Location.code)).all())
        run.location_nibrs = dict(
            session.execute(select(Location.id, Location.nibrs_location)).all()
        )
        run.programs = dict(session.execute(select(ReferralProgram.id, ReferralProgram.code)).all())
        run.officers = {
            oid: (badge, name)
            for oid, badge, name in session.execute(select(Officer.id, Officer.badge, Officer.name))
        }
        # Headers exist even for kinds with no rows, so every export has the same files.
        for kind in KINDS:
            if kind not in ("shifts", "calls") or run.for_student_id is None:
                run.sink.ensure(kind, _EMPTY_HEADERS[kind])

    @staticmethod
    def _batches(
        session: Session, query: Any, keys: tuple[Any, ...], total: int, run: _Run, kind: str
    ) -> Iterator[list[Any]]:
        """Rows of ``query`` in the order of ``keys`` (ending with the id), BATCH at a time.

        Keyset paging: each batch starts after the last row's keys, so every batch is an
        index range scan of BATCH rows (incidents and notes page on (occurred_at, id), the
        index that also serves the date range), never a re-sort of the whole range.
        """
        last: tuple[Any, ...] | None = None
        done = 0
        run.report(kind, 0, total)
        while True:
            page = query.order_by(*keys).limit(BATCH)
            if last is not None:
                # Bound with each column's own type (UTC times stored without a zone).
                after = tuple_(*(literal(v, type_=k.type) for k, v in zip(keys, last, strict=True)))
                page = page.where(tuple_(*keys) > after)
            batch = list(session.scalars(page))
            if not batch:
                break
            yield batch
            last = tuple(getattr(batch[-1], key.key) for key in keys)
            done += len(batch)
            run.report(kind, done, total)
            session.expunge_all()

    @staticmethod
    def _count(session: Session, condition: ColumnElement[bool], table: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(table).where(condition)) or 0)

    # -- incidents -------------------------------------------------------------------------

    def _incidents(self, session: Session, run: _Run) -> None:
        actor = run.actor
        condition: ColumnElement[bool] = and_(
            Incident.occurred_at >= run.since, Incident.occurred_at < run.until, incident_unsealed()
        )
        condition = and_(condition, incident_readable(actor))  # services/read_rules
        if run.for_student_id is not None:
            condition = and_(
                condition,
                Incident.id.in_(
                    select(IncidentPerson.incident_id).where(
                        IncidentPerson.student_id == run.for_student_id
                    )
                ),
            )
        total = self._count(session, condition, Incident)
        query = (
            select(Incident)
            .where(condition)
            .options(
                selectinload(Incident.offenses),
                selectinload(Incident.people),
                selectinload(Incident.compliance),
                selectinload(Incident.supplements),
            )
        )
        count = 0
        for batch in self._batches(
            session, query, (Incident.occurred_at, Incident.id), total, run, "incidents"
        ):
            names = self._student_names(
                session, {p.student_id for i in batch for p in i.people if p.student_id}
            )
            for incident in batch:
                run.sink.write("incidents", self._incident_record(incident, names, run))
                count += 1
        run.counts["incidents"] = count

    def _incident_record(
        self, incident: Incident, names: dict[int, tuple[str, str, str]], run: _Run
    ) -> dict[str, Any]:
        people = []
        for p in incident.people:
            first, last, _ = names.get(p.student_id or 0, ("", "", ""))
            if p.student_id is not None and not p.name:
                people.append(
                    RedactionPerson(
                        key=p.id,
                        student_id=p.student_id,
                        first_name=first,
                        last_name=last,
                        juvenile=p.juvenile,
                    )
                )
            else:
                people.append(
                    RedactionPerson.from_name(
                        p.id, p.name, juvenile=p.juvenile, student_id=p.student_id
                    )
                )
        redactor = redactor_for(people, keep_student_id=run.for_student_id, run=run.redaction)
        redactor.prime(
            [incident.narrative, incident.review_comment, incident.void_reason]
            + [s.text for s in incident.supplements]
            + [c.note for c in incident.compliance]
        )
        people_out = []
        for row, person in zip(incident.people, people, strict=True):
            redacted = redactor.is_redacted(person)
            if row.student_id is not None and not redacted:
                run.students_seen.add(row.student_id)
            people_out.append(
                {
                    "id": row.id,
                    "role": row.role,
                    "student_district_id": ""
                    if redacted
                    else names.get(row.student_id or 0, ("", "", ""))[2],
                    "name": redactor.name(person),
                    "juvenile": row.juvenile,
                    # One row each in the store (incident_person_outcomes), in the order given.
                    "outcomes": row.outcome_values,
                    "custodial": row.custodial,
                    "parent_notified_at": row.parent_notified_at,
                }
            )
        return {
            "id": incident.id,
            "number": incident.number,
            "status": incident.status,
            "school": run.schools.get(incident.school_id, ""),
            "school_year": incident.school_year,
            "officer_badge": run.officer_badge(incident.officer_id),
            "officer_name": run.officer_name(incident.officer_id),
            "location": run.locations.get(incident.location_id, ""),
            "initiated_by": incident.initiated_by or "",
            "occurred_at": incident.occurred_at,
            "entered_at": incident.entered_at,
            "submitted_at": incident.submitted_at,
            "approved_at": incident.approved_at,
            "approved_by_badge": run.officer_badge(incident.approved_by_id),
            "most_severe": next((o.category.code for o in incident.offenses if o.most_severe), ""),
            "narrative": redactor.text(incident.narrative),
            "review_comment": redactor.text(incident.review_comment),
            # The approved version in force (corrections) and a void: kept, counted nowhere.
            "version": incident.revision,
            "voided_at": incident.voided_at,
            "void_reason": redactor.text(incident.void_reason),
            # NIBRS: the bias motivation (its code: 88 none) and the location type (53 school).
            "bias_motivation": incident.bias_motivation,
            "bias_nibrs": _BIAS_NIBRS.get(incident.bias_motivation, "99"),
            "location_nibrs": run.location_nibrs.get(incident.location_id, ""),
            "offenses": [
                {
                    "category": o.category.code,
                    "nibrs": o.category.nibrs,
                    "most_severe": o.most_severe,
                    "attempted": o.attempted,
                    "weapon": o.weapon,
                    "suspected_use": o.suspected_use,
                    "gang": o.gang,
                }
                for o in incident.offenses
            ],
            "people": people_out,
            "compliance": [
                {"kind": c.kind, "done_at": c.done_at, "note": redactor.text(c.note)}
                for c in incident.compliance
            ],
            "supplements": [
                {
                    "id": s.id,
                    "author_badge": run.officer_badge(s.author_id),
                    "created_at": s.created_at,
                    "text": redactor.text(s.text),
                }
                for s in incident.supplements
            ],
        }

    @staticmethod
    def _student_names(session: Session, ids: set[int]) -> dict[int, tuple[str, str, str]]:
        if not ids:
            return {}
        rows = session.execute(
            select(Student.id, Student.first_name, Student.last_name, Student.district_id).where(
                Student.id.in_(ids)
            )
        )
        return {sid: (first, last, district) for sid, first, last, district in rows}

    # -- notes -----------------------------------------------------------------------------

    def _notes(self, session: Session, run: _Run) -> None:
        actor = run.actor
        condition: ColumnElement[bool] = and_(
            Note.occurred_at >= run.since, Note.occurred_at < run.until, note_unsealed()
        )
        condition = and_(condition, note_readable(actor))  # services/read_rules
        if run.for_student_id is not None:
            condition = and_(
                condition,
                Note.id.in_(
                    select(NoteStudent.note_id).where(NoteStudent.student_id == run.for_student_id)
                ),
            )
        total = self._count(session, condition, Note)
        query = select(Note).where(condition).options(selectinload(Note.students))
        count = 0
        for batch in self._batches(
            session, query, (Note.occurred_at, Note.id), total, run, "notes"
        ):
            names = self._student_names(session, {s.student_id for n in batch for s in n.students})
            for note in batch:
                run.sink.write("notes", self._note_record(note, names, run))
                count += 1
        run.counts["notes"] = count

    def _note_record(
        self, note: Note, names: dict[int, tuple[str, str, str]], run: _Run
    ) -> dict[str, Any]:
        readable = may_read_note_text(
            run.actor,
            author_id=note.officer_id,
            confidential=note.confidential,
            supervisors_read_confidential=run.supervisors_read,
        )
        student_ids = [s.student_id for s in note.students]
        redactor: Redactor = redactor_for(
            [
                RedactionPerson(
                    key=sid,
                    student_id=sid,
                    first_name=names.get(sid, ("", "", ""))[0],
                    last_name=names.get(sid, ("", "", ""))[1],
                )
                for sid in student_ids
            ],
            keep_student_id=run.for_student_id,
            run=run.redaction,
        )
        if readable:
            redactor.prime([note.topics, note.text])
        # A note whose text is withheld does not name its students either (issue 11).
        listed = [sid for sid in student_ids if readable and run.for_student_id in (None, sid)]
        run.students_seen.update(listed)
        return {
            "id": note.id,
            "kind": note.kind,
            "officer_badge": run.officer_badge(note.officer_id),
            "officer_name": run.officer_name(note.officer_id),
            "school": run.schools.get(note.school_id or 0, ""),
            "occurred_at": note.occurred_at,
            "minutes": note.minutes,
            "students": [names.get(sid, ("", "", ""))[2] for sid in listed],
            "with_parent": note.with_parent,
            "with_staff": note.with_staff,
            "confidential": note.confidential,
            "text_withheld": not readable,
            "topics": redactor.text(note.topics) if readable else "",
            "text": redactor.text(note.text) if readable else "",
            "follow_up_on": note.follow_up_on,
            "class_name": note.class_name,
            "lecture_topic": note.lecture_topic or "",
            "head_count": note.head_count,
            "agency": note.agency,
        }

    # -- referrals ---------------------------------------------------------------------------

    def _referrals(self, session: Session, run: _Run) -> None:
        actor = run.actor
        condition: ColumnElement[bool] = and_(
            Referral.referred_on >= run.since_day,
            Referral.referred_on <= run.until_day,
            referral_unsealed(),
        )
        condition = and_(condition, referral_readable(actor))  # services/read_rules
        if run.for_student_id is not None:
            condition = and_(condition, Referral.student_id == run.for_student_id)
        total = self._count(session, condition, Referral)
        query = select(Referral).where(condition).options(selectinload(Referral.events))
        count = 0
        for batch in self._batches(session, query, (Referral.id,), total, run, "referrals"):
            redactors = self._referral_redactors(session, batch, run)
            names = self._student_names(session, {r.student_id for r in batch})
            for referral in batch:
                redactor = redactors.get(referral.incident_id or 0) or (
                    run.redaction.record([]) if run.redaction is not None else Redactor()
                )
                redactor.prime([referral.reason, *(e.note for e in referral.events)])
                run.students_seen.add(referral.student_id)
                run.sink.write(
                    "referrals",
                    {
                        "id": referral.id,
                        "student_district_id": names.get(referral.student_id, ("", "", ""))[2],
                        "program": run.programs.get(referral.program_id, ""),
                        "school": run.schools.get(referral.school_id or 0, ""),
                        "reason": redactor.text(referral.reason),
                        "incident_id": referral.incident_id,
                        "note_id": referral.note_id,
                        "referred_by_badge": run.officer_badge(referral.referred_by_id),
                        "referred_on": referral.referred_on,
                        "consent": referral.consent,
                        "consent_on": referral.consent_on,
                        "status": referral.status,
                        "next_follow_up_on": referral.next_follow_up_on,
                        "events": [
                            {
                                "from_status": e.from_status or "",
                                "to_status": e.to_status,
                                "on": e.on,
                                "at": e.at,
                                "by_badge": run.officer_badge(e.by_id),
                                "note": redactor.text(e.note),
                            }
                            for e in referral.events
                        ],
                    },
                )
                count += 1
        run.counts["referrals"] = count

    def _referral_redactors(
        self, session: Session, batch: list[Referral], run: _Run
    ) -> dict[int, Redactor]:
        """For an export for one student: each linked incident's juveniles, to redact."""
        if run.for_student_id is None:
            return {}
        incident_ids = {r.incident_id for r in batch if r.incident_id}
        if not incident_ids:
            return {}
        rows = session.execute(
            select(IncidentPerson, Student.first_name, Student.last_name)
            .outerjoin(Student, Student.id == IncidentPerson.student_id)
            .where(IncidentPerson.incident_id.in_(incident_ids))
        ).all()
        people: dict[int, list[RedactionPerson]] = {}
        for person, first, last in rows:
            if person.name or person.student_id is None:
                entry = RedactionPerson.from_name(
                    person.id, person.name, juvenile=person.juvenile, student_id=person.student_id
                )
            else:
                entry = RedactionPerson(
                    key=person.id,
                    student_id=person.student_id,
                    first_name=first or "",
                    last_name=last or "",
                    juvenile=person.juvenile,
                )
            people.setdefault(person.incident_id, []).append(entry)
        return {
            iid: redactor_for(found, keep_student_id=run.for_student_id, run=run.redaction)
            for iid, found in people.items()
        }

    # -- shifts and students -----------------------------------------------------------------

    def _shifts(self, session: Session, run: _Run) -> None:
        actor = run.actor
        condition: ColumnElement[bool] = and_(
            Shift.shift_date >= run.since_day, Shift.shift_date <= run.until_day
        )
        if not actor.is_supervisor:
            condition = and_(condition, Shift.officer_id == (actor.officer_id or -1))
        total = self._count(session, condition, Shift)
        query = select(Shift).where(condition).options(selectinload(Shift.items))
        count = 0
        for batch in self._batches(session, query, (Shift.id,), total, run, "shifts"):
            for shift in batch:
                run.sink.write(
                    "shifts",
                    {
                        "id": shift.id,
                        "officer_badge": run.officer_badge(shift.officer_id),
                        "school": run.schools.get(shift.school_id, ""),
                        "shift_date": shift.shift_date,
                        "started_at": shift.started_at,
                        "items": [
                            {
                                "position": i.position,
                                "label": i.label,
                                "location": i.location_code or "",
                                "status": i.status,
                                "status_at": i.status_at,
                                "skip_reason": i.skip_reason,
                                "note": i.note,
                                "one_off": i.one_off,
                            }
                            for i in shift.items
                        ],
                    },
                )
                count += 1
        run.counts["shifts"] = count

    # -- campus security ------------------------------------------------------------------

    def _trespass_warnings(self, session: Session, run: _Run) -> None:
        """Warnings given in the period that the exporter may see (services/trespass: a
        juvenile's only to its schools' officers and supervisors, none of a sealed student);
        for one student, only that student's own warnings."""
        condition: ColumnElement[bool] = and_(
            TrespassWarning.warned_at >= run.since,
            TrespassWarning.warned_at < run.until,
            warning_visible(run.actor),
        )
        if run.for_student_id is not None:
            condition = and_(condition, TrespassWarning.student_id == run.for_student_id)
        total = self._count(session, condition, TrespassWarning)
        query = select(TrespassWarning).where(condition)
        count = 0
        keys = (TrespassWarning.id,)
        for batch in self._batches(session, query, keys, total, run, "trespass_warnings"):
            ids = [w.id for w in batch]
            schools: dict[int, list[str]] = {}
            for warning_id, school_id in session.execute(
                select(TrespassWarningSchool.warning_id, TrespassWarningSchool.school_id)
                .where(TrespassWarningSchool.warning_id.in_(ids))
                .order_by(TrespassWarningSchool.school_id)
            ):
                schools.setdefault(warning_id, []).append(run.schools.get(school_id, ""))
            returns: dict[int, list[str]] = {}
            for warning_id, incident_id in session.execute(
                select(TrespassViolation.warning_id, TrespassViolation.incident_id)
                .where(TrespassViolation.warning_id.in_(ids))
                .order_by(TrespassViolation.id)
            ):
                returns.setdefault(warning_id, []).append(str(incident_id))
            names = self._student_names(session, {w.student_id for w in batch if w.student_id})
            for w in batch:
                if w.student_id is not None:
                    run.students_seen.add(w.student_id)
                run.sink.write(
                    "trespass_warnings",
                    {
                        "id": w.id,
                        "person_name": w.person_name,
                        "birth_date": w.birth_date,
                        "age": w.age,
                        "juvenile": w.juvenile,
                        "description": w.description,
                        "photo_ref": w.photo_ref,
                        "person_kind": w.person_kind,
                        "student_district_id": names.get(w.student_id or 0, ("", "", ""))[2],
                        "schools": ";".join(schools.get(w.id, [])),
                        "statute": w.statute,
                        "days": w.days,
                        "warned_at": w.warned_at,
                        "last_day": w.last_day,
                        "expires_at": w.expires_at,
                        "officer_badge": run.officer_badge(w.officer_id),
                        "incident_id": w.incident_id,
                        "violation_incident_ids": ";".join(returns.get(w.id, [])),
                    },
                )
                count += 1
        run.counts["trespass_warnings"] = count

    def _calls(self, session: Session, run: _Run) -> None:
        """Calls for service received in the period that the exporter may see."""
        condition: ColumnElement[bool] = and_(
            CallForService.received_at >= run.since,
            CallForService.received_at < run.until,
            call_visible(run.actor),
        )
        total = self._count(session, condition, CallForService)
        query = select(CallForService).where(condition)
        count = 0
        for batch in self._batches(session, query, (CallForService.id,), total, run, "calls"):
            for c in batch:
                run.sink.write(
                    "calls",
                    {
                        "id": c.id,
                        "received_at": c.received_at,
                        "officer_badge": run.officer_badge(c.officer_id),
                        "school": run.schools.get(c.school_id, ""),
                        "caller": c.caller,
                        "caller_kind": c.caller_kind,
                        "location": c.location,
                        "what": c.what,
                        "disposition": c.disposition,
                        "incident_id": c.incident_id,
                    },
                )
                count += 1
        run.counts["calls"] = count

    def _threat_cases(self, session: Session, run: _Run) -> None:
        """Threat assessment cases opened in the period that the exporter reads (a
        confidential case: its team, supervisors by the agency's setting; none of a sealed
        student); for one student, that student's own cases, with every other juvenile
        named in their text replaced (W&I 827)."""
        condition: ColumnElement[bool] = and_(
            ThreatCase.opened_at >= run.since,
            ThreatCase.opened_at < run.until,
            case_readable(run.actor, supervisors_read=run.supervisors_read),
        )
        if run.for_student_id is not None:
            condition = and_(condition, ThreatCase.student_id == run.for_student_id)
        total = self._count(session, condition, ThreatCase)
        query = select(ThreatCase).where(condition)
        count = 0
        for batch in self._batches(session, query, (ThreatCase.id,), total, run, "threat_cases"):
            ids = [c.id for c in batch]
            names = self._student_names(session, {c.student_id for c in batch})
            notes: dict[int, list[tuple[str, str]]] = {}
            for case_id, to_stage, note in session.execute(
                select(ThreatCaseEvent.case_id, ThreatCaseEvent.to_stage, ThreatCaseEvent.note)
                .where(ThreatCaseEvent.case_id.in_(ids))
                .order_by(ThreatCaseEvent.id)
            ):
                notes.setdefault(case_id, []).append((to_stage, note))
            team: dict[int, list[str]] = {}
            for case_id, officer_id in session.execute(
                select(ThreatCaseMember.case_id, ThreatCaseMember.officer_id)
                .where(ThreatCaseMember.case_id.in_(ids))
                .order_by(ThreatCaseMember.officer_id)
            ):
                team.setdefault(case_id, []).append(run.officer_badge(officer_id))
            for c in batch:
                first, last, district = names.get(c.student_id, ("", "", ""))
                redactor = redactor_for(
                    [
                        RedactionPerson(
                            key=c.student_id,
                            student_id=c.student_id,
                            first_name=first,
                            last_name=last,
                        )
                    ],
                    keep_student_id=run.for_student_id,
                    run=run.redaction,
                )
                texts = [c.summary, *(note for _, note in notes.get(c.id, []))]
                redactor.prime(texts)
                run.students_seen.add(c.student_id)
                run.sink.write(
                    "threat_cases",
                    {
                        "id": c.id,
                        "student_district_id": district,
                        "school": run.schools.get(c.school_id or 0, ""),
                        "incident_id": c.incident_id,
                        "summary": redactor.text(c.summary),
                        "stage": c.stage,
                        "level": c.level,
                        "confidential": c.confidential,
                        "lead_badge": run.officer_badge(c.lead_id),
                        "team_badges": ";".join(team.get(c.id, [])),
                        "reported_on": c.reported_on,
                        "opened_at": c.opened_at,
                        "closed_at": c.closed_at,
                        "history": "\n".join(
                            f"{stage}: {redactor.text(note)}" if note else stage
                            for stage, note in notes.get(c.id, [])
                        ),
                    },
                )
                count += 1
        run.counts["threat_cases"] = count

    def _students(self, session: Session, run: _Run) -> None:
        wanted = sorted(run.students_seen)
        if run.for_student_id is not None:
            wanted = [run.for_student_id]
        run.report("students", 0, len(wanted))
        count = 0
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            rows = session.scalars(
                select(Student)
                .where(Student.id.in_(chunk), student_unsealed())
                .order_by(Student.id)
            )
            for student in rows:
                run.sink.write(
                    "students",
                    {
                        "id": student.id,
                        "district_id": student.district_id,
                        "first_name": student.first_name,
                        "last_name": student.last_name,
                        "school": run.schools.get(student.school_id or 0, ""),
                        "grade": student.grade,
                    },
                )
                count += 1
            run.report("students", min(start + BATCH, len(wanted)), len(wanted))
            session.expunge_all()
        run.counts["students"] = count


_BIAS_NIBRS = {bias.value: bias.nibrs for bias in BiasMotivation}

_EMPTY_HEADERS: dict[str, tuple[str, ...]] = {
    kind: tuple(names.split())
    for kind, names in {
        "incidents": "id number status school school_year officer_badge officer_name location "
        "initiated_by occurred_at entered_at submitted_at approved_at approved_by_badge "
        "most_severe narrative review_comment version voided_at void_reason "
        "bias_motivation bias_nibrs location_nibrs",
        "notes": "id kind officer_badge officer_name school occurred_at minutes students "
        "with_parent with_staff confidential text_withheld topics text follow_up_on "
        "class_name lecture_topic head_count agency",
        "referrals": "id student_district_id program school reason incident_id note_id "
        "referred_by_badge referred_on consent consent_on status next_follow_up_on",
        "shifts": "id officer_badge school shift_date started_at",
        "trespass_warnings": "id person_name birth_date age juvenile description photo_ref "
        "person_kind student_district_id schools statute days warned_at last_day expires_at "
        "officer_badge incident_id violation_incident_ids",
        "calls": "id received_at officer_badge school caller caller_kind location what "
        "disposition incident_id",
        "threat_cases": "id student_district_id school incident_id summary stage level "
        "confidential lead_badge team_badges reported_on opened_at closed_at history",
        "students": "id district_id first_name last_name school grade",
    }.items()
}


__all__ = ["ExportFormat", "ExportService", "ExportSummary"]
