"""Roster import: a district's student list (CSV) loaded into the store, all or nothing.

Rules (decided here, shown to officers by the CLI and the screen):

- The file must be CSV text with a header row. A file that is not text, not CSV, empty,
  has no usable header (no column for District ID, First name or Last name) or only a
  header changes nothing and raises ``SroError`` with one line saying why.
- The district ID comes from a district-wide column (Perm ID, District ID, SSID, Student
  ID: ``domain.roster.DISTRICT_ID_HEADERS``). A file with more than one of them, or only a
  school-scoped Student Number (Aeries reuses 1, 2, ... in every school), is refused
  unless ``mapping`` names the column (issue 11 item 1).
- Strict CSV, one row per line: a line whose quote is not closed, or whose number of
  fields is not the header's, is a rejected row ("line N: ..."); it never takes in the
  lines after it (issue 11 item 2).
- A School cell is our code, the school's name or the district's number for it
  (``schools.district_number``); ``school_map`` ({their value: our code}, the command's
  --map-school) comes first.
- A known student whose name the file changes beyond a typo fix (``is_typo_fix``) or whose
  school it changes may be another child under a reused ID: those changes are listed
  (``ImportReport.changes``) and applied only when confirmed (``confirm_changes``, or
  ``confirm(changes)`` returning True, asked after staging and outside any transaction);
  otherwise those students are left as they are ("held"). A student changed on another
  terminal after the list was made is left as it is too (its version is checked).
- Each data row is checked on its own. Good rows go in; a bad row is left out and reported
  with its line number and the field at fault. All the good rows, and the audit event, go
  into the roster in one transaction: a failure or a kill part-way (a full disk, another
  terminal adding the same student at the same moment) leaves the roster as it was.
- A student whose district ID is already stored is updated (names, school, grade). A blank
  School or Grade cell leaves the stored value alone; it never erases it.
- A district ID that appears twice in the file: the first row counts, the later ones are
  rejected (the file is ambiguous about which is right).
- Who: supervisors and administrators load any school's roster (and the CLI's local
  administration). An officer loads the roster of the schools they are assigned to: rows
  for another school are rejected. Rows with no school take ``default_school`` or, for an
  officer with exactly one school, that school.
- Other terminals keep working (issue 13 item 6). Rows are read whole (a 50,000-line
  roster is a few MB), then checked and put, ``CHUNK`` rows per short transaction, into a
  staging table that is TEMPORARY: private to the import's own connection, never in the
  store's tables, gone when that connection closes (or the process is killed). Staging
  takes no lock on the store (SQLite writes it in its temporary database), so other
  terminals save freely meanwhile. Then one write transaction applies the staged rows with
  a few set-based statements (INSERT ... SELECT, UPDATE ... FROM, matched on district ID at
  that moment) and the audit event: on SQLite other terminals' saves wait for that step
  only (about a second for 50,000 rows; ``scripts/bench_roster_import.py``). On PostgreSQL
  the apply holds row locks only on the students it inserts or updates (readers never
  wait, MVCC) and the audit lock that every save takes only from its last statement to the
  commit; creating the temporary table needs the TEMPORARY right on the database, which
  PostgreSQL gives every role unless a department revoked it from PUBLIC.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import Conflict, PermissionDenied, SroError, StoreUnreachable
from ..domain.officers import Actor
from ..domain.permissions import may_import_roster
from ..domain.roster import (
    ROSTER_FIELDS,
    ImportReport,
    RejectedRow,
    RosterChange,
    header_key,
    is_typo_fix,
    match_columns,
    parse_grade,
)
from ..domain.students import StudentCreate, fold_name, search_name_for
from ..domain.validation import field_errors
from ..store.db import (
    BUSY_MESSAGE,
    READ_ONLY_MESSAGE,
    WRITE_OPTION,
    StoreBusy,
    friendly_store_error,
)
from ..store.models import RecordSeal, School, Student
from . import record_seals
from .audit import AuditTrail
from .context import ServiceContext
from .reference import school_keys

CHUNK = 1000  # rows checked and staged per short transaction
PROGRESS_EVERY = 500
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000
_FIELD_NAMES = {"school_id": "school"}

# The rows of one import, checked, before they go into the roster: a temporary table (this
# connection's own, never in the store file or visible to another terminal).
STAGING = Table(
    "roster_staging",
    MetaData(),
    Column("district_id", String(20), primary_key=True),
    Column("line", Integer, nullable=False),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("search_name", String(401), nullable=False),
    Column("school_id", Integer),
    Column("grade", Integer),
    # The version of the known student with this district ID when the changes were reviewed
    # (None: no such student then): the apply changes a student only if it is still that one.
    Column("seen_version", Integer),
    prefixes=["TEMPORARY"],
)
# Handed the changes that need an officer's yes (after staging, outside any transaction);
# True applies them all, False holds them all.
Confirm = Callable[[tuple[RosterChange, ...]], bool]


def _staged(line: int, data: StudentCreate) -> dict[str, Any]:
    return {
        "district_id": data.district_id,
        "line": line,
        "first_name": data.first_name,
        "last_name": data.last_name,
        "search_name": search_name_for(data.last_name, data.first_name),
        "school_id": data.school_id,
        "grade": data.grade,
    }


class RosterImport:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def run(
        self,
        actor: Actor,
        source: Path | str,
        *,
        mapping: Mapping[str, str] | None = None,
        progress: Callable[[int, int], None] | None = None,
        default_school: str | None = None,
        school_map: Mapping[str, str] | None = None,
        confirm: Confirm | None = None,
        confirm_changes: bool = False,
    ) -> ImportReport:
        path = Path(source)
        if not actor.is_supervisor and not actor.school_ids:
            self._deny(actor, path.name)
        if self.ctx.db.read_only:
            raise StoreUnreachable(READ_ONLY_MESSAGE)  # before reading and checking the file
        header, rows = read_csv(path)
        columns = match_columns(header, mapping)
        if not rows:
            raise SroError(f"{path.name} has a header but no student rows; nothing was imported")
        with self.ctx.db.read() as session:
            schools = school_keys(session)  # codes and the district's school numbers
            names = {
                fold_name(name): sid
                for sid, name in session.execute(select(School.id, School.name))
            }
            codes = {sid: code for sid, code in session.execute(select(School.id, School.code))}
        default_id = self._default_school(actor, default_school, schools)
        schools = {**schools, **_mapped_schools(school_map or {}, schools)}
        width = len(header)
        while width > 1 and not header[width - 1].strip():
            width -= 1  # "A,B,C," : an empty last column need not be in every row
        checker = _RowChecker(actor, columns, schools, names, default_id, width)
        db = self.ctx.db
        # One connection of its own: the staging table is TEMPORARY (this connection's
        # alone, gone with it), so it is discarded at the end whatever happens.
        connection = db.engine.connect()
        try:
            try:
                rejected = self._stage(connection, checker, rows, progress)
                changes = _review(connection, codes)
                agreed = bool(changes) and (
                    confirm_changes or (confirm is not None and confirm(changes))
                )
                if changes and not agreed:
                    _hold(connection, changes)
                held = 0 if agreed else len(changes)
                counts = self._apply(connection, actor, len(rows), len(rejected), changes, held)
            except IntegrityError as exc:
                raise Conflict(
                    "Another terminal added some of these students at the same moment; "
                    "nothing was imported, run the import again"
                ) from exc
            except (OperationalError, DBAPIError) as exc:
                message = friendly_store_error(exc, db.url)
                if message == BUSY_MESSAGE:
                    raise StoreBusy(message) from exc
                raise StoreUnreachable(message) from exc
        finally:
            connection.invalidate()  # closed, never back in the pool with the staged rows
            connection.close()
        return ImportReport(
            total=len(rows),
            rejected=tuple(rejected),
            changes=changes,
            changes_applied=agreed,
            **counts,
        )

    def _stage(
        self,
        connection: Connection,
        checker: _RowChecker,
        rows: list[tuple[int, list[str] | str]],
        progress: Callable[[int, int], None] | None,
    ) -> list[RejectedRow]:
        """Check the rows and put the good ones in the staging table, ``CHUNK`` at a time,
        each chunk in a short transaction of its own that takes no lock on the store's
        tables (SQLite: the temporary database only; PostgreSQL: a temporary table)."""
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING.name}")
        STAGING.create(connection)
        connection.commit()
        total = len(rows)
        rejected: list[RejectedRow] = []
        for start in range(0, total, CHUNK):
            good: list[dict[str, Any]] = []
            for offset, (line, cells) in enumerate(rows[start : start + CHUNK], start + 1):
                checked = checker.check(line, cells)
                if isinstance(checked, RejectedRow):
                    rejected.append(checked)
                else:
                    good.append(_staged(line, checked))
                if progress is not None and offset % PROGRESS_EVERY == 0:
                    progress(offset, total)
            if good:
                connection.execute(insert(STAGING), good)
            connection.commit()
        if progress is not None and total % PROGRESS_EVERY:
            progress(total, total)
        return rejected

    def _apply(
        self,
        connection: Connection,
        actor: Actor,
        total: int,
        rejected: int,
        changes: tuple[RosterChange, ...],
        held: int,
    ) -> dict[str, int]:
        """All the staged rows into the roster in one short write transaction (set-based
        statements: a 50,000-row roster is a few INSERT ... SELECT / UPDATE ... FROM
        statements, not a statement per row): all or nothing."""
        students = cast(Table, Student.__table__)
        staged = STAGING.c
        match = students.c.district_id == staged.district_id
        school = func.coalesce(staged.school_id, students.c.school_id)
        grade = func.coalesce(staged.grade, students.c.grade)
        differs = or_(
            students.c.first_name != staged.first_name,
            students.c.last_name != staged.last_name,
            students.c.school_id.is_distinct_from(school),
            students.c.grade.is_distinct_from(grade),
        )
        # Still the student reviewed: one changed (or added) on another terminal since is
        # left alone, since its changes were not the ones reviewed.
        same = students.c.version == staged.seen_version
        writer = connection.execution_options(**{WRITE_OPTION: True})  # BEGIN IMMEDIATE
        with Session(bind=writer, expire_on_commit=False) as session, session.begin():
            now = self.ctx.now()
            count = session.scalar(select(func.count()).select_from(STAGING)) or 0
            known = (
                session.scalar(select(func.count()).select_from(STAGING.join(students, match))) or 0
            )
            changed = list(
                session.scalars(
                    select(students.c.id)
                    .select_from(STAGING.join(students, match))
                    .where(differs, same)
                )
            )
            meanwhile = (
                session.scalar(
                    select(func.count())
                    .select_from(STAGING.join(students, match))
                    .where(differs, or_(staged.seen_version.is_(None), ~same))
                )
                or 0
            )
            session.execute(
                insert(students).from_select(
                    [
                        "district_id",
                        "first_name",
                        "last_name",
                        "search_name",
                        "school_id",
                        "grade",
                        "created_at",
                        "updated_at",
                    ],
                    select(
                        staged.district_id,
                        staged.first_name,
                        staged.last_name,
                        staged.search_name,
                        staged.school_id,
                        staged.grade,
                        literal(now, students.c.created_at.type),
                        literal(now, students.c.updated_at.type),
                    )
                    .where(~exists().where(match))
                    .order_by(staged.line),
                )
            )
            if changed:
                session.execute(
                    update(students)
                    .where(match, differs, same)
                    .values(
                        first_name=staged.first_name,
                        last_name=staged.last_name,
                        search_name=staged.search_name,
                        school_id=school,
                        grade=grade,
                        updated_at=now,
                        version=students.c.version + 1,
                    )
                )
            counts = {
                "added": count - known,
                "updated": len(changed),
                "unchanged": known - len(changed) - meanwhile,
                "changed_meanwhile": meanwhile,
            }
            # Last, so that on PostgreSQL the audit lock (which every save takes) is held
            # only for the commit.
            self.audit.record(
                session,
                actor,
                "student.import",
                record_type=RecordType.STUDENT,
                detail=(
                    f"rows {total}, added {counts['added']}, updated {counts['updated']}, "
                    f"unchanged {counts['unchanged']}, rejected {rejected}"
                    + (f", confirmed {len(changes) - held}, held {held}" if changes else "")
                    + (f", changed meanwhile {meanwhile}" if meanwhile else "")
                ),
            )
            # The students updated here that carry a seal are sealed again (under the
            # import's event): their old seals no longer match.
            # Only those are passed on (one look-up here, not one per 500 updated rows).
            sealed = set(
                session.scalars(
                    select(RecordSeal.record_id).where(
                        RecordSeal.record_type == str(RecordType.STUDENT)
                    )
                )
            )
            record_seals.mark_batch_for_sealing(
                session,
                self.ctx.audit_key,
                RecordType.STUDENT,
                [student for student in changed if str(student) in sealed],
            )
        return counts

    def _default_school(
        self, actor: Actor, code: str | None, schools: dict[str, int]
    ) -> int | None:
        if code:
            school_id = schools.get(code.strip().upper())
            if school_id is None:
                raise SroError(f"No school with code {code!r}", field="school")
            if not may_import_roster(actor, school_id):
                self._deny(actor, code)
            return school_id
        if not actor.is_supervisor and len(actor.school_ids) == 1:
            return actor.school_ids[0]
        return None

    def _deny(self, actor: Actor, what: str) -> None:
        self.audit.record_alone(
            actor,
            "student.import",
            record_type=RecordType.STUDENT,
            record_id=what[:64],
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(
            "Only a supervisor, or an officer for the schools they are assigned to, "
            "can import a roster"
        )


def _review(connection: Connection, codes: Mapping[int, str]) -> tuple[RosterChange, ...]:
    """Note which known student each staged row would change (its version now), and list
    those whose name (beyond a typo fix) or school the file changes. Reads only: no lock on
    the store; its own short transaction."""
    students = cast(Table, Student.__table__)
    staged = STAGING.c
    connection.execute(
        update(STAGING).values(
            seen_version=select(students.c.version)
            .where(students.c.district_id == staged.district_id)
            .scalar_subquery()
        )
    )
    rows = connection.execute(
        select(
            staged.line,
            staged.district_id,
            students.c.first_name,
            students.c.last_name,
            students.c.school_id,
            staged.first_name,
            staged.last_name,
            staged.school_id,
        )
        .select_from(STAGING.join(students, students.c.district_id == staged.district_id))
        .where(
            or_(
                students.c.first_name != staged.first_name,
                students.c.last_name != staged.last_name,
                (students.c.school_id != staged.school_id),  # a blank School keeps it
            )
        )
        .order_by(staged.line)
    ).all()
    connection.commit()
    changes: list[RosterChange] = []
    typo_fix = functools.lru_cache(maxsize=65_536)(is_typo_fix)  # names repeat (Garcia)
    for line, district_id, first, last, school, new_first, new_last, new_school in rows:
        renamed = not (typo_fix(last, new_last) and typo_fix(first, new_first))
        moved = school is not None and new_school is not None and school != new_school
        if renamed or moved:
            changes.append(
                RosterChange.model_construct(  # from the store and the checked rows
                    row=line,
                    district_id=district_id,
                    old_name=f"{last}, {first}",
                    new_name=f"{new_last}, {new_first}",
                    old_school=codes.get(school) if school is not None else None,
                    new_school=codes.get(new_school) if new_school is not None else None,
                )
            )
    return tuple(changes)


def _hold(connection: Connection, changes: tuple[RosterChange, ...]) -> None:
    """Leave the students of ``changes`` as they are: their rows out of the staging table."""
    ids = [change.district_id for change in changes]
    for start in range(0, len(ids), 500):
        connection.execute(
            STAGING.delete().where(STAGING.c.district_id.in_(ids[start : start + 500]))
        )
    connection.commit()


def _mapped_schools(school_map: Mapping[str, str], schools: dict[str, int]) -> dict[str, int]:
    """--map-school's {their School cell: our code} as {their cell, upper case: school id}."""
    mapped: dict[str, int] = {}
    for theirs, ours in school_map.items():
        school_id = schools.get(ours.strip().upper())
        if school_id is None:
            raise SroError(
                f"--map-school {theirs}={ours}: no school with code {ours!r}", field="school_map"
            )
        mapped[theirs.strip().upper()] = school_id
    return mapped


