"""Reports against a store whose contents are built here by hand, so every expected count is
known: the month, the month before, the same month last year; per school, per officer and for
the department; the daily shift report; who may run what. On every backend."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from sro_tui.domain.checklist import SkipItem
from sro_tui.domain.enums import (
    ConsentStatus,
    ContactInitiator,
    ContactKind,
    IncidentStatus,
    OutcomeKind,
    PersonRole,
    ReferralStatus,
    WeaponType,
)
from sro_tui.domain.errors import NotFound, PermissionDenied, SroError
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn, ReviewDecision
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.referrals import ReferralCreate, ReferralMove
from sro_tui.domain.reports import CRDC_UNKNOWN, GFSA_STUDENTS, MonthlyReport, Section
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, Clock, RunCli, make_officer

TZ = ZoneInfo("America/Los_Angeles")
LAW = Section.LAW_ENFORCEMENT.value
COUNSELOR = Section.COUNSELOR.value
EDUCATOR = Section.EDUCATOR.value
FEDERAL = Section.FEDERAL.value
BY_PROGRAM = Section.REFERRALS_BY_PROGRAM.value
BY_STATUS = Section.REFERRALS_BY_STATUS.value


def local(text: str) -> datetime:
    """'2026-09-14 09:40' in Ventura, as aware UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ).astimezone(UTC)


class Seed:
    """Builds the store through the services, with the clock set to just after each record's
    time (the services refuse future dates), so the rows are exactly what the app writes."""

    def __init__(self, services: Services, clock: Clock, reviewer: Actor | None = None) -> None:
        self.services = services
        self.clock = clock
        self.reviewer = reviewer

    def _school(self, code: str) -> int:
        return self.services.reference.school_by_code(code).id

    def student(self, district_id: str, school: str) -> int:
        data = StudentCreate(
            district_id=district_id,
            first_name="First" + district_id,
            last_name="Last" + district_id,
            school_id=self._school(school),
            grade=10,
        )
        return self.services.students.create(SYSTEM_ACTOR, data).id

    def incident(
        self,
        officer: Actor,
        school: str,
        when: str | datetime,
        offenses: list[tuple[str, str]],
        people: list[tuple[int | None, str, list[OutcomeKind]]] = (),
        status: IncidentStatus = IncidentStatus.APPROVED,
        initiated_by: ContactInitiator | None = None,
        location: str = "HALLWAY",
    ) -> int:
        """offenses: (category code, weapon); people: (student id or None, role, outcomes);
        initiated_by: who brought it to the officer (None: not recorded)."""
        occurred = local(when) if isinstance(when, str) else when
        self._at(occurred)
        data = IncidentCreate(
            school_id=self._school(school),
            occurred_at=occurred,
            location_code=location,
            initiated_by=initiated_by,
            offenses=[OffenseIn(category_code=c, weapon=WeaponType(w)) for c, w in offenses],
            people=[
                PersonIn(
                    role=PersonRole(role),
                    student_id=student_id,
                    name="" if student_id else "Adult Trespasser",
                    juvenile=student_id is not None,
                    outcomes=outcomes,
                )
                for student_id, role, outcomes in people
            ],
            narrative="Narrative that must never reach a report",
        )
        incidents = self.services.incidents
        incident_id = incidents.create(officer, data).id
        if status is not IncidentStatus.DRAFT:
            incidents.submit(officer, incident_id)
        if status is IncidentStatus.APPROVED:
            incidents.approve(self.reviewer, incident_id, ReviewDecision())
        elif status is IncidentStatus.RETURNED:
            incidents.return_for_changes(
                self.reviewer, incident_id, ReviewDecision(comment="Add the time of the call")
            )
        return incident_id

    def shift(
        self, officer: Actor, school: str, day: str, items: list[tuple[str, str, str, str]]
    ) -> None:
        """Open the day's shift from the template; items: (label, 'done' or 'skipped', local
        time, skip reason). The rest stay pending."""
        self._at(local(f"{day} 06:55"))
        shift = self.services.checklist.open_shift(
            officer, self._school(school), date.fromisoformat(day)
        )
        by_label = {item.label: item.id for item in shift.items}
        for label, status, at, reason in items:
            self.clock.now = local(f"{day} {at}")
            if status == "done":
                self.services.checklist.mark_done(officer, by_label[label])
            else:
                self.services.checklist.skip(officer, by_label[label], SkipItem(reason=reason))

    def _at(self, moment: datetime) -> None:
        """Write as if it were just after ``moment`` (the services refuse future dates)."""
        self.clock.now = moment + timedelta(minutes=5)

    def note(
        self,
        officer: Actor,
        kind: ContactKind,
        when: str,
        school: str = "VHS",
        students: tuple[int, ...] = (),
        **fields,
    ) -> int:
        self._at(local(when))
        data = NoteCreate(
            kind=kind,
            school_id=self.services.reference.school_by_code(school).id,
            occurred_at=local(when),
            student_ids=list(students),
            **fields,
        )
        return self.services.notes.create(officer, data).id

    def referral(
        self,
        officer: Actor,
        student_id: int,
        program: str,
        on: str,
        moves: list[tuple[str, str]] = (),
    ) -> int:
        """moves: (new status, local 'YYYY-MM-DD HH:MM' of the change)."""
        self._at(local(f"{on} 13:00"))
        day = date.fromisoformat(on)
        created = self.services.referrals.create(
            officer,
            ReferralCreate(
                student_id=student_id,
                program_code=program,
                reason="Reason that must never reach a report",
                referred_on=day,
                consent=ConsentStatus.YES,
                consent_on=day,
            ),
        )
        for status, when in moves:
            self._at(local(when))
            self.services.referrals.move(
                officer,
                created.id,
                ReferralMove(
                    to_status=ReferralStatus(status), on=local(when).astimezone(TZ).date()
                ),
            )
        return created.id


