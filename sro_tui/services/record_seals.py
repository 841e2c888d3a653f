"""Tamper-evident records: an incident, a note, a referral, a student, a shift, a checklist
item, an officer, a trespass warning or a call for service edited with SQL is found.

Every audited change of one of these records seals it when its transaction commits: the
seal is HMAC(audit key, the audit event of the change + the record's canonical state: its
row and its children's rows, as the store holds them). The seal lives in ``record_seals``;
the key does not live in the store, so whoever edits a record (or its seal) with SQL cannot
make them agree again. `sro audit verify --records` recomputes every record's seal and
names each record that differs, whose seal is gone, or whose seal is older than its latest
audited change (an old record and its old seal put back together).

Reads never seal (a read after a tampering would launder it); only successful changes do.
Records made before sealing began (or by the demo seeder, a roster import or a shift's
opening, none of which audit each record) have no seal and are counted, not reported, until
their next change. A roster import changes students in bulk under one event: it keeps the
seal of each student that has one current, tied to that event (``mark_batch_for_sealing``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ..store.models import (
    AuditEvent,
    CallForService,
    ChecklistItem,
    Incident,
    IncidentCompliance,
    IncidentOffense,
    IncidentPerson,
    IncidentPersonOutcome,
    IncidentReview,
    IncidentSupplement,
    IncidentVersion,
    Note,
    NoteStudent,
    Officer,
    OfficerSchool,
    RecordSeal,
    Referral,
    ReferralEvent,
    Shift,
    Student,
    TrespassViolation,
    TrespassWarning,
    TrespassWarningSchool,
)

# record type -> (its table, [(child table, the child's column naming the record)])
SEALED: dict[str, tuple[Any, list[tuple[Any, str]]]] = {
    "incident": (
        Incident,
        [
            (IncidentOffense, "incident_id"),
            (IncidentPerson, "incident_id"),
            (IncidentCompliance, "incident_id"),
            (IncidentSupplement, "incident_id"),
            (IncidentReview, "incident_id"),
            (IncidentVersion, "incident_id"),
        ],
    ),
    "note": (Note, [(NoteStudent, "note_id")]),
    "referral": (Referral, [(ReferralEvent, "referral_id")]),
    # Every writer audits the student's id (student.create, student.update); a roster import
    # audits one event for the batch and reseals the students it changed that had a seal.
    "student": (Student, []),
    # The shift row alone (its items are sealed one by one): written only by shift.open.
    "shift": (Shift, []),
    # checklist.done / skip / reset / note / add, each with the item's id. Items made by
    # shift.open (no event of their own) stay unsealed until their first change.
    "checklist_item": (ChecklistItem, []),
    # officer.create / update / enable / disable / unlock / lock / password / mfa /
    # mfa_remove, each with the officer's id; the school assignments are children.
    "officer": (Officer, [(OfficerSchool, "officer_id")]),
    # trespass.warn / violation (services/trespass.py), each with the warning's id; its
    # schools and the returns recorded against it are children.
    "trespass": (
        TrespassWarning,
        [(TrespassWarningSchool, "warning_id"), (TrespassViolation, "warning_id")],
    ),
    # call.add / report (services/calls.py), each with the call's id.
    "call": (CallForService, []),
}
# Columns left out of a record type's canonical state, because sro-tui changes them without
# an audited change of that record (sealing them would raise false alarms).
EXCLUDED: dict[str, frozenset[str]] = {
    "officer": frozenset(
        {
            # A successful sign-in re-hashes the password when the hashing parameters have
            # changed (needs_rehash); that is audited as a "login" session event, not as a
            # change of the officer.
            "password_hash",
            # A timed lock ends at the next sign-in attempt (OfficerService._refusal clears it)
            # with only a "login" session event; locking and an admin's unlock are audited.
            "locked_at",
            # Added by migration 0008 after officers were sealed (as notes' version below);
            # it moves only with an audited officer.password.
            "password_must_change",
        }
    ),
    # Added by migration 0007 after notes were sealed: sealing it would make every note
    # sealed before the upgrade read as changed. It moves only with an audited change.
    "note": frozenset({"version"}),
    # Likewise added by migration 0009.
    "referral": frozenset({"version"}),
    "student": frozenset({"version"}),
    "checklist_item": frozenset({"version"}),
}
# Columns and children added after their record type was sealed (migration 0010: void and
# corrections), left out of the state while they hold what every older record holds (so the
# seals made before them stay valid) and sealed as soon as they differ.
LATE_COLUMNS: dict[str, dict[str, object]] = {
    "incident": {
        "voided_at": None,
        "voided_by_id": None,
        "void_reason": "",
        "revision": 1,
        "bias_motivation": "none",  # migration 0016
        "initiated_by": None,  # migration 0015
    },
}
LATE_CHILDREN: dict[str, frozenset[str]] = {"incident": frozenset({"incident_versions"})}
# A record purged under the retention schedule (an audited ``*.purge`` of it) keeps a seal
# of this state: `audit verify --records` counts it as purged, not as deleted outside sro-tui.
PURGED_STATE = b"purged"
PURGE_ACTION = "purge"
# "timeline" is a read of a student's history (student.timeline): it must not seal, or a
# look at the timeline after a tampering would launder it.
NOT_CHANGES = frozenset({"read", "list", "export", "search", "view", "print", "timeline"})
_PENDING = "sro_seal_pending"
_CHUNK = 500


def seals_change(action: str, record_type: str, record_id: str, outcome: str) -> bool:
    return (
        record_type in SEALED
        and record_id.isdigit()
        and outcome == "success"
        and action.rsplit(".", 1)[-1] not in NOT_CHANGES
    )


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


_STATEMENTS: dict[tuple[str, str], Any] = {}


def _rows(session: Session, table: Table, column: str, record_id: int) -> list[dict[str, Any]]:
    """The rows of ``table`` whose ``column`` is ``record_id``, in primary key order (the
    statement built once per table and column: a save seals a record of up to seven)."""
    statement = _STATEMENTS.get((table.name, column))
    if statement is None:
        statement = _STATEMENTS[(table.name, column)] = (
            select(table)
            .where(table.c[column] == bindparam("record_id"))
            .order_by(*table.primary_key.columns)
        )
    result = session.execute(statement, {"record_id": record_id}).mappings()
    return [{key: _plain(value) for key, value in row.items()} for row in result]


def _people_outcomes(session: Session, rows: list[dict[str, Any]]) -> None:
    """Each incident person's outcomes, kept in incident_person_outcomes since migration
    0015, sealed as the column they came from (the values comma-separated in the order
    given), so the seals made before the migration stay valid."""
    ids = [row["id"] for row in rows]
    found: dict[Any, list[str]] = {i: [] for i in ids}
    if ids:
        table = IncidentPersonOutcome.__table__
        for person_id, value in session.execute(
            select(table.c.person_id, table.c.outcome)
            .where(table.c.person_id.in_(ids))
            .order_by(table.c.person_id, table.c.position)
        ):
            found[person_id].append(value)
    for row in rows:
        row["outcomes"] = ",".join(found[row["id"]])


# Child rows that carry values kept in a table of their own (filled in before sealing).
DERIVED: dict[str, Any] = {"incident_people": _people_outcomes}


def canonical_state(session: Session, record_type: str, record_id: int) -> bytes | None:
    """The record's row and its children's rows as JSON, or None if it does not exist."""
    model, children = SEALED[record_type]
    table: Table = model.__table__
    rows = _rows(session, table, "id", record_id)
    if not rows:
        return None
    excluded = EXCLUDED.get(record_type, frozenset())
    late = LATE_COLUMNS.get(record_type, {})
    document: dict[str, Any] = {
        "row": {
            key: value
            for key, value in rows[0].items()
            if key not in excluded and not (key in late and value == late[key])
        }
    }
    late_children = LATE_CHILDREN.get(record_type, frozenset())
    for child, column in children:
        child_table: Table = child.__table__
        child_rows = _rows(session, child_table, column, record_id)
        if child_table.name in DERIVED:
            DERIVED[child_table.name](session, child_rows)
        if child_rows or child_table.name not in late_children:
            document[child_table.name] = child_rows
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def seal_digest(key: bytes, event_id: int, event_hash: str, state: bytes) -> str:
    head = f"{event_id}\n{event_hash}\n".encode()
    return hmac.new(key, head + state, hashlib.sha256).hexdigest()


def mark_for_sealing(session: Session, key: bytes, event: AuditEvent) -> None:
    """Seal the event's record when the transaction commits (its final state, whatever the
    service changes after the event in the same transaction)."""
    _pend(session, key, event.record_type, event.record_id, event)


def _pend(
    session: Session, key: bytes, record_type: str, record_id: str, event: AuditEvent
) -> None:
    pending: dict[tuple[str, str], AuditEvent] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = {}

        def _before_commit(_session: Session) -> None:
            marked = _session.info.pop(_PENDING, {})
            _session.flush()
            for (record_type, record_id), newest in marked.items():
                _seal(_session, key, record_type, record_id, newest)
            _session.flush()

        def _after_rollback(_session: Session, _previous: object) -> None:
            _session.info.pop(_PENDING, None)

        sa_event.listen(session, "before_commit", _before_commit, once=True)
        sa_event.listen(session, "after_soft_rollback", _after_rollback, once=True)
    pending[(record_type, record_id)] = event


def mark_batch_for_sealing(
    session: Session, key: bytes, record_type: str, record_ids: list[int]
) -> None:
    """A bulk change audited by one event without a record id (a roster import), appended
    just before this call in the same transaction: each listed record that has a seal is
    sealed again at commit, tied to that event (else its old seal would no longer match).
    Records without a seal are left unsealed (sealing every row of a large import would
    cost a query per row)."""
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    if event is None or not record_ids:
        return
    sealed: list[str] = []
    wanted = [str(i) for i in dict.fromkeys(record_ids)]
    for start in range(0, len(wanted), _CHUNK):
        sealed.extend(
            session.scalars(
                select(RecordSeal.record_id).where(
                    RecordSeal.record_type == str(record_type),
                    RecordSeal.record_id.in_(wanted[start : start + _CHUNK]),
                )
            )
        )
    for record_id in sealed:
        _pend(session, key, str(record_type), record_id, event)


def _seal(
    session: Session, key: bytes, record_type: str, record_id: str, event: AuditEvent
) -> None:
    state = canonical_state(session, record_type, int(record_id))
    if state is None and event.action.rsplit(".", 1)[-1] == PURGE_ACTION:
        state = PURGED_STATE  # purged under the retention schedule: sealed as purged
    seal = cast(Table, RecordSeal.__table__)
    if state is None:  # deleted in this transaction: nothing left to seal
        session.execute(
            delete(seal).where(seal.c.record_type == record_type, seal.c.record_id == record_id)
        )
        return
    digest = seal_digest(key, event.id, event.hash, state)
    # One statement whether the record had a seal or not (no read of the old one). Each
    # dialect's insert is imported only on its own store: PostgreSQL's dialect package costs
    # about 2 MiB that a SQLite terminal never uses (issue 16).
    insert: Any  # the dialect's insert (both have on_conflict_do_update)
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    upsert = insert(seal).values(
        record_type=record_type, record_id=record_id, event_id=event.id, digest=digest
    )
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=[seal.c.record_type, seal.c.record_id],
            set_={"event_id": event.id, "digest": digest},
        )
    )


@dataclass
class RecordsReport:
    checked: int = 0
    unsealed: int = 0
    purged: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_records(session: Session, key: bytes, *, limit: int = 200) -> RecordsReport:
    """Recompute every sealed record type's seals; name each record that differs."""
    report = RecordsReport()
    for record_type, (model, _children) in SEALED.items():
        table: Table = model.__table__
        # Sealing began for each type at its own first seal (students, shifts, checklist items
        # and officers later than incidents): a record changed before then has no seal.
        first_seal = session.scalar(
            select(func.min(RecordSeal.event_id)).where(RecordSeal.record_type == record_type)
        )
        seals = {
            seal.record_id: seal
            for seal in session.scalars(
                select(RecordSeal).where(RecordSeal.record_type == record_type)
            )
        }
        latest = _latest_changes(session, record_type)
        for record_id in _ids(session, table):
            report.checked += 1
            name = f"{record_type} #{record_id}"
            seal = seals.pop(str(record_id), None)
            newest = latest.get(str(record_id))
            if seal is None:
                if first_seal is not None and newest is not None and newest >= first_seal:
                    report.problems.append(
                        f"{name} has lost its seal (changed since event #{newest})"
                    )
                else:
                    report.unsealed += 1
                continue
            event_hash = session.scalar(
                select(AuditEvent.hash).where(AuditEvent.id == seal.event_id)
            )
            state = canonical_state(session, record_type, record_id)
            if state is None or event_hash is None:
                report.problems.append(f"{name}: the event #{seal.event_id} of its seal is gone")
            elif not hmac.compare_digest(
                seal_digest(key, seal.event_id, event_hash, state), seal.digest
            ):
                report.problems.append(
                    f"{name} was changed outside sro-tui after its audited change #{seal.event_id}"
                )
            elif newest is not None and newest > seal.event_id:
                report.problems.append(
                    f"{name} is an older state put back: its seal is of event #{seal.event_id}, "
                    f"its latest change is event #{newest}"
                )
        for gone, seal in seals.items():
            if _purged(session, key, seal):
                report.purged += 1
            else:
                report.problems.append(f"{record_type} #{gone} was deleted outside sro-tui")
        if len(report.problems) > limit:
            del report.problems[limit:]
            break
    return report


