"""Closed vocabularies of the domain.

Reference codes that an agency edits (offense categories, locations, referral programs,
checklist template) are data in the store, not enums. What is here changes only with the
software: roles, workflow states and the kinds of records.
"""

from __future__ import annotations

import re
from enum import StrEnum

from .roles import Role as Role  # the sign-in path imports roles alone (issue 16)


class SchoolLevel(StrEnum):
    HIGH = "high"
    MIDDLE = "middle"
    ELEMENTARY = "elementary"
    OTHER = "other"


class ChecklistStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"


class ChecklistKind(StrEnum):
    """What a checklist item is: the monthly report counts security checks as campus checks;
    instruction, training and mentoring count once, in their own sections (from notes)."""

    SECURITY = "security"
    INSTRUCTION = "instruction"
    TRAINING = "training"
    MENTORING = "mentoring"
    OTHER = "other"


CHECKLIST_KIND_TITLES = {
    ChecklistKind.SECURITY: "Security check",
    ChecklistKind.INSTRUCTION: "Instruction",
    ChecklistKind.TRAINING: "Training",
    ChecklistKind.MENTORING: "Mentoring",
    ChecklistKind.OTHER: "Other",
}


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
    # California: a mental-health hold (WIC 5150 adult, 5585 minor); a juvenile counselled and
    # released (WIC 626(b)) or released to a parent or guardian.
    MENTAL_HEALTH_HOLD = "5150/5585 hold"
    COUNSEL_AND_RELEASE = "counsel and release"
    RELEASE_TO_PARENT = "release to parent"


class ComplianceKind(StrEnum):
    """Notifications the law asks for when an incident is of a certain kind."""

    GUN_FREE_SCHOOLS = "gfsa"
    EC_48902 = "ec48902"
    EC_49393 = "ec49393"
    EC_44014 = "ec44014"
    # Reminders that are not a category's: WIC 625.6 when a juvenile is arrested (counsel
    # before a custodial interrogation), PC 11166 from categories of suspected child abuse.
    WIC_625_6 = "wic625.6"
    PC_11166 = "pc11166"

    @property
    def label(self) -> str:
        return _COMPLIANCE_LABELS[self]


_COMPLIANCE_LABELS = {
    ComplianceKind.GUN_FREE_SCHOOLS: "Gun-Free Schools Act referral (firearm)",
    ComplianceKind.EC_48902: "EC 48902 notice to law enforcement (drugs, alcohol, weapon)",
    ComplianceKind.EC_49393: "EC 49393 threat record",
    ComplianceKind.EC_44014: "EC 44014 report (staff assaulted)",
    ComplianceKind.WIC_625_6: "WIC 625.6 youth consulted counsel before any custodial questioning",
    ComplianceKind.PC_11166: "PC 11166 suspected child abuse reported (SS 8572, cross-report)",
}


