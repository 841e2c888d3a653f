"""Schools and the agency-editable reference codes (categories, locations, programs)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from .base import ReadSchema, Schema
from .enums import ComplianceKind, SchoolLevel
from .text import Line, RequiredLine

CODE_PATTERN = re.compile(r"^[A-Z0-9_-]{1,20}$")


def normalise_code(value: str) -> str:
    code = value.strip().upper()
    if not CODE_PATTERN.match(code):
        raise ValueError("must be 1 to 20 capital letters, digits, '-' or '_'")
    return code


Code = Annotated[str, AfterValidator(normalise_code)]


class SchoolCreate(Schema):
    code: Code = Field(title="Code")
    name: RequiredLine = Field(title="Name")
    level: SchoolLevel = Field(default=SchoolLevel.HIGH, title="Level")


class SchoolRead(ReadSchema):
    id: int
    code: str
    name: str
    level: SchoolLevel
    active: bool


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
