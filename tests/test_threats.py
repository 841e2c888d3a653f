"""Threat assessment cases (EC 49393) on real stores: opening one from a THREAT incident,
the stages and their rules, follow-ups due on Today, who reads a case (its team; supervisors
by the agency's policy; nobody once the student's records are sealed), links, the audit trail,
and the monthly report's opened/closed figures checked against an independent SQL count."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import bindparam, text

from sro_tui.domain.enums import PersonRole
from sro_tui.domain.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, SroError
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.students import StudentCreate
from sro_tui.domain.threats import (
    FollowUpCreate,
    ThreatCaseCreate,
    ThreatLevel,
    ThreatMove,
    ThreatStage,
    may_read_case,
)
from sro_tui.services import store_settings
from sro_tui.services.registry import Services
from sro_tui.services.sealing import SealingService, SealOrder
from sro_tui.store.types import UTCDateTime

from .conftest import Clock, make_officer


def student(services: Services, actor: Actor, district_id: str = "S1") -> int:
    vhs = services.reference.school_by_code("VHS").id
    return services.students.create(
        actor,
        StudentCreate(district_id=district_id, first_name="Ana", last_name="Ruiz", school_id=vhs),
    ).id


def threat_incident(services: Services, actor: Actor, student_id: int, clock: Clock) -> int:
    return services.incidents.create(
        actor,
        IncidentCreate(
            school_id=services.reference.school_by_code("VHS").id,
            occurred_at=clock.now - timedelta(hours=1),
            location_code="CLASSROOM",
            offenses=[OffenseIn(category_code="THREAT", most_severe=True)],
            people=[PersonIn(role=PersonRole.SUSPECT, student_id=student_id)],
            narrative="Said he would bring a gun tomorrow.",
        ),
    ).id


def open_case(services: Services, actor: Actor, clock: Clock, **values: object) -> int:
    sid = student(services, actor)
    data: dict[str, object] = {
        "student_id": sid,
        "incident_id": threat_incident(services, actor, sid, clock),
        "summary": "Threat to bring a gun, overheard in class",
    }
    data.update(values)
    return services.threats.open(actor, ThreatCaseCreate.model_validate(data)).id


def events(services: Services, action: str) -> list[tuple[str, str, str]]:
    with services.db.read() as session:
        return [
            (r[0], r[1] or "", r[2] or "")
            for r in session.execute(
                text(
                    "SELECT outcome, record_id, detail FROM audit_events WHERE action = :a "
                    "ORDER BY id"
                ),
                {"a": action},
            )
        ]


def test_open_a_case_from_a_threat_incident(
    services: Services, officer: Actor, clock: Clock
) -> None:
    case_id = open_case(services, officer, clock)
    case = services.threats.get(officer, case_id)
    assert case.stage is ThreatStage.REPORTED and case.confidential
    assert case.incident_number.startswith("SRO-") and case.school_code == "VHS"
    assert case.team == ((officer.officer_id, "Officer 1001"),)
    assert [(f.due_on, f.officer_id) for f in case.follow_ups] == [
        (clock.now.astimezone(services.ctx.tz).date(), officer.officer_id)
    ]
    assert case.opened_at == clock.now
    assert events(services, "threat.open") == [("success", str(case_id), "confidential")]
    assert events(services, "threat.read")[-1] == ("success", str(case_id), "")
    with pytest.raises(ValueError, match="threat"):
        ThreatCaseCreate(student_id=1, summary="  ")


def test_stages_follow_the_workflow(services: Services, officer: Actor, clock: Clock) -> None:
    case_id = open_case(services, officer, clock)
    with pytest.raises(InvalidTransition, match="only to: triage, closed"):
        services.threats.move(officer, case_id, ThreatMove(to_stage=ThreatStage.ASSESSMENT))
    case = services.threats.move(
        officer,
        case_id,
        ThreatMove(to_stage=ThreatStage.TRIAGE, level=ThreatLevel.SUBSTANTIVE),
    )
    assert (case.stage, case.level) == (ThreatStage.TRIAGE, ThreatLevel.SUBSTANTIVE)
    with pytest.raises(Conflict, match="saved elsewhere"):
        services.threats.move(
            officer, case_id, ThreatMove(to_stage=ThreatStage.ASSESSMENT), version=1
        )
    case = services.threats.move(
        officer, case_id, ThreatMove(to_stage=ThreatStage.ASSESSMENT), version=case.version
    )
    with pytest.raises(InvalidTransition, match="safety plan"):
        services.threats.move(officer, case_id, ThreatMove(to_stage=ThreatStage.SAFETY_PLAN))
    services.threats.move(
        officer,
        case_id,
        ThreatMove(to_stage=ThreatStage.SAFETY_PLAN, note="Daily check-in with counselor"),
    )
    services.threats.move(officer, case_id, ThreatMove(to_stage=ThreatStage.MONITORING))
    with pytest.raises(InvalidTransition, match="why"):
        services.threats.move(officer, case_id, ThreatMove(to_stage=ThreatStage.CLOSED))
    clock.advance(days=30)
    case = services.threats.move(
        officer, case_id, ThreatMove(to_stage=ThreatStage.CLOSED, note="Plan completed")
    )
    assert case.closed_at == clock.now and not case.is_open
    assert [e.to_stage for e in case.events] == list(ThreatStage)
    with pytest.raises(InvalidTransition, match="closed"):
        services.threats.move(officer, case_id, ThreatMove(to_stage=ThreatStage.TRIAGE))
    with pytest.raises(SroError, match="closed"):
        services.threats.add_follow_up(
            officer, case_id, FollowUpCreate(due_on=date(2026, 11, 1), what="Call parent")
        )
    assert [d for _, _, d in events(services, "threat.move")][-1] == "monitoring -> closed"


def _trail_length(services: Services) -> int:
    with services.db.read() as session:
        return int(session.execute(text("SELECT count(*) FROM audit_events")).scalar_one())


def test_todays_preparation_audits_nothing_and_the_summary_still_does(
    services: Services, officer: Actor, clock: Clock
) -> None:
    """``today.prepare`` (run while the officer picks the school) reads what Today reads, less
    the threat follow-ups whose reading is audited: the trail is unchanged; the summary
    itself then records its list read as before."""
    case_id = open_case(services, officer, clock)
    day = clock.now.astimezone(services.ctx.tz).date()
    triage = services.threats.get(officer, case_id).follow_ups[0]
    before = _trail_length(services)
    services.today.prepare(officer, day)
    assert _trail_length(services) == before
    summary = services.today.summary(officer, None, day)
    assert [r.id for r in summary.threat_follow_ups.rows] == [triage.id]
    assert _trail_length(services) == before + 1
    assert events(services, "threat.list")[-1][2] == "follow-ups due, 1 rows"


def test_follow_ups_come_due_on_today(services: Services, officer: Actor, clock: Clock) -> None:
    case_id = open_case(services, officer, clock)
    day = clock.now.astimezone(services.ctx.tz).date()
    triage = services.threats.get(officer, case_id).follow_ups[0]
    later = services.threats.add_follow_up(
        officer, case_id, FollowUpCreate(due_on=day + timedelta(days=7), what="Check in with Ana")
    )
    rows, total = services.threats.follow_ups_due(officer, day)
    assert ([r.id for r in rows], total) == ([triage.id], 1)
    assert rows[0].student_name == "Ruiz, Ana"
    summary = services.today.summary(officer, None, day)
    assert [r.id for r in summary.threat_follow_ups.rows] == [triage.id]
    services.threats.complete_follow_up(officer, triage.id, "Team met; substantive")
    assert services.threats.follow_ups_due(officer, day) == ([], 0)
    rows, total = services.threats.follow_ups_due(officer, day + timedelta(days=8))
    assert [r.id for r in rows] == [later.id]
    with pytest.raises(SroError, match="already"):
        services.threats.complete_follow_up(officer, triage.id)
    services.threats.move(
        officer, case_id, ThreatMove(to_stage=ThreatStage.CLOSED, note="Transient, resolved")
    )
    assert services.threats.follow_ups_due(officer, day + timedelta(days=8)) == ([], 0)


@pytest.mark.parametrize("policy", [False, True])
def test_confidential_case_is_read_by_its_team_only(
    services: Services,
    officer: Actor,
    supervisor: Actor,
    admin: Actor,
    clock: Clock,
    policy: bool,
) -> None:
    services.settings.set(
        admin, store_settings.SUPERVISORS_READ_CONFIDENTIAL, "1" if policy else "0"
    )
    colleague = make_officer(services, "1003", "officer", ("VHS",))
    case_id = open_case(services, officer, clock)
    with pytest.raises(NotFound):
        services.threats.get(colleague, case_id)
    assert services.threats.page(colleague) == []
    with pytest.raises(NotFound):
        services.threats.move(colleague, case_id, ThreatMove(to_stage=ThreatStage.TRIAGE))
    assert [o for o, _, _ in events(services, "threat.read")][-1] == "denied"
    if policy:
        assert services.threats.get(supervisor, case_id).id == case_id
    else:
        with pytest.raises(NotFound):
            services.threats.get(supervisor, case_id)
    assert [c.id for c in services.threats.page(supervisor)] == ([case_id] if policy else [])
    services.threats.add_member(officer, case_id, "1003")
    assert services.threats.get(colleague, case_id).team[1] == (
        colleague.officer_id,
        "Officer 1003",
    )
    assert [c.id for c in services.threats.page(colleague)] == [case_id]
    # The lead opens it to the school: a colleague off the team at the school reads it.
    other = make_officer(services, "1004", "officer", ("VHS",))
    elsewhere = make_officer(services, "1005", "officer", ("BHS",))
    with pytest.raises(PermissionDenied):
        services.threats.set_confidential(colleague, case_id, False)
    services.threats.set_confidential(officer, case_id, False)
    assert services.threats.get(other, case_id).id == case_id
    assert services.threats.get(supervisor, case_id).id == case_id
    with pytest.raises(NotFound):
        services.threats.get(elsewhere, case_id)


def test_python_rule_and_sql_rule_agree(
    services: Services, officer: Actor, supervisor: Actor, admin: Actor, clock: Clock
) -> None:
    colleague = make_officer(services, "1003", "officer", ("VHS",))
    elsewhere = make_officer(services, "1005", "officer", ("BHS",))
    secret = open_case(services, officer, clock)
    open_one = services.threats.open(
        officer,
        ThreatCaseCreate(
            student_id=student(services, officer, "S2"),
            summary="Note in locker",
            confidential=False,
        ),
    ).id
    for policy in (False, True):
        services.settings.set(
            admin, store_settings.SUPERVISORS_READ_CONFIDENTIAL, "1" if policy else "0"
        )
        for actor in (officer, colleague, elsewhere, supervisor):
            listed = {c.id for c in services.threats.page(actor)}
            for case_id, confidential in ((secret, True), (open_one, False)):
                expected = may_read_case(
                    officer_id=actor.officer_id,
                    is_supervisor=actor.is_supervisor,
                    school_ids=tuple(actor.school_ids),
                    team=frozenset({officer.officer_id or 0}),
                    confidential=confidential,
                    school_id=services.reference.school_by_code("VHS").id,
                    supervisors_read_confidential=policy,
                )
                assert (case_id in listed) is expected, (actor.badge, case_id, policy)


def test_sealing_hides_the_case_from_everyone(
    services: Services, officer: Actor, supervisor: Actor, admin: Actor, clock: Clock
) -> None:
    services.settings.set(admin, store_settings.SUPERVISORS_READ_CONFIDENTIAL, "1")
    case_id = open_case(services, officer, clock)
    SealingService(services.ctx, services.audit).seal(
        supervisor, "S1", SealOrder(order_number="JV-1", reason="W&I 786")
    )
    for actor in (officer, supervisor):
        with pytest.raises(NotFound):
            services.threats.get(actor, case_id)
        assert services.threats.page(actor, include_closed=True) == []
    day = clock.now.astimezone(services.ctx.tz).date()
    assert services.threats.follow_ups_due(officer, day) == ([], 0)
    with pytest.raises(NotFound):
        services.threats.open(officer, ThreatCaseCreate(student_id=1, summary="Another threat"))


def test_links_to_referrals_and_notes_of_the_student(
    services: Services, officer: Actor, clock: Clock
) -> None:
    from sro_tui.domain.referrals import ReferralCreate

    case_id = open_case(services, officer, clock)
    sid = services.threats.get(officer, case_id).student_id
    other = student(services, officer, "S9")
    day = clock.now.astimezone(services.ctx.tz).date()
    referral = services.referrals.create(
        officer,
        ReferralCreate(student_id=sid, program_code="ANGER", reason="Threat", referred_on=day),
    )
    elsewhere = services.referrals.create(
        officer,
        ReferralCreate(student_id=other, program_code="ANGER", reason="x", referred_on=day),
    )
    note = services.notes.create(
        officer,
        NoteCreate(occurred_at=clock.now, minutes=15, student_ids=[sid], text="Talked"),
    )
    services.threats.link(officer, case_id, "referral", referral.id)
    case = services.threats.link(officer, case_id, "note", note.id)
    assert [(link.kind, link.record_id) for link in case.links] == [
        ("note", note.id),
        ("referral", referral.id),
    ]
    with pytest.raises(NotFound):
        services.threats.link(officer, case_id, "referral", elsewhere.id)
    with pytest.raises(SroError, match="already"):
        services.threats.link(officer, case_id, "note", note.id)


def test_monthly_report_counts_opened_and_closed(
    services: Services, officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    first = open_case(services, officer, clock)
    services.threats.open(
        officer,
        ThreatCaseCreate(student_id=student(services, officer, "S2"), summary="Drawing"),
    )
    services.threats.move(officer, first, ThreatMove(to_stage=ThreatStage.CLOSED, note="Joke"))
    clock.advance(days=40)  # next month: one closes
    second = services.threats.page(officer)[0].id
    services.threats.move(officer, second, ThreatMove(to_stage=ThreatStage.CLOSED, note="Done"))
    report = services.reports.monthly(supervisor, month="2026-10")
    figures = {f.measure: (f.current, f.previous) for f in report.figures}
    sep = (datetime(2026, 9, 1, 7, tzinfo=UTC), datetime(2026, 10, 1, 7, tzinfo=UTC))
    octo = (sep[1], datetime(2026, 11, 1, 7, tzinfo=UTC))
    with services.db.read() as session:

        def count(column: str, span: tuple[datetime, datetime]) -> int:
            query = text(
                f"SELECT COUNT(*) FROM threat_cases WHERE {column} >= :a AND {column} < :b"
            ).bindparams(bindparam("a", type_=UTCDateTime()), bindparam("b", type_=UTCDateTime()))
            return int(session.scalar(query, {"a": span[0], "b": span[1]}) or 0)

        expected_opened = (count("opened_at", octo), count("opened_at", sep))
        expected_closed = (count("closed_at", octo), count("closed_at", sep))
    assert figures["Threat assessment cases opened"] == expected_opened == (0, 2)
    assert figures["Threat assessment cases closed"] == expected_closed == (1, 1)


def test_student_timeline_shows_the_case_to_its_readers(
    services: Services, officer: Actor, clock: Clock
) -> None:
    case_id = open_case(services, officer, clock)
    sid = services.threats.get(officer, case_id).student_id
    colleague = make_officer(services, "1003", "officer", ("VHS",))
    [entry] = [e for e in services.students.timeline(officer, sid) if e.kind == "threat"]
    assert (entry.record_id, entry.summary) == (case_id, "reported")
    assert all(e.kind != "threat" for e in services.students.timeline(colleague, sid))
    services.threats.add_member(officer, case_id, "1003")
    assert any(e.kind == "threat" for e in services.students.timeline(colleague, sid))


def test_export_has_the_cases_the_reader_reads_redacted_for_one_student(
    services: Services, officer: Actor, supervisor: Actor, clock: Clock, tmp_path: Path
) -> None:
    case_id = open_case(services, officer, clock, summary="Ruiz and Beto Soto fought")
    vhs = services.reference.school_by_code("VHS").id
    services.students.create(
        officer,
        StudentCreate(district_id="S2", first_name="Beto", last_name="Soto", school_id=vhs),
    )
    services.threats.move(
        officer, case_id, ThreatMove(to_stage=ThreatStage.CLOSED, note="Beto Soto apologised")
    )
    day = clock.now.astimezone(services.ctx.tz).date()
    agency = services.export.export(officer, fmt="csv", since=day, out_dir=tmp_path / "a")
    assert agency.counts["threat_cases"] == 1
    with (tmp_path / "a" / "threat_cases.csv").open(encoding="utf-8-sig", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert (row["student_district_id"], row["stage"], row["confidential"]) == (
        "S1",
        "closed",
        "yes",
    )
    assert "Beto Soto" in row["summary"] and "Beto Soto apologised" in row["history"]
    other = services.export.export(supervisor, fmt="csv", since=day, out_dir=tmp_path / "b")
    assert other.counts["threat_cases"] == 0  # confidential: supervisors only by policy
    mine = services.export.export(
        officer, fmt="json", since=day, out_dir=tmp_path / "c", for_student_id=1
    )
    assert mine.counts["threat_cases"] == 1
    text = (tmp_path / "c" / "threat_cases.json").read_text(encoding="utf-8")
    assert "Soto" not in text and "[JUVENILE" in text


def test_retention_keeps_an_incident_a_case_was_opened_from(
    services: Services, officer: Actor, supervisor: Actor, admin: Actor, clock: Clock
) -> None:
    from .test_retention import Old, retention

    old = Old(services, clock, officer, supervisor)
    student_id = services.students.by_district_id(officer, "S1").id
    case_id = services.threats.open(
        officer,
        ThreatCaseCreate(student_id=student_id, incident_id=old.old_incident, summary="Old"),
    ).id
    result = retention(services).purge(admin)
    assert result.kept_linked == 2  # the referral's incident and the case's
    assert services.threats.get(officer, case_id).incident_id == old.old_incident


def test_the_audit_trail_names_ids_and_stages_never_the_case_text(
    services: Services, officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    case_id = open_case(services, officer, clock)
    services.threats.move(officer, case_id, ThreatMove(to_stage=ThreatStage.TRIAGE))
    services.threats.add_follow_up(
        officer, case_id, FollowUpCreate(due_on=date(2026, 9, 20), what="Call Ana's mother")
    )
    services.threats.add_member(officer, case_id, "2001")
    services.threats.page(officer)
    services.threats.get(officer, case_id)
    with services.db.read() as session:
        rows = session.execute(
            text(
                "SELECT action, record_type, record_id, detail FROM audit_events "
                "WHERE record_type = 'threat' ORDER BY id"
            )
        ).all()
    actions = [r[0] for r in rows]
    for expected in ("threat.open", "threat.move", "threat.follow_up", "threat.team"):
        assert expected in actions
    assert "threat.list" in actions and "threat.read" in actions
    for _action, _type, _record, detail in rows:
        assert "Ana" not in (detail or "") and "gun" not in (detail or "")
    assert services.audit.verify(supervisor).ok
