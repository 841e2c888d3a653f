"""Referrals of students to programs, tracked from referral to outcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import Field, model_validator

from .base import ReadSchema, Schema
from .enums import ConsentStatus, ReferralStatus
from .text import RequiredLine, Text

DEFAULT_FOLLOW_UP = timedelta(days=14)


class ReferralCreate(Schema):
    student_id: int = Field(title="Student")
    program_code: RequiredLine = Field(title="Program")
    reason: Text = Field(title="Reason")
    referred_on: date = Field(title="Referred on")
    incident_id: int | None = Field(default=None, title="Incident")
    note_id: int | None = Field(default=None, title="Mentoring note")
    consent: ConsentStatus = Field(default=ConsentStatus.PENDING, title="Parent consent")
    consent_on: date | None = Field(default=None, title="Consent date")
    next_follow_up_on: date | None = Field(default=None, title="Next follow-up")

    @model_validator(mode="after")
    def _rules(self) -> ReferralCreate:
        if not self.reason.strip():
            raise ValueError("Reason is required")
        if self.consent is ConsentStatus.YES and self.consent_on is None:
            raise ValueError("Consent date is required when the parent consented")
        if self.next_follow_up_on is None:
            if self.referred_on > date.max - DEFAULT_FOLLOW_UP:
                raise ValueError("Referred on is out of range (check the year)")
            self.next_follow_up_on = self.referred_on + DEFAULT_FOLLOW_UP
        if self.next_follow_up_on < self.referred_on:
            raise ValueError("Next follow-up cannot be before the referral date")
        return self


class ReferralMove(Schema):
    to_status: ReferralStatus = Field(title="New status")
    on: date = Field(title="Date")
    note: Text = Field(default="", title="Note")
    next_follow_up_on: date | None = Field(default=None, title="Next follow-up")


class ConsentUpdate(Schema):
    consent: ConsentStatus = Field(title="Parent consent")
    consent_on: date | None = Field(default=None, title="Consent date")

    @model_validator(mode="after")
    def _date(self) -> ConsentUpdate:
        if self.consent is not ConsentStatus.PENDING and self.consent_on is None:
            raise ValueError("Consent date is required")
        return self


class ReferralEventRead(ReadSchema):
    from_status: ReferralStatus | None
    to_status: ReferralStatus
    on: date
    at: datetime
    by_name: str
    note: str


class ReferralRead(ReadSchema):
    id: int
    student_id: int
    student_name: str
    program_code: str
    program_name: str
    reason: str
    referred_on: date
    referred_by_id: int
    referred_by_name: str
    incident_id: int | None
    note_id: int | None
    consent: ConsentStatus
    consent_on: date | None
    status: ReferralStatus
    next_follow_up_on: date | None
    events: tuple[ReferralEventRead, ...] = ()
    version: int = 1  # moved on by every change (domain.versions)

    def overdue(self, today: date) -> bool:
        return self.next_follow_up_on is not None and self.next_follow_up_on < today
