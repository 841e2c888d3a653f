"""Closed vocabularies of the domain.

Reference codes that an agency edits (offense categories, locations, referral programs,
checklist template) are data in the store, not enums. What is here changes only with the
software: roles, workflow states and the kinds of records.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class SchoolLevel(StrEnum):
    HIGH = "high"
    MIDDLE = "middle"
    ELEMENTARY = "elementary"
    OTHER = "other"


class ChecklistStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"


class IncidentStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class WeaponType(StrEnum):
    NONE = "none"
    FIREARM = "firearm"
    KNIFE = "knife"
    BLUNT = "blunt object"
    PERSONAL = "personal"
    OTHER = "other"
    # Not a firearm under the Gun-Free Schools Act: Ed Code 48900(m).
    IMITATION = "imitation firearm"
    # A bomb, grenade or other destructive device: a firearm under the Gun-Free Schools Act.
    EXPLOSIVE = "explosive device"


class SuspectedUse(StrEnum):
    NONE = "none"
    ALCOHOL = "alcohol"
    DRUGS = "drugs"
    BOTH = "alcohol and drugs"


class GangInvolvement(StrEnum):
    NONE = "none"
    JUVENILE = "juvenile gang"
    OTHER = "other gang"


class ContactInitiator(StrEnum):
    """Who brought the matter to the officer (CRDC: a referral to law enforcement is a
    student reported by a school official or designee; an officer-initiated contact is not)."""

    SCHOOL = "school official"
    OFFICER = "officer"
    OTHER = "other"


class PersonRole(StrEnum):
    SUSPECT = "suspect"
    VICTIM = "victim"
    WITNESS = "witness"
    REPORTING_PARTY = "reporting party"
    PARENT = "parent/guardian"
    NON_STUDENT = "non-student"


class OutcomeKind(StrEnum):
    RESOLVED_BY_OFFICER = "resolved by officer"
    HANDLED_BY_SCHOOL = "handled by school"
    MEDIATION = "mediation"
    WARNING = "warning"
    CITATION = "citation"
    JUVENILE_PETITION = "juvenile petition"
    ARREST = "arrest"
    DIVERSION_REFERRAL = "diversion referral"
    REFERRAL_TO_SERVICES = "referral to services"


class ComplianceKind(StrEnum):
    """Notifications the law asks for when an incident is of a certain kind."""

    GUN_FREE_SCHOOLS = "gfsa"
    EC_48902 = "ec48902"
    EC_49393 = "ec49393"
    EC_44014 = "ec44014"

    @property
    def label(self) -> str:
        return _COMPLIANCE_LABELS[self]


_COMPLIANCE_LABELS = {
    ComplianceKind.GUN_FREE_SCHOOLS: "Gun-Free Schools Act referral (firearm)",
    ComplianceKind.EC_48902: "EC 48902 notice to law enforcement (drugs / assault with weapon)",
    ComplianceKind.EC_49393: "EC 49393 threat record",
    ComplianceKind.EC_44014: "EC 44014 report (staff assaulted)",
}


class ContactKind(StrEnum):
    """Kinds of mentoring notes and contacts (domain.md, 'Mentoring and contacts')."""

    MENTORING = "mentoring"
    PARENT = "parent contact"
    STAFF = "staff contact"
    MEDIATION = "mediation"
    SAP_GROUP = "SAP group session"
    CLASSROOM = "classroom lecture"
    STAFF_TRAINING = "staff training"
    LIAISON = "liaison contact"


class LectureTopic(StrEnum):
    DRUG_RESISTANCE = "drug resistance"
    GANG_RESISTANCE = "gang resistance"
    VIOLENCE_PREVENTION = "violence prevention"
    OTHER = "other"


class ConsentStatus(StrEnum):
    PENDING = "pending"
    YES = "yes"
    NO = "no"


class ReferralStatus(StrEnum):
    REFERRED = "referred"
    CONTACTED = "contacted"
    ENROLLED = "enrolled"
    ATTENDING = "attending"
    COMPLETED = "completed"
    DECLINED = "declined"
    NO_SHOW = "no-show"
    CLOSED = "closed"


class AuditOutcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class RecordType(StrEnum):
    OFFICER = "officer"
    SCHOOL = "school"
    STUDENT = "student"
    SHIFT = "shift"
    CHECKLIST_ITEM = "checklist_item"
    INCIDENT = "incident"
    NOTE = "note"
    REFERRAL = "referral"
    DRAFT = "draft"
    REFERENCE = "reference"
    SETTING = "setting"
    AUDIT = "audit"
    STORE = "store"
    EXPORT = "export"
    REPORT = "report"
    SESSION = "session"
