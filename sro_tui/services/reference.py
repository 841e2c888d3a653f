"""Reference data: schools, offense categories, locations, programs, the checklist template.

Seeded from ``sro_tui/data/reference.json`` into a new store, then the agency's to edit.
Seeding adds only what is missing (matched by code), so running it again is harmless. The
four sample Ventura high schools go in only when asked (`sro init --sample-schools`, the demo,
the tests' stores): a real department adds its own schools and would only retire them.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.checklist import parse_weekdays, weekdays_label
from ..domain.enums import AuditOutcome, ChecklistKind, ComplianceKind, RecordType, SchoolLevel
from ..domain.errors import Conflict, NotFound, PermissionDenied, SroError
from ..domain.officers import Actor
from ..domain.permissions import may_manage_reference
from ..domain.schools import (
    CategoryRead,
    LocationRead,
    ProgramRead,
    ReferenceItem,
    ReferenceItemCreate,
    ReferenceKind,
    SchoolCreate,
    SchoolRead,
    SchoolUpdate,
    TemplateItemCreate,
    TemplateItemRead,
)
from ..domain.text import check_line
from ..store.models import (
    ChecklistTemplateItem,
    Incident,
    IncidentOffense,
    Location,
    OffenseCategory,
    Referral,
    ReferralProgram,
    School,
)
from .audit import AuditTrail
from .context import ServiceContext


def load_reference_data() -> dict[str, Any]:
    text = resources.files("sro_tui.data").joinpath("reference.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def category_read(row: OffenseCategory) -> CategoryRead:
    return CategoryRead(
        id=row.id,
        code=row.code,
        name=row.name,
        nibrs=row.nibrs,
        ed_code=row.ed_code,
        severity=row.severity,
        criminal=row.criminal,
        active=row.active,
        compliance=tuple(ComplianceKind(c) for c in row.compliance.split()),
    )


def school_keys(session: Session, *, include_inactive: bool = True) -> dict[str, int]:
    """Every key a roster file (or a command) may name a school by, upper-case -> school id:
    our code and the district's number for it. For roster import (services/roster.py)."""
    query = select(School.id, School.code, School.district_number)
    if not include_inactive:
        query = query.where(School.active.is_(True))
    keys: dict[str, int] = {}
    for school_id, _code, number in session.execute(query):
        if number:
            keys[number.upper()] = school_id
    for school_id, code, _ in session.execute(query):
        keys[code.upper()] = school_id  # a code wins over another school's equal number
    return keys


_LISTS: dict[ReferenceKind, Any] = {
    ReferenceKind.CATEGORY: OffenseCategory,
    ReferenceKind.LOCATION: Location,
    ReferenceKind.PROGRAM: ReferralProgram,
}


def _uses(session: Session, kind: ReferenceKind) -> dict[int, int]:
    """How many records use each row of a code list (a used row is retired, never removed)."""
    if kind is ReferenceKind.CATEGORY:
        column = IncidentOffense.category_id
    elif kind is ReferenceKind.LOCATION:
        column = Incident.location_id
    else:
        column = Referral.program_id
    return {k: n for k, n in session.execute(select(column, func.count()).group_by(column))}


def seed_sample_schools(session: Session) -> int:
    """Add the sample high schools of reference.json that are missing; how many were added."""
    have = set(session.scalars(select(School.code)))
    added = 0
    for item in load_reference_data()["schools"]:
        if item["code"] not in have:
            session.add(School(code=item["code"], name=item["name"], level=item["level"]))
            added += 1
    session.flush()
    return added


