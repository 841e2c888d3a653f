"""Trespass warnings (Penal Code 626.8, 627.7): who was warned off which schools, for how
long, and whether a warning is in force at a given moment. No SQL here.

The period runs in the agency's calendar: a warning given on a local day D for N days is in
force through the end of local day D + N (the first day is excluded and the last included, as
California's Code of Civil Procedure section 12 counts days), and expires at local midnight
after it, whatever daylight-saving change falls in between.

The statutory texts below are plain-language summaries shown to the person warned; each
warning keeps the text it was given with, so a later change of wording never rewrites one.
Confirm the wording with the department's counsel.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from .base import ReadSchema, Schema, ensure_utc
from .names import name_key
from .text import Line, RequiredName, Text

STATUTORY_DAYS = 7
"""PC 626.8 and 627.7: returning within seven days of being directed to leave."""
MAX_DAYS = 3650
ADULT_AGE = 18


class Statute(StrEnum):
    PC_626_8 = "626.8"
    PC_627_7 = "627.7"


STATUTE_TEXT: dict[Statute, str] = {
    Statute.PC_626_8: (
        "Penal Code 626.8: you have been directed to leave these school grounds as a person "
        "without lawful business here. If you remain, or return within {days} days without "
        "lawful business or the principal's permission, you may be arrested for a misdemeanor."
    ),
    Statute.PC_627_7: (
        "Penal Code 627.7: your registration as an outsider at this school is refused or "
        "revoked and you are directed to leave. If you remain, or return within {days} days "
        "without the principal's permission, you may be arrested for a misdemeanor."
    ),
}


def statute_text(statute: Statute, days: int) -> str:
    return STATUTE_TEXT[statute].format(days=days)


class PersonKind(StrEnum):
    ADULT = "adult"
    STUDENT_OTHER_SCHOOL = "student"
    """A student of another school (a juvenile record whatever the age given)."""
    JUVENILE = "juvenile"
    """Under 18, not a student of the district's roster."""


class WarningState(StrEnum):
    IN_FORCE = "in force"
    EXPIRED = "expired"


def last_day_in_force(warned_day: date, days: int) -> date:
    return warned_day + timedelta(days=days)


def expires_at(warned_at: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The UTC moment the warning stops being in force: local midnight after its last day."""
    warned_day = ensure_utc(warned_at).astimezone(tz).date()
    after = last_day_in_force(warned_day, days) + timedelta(days=1)
    # Midnight exists on every day in the zones the agencies use (changes happen at 02:00).
    return ensure_utc(datetime.combine(after, time(0, 0), tzinfo=tz))


def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def is_juvenile(kind: PersonKind, birth_date: date | None, age: int | None, day: date) -> bool:
    """A student of another school or anyone under 18 (by birth date, else the age given)."""
    if kind is not PersonKind.ADULT:
        return True
    if birth_date is not None:
        return age_on(birth_date, day) < ADULT_AGE
    return age is not None and age < ADULT_AGE


def person_key(name: str, birth_date: date | None) -> str:
    """Warnings of one person share this key (their name, folded, and birth date if known)."""
    return f"{name_key(name)}|{birth_date.isoformat() if birth_date else ''}"[:420]


def search_text(name: str, description: str) -> str:
    return name_key(f"{name} {description}")


def allowed_days(configured: str) -> list[int]:
    """The periods a warning may run: the statutory 7 days and the department's longer
    notices (the store setting, comma-separated days)."""
    days = {STATUTORY_DAYS}
    for part in configured.split(","):
        if part.strip().isdigit() and 0 < int(part) <= MAX_DAYS:
            days.add(int(part))
    return sorted(days)


def check_notice_days(value: str) -> str:
    """The agency setting: longer notices in whole days, comma-separated (may be empty)."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    for part in parts:
        if not part.isdigit() or not STATUTORY_DAYS < int(part) <= MAX_DAYS:
            raise ValueError(
                f"must be whole days, {STATUTORY_DAYS + 1} to {MAX_DAYS}, comma-separated"
            )
    return ",".join(str(d) for d in sorted({int(p) for p in parts}))


class TrespassWarningCreate(Schema):
    person_name: RequiredName = Field(title="Name")
    birth_date: date | None = Field(default=None, title="Date of birth")
    age: int | None = Field(default=None, ge=0, le=120, title="Age")
    description: Text = Field(default="", title="Description")
    photo_ref: Line = Field(default="", title="Photo reference")
    person_kind: PersonKind = Field(default=PersonKind.ADULT, title="Adult or student")
    student_id: int | None = Field(default=None, ge=1, title="Student")
    school_ids: list[int] = Field(min_length=1, title="Schools")
    statute: Statute = Field(default=Statute.PC_626_8, title="Statute")
    days: int = Field(default=STATUTORY_DAYS, ge=1, le=MAX_DAYS, title="Days")
    warned_at: datetime | None = Field(default=None, title="Warned at")
    incident_id: int | None = Field(default=None, ge=1, title="Incident")

    @field_validator("warned_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return ensure_utc(value) if value is not None else None

    @field_validator("school_ids")
    @classmethod
    def _schools(cls, value: list[int]) -> list[int]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _who(self) -> TrespassWarningCreate:
        if self.birth_date is None and self.age is None:
            raise ValueError("Give a date of birth or an age")
        if self.birth_date is not None and self.birth_date.year < 1900:
            raise ValueError("Date of birth is out of range")
        return self


class TrespassWarningRead(ReadSchema):
    id: int
    person_name: str
    birth_date: date | None
    age: int | None
    description: str
    photo_ref: str
    person_kind: PersonKind
    juvenile: bool
    student_id: int | None
    school_codes: tuple[str, ...]
    statute: Statute
    statute_text: str
    days: int
    warned_at: datetime
    last_day: date
    expires_at: datetime
    officer_id: int
    officer_name: str
    incident_id: int | None
    violation_incident_ids: tuple[int, ...] = ()

    def state(self, now: datetime) -> WarningState:
        return WarningState.IN_FORCE if ensure_utc(now) < self.expires_at else WarningState.EXPIRED


class WatchHit(ReadSchema):
    """One warning found by a watch check, with what the officer at the window needs."""

    warning: TrespassWarningRead
    state: WarningState
    warnings_of_person: int
    """How many warnings (this one included) the same person has: more than one, repeated."""

    @property
    def repeated(self) -> bool:
        return self.warnings_of_person > 1
