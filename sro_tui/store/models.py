"""The tables, as SQLAlchemy 2.0 typed models.

Conventions: integer surrogate keys; times are UTC (``UTCDateTime``); local calendar days
(a shift's date, a follow-up date) are plain ``Date``; enum values are stored as their
string values so the data reads well in any SQL tool and survives enum reordering.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


# --- store-wide settings -------------------------------------------------------------------


class Setting(Base):
    """Agency settings kept with the data (demo flag, confidentiality policy, lockout mode)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


# --- people and places ----------------------------------------------------------------------


class School(Base):
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20), default="high")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The district's own number for the school (roster files may give it instead of code).
    district_number: Mapped[str | None] = mapped_column(String(20), unique=True, index=True)


class Officer(Base):
    __tablename__ = "officers"
    id: Mapped[int] = mapped_column(primary_key=True)
    badge: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    password_changed_at: Mapped[datetime]
    # An administrator's reset gives a one-time password: changed at the next sign-in.
    password_must_change: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when too many sign-ins failed; cleared by an administrator (or by time, if the agency
    # chose a timed lock). Kept in the store so that a restart does not reset it.
    locked_at: Mapped[datetime | None]
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]

    schools: Mapped[list[OfficerSchool]] = relationship(
        back_populates="officer", cascade="all, delete-orphan"
    )


class OfficerSchool(Base):
    """Which schools an officer is assigned to (an officer sees their open records)."""

    __tablename__ = "officer_schools"
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    officer: Mapped[Officer] = relationship(back_populates="schools")


