"""Reference data: schools, offense categories, locations, programs, the checklist template.

Seeded from ``sro_tui/data/reference.json`` into a new store, then the agency's to edit.
Seeding adds only what is missing (matched by code), so running it again is harmless.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.enums import ComplianceKind, RecordType, SchoolLevel
from ..domain.errors import Conflict, NotFound, PermissionDenied
from ..domain.officers import Actor
from ..domain.permissions import may_manage_reference
from ..domain.schools import (
    CategoryRead,
    LocationRead,
    ProgramRead,
    SchoolCreate,
    SchoolRead,
    TemplateItemRead,
)
from ..store.models import (
    ChecklistTemplateItem,
    Location,
    OffenseCategory,
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


def seed_reference(session: Session) -> dict[str, int]:
    """Insert missing reference rows; return how many of each kind were added."""
    data = load_reference_data()
    added = {"schools": 0, "categories": 0, "locations": 0, "programs": 0, "checklist": 0}

    have = set(session.scalars(select(School.code)))
    for item in data["schools"]:
        if item["code"] not in have:
            session.add(School(code=item["code"], name=item["name"], level=item["level"]))
            added["schools"] += 1

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
            session.add(Location(code=item["code"], name=item["name"], position=pos))
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
                    position=pos, label=item["label"], location_code=item["location_code"]
                )
            )
            added["checklist"] += 1
    session.flush()
    return added


class ReferenceService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def seed(self, actor: Actor) -> dict[str, int]:
        with self.ctx.db.write() as session:
            added = seed_reference(session)
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
        if not may_manage_reference(actor):
            raise PermissionDenied("Only an administrator can add schools")
        try:
            with self.ctx.db.write() as session:
                if session.scalar(select(School.id).where(School.code == data.code)):
                    raise Conflict(f"School code {data.code} is already in use", field="code")
                row = School(code=data.code, name=data.name, level=SchoolLevel(data.level).value)
                session.add(row)
                session.flush()
                self.audit.record(
                    session, actor, "school.create", record_type=RecordType.SCHOOL, record_id=row.id
                )
                return SchoolRead.model_validate(row)
        except IntegrityError as exc:
            raise Conflict(f"School code {data.code} is already in use", field="code") from exc

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
