"""What the Today screen shows, as one typed result (``services.today.summary``).

Every list is bounded: at most ``TODAY_ROWS`` rows and the ``total`` there are, so a busy
officer's Today reads the same few rows however much waits ("8 of 34 shown").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import Field

from .base import ReadSchema
from .incidents import IncidentSummary
from .mentoring import NoteRead
from .referrals import ReferralRead
from .threats import FollowUpRead

TODAY_ROWS = 8
"""Rows per section: a section longer than this says how many more there are."""

RowT = TypeVar("RowT")


class Bounded(ReadSchema, Generic[RowT]):
    """The first rows of a list and how many there are in all."""

    rows: tuple[RowT, ...] = ()
    total: int = Field(default=0, ge=0)

    @property
    def more(self) -> int:
        """Rows there are beyond those given."""
        return max(0, self.total - len(self.rows))


class ShiftProgress(ReadSchema):
    """The checklist at one school today: ``started`` is False until the shift is opened."""

    school_id: int
    school_name: str
    settled: int = 0
    total: int = 0
    started: bool = False


class DraftLine(ReadSchema):
    """A draft as Today lists it (its content stays in the store until it is opened)."""

    id: int
    form: str
    title: str
    updated_at: datetime
    terminal: str = ""
    """The terminal it was typed on (drafts are kept per terminal)."""


class TodaySummary(ReadSchema):
    """Everything Today shows for one officer, school and day."""

    day: date
    shifts: tuple[ShiftProgress, ...] = ()
    returned: Bounded[IncidentSummary] = Bounded[IncidentSummary]()
    """The officer's reports a supervisor returned for changes."""
    open_incidents: Bounded[IncidentSummary] = Bounded[IncidentSummary]()
    """The officer's reports not yet approved (draft, submitted, returned), newest first."""
    drafts: Bounded[DraftLine] = Bounded[DraftLine]()
    referrals_due: Bounded[ReferralRead] = Bounded[ReferralRead]()
    notes_due: Bounded[NoteRead] = Bounded[NoteRead]()
    review_waiting: int | None = None
    """Submitted reports waiting for review: supervisors only (None for an officer)."""
    threat_follow_ups: Bounded[FollowUpRead] = Bounded[FollowUpRead]()
    """The officer's follow-ups of open threat assessment cases due today or before."""
    warnings_in_force: int = 0
    """Trespass warnings in force now that the officer may see (Campus security)."""
    calls_today: int = 0
    """Calls for service the officer logged today."""

    @property
    def waiting(self) -> int:
        """How many things wait for the officer (the shift's checklist aside)."""
        return (
            self.returned.total
            + self.open_incidents.total
            + self.drafts.total
            + self.referrals_due.total
            + self.notes_due.total
            + self.threat_follow_ups.total
            + (1 if self.review_waiting else 0)
        )
