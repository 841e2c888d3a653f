"""Incident records: what happened, where, who was involved, what came of it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from pydantic import Field, field_validator, model_validator

from .base import ReadSchema, Schema, ensure_utc
from .enums import (
    BiasMotivation,
    ComplianceKind,
    ContactInitiator,
    GangInvolvement,
    IncidentStatus,
    OutcomeKind,
    PersonRole,
    SuspectedUse,
    WeaponType,
)
from .text import Line, Name, RequiredLine, Text

INCIDENT_NUMBER_PATTERN = re.compile(r"^[A-Z0-9-]{1,32}$")


def format_incident_number(year: int, seq: int, prefix: str = "SRO") -> str:
    return f"{prefix}-{year}-{seq:06d}"


def school_year_of(moment: datetime) -> str:
    """School years run July to June: 2026-09-14 is in '2026-27'."""
    start = moment.year if moment.month >= 7 else moment.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def outcomes_of(values: Iterable[str]) -> tuple[OutcomeKind, ...]:
    """Stored outcome values as OutcomeKinds, in the enum's order (a value this version does
    not know is left out)."""
    wanted = set(values)
    return tuple(kind for kind in OutcomeKind if kind.value in wanted)


class OffenseIn(Schema):
    category_code: RequiredLine = Field(title="Category")
    most_severe: bool = Field(default=False, title="Most severe")
    attempted: bool = Field(default=False, title="Attempted")
    weapon: WeaponType = Field(default=WeaponType.NONE, title="Weapon")
    suspected_use: SuspectedUse = Field(default=SuspectedUse.NONE, title="Suspected of using")
    gang: GangInvolvement = Field(default=GangInvolvement.NONE, title="Gang involvement")


class PersonIn(Schema):
    """A person involved: a student (by id) or someone named inline."""

    role: PersonRole = Field(title="Role")
    student_id: int | None = Field(default=None, title="Student")
    name: Name = Field(default="", title="Name")
    juvenile: bool = Field(default=True, title="Juvenile")
    outcomes: list[OutcomeKind] = Field(default_factory=list, title="Outcomes")
    custodial: bool = Field(default=False, title="Custodial arrest")
    parent_notified_at: datetime | None = Field(default=None, title="Parent notified")

    @model_validator(mode="after")
    def _who(self) -> PersonIn:
        if self.student_id is None and not self.name:
            raise ValueError("Name is required for someone who is not a student")
        if self.custodial and OutcomeKind.ARREST not in self.outcomes:
            raise ValueError("Custodial applies only to an arrest")
        return self

    @field_validator("outcomes")
    @classmethod
    def _unique_outcomes(cls, value: list[OutcomeKind]) -> list[OutcomeKind]:
        return list(dict.fromkeys(value))

    @field_validator("parent_notified_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return ensure_utc(value) if value else None


class ComplianceIn(Schema):
    kind: ComplianceKind = Field(title="Notification")
    done_at: datetime = Field(title="Done at")
    note: Line = Field(default="", title="Note")

    @field_validator("done_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return ensure_utc(value)


def _check_offenses(offenses: list[OffenseIn]) -> list[OffenseIn]:
    codes = [o.category_code for o in offenses]
    if len(set(codes)) != len(codes):
        raise ValueError("Each category can be listed once")
    marked = [o for o in offenses if o.most_severe]
    if len(marked) > 1:
        raise ValueError("Mark only one category as the most severe")
    if offenses and not marked:
        offenses[0].most_severe = True
    return offenses


class IncidentCreate(Schema):
    school_id: int = Field(title="School")
    occurred_at: datetime = Field(title="Occurred")
    location_code: RequiredLine = Field(title="Location")
    # Who brought the matter to the officer (None: not recorded); see ContactInitiator.
    initiated_by: ContactInitiator | None = Field(default=None, title="Initiated by")
    offenses: list[OffenseIn] = Field(default_factory=list, title="Categories")
    people: list[PersonIn] = Field(default_factory=list, title="People")
    compliance: list[ComplianceIn] = Field(default_factory=list, title="Notifications")
    narrative: Text = Field(default="", title="Narrative")
    bias_motivation: BiasMotivation = Field(default=BiasMotivation.NONE, title="Bias motivation")

    @field_validator("offenses")
    @classmethod
    def _offenses(cls, value: list[OffenseIn]) -> list[OffenseIn]:
        return _check_offenses(value)

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return ensure_utc(value)


class IncidentUpdate(Schema):
    """A change to an editable report. ``version`` is the one the editor loaded: if someone
    else saved in between, the update is refused rather than overwriting their work."""

    version: int = Field(title="Version")
    school_id: int | None = Field(default=None, title="School")
    occurred_at: datetime | None = Field(default=None, title="Occurred")
    location_code: RequiredLine | None = Field(default=None, title="Location")
    # Left out: unchanged; given as None: back to "not recorded" (model_fields_set).
    initiated_by: ContactInitiator | None = Field(default=None, title="Initiated by")
    offenses: list[OffenseIn] | None = Field(default=None, title="Categories")
    people: list[PersonIn] | None = Field(default=None, title="People")
    compliance: list[ComplianceIn] | None = Field(default=None, title="Notifications")
    narrative: Text | None = Field(default=None, title="Narrative")
    bias_motivation: BiasMotivation | None = Field(default=None, title="Bias motivation")

    @field_validator("offenses")
    @classmethod
    def _offenses(cls, value: list[OffenseIn] | None) -> list[OffenseIn] | None:
        return _check_offenses(value) if value is not None else None

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return ensure_utc(value) if value else None


class SupplementCreate(Schema):
    text: Text = Field(title="Supplement")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is required")
        return value


class VoidRequest(Schema):
    """Why a supervisor voids a report (a duplicate, filed in error): required."""

    reason: RequiredLine = Field(title="Reason")


class IncidentContent(Schema):
    """What a correction may change, in full: an approved version's content, or a proposed
    correction of it (the whole content, so every version reads on its own)."""

    occurred_at: datetime = Field(title="Occurred")
    location_code: RequiredLine = Field(title="Location")
    initiated_by: ContactInitiator | None = Field(default=None, title="Initiated by")
    offenses: list[OffenseIn] = Field(default_factory=list, title="Categories")
    people: list[PersonIn] = Field(default_factory=list, title="People")
    narrative: Text = Field(default="", title="Narrative")
    # A version stored before migration 0016 has none: it reads as none (88), as it was.
    bias_motivation: BiasMotivation = Field(default=BiasMotivation.NONE, title="Bias motivation")

    @field_validator("offenses")
    @classmethod
    def _offenses(cls, value: list[OffenseIn]) -> list[OffenseIn]:
        if not value:
            raise ValueError("A report needs at least one category")
        return _check_offenses(value)

    @field_validator("narrative")
    @classmethod
    def _narrative(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is required")
        return value

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return ensure_utc(value)


class IncidentVersionRead(ReadSchema):
    """One version of an approved report (``number`` set once approved) or a correction
    waiting for review (``status`` pending) or returned."""

    id: int
    incident_id: int
    number: int | None
    status: str
    author_name: str
    created_at: datetime
    reviewed_by_name: str
    reviewed_at: datetime | None
    comment: str
    content: IncidentContent


class ReviewDecision(Schema):
    comment: Text = Field(default="", title="Comment")


class OffenseRead(ReadSchema):
    category_code: str
    category_name: str
    nibrs: str
    ed_code: str
    most_severe: bool
    attempted: bool
    weapon: WeaponType
    suspected_use: SuspectedUse
    gang: GangInvolvement


class PersonRead(ReadSchema):
    id: int
    role: PersonRole
    student_id: int | None
    name: str
    juvenile: bool
    outcomes: tuple[OutcomeKind, ...]
    custodial: bool
    parent_notified_at: datetime | None


class ComplianceRead(ReadSchema):
    kind: ComplianceKind
    done_at: datetime
    note: str


class SupplementRead(ReadSchema):
    id: int
    author_id: int
    author_name: str
    created_at: datetime
    text: str


class ReviewRead(ReadSchema):
    action: str
    by_id: int | None
    by_name: str
    at: datetime
    comment: str


class IncidentRead(ReadSchema):
    id: int
    number: str
    status: IncidentStatus
    version: int
    school_id: int
    school_name: str
    school_year: str
    officer_id: int
    officer_name: str
    occurred_at: datetime
    entered_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    location_code: str
    location_name: str
    narrative: str
    review_comment: str
    # The location's NIBRS location code (53 school, 58 cyberspace, 18 parking lot, ...).
    location_nibrs: str = ""
    bias_motivation: BiasMotivation = BiasMotivation.NONE
    initiated_by: ContactInitiator | None = None
    offenses: tuple[OffenseRead, ...] = ()
    people: tuple[PersonRead, ...] = ()
    compliance: tuple[ComplianceRead, ...] = ()
    supplements: tuple[SupplementRead, ...] = ()
    reviews: tuple[ReviewRead, ...] = ()
    # The notifications the categories and weapons call for, and those of them not yet
    # recorded in ``compliance`` (filled by IncidentService from the reference data).
    compliance_required: tuple[ComplianceKind, ...] = ()
    compliance_missing: tuple[ComplianceKind, ...] = ()
    # Voided by a supervisor (kept, counted nowhere): when, by whom, why.
    voided_at: datetime | None = None
    voided_by_name: str = ""
    void_reason: str = ""
    # The approved version in force, how many there are, and whether a correction waits.
    revision: int = 1
    revisions: int = 1
    correction_pending: bool = False

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def most_severe(self) -> OffenseRead | None:
        return next((o for o in self.offenses if o.most_severe), None)


class IncidentSummary(ReadSchema):
    """One row of an incident list: enough to pick it, nothing more."""

    id: int
    number: str
    status: IncidentStatus
    occurred_at: datetime
    school_id: int
    school_name: str
    officer_id: int
    officer_name: str
    category_name: str
    location_name: str
    review_comment: str = ""
    voided: bool = False


# Firearms under the Gun-Free Schools Act (which counts bombs, grenades and other destructive
# devices as firearms); an imitation firearm is Ed Code 48900(m), not GFSA.
GFSA_WEAPONS = (WeaponType.FIREARM, WeaponType.EXPLOSIVE)


def required_compliance(
    offenses: Iterable[tuple[Iterable[ComplianceKind], WeaponType]],
    people: Iterable[tuple[bool, Iterable[OutcomeKind]]] = (),
) -> set[ComplianceKind]:
    """The notifications an incident calls for, from each offense's category rules and weapon.

    Categories carry their own notifications as reference data; a firearm on any offense adds
    the Gun-Free Schools Act referral (an explosive device too), and any weapon but a personal
    one or an imitation firearm adds the EC 48902 notification.
    """
    needed: set[ComplianceKind] = set()
    # People are (juvenile, outcomes): a juvenile arrested adds the WIC 625.6 reminder
    # (counsel before a custodial interrogation). Every notification is a reminder: a report
    # is saved and submitted with some not yet recorded (``compliance_missing`` shows them).
    for juvenile, outcomes in people:
        if juvenile and OutcomeKind.ARREST in set(outcomes):
            needed.add(ComplianceKind.WIC_625_6)
    for category_rules, weapon in offenses:
        needed.update(category_rules)
        if weapon in GFSA_WEAPONS:
            needed.add(ComplianceKind.GUN_FREE_SCHOOLS)
        if weapon not in (WeaponType.NONE, WeaponType.PERSONAL, WeaponType.IMITATION):
            needed.add(ComplianceKind.EC_48902)
    return needed