class _RowChecker:
    """Turns one CSV row into a StudentCreate, or a RejectedRow saying why not."""

    def __init__(
        self,
        actor: Actor,
        columns: dict[str, int],
        schools: dict[str, int],
        school_names: dict[str, int],
        default_school: int | None,
        width: int,
    ) -> None:
        self.actor = actor
        self.width = width  # the header's number of fields
        self.columns = columns
        self.schools = schools
        self.school_names = school_names
        self.default_school = default_school
        self.seen: dict[str, int] = {}

    def cell(self, cells: list[str], field: str) -> str:
        index = self.columns.get(field)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()

    def check(self, line: int, cells: list[str] | str) -> StudentCreate | RejectedRow:
        if isinstance(cells, str):  # the line could not be read (read_csv says why)
            return RejectedRow(row=line, field="row", message=cells)
        if len(cells) < self.width or any(c.strip() for c in cells[self.width :]):
            return RejectedRow(
                row=line,
                field="row",
                message=f"has {len(cells)} fields; the header has {self.width} "
                "(a comma inside a name needs quotes)",
            )
        school_text = self.cell(cells, "school")
        school_id: int | None
        if school_text:
            school_id = self.schools.get(school_text.upper()) or self.school_names.get(
                fold_name(school_text)
            )
            if school_id is None:
                return RejectedRow(
                    row=line,
                    field="school",
                    message=f"School {school_text!r} is not known (no school has that code, "
                    f"name or district number; map it: --map-school {school_text}=CODE)",
                )
        else:
            school_id = self.default_school
        if not may_import_roster(self.actor, school_id):
            return RejectedRow(
                row=line,
                field="school",
                message="School is not one of your assigned schools"
                if school_id is not None
                else "School is required (you can import only your schools' students)",
            )
        try:
            grade = parse_grade(self.cell(cells, "grade"))
        except ValueError as exc:
            return RejectedRow(row=line, field="grade", message=f"Grade {exc}")
        try:
            data = StudentCreate(
                district_id=self.cell(cells, "district_id"),
                first_name=self.cell(cells, "first_name"),
                last_name=self.cell(cells, "last_name"),
                school_id=school_id,
                grade=grade,
            )
        except ValidationError as exc:
            problem = field_errors(exc, StudentCreate)[0]
            field = _FIELD_NAMES.get(problem.field, problem.field)
            label = ROSTER_FIELDS.get(field, problem.label)
            return RejectedRow(row=line, field=field, message=f"{label} {problem.message}")
        first_line = self.seen.setdefault(data.district_id, line)
        if first_line != line:
            return RejectedRow(
                row=line,
                field="district_id",
                message=f"District ID {data.district_id} is also on row {first_line}",
            )
        return data


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str] | str]]]:
    """The header and the non-blank data rows (with their line numbers) of a CSV file.

    Strict: each line is one row (a roster's cells hold no line breaks), so a quote left
    open (``900002,"Beta, Bob,10``) spoils that line alone, given as the problem in place of
    its cells, never the lines after it. Anything that makes the file unusable as a whole
    raises SroError; nothing is written.
    """
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SroError(f"{name} is too large for a roster ({size // 1_048_576} MB)")
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise SroError(f"No file at {path}") from exc
    except IsADirectoryError as exc:
        raise SroError(f"{path} is a folder, not a CSV file") from exc
    except OSError as exc:
        raise SroError(f"Cannot read {path}: {exc.strerror}") from exc
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise SroError(f"{name} is a spreadsheet workbook, not CSV; save it as CSV first")
    if b"\x00" in raw[:65536] or raw.startswith(b"%PDF"):
        raise SroError(f"{name} is not a CSV text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # older Excel exports
    if not text.strip():
        raise SroError(f"{name} is empty")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    header: list[str] | None = None
    rows: list[tuple[int, list[str] | str]] = []
    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        if not line.strip():
            continue
        cells: list[str] | str
        try:
            cells = next(csv.reader((line,), dialect, strict=True))
        except csv.Error as exc:
            cells = _unreadable(exc)
        if header is None:
            if isinstance(cells, str):
                raise SroError(f"{name} has no readable header row (line {number}: {cells})")
            header = cells
            continue
        if isinstance(cells, list) and not any(c.strip() for c in cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise SroError(f"{name} has more than {MAX_ROWS:,} rows; split it")
    if header is None or not any(header_key(h) for h in header):
        raise SroError(f"{name} has no header row")
    return header, rows


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _unreadable(error: csv.Error) -> str:
    if "unexpected end of data" in str(error):
        return 'a quote (") is not closed on this line; the row is left out'
    if "expected after" in str(error):
        return 'a quote (") closes in the middle of a field; the row is left out'
    return f"cannot be read as CSV ({error}); the row is left out"