ARREST, CITATION = OutcomeKind.ARREST, OutcomeKind.CITATION
SCHOOL, BY_OFFICER = ContactInitiator.SCHOOL, ContactInitiator.OFFICER
SUSPECT, WITNESS = PersonRole.SUSPECT.value, PersonRole.WITNESS.value


@pytest.fixture
def world(services: Services, clock: Clock, officer: Actor, other_officer: Actor, supervisor):
    """The store every report test reads. Expected counts are written beside each record."""
    clock.now = datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
    seed = Seed(services, clock, supervisor)
    s1 = seed.student("S1", "VHS")
    s2 = seed.student("S2", "VHS")
    s3 = seed.student("S3", "VHS")
    s4 = seed.student("S4", "BHS")

    # September 2026 (the month reported)
    # I1: three charges and a firearm, one arrest: counts one arrest. The school called the
    # officer: S1 is referred to law enforcement (CRDC) and a GFSA student.
    seed.incident(
        officer,
        "VHS",
        "2026-09-14 09:40",
        [("WEAPON", "firearm"), ("DRUG-POSS", "none"), ("DRUG-SALE", "none")],
        [(s1, SUSPECT, [ARREST]), (s2, WITNESS, [])],
        initiated_by=SCHOOL,
    )
    # I2: an adult trespasser arrested: an arrest, but not a student (not in CRDC).
    seed.incident(
        officer,
        "VHS",
        "2026-09-10 12:00",
        [("TRESPASS", "none")],
        [(None, SUSPECT, [ARREST])],
        initiated_by=SCHOOL,
    )
    # I3 (other officer): handled by school / resolved by officer with a citation; the
    # officer saw it (officer-initiated): S3 is not referred to law enforcement.
    seed.incident(
        other_officer,
        "VHS",
        "2026-09-15 11:00",
        [("FIGHT", "personal")],
        [
            (s1, SUSPECT, [OutcomeKind.HANDLED_BY_SCHOOL]),
            (s3, SUSPECT, [OutcomeKind.RESOLVED_BY_OFFICER, CITATION]),
        ],
        status=IncidentStatus.SUBMITTED,
        initiated_by=BY_OFFICER,
    )
    # I4 at Buena: petition and diversion; the school called: S4 referred.
    seed.incident(
        officer,
        "BHS",
        "2026-09-20 10:00",
        [("THEFT", "none")],
        [(s4, SUSPECT, [OutcomeKind.JUVENILE_PETITION, OutcomeKind.DIVERSION_REFERRAL])],
        status=IncidentStatus.RETURNED,
        initiated_by=SCHOOL,
    )
    # I5: a draft is not counted.
    seed.incident(
        officer,
        "VHS",
        "2026-09-25 10:00",
        [("FIGHT", "none")],
        [(s2, SUSPECT, [ARREST])],
        status=IncidentStatus.DRAFT,
        initiated_by=SCHOOL,
    )
    # I6: 23:30 on 30 September in Ventura is 1 October in UTC: September.
    seed.incident(officer, "VHS", "2026-09-30 23:30", [("VANDALISM", "none")])
    # August 2026 (the month before)
    # I7: 23:30 on 31 August local is 1 September UTC: August.
    seed.incident(officer, "VHS", "2026-08-31 23:30", [("VANDALISM", "none")])
    seed.incident(other_officer, "VHS", "2026-08-20 09:00", [("TRESPASS", "none")])
    # September 2025 (same month last year): no initiator recorded (S3 not referred, shown
    # apart); the arrest on school grounds is school-related all the same.
    seed.incident(
        officer, "VHS", "2025-09-12 10:00", [("FIGHT", "none")], [(s3, SUSPECT, [ARREST, CITATION])]
    )
    # October 2026: outside every period asked for.
    seed.incident(
        officer, "VHS", "2026-10-01 00:30", [("FIGHT", "none")], [(s1, SUSPECT, [ARREST])]
    )

    # Checklists: campus checks are items done.
    seed.shift(
        officer,
        "VHS",
        "2026-09-14",
        [
            ("Campus arrival check-in", "done", "07:05", ""),
            ("Perimeter and gate check", "done", "07:30", ""),
            ("Parking lot check", "skipped", "08:00", "Called to the office"),
        ],
    )
    seed.shift(officer, "VHS", "2026-08-31", [("Campus arrival check-in", "done", "07:10", "")])
    seed.shift(
        other_officer, "VHS", "2026-09-14", [("Campus arrival check-in", "done", "07:00", "")]
    )

    # Notes.
    seed.note(
        officer,
        ContactKind.MENTORING,
        "2026-09-14 10:00",
        students=(s1,),
        confidential=True,
        text="Confidential text that must never reach a report",
        minutes=30,
    )
    seed.note(officer, ContactKind.MENTORING, "2026-09-03 10:00", students=(s2,), with_parent=True)
    seed.note(officer, ContactKind.PARENT, "2026-09-04 15:00")
    seed.note(officer, ContactKind.STAFF, "2026-09-05 15:00")
    seed.note(officer, ContactKind.MEDIATION, "2026-09-08 12:00", students=(s1, s2))
    seed.note(
        officer,
        ContactKind.CLASSROOM,
        "2026-09-14 11:00",
        class_name="Health 3",
        lecture_topic="drug resistance",
        head_count=28,
        text="Vaping talk",
    )
    seed.note(
        officer,
        ContactKind.CLASSROOM,
        "2026-09-16 11:00",
        class_name="Health 4",
        lecture_topic="gang resistance",
        head_count=30,
    )
    seed.note(officer, ContactKind.STAFF_TRAINING, "2026-09-17 14:00", head_count=15)
    seed.note(officer, ContactKind.LIAISON, "2026-09-18 14:00", agency="Probation")
    seed.note(other_officer, ContactKind.MENTORING, "2026-09-21 10:00", students=(s3,))
    seed.note(officer, ContactKind.MENTORING, "2026-08-12 10:00", students=(s1,))
    seed.note(
        officer,
        ContactKind.CLASSROOM,
        "2025-09-10 11:00",
        class_name="Health 1",
        lecture_topic="other",
        head_count=25,
    )

    # Referrals.
    seed.referral(
        officer,
        s1,
        "ANGER",
        "2026-09-05",
        [("contacted", "2026-09-14 12:00"), ("enrolled", "2026-10-02 09:00")],
    )
    seed.referral(officer, s2, "PAL", "2026-09-20", [("declined", "2026-09-22 09:00")])
    seed.referral(other_officer, s3, "PAL", "2026-08-28", [("contacted", "2026-09-02 09:00")])
    seed.referral(officer, s4, "DIVERSION", "2025-09-15")
    clock.now = datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4}