class LoginAttempt(Base):
    """Each sign-in try, kept to count failures in a window (CJIS: 5 in 15 minutes)."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    badge: Mapped[str] = mapped_column(String(10))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    at: Mapped[datetime]
    success: Mapped[bool] = mapped_column(Boolean)
    __table_args__ = (Index("ix_login_attempts_badge_at", "badge", "at"),)


class Student(Base):
    __tablename__ = "students"
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(200))
    last_name: Mapped[str] = mapped_column(String(200))
    # Lower-cased "last first" for type-ahead by prefix through an index.
    search_name: Mapped[str] = mapped_column(String(401))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    grade: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Bumped by every change (migration 0009): an update names the version it was typed against.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __table_args__ = (Index("ix_students_search_name", "search_name", "id"),)


# --- reference data (agency-editable) ------------------------------------------------------


class OffenseCategory(Base):
    __tablename__ = "offense_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    nibrs: Mapped[str] = mapped_column(String(50), default="")
    ed_code: Mapped[str] = mapped_column(String(100), default="")
    severity: Mapped[int] = mapped_column(Integer, default=50)
    criminal: Mapped[bool] = mapped_column(Boolean, default=True)
    # Space-separated ComplianceKind values this category calls for.
    compliance: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Location(Base):
    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # NIBRS location type code (FBI NIBRS User Manual 2023, data element 9): 53 school.
    nibrs_location: Mapped[str] = mapped_column(String(10), default="53")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ReferralProgram(Base):
    __tablename__ = "referral_programs"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    consent_required: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChecklistTemplateItem(Base):
    __tablename__ = "checklist_template_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    location_code: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))  # None: every school
    # ISO weekdays (1 Monday .. 7 Sunday) of the shifts it is on, e.g. "135"; None: every day
    weekdays: Mapped[str | None] = mapped_column(String(7))
    # domain.enums.ChecklistKind: the report counts "security" items as campus checks
    kind: Mapped[str] = mapped_column(String(20), default="other", server_default="other")


# --- the day ---------------------------------------------------------------------------------


class Shift(Base):
    __tablename__ = "shifts"
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    shift_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime]
    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="shift", order_by="ChecklistItem.position"
    )
    __table_args__ = (
        UniqueConstraint("officer_id", "shift_date", "school_id", name="uq_shifts_officer_day"),
        Index("ix_shifts_school_date", "school_id", "shift_date"),
    )


class ChecklistItem(Base):
    __tablename__ = "checklist_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    location_code: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    status_at: Mapped[datetime | None]
    skip_reason: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    one_off: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see Student
    # copied from the template item (domain.enums.ChecklistKind); a one-off item: "other"
    kind: Mapped[str] = mapped_column(String(20), default="other", server_default="other")
    shift: Mapped[Shift] = relationship(back_populates="items")


class ChecklistDoneDay(Base):
    """How many items of a day's shifts at a school are done, per label: kept by triggers
    on checklist_items and shifts (migration 0018), read by the monthly report."""

    __tablename__ = "checklist_done_days"
    shift_date: Mapped[date] = mapped_column(Date, primary_key=True)
    school_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # migration 0020
    done: Mapped[int] = mapped_column(Integer)


# --- incidents -------------------------------------------------------------------------------


class IncidentCounter(Base):
    """The last incident number used in each year; its row lock serialises numbering."""

    __tablename__ = "incident_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Incident(Base):
    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    school_year: Mapped[str] = mapped_column(String(9))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    occurred_at: Mapped[datetime]
    entered_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    narrative: Mapped[str] = mapped_column(Text, default="")
    review_comment: Mapped[str] = mapped_column(Text, default="")
    # A voided report is kept (shown struck through) and counted nowhere (migration 0010).
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(Integer)  # an officer (0010: no FK)
    void_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The approved version in force: 1, then one more for each approved correction.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # BiasMotivation value (NIBRS bias code via the enum; migration 0016): "none" when none.
    bias_motivation: Mapped[str] = mapped_column(String(40), default="none", server_default="none")
    # Who brought the matter to the officer: ContactInitiator (migration 0015; None: not
    # recorded). CRDC counts a referral to law enforcement only when a school official did.
    initiated_by: Mapped[str | None] = mapped_column(String(20))

    offenses: Mapped[list[IncidentOffense]] = relationship(
        cascade="all, delete-orphan", order_by="IncidentOffense.id"
    )
    people: Mapped[list[IncidentPerson]] = relationship(
        cascade="all, delete-orphan", order_by="IncidentPerson.id"
    )
    compliance: Mapped[list[IncidentCompliance]] = relationship(
        cascade="all, delete-orphan", order_by="IncidentCompliance.id"
    )
    supplements: Mapped[list[IncidentSupplement]] = relationship(order_by="IncidentSupplement.id")
    reviews: Mapped[list[IncidentReview]] = relationship(order_by="IncidentReview.id")

    __table_args__ = (
        # Lists page newest first by (occurred_at, id) within an officer, a school or a status.
        Index("ix_incidents_officer_occurred", "officer_id", "occurred_at", "id"),
        Index("ix_incidents_school_status_occurred", "school_id", "status", "occurred_at", "id"),
        Index("ix_incidents_school_occurred", "school_id", "occurred_at", "id"),
        Index("ix_incidents_status_submitted", "status", "submitted_at", "id"),
        Index("ix_incidents_occurred", "occurred_at", "id"),
    )


class IncidentOffense(Base):
    __tablename__ = "incident_offenses"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("offense_categories.id"), index=True)
    most_severe: Mapped[bool] = mapped_column(Boolean, default=False)
    attempted: Mapped[bool] = mapped_column(Boolean, default=False)
    weapon: Mapped[str] = mapped_column(String(20), default="none")
    suspected_use: Mapped[str] = mapped_column(String(20), default="none")
    gang: Mapped[str] = mapped_column(String(20), default="none")
    category: Mapped[OffenseCategory] = relationship(lazy="joined")


class IncidentPerson(Base):
    __tablename__ = "incident_people"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    juvenile: Mapped[bool] = mapped_column(Boolean, default=True)
    custodial: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_notified_at: Mapped[datetime | None]
    # One row per outcome (migration 0015); an arrest counts once per person however many
    # charges.
    outcome_rows: Mapped[list[IncidentPersonOutcome]] = relationship(
        cascade="all, delete-orphan",
        order_by="IncidentPersonOutcome.position",
        lazy="selectin",
    )

    @property
    def outcome_values(self) -> list[str]:
        """The OutcomeKind values, in the order given."""
        return [row.outcome for row in self.outcome_rows]


class IncidentPersonOutcome(Base):
    """One outcome of one person in an incident (migration 0015): reports count outcomes by
    equality on ``outcome``; ``position`` keeps the order the officer gave."""

    __tablename__ = "incident_person_outcomes"
    person_id: Mapped[int] = mapped_column(
        ForeignKey("incident_people.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(String(30), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class IncidentCompliance(Base):
    __tablename__ = "incident_compliance"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    done_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(String(200), default="")


class IncidentSupplement(Base):
    """A correction or addition to an approved report: appended, never edited."""

    __tablename__ = "incident_supplements"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[Officer] = relationship(lazy="joined")


class IncidentReview(Base):
    """Each workflow step: submitted, approved, returned (with the reviewer's comment)."""

    __tablename__ = "incident_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    action: Mapped[str] = mapped_column(String(12))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[Officer | None] = relationship(lazy="joined")


# --- mentoring and contacts ------------------------------------------------------------------


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    occurred_at: Mapped[datetime]
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    with_parent: Mapped[bool] = mapped_column(Boolean, default=False)
    with_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    topics: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    class_name: Mapped[str] = mapped_column(String(200), default="")
    lecture_topic: Mapped[str | None] = mapped_column(String(30))
    head_count: Mapped[int | None] = mapped_column(Integer)
    agency: Mapped[str] = mapped_column(String(200), default="")
    # Bumped by every change: an update must name the version it was typed against.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    students: Mapped[list[NoteStudent]] = relationship(cascade="all, delete-orphan")
    __table_args__ = (
        Index("ix_notes_officer_occurred", "officer_id", "occurred_at", "id"),
        Index("ix_notes_follow_up", "follow_up_on"),
        Index("ix_notes_occurred", "occurred_at", "id"),
    )


class NoteStudent(Base):
    __tablename__ = "note_students"
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), primary_key=True)
    __table_args__ = (Index("ix_note_students_student", "student_id"),)


