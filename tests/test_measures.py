"""What the report measures mean (issue 11 item 6), on every backend: CRDC referrals to law
enforcement are students a school official reported, by the student's school and the regular
school year; GFSA counts students with a firearm or explosive device (not incidents, not
adults, not imitations); campus checks are security checks only. And outcomes kept as rows
(item 3): each read back whole, sealed, and a change made with SQL named."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from sro_tui.domain.checklist import OneOffItem
from sro_tui.domain.enums import (
    ChecklistKind,
    ComplianceKind,
    ContactInitiator,
    OutcomeKind,
    PersonRole,
    WeaponType,
)
from sro_tui.domain.incidents import (
    IncidentUpdate,
    PersonIn,
    ReviewDecision,
    required_compliance,
)
from sro_tui.domain.officers import Actor
from sro_tui.domain.reports import is_security_check
from sro_tui.domain.schools import TemplateItemCreate
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, CliResult, Clock, RunCli
from .test_export import read_csv
from .test_incidents import new_incident
from .test_migration_0009 import _to
from .test_reports import LAW, SUSPECT, WITNESS, Seed, values

SCHOOL, BY_OFFICER, OTHER = (
    ContactInitiator.SCHOOL,
    ContactInitiator.OFFICER,
    ContactInitiator.OTHER,
)
ARREST, CITATION = OutcomeKind.ARREST, OutcomeKind.CITATION


def test_crdc_counts_students_a_school_official_reported(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    clock.now = datetime(2027, 7, 20, 18, 0, tzinfo=UTC)
    seed = Seed(services, clock, supervisor)
    ana, ben, cruz = (seed.student(d, s) for d, s in (("A1", "VHS"), ("B1", "VHS"), ("C1", "BHS")))
    # The school called about Ana: referred.
    seed.incident(
        officer,
        "VHS",
        "2026-09-14 09:40",
        [("FIGHT", "none")],
        [(ana, SUSPECT, [])],
        initiated_by=SCHOOL,
    )
    # The officer saw Ben (a citation): officer-initiated, not a referral.
    seed.incident(
        officer,
        "VHS",
        "2026-09-15 09:40",
        [("FIGHT", "none")],
        [(ben, SUSPECT, [CITATION])],
        initiated_by=BY_OFFICER,
    )
    # The school reported Cruz for something online: not on school grounds, not CRDC.
    seed.incident(
        officer,
        "BHS",
        "2026-09-16 09:40",
        [("BULLYING", "none")],
        [(cruz, SUSPECT, [])],
        initiated_by=SCHOOL,
        location="ONLINE",
    )
    # Ana again, at Buena: still one student, counted at her own school (Ventura).
    seed.incident(
        officer,
        "BHS",
        "2026-10-01 12:00",
        [("THEFT", "none")],
        [(ana, SUSPECT, [])],
        initiated_by=SCHOOL,
    )
    # A parent called about Ben, arrested in the hallway: a school-related arrest, no referral.
    seed.incident(
        officer,
        "VHS",
        "2026-10-02 12:00",
        [("FIGHT", "none")],
        [(ben, SUSPECT, [ARREST])],
        initiated_by=OTHER,
    )
    # July is the summer session: outside the regular school year.
    seed.incident(
        officer,
        "BHS",
        "2027-07-08 10:00",
        [("FIGHT", "none")],
        [(cruz, SUSPECT, [ARREST])],
        initiated_by=SCHOOL,
    )
    # No initiator recorded: shown apart, not counted.
    seed.incident(officer, "BHS", "2026-11-03 10:00", [("FIGHT", "none")], [(cruz, SUSPECT, [])])
    clock.now = datetime(2027, 7, 20, 18, 0, tzinfo=UTC)

    year = services.reports.federal(supervisor, school_year="2026-27")
    assert (year.referrals_to_law_enforcement, year.school_related_arrests) == (1, 1)
    assert year.initiator_not_recorded == 1
    assert any("race/ethnicity, sex, disability" in note for note in year.notes)
    ventura = services.reports.federal(supervisor, school_year="2026-27", school_code="VHS")
    buena = services.reports.federal(supervisor, school_year="2026-27", school_code="BHS")
    assert ventura.referrals_to_law_enforcement == 1  # Ana (once, though reported twice)
    assert buena.referrals_to_law_enforcement == 0  # Ana's Buena incident counts at Ventura
    assert (buena.school_related_arrests, buena.initiator_not_recorded) == (0, 1)
    month = services.reports.monthly(supervisor, month="2026-09")
    crdc = "Federal counts (CRDC, Gun-Free Schools Act)"
    assert values(month, crdc, "Students referred to law enforcement (CRDC)") == (1, 0, 0)


def test_gfsa_counts_students_with_a_firearm_or_explosive(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    clock.now = datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
    seed = Seed(services, clock, supervisor)
    one, two, three, four, witness = (seed.student(f"G{i}", "VHS") for i in range(5))
    # Two students and an adult with a firearm, a student witness: two GFSA students.
    seed.incident(
        officer,
        "VHS",
        "2026-09-14 09:40",
        [("WEAPON", "firearm")],
        [
            (one, SUSPECT, [ARREST]),
            (two, SUSPECT, []),
            (None, SUSPECT, [ARREST]),
            (witness, WITNESS, []),
        ],
    )
    # The same student again: still one student.
    seed.incident(officer, "VHS", "2026-09-20 09:40", [("WEAPON", "firearm")], [(one, SUSPECT, [])])
    seed.incident(
        officer, "VHS", "2026-09-22 09:40", [("WEAPON", "explosive device")], [(three, SUSPECT, [])]
    )
    # An imitation firearm is Ed Code 48900(m), not GFSA.
    seed.incident(
        officer, "VHS", "2026-09-23 09:40", [("WEAPON", "imitation firearm")], [(four, SUSPECT, [])]
    )

    counts = services.reports.federal(supervisor, school_year="2026-27")
    assert counts.gfsa_students == 3
    assert {g.weapon: g.students for g in counts.gfsa_by_weapon} == {
        WeaponType.FIREARM: 2,
        WeaponType.EXPLOSIVE: 1,
    }
    by_weapon = {w.weapon: w.incidents for w in counts.incidents_by_weapon}
    assert by_weapon[WeaponType.FIREARM] == 2 and by_weapon[WeaponType.IMITATION] == 1
    assert required_compliance([((), WeaponType.EXPLOSIVE)]) >= {ComplianceKind.GUN_FREE_SCHOOLS}
    assert ComplianceKind.GUN_FREE_SCHOOLS not in required_compliance([((), WeaponType.IMITATION)])


def test_campus_checks_are_security_checks_only(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    clock.now = datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
    seed = Seed(services, clock, supervisor)
    day = [
        ("Campus arrival check-in", "done", "07:05", ""),
        ("Perimeter and gate check", "done", "07:30", ""),
        ("Parking lot check", "done", "07:45", ""),
        ("Lunch supervision", "done", "12:00", ""),
        ("Classroom instruction", "done", "13:00", ""),
        ("Staff training", "done", "14:00", ""),
        ("Mentoring sessions", "done", "14:30", ""),
        ("Liaison contacts", "done", "15:00", ""),
        ("End-of-day check-out", "done", "15:30", ""),
    ]
    seed.shift(officer, "VHS", "2026-09-14", day)
    report = services.reports.monthly(supervisor, month="2026-09")
    assert values(report, LAW, "Campus checks (security checks done)") == (3, 0, 0)
    assert {s.school_code: s.values["campus_checks"] for s in report.by_school} == {
        "VHS": (3, 0, 0)
    }
    ytd = services.reports.year_to_date(supervisor, school_year="2026-27")
    assert ytd.series("campus_checks")[2] == 3


def test_campus_checks_count_by_the_items_kind(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor, admin: Actor
) -> None:
    """The kind, not the label's words: an item named with no security word but set as a
    security check counts, a perimeter check set as "other" does not; the shift's items
    carry the template's kind; a one-off item takes the kind given, or the label's guess."""
    clock.now = datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
    reference = services.reference
    fence = reference.add_template_item(
        admin, TemplateItemCreate(label="Walk the fence line", kind=ChecklistKind.SECURITY)
    )
    assert fence.kind is ChecklistKind.SECURITY
    perimeter = next(t for t in reference.template_items() if t.label.startswith("Perimeter"))
    assert perimeter.kind is ChecklistKind.SECURITY  # seeded
    edited = reference.edit_template_item(admin, perimeter.id, kind=ChecklistKind.OTHER)
    assert edited.kind is ChecklistKind.OTHER
    seed = Seed(services, clock, supervisor)
    day = [
        ("Walk the fence line", "done", "07:10", ""),
        ("Perimeter and gate check", "done", "07:30", ""),
        ("Parking lot check", "done", "07:45", ""),
        ("Classroom instruction", "done", "13:00", ""),
    ]
    seed.shift(officer, "VHS", "2026-09-14", day)
    (shift,) = services.checklist.shifts_on(officer, date(2026, 9, 14))
    kinds = {item.label: item.kind for item in shift.items}
    assert kinds["Walk the fence line"] is ChecklistKind.SECURITY
    assert kinds["Perimeter and gate check"] is ChecklistKind.OTHER
    assert kinds["Classroom instruction"] is ChecklistKind.INSTRUCTION
    guessed = services.checklist.add_item(officer, shift.id, OneOffItem(label="Extra patrol"))
    chosen = services.checklist.add_item(
        officer, shift.id, OneOffItem(label="Gate left open", kind=ChecklistKind.OTHER)
    )
    assert (guessed.kind, chosen.kind) == (ChecklistKind.SECURITY, ChecklistKind.OTHER)
    for item in (guessed, chosen):
        services.checklist.mark_done(officer, item.id)
    month = "2026-09"
    for report in (
        services.reports.monthly(supervisor, month=month),
        services.reports.monthly(supervisor, month=month, school_code="VHS"),
        services.reports.monthly(supervisor, month=month, officer_badge=officer.badge),
    ):
        # fence line, parking lot, the extra patrol
        assert values(report, LAW, "Campus checks (security checks done)") == (3, 0, 0)
    report = services.reports.monthly(supervisor, month=month)
    assert {s.school_code: s.values["campus_checks"] for s in report.by_school} == {
        "VHS": (3, 0, 0)
    }
    ytd = services.reports.year_to_date(supervisor, school_year="2026-27")
    assert ytd.series("campus_checks")[2] == 3


def test_which_template_items_are_security_checks() -> None:
    template = [
        "Campus arrival check-in",
        "Perimeter and gate check",
        "Parking lot check",
        "Visitor / unauthorized-adult check with front office",
        "Passing periods supervision",
        "Lunch supervision",
        "Dismissal supervision",
        "Classroom instruction",
        "Staff training",
        "Mentoring sessions",
        "Liaison contacts",
        "End-of-day check-out",
        "Bus stop check after a complaint",
        "Meet the parent about attendance",
    ]
    assert [label for label in template if is_security_check(label)] == [
        "Perimeter and gate check",
        "Parking lot check",
        "Visitor / unauthorized-adult check with front office",
        "Passing periods supervision",
        "Lunch supervision",
        "Dismissal supervision",
        "Bus stop check after a complaint",
    ]


def _incident_with_outcomes(
    services: Services, officer: Actor, student: int, initiated_by: ContactInitiator | None
) -> int:
    data = new_incident(
        services,
        initiated_by=initiated_by,
        people=[
            PersonIn(
                role=PersonRole.SUSPECT,
                student_id=student,
                outcomes=[OutcomeKind.REFERRAL_TO_SERVICES, ARREST],
            )
        ],
    )
    return services.incidents.create(officer, data).id


def test_outcomes_and_initiator_are_kept_and_sealed(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    clock.now = datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
    student = Seed(services, clock).student("R1", "VHS")
    incident_id = _incident_with_outcomes(services, officer, student, SCHOOL)
    record = services.incidents.get(officer, incident_id)
    assert record.initiated_by is ContactInitiator.SCHOOL
    assert record.people[0].outcomes == (ARREST, OutcomeKind.REFERRAL_TO_SERVICES)
    changed = services.incidents.update(
        officer,
        incident_id,
        IncidentUpdate(version=record.version, initiated_by=ContactInitiator.OFFICER),
    )
    assert changed.initiated_by is ContactInitiator.OFFICER
    services.incidents.submit(officer, incident_id)
    services.incidents.approve(supervisor, incident_id, ReviewDecision())
    assert services.audit.verify_records(supervisor).ok
    with services.db.engine.begin() as connection:
        connection.execute(
            text("UPDATE incident_person_outcomes SET outcome = 'warning' WHERE outcome = 'arrest'")
        )
    problems = services.audit.verify_records(supervisor).problems
    assert any(f"incident #{incident_id} was changed outside sro-tui" in p for p in problems)


def test_seals_made_before_0015_stay_valid(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    """Back down to 0014 (the outcomes as text again, as every report filed before 0015:
    no initiator) and up: the seals still match."""
    clock.now = datetime(2026, 10, 20, 18, 0, tzinfo=UTC)
    student = Seed(services, clock).student("R2", "VHS")
    incident_id = _incident_with_outcomes(services, officer, student, None)
    services.incidents.submit(officer, incident_id)
    services.incidents.approve(supervisor, incident_id, ReviewDecision())
    clock.now += timedelta(minutes=1)
    services.db.dispose()
    _to(services.db, "0014", down=True)
    with services.db.engine.begin() as connection:
        stored = connection.scalar(text("SELECT outcomes FROM incident_people"))
    assert stored == "referral to services,arrest"  # the order given
    _to(services.db, "head")
    services.db.dispose()
    assert services.audit.verify_records(supervisor).ok
    record = services.incidents.get(officer, incident_id)
    assert record.people[0].outcomes == (ARREST, OutcomeKind.REFERRAL_TO_SERVICES)


def test_the_command_line_and_export_give_who_initiated_and_each_outcome(
    services: Services, officer: Actor, db_url: str, run_cli: RunCli, tmp_path: Path
) -> None:
    created = services.incidents.create(
        officer,
        new_incident(
            services,
            people=[
                PersonIn(
                    role=PersonRole.SUSPECT,
                    name="Adult Visitor",
                    juvenile=False,
                    outcomes=[OutcomeKind.REFERRAL_TO_SERVICES, OutcomeKind.WARNING],
                )
            ],
        ),
    )

    def sro(*argv: str) -> CliResult:
        return run_cli(
            "--db", db_url, "incident", *argv, "--as", "1001", "--password-stdin",
            stdin=TEST_PASSWORD + "\n",
        )  # fmt: skip

    shown = sro("show", created.number)
    assert shown.code == 0, shown.err
    assert "Initiated: not recorded" in shown.out
    changed = sro("initiated", created.number, "school")
    assert changed.code == 0, changed.err
    assert "initiated by school official" in changed.out
    assert services.incidents.get(officer, created.id).initiated_by is ContactInitiator.SCHOOL
    refused = sro("initiated", created.number, "principal")
    assert refused.code == 2 and "give school, officer or other" in refused.err

    day = services.ctx.now().astimezone(services.ctx.tz).date() - timedelta(days=1)
    services.export.export(officer, fmt="csv", since=day, out_dir=tmp_path / "out")
    (row,) = read_csv(tmp_path / "out" / "incidents.csv")
    assert row["initiated_by"] == "school official"
    (person,) = read_csv(tmp_path / "out" / "incidents_people.csv")
    assert person["outcomes"] == "referral to services;warning"  # each value whole