def values(report: MonthlyReport, section: str, measure: str) -> tuple[int, int, int]:
    f = report.figure(section, measure)
    return f.current, f.previous, f.last_year


# --- monthly ---------------------------------------------------------------------------------


def test_department_month_with_previous_and_last_year(services: Services, world, supervisor):
    report = services.reports.monthly(supervisor, month="2026-09")
    assert report.header.scope_label == "Department-wide"
    assert report.period.label == "September 2026"
    assert report.previous.label == "August 2026"
    assert report.last_year.label == "September 2025"
    assert values(report, LAW, "Reports (incidents filed)") == (5, 2, 1)
    assert values(report, LAW, "Arrests (once per person per incident)") == (2, 0, 1)
    assert values(report, LAW, "Citations") == (1, 0, 1)
    assert values(report, LAW, "Juvenile petitions") == (1, 0, 0)
    assert values(report, LAW, "Diversion referrals") == (1, 0, 0)
    assert values(report, LAW, "Calls: reports handled by school") == (1, 0, 0)
    assert values(report, LAW, "Calls: reports resolved by officer") == (1, 0, 0)
    assert values(report, LAW, "Trespass contacts") == (1, 1, 0)
    # Security checks only: the perimeter check (arrival check-ins are not).
    assert values(report, LAW, "Campus checks (security checks done)") == (1, 0, 0)
    force = report.figure(LAW, "Use of force")
    assert (force.current, force.note) == (0, "not recorded")

    assert values(report, COUNSELOR, "Advisory sessions with students") == (3, 1, 0)
    assert values(report, COUNSELOR, "Advisory sessions with parents") == (2, 0, 0)
    assert values(report, COUNSELOR, "Advisory sessions with staff") == (1, 0, 0)
    assert values(report, COUNSELOR, "Mediations") == (1, 0, 0)
    assert values(report, COUNSELOR, "Liaison contacts with agencies") == (1, 0, 0)

    assert values(report, BY_PROGRAM, "Anger management") == (1, 0, 0)
    assert values(report, BY_PROGRAM, "Police Activities League (PAL)") == (1, 1, 0)
    assert values(report, BY_PROGRAM, "Juvenile diversion") == (0, 0, 1)
    assert values(report, BY_PROGRAM, "All referrals made") == (2, 1, 1)
    assert values(report, BY_STATUS, "contacted") == (2, 0, 0)
    assert values(report, BY_STATUS, "declined") == (1, 0, 0)
    assert values(report, BY_STATUS, "enrolled") == (0, 0, 0)  # moved in October

    assert values(report, EDUCATOR, "Classes taught") == (2, 0, 1)
    assert values(report, EDUCATOR, "Students reached (head count)") == (58, 0, 25)
    assert values(report, EDUCATOR, "Staff trainings") == (1, 0, 0)
    assert values(report, EDUCATOR, "Staff trained (attendees)") == (15, 0, 0)
    assert report.figure(EDUCATOR, "Events").note == "not recorded"

    # CRDC: S1 and S4 referred by the school (S3 officer-initiated; S2 only a witness, and a
    # suspect in a draft; the trespasser no student); S1 arrested. Last year: S3 arrested,
    # in a report with no initiator recorded.
    assert values(report, FEDERAL, "Students referred to law enforcement (CRDC)") == (2, 0, 0)
    assert values(report, FEDERAL, "Students arrested, school-related (CRDC)") == (1, 0, 1)
    assert values(report, FEDERAL, CRDC_UNKNOWN) == (0, 0, 1)
    assert values(report, FEDERAL, GFSA_STUDENTS) == (1, 0, 0)
    assert values(report, FEDERAL, "GFSA students: firearm") == (1, 0, 0)
    assert values(report, FEDERAL, "GFSA students: explosive device") == (0, 0, 0)
    assert values(report, FEDERAL, "Incidents with a weapon: firearm") == (1, 0, 0)
    assert values(report, FEDERAL, "Incidents with a weapon: personal") == (1, 0, 0)


