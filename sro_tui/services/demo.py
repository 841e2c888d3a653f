"""Demo data: a fictional department's school year so far, for trying the app and for load tests.

Everything is made up (schools beyond the four sample high schools it adds, officers, students,
events) and dated in the current school year relative to the service clock, so the app
looks lived-in whatever day it is opened: badge 1001 has today's shift at Ventura High partly
done, a report returned for changes, and follow-ups due.

Volume: ``scale`` multiplies the department (field officers, students) and with it every
record they make. Rows go in with bulk Core inserts in batches, in one write transaction, so
a failed seed leaves nothing behind. The random generator is seeded, so the same scale on the
same day gives the same store.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from ..domain.enums import (
    AuditOutcome,
    ChecklistKind,
    ChecklistStatus,
    ComplianceKind,
    ConsentStatus,
    ContactInitiator,
    ContactKind,
    GangInvolvement,
    IncidentStatus,
    LectureTopic,
    OutcomeKind,
    PersonRole,
    RecordType,
    ReferralStatus,
    Role,
    SchoolLevel,
    SuspectedUse,
    WeaponType,
)
from ..domain.errors import Conflict, PermissionDenied, SroError
from ..domain.incidents import format_incident_number, required_compliance, school_year_of
from ..domain.officers import Actor
from ..domain.students import search_name_for
from ..domain.workflow import REFERRAL_OPEN
from ..store.models import (
    ChecklistItem,
    ChecklistTemplateItem,
    Incident,
    IncidentCompliance,
    IncidentCounter,
    IncidentOffense,
    IncidentPerson,
    IncidentPersonOutcome,
    IncidentReview,
    IncidentSupplement,
    Location,
    Note,
    NoteStudent,
    OffenseCategory,
    Officer,
    OfficerSchool,
    Referral,
    ReferralEvent,
    ReferralProgram,
    School,
    Shift,
    Student,
)
from . import store_settings
from .audit import AuditTrail
from .context import ServiceContext
from .demo_campus import seed_campus
from .demo_threats import seed_threats
from .passwords import hash_password
from .reference import seed_sample_schools

Progress = Callable[[str, int, int], None]

DEMO_PASSWORD = "demo"
MAX_SCALE = 500
BATCH = 2000

DEMO_AGENCY = "Ventura Police Department"  # the fictional department of the demo
# The logins printed by `sro demo` / `sro seed-demo`: (badge, role, what to try).
DEMO_LOGINS: tuple[tuple[str, str, str], ...] = (
    ("1001", Role.OFFICER.value, "Ventura High: today's shift, a returned report, follow-ups"),
    ("2001", Role.SUPERVISOR.value, "the review queue and department reports"),
    ("3001", Role.ADMIN.value, "officers, schools, reference codes, audit"),
)

# Fictional feeder schools next to the four seeded high schools.
DEMO_SCHOOLS: tuple[tuple[str, str, str], ...] = (
    ("SCMS", "Seacliff Middle School", SchoolLevel.MIDDLE.value),
    ("HVMS", "Harbor View Middle School", SchoolLevel.MIDDLE.value),
    ("COMS", "Canyon Oaks Middle School", SchoolLevel.MIDDLE.value),
    ("SPES", "Sandpiper Elementary School", SchoolLevel.ELEMENTARY.value),
    ("PPES", "Pelican Point Elementary School", SchoolLevel.ELEMENTARY.value),
    ("MHES", "Mission Hills Elementary School", SchoolLevel.ELEMENTARY.value),
    ("LGES", "Lemon Grove Elementary School", SchoolLevel.ELEMENTARY.value),
    ("SBES", "Sea Breeze Elementary School", SchoolLevel.ELEMENTARY.value),
    ("TWES", "Tidewater Elementary School", SchoolLevel.ELEMENTARY.value),
)
HIGH_SCHOOL_CODES = ("VHS", "BHS", "PHS", "FTHS")

# Students per school for each unit of scale.
STUDENTS_PER_SCHOOL = {"high": 120, "middle": 60, "elementary": 30, "other": 20}
GRADES = {"high": (9, 12), "middle": (6, 8), "elementary": (0, 5), "other": (9, 12)}

# Records per officer per school day, by the level of the school worked that day.
INCIDENT_RATE = {"high": 0.42, "middle": 0.26, "elementary": 0.1, "other": 0.2}
NOTE_RATE = {"high": 1.0, "middle": 0.9, "elementary": 0.7, "other": 0.6}
REFERRAL_RATE = {"high": 0.16, "middle": 0.12, "elementary": 0.06, "other": 0.05}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Sofia Mateo Isabella Liam Camila Noah Valentina Ethan Mia Diego Olivia Santiago Emma "
    "Gabriel Ava Daniel Lucia Elijah Ximena Jayden Aaliyah Adrian Chloe Angel Harper Jacob "
    "Natalie Julian Zoe Leonardo Emily Aiden Genesis Isaac Abigail Carlos Madison Joshua "
    "Layla Luis Hannah Andrew Victoria Christopher Samantha Nathan Evelyn Ryan Alexa Tyler "
    "Grace Kevin Nora Brandon Lily Marcus Amara Hiro Mei Tanvi Arjun Kai Leilani Malia Omar "
    "Yasmin Dante Paloma Rosa Andres Iker Elena Maya Ruby Owen Cole Sienna Jasmine Emilio "
    "Briana"
)
LAST_NAMES = _words(
    "Garcia Hernandez Martinez Lopez Gonzalez Rodriguez Perez Sanchez Ramirez Torres Flores "
    "Rivera Gomez Diaz Cruz Morales Reyes Gutierrez Ortiz Castillo Mendoza Vargas Romero "
    "Herrera Medina Aguilar Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson "
    "Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker "
    "Young Allen King Wright Scott Nguyen Tran Kim Patel Chen Wong Nakamura Santos Delgado "
    "Navarro Salazar Campos Villanueva Cooper Reed Bailey Bell Murphy Ward Brooks Kelly Price "
    "Foster Hayes Sullivan Bennett Russell Fischer Olsen Okafor Haddad Ibarra Quintero Soto"
)
ADULT_FIRST_NAMES = _words(
    "Michael Jennifer David Maria Robert Patricia Jose Linda Richard Susan Steven Karen Mark "
    "Lisa Paul Angela Brian Teresa Ricardo Monica Gary Denise Frank Yolanda Tom Rachel"
)
STAFF_TITLES = (
    "assistant principal",
    "campus supervisor",
    "teacher",
    "school nurse",
    "counselor",
    "front office manager",
)
AGENCIES = (
    "Ventura County Probation Agency",
    "Ventura County Behavioral Health",
    "Children and Family Services",
    "VUSD Student Services",
    "District Attorney, juvenile unit",
    "Ventura Fire Department",
    "Interface Children and Family Services",
)

# --- incidents -------------------------------------------------------------------------------

CATEGORY_WEIGHTS = {
    "TOBACCO": 14,
    "FIGHT": 12,
    "THEFT": 8,
    "BULLYING": 8,
    "DRUG-POSS": 7,
    "TRUANCY": 7,
    "TRESPASS": 6,
    "VANDALISM": 6,
    "WELFARE": 6,
    "DRUG-PARA": 5,
    "THREAT": 5,
    "DISORDERLY": 5,
    "DRUG-UI": 4,
    "ALCOHOL": 3,
    "GANG": 3,
    "WEAPON": 2.5,
    "DRUG-SALE": 2,
    "ASSAULT-AGG": 1.5,
    "STAFF-ASSAULT": 1,
    # The California categories of migration 0016: rarer (each still once at least).
    "HARASSMENT": 3,
    "GANG-ACT": 2,
    "SEX-HARASS": 1.5,
    "OBSCENE": 1.5,
    "IMITATION": 0.8,
    "ROBBERY": 0.6,
    "STOLEN-PROP": 0.6,
    "EXTORTION": 0.4,
    "HAZING": 0.4,
    "BURGLARY": 0.4,
    "BOMB-THREAT": 0.4,
    "HATE": 0.4,
    "CHILD-ABUSE": 0.4,
    "SEX-BATTERY": 0.3,
    "ARSON": 0.2,
    "EXPLOSIVE": 0.2,
    "SEX-ASSAULT": 0.1,
    "SEX-SODOMY": 0.1,
    "SEX-OBJECT": 0.1,
}
# Elementary campuses see few drug, alcohol or weapon cases.
ELEMENTARY_DAMPED = {"DRUG-POSS", "DRUG-SALE", "DRUG-UI", "DRUG-PARA", "ALCOHOL", "GANG", "WEAPON"}

# Offenses that tend to come together in one report (the "charges" of an arrest).
COMPANIONS = {
    "FIGHT": ("BULLYING", "DISORDERLY", "GANG"),
    "DRUG-POSS": ("DRUG-PARA", "DRUG-UI", "DRUG-SALE"),
    "DRUG-SALE": ("DRUG-POSS", "DRUG-PARA", "WEAPON"),
    "DRUG-UI": ("DRUG-POSS", "ALCOHOL"),
    "DRUG-PARA": ("DRUG-POSS", "TOBACCO"),
    "WEAPON": ("THREAT", "GANG", "ASSAULT-AGG"),
    "ASSAULT-AGG": ("WEAPON", "GANG", "FIGHT"),
    "STAFF-ASSAULT": ("DISORDERLY", "FIGHT"),
    "THREAT": ("BULLYING", "WEAPON"),
    "THEFT": ("VANDALISM", "TRESPASS"),
    "VANDALISM": ("GANG", "THEFT"),
    "GANG": ("VANDALISM", "THREAT", "FIGHT"),
    "ALCOHOL": ("DISORDERLY", "TRUANCY"),
    "TRUANCY": ("TOBACCO", "ALCOHOL"),
    "TRESPASS": ("DISORDERLY", "THEFT"),
    "BULLYING": ("THREAT", "FIGHT"),
    "DISORDERLY": ("FIGHT", "ALCOHOL"),
    "TOBACCO": ("DRUG-PARA",),
    "WELFARE": ("DRUG-UI", "ALCOHOL"),
}

TYPICAL_LOCATIONS = {
    "TOBACCO": ("RESTROOM", "RESTROOM", "PARKING", "GYM"),
    "TRESPASS": ("PERIMETER", "PARKING", "OFFICE"),
    "BULLYING": ("ONLINE", "ONLINE", "HALLWAY", "CLASSROOM"),
    "THREAT": ("ONLINE", "CLASSROOM", "HALLWAY"),
    "TRUANCY": ("PERIMETER", "PARKING", "BUS"),
    "THEFT": ("GYM", "CLASSROOM", "CAFETERIA", "HALLWAY"),
    "FIGHT": ("HALLWAY", "CAFETERIA", "GYM", "BUS", "EVENT"),
    "ALCOHOL": ("EVENT", "PARKING", "RESTROOM"),
    "DRUG-UI": ("CLASSROOM", "RESTROOM", "OFFICE"),
    "WELFARE": ("OFFICE", "CLASSROOM", "GYM"),
    "VANDALISM": ("RESTROOM", "HALLWAY", "PARKING"),
}

WHERE = {
    "CLASSROOM": "in a classroom",
    "HALLWAY": "in the main hallway",
    "RESTROOM": "in the restroom by the gym",
    "CAFETERIA": "in the cafeteria",
    "GYM": "on the athletic field",
    "PARKING": "in the student parking lot",
    "OFFICE": "at the front office",
    "PERIMETER": "at the east gate",
    "BUS": "at the bus loading zone",
    "EVENT": "at the evening football game",
    "ONLINE": "on a social media app",
}
WEAPON_WORDS = {
    WeaponType.FIREARM: "loaded handgun",
    WeaponType.KNIFE: "folding knife",
    WeaponType.BLUNT: "metal pipe",
    WeaponType.OTHER: "stun gun",
    WeaponType.PERSONAL: "fists",
    WeaponType.IMITATION: "replica pistol",
    WeaponType.EXPLOSIVE: "pipe bomb",
    WeaponType.NONE: "weapon",
}

WHAT_HAPPENED = {
    "TRESPASS": "An adult without a visitor badge was seen {where}. I contacted the man, "
    "confirmed with the front office that he had no business on campus and advised him of "
    "PC 626.8.",
    "WEAPON": "Two students told a teacher that {suspect} had a {weapon} in a backpack. I found "
    "{suspect} {where}; an assistant principal searched the backpack with me present and the "
    "{weapon} was recovered and booked as evidence.",
    "GANG": "Staff reported hand signs and gang writing aimed at another student {where}. I "
    "photographed the writing and spoke with {suspect} and the students who saw it.",
    "DRUG-POSS": "During an administrative search {where}, a small bag of a green leafy "
    "substance and several blue pills were found on {suspect}. The items were booked for "
    "testing.",
    "DRUG-SALE": "Several students said {suspect} was selling THC vape cartridges {where}. "
    "{suspect} had eleven cartridges and cash in small bills.",
    "DRUG-UI": "A teacher sent {suspect} to the office with slurred speech and an unsteady gait. "
    "The nurse checked vital signs; {suspect} said a pill had been taken {where}.",
    "DRUG-PARA": "A glass pipe and a grinder were found in {suspect}'s backpack {where}.",
    "ALCOHOL": "{suspect} was found drinking from a water bottle that smelled of alcohol {where}.",
    "TOBACCO": "Campus supervisors found {suspect} vaping {where}. The device was confiscated "
    "and booked for destruction.",
    "ASSAULT-AGG": "{suspect} struck {victim} with a {weapon} {where}. {victim} was treated by "
    "the nurse and taken to the hospital by a parent.",
    "FIGHT": "{suspect} and {victim} exchanged punches {where}. I separated them; neither needed "
    "medical aid.",
    "STAFF-ASSAULT": "{suspect} shoved a campus supervisor who was breaking up a disturbance "
    "{where}. The staff member was not seriously hurt.",
    "THREAT": "Students reported that {suspect} threatened to hurt classmates {where}. I "
    "interviewed the reporting students and {suspect}, and checked with the family for access "
    "to weapons.",
    "THEFT": "{victim} reported a phone taken from a backpack {where}. Video from the camera "
    "nearby showed {suspect} taking it; the phone was recovered.",
    "VANDALISM": "Fresh graffiti and a broken mirror were found {where}. Video review and a "
    "witness identified {suspect}.",
    "BULLYING": "A parent reported repeated insults and threats to {victim}, mostly {where}. "
    "Screenshots were provided and {suspect} was identified.",
    "TRUANCY": "{suspect} was found off campus during third period near {where} and was returned "
    "to the attendance office.",
    "DISORDERLY": "A group led by {suspect} refused to disperse and disrupted classes {where}.",
    "WELFARE": "Staff asked me to check on {victim}, who appeared distressed {where}. I stayed "
    "with the student until a counselor and a parent arrived.",
}
CLOSING = (
    "Parents were notified. Statements are attached.",
    "The assistant principal was present for the interviews. Parents were called.",
    "Body-worn camera was on for the contact. Parents were notified by phone.",
    "School video was requested from the district. Parents were notified.",
    "The school will handle discipline; this report documents the police contact.",
)
RETURN_COMMENTS = (
    "Please add the time the parent was notified and the witness's name.",
    "The narrative and the location disagree: please fix the location.",
    "Add the property description and where it was booked.",
    "Mark the most severe offense and check the Ed Code section.",
    "Add the statement of the reporting party.",
)
SUPPLEMENTS = (
    "Follow-up: the victim's parent called; the stolen property has been returned.",
    "Correction: the incident happened about ten minutes earlier than first reported.",
    "Lab results received: the substance tested positive as reported.",
    "The district completed its hearing; the student was placed at another school.",
    "A further witness came forward and gave a written statement (attached).",
)
COMPLIANCE_NOTES = {
    ComplianceKind.GUN_FREE_SCHOOLS: "Referred to the district for Gun-Free Schools Act review",
    ComplianceKind.EC_48902: "Principal's notice under EC 48902 received",
    ComplianceKind.EC_49393: "Threat recorded and district notified (EC 49393)",
    ComplianceKind.EC_44014: "Staff assault reported to the district (EC 44014)",
}

# --- notes and referrals ---------------------------------------------------------------------

NOTE_KIND_WEIGHTS = {
    ContactKind.MENTORING: 40,
    ContactKind.PARENT: 12,
    ContactKind.STAFF: 10,
    ContactKind.MEDIATION: 8,
    ContactKind.SAP_GROUP: 7,
    ContactKind.CLASSROOM: 10,
    ContactKind.STAFF_TRAINING: 4,
    ContactKind.LIAISON: 9,
}
MENTORING_TOPICS = (
    "grades and attendance",
    "conflict with a classmate",
    "family stress",
    "vaping",
    "social media",
    "anger",
    "goals after graduation",
    "sports eligibility",
    "peer pressure",
)
NOTE_TEXT = {
    ContactKind.MENTORING: "Met with the student about {topic}. We agreed on two steps for the "
    "coming week and I will check in again.",
    ContactKind.PARENT: "Spoke with the parent about {topic}. The parent will keep the school "
    "informed and asked for a call after the next meeting.",
    ContactKind.STAFF: "Met with the counselor and a teacher about {topic}; plan shared with the "
    "assistant principal.",
    ContactKind.MEDIATION: "Mediation between the students about {topic}. Both agreed to stay "
    "apart for now and to talk to a counselor if it starts again.",
    ContactKind.SAP_GROUP: "Student Assistance Program group session on {topic}. Good "
    "participation.",
    ContactKind.CLASSROOM: "Presented {topic} with questions and a short video.",
    ContactKind.STAFF_TRAINING: "Training for staff on {topic}, with time for questions.",
    ContactKind.LIAISON: "Contact with the agency about shared students and {topic}.",
}
CLASSES = ("Health 9", "Freshman seminar", "Government 12", "Science 7", "Advisory", "PE 6")
TRAININGS = ("campus security", "drug recognition", "lockdown drill review", "threat assessment")
LIAISON_TOPICS = ("probation check-ins", "case coordination", "family services", "truancy")
REFERRAL_REASONS = {
    "ANGER": "Repeated fights; the student wants help managing anger.",
    "FAMILY": "Conflict at home is affecting attendance and behaviour.",
    "PAL": "Needs a positive after-school activity and adult mentors.",
    "PEAK": "Unsupervised after school; the parent asked for a program.",
    "DRUG-ALC": "Vaping and marijuana use at school; the parent agrees to counseling.",
    "SAP": "Several concerns raised by teachers; group support recommended.",
    "SOCIAL": "The family needs help with housing and food.",
    "DIVERSION": "First offense that qualifies for juvenile diversion instead of a petition.",
    "OTHER": "Referred to a community program recommended by the counselor.",
}
REFERRAL_EVENT_NOTES = {
    ReferralStatus.CONTACTED: "Program called the family.",
    ReferralStatus.ENROLLED: "Intake done; sessions scheduled.",
    ReferralStatus.ATTENDING: "Attending weekly.",
    ReferralStatus.COMPLETED: "Completed the program.",
    ReferralStatus.DECLINED: "The family declined the program.",
    ReferralStatus.NO_SHOW: "Did not come to the first session.",
    ReferralStatus.CLOSED: "Closed: the student moved out of the district.",
}
# Status paths a referral can have walked (every step allowed by the workflow).
REFERRAL_PATHS: dict[ReferralStatus, tuple[tuple[ReferralStatus, ...], ...]] = {
    ReferralStatus.REFERRED: ((),),
    ReferralStatus.CONTACTED: ((ReferralStatus.CONTACTED,),),
    ReferralStatus.ENROLLED: ((ReferralStatus.CONTACTED, ReferralStatus.ENROLLED),),
    ReferralStatus.ATTENDING: (
        (ReferralStatus.CONTACTED, ReferralStatus.ENROLLED, ReferralStatus.ATTENDING),
    ),
    ReferralStatus.COMPLETED: (
        (
            ReferralStatus.CONTACTED,
            ReferralStatus.ENROLLED,
            ReferralStatus.ATTENDING,
            ReferralStatus.COMPLETED,
        ),
    ),
    ReferralStatus.DECLINED: (
        (ReferralStatus.DECLINED,),
        (ReferralStatus.CONTACTED, ReferralStatus.DECLINED),
    ),
    ReferralStatus.NO_SHOW: (
        (ReferralStatus.CONTACTED, ReferralStatus.NO_SHOW),
        (ReferralStatus.CONTACTED, ReferralStatus.ENROLLED, ReferralStatus.NO_SHOW),
    ),
    ReferralStatus.CLOSED: (
        (ReferralStatus.CLOSED,),
        (ReferralStatus.CONTACTED, ReferralStatus.NO_SHOW, ReferralStatus.CLOSED),
    ),
}

# --- the checklist ---------------------------------------------------------------------------

SKIP_REASONS = (
    "Called to an incident at another campus",
    "Court appearance",
    "Department training day",
    "Staff meeting ran over",
    "No class scheduled today",
    "Covering another officer's campus",
    "Event cancelled",
)
ITEM_NOTES = (
    "Gate B lock broken; reported to facilities.",
    "Unknown car in the staff lot; plate checked, owner is a substitute teacher.",
    "Quiet.",
    "Two students sent back to class.",
    "Talked with the principal about Friday's rally.",
)
ONE_OFF_ITEMS = (
    ("Extra patrol: evening game", "EVENT", ChecklistKind.SECURITY),
    ("Meet the parent about attendance", "OFFICE", ChecklistKind.OTHER),
    ("Bus stop check after a complaint", "BUS", ChecklistKind.SECURITY),
    ("Lockdown drill", None, ChecklistKind.SECURITY),
)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month (n=-1: the last)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def school_year_bounds(today: date) -> tuple[date, date]:
    """First and last day of the school year running on ``today`` (or the one just ended,
    in the summer before classes start): mid-August to mid-June."""
    year = today.year if today.month >= 7 else today.year - 1
    start = _nth_weekday(year, 8, 2, 2)  # second Wednesday of August
    if today < start:
        year -= 1
        start = _nth_weekday(year, 8, 2, 2)
    return start, _nth_weekday(year + 1, 6, 3, 2)  # second Thursday of June


def holidays(start_year: int) -> set[date]:
    """School holidays of the year starting in August ``start_year`` (a Ventura-like calendar)."""
    y, n = start_year, start_year + 1
    days = {
        _nth_weekday(y, 9, 0, 1),  # Labor Day
        date(y, 11, 11),  # Veterans Day
        _nth_weekday(n, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(n, 2, 0, 3),  # Presidents' Day
        _nth_weekday(n, 5, 0, -1),  # Memorial Day
    }
    thanksgiving = _nth_weekday(y, 11, 3, 4)
    days.update(thanksgiving - timedelta(days=3 - i) for i in range(5))
    winter = date(y, 12, 22) - timedelta(days=date(y, 12, 22).weekday())
    days.update(winter + timedelta(days=i) for i in range(14))
    spring = _nth_weekday(n, 4, 0, 1)
    days.update(spring + timedelta(days=i) for i in range(5))
    return days


def school_days(today: date) -> list[date]:
    """The school days of the current school year up to and including ``today``."""
    start, end = school_year_bounds(today)
    off = holidays(start.year)
    days: list[date] = []
    day = start
    last = min(end, today)
    while day <= last:
        if day.weekday() < 5 and day not in off:
            days.append(day)
        day += timedelta(days=1)
    return days


def outcomes_value(outcomes: Iterable[OutcomeKind]) -> list[str]:
    """A person's outcome values, in order, each once (one incident_person_outcomes row each)."""
    return list(dict.fromkeys(OutcomeKind(o).value for o in outcomes))