# --- referrals -------------------------------------------------------------------------------


class Referral(Base):
    __tablename__ = "referrals"
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("referral_programs.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    reason: Mapped[str] = mapped_column(Text)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"))
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    referred_on: Mapped[date] = mapped_column(Date)
    consent: Mapped[str] = mapped_column(String(10), default="pending")
    consent_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="referred")
    next_follow_up_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see Student
    events: Mapped[list[ReferralEvent]] = relationship(order_by="ReferralEvent.id")
    __table_args__ = (
        Index("ix_referrals_status_follow_up", "status", "next_follow_up_on", "id"),
        Index("ix_referrals_referred_by_follow_up", "referred_by_id", "next_follow_up_on"),
        # Monthly reports count referrals made in a period.
        Index("ix_referrals_referred_on", "referred_on", "id"),
    )


class ReferralEvent(Base):
    __tablename__ = "referral_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[Officer | None] = relationship(lazy="joined")
    # Reports count status changes in a period.
    __table_args__ = (Index("ix_referral_events_on", "on", "id"),)


# --- drafts and audit ------------------------------------------------------------------------


class Draft(Base):
    """A form's unsaved content, written as the officer types so nothing is lost."""

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    form: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]
    # The terminal it was typed on (ServiceContext.terminal): two terminals of one officer
    # keep a draft each of the same record (migration 0009; older drafts have "").
    terminal: Mapped[str] = mapped_column(String(100), default="", server_default="")
    __table_args__ = (
        UniqueConstraint(
            "officer_id", "form", "key", "terminal", name="uq_drafts_officer_form_key_terminal"
        ),
    )