def _purged(session: Session, key: bytes, seal: RecordSeal) -> bool:
    """Whether a seal without its record is that of an audited purge of it."""
    event = session.get(AuditEvent, seal.event_id)
    return (
        event is not None
        and event.action.rsplit(".", 1)[-1] == PURGE_ACTION
        and event.record_id == seal.record_id
        and hmac.compare_digest(seal_digest(key, event.id, event.hash, PURGED_STATE), seal.digest)
    )


def _ids(session: Session, table: Table) -> Iterator[int]:
    last = 0
    while True:
        chunk = list(
            session.scalars(
                select(table.c.id).where(table.c.id > last).order_by(table.c.id).limit(_CHUNK)
            )
        )
        if not chunk:
            return
        yield from chunk
        last = chunk[-1]


def _latest_changes(session: Session, record_type: str) -> dict[str, int]:
    """The newest successful change event of each record of this type."""
    rows = session.execute(
        select(AuditEvent.record_id, AuditEvent.action, AuditEvent.id)
        .where(AuditEvent.record_type == record_type, AuditEvent.outcome == "success")
        .order_by(AuditEvent.id)
    )
    latest: dict[str, int] = {}
    for record_id, action, event_id in rows:
        if seals_change(action, record_type, record_id, "success"):
            latest[record_id] = event_id
    return latest


__all__ = [
    "RecordsReport",
    "check_records",
    "mark_batch_for_sealing",
    "mark_for_sealing",
    "seals_change",
]