# Who brought each demo incident to the officer, by its number (no draw from the random
# stream, so every other demo record stays as it was): mostly a school official.
DEMO_INITIATORS = (
    ContactInitiator.SCHOOL,
    ContactInitiator.SCHOOL,
    ContactInitiator.OFFICER,
    ContactInitiator.SCHOOL,
    ContactInitiator.OTHER,
    ContactInitiator.SCHOOL,
    ContactInitiator.OFFICER,
    ContactInitiator.SCHOOL,
    ContactInitiator.SCHOOL,
    ContactInitiator.OFFICER,
)


def _chunks(rows: Sequence[dict[str, Any]], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


@dataclass
class _FieldOfficer:
    id: int
    badge: str
    school_ids: list[int]


@dataclass
class _IncidentPlan:
    """An incident before its details: enough to order and number it."""

    officer: _FieldOfficer
    school_id: int
    day: date
    occurred_at: datetime
    entered_at: datetime
    status: IncidentStatus
    category: str | None = None
    returned_comment: str = ""
    number: str = ""
    id: int = 0
    suspects: list[int] = field(default_factory=list)


_Rows = list[dict[str, Any]]
"""Rows of one table, as bulk inserts take them."""


class _Picker:
    """Weighted choice with the cumulative weights worked out once."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


class DemoSeeder:
    """Fills an empty (or demo) store with a fictional department's school year so far."""

    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def seed(
        self,
        actor: Actor,
        *,
        scale: int = 1,
        progress: Progress | None = None,
    ) -> dict[str, int]:
        """Seed the store; return how many rows went into each table.

        Refuses a store holding real records (officers, and not marked as a demo store) and a
        demo store that is already seeded.
        """
        if not actor.is_admin:
            self.audit.record_alone(
                actor, "demo.seed", record_type=RecordType.STORE, outcome=AuditOutcome.DENIED
            )
            raise PermissionDenied("Only an administrator can load demo data")
        if not 1 <= scale <= MAX_SCALE:
            raise SroError(f"Scale must be 1 to {MAX_SCALE}", field="scale")
        # argon2 is slow on purpose: hash outside the write lock, and share one hash among
        # the extra officers of a large demo (the password is published anyway).
        hashes = {badge: hash_password(DEMO_PASSWORD) for badge, _r, _w in DEMO_LOGINS}
        hashes["*"] = hash_password(DEMO_PASSWORD)
        with self.ctx.db.write() as session:
            self._refuse_real_store(session)
            seed_sample_schools(session)  # the demo's high schools (a new store has none)
            builder = _Builder(self.ctx, session, scale, hashes, progress)
            counts = builder.run()
            store_settings.set_value(session, store_settings.DEMO, "1")
            store_settings.set_value(session, store_settings.AGENCY_NAME, DEMO_AGENCY)
            self.audit.record(
                session,
                actor,
                "demo.seed",
                record_type=RecordType.STORE,
                detail=f"scale {scale}, {sum(counts.values())} rows",
            )
        if not self.ctx.db.is_sqlite:
            # PostgreSQL's planner statistics for the tables just filled (autovacuum gathers
            # them only later): without them a search of a new demo store at scale 120 took
            # 0.7 s at p95 instead of 0.09 (issue 16). SQLite's plans need none.
            with self.ctx.db.write() as session:
                session.execute(text("ANALYZE"))
        return counts

    @staticmethod
    def _refuse_real_store(session: Session) -> None:
        officers = session.scalar(select(func.count()).select_from(Officer)) or 0
        students = session.scalar(select(func.count()).select_from(Student)) or 0
        demo = store_settings.get_flag(session, store_settings.DEMO)
        if (officers or students) and not demo:
            raise SroError(
                "This store holds real records (it is not a demo store): demo data goes only "
                "into a new store; use `sro demo` or --db with a new file"
            )
        if officers or students:
            raise Conflict("This demo store is already seeded; delete it to start over")


class _Builder:
    """One seeding run: the random generator, the reference ids and the row counts."""

    def __init__(
        self,
        ctx: ServiceContext,
        session: Session,
        scale: int,
        hashes: dict[str, str],
        progress: Progress | None,
    ) -> None:
        self.ctx = ctx
        self.session = session
        self.scale = scale
        self.hashes = hashes
        self.progress = progress or (lambda _phase, _done, _total: None)
        self.rng = random.Random(f"sro-demo/{scale}")
        self.now = ctx.now().astimezone(UTC)
        self.today = ctx.today()
        self.tz = ctx.tz
        self.counts: dict[str, int] = {}
        self._day_base: dict[date, datetime] = {}

    # -- plumbing ----------------------------------------------------------------------------

    def _insert(self, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
        name = model.__tablename__
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        statement = insert(model.__table__)
        for chunk in _chunks(rows):
            self.session.execute(statement, chunk)

    def _insert_returning(self, model: type[Any], rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert and return the new ids in the order of ``rows``."""
        name = model.__tablename__
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        ids: list[int] = []
        table = model.__table__
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        for chunk in _chunks(rows):
            ids.extend(self.session.execute(statement, chunk).scalars())
        return ids

    def at(self, day: date, minutes: float) -> datetime:
        """``minutes`` after local midnight of ``day``, as UTC (exact for school hours)."""
        base = self._day_base.get(day)
        if base is None:
            base = datetime.combine(day, time(7, 0), self.tz).astimezone(UTC)
            self._day_base[day] = base
        return base + timedelta(minutes=minutes - 420)

    def earlier_today(self) -> datetime:
        """A moment of today's school day before now (just before now, early in the morning)."""
        local = self.now.astimezone(self.tz)
        now_minutes = local.hour * 60 + local.minute
        first, last = max(445, now_minutes - 240), min(now_minutes, 960) - 10
        if last > first:
            return self.at(self.today, self.rng.randint(first, last))
        return self.now - timedelta(minutes=self.rng.randint(5, 30))

    def past(self, moment: datetime, not_before: datetime | None = None) -> datetime:
        """``moment``, pulled back to now if it lies in the future (never before not_before)."""
        if moment > self.now:
            moment = self.now
        if not_before is not None and moment < not_before:
            moment = not_before
        return moment

    # -- the run -----------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self._load_reference()
        self._schools()
        self._officers()
        self._students()
        self.days = school_days(self.today)
        self._shifts()
        self._incidents()
        self._notes()
        self._referrals()
        seed_campus(self)  # services/demo_campus.py: trespass warnings, calls for service
        seed_threats(self)  # services/demo_threats.py: threat assessment cases
        return self.counts

    def _load_reference(self) -> None:
        s = self.session
        self.categories = {
            code: (cid, severity, criminal, tuple(ComplianceKind(c) for c in compliance.split()))
            for cid, code, severity, criminal, compliance in s.execute(
                select(
                    OffenseCategory.id,
                    OffenseCategory.code,
                    OffenseCategory.severity,
                    OffenseCategory.criminal,
                    OffenseCategory.compliance,
                ).where(OffenseCategory.active.is_(True))
            )
        }
        if not self.categories:
            raise SroError("The store has no offense categories: run `sro init` first")
        self.locations = dict(
            s.execute(select(Location.code, Location.id).where(Location.active.is_(True))).all()
        )
        self.programs = {
            code: (pid, consent)
            for pid, code, consent in s.execute(
                select(
                    ReferralProgram.id, ReferralProgram.code, ReferralProgram.consent_required
                ).where(ReferralProgram.active.is_(True))
            )
        }
        self.template = [
            (label, location, kind)
            for label, location, kind in s.execute(
                select(
                    ChecklistTemplateItem.label,
                    ChecklistTemplateItem.location_code,
                    ChecklistTemplateItem.kind,
                )
                .where(ChecklistTemplateItem.active.is_(True))
                .order_by(ChecklistTemplateItem.position, ChecklistTemplateItem.id)
            )
        ]
        if not (self.locations and self.programs and self.template):
            raise SroError("The store's reference data is missing: run `sro init` first")

    def _schools(self) -> None:
        have = set(self.session.scalars(select(School.code)))
        rows = [
            {"code": code, "name": name, "level": level, "active": True}
            for code, name, level in DEMO_SCHOOLS
            if code not in have
        ]
        if rows:
            self._insert(School, rows)
        self.schools: dict[int, tuple[str, str, str]] = {
            sid: (code, name, level)
            for sid, code, name, level in self.session.execute(
                select(School.id, School.code, School.name, School.level).where(
                    School.active.is_(True)
                )
            )
        }
        by_code = {code: sid for sid, (code, _n, _l) in self.schools.items()}
        self.high = [by_code[c] for c in HIGH_SCHOOL_CODES if c in by_code]
        self.middle = [sid for sid, v in self.schools.items() if v[2] == SchoolLevel.MIDDLE.value]
        self.elementary = [
            sid for sid, v in self.schools.items() if v[2] == SchoolLevel.ELEMENTARY.value
        ]
        if not self.high:
            raise SroError("The store has no high schools: run `sro init` first")
        self.progress("schools", len(self.schools), len(self.schools))

    def _person_name(self) -> str:
        return f"{self.rng.choice(ADULT_FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _officers(self) -> None:
        rng = self.rng
        now = self.now
        # Per unit of scale: one officer per high school, one for the middle schools, one
        # for the elementary schools. Badge 1001 is Ventura High's officer.
        units: list[list[int]] = [[sid] for sid in self.high]
        if self.middle:
            units.append(list(self.middle))
        if self.elementary:
            units.append(list(self.elementary))
        plans: list[tuple[str, str, list[int]]] = []
        number = 0
        for _ in range(self.scale):
            for schools in units:
                number += 1
                badge = str(1000 + number) if number < 1000 else str(100000 + number)
                plans.append((badge, Role.OFFICER.value, schools))
        supervisors = max(2, -(-len(plans) // 8))
        plans += [(str(2000 + i), Role.SUPERVISOR.value, []) for i in range(1, supervisors + 1)]
        plans.append(("3001", Role.ADMIN.value, []))
        rows = []
        for badge, role, _schools in plans:
            rows.append(
                {
                    "badge": badge,
                    "name": f"{rng.choice(ADULT_FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "role": role,
                    "password_hash": self.hashes.get(badge, self.hashes["*"]),
                    "password_changed_at": now,
                    "active": True,
                    "locked_at": None,
                    "totp_secret": None,
                    "created_at": now,
                }
            )
        ids = self._insert_returning(Officer, rows)
        links = []
        self.field_officers: list[_FieldOfficer] = []
        self.supervisor_ids: list[int] = []
        for officer_id, (badge, role, schools) in zip(ids, plans, strict=True):
            if role == Role.OFFICER.value:
                self.field_officers.append(_FieldOfficer(officer_id, badge, schools))
                links += [{"officer_id": officer_id, "school_id": sid} for sid in schools]
            elif role == Role.SUPERVISOR.value:
                self.supervisor_ids.append(officer_id)
                links += [{"officer_id": officer_id, "school_id": sid} for sid in self.high]
        self._insert(OfficerSchool, links)
        self.progress("officers", len(ids), len(ids))

    def _students(self) -> None:
        rng = self.rng
        now = self.now
        rows: list[dict[str, Any]] = []
        owners: list[int] = []
        serial = 0
        for sid, (_code, _name, level) in sorted(self.schools.items()):
            low, high = GRADES.get(level, GRADES["other"])
            for _ in range(STUDENTS_PER_SCHOOL.get(level, 20) * self.scale):
                serial += 1
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                rows.append(
                    {
                        "district_id": f"V{1_000_000 + serial * 7:08d}",
                        "first_name": first,
                        "last_name": last,
                        "search_name": search_name_for(last, first),
                        "school_id": sid,
                        "grade": rng.randint(low, high),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                owners.append(sid)
        self.progress("students", 0, len(rows))
        ids = self._insert_returning(Student, rows)
        self.students_at: dict[int, list[int]] = {sid: [] for sid in self.schools}
        self.student_names: dict[int, str] = {}
        self.student_school: dict[int, int] = {}
        for student_id, row, sid in zip(ids, rows, owners, strict=True):
            self.students_at[sid].append(student_id)
            self.student_school[student_id] = sid
            self.student_names[student_id] = f"{row['first_name']} {row['last_name']}"
        self.progress("students", len(rows), len(rows))

    def _school_of(self, officer: _FieldOfficer, index: int) -> int:
        return officer.school_ids[index % len(officer.school_ids)]

    def _work_days(self, officer: _FieldOfficer) -> list[tuple[int, date, int]]:
        """(day index, day, school id) the officer worked. Badge 1001 always works today."""
        days = [(i, d, self._school_of(officer, i)) for i, d in enumerate(self.days)]
        if officer.badge == "1001" and (not days or days[-1][1] != self.today):
            days.append((len(self.days), self.today, officer.school_ids[0]))
        return days

    def _level(self, school_id: int) -> str:
        return self.schools[school_id][2]

    # -- shifts and checklists ---------------------------------------------------------------

    def _shifts(self) -> None:
        rng = self.rng
        template = self.template
        count = len(template)
        # Planned times, spread from 07:15 to 15:45 in template order.
        planned = [435 + round(i * 510 / max(1, count - 1)) for i in range(count)]
        local_now = self.now.astimezone(self.tz)
        now_minutes = local_now.hour * 60 + local_now.minute
        total = sum(len(self._work_days(o)) for o in self.field_officers)
        done_shifts = 0
        pending_shifts: list[tuple[dict[str, Any], date]] = []

        def flush() -> None:
            nonlocal done_shifts
            if not pending_shifts:
                return
            ids = self._insert_returning(Shift, [row for row, _day in pending_shifts])
            items: list[dict[str, Any]] = []
            for shift_id, (_row, day) in zip(ids, pending_shifts, strict=True):
                items += self._items(shift_id, day, planned, now_minutes)
            self._insert(ChecklistItem, items)
            done_shifts += len(pending_shifts)
            pending_shifts.clear()
            self.progress("shifts", done_shifts, total)

        for officer in self.field_officers:
            for _i, day, school_id in self._work_days(officer):
                start = self.at(day, 420 + rng.randint(-20, 10))
                if day == self.today:
                    start = min(start, self.now - timedelta(minutes=30))
                pending_shifts.append(
                    (
                        {
                            "officer_id": officer.id,
                            "school_id": school_id,
                            "shift_date": day,
                            "started_at": start,
                        },
                        day,
                    )
                )
                if len(pending_shifts) >= BATCH:
                    flush()
        flush()

    def _items(
        self, shift_id: int, day: date, planned: list[int], now_minutes: int
    ) -> list[dict[str, Any]]:
        rng = self.rng
        today = day == self.today
        rows: list[dict[str, Any]] = []
        # Today: the first part of the day is done (and one item skipped), the rest pending.
        done_until = max(3, min(len(planned) * 3 // 5, sum(1 for p in planned if p <= now_minutes)))
        for position, ((label, location, kind), minutes) in enumerate(
            zip(self.template, planned, strict=True)
        ):
            roll = rng.random()
            if today:
                if position >= done_until:
                    status = ChecklistStatus.PENDING
                elif position == 2:
                    status = ChecklistStatus.SKIPPED
                else:
                    status = ChecklistStatus.DONE
            elif roll < 0.9:
                status = ChecklistStatus.DONE
            elif roll < 0.985:
                status = ChecklistStatus.SKIPPED
            else:
                status = ChecklistStatus.PENDING
            status_at = None
            if status is not ChecklistStatus.PENDING:
                status_at = self.at(day, minutes + rng.randint(-10, 20))
                if today and status_at > self.now:
                    status_at = self.now - timedelta(minutes=5 * (len(planned) - position))
            rows.append(
                {
                    "shift_id": shift_id,
                    "position": position,
                    "label": label,
                    "location_code": location,
                    "kind": kind,
                    "status": status.value,
                    "status_at": status_at,
                    "skip_reason": rng.choice(SKIP_REASONS)
                    if status is ChecklistStatus.SKIPPED
                    else "",
                    "note": rng.choice(ITEM_NOTES)
                    if status is ChecklistStatus.DONE and rng.random() < 0.04
                    else "",
                    "one_off": False,
                }
            )
        if rng.random() < 0.05 and not today:
            label, location, kind = rng.choice(ONE_OFF_ITEMS)
            rows.append(
                {
                    "shift_id": shift_id,
                    "position": len(planned),
                    "label": label,
                    "location_code": location,
                    "kind": kind.value,
                    "status": ChecklistStatus.DONE.value,
                    "status_at": self.at(day, rng.randint(600, 1200)),
                    "skip_reason": "",
                    "note": "",
                    "one_off": True,
                }
            )
        return rows

    # -- incidents ---------------------------------------------------------------------------

    def _category_picker(self, level: str) -> _Picker:
        codes = sorted(self.categories)
        weights = []
        for code in codes:
            weight = CATEGORY_WEIGHTS.get(code, 3)
            if level == SchoolLevel.ELEMENTARY.value and code in ELEMENTARY_DAMPED:
                weight /= 8
            weights.append(weight)
        return _Picker(codes, weights)

    def _status_for(self, day: date) -> IncidentStatus:
        age = (self.today - day).days
        roll = self.rng.random()
        table: tuple[tuple[float, IncidentStatus], ...]
        if age == 0:
            table = ((0.7, IncidentStatus.DRAFT), (1.0, IncidentStatus.SUBMITTED))
        elif age <= 2:
            table = (
                (0.2, IncidentStatus.DRAFT),
                (0.65, IncidentStatus.SUBMITTED),
                (0.75, IncidentStatus.RETURNED),
                (1.0, IncidentStatus.APPROVED),
            )
        elif age <= 7:
            table = (
                (0.05, IncidentStatus.DRAFT),
                (0.25, IncidentStatus.SUBMITTED),
                (0.33, IncidentStatus.RETURNED),
                (1.0, IncidentStatus.APPROVED),
            )
        else:
            table = (
                (0.015, IncidentStatus.DRAFT),
                (0.03, IncidentStatus.SUBMITTED),
                (0.045, IncidentStatus.RETURNED),
                (1.0, IncidentStatus.APPROVED),
            )
        return next(status for limit, status in table if roll < limit)

    def _plan_incidents(self) -> list[_IncidentPlan]:
        rng = self.rng
        plans: list[_IncidentPlan] = []
        for officer in self.field_officers:
            for _i, day, school_id in self._work_days(officer):
                rate = INCIDENT_RATE.get(self._level(school_id), 0.2)
                count = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
                if count and rng.random() < 0.08:
                    count += 1
                for _ in range(count):
                    plans.append(self._plan_one(officer, school_id, day))
        # Every category at least once, at random places in the year.
        codes = sorted(self.categories)
        rng.shuffle(codes)
        while len(plans) < len(codes):
            officer = rng.choice(self.field_officers)
            _index, day, school_id = rng.choice(self._work_days(officer))
            plans.append(self._plan_one(officer, school_id, day))
        for plan, code in zip(rng.sample(plans, len(codes)), codes, strict=False):
            plan.category = code
        # Badge 1001's desk: a report returned for changes, one waiting for review, and
        # today's draft.
        vhs_officer = next((o for o in self.field_officers if o.badge == "1001"), None)
        if vhs_officer is not None:
            school_id = vhs_officer.school_ids[0]
            recent = [d for d in self.days if d < self.today][-3:] or [self.today]
            returned = self._plan_one(vhs_officer, school_id, recent[0])
            returned.status = IncidentStatus.RETURNED
            returned.returned_comment = RETURN_COMMENTS[0]
            returned.category = "FIGHT" if "FIGHT" in self.categories else None
            waiting = self._plan_one(vhs_officer, school_id, recent[-1])
            waiting.status = IncidentStatus.SUBMITTED
            draft = self._plan_one(vhs_officer, school_id, self.today)
            draft.status = IncidentStatus.DRAFT
            draft.category = "TOBACCO" if "TOBACCO" in self.categories else None
            plans += [returned, waiting, draft]
        return plans

    def _plan_one(self, officer: _FieldOfficer, school_id: int, day: date) -> _IncidentPlan:
        rng = self.rng
        if day == self.today:
            occurred = self.earlier_today()
        elif rng.random() < 0.06:
            occurred = self.at(day, rng.randint(1080, 1260))  # an evening school event
        else:
            occurred = self.at(day, rng.randint(450, 930))
        entered = self.past(occurred + timedelta(minutes=rng.randint(10, 90)), occurred)
        return _IncidentPlan(
            officer=officer,
            school_id=school_id,
            day=day,
            occurred_at=occurred,
            entered_at=entered,
            status=self._status_for(day),
        )

    def _incidents(self) -> None:
        plans = self._plan_incidents()
        # Numbers run in the order reports were entered, per calendar year of entry, on from
        # whatever the counters already hold.
        plans.sort(key=lambda p: (p.entered_at, p.officer.id))
        counters = dict(
            self.session.execute(select(IncidentCounter.year, IncidentCounter.last_seq)).all()
        )
        last_seq = dict(counters)
        for plan in plans:
            year = plan.entered_at.astimezone(self.tz).year
            last_seq[year] = last_seq.get(year, 0) + 1
            plan.number = format_incident_number(year, last_seq[year])
        pickers = {level: self._category_picker(level) for level in INCIDENT_RATE}
        self.incident_suspects: dict[int, list[tuple[int, date, int]]] = {}
        total = len(plans)
        for start in range(0, total, BATCH // 2):
            batch = plans[start : start + BATCH // 2]
            self._write_incidents(batch, pickers)
            self.progress("incidents", min(start + len(batch), total), total)
        for year, seq in last_seq.items():
            if year in counters:
                self.session.execute(
                    update(IncidentCounter)
                    .where(IncidentCounter.year == year)
                    .values(last_seq=seq)
                    .execution_options(synchronize_session=False)
                )
            else:
                self.session.execute(insert(IncidentCounter), [{"year": year, "last_seq": seq}])
        self.counts["incident_counters"] = len(set(last_seq) - set(counters))

    def _write_incidents(self, plans: list[_IncidentPlan], pickers: dict[str, _Picker]) -> None:
        rng = self.rng
        headers: list[dict[str, Any]] = []
        # Per report: its offenses, people, compliance, reviews and supplements.
        details: list[tuple[_Rows, _Rows, _Rows, _Rows, _Rows]] = []
        for plan in plans:
            level = self._level(plan.school_id)
            code = plan.category or pickers.get(level, pickers["high"])(rng)
            offenses = self._offenses(code)
            evening = plan.occurred_at.astimezone(self.tz).hour >= 17
            location_code = self._location_for(code, evening=evening)
            people, suspects, names = self._people(plan, code)
            arrested = any(OutcomeKind.ARREST.value in p["outcomes"] for p in people)
            if arrested and len(offenses) == 1 and rng.random() < 0.6:
                # An arrest on several charges (it still counts as one arrest).
                offenses = self._offenses(code, extra=rng.randint(1, 2))
            plan.suspects = suspects
            weapon = next((o["weapon"] for o in offenses if o["weapon"] != "none"), "none")
            narrative = self._narrative(plan, code, location_code, weapon, names)
            compliance = self._compliance(plan, offenses, people)
            header, reviews, supplements = self._workflow(plan)
            header.update(
                {
                    "number": plan.number,
                    "school_id": plan.school_id,
                    "school_year": school_year_of(plan.occurred_at.astimezone(self.tz)),
                    "officer_id": plan.officer.id,
                    "location_id": self.locations[location_code],
                    "initiated_by": (
                        ContactInitiator.OFFICER
                        if code == "TRESPASS"
                        else DEMO_INITIATORS[len(headers) % len(DEMO_INITIATORS)]
                    ).value,
                    "occurred_at": plan.occurred_at,
                    "entered_at": plan.entered_at,
                    "narrative": narrative,
                }
            )
            headers.append(header)
            details.append((offenses, people, compliance, reviews, supplements))
        ids = self._insert_returning(Incident, headers)
        offense_rows: list[dict[str, Any]] = []
        people_rows: list[dict[str, Any]] = []
        compliance_rows: list[dict[str, Any]] = []
        review_rows: list[dict[str, Any]] = []
        supplement_rows: list[dict[str, Any]] = []
        for incident_id, plan, (offenses, people, compliance, reviews, supplements) in zip(
            ids, plans, details, strict=True
        ):
            plan.id = incident_id
            for row in offenses:
                code = row.pop("category_code")
                row["category_id"] = self.categories[code][0]
            for rows, target in (
                (offenses, offense_rows),
                (people, people_rows),
                (compliance, compliance_rows),
                (reviews, review_rows),
                (supplements, supplement_rows),
            ):
                for row in rows:
                    row["incident_id"] = incident_id
                target.extend(rows)
            for student_id in plan.suspects:
                self.incident_suspects.setdefault(plan.officer.id, []).append(
                    (incident_id, plan.day, student_id)
                )
        self._insert(IncidentOffense, offense_rows)
        outcomes = [row.pop("outcomes") for row in people_rows]
        person_ids = self._insert_returning(IncidentPerson, people_rows)
        self._insert(
            IncidentPersonOutcome,
            [
                {"person_id": person_id, "outcome": value, "position": position}
                for person_id, values in zip(person_ids, outcomes, strict=True)
                for position, value in enumerate(values)
            ],
        )
        self._insert(IncidentCompliance, compliance_rows)
        self._insert(IncidentReview, review_rows)
        self._insert(IncidentSupplement, supplement_rows)

    def _offenses(self, code: str, extra: int | None = None) -> list[dict[str, Any]]:
        rng = self.rng
        codes = [code]
        if extra is None:
            extra = 0 if rng.random() < 0.7 else (1 if rng.random() < 0.75 else 2)
        companions = [c for c in COMPANIONS.get(code, ()) if c in self.categories]
        rng.shuffle(companions)
        codes += companions[:extra]
        # The most severe first, and marked.
        codes.sort(key=lambda c: -self.categories[c][1])
        rows = []
        for index, c in enumerate(codes):
            weapon, use, gang = WeaponType.NONE, SuspectedUse.NONE, GangInvolvement.NONE
            if c == "WEAPON":
                weapon = _Picker(
                    (WeaponType.KNIFE, WeaponType.FIREARM, WeaponType.BLUNT, WeaponType.OTHER),
                    (55, 12, 13, 20),
                )(rng)
            elif c == "ASSAULT-AGG":
                weapon = rng.choice((WeaponType.BLUNT, WeaponType.KNIFE, WeaponType.PERSONAL))
            elif c == "IMITATION":  # the federal report's and GFSA's own weapon types
                weapon = WeaponType.IMITATION
            elif c == "EXPLOSIVE":
                weapon = WeaponType.EXPLOSIVE
            elif c in ("FIGHT", "STAFF-ASSAULT") and rng.random() < 0.5:
                weapon = WeaponType.PERSONAL
            if c in ("DRUG-UI", "DRUG-POSS", "DRUG-SALE"):
                use = SuspectedUse.DRUGS if rng.random() < 0.9 else SuspectedUse.BOTH
            elif c == "ALCOHOL":
                use = SuspectedUse.ALCOHOL
            if c == "GANG":
                gang = GangInvolvement.JUVENILE if rng.random() < 0.8 else GangInvolvement.OTHER
            elif c in ("FIGHT", "THREAT", "VANDALISM", "ASSAULT-AGG") and rng.random() < 0.05:
                gang = GangInvolvement.JUVENILE
            rows.append(
                {
                    "category_code": c,
                    "most_severe": index == 0,
                    "attempted": rng.random() < (0.1 if c == "THEFT" else 0.02),
                    "weapon": weapon.value,
                    "suspected_use": use.value,
                    "gang": gang.value,
                }
            )
        return rows

    def _location_for(self, code: str, *, evening: bool = False) -> str:
        """Where it happened: an evening incident at a school event, a daytime one on
        campus (mostly where that kind of thing happens)."""
        if evening and "EVENT" in self.locations:
            return "EVENT"
        daytime = sorted(c for c in self.locations if c != "EVENT") or sorted(self.locations)
        choices = [c for c in TYPICAL_LOCATIONS.get(code, ()) if c in daytime]
        if choices and self.rng.random() < 0.75:
            return self.rng.choice(choices)
        return self.rng.choice(daytime)

    def _outcomes(self, code: str) -> tuple[list[OutcomeKind], bool]:
        rng = self.rng
        _cid, severity, criminal, _c = self.categories[code]
        roll = rng.random()
        table: tuple[tuple[float, OutcomeKind], ...]
        if not criminal:
            table = (
                (0.4, OutcomeKind.HANDLED_BY_SCHOOL),
                (0.65, OutcomeKind.WARNING),
                (0.85, OutcomeKind.RESOLVED_BY_OFFICER),
                (1.0, OutcomeKind.REFERRAL_TO_SERVICES),
            )
        elif severity < 40:
            table = (
                (0.35, OutcomeKind.HANDLED_BY_SCHOOL),
                (0.6, OutcomeKind.WARNING),
                (0.72, OutcomeKind.RESOLVED_BY_OFFICER),
                (0.82, OutcomeKind.MEDIATION),
                (0.94, OutcomeKind.CITATION),
                (1.0, OutcomeKind.DIVERSION_REFERRAL),
            )
        elif severity < 70:
            table = (
                (0.22, OutcomeKind.CITATION),
                (0.42, OutcomeKind.DIVERSION_REFERRAL),
                (0.6, OutcomeKind.HANDLED_BY_SCHOOL),
                (0.68, OutcomeKind.WARNING),
                (0.76, OutcomeKind.MEDIATION),
                (0.84, OutcomeKind.REFERRAL_TO_SERVICES),
                (0.95, OutcomeKind.ARREST),
                (1.0, OutcomeKind.JUVENILE_PETITION),
            )
        else:
            table = (
                (0.45, OutcomeKind.ARREST),
                (0.65, OutcomeKind.JUVENILE_PETITION),
                (0.75, OutcomeKind.CITATION),
                (0.85, OutcomeKind.DIVERSION_REFERRAL),
                (1.0, OutcomeKind.HANDLED_BY_SCHOOL),
            )
        first = next(kind for limit, kind in table if roll < limit)
        outcomes = [first]
        if rng.random() < 0.2 and first is not OutcomeKind.REFERRAL_TO_SERVICES:
            outcomes.append(OutcomeKind.REFERRAL_TO_SERVICES)
        custodial = first is OutcomeKind.ARREST and rng.random() < (0.7 if severity >= 70 else 0.3)
        return outcomes, custodial

    def _people(
        self, plan: _IncidentPlan, code: str
    ) -> tuple[list[dict[str, Any]], list[int], dict[str, str]]:
        rng = self.rng
        pool = self.students_at.get(plan.school_id) or []
        rows: list[dict[str, Any]] = []
        names = {"suspect": "the suspect", "victim": "the victim"}
        suspects: list[int] = []

        def person(role: PersonRole, **values: Any) -> dict[str, Any]:
            row: dict[str, Any] = {
                "role": role.value,
                "student_id": None,
                "name": "",
                "juvenile": True,
                "outcomes": [],
                "custodial": False,
                "parent_notified_at": None,
            }
            row.update(values)
            rows.append(row)
            return row

        def notified() -> datetime:
            moment = plan.occurred_at + timedelta(minutes=rng.randint(20, 150))
            return self.past(moment, plan.occurred_at)

        if code == "TRESPASS" or not pool:
            name = self._person_name()
            names["suspect"] = name
            outcomes, custodial = self._outcomes(code)
            person(
                PersonRole.SUSPECT,
                name=name,
                juvenile=False,
                outcomes=outcomes_value(outcomes),
                custodial=custodial,
            )
        elif code == "WELFARE":
            student = rng.choice(pool)
            names["victim"] = self.student_names[student]
            person(
                PersonRole.VICTIM,
                student_id=student,
                outcomes=outcomes_value([OutcomeKind.REFERRAL_TO_SERVICES]),
                parent_notified_at=notified(),
            )
        else:
            count = 1 if rng.random() < 0.65 else (2 if rng.random() < 0.7 else 3)
            chosen = rng.sample(pool, min(len(pool), count + 2))
            for index, student in enumerate(chosen[:count]):
                outcomes, custodial = self._outcomes(code)
                person(
                    PersonRole.SUSPECT,
                    student_id=student,
                    outcomes=outcomes_value(outcomes),
                    custodial=custodial,
                    parent_notified_at=notified() if rng.random() < 0.9 else None,
                )
                suspects.append(student)
                if index == 0:
                    names["suspect"] = self.student_names[student]
            if code in ("FIGHT", "ASSAULT-AGG", "THEFT", "BULLYING") and len(chosen) > count:
                victim = chosen[count]
                names["victim"] = self.student_names[victim]
                person(PersonRole.VICTIM, student_id=victim, parent_notified_at=notified())
            if rng.random() < 0.35 and len(chosen) > count + 1:
                person(PersonRole.WITNESS, student_id=chosen[count + 1])
        if rng.random() < 0.3:
            title = rng.choice(STAFF_TITLES)
            person(
                PersonRole.REPORTING_PARTY,
                name=f"{self._person_name()} ({title})",
                juvenile=False,
            )
        if rng.random() < 0.12:
            person(PersonRole.PARENT, name=self._person_name(), juvenile=False)
        if rng.random() < 0.04:
            person(PersonRole.NON_STUDENT, name=self._person_name(), juvenile=False)
        return rows, suspects, names

    def _narrative(
        self,
        plan: _IncidentPlan,
        code: str,
        location_code: str,
        weapon: str,
        names: dict[str, str],
    ) -> str:
        local = plan.occurred_at.astimezone(self.tz)
        school = self.schools[plan.school_id][1]
        opening = (
            f"On {local:%A, %B} {local.day} at about {local:%H%M} hours I was on duty at {school}."
        )
        body = WHAT_HAPPENED.get(code, "I was called {where} and spoke with {suspect}.").format(
            where=WHERE.get(location_code, "on campus"),
            suspect=names["suspect"],
            victim=names["victim"],
            weapon=WEAPON_WORDS.get(WeaponType(weapon), "weapon"),
        )
        return f"{opening}\n\n{body}\n\n{self.rng.choice(CLOSING)}"

    def _compliance(
        self, plan: _IncidentPlan, offenses: list[dict[str, Any]], people: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        arrest = OutcomeKind.ARREST
        needed = required_compliance(
            ((self.categories[o["category_code"]][3], WeaponType(o["weapon"])) for o in offenses),
            ((p["juvenile"], [arrest] if arrest.value in p["outcomes"] else []) for p in people),
        )
        rows = []
        for kind in sorted(needed):
            # A draft may still have its notifications to do; a submitted report has them.
            if plan.status is IncidentStatus.DRAFT and self.rng.random() < 0.5:
                continue
            done = plan.occurred_at + timedelta(minutes=self.rng.randint(30, 600))
            rows.append(
                {
                    "kind": kind.value,
                    "done_at": self.past(done, plan.occurred_at),
                    "note": COMPLIANCE_NOTES.get(kind, ""),
                }
            )
        return rows

    def _workflow(
        self, plan: _IncidentPlan
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        """Status times, reviews and supplements of one report, all in the past."""
        rng = self.rng
        status = plan.status
        reviews: list[dict[str, Any]] = []
        supplements: list[dict[str, Any]] = []
        header: dict[str, Any] = {
            "status": status.value,
            "version": 1,
            "updated_at": plan.entered_at,
            "submitted_at": None,
            "approved_at": None,
            "approved_by_id": None,
            "review_comment": "",
        }
        if status is IncidentStatus.DRAFT:
            return header, reviews, supplements
        officer_id = plan.officer.id
        supervisor = rng.choice(self.supervisor_ids)
        moment = self.past(plan.entered_at + timedelta(minutes=rng.randint(30, 300)))
        version = 2
        cycles = 1 if status is IncidentStatus.RETURNED else int(rng.random() < 0.12)
        for cycle in range(cycles):
            reviews.append(self._review("submitted", officer_id, moment))
            header["submitted_at"] = moment
            moment = self.past(moment + timedelta(minutes=rng.randint(60, 1800)), moment)
            comment = plan.returned_comment or rng.choice(RETURN_COMMENTS)
            reviews.append(
                {"action": "returned", "by_id": supervisor, "at": moment, "comment": comment}
            )
            header["review_comment"] = comment
            if status is IncidentStatus.RETURNED and cycle == cycles - 1:
                header.update(version=version, updated_at=moment)
                return header, reviews, supplements
            moment = self.past(moment + timedelta(minutes=rng.randint(30, 900)), moment)
            version += 1
        reviews.append(self._review("submitted", officer_id, moment))
        header.update(submitted_at=moment, version=version, updated_at=moment)
        if status is IncidentStatus.SUBMITTED:
            return header, reviews, supplements
        moment = self.past(moment + timedelta(minutes=rng.randint(60, 2880)), moment)
        reviews.append({"action": "approved", "by_id": supervisor, "at": moment, "comment": ""})
        header.update(approved_at=moment, approved_by_id=supervisor, updated_at=moment)
        header["review_comment"] = ""
        if rng.random() < 0.06:
            later = self.past(moment + timedelta(days=rng.randint(1, 20)), moment)
            supplements.append(
                {"author_id": officer_id, "created_at": later, "text": rng.choice(SUPPLEMENTS)}
            )
        return header, reviews, supplements

    @staticmethod
    def _review(action: str, by_id: int, at: datetime, comment: str = "") -> dict[str, Any]:
        return {"action": action, "by_id": by_id, "at": at, "comment": comment}

    # -- mentoring notes ---------------------------------------------------------------------

    def _notes(self) -> None:
        rng = self.rng
        kinds = _Picker(list(NOTE_KIND_WEIGHTS), list(NOTE_KIND_WEIGHTS.values()))
        slots: list[tuple[_FieldOfficer, date, int, ContactKind | None]] = []
        for officer in self.field_officers:
            for _i, day, school_id in self._work_days(officer):
                rate = NOTE_RATE.get(self._level(school_id), 0.5)
                count = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
                slots += [(officer, day, school_id, None)] * count
        # Badge 1001 has a note of every kind, and follow-ups due today and overdue.
        vhs = next((o for o in self.field_officers if o.badge == "1001"), None)
        forced_follow_ups: set[int] = set()
        if vhs is not None:
            recent = [d for d in self.days if d < self.today][-15:] or [self.today]
            for contact_kind in ContactKind:
                slots.append((vhs, rng.choice(recent), vhs.school_ids[0], contact_kind))
            for _ in range(3):
                forced_follow_ups.add(len(slots))
                slots.append((vhs, rng.choice(recent), vhs.school_ids[0], ContactKind.MENTORING))
        total = len(slots)
        self.note_students: dict[int, list[tuple[int, date, int]]] = {}
        for start in range(0, total, BATCH):
            rows: list[dict[str, Any]] = []
            members: list[list[int]] = []
            batch = slots[start : start + BATCH]
            for offset, (officer, day, school_id, kind) in enumerate(batch):
                forced = start + offset in forced_follow_ups
                row, students = self._note(officer, day, school_id, kind or kinds(rng), forced)
                rows.append(row)
                members.append(students)
            ids = self._insert_returning(Note, rows)
            links = []
            for note_id, (officer, day, _s, _k), students, row in zip(
                ids, batch, members, rows, strict=True
            ):
                links += [{"note_id": note_id, "student_id": sid} for sid in students]
                if row["kind"] == ContactKind.MENTORING.value and students:
                    self.note_students.setdefault(officer.id, []).append(
                        (note_id, day, students[0])
                    )
            self._insert(NoteStudent, links)
            self.progress("notes", start + len(batch), total)

    def _note(
        self,
        officer: _FieldOfficer,
        day: date,
        school_id: int,
        kind: ContactKind,
        forced_follow_up: bool,
    ) -> tuple[dict[str, Any], list[int]]:
        rng = self.rng
        pool = self.students_at.get(school_id) or []
        if day == self.today:
            occurred = self.earlier_today()
        else:
            occurred = self.at(day, rng.randint(470, 940))
        student_count = {
            ContactKind.MENTORING: 1,
            ContactKind.PARENT: 1,
            ContactKind.MEDIATION: 2,
            ContactKind.SAP_GROUP: rng.randint(4, 8),
            ContactKind.STAFF: int(rng.random() < 0.5),
        }.get(kind, 0)
        students = rng.sample(pool, min(len(pool), student_count)) if student_count else []
        topic = rng.choice(MENTORING_TOPICS)
        row: dict[str, Any] = {
            "kind": kind.value,
            "officer_id": officer.id,
            "school_id": school_id,
            "occurred_at": occurred,
            "minutes": rng.choice((10, 15, 20, 30, 45)),
            "with_parent": kind is ContactKind.PARENT,
            "with_staff": kind in (ContactKind.STAFF, ContactKind.STAFF_TRAINING),
            "topics": topic,
            "follow_up_on": None,
            "confidential": False,
            "class_name": "",
            "lecture_topic": None,
            "head_count": None,
            "agency": "",
            "created_at": self.past(occurred + timedelta(minutes=rng.randint(5, 90)), occurred),
        }
        row["updated_at"] = row["created_at"]
        if kind is ContactKind.CLASSROOM:
            lecture = rng.choice(list(LectureTopic))
            topic = lecture.value
            row.update(
                class_name=f"{rng.choice(CLASSES)}, period {rng.randint(1, 6)}",
                lecture_topic=lecture.value,
                head_count=rng.randint(18, 36),
                minutes=50,
                topics=topic,
            )
        elif kind is ContactKind.STAFF_TRAINING:
            topic = rng.choice(TRAININGS)
            minutes = rng.choice((45, 60, 90))
            row.update(head_count=rng.randint(8, 60), minutes=minutes, topics=topic)
        elif kind is ContactKind.LIAISON:
            topic = rng.choice(LIAISON_TOPICS)
            row.update(agency=rng.choice(AGENCIES), topics=topic)
        if kind in (ContactKind.MENTORING, ContactKind.PARENT, ContactKind.MEDIATION):
            row["confidential"] = rng.random() < 0.18
            follow = day + timedelta(days=rng.choice((7, 14, 21)))
            # Older follow-ups were done (cleared); the recent ones are still open.
            if forced_follow_up:
                follow = self.today - timedelta(days=rng.choice((0, 0, 2)))
                follow = max(follow, day)
                row["follow_up_on"] = follow
            elif rng.random() < 0.35 and follow >= self.today - timedelta(days=3):
                row["follow_up_on"] = follow
        row["text"] = NOTE_TEXT[kind].format(topic=topic)
        return row, students

    # -- referrals ---------------------------------------------------------------------------

    def _referrals(self) -> None:
        rng = self.rng
        slots: list[tuple[_FieldOfficer, date, int, ReferralStatus | None, date | None]] = []
        for officer in self.field_officers:
            for _i, day, school_id in self._work_days(officer):
                rate = REFERRAL_RATE.get(self._level(school_id), 0.05)
                if rng.random() < rate:
                    slots.append((officer, day, school_id, None, None))
        statuses = list(ReferralStatus)
        rng.shuffle(statuses)
        older = [d for d in self.days if (self.today - d).days >= 35] or self.days or [self.today]
        while len(slots) < len(statuses):
            officer = rng.choice(self.field_officers)
            slots.append((officer, rng.choice(older), officer.school_ids[0], None, None))
        # Every status at least once (from a day old enough to have got there).
        places = rng.sample(range(len(slots)), len(statuses))
        for index, forced_status in zip(places, statuses, strict=True):
            officer, _day, school_id, _s, _f = slots[index]
            slots[index] = (officer, rng.choice(older), school_id, forced_status, None)
        vhs = next((o for o in self.field_officers if o.badge == "1001"), None)
        if vhs is not None:
            recent = [d for d in self.days if 14 <= (self.today - d).days <= 40] or [self.today]
            slots.append(
                (vhs, rng.choice(recent), vhs.school_ids[0], ReferralStatus.CONTACTED, self.today)
            )
            slots.append(
                (
                    vhs,
                    rng.choice(recent),
                    vhs.school_ids[0],
                    ReferralStatus.REFERRED,
                    self.today - timedelta(days=3),
                )
            )
        total = len(slots)
        for start in range(0, total, BATCH):
            batch = slots[start : start + BATCH]
            rows, event_lists = [], []
            for officer, day, school_id, status, follow_up in batch:
                row, events = self._referral(officer, day, school_id, status, follow_up)
                rows.append(row)
                event_lists.append(events)
            ids = self._insert_returning(Referral, rows)
            event_rows = []
            for referral_id, events in zip(ids, event_lists, strict=True):
                for event in events:
                    event["referral_id"] = referral_id
                event_rows += events
            self._insert(ReferralEvent, event_rows)
            self.progress("referrals", start + len(batch), total)

    def _referral(
        self,
        officer: _FieldOfficer,
        day: date,
        school_id: int,
        status: ReferralStatus | None,
        follow_up: date | None,
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        incident_id = note_id = None
        student_id: int | None = None
        roll = rng.random()
        linked = self.incident_suspects.get(officer.id, []) if roll < 0.45 else []
        if roll >= 0.45 and roll < 0.65:
            linked = self.note_students.get(officer.id, [])
        candidates = [item for item in linked if item[1] <= day][-20:]
        if candidates:
            record_id, _day, student_id = rng.choice(candidates)
            if roll < 0.45:
                incident_id = record_id
            else:
                note_id = record_id
        if student_id is None:
            pool = self.students_at.get(school_id) or [
                s for students in self.students_at.values() for s in students
            ]
            student_id = rng.choice(pool)
        student_school = self.student_school.get(student_id)
        program = rng.choice(sorted(self.programs))
        if incident_id is not None and "DIVERSION" in self.programs and rng.random() < 0.3:
            program = "DIVERSION"
        program_id, consent_required = self.programs[program]
        age = (self.today - day).days
        if status is None:
            # A step on the path every week or two; some end early.
            steps = min(4, age // rng.randint(6, 14))
            roll = rng.random()
            if roll < 0.08 and age > 7:
                status = ReferralStatus.DECLINED
            elif roll < 0.13 and age > 10:
                status = ReferralStatus.NO_SHOW if rng.random() < 0.6 else ReferralStatus.CLOSED
            else:
                status = (
                    ReferralStatus.REFERRED,
                    ReferralStatus.CONTACTED,
                    ReferralStatus.ENROLLED,
                    ReferralStatus.ATTENDING,
                    ReferralStatus.COMPLETED,
                )[steps]
        path = rng.choice(REFERRAL_PATHS[status])
        needs_consent = consent_required and any(
            s in (ReferralStatus.ENROLLED, ReferralStatus.ATTENDING, ReferralStatus.COMPLETED)
            for s in path
        )
        span = max(0, min(age, 7 * len(path) + rng.randint(0, 14)))
        event_days = sorted(day + timedelta(days=rng.randint(0, span)) for _ in path)
        consent, consent_on = ConsentStatus.PENDING, None
        if status is ReferralStatus.DECLINED and consent_required:
            consent, consent_on = ConsentStatus.NO, event_days[-1]
        elif needs_consent or (rng.random() < 0.5 and path):
            consent = ConsentStatus.YES
            consent_on = event_days[0] if event_days else day
        created = self.past(self.at(day, rng.randint(480, 930)))
        events: list[dict[str, Any]] = [
            {
                "from_status": None,
                "to_status": ReferralStatus.REFERRED.value,
                "on": day,
                "at": created,
                "by_id": officer.id,
                "note": "",
            }
        ]
        previous = ReferralStatus.REFERRED
        for step, on in zip(path, event_days, strict=True):
            events.append(
                {
                    "from_status": previous.value,
                    "to_status": step.value,
                    "on": on,
                    "at": self.past(self.at(on, rng.randint(480, 960)), created),
                    "by_id": officer.id,
                    "note": REFERRAL_EVENT_NOTES.get(step, ""),
                }
            )
            previous = step
        last_day: date = events[-1]["on"]
        next_follow_up = None
        if status in REFERRAL_OPEN:
            next_follow_up = follow_up or last_day + timedelta(days=14)
            if follow_up is None and next_follow_up < self.today - timedelta(days=5):
                # The officer has been following up: the next date is set, in the days ahead.
                next_follow_up = self.today + timedelta(days=rng.randint(1, 14))
        row = {
            "student_id": student_id,
            "program_id": program_id,
            "school_id": student_school or school_id,
            "reason": REFERRAL_REASONS.get(program, "Referred by the school resource officer."),
            "incident_id": incident_id,
            "note_id": note_id,
            "referred_by_id": officer.id,
            "referred_on": day,
            "consent": consent.value,
            "consent_on": consent_on,
            "status": status.value,
            "next_follow_up_on": next_follow_up,
            "created_at": created,
            "updated_at": events[-1]["at"],
        }
        return row, events