def seed_reference(session: Session, *, sample_schools: bool = False) -> dict[str, int]:
    """Insert missing reference rows; return how many of each kind were added. Schools only
    with ``sample_schools``: a department's own schools are its administrator's to add."""
    data = load_reference_data()
    added = {"schools": 0, "categories": 0, "locations": 0, "programs": 0, "checklist": 0}
    if sample_schools:
        added["schools"] = seed_sample_schools(session)

    have = set(session.scalars(select(OffenseCategory.code)))
    for pos, item in enumerate(data["categories"]):
        if item["code"] not in have:
            session.add(
                OffenseCategory(
                    code=item["code"],
                    name=item["name"],
                    nibrs=item["nibrs"],
                    ed_code=item["ed_code"],
                    severity=item["severity"],
                    criminal=item["criminal"],
                    compliance=" ".join(item["compliance"]),
                    position=pos,
                )
            )
            added["categories"] += 1

    have = set(session.scalars(select(Location.code)))
    for pos, item in enumerate(data["locations"]):
        if item["code"] not in have:
            session.add(
                Location(
                    code=item["code"],
                    name=item["name"],
                    nibrs_location=item.get("nibrs_location", "53"),
                    position=pos,
                )
            )
            added["locations"] += 1

    have = set(session.scalars(select(ReferralProgram.code)))
    for pos, item in enumerate(data["programs"]):
        if item["code"] not in have:
            session.add(
                ReferralProgram(
                    code=item["code"],
                    name=item["name"],
                    consent_required=item["consent_required"],
                    position=pos,
                )
            )
            added["programs"] += 1

    if session.scalar(select(ChecklistTemplateItem.id).limit(1)) is None:
        for pos, item in enumerate(data["checklist"]):
            session.add(
                ChecklistTemplateItem(
                    position=pos,
                    label=item["label"],
                    location_code=item["location_code"],
                    kind=item.get("kind", ChecklistKind.OTHER.value),
                )
            )
            added["checklist"] += 1
    session.flush()
    return added


