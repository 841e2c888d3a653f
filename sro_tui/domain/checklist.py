"""The daily duty checklist: a shift (officer + date + school) and its items."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from .base import ReadSchema, Schema
from .enums import ChecklistStatus
from .text import Line, RequiredLine, Text


class ChecklistItemRead(ReadSchema):
    id: int
    shift_id: int
    position: int
    label: str
    location_code: str | None
    status: ChecklistStatus
    status_at: datetime | None
    skip_reason: str
    note: str
    one_off: bool
    version: int = 1  # moved on by every change (domain.versions)


class ShiftRead(ReadSchema):
    id: int
    officer_id: int
    school_id: int
    school_name: str = ""
    shift_date: date
    started_at: datetime
    items: tuple[ChecklistItemRead, ...] = ()

    @property
    def progress(self) -> tuple[int, int]:
        """(items settled, items in all): done and skipped both count as settled."""
        settled = sum(1 for item in self.items if item.status is not ChecklistStatus.PENDING)
        return settled, len(self.items)


class SkipItem(Schema):
    reason: RequiredLine = Field(title="Reason")


class ItemNote(Schema):
    note: Text = Field(default="", title="Note")


class OneOffItem(Schema):
    label: RequiredLine = Field(title="Item")
    location_code: Line | None = Field(default=None, title="Location")


class TemplateItemCreate(Schema):
    label: RequiredLine = Field(title="Item")
    location_code: Line | None = Field(default=None, title="Location")
    position: int = Field(default=0, ge=0, title="Position")
