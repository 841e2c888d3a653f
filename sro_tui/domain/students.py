"""Students: the least a police record needs about a juvenile (FERPA: the school keeps the rest)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from .base import ReadSchema, Schema
from .names import name_key
from .text import RequiredName

DISTRICT_ID_PATTERN = re.compile(r"^[A-Z0-9-]{1,20}$")
MIN_GRADE, MAX_GRADE = -1, 12  # -1 is transitional kindergarten, 0 kindergarten


def normalise_district_id(value: str) -> str:
    district_id = value.strip().upper()
    if not DISTRICT_ID_PATTERN.match(district_id):
        raise ValueError("must be 1 to 20 letters, digits or '-'")
    return district_id


DistrictId = Annotated[str, AfterValidator(normalise_district_id)]


def fold_name(text: str) -> str:
    """Lower-case, accents dropped, spaces collapsed: how names are compared in search."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def search_name_for(last_name: str, first_name: str) -> str:
    """The students.search_name value: the name key of "last first" (domain.names)."""
    return name_key(f"{last_name} {first_name}")[:401]


def grade_label(grade: int | None) -> str:
    if grade is None:
        return ""
    return {-1: "TK", 0: "K"}.get(grade, str(grade))


class StudentCreate(Schema):
    district_id: DistrictId = Field(title="District ID")
    first_name: RequiredName = Field(title="First name")
    last_name: RequiredName = Field(title="Last name")
    school_id: int | None = Field(default=None, title="School")
    grade: int | None = Field(default=None, ge=MIN_GRADE, le=MAX_GRADE, title="Grade")


class StudentUpdate(Schema):
    first_name: RequiredName | None = Field(default=None, title="First name")
    last_name: RequiredName | None = Field(default=None, title="Last name")
    school_id: int | None = Field(default=None, title="School")
    grade: int | None = Field(default=None, ge=MIN_GRADE, le=MAX_GRADE, title="Grade")


class StudentRead(ReadSchema):
    id: int
    district_id: str
    first_name: str
    last_name: str
    school_id: int | None
    grade: int | None
    created_at: datetime
    version: int = 1  # moved on by every change (domain.versions)

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"