def test_department_month_by_school(services: Services, world, supervisor):
    report = services.reports.monthly(supervisor, month="2026-09")
    schools = {s.school_code: s for s in report.by_school}
    assert list(schools) == [
        "BHS",
        "VHS",
    ]  # by name: Buena, Ventura; schools with no figure left out
    vhs, bhs = schools["VHS"].values, schools["BHS"].values
    assert vhs["incidents"] == (4, 2, 1)
    assert vhs["arrests"] == (2, 0, 1)
    assert vhs["citations"] == (1, 0, 1)
    assert vhs["contacts"] == (10, 1, 1)
    assert vhs["classes"] == (2, 0, 1)
    assert vhs["referrals"] == (2, 1, 0)
    assert vhs["campus_checks"] == (1, 0, 0)
    assert bhs["incidents"] == (1, 0, 0)
    assert bhs["referrals"] == (0, 0, 1)
    # The shares add up to the department's figures.
    assert sum(s.current("incidents") for s in report.by_school) == 5
    # A school's or an officer's report has no breakdown.
    assert services.reports.monthly(supervisor, month="2026-09", school_code="VHS").by_school == ()


def test_an_arrest_with_three_charges_counts_once(services: Services, clock, officer, supervisor):
    seed = Seed(services, clock, supervisor)
    student = seed.student("S9", "VHS")
    seed.incident(
        officer,
        "VHS",
        "2026-09-14 09:40",
        [("WEAPON", "knife"), ("DRUG-POSS", "none"), ("THREAT", "none")],
        [(student, SUSPECT, [ARREST, CITATION])],
    )
    report = services.reports.monthly(supervisor, month="2026-09")
    assert values(report, LAW, "Reports (incidents filed)") == (1, 0, 0)
    assert values(report, LAW, "Arrests (once per person per incident)") == (1, 0, 0)
    assert values(report, LAW, "Citations") == (1, 0, 0)
    assert values(report, FEDERAL, "Students arrested, school-related (CRDC)") == (1, 0, 0)
    assert values(report, FEDERAL, "Incidents with a weapon: knife") == (1, 0, 0)


