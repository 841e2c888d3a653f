"""Schools and the agency-editable reference codes (categories, locations, programs)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from .base import ReadSchema, Schema
from .checklist import Weekdays
from .enums import ChecklistKind, ComplianceKind, SchoolLevel
from .text import Line, RequiredLine

CODE_PATTERN = re.compile(r"^[A-Z0-9_-]{1,20}$")


def normalise_code(value: str) -> str:
    code = value.strip().upper()
    if not CODE_PATTERN.match(code):
        raise ValueError("must be 1 to 20 capital letters, digits, '-' or '_'")
    return code


Code = Annotated[str, AfterValidator(normalise_code)]


def normalise_number(value: str | None) -> str | None:
    """The district's number for a school: optional; blank means none."""
    if value is None or not value.strip():
        return None
    return normalise_code(value)


DistrictNumber = Annotated[str | None, AfterValidator(normalise_number)]


class SchoolCreate(Schema):
    code: Code = Field(title="Code")
    name: RequiredLine = Field(title="Name")
    level: SchoolLevel = Field(default=SchoolLevel.HIGH, title="Level")
    district_number: DistrictNumber = Field(default=None, title="District number")


class SchoolUpdate(Schema):
    """What an edit changes (None: left as it is; a blank district number removes it)."""

    name: RequiredLine | None = Field(default=None, title="Name")
    level: SchoolLevel | None = Field(default=None, title="Level")
    district_number: str | None = Field(default=None, title="District number")

    def number(self) -> str | None:
        return normalise_number(self.district_number)


class SchoolRead(ReadSchema):
    id: int
    code: str
    name: str
    level: SchoolLevel
    active: bool
    district_number: str | None = None


class CategoryCreate(Schema):
    code: Code = Field(title="Code")
    name: RequiredLine = Field(title="Name")
    nibrs: Line = Field(default="", title="NIBRS")
    ed_code: Line = Field(default="", title="Ed Code")
    severity: int = Field(default=50, ge=0, le=100, title="Severity")
    criminal: bool = Field(default=True, title="Criminal")
    compliance: list[ComplianceKind] = Field(default_factory=list, title="Compliance")


class CategoryRead(ReadSchema):
    id: int
    code: str
    name: str
    nibrs: str
    ed_code: str
    severity: int
    criminal: bool
    compliance: tuple[ComplianceKind, ...] = ()
    active: bool = True


class LocationRead(ReadSchema):
    id: int
    code: str
    name: str
    nibrs_location: str
    active: bool = True


class ProgramRead(ReadSchema):
    id: int
    code: str
    name: str
    consent_required: bool
    active: bool = True


class TemplateItemRead(ReadSchema):
    id: int
    position: int
    label: str
    location_code: str | None = None
    active: bool = True
    school_id: int | None = None
    weekdays: str | None = None  # ISO weekday digits ("135"); None: every day
    kind: ChecklistKind = ChecklistKind.OTHER


class TemplateItemCreate(Schema):
    label: RequiredLine = Field(title="Item")
    location_code: Code | None = Field(default=None, title="Location")
    school_id: int | None = Field(default=None, ge=1, title="School")
    weekdays: Weekdays = Field(default=None, title="Days")
    kind: ChecklistKind = Field(default=ChecklistKind.OTHER, title="Kind")


class ReferenceKind(StrEnum):
    """The agency's editable code lists."""

    CATEGORY = "category"
    LOCATION = "location"
    PROGRAM = "program"


class ReferenceItemCreate(Schema):
    """A new row of a code list. The extras apply to one kind each (left at their defaults
    for the others): a category's NIBRS and Education Code references, severity (which
    offense is the most severe) and whether it is a crime; whether a program needs a
    parent's consent."""

    code: Code = Field(title="Code")
    name: RequiredLine = Field(title="Name")
    nibrs: Line = Field(default="", max_length=50, title="NIBRS")
    ed_code: Line = Field(default="", max_length=100, title="Ed Code")
    severity: int = Field(default=50, ge=0, le=100, title="Severity")
    criminal: bool = Field(default=True, title="Criminal")
    consent_required: bool = Field(default=True, title="Consent required")


class ReferenceItem(ReadSchema):
    """One row of a code list, as administration lists it."""

    kind: ReferenceKind
    id: int
    code: str
    name: str
    active: bool
    uses: int = 0
    # A category's NIBRS offense code or a location's NIBRS location code ("" for programs).
    nibrs: str = ""
