"""Roster import: a district's student list (CSV) loaded into the store in one transaction.

Rules (decided here, shown to officers by the CLI and the screen):

- The file must be CSV text with a header row. A file that is not text, not CSV, empty,
  has no usable header (no column for District ID, First name or Last name) or only a
  header changes nothing and raises ``SroError`` with one line saying why.
- Each data row is checked on its own. Good rows go in; a bad row is left out and reported
  with its line number and the field at fault. All the good rows, and the audit event, are
  written in one transaction: a failure part-way (a full disk, another terminal adding the
  same student at the same moment) leaves the store as it was.
- A student whose district ID is already stored is updated (names, school, grade). A blank
  School or Grade cell leaves the stored value alone; it never erases it.
- A district ID that appears twice in the file: the first row counts, the later ones are
  rejected (the file is ambiguous about which is right).
- Who: supervisors and administrators load any school's roster (and the CLI's local
  administration). An officer loads the roster of the schools they are assigned to: rows
  for another school are rejected. Rows with no school take ``default_school`` or, for an
  officer with exactly one school, that school.
- Speed: rows are read whole (a 50,000-line roster is a few MB), then checked and written
  in chunks of ``CHUNK`` rows with one look-up of existing district IDs per chunk and bulk
  INSERT / UPDATE statements, never one query per row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import Conflict, PermissionDenied, SroError
from ..domain.officers import Actor
from ..domain.permissions import may_import_roster
from ..domain.roster import (
    ROSTER_FIELDS,
    ImportReport,
    RejectedRow,
    header_key,
    match_columns,
    parse_grade,
)
from ..domain.students import StudentCreate, fold_name, search_name_for
from ..domain.validation import field_errors
from ..store.models import School, Student
from . import record_seals
from .audit import AuditTrail
from .context import ServiceContext
from .reference import school_keys

CHUNK = 2000  # rows checked and written per batch (one look-up, one INSERT, one UPDATE)
PROGRESS_EVERY = 500
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000
_FIELD_NAMES = {"school_id": "school"}


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
    ) -> ImportReport:
        path = Path(source)
        if not actor.is_supervisor and not actor.school_ids:
            self._deny(actor, path.name)
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
        default_id = self._default_school(actor, default_school, schools)
        checker = _RowChecker(actor, columns, schools, names, default_id)
        total = len(rows)
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        rejected: list[RejectedRow] = []
        changed: list[int] = []  # ids of the known students this import updates
        try:
            with self.ctx.db.write() as session:
                now = self.ctx.now()
                for start in range(0, total, CHUNK):
                    chunk = rows[start : start + CHUNK]
                    good: list[tuple[int, StudentCreate]] = []
                    for offset, (line, cells) in enumerate(chunk, start + 1):
                        checked = checker.check(line, cells)
                        if isinstance(checked, RejectedRow):
                            rejected.append(checked)
                        else:
                            good.append((line, checked))
                        if progress is not None and offset % PROGRESS_EVERY == 0:
                            progress(offset, total)
                    self._write_chunk(session, good, counts, now, changed)
                if progress is not None and total % PROGRESS_EVERY:
                    progress(total, total)
                self.audit.record(
                    session,
                    actor,
                    "student.import",
                    record_type=RecordType.STUDENT,
                    detail=(
                        f"rows {total}, added {counts['added']}, updated {counts['updated']}, "
                        f"unchanged {counts['unchanged']}, rejected {len(rejected)}"
                    ),
                )
                # The students updated here that carry a seal are sealed again (under the
                # import's event): their old seals no longer match.
                record_seals.mark_batch_for_sealing(
                    session, self.ctx.audit_key, RecordType.STUDENT, changed
                )
        except IntegrityError as exc:
            raise Conflict(
                "Another terminal added some of these students at the same moment; "
                "nothing was imported, run the import again"
            ) from exc
        return ImportReport(total=total, rejected=tuple(rejected), **counts)

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

    def _write_chunk(
        self,
        session: Any,
        good: list[tuple[int, StudentCreate]],
        counts: dict[str, int],
        now: Any,
        changed: list[int],
    ) -> None:
        if not good:
            return
        ids = [data.district_id for _, data in good]
        existing = {
            row.district_id: row
            for row in session.execute(
                select(
                    Student.id,
                    Student.district_id,
                    Student.first_name,
                    Student.last_name,
                    Student.school_id,
                    Student.grade,
                ).where(Student.district_id.in_(ids))
            )
        }
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for _, data in good:
            old = existing.get(data.district_id)
            if old is None:
                inserts.append(
                    {
                        "district_id": data.district_id,
                        "first_name": data.first_name,
                        "last_name": data.last_name,
                        "search_name": search_name_for(data.last_name, data.first_name),
                        "school_id": data.school_id,
                        "grade": data.grade,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                continue
            new = {
                "first_name": data.first_name,
                "last_name": data.last_name,
                "school_id": data.school_id if data.school_id is not None else old.school_id,
                "grade": data.grade if data.grade is not None else old.grade,
            }
            if all(getattr(old, k) == v for k, v in new.items()):
                counts["unchanged"] += 1
                continue
            new["search_name"] = search_name_for(data.last_name, data.first_name)
            updates.append({"id": old.id, "updated_at": now, **new})
        if inserts:
            session.execute(insert(Student), inserts)
            counts["added"] += len(inserts)
        if updates:
            session.execute(update(Student), updates)
            counts["updated"] += len(updates)
            changed.extend(row["id"] for row in updates)

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


class _RowChecker:
    """Turns one CSV row into a StudentCreate, or a RejectedRow saying why not."""

    def __init__(
        self,
        actor: Actor,
        columns: dict[str, int],
        schools: dict[str, int],
        school_names: dict[str, int],
        default_school: int | None,
    ) -> None:
        self.actor = actor
        self.columns = columns
        self.schools = schools
        self.school_names = school_names
        self.default_school = default_school
        self.needed = max(columns.values()) + 1
        self.seen: dict[str, int] = {}

    def cell(self, cells: list[str], field: str) -> str:
        index = self.columns.get(field)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()

    def check(self, line: int, cells: list[str]) -> StudentCreate | RejectedRow:
        required = [self.columns[f] for f in ("district_id", "first_name", "last_name")]
        if max(required) >= len(cells):
            return RejectedRow(
                row=line,
                field="row",
                message=f"has {len(cells)} columns; the header has {self.needed} or more",
            )
        school_text = self.cell(cells, "school")
        school_id: int | None
        if school_text:
            school_id = self.schools.get(school_text.upper()) or self.school_names.get(
                fold_name(school_text)
            )
            if school_id is None:
                return RejectedRow(
                    row=line, field="school", message=f"School {school_text!r} is not known"
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


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank data rows (with their line numbers) of a CSV file.

    Anything that makes the file unusable as a whole raises SroError; nothing is written.
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
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = cells
                continue
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                raise SroError(f"{name} has more than {MAX_ROWS:,} rows; split it")
    except csv.Error as exc:
        raise SroError(
            f"{name} is not a readable CSV file (line {reader.line_num}: {exc})"
        ) from exc
    if header is None or not any(header_key(h) for h in header):
        raise SroError(f"{name} has no header row")
    return header, rows