def test_officer_month_counts_only_their_work(services: Services, world, officer):
    report = services.reports.monthly(officer, month="2026-09", officer_badge="1001")
    assert report.header.officer_badge == "1001"
    assert values(report, LAW, "Reports (incidents filed)") == (4, 1, 1)
    assert values(report, LAW, "Arrests (once per person per incident)") == (2, 0, 1)
    assert values(report, LAW, "Citations") == (0, 0, 1)
    assert values(report, LAW, "Campus checks (security checks done)") == (1, 0, 0)
    assert values(report, COUNSELOR, "Advisory sessions with students") == (2, 1, 0)
    assert values(report, BY_STATUS, "contacted") == (1, 0, 0)
    assert values(report, BY_PROGRAM, "All referrals made") == (2, 0, 1)


def test_school_month(services: Services, world, supervisor):
    report = services.reports.monthly(supervisor, month="2026-09", school_code="vhs")
    assert report.header.school_code == "VHS"
    assert values(report, LAW, "Reports (incidents filed)") == (4, 2, 1)
    assert values(report, LAW, "Juvenile petitions") == (0, 0, 0)  # that was at Buena
    assert values(report, BY_PROGRAM, "All referrals made") == (2, 1, 0)
    both = services.reports.monthly(
        supervisor, month="2026-09", school_code="BHS", officer_badge="1001"
    )
    assert values(both, LAW, "Reports (incidents filed)") == (1, 0, 0)
    assert values(both, LAW, "Juvenile petitions") == (1, 0, 0)


def test_statistics_carry_no_names_or_content(services: Services, world, supervisor):
    report = services.reports.monthly(supervisor, month="2026-09")
    text = report.model_dump_json()
    for secret in (
        "FirstS1",
        "LastS1",
        "Adult Trespasser",
        "Officer 1001",
        "Officer 1002",
        "must never reach",
    ):
        assert secret not in text


def test_bad_month_and_unknown_scope(services: Services, world, supervisor):
    with pytest.raises(SroError, match="YYYY-MM") as info:
        services.reports.monthly(supervisor, month="2026-13")
    assert info.value.field == "month"
    with pytest.raises(NotFound):
        services.reports.monthly(supervisor, month="2026-09", school_code="NOPE")
    with pytest.raises(NotFound):
        services.reports.monthly(supervisor, month="2026-09", officer_badge="9999")


# --- permissions -----------------------------------------------------------------------------


def test_officer_runs_own_reports_only(services: Services, world, officer, supervisor):
    services.reports.monthly(officer, month="2026-09", officer_badge="1001")
    for kwargs in ({}, {"officer_badge": "1002"}, {"school_code": "VHS"}):
        with pytest.raises(PermissionDenied):
            services.reports.monthly(officer, month="2026-09", **kwargs)
    with pytest.raises(PermissionDenied):
        services.reports.daily(officer, officer_badge="1002", day=date(2026, 9, 14))
    with pytest.raises(PermissionDenied):
        services.reports.year_to_date(officer, school_year="2026-27")
    with pytest.raises(PermissionDenied):
        services.reports.federal(officer, school_year="2026-27")
    with pytest.raises(PermissionDenied):  # refused before looking: no hint the badge is unknown
        services.reports.monthly(officer, month="2026-09", officer_badge="9999")
    assert services.reports.daily(supervisor, officer_badge="1002", day=date(2026, 9, 14))
    assert services.reports.monthly(supervisor, month="2026-09", officer_badge="1002")

    events = [e for e in services.audit.recent(limit=50) if e.action == "report.run"]
    denied = [e for e in events if e.outcome == "denied"]
    assert len(denied) == 7
    assert {e.detail for e in denied} >= {
        "monthly, department",
        "monthly, officer 1002",
        "monthly, school VHS",
        "monthly, officer 9999",
    }
    ok = [e for e in events if e.outcome == "success"]
    assert {e.record_id for e in ok} == {"monthly:2026-09", "daily:2026-09-14"}
    assert any(e.badge == "1001" and e.detail == "monthly, officer 1001" for e in ok)


