"""A student's timeline: incidents, mentoring notes and referrals in one list, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from .base import ReadSchema

TimelineKind = Literal["incident", "note", "referral", "trespass", "threat"]


class TimelineEntry(ReadSchema):
    """One line of a student's history as the reader may see it.

    ``redacted`` entries say only that a record exists, who wrote it and when: a confidential
    note of another officer, or an incident the reader may not open. Their ``summary`` is
    empty. ``record_id`` is what a screen opens; the record's own service still decides
    whether the reader may see it.
    """

    kind: TimelineKind
    record_id: int
    at: datetime
    title: str
    summary: str = ""
    officer_name: str = ""
    redacted: bool = False