class AuditEvent(Base):
    """Append-only: the store refuses UPDATE and DELETE on this table (see migrations)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    officer_id: Mapped[int | None] = mapped_column(Integer)
    badge: Mapped[str] = mapped_column(String(10), default="")
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(20), default="")
    record_id: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(10), default="success")
    detail: Mapped[str] = mapped_column(Text, default="")
    terminal: Mapped[str] = mapped_column(String(100), default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_record", "record_type", "record_id"),
    )


class RecordSeal(Base):
    """The newest sealed state of an incident, note or referral: HMAC(audit key, the
    record's canonical state and the audit event of its latest change). Whoever edits a
    record with SQL cannot make its seal match without the key (services/record_seals.py)."""

    __tablename__ = "record_seals"
    record_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))


# --- corrections and sealing (migration 0010) -------------------------------------------------


class IncidentVersion(Base):
    """A correction of an approved report (pending, returned) and each approved version's
    content, so that every version stays readable (services/corrections.py)."""

    __tablename__ = "incident_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    # The version number once approved (None while pending or returned).
    number: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    reviewed_at: Mapped[datetime | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_incident_versions_status_created", "status", "created_at", "id"),)


class StudentSeal(Base):
    """A court order sealing a juvenile's records (W&I 781, 786, 786.5); in force while
    ``unsealed_at`` is None (services/sealing.py)."""

    __tablename__ = "student_seals"
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    order_number: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    sealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    sealed_at: Mapped[datetime]
    unsealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    unsealed_at: Mapped[datetime | None]
    unseal_reason: Mapped[str] = mapped_column(Text, default="")


# --- campus security: trespass warnings and calls for service (migration 0013) ---------------


class TrespassWarning(Base):
    """A person warned off school grounds (PC 626.8, 627.7); in force until ``expires_at``
    (local midnight after its last day, domain/trespass.py)."""

    __tablename__ = "trespass_warnings"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_name: Mapped[str] = mapped_column(String(200))
    person_key: Mapped[str] = mapped_column(String(420), index=True)
    search_text: Mapped[str] = mapped_column(Text)
    birth_date: Mapped[date | None] = mapped_column(Date)
    age: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    photo_ref: Mapped[str] = mapped_column(String(200), default="")
    person_kind: Mapped[str] = mapped_column(String(10))
    juvenile: Mapped[bool] = mapped_column(Boolean)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    statute: Mapped[str] = mapped_column(String(10))
    statute_text: Mapped[str] = mapped_column(Text)
    days: Mapped[int] = mapped_column(Integer)
    warned_at: Mapped[datetime]
    last_day: Mapped[date] = mapped_column(Date)
    expires_at: Mapped[datetime]
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    created_at: Mapped[datetime]
    __table_args__ = (
        Index("ix_trespass_warnings_expires", "expires_at", "id"),
        Index("ix_trespass_warnings_warned", "warned_at", "id"),
    )


class TrespassWarningSchool(Base):
    __tablename__ = "trespass_warning_schools"
    warning_id: Mapped[int] = mapped_column(ForeignKey("trespass_warnings.id"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    __table_args__ = (Index("ix_trespass_warning_schools_school", "school_id"),)


class TrespassViolation(Base):
    """A return within a warning's period, recorded with the incident made for it."""

    __tablename__ = "trespass_violations"
    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("trespass_warnings.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    at: Mapped[datetime]
    __table_args__ = (Index("ix_trespass_violations_at", "at", "id"),)


class CallForService(Base):
    """A request for the officer's action, whether or not a report follows."""

    __tablename__ = "calls_for_service"
    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime]
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    caller: Mapped[str] = mapped_column(String(200))
    caller_kind: Mapped[str] = mapped_column(String(10))
    location: Mapped[str] = mapped_column(String(200), default="")
    what: Mapped[str] = mapped_column(Text)
    disposition: Mapped[str] = mapped_column(String(30))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    created_at: Mapped[datetime]
    __table_args__ = (
        Index("ix_calls_for_service_received", "received_at", "id"),
        Index("ix_calls_for_service_officer_received", "officer_id", "received_at", "id"),
        Index("ix_calls_for_service_school_received", "school_id", "received_at", "id"),
    )


# --- threat assessment (EC 49393) ------------------------------------------------------------


class ThreatCase(Base):
    """A threat assessment case about one student (domain/threats.py: stages, read rule)."""

    __tablename__ = "threat_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    summary: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(12), default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    reported_on: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __table_args__ = (
        Index("ix_threat_cases_opened", "opened_at", "id"),
        Index("ix_threat_cases_closed", "closed_at", "id"),
    )


class ThreatCaseMember(Base):
    """An officer on a case's team (the lead is one too)."""

    __tablename__ = "threat_case_members"
    case_id: Mapped[int] = mapped_column(ForeignKey("threat_cases.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), primary_key=True)
    __table_args__ = (Index("ix_threat_case_members_officer", "officer_id"),)


class ThreatCaseEvent(Base):
    """A stage move (or the opening), dated, with its note and the level judged."""

    __tablename__ = "threat_case_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("threat_cases.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(12))
    to_stage: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(12), default="")
    at: Mapped[datetime]
    by_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class ThreatFollowUp(Base):
    """A dated follow-up of a case, due for one officer (shown on their Today)."""

    __tablename__ = "threat_follow_ups"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("threat_cases.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    due_on: Mapped[date] = mapped_column(Date)
    what: Mapped[str] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    done_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    __table_args__ = (Index("ix_threat_follow_ups_officer_due", "officer_id", "due_on", "id"),)


class ThreatCaseLink(Base):
    """A referral or mentoring note linked to a case (no foreign key: the record may be
    purged by retention; a link to a record gone is left out when read)."""

    __tablename__ = "threat_case_links"
    case_id: Mapped[int] = mapped_column(ForeignKey("threat_cases.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