def test_local_administration_runs_department_reports(services: Services, world):
    report = services.reports.monthly(SYSTEM_ACTOR, month="2026-09")
    assert values(report, LAW, "Reports (incidents filed)") == (5, 2, 1)
    last = services.audit.recent(limit=1)[0]
    assert (last.action, last.badge, last.outcome) == ("report.run", "SYSTEM", "success")


# --- daily -----------------------------------------------------------------------------------


def test_daily_shift_report_in_time_order(services: Services, world, officer):
    report = services.reports.daily(officer, day=date(2026, 9, 14))
    assert report.header.officer_badge == "1001"
    titles = [(e.kind, e.title, e.status) for e in report.entries]
    number = report.entries[3].title.split(":")[0].removeprefix("Incident ")
    assert titles[:7] == [
        ("checklist", "Campus arrival check-in", "done"),
        ("checklist", "Perimeter and gate check", "done"),
        ("checklist", "Parking lot check", "skipped"),
        ("incident", f"Incident {number}: Weapon (firearm, knife, other) (+2 more)", "approved"),
        ("note", "Confidential mentoring note", ""),
        ("note", "Classroom lecture", ""),
        ("referral", "Referral moved: Anger management", "contacted"),
    ]
    assert number.startswith("SRO-2026-")
    # Then what is still pending, in checklist order, without a time.
    pending = report.entries[7:]
    assert [e.title for e in pending][:2] == [
        "Visitor / unauthorized-adult check with front office",
        "Passing periods supervision",
    ]
    assert pending[-1].title == "End-of-day check-out"
    assert all(e.status == "pending" and e.at is None for e in pending)
    times = [e.at for e in report.entries if e.at is not None]
    assert times == sorted(times)
    skipped = report.entries[2]
    assert skipped.detail == "Skipped: Called to the office"
    confidential = report.entries[4]
    assert confidential.confidential and "Confidential text" not in confidential.detail
    lecture = report.entries[5]
    assert "head count 28" in lecture.detail and "Vaping talk" in lecture.detail
    incident = report.entries[3]
    assert incident.detail == "At Hallway; 2 people involved; Outcomes: 1 arrest"
    assert (report.checklist_done, report.checklist_skipped, report.checklist_pending) == (2, 1, 9)
    text = report.model_dump_json()
    assert "FirstS1" not in text and "must never reach" not in text


def test_daily_for_another_day_and_nothing_recorded(services: Services, world, supervisor):
    report = services.reports.daily(supervisor, officer_badge="1001", day=date(2026, 9, 20))
    assert [e.kind for e in report.entries] == ["incident", "referral"]
    empty = services.reports.daily(supervisor, officer_badge="1002", day=date(2026, 9, 1))
    assert empty.entries == ()


def test_daily_needs_an_officer(services: Services, world):
    with pytest.raises(SroError, match="badge"):
        services.reports.daily(SYSTEM_ACTOR, day=date(2026, 9, 14))


# --- year to date and federal ----------------------------------------------------------------


def test_year_to_date_by_month_and_category(services: Services, world, supervisor):
    report = services.reports.year_to_date(supervisor, school_year="2026-27")
    assert [m.month for m in report.months][:3] == ["2026-07", "2026-08", "2026-09"]
    assert len(report.months) == 12 and report.months[-1].month == "2027-06"
    assert report.series("incidents")[:4] == [0, 2, 5, 1]
    assert report.series("arrests")[:4] == [0, 0, 2, 1]
    assert report.series("campus_checks")[:3] == [0, 0, 1]
    assert report.series("referrals")[:3] == [0, 1, 2]
    assert report.total("incidents") == 8
    assert report.labels()[:3] == ["Jul", "Aug", "Sep"] and report.labels()[-1] == "Jun"
    by_code = {c.code: c.incidents for c in report.categories}
    assert by_code == {
        "WEAPON": 1,
        "DRUG-POSS": 1,
        "DRUG-SALE": 1,
        "TRESPASS": 2,
        "FIGHT": 2,
        "THEFT": 1,
        "VANDALISM": 2,
    }
    assert report.federal.referrals_to_law_enforcement == 2  # S1, S4 (once each)
    assert report.federal.school_related_arrests == 1  # S1 (September, October)
    assert report.federal.gfsa_students == 1