class BiasMotivation(StrEnum):
    """The offender's bias motivation, as NIBRS codes it (FBI NIBRS User Manual 2023, data
    element 8A, Bias Motivation). Stored as the value; ``nibrs`` is the FBI's code."""

    NONE = "none"
    UNKNOWN = "unknown"
    ANTI_WHITE = "anti-white"
    ANTI_BLACK = "anti-black"
    ANTI_AMERICAN_INDIAN = "anti-american indian/alaska native"
    ANTI_ASIAN = "anti-asian"
    ANTI_MULTIPLE_RACES = "anti-multiple races"
    ANTI_PACIFIC_ISLANDER = "anti-native hawaiian/pacific islander"
    ANTI_ARAB = "anti-arab"
    ANTI_HISPANIC = "anti-hispanic/latino"
    ANTI_OTHER_RACE = "anti-other race/ethnicity/ancestry"
    ANTI_JEWISH = "anti-jewish"
    ANTI_CATHOLIC = "anti-catholic"
    ANTI_PROTESTANT = "anti-protestant"
    ANTI_ISLAMIC = "anti-islamic (muslim)"
    ANTI_OTHER_RELIGION = "anti-other religion"
    ANTI_MULTIPLE_RELIGIONS = "anti-multiple religions"
    ANTI_ATHEISM = "anti-atheism/agnosticism"
    ANTI_MORMON = "anti-church of jesus christ"
    ANTI_JEHOVAHS_WITNESS = "anti-jehovah's witness"
    ANTI_EASTERN_ORTHODOX = "anti-eastern orthodox"
    ANTI_OTHER_CHRISTIAN = "anti-other christian"
    ANTI_BUDDHIST = "anti-buddhist"
    ANTI_HINDU = "anti-hindu"
    ANTI_SIKH = "anti-sikh"
    ANTI_GAY = "anti-gay (male)"
    ANTI_LESBIAN = "anti-lesbian (female)"
    ANTI_LGBT = "anti-lgbt (mixed group)"
    ANTI_HETEROSEXUAL = "anti-heterosexual"
    ANTI_BISEXUAL = "anti-bisexual"
    ANTI_PHYSICAL_DISABILITY = "anti-physical disability"
    ANTI_MENTAL_DISABILITY = "anti-mental disability"
    ANTI_MALE = "anti-male"
    ANTI_FEMALE = "anti-female"
    ANTI_TRANSGENDER = "anti-transgender"
    ANTI_GENDER_NON_CONFORMING = "anti-gender non-conforming"

    @property
    def nibrs(self) -> str:
        return _BIAS_CODES[self]

    @property
    def label(self) -> str:
        """How a picker shows it: "None known (88)", "Anti-Asian (14)"."""
        if self is BiasMotivation.NONE:
            return "None known (88)"
        if self is BiasMotivation.UNKNOWN:
            return "Unknown (99)"
        words = re.sub(r"(^|[\s/(-])([a-z])", lambda m: m[1] + m[2].upper(), self.value)
        return f"{words.replace(' Of ', ' of ').replace('Lgbt', 'LGBT')} ({self.nibrs})"

    @classmethod
    def stored(cls, value: str) -> BiasMotivation:
        """A stored value (one this version does not know reads as unknown, 99)."""
        try:
            return cls(value)
        except ValueError:
            return cls.UNKNOWN

    @classmethod
    def parse(cls, text: str) -> BiasMotivation:
        """A bias by its value or its NIBRS code ("anti-asian", "14", "none", "88")."""
        key = text.strip().lower()
        for bias in cls:
            if key in (bias.value, bias.nibrs):
                return bias
        raise ValueError(f"unknown bias motivation {text!r} (a NIBRS code such as 88, 14, 21)")


_BIAS_CODES = {
    BiasMotivation.NONE: "88",
    BiasMotivation.UNKNOWN: "99",
    BiasMotivation.ANTI_WHITE: "11",
    BiasMotivation.ANTI_BLACK: "12",
    BiasMotivation.ANTI_AMERICAN_INDIAN: "13",
    BiasMotivation.ANTI_ASIAN: "14",
    BiasMotivation.ANTI_MULTIPLE_RACES: "15",
    BiasMotivation.ANTI_PACIFIC_ISLANDER: "16",
    BiasMotivation.ANTI_ARAB: "31",
    BiasMotivation.ANTI_HISPANIC: "32",
    BiasMotivation.ANTI_OTHER_RACE: "33",
    BiasMotivation.ANTI_JEWISH: "21",
    BiasMotivation.ANTI_CATHOLIC: "22",
    BiasMotivation.ANTI_PROTESTANT: "23",
    BiasMotivation.ANTI_ISLAMIC: "24",
    BiasMotivation.ANTI_OTHER_RELIGION: "25",
    BiasMotivation.ANTI_MULTIPLE_RELIGIONS: "26",
    BiasMotivation.ANTI_ATHEISM: "27",
    BiasMotivation.ANTI_MORMON: "28",
    BiasMotivation.ANTI_JEHOVAHS_WITNESS: "29",
    BiasMotivation.ANTI_EASTERN_ORTHODOX: "81",
    BiasMotivation.ANTI_OTHER_CHRISTIAN: "82",
    BiasMotivation.ANTI_BUDDHIST: "83",
    BiasMotivation.ANTI_HINDU: "84",
    BiasMotivation.ANTI_SIKH: "85",
    BiasMotivation.ANTI_GAY: "41",
    BiasMotivation.ANTI_LESBIAN: "42",
    BiasMotivation.ANTI_LGBT: "43",
    BiasMotivation.ANTI_HETEROSEXUAL: "44",
    BiasMotivation.ANTI_BISEXUAL: "45",
    BiasMotivation.ANTI_PHYSICAL_DISABILITY: "51",
    BiasMotivation.ANTI_MENTAL_DISABILITY: "52",
    BiasMotivation.ANTI_MALE: "61",
    BiasMotivation.ANTI_FEMALE: "62",
    BiasMotivation.ANTI_TRANSGENDER: "71",
    BiasMotivation.ANTI_GENDER_NON_CONFORMING: "72",
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
    TRESPASS = "trespass"
    CALL = "call"
    THREAT = "threat"