class ReferenceService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def seed(self, actor: Actor, *, sample_schools: bool = False) -> dict[str, int]:
        with self.ctx.db.write() as session:
            added = seed_reference(session, sample_schools=sample_schools)
            if any(added.values()):
                self.audit.record(
                    session,
                    actor,
                    "reference.seed",
                    record_type=RecordType.REFERENCE,
                    detail=", ".join(f"{k} {v}" for k, v in added.items() if v),
                )
            return added

    # Reference lists are short (tens of rows): read whole, ordered for pickers.

    def schools(self, *, include_inactive: bool = False) -> list[SchoolRead]:
        with self.ctx.db.read() as session:
            query = select(School).order_by(School.level, School.name)
            if not include_inactive:
                query = query.where(School.active.is_(True))
            return [SchoolRead.model_validate(s) for s in session.scalars(query)]

    def school(self, school_id: int) -> SchoolRead:
        with self.ctx.db.read() as session:
            row = session.get(School, school_id)
            if row is None:
                raise NotFound(f"No school with id {school_id}")
            return SchoolRead.model_validate(row)

    def school_by_code(self, code: str) -> SchoolRead:
        with self.ctx.db.read() as session:
            row = session.scalar(select(School).where(School.code == code.strip().upper()))
            if row is None:
                raise NotFound(f"No school with code {code!r}")
            return SchoolRead.model_validate(row)

    def add_school(self, actor: Actor, data: SchoolCreate) -> SchoolRead:
        self._require_admin(actor, "school.create", RecordType.SCHOOL, data.code)
        try:
            with self.ctx.db.write() as session:
                if session.scalar(
                    select(School.id).where(
                        (School.code == data.code) | (School.district_number == data.code)
                    )
                ):
                    raise Conflict(
                        f"School code {data.code} is already in use (as a code or a district "
                        "number)",
                        field="code",
                    )
                self._check_number_free(session, data.district_number, None)
                row = School(
                    code=data.code,
                    name=data.name,
                    level=SchoolLevel(data.level).value,
                    district_number=data.district_number,
                    active=True,
                )
                session.add(row)
                session.flush()
                self.audit.record(
                    session,
                    actor,
                    "school.create",
                    record_type=RecordType.SCHOOL,
                    record_id=row.id,
                    detail=f"{row.code}: {row.name!r}, {row.level}"
                    + (f", district number {row.district_number}" if row.district_number else ""),
                )
                return SchoolRead.model_validate(row)
        except IntegrityError as exc:
            raise Conflict(
                f"School code {data.code} or its district number is already in use", field="code"
            ) from exc

    def edit_school(self, actor: Actor, code: str, data: SchoolUpdate) -> SchoolRead:
        """Change a school's name, level or district number (its code stays: rosters, reports
        and officers' assignments name it)."""
        self._require_admin(actor, "school.update", RecordType.SCHOOL, code)
        number = data.number()
        try:
            with self.ctx.db.write() as session:
                row = self._school_row(session, code)
                changes: list[str] = []
                if data.name is not None and data.name != row.name:
                    changes.append(f"name {row.name!r} -> {data.name!r}")
                    row.name = data.name
                if data.level is not None and data.level.value != row.level:
                    changes.append(f"level {row.level} -> {data.level.value}")
                    row.level = data.level.value
                if data.district_number is not None and number != row.district_number:
                    self._check_number_free(session, number, row.id)
                    changes.append(
                        f"district number {row.district_number or '(none)'} -> {number or '(none)'}"
                    )
                    row.district_number = number
                if changes:
                    session.flush()
                    self.audit.record(
                        session,
                        actor,
                        "school.update",
                        record_type=RecordType.SCHOOL,
                        record_id=row.id,
                        detail=f"{row.code}: " + "; ".join(changes),
                    )
                return SchoolRead.model_validate(row)
        except IntegrityError as exc:
            raise Conflict(
                f"District number {number} is already another school's", field="district_number"
            ) from exc

    def set_school_active(self, actor: Actor, code: str, active: bool) -> SchoolRead:
        """Retire a school (gone from pickers and rosters; its records, officers' past work and
        reports keep it) or bring it back. A school is never deleted."""
        action = "school.restore" if active else "school.retire"
        self._require_admin(actor, action, RecordType.SCHOOL, code)
        with self.ctx.db.write() as session:
            row = self._school_row(session, code)
            if row.active != active:
                row.active = active
                self.audit.record(
                    session,
                    actor,
                    action,
                    record_type=RecordType.SCHOOL,
                    record_id=row.id,
                    detail=f"{row.code}: active {not active} -> {active}",
                )
            return SchoolRead.model_validate(row)

    def school_for_key(self, key: str, *, include_inactive: bool = False) -> SchoolRead:
        """A school by our code or by the district's number for it."""
        with self.ctx.db.read() as session:
            school_id = school_keys(session, include_inactive=include_inactive).get(
                key.strip().upper()
            )
            if school_id is None:
                raise NotFound(f"No school with code or district number {key!r}", field="school")
            return SchoolRead.model_validate(session.get(School, school_id))

    def _school_row(self, session: Session, code: str) -> School:
        key = code.strip().upper()
        row = session.scalar(select(School).where(School.code == key))
        if row is None:
            row = session.scalar(select(School).where(School.district_number == key))
        if row is None:
            raise NotFound(f"No school with code {code!r}", field="code")
        return row

    @staticmethod
    def _check_number_free(session: Session, number: str | None, school_id: int | None) -> None:
        if number is None:
            return
        other = session.scalar(
            select(School.code).where(
                (School.district_number == number) | (School.code == number),
                School.id != (school_id or 0),
            )
        )
        if other is not None:
            raise Conflict(
                f"District number {number} is already school {other}'s code or number",
                field="district_number",
            )

    def _require_admin(
        self, actor: Actor, action: str, record_type: str, record_id: object
    ) -> None:
        if not may_manage_reference(actor):
            self.audit.record_alone(
                actor,
                action,
                record_type=record_type,
                record_id=record_id,
                outcome=AuditOutcome.DENIED,
            )
            raise PermissionDenied("Only an administrator can change the agency's reference data")

    def categories(self) -> list[CategoryRead]:
        with self.ctx.db.read() as session:
            rows = session.scalars(
                select(OffenseCategory)
                .where(OffenseCategory.active.is_(True))
                .order_by(OffenseCategory.position, OffenseCategory.name)
            )
            return [category_read(r) for r in rows]

    def locations(self) -> list[LocationRead]:
        with self.ctx.db.read() as session:
            rows = session.scalars(
                select(Location).where(Location.active.is_(True)).order_by(Location.position)
            )
            return [LocationRead.model_validate(r) for r in rows]

    def programs(self) -> list[ProgramRead]:
        with self.ctx.db.read() as session:
            rows = session.scalars(
                select(ReferralProgram)
                .where(ReferralProgram.active.is_(True))
                .order_by(ReferralProgram.position)
            )
            return [ProgramRead.model_validate(r) for r in rows]

    def checklist_template(self) -> list[TemplateItemRead]:
        with self.ctx.db.read() as session:
            rows = session.scalars(
                select(ChecklistTemplateItem)
                .where(ChecklistTemplateItem.active.is_(True))
                .order_by(ChecklistTemplateItem.position)
            )
            return [TemplateItemRead.model_validate(r) for r in rows]

    # -- administration of the code lists ----------------------------------------------------

    def reference_items(self, kind: ReferenceKind) -> list[ReferenceItem]:
        """One code list, retired rows too, with how many records use each row."""
        model = _LISTS[kind]
        with self.ctx.db.read() as session:
            uses = _uses(session, kind)
            rows = session.scalars(select(model).order_by(model.position, model.name))
            return [
                ReferenceItem(
                    kind=kind,
                    id=r.id,
                    code=r.code,
                    name=r.name,
                    active=r.active,
                    uses=uses.get(r.id, 0),
                    nibrs=str(getattr(r, "nibrs", "") or getattr(r, "nibrs_location", "")),
                )
                for r in rows
            ]

    def add_reference(
        self, actor: Actor, kind: ReferenceKind, data: ReferenceItemCreate
    ) -> ReferenceItem:
        model = _LISTS[kind]
        self._require_admin(actor, f"{kind}.create", RecordType.REFERENCE, f"{kind}:{data.code}")
        taken = Conflict(f"{kind.capitalize()} code {data.code} is already in use", field="code")
        try:
            with self.ctx.db.write() as session:
                if session.scalar(select(model.id).where(model.code == data.code)):
                    raise taken
                position = session.scalar(select(func.max(model.position))) or 0
                row = model(code=data.code, name=data.name, position=position + 1, active=True)
                if kind is ReferenceKind.CATEGORY:
                    row.nibrs, row.ed_code = data.nibrs, data.ed_code
                    row.severity, row.criminal, row.compliance = data.severity, data.criminal, ""
                elif kind is ReferenceKind.PROGRAM:
                    row.consent_required = data.consent_required
                elif kind is ReferenceKind.LOCATION and data.nibrs:
                    if len(data.nibrs) > 10:
                        raise SroError("NIBRS location codes are short (e.g. 53)", field="nibrs")
                    row.nibrs_location = data.nibrs  # else 53, school
                session.add(row)
                session.flush()
                self.audit.record(
                    session,
                    actor,
                    f"{kind}.create",
                    record_type=RecordType.REFERENCE,
                    record_id=f"{kind}:{row.code}",
                    detail=f"{row.code}: {row.name!r}",
                )
                return ReferenceItem(
                    kind=kind, id=row.id, code=row.code, name=row.name, active=True
                )
        except IntegrityError as exc:
            raise taken from exc

    def rename_reference(
        self, actor: Actor, kind: ReferenceKind, code: str, name: str
    ) -> ReferenceItem:
        """A new name for a code (its records show the new name; the code stays)."""
        new_name = check_line(name)
        if not new_name:
            raise SroError("Name is required", field="name")
        if len(new_name) > 200:
            raise SroError("Name is too long (at most 200 characters)", field="name")
        return self._change_reference(actor, kind, code, "rename", name=new_name)

    def set_reference_active(
        self, actor: Actor, kind: ReferenceKind, code: str, active: bool
    ) -> ReferenceItem:
        """Retire a code (gone from pickers; records that use it keep it) or bring it back."""
        return self._change_reference(
            actor, kind, code, "restore" if active else "retire", active=active
        )

    def _change_reference(
        self,
        actor: Actor,
        kind: ReferenceKind,
        code: str,
        verb: str,
        *,
        name: str | None = None,
        active: bool | None = None,
    ) -> ReferenceItem:
        model = _LISTS[kind]
        key = code.strip().upper()
        action = f"{kind}.{verb}"
        self._require_admin(actor, action, RecordType.REFERENCE, f"{kind}:{key}")
        with self.ctx.db.write() as session:
            row = session.scalar(select(model).where(model.code == key))
            if row is None:
                raise NotFound(f"No {kind} with code {code!r}", field="code")
            detail = ""
            if name is not None and name != row.name:
                detail = f"name {row.name!r} -> {name!r}"
                row.name = name
            if active is not None and active != row.active:
                detail = f"active {row.active} -> {active}"
                row.active = active
            if detail:
                self.audit.record(
                    session,
                    actor,
                    action,
                    record_type=RecordType.REFERENCE,
                    record_id=f"{kind}:{row.code}",
                    detail=f"{row.code}: {detail}",
                )
            uses = _uses(session, kind).get(row.id, 0)
            return ReferenceItem(
                kind=kind, id=row.id, code=row.code, name=row.name, active=row.active, uses=uses
            )

    # -- checklist templates -----------------------------------------------------------------

    def template_items(self, school_id: int | None = None) -> list[TemplateItemRead]:
        """Every template item (retired too) in the checklist's one order: each school's shift
        takes the items for every school and its own, in this order. With ``school_id``, what
        that school's shifts start from (every-school items and its own)."""
        with self.ctx.db.read() as session:
            query = select(ChecklistTemplateItem).order_by(
                ChecklistTemplateItem.position, ChecklistTemplateItem.id
            )
            if school_id is not None:
                query = query.where(
                    ChecklistTemplateItem.school_id.is_(None)
                    | (ChecklistTemplateItem.school_id == school_id)
                )
            return [TemplateItemRead.model_validate(r) for r in session.scalars(query)]

    def add_template_item(self, actor: Actor, data: TemplateItemCreate) -> TemplateItemRead:
        """A new item at the end of the checklist of every school, or of one school's
        (``school_id``); shifts opened from now on have it."""
        self._require_admin(actor, "checklist_template.create", RecordType.REFERENCE, data.label)
        with self.ctx.db.write() as session:
            if data.school_id is not None and session.get(School, data.school_id) is None:
                raise NotFound(f"No school with id {data.school_id}", field="school_id")
            if data.location_code is not None and not session.scalar(
                select(Location.id).where(Location.code == data.location_code)
            ):
                raise NotFound(f"No location with code {data.location_code}", field="location_code")
            position = session.scalar(select(func.max(ChecklistTemplateItem.position))) or 0
            row = ChecklistTemplateItem(
                position=position + 1,
                label=data.label,
                location_code=data.location_code,
                school_id=data.school_id,
                weekdays=data.weekdays,
                kind=data.kind.value,
                active=True,
            )
            session.add(row)
            session.flush()
            self.audit.record(
                session,
                actor,
                "checklist_template.create",
                record_type=RecordType.REFERENCE,
                record_id=f"checklist_template:{row.id}",
                detail=f"{row.label!r} for "
                + (f"school id {row.school_id}" if row.school_id else "every school")
                + f", {weekdays_label(row.weekdays)}, {row.kind}",
            )
            return TemplateItemRead.model_validate(row)

    def edit_template_item(
        self,
        actor: Actor,
        item_id: int,
        *,
        label: str | None = None,
        active: bool | None = None,
        days: str | None = None,
        kind: ChecklistKind | None = None,
    ) -> TemplateItemRead:
        """Reword a template item, change the weekdays it is on (``days`` as typed: "Mon-Fri",
        "tue,thu"; blank: every day) or its kind (shifts opened from now on copy it), or
        retire it (shifts already opened keep their items)."""
        editing = label is not None or days is not None or kind is not None
        verb = "update" if editing else ("restore" if active else "retire")
        action = f"checklist_template.{verb}"
        self._require_admin(actor, action, RecordType.REFERENCE, f"checklist_template:{item_id}")
        new_label = None
        if label is not None:
            new_label = check_line(label)
            if not new_label or len(new_label) > 200:
                raise SroError("Item must be 1 to 200 characters", field="label")
        new_days: str | None = None
        if days is not None:
            try:
                new_days = parse_weekdays(days)
            except ValueError as exc:
                raise SroError(str(exc), field="weekdays") from exc
        with self.ctx.db.write() as session:
            row = session.get(ChecklistTemplateItem, item_id)
            if row is None:
                raise NotFound(f"No checklist template item {item_id}", field="item")
            changes: list[str] = []
            if new_label is not None and new_label != row.label:
                changes.append(f"label {row.label!r} -> {new_label!r}")
                row.label = new_label
            if days is not None and new_days != row.weekdays:
                changes.append(f"days {weekdays_label(row.weekdays)} -> {weekdays_label(new_days)}")
                row.weekdays = new_days
            if kind is not None and kind.value != row.kind:
                changes.append(f"kind {row.kind} -> {kind.value}")
                row.kind = kind.value
            if active is not None and active != row.active:
                changes.append(f"active {row.active} -> {active}")
                row.active = active
            if changes:
                self.audit.record(
                    session,
                    actor,
                    action,
                    record_type=RecordType.REFERENCE,
                    record_id=f"checklist_template:{row.id}",
                    detail="; ".join(changes),
                )
            return TemplateItemRead.model_validate(row)

    def move_template_item(self, actor: Actor, item_id: int, step: int) -> TemplateItemRead:
        """Move a template item one place up (``step`` -1) or down (+1) in the checklist's one
        order (``template_items``, retired items included), past the item next to it whichever
        school that is for: a school's own item can so go between two every-school items. At
        the top or bottom already: nothing changes."""
        if step not in (-1, 1):
            raise SroError("An item moves one place up or down", field="step")
        action = "checklist_template.move"
        self._require_admin(actor, action, RecordType.REFERENCE, f"checklist_template:{item_id}")
        with self.ctx.db.write() as session:
            row = session.get(ChecklistTemplateItem, item_id, with_for_update=True)
            if row is None:
                raise NotFound(f"No checklist template item {item_id}", field="item")
            items = list(
                session.scalars(
                    select(ChecklistTemplateItem)
                    .order_by(ChecklistTemplateItem.position, ChecklistTemplateItem.id)
                    .with_for_update()
                )
            )
            at = next(i for i, item in enumerate(items) if item.id == row.id)
            to = at + step
            if not 0 <= to < len(items):
                return TemplateItemRead.model_validate(row)
            positions = [item.position for item in items]
            items[at], items[to] = items[to], items[at]
            for i, item in enumerate(items):  # the same positions, kept strictly rising
                position = positions[i] if i == 0 else max(positions[i], items[i - 1].position + 1)
                item.position = position
            self.audit.record(
                session,
                actor,
                action,
                record_type=RecordType.REFERENCE,
                record_id=f"checklist_template:{row.id}",
                detail=f"{row.label!r} {'up' if step < 0 else 'down'} to place {to + 1} of "
                + f"{len(items)}",
            )
            return TemplateItemRead.model_validate(row)