def test_year_to_date_defaults_to_this_school_year(services: Services, world, officer):
    report = services.reports.year_to_date(officer, officer_badge="1001")
    assert report.school_year == "2026-27"
    assert report.series("incidents")[:4] == [0, 1, 4, 1]


def test_federal_counts_for_a_school(services: Services, world, supervisor):
    last_year = services.reports.federal(supervisor, school_year="2025-26")
    assert (last_year.referrals_to_law_enforcement, last_year.school_related_arrests) == (0, 1)
    assert last_year.initiator_not_recorded == 1
    buena = services.reports.federal(supervisor, school_year="2026-27", school_code="BHS")
    assert (buena.referrals_to_law_enforcement, buena.school_related_arrests) == (1, 0)
    with pytest.raises(SroError, match="2026-27"):
        services.reports.federal(supervisor, school_year="2026-28")


def test_month_boundaries_follow_daylight_saving(services: Services, clock, officer, supervisor):
    """November starts at 07:00 UTC (PDT) and ends at 08:00 UTC on 1 December (PST)."""
    seed = Seed(services, clock, supervisor)
    seed.incident(officer, "VHS", datetime(2026, 11, 1, 6, 59, tzinfo=UTC), [("FIGHT", "none")])
    seed.incident(officer, "VHS", datetime(2026, 11, 1, 7, 0, tzinfo=UTC), [("FIGHT", "none")])
    seed.incident(officer, "VHS", datetime(2026, 12, 1, 7, 59, tzinfo=UTC), [("FIGHT", "none")])
    seed.incident(officer, "VHS", datetime(2026, 12, 1, 8, 0, tzinfo=UTC), [("FIGHT", "none")])
    report = services.reports.monthly(supervisor, month="2026-11")
    assert values(report, LAW, "Reports (incidents filed)") == (2, 1, 0)


def test_a_new_officer_has_empty_figures(services: Services, world):
    newcomer = make_officer(services, "1003")
    report = services.reports.monthly(newcomer, month="2026-09", officer_badge="1003")
    assert all(f.current == f.previous == f.last_year == 0 for f in report.figures)


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def cli_store(sqlite_services: Services, sqlite_url: str, clock) -> str:
    """A SQLite store with one arrest (three charges) in September 2026, for `sro report`."""
    clock.now = datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
    officer = make_officer(sqlite_services, "1001")
    make_officer(sqlite_services, "1002")
    seed = Seed(sqlite_services, clock, make_officer(sqlite_services, "2001", "supervisor"))
    student = seed.student("S1", "VHS")
    seed.incident(
        officer,
        "VHS",
        "2026-09-14 09:40",
        [("WEAPON", "firearm"), ("DRUG-POSS", "none"), ("DRUG-SALE", "none")],
        [(student, SUSPECT, [ARREST])],
    )
    seed.shift(officer, "VHS", "2026-09-14", [("Campus arrival check-in", "done", "07:05", "")])
    return sqlite_url


def test_cli_monthly_csv_as_local_administration(
    cli_store: str, sqlite_services: Services, run_cli: RunCli
) -> None:
    result = run_cli(
        "--db", cli_store, "report", "monthly", "--month", "2026-09", "--format", "csv"
    )
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.out)))
    arrests = next(r for r in rows if r["measure"].startswith("Arrests"))
    assert (arrests["this_month"], arrests["previous_month"]) == ("1", "0")
    last = sqlite_services.audit.recent(limit=1)[0]
    assert (last.action, last.badge, last.record_id) == ("report.run", "SYSTEM", "monthly:2026-09")


