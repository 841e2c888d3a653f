"""Calls for service: every request for the officer's action (by staff, a parent, dispatch),
whether or not a report follows. No SQL here."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, field_validator

from .base import ReadSchema, Schema, ensure_utc
from .text import Line, RequiredLine, Text


class CallerKind(StrEnum):
    STAFF = "staff"
    PARENT = "parent"
    DISPATCH = "dispatch"
    STUDENT = "student"
    OTHER = "other"


class Disposition(StrEnum):
    RESOLVED = "resolved by officer"
    SCHOOL = "handled by school"
    REPORT = "report taken"
    REFERRED = "referred elsewhere"
    UNFOUNDED = "unfounded"
    GONE = "gone on arrival"


class CallCreate(Schema):
    caller: RequiredLine = Field(max_length=200, title="Who called")
    caller_kind: CallerKind = Field(default=CallerKind.STAFF, title="Caller")
    school_id: int = Field(ge=1, title="School")
    location: Line = Field(default="", max_length=200, title="Where")
    what: Text = Field(title="What")
    disposition: Disposition = Field(default=Disposition.RESOLVED, title="Disposition")
    received_at: datetime | None = Field(default=None, title="Time")

    @field_validator("received_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return ensure_utc(value) if value is not None else None

    @field_validator("what")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is required")
        return value


class CallRead(ReadSchema):
    id: int
    received_at: datetime
    officer_id: int
    officer_name: str
    school_id: int
    school_code: str
    caller: str
    caller_kind: CallerKind
    location: str
    what: str
    disposition: Disposition
    incident_id: int | None