def test_cli_officer_signs_in_for_own_pdf(cli_store: str, run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "mine.pdf"
    argv = (
        "--db",
        cli_store,
        "report",
        "monthly",
        "--month",
        "2026-09",
        "--officer",
        "1001",
        "--format",
        "pdf",
        "-o",
        str(target),
        "--as",
        "1001",
        "--password-stdin",
    )
    result = run_cli(*argv, stdin=TEST_PASSWORD + "\n")
    assert result.code == 0
    assert "Wrote monthly activity report (pdf)" in result.out
    text = "\n".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Officer Officer 1001, badge 1001" in text and "Page 1 of" in text
    assert target.stat().st_mode & 0o077 == 0

    daily = (
        "--db",
        cli_store,
        "report",
        "daily",
        "--date",
        "2026-09-14",
        "--as",
        "1001",
        "--password-stdin",
        "--format",
        "json",
    )
    result = run_cli(*daily, stdin=TEST_PASSWORD + "\n")
    assert result.code == 0
    out = result.out
    assert '"report": "daily"' in out and "Campus arrival check-in" in out


def test_cli_refusals(cli_store: str, run_cli: RunCli) -> None:
    department = (
        "--db",
        cli_store,
        "report",
        "monthly",
        "--month",
        "2026-09",
        "--as",
        "1001",
        "--password-stdin",
    )
    result = run_cli(*department, stdin=TEST_PASSWORD + "\n")
    assert result.code == 2
    assert "own work only" in result.err
    wrong = ("--db", cli_store, "report", "ytd", "--as", "1001", "--password-stdin")
    result = run_cli(*wrong, stdin="not the password\n")
    assert result.code == 2
    assert "Badge or password is not right" in result.err
    pdf = ("--db", cli_store, "report", "monthly", "--month", "2026-09", "--format", "pdf")
    result = run_cli(*pdf)
    assert result.code == 2
    assert "-o FILE.pdf" in result.err
    nobody = ("--db", cli_store, "report", "daily", "--date", "2026-09-14")
    result = run_cli(*nobody)
    assert result.code == 2
    assert "--officer BADGE" in result.err
    bad_month = ("--db", cli_store, "report", "monthly", "--month", "Sept")
    result = run_cli(*bad_month)
    assert result.code == 2
    assert "YYYY-MM" in result.err


def test_cli_ytd_markdown_and_federal(cli_store: str, run_cli: RunCli) -> None:
    argv = ("--db", cli_store, "report", "ytd", "--school-year", "2026-27", "--school", "VHS")
    result = run_cli(*argv)
    assert result.code == 0
    out = result.out
    assert "## Year to date: School year 2026-27" in out and "| Sep 2026 | 1 | 1 |" in out
    result = run_cli("--db", cli_store, "report", "federal", "--school-year", "2026-27")
    assert result.code == 0
    out = result.out
    assert "| Students arrested, school-related (CRDC) | 1 |" in out  # Markdown, as the others
    assert f"| {GFSA_STUDENTS} | 1 |" in out


# --- bounded queries -------------------------------------------------------------------------


def test_report_queries_walk_indexes_not_tables(sqlite_services: Services, clock, monkeypatch):
    """Every statement a report runs is bounded by an index on SQLite: no full scan of the
    record tables (referrals excepted: their dates have no index yet, see the module notes)."""
    from sqlalchemy import event

    make_officer(sqlite_services, "1001")
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    engine = sqlite_services.db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        reports = sqlite_services.reports
        reports.monthly(SYSTEM_ACTOR, month="2026-09")
        reports.monthly(SYSTEM_ACTOR, month="2026-09", school_code="VHS")
        reports.monthly(SYSTEM_ACTOR, month="2026-09", officer_badge="1001")
        reports.year_to_date(SYSTEM_ACTOR, school_year="2026-27")
        reports.daily(SYSTEM_ACTOR, officer_badge="1001", day=date(2026, 9, 14))
        reports.federal(SYSTEM_ACTOR, school_year="2026-27", school_code="VHS")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    # Each record table may be reached by a time range (or the shift's date), or through its
    # parent's key; anything else (a scan, or a status / category index) walks all history.
    allowed = {
        "incidents": ("occurred_at>", "rowid=?"),
        "notes": ("occurred_at>",),
        "shifts": ("shift_date>", "shift_date=?"),
        "incident_people": ("incident_id=?",),
        "incident_person_outcomes": ("person_id=?",),
        "incident_offenses": ("incident_id=?",),
        "note_students": ("note_id=?",),
        "checklist_items": ("shift_id=?",),
    }
    unbounded: list[str] = []
    walked: list[str] = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            for row in plan:
                words = row[-1].split()
                table = words[1] if words[:1] in (["SCAN"], ["SEARCH"]) else ""
                if table in allowed and not any(m in row[-1] for m in allowed[table]):
                    unbounded.append(row[-1])
                    walked.append(statement)
    assert len(statements) > 20
    assert unbounded == [], walked
