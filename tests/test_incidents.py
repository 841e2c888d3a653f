"""Incident reports on a real store: numbering, editing, workflow, permissions, lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import event
from sqlalchemy.engine import make_url

from sro_tui.domain.enums import ComplianceKind, IncidentStatus, OutcomeKind, PersonRole, WeaponType
from sro_tui.domain.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    RecordLocked,
    SroError,
)
from sro_tui.domain.incidents import (
    ComplianceIn,
    IncidentCreate,
    IncidentUpdate,
    OffenseIn,
    PersonIn,
    ReviewDecision,
    SupplementCreate,
)
from sro_tui.domain.officers import Actor
from sro_tui.domain.paging import encode_cursor
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database

from .conftest import TEST_AUDIT_KEY, TEST_PASSWORD, CliResult, Clock, RunCli, make_officer


def school_id(services: Services, code: str = "VHS") -> int:
    return services.reference.school_by_code(code).id


def new_incident(
    services: Services,
    *,
    school: str = "VHS",
    occurred_at: datetime | None = None,
    location: str = "HALLWAY",
    categories: tuple[str, ...] = ("FIGHT",),
    narrative: str = "Two students fought in the hallway.",
    **extra: Any,
) -> IncidentCreate:
    return IncidentCreate(
        school_id=school_id(services, school),
        occurred_at=occurred_at or services.ctx.now() - timedelta(hours=1),
        location_code=location,
        offenses=[OffenseIn(category_code=code) for code in categories],
        narrative=narrative,
        **extra,
    )


def audit_actions(services: Services, limit: int = 50) -> list[tuple[str, str]]:
    return [(e.action, e.outcome) for e in services.audit.recent(limit=limit)]


def submitted(services: Services, actor: Actor, **kwargs: Any) -> int:
    incident = services.incidents.create(actor, new_incident(services, **kwargs))
    services.incidents.submit(actor, incident.id)
    return incident.id


def approved(services: Services, actor: Actor, supervisor: Actor, **kwargs: Any) -> int:
    incident_id = submitted(services, actor, **kwargs)
    services.incidents.approve(supervisor, incident_id, ReviewDecision())
    return incident_id


# -- creating and numbering -------------------------------------------------------------------


def test_create_numbers_and_fills_the_record(services: Services, officer: Actor) -> None:
    occurred = datetime(2026, 9, 14, 14, 5, tzinfo=UTC)
    created = services.incidents.create(
        officer,
        new_incident(
            services,
            occurred_at=occurred,
            location="parking",
            categories=("THEFT", "WEAPON"),
            people=[
                PersonIn(role=PersonRole.NON_STUDENT, name="Pat Doe", juvenile=False),
                PersonIn(
                    role=PersonRole.SUSPECT,
                    name="Sam Roe",
                    outcomes=[OutcomeKind.ARREST, OutcomeKind.DIVERSION_REFERRAL],
                    custodial=True,
                ),
            ],
        ),
    )
    assert created.number == "SRO-2026-000001"
    assert created.status is IncidentStatus.DRAFT
    assert created.version == 1
    assert created.school_name == "Ventura High School"
    assert created.school_year == "2026-27"
    assert created.officer_id == officer.officer_id
    assert created.officer_name == "Officer 1001"
    assert created.location_code == "PARKING"
    assert created.occurred_at == occurred
    assert created.entered_at == services.ctx.now()
    assert [o.category_code for o in created.offenses] == ["THEFT", "WEAPON"]
    assert created.most_severe is not None and created.most_severe.category_code == "THEFT"
    assert created.people[1].outcomes == (OutcomeKind.ARREST, OutcomeKind.DIVERSION_REFERRAL)
    assert created.people[1].custodial
    # A weapon: EC 48902; a juvenile arrested: WIC 625.6 (counsel before questioning).
    assert created.compliance_required == (ComplianceKind.EC_48902, ComplianceKind.WIC_625_6)
    assert created.compliance_missing == (ComplianceKind.EC_48902, ComplianceKind.WIC_625_6)

    second = services.incidents.create(officer, new_incident(services))
    assert second.number == "SRO-2026-000002"
    assert ("incident.create", "success") in audit_actions(services)


def test_numbers_follow_the_local_year_of_entry(
    services: Services, officer: Actor, clock: Clock
) -> None:
    # 23:30 on 31 December in Ventura is already 2027 in UTC: still a 2026 number.
    clock.now = datetime(2027, 1, 1, 7, 30, tzinfo=UTC)
    late = services.incidents.create(officer, new_incident(services))
    assert late.number == "SRO-2026-000001"
    clock.advance(hours=1)
    first = services.incidents.create(officer, new_incident(services))
    second = services.incidents.create(officer, new_incident(services))
    assert (first.number, second.number) == ("SRO-2027-000001", "SRO-2027-000002")
    # The school year comes from when it happened, locally (July to June).
    assert first.school_year == "2026-27"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"location": "MOON"}, "location_code"),
        ({"categories": ("FIGHT", "NOPE")}, "offenses"),
        ({"school_id": 99999}, "school_id"),
    ],
)
def test_create_refuses_unknown_codes_without_using_a_number(
    services: Services, officer: Actor, change: dict[str, Any], field: str
) -> None:
    data = new_incident(services, **{k: v for k, v in change.items() if k != "school_id"})
    if "school_id" in change:
        data.school_id = change["school_id"]
    with pytest.raises(NotFound) as info:
        services.incidents.create(officer, data)
    assert info.value.field == field
    assert services.incidents.create(officer, new_incident(services)).number.endswith("000001")


def test_create_refuses_a_future_time_and_unknown_students(
    services: Services, officer: Actor
) -> None:
    with pytest.raises(SroError) as info:
        services.incidents.create(
            officer, new_incident(services, occurred_at=services.ctx.now() + timedelta(hours=2))
        )
    assert info.value.field == "occurred_at"
    with pytest.raises(NotFound) as info:
        services.incidents.create(
            officer,
            new_incident(services, people=[PersonIn(role=PersonRole.VICTIM, student_id=4242)]),
        )
    assert info.value.field == "people"


def test_student_names_come_from_the_student_record(services: Services, officer: Actor) -> None:
    student = services.students.create(
        officer, StudentCreate(district_id="S1001", first_name="Ana", last_name="Diaz")
    )
    created = services.incidents.create(
        officer,
        new_incident(services, people=[PersonIn(role=PersonRole.VICTIM, student_id=student.id)]),
    )
    assert created.people[0].student_id == student.id
    assert created.people[0].name == "Diaz, Ana"


def test_compliance_needed_and_missing(services: Services, officer: Actor) -> None:
    needed = services.incidents.compliance_needed(
        [
            OffenseIn(category_code="threat"),
            OffenseIn(category_code="FIGHT", weapon=WeaponType.FIREARM),
            OffenseIn(category_code="UNKNOWN-YET"),
        ]
    )
    assert needed == [
        ComplianceKind.GUN_FREE_SCHOOLS,
        ComplianceKind.EC_48902,
        ComplianceKind.EC_49393,
    ]
    assert services.incidents.compliance_needed([OffenseIn(category_code="TRUANCY")]) == []
    created = services.incidents.create(officer, new_incident(services, categories=("THREAT",)))
    assert services.incidents.missing_compliance(officer, created.id) == [ComplianceKind.EC_49393]
    done = services.incidents.update(
        officer,
        created.id,
        IncidentUpdate(
            version=created.version,
            compliance=[ComplianceIn(kind=ComplianceKind.EC_49393, done_at=services.ctx.now())],
        ),
    )
    assert done.compliance_missing == ()
    assert services.incidents.missing_compliance(officer, created.id) == []


# -- editing ---------------------------------------------------------------------------------


def test_update_replaces_lists_and_bumps_the_version(
    services: Services, officer: Actor, clock: Clock
) -> None:
    created = services.incidents.create(officer, new_incident(services, categories=("FIGHT",)))
    clock.advance(minutes=5)
    updated = services.incidents.update(
        officer,
        created.id,
        IncidentUpdate(
            version=1,
            location_code="GYM",
            offenses=[OffenseIn(category_code="THEFT"), OffenseIn(category_code="VANDALISM")],
            people=[PersonIn(role=PersonRole.WITNESS, name="A Teacher", juvenile=False)],
            narrative="Rewritten.",
        ),
    )
    assert updated.version == 2
    assert updated.location_code == "GYM"
    assert [o.category_code for o in updated.offenses] == ["THEFT", "VANDALISM"]
    assert [p.name for p in updated.people] == ["A Teacher"]
    assert updated.narrative == "Rewritten."
    assert updated.number == created.number
    again = services.incidents.get(officer, created.id)
    assert again == updated
    # Untouched lists stay as they were.
    kept = services.incidents.update(
        officer, created.id, IncidentUpdate(version=2, narrative="Once more.")
    )
    assert [o.category_code for o in kept.offenses] == ["THEFT", "VANDALISM"]
    assert kept.version == 3


def test_stale_version_is_a_conflict(services: Services, officer: Actor) -> None:
    created = services.incidents.create(officer, new_incident(services))
    services.incidents.update(officer, created.id, IncidentUpdate(version=1, narrative="First."))
    with pytest.raises(Conflict) as info:
        services.incidents.update(
            officer, created.id, IncidentUpdate(version=1, narrative="Second.")
        )
    assert info.value.field == "version"
    assert services.incidents.get(officer, created.id).narrative == "First."


def test_only_the_reporting_officer_edits(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor
) -> None:
    created = services.incidents.create(officer, new_incident(services))
    for intruder in (other_officer, supervisor):
        with pytest.raises(PermissionDenied):
            services.incidents.update(
                intruder, created.id, IncidentUpdate(version=1, narrative="Not mine.")
            )
    assert audit_actions(services)[0] == ("incident.update", "denied")
    assert services.incidents.get(officer, created.id).version == 1


def test_submitted_and_approved_reports_are_locked(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    incident_id = submitted(services, officer)
    version = services.incidents.get(officer, incident_id).version
    with pytest.raises(RecordLocked, match="submitted for review"):
        services.incidents.update(
            officer, incident_id, IncidentUpdate(version=version, narrative="x")
        )
    services.incidents.approve(supervisor, incident_id, ReviewDecision(comment="Good."))
    version = services.incidents.get(officer, incident_id).version
    with pytest.raises(RecordLocked, match="supplement"):
        services.incidents.update(
            officer, incident_id, IncidentUpdate(version=version, narrative="x")
        )
    with pytest.raises(RecordLocked):
        services.incidents.submit(officer, incident_id)


# -- reading ---------------------------------------------------------------------------------


def test_read_permissions_and_audit(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor
) -> None:
    elsewhere = make_officer(services, "1003", "officer", ("BHS",))
    created = services.incidents.create(officer, new_incident(services))
    with pytest.raises(PermissionDenied, match="draft"):
        services.incidents.get(other_officer, created.id)
    assert audit_actions(services)[0] == ("incident.read", "denied")
    assert services.incidents.get(supervisor, created.id).id == created.id
    services.incidents.submit(officer, created.id)
    assert services.incidents.get(other_officer, created.id).status is IncidentStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.incidents.get(elsewhere, created.id)
    reads = [e for e in services.audit.recent() if e.action == "incident.read"]
    assert [e.outcome for e in reads] == ["denied", "success", "success", "denied"][::-1]
    assert all(e.record_id == str(created.id) for e in reads)
    with pytest.raises(NotFound):
        services.incidents.get(officer, 987654)


# -- workflow --------------------------------------------------------------------------------


def test_submit_needs_a_category_and_a_narrative(services: Services, officer: Actor) -> None:
    bare = services.incidents.create(officer, new_incident(services, categories=()))
    with pytest.raises(SroError) as info:
        services.incidents.submit(officer, bare.id)
    assert info.value.field == "offenses"
    silent = services.incidents.create(officer, new_incident(services, narrative="  "))
    with pytest.raises(SroError) as info:
        services.incidents.submit(officer, silent.id)
    assert info.value.field == "narrative"
    assert services.incidents.get(officer, silent.id).status is IncidentStatus.DRAFT


def test_only_the_reporting_officer_submits(
    services: Services, officer: Actor, other_officer: Actor
) -> None:
    created = services.incidents.create(officer, new_incident(services))
    with pytest.raises(PermissionDenied):
        services.incidents.submit(other_officer, created.id)
    result = services.incidents.submit(officer, created.id)
    assert result.status is IncidentStatus.SUBMITTED
    assert result.submitted_at == services.ctx.now()
    assert [r.action for r in result.reviews] == ["submitted"]
    with pytest.raises(InvalidTransition, match="already submitted"):
        services.incidents.submit(officer, created.id)


def test_return_edit_resubmit_approve(
    services: Services, officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    incident_id = submitted(services, officer)
    with pytest.raises(SroError) as info:
        services.incidents.return_for_changes(supervisor, incident_id, ReviewDecision())
    assert info.value.field == "comment"
    clock.advance(minutes=10)
    returned = services.incidents.return_for_changes(
        supervisor, incident_id, ReviewDecision(comment="Add the time the parent was called.")
    )
    assert returned.status is IncidentStatus.RETURNED
    assert returned.review_comment == "Add the time the parent was called."
    [attention] = services.incidents.needs_attention(officer)
    assert attention.id == incident_id
    assert attention.review_comment == "Add the time the parent was called."
    edited = services.incidents.update(
        officer, incident_id, IncidentUpdate(version=returned.version, narrative="With times.")
    )
    assert edited.status is IncidentStatus.RETURNED
    services.incidents.submit(officer, incident_id)
    assert services.incidents.needs_attention(officer) == []
    [queued] = services.incidents.review_queue(supervisor).items
    assert queued.review_comment == ""  # only a report back with its officer carries it
    clock.advance(minutes=10)
    done = services.incidents.approve(supervisor, incident_id, ReviewDecision(comment="OK"))
    assert done.status is IncidentStatus.APPROVED
    assert done.approved_at == clock.now
    assert [(r.action, r.by_name) for r in done.reviews] == [
        ("submitted", "Officer 1001"),
        ("returned", "Officer 2001"),
        ("submitted", "Officer 1001"),
        ("approved", "Officer 2001"),
    ]
    assert done.reviews[1].comment == "Add the time the parent was called."
    with pytest.raises(RecordLocked):
        services.incidents.return_for_changes(supervisor, incident_id, ReviewDecision(comment="x"))


def test_officers_cannot_review_and_supervisors_not_their_own(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    incident_id = submitted(services, officer)
    with pytest.raises(PermissionDenied):
        services.incidents.approve(officer, incident_id, ReviewDecision())
    assert audit_actions(services)[0] == ("incident.approve", "denied")
    with pytest.raises(PermissionDenied):
        services.incidents.return_for_changes(officer, incident_id, ReviewDecision(comment="x"))
    own = submitted(services, supervisor)
    with pytest.raises(PermissionDenied, match="own report"):
        services.incidents.approve(supervisor, own, ReviewDecision())
    assert audit_actions(services)[0] == ("incident.approve", "denied")
    assert services.incidents.get(supervisor, own).status is IncidentStatus.SUBMITTED
    second = make_officer(services, "2002", "supervisor")
    assert services.incidents.approve(second, own, ReviewDecision()).status == "approved"


def test_supplements_only_after_approval(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    draft = services.incidents.create(officer, new_incident(services))
    with pytest.raises(InvalidTransition, match="change the report itself"):
        services.incidents.add_supplement(officer, draft.id, SupplementCreate(text="More."))
    incident_id = approved(services, officer, supervisor)
    clock.advance(minutes=1)
    services.incidents.add_supplement(officer, incident_id, SupplementCreate(text="Found a knife."))
    clock.advance(minutes=1)
    result = services.incidents.add_supplement(
        supervisor, incident_id, SupplementCreate(text="Reviewed the video.")
    )
    assert [(s.author_name, s.text) for s in result.supplements] == [
        ("Officer 1001", "Found a knife."),
        ("Officer 2001", "Reviewed the video."),
    ]
    assert result.supplements[0].created_at < result.supplements[1].created_at
    with pytest.raises(PermissionDenied):
        services.incidents.add_supplement(other_officer, incident_id, SupplementCreate(text="x"))
    assert audit_actions(services)[0] == ("incident.supplement", "denied")
    with pytest.raises(ValidationError):
        SupplementCreate(text="   ")


# -- lists -----------------------------------------------------------------------------------


MAX_PAGES = 100


def walk(services: Services, actor: Actor, limit: int, **filters: Any) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor = None
    for _ in range(MAX_PAGES):
        page = services.incidents.page(actor, cursor=cursor, limit=limit, **filters)
        pages.append([s.id for s in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages
    raise AssertionError("paging never ended: a cursor does not move on")


def walk_queue(services: Services, actor: Actor, limit: int) -> list[int]:
    seen: list[int] = []
    cursor = None
    for _ in range(MAX_PAGES):
        page = services.incidents.review_queue(actor, cursor=cursor, limit=limit)
        seen.extend(s.id for s in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("paging never ended: a cursor does not move on")


def test_keyset_paging_returns_each_once_in_order(
    services: Services, officer: Actor, clock: Clock
) -> None:
    start = clock.now - timedelta(days=30)
    expected: list[tuple[datetime, int]] = []
    for n in range(120):
        # Every third report shares its time with the one before: ties break by id.
        occurred = start + timedelta(minutes=10 * (n - n % 3 // 2))
        created = services.incidents.create(officer, new_incident(services, occurred_at=occurred))
        expected.append((created.occurred_at, created.id))
    expected.sort(reverse=True)
    pages = walk(services, officer, 25)
    assert [len(p) for p in pages] == [25, 25, 25, 25, 20]
    assert [i for page in pages for i in page] == [i for _, i in expected]
    exact = walk(services, officer, 40)
    assert [len(p) for p in exact] == [40, 40, 40]
    lists = [e for e in services.audit.recent(limit=20) if e.action == "incident.list"]
    assert len(lists) == 2  # once per listing, not once per page


def test_list_filters(services: Services, officer: Actor, supervisor: Actor, clock: Clock) -> None:
    tz = services.ctx.tz
    # 23:30 local on 10 September, and 00:30 local on 11 September.
    late = datetime(2026, 9, 10, 23, 30, tzinfo=tz)
    early = datetime(2026, 9, 11, 0, 30, tzinfo=tz)
    a = services.incidents.create(officer, new_incident(services, occurred_at=late))
    b = services.incidents.create(
        officer,
        new_incident(services, occurred_at=early, categories=("THEFT", "WEAPON"), school="BHS"),
    )
    services.incidents.submit(officer, b.id)

    def ids(**filters: Any) -> list[int]:
        return [s.id for s in services.incidents.page(officer, **filters).items]

    assert ids() == [b.id, a.id]
    assert ids(until=date(2026, 9, 10)) == [a.id]
    assert ids(since=date(2026, 9, 11)) == [b.id]
    assert ids(since=date(2026, 9, 10), until=date(2026, 9, 11)) == [b.id, a.id]
    assert ids(status=IncidentStatus.SUBMITTED) == [b.id]
    assert ids(category_code="weapon") == [b.id]
    assert ids(category_code="FIGHT") == [a.id]
    assert ids(category_code="ALCOHOL") == []
    assert ids(school_id=school_id(services, "BHS")) == [b.id]
    [summary_b, summary_a] = services.incidents.page(officer).items
    assert summary_b.category_name == "Theft"  # the one marked most severe (the first)
    assert summary_a.category_name == "Fight / simple assault"
    assert summary_b.school_name == "Buena High School"
    assert summary_b.location_name == "Hallway"
    assert summary_b.officer_name == "Officer 1001"
    with pytest.raises(SroError):
        services.incidents.page(officer, scope="everything")
    with pytest.raises(SroError):
        services.incidents.page(officer, cursor="not a cursor")


def test_list_scopes(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor
) -> None:
    elsewhere = make_officer(services, "1003", "officer", ("BHS",))
    mine = services.incidents.create(officer, new_incident(services))
    theirs_draft = services.incidents.create(other_officer, new_incident(services))
    theirs_open = submitted(services, other_officer)
    other_school = submitted(services, elsewhere, school="BHS")

    def ids(actor: Actor, scope: str, **kw: Any) -> set[int]:
        return {s.id for s in services.incidents.page(actor, scope=scope, **kw).items}

    assert ids(officer, "own") == {mine.id}
    assert ids(officer, "school") == {mine.id, theirs_open}
    assert ids(other_officer, "school") == {theirs_draft.id, theirs_open}
    assert ids(supervisor, "all") == {mine.id, theirs_draft.id, theirs_open, other_school}
    assert ids(supervisor, "school", school_id=school_id(services, "BHS")) == {other_school}
    with pytest.raises(PermissionDenied):
        services.incidents.page(officer, scope="all")
    assert audit_actions(services)[0] == ("incident.list", "denied")
    with pytest.raises(PermissionDenied):
        services.incidents.page(officer, scope="school", school_id=school_id(services, "BHS"))


def test_review_queue_oldest_submitted_first(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    order = []
    for actor in (officer, other_officer, officer, other_officer, officer):
        created = services.incidents.create(actor, new_incident(services))
        order.append(created.id)
    # Submitted in the reverse order of creation, a minute apart.
    for incident_id, actor in reversed(
        list(zip(order, (officer, other_officer, officer, other_officer, officer), strict=True))
    ):
        clock.advance(minutes=1)
        services.incidents.submit(actor, incident_id)
    seen = walk_queue(services, supervisor, 2)
    assert seen == list(reversed(order))
    services.incidents.approve(supervisor, order[-1], ReviewDecision())
    first = services.incidents.review_queue(supervisor).items
    assert [s.id for s in first] == list(reversed(order))[1:]
    with pytest.raises(PermissionDenied):
        services.incidents.review_queue(officer)


def test_open_for_and_last_location(
    services: Services, officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    assert services.incidents.last_location_code(officer) is None
    assert services.incidents.open_for(officer) == []
    old = services.incidents.create(
        officer, new_incident(services, occurred_at=clock.now - timedelta(days=2), location="GYM")
    )
    services.incidents.submit(officer, old.id)
    done = approved(services, officer, supervisor, location="BUS")
    newest = services.incidents.create(officer, new_incident(services, location="CAFETERIA"))
    assert [s.id for s in services.incidents.open_for(officer)] == [newest.id, old.id]
    assert done not in [s.id for s in services.incidents.open_for(officer)]
    assert services.incidents.last_location_code(officer) == "CAFETERIA"
    assert len(services.incidents.open_for(officer, limit=1)) == 1


def test_paging_does_not_depend_on_the_servers_time_zone(
    services: Services, officer: Actor, db_url: str, clock: Clock
) -> None:
    """A PostgreSQL session in another time zone pages the same (cursor times are bound as
    the store's UTC values, not as zoned timestamps)."""
    if services.db.is_sqlite:
        pytest.skip("PostgreSQL sessions have a time zone; SQLite has none")
    url = make_url(db_url)
    options = f"{url.query.get('options', '')} -ctimezone=Pacific/Kiritimati".strip()
    far = Database(url.update_query_dict({"options": options}))
    try:
        there = build_services(far, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="far")
        created = [
            there.incidents.create(
                officer, new_incident(there, occurred_at=clock.now - timedelta(hours=n + 1))
            ).id
            for n in range(7)
        ]
        pages = walk(there, officer, 2)
        assert [i for page in pages for i in page] == created
        for incident_id in created:
            clock.advance(minutes=30)
            there.incidents.submit(officer, incident_id)
        reviewer = make_officer(there, "2999", "supervisor")
        assert walk_queue(there, reviewer, 2) == created
    finally:
        far.dispose()


def test_lists_read_through_the_indexes(sqlite_services: Services) -> None:
    """The list queries walk the incident indexes newest first (SQLite's plan), so a page
    costs the same on a store of ten reports or of a hundred thousand."""
    services = sqlite_services
    officer = make_officer(services, "1001")
    supervisor = make_officer(services, "2001", "supervisor")
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT") and "FROM incidents" in statement:
            captured.append((statement, params))

    def plan(call: Any) -> str:
        captured.clear()
        call()
        statement, params = captured[0]
        with services.db.engine.connect() as conn:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        return "\n".join(str(row[-1]) for row in rows)

    incidents = services.incidents
    later = incidents.page(officer).next_cursor or encode_cursor(services.ctx.now(), 10**9)
    event.listen(services.db.engine, "before_cursor_execute", capture)
    try:
        own = plan(lambda: incidents.page(officer))
        assert "USING INDEX ix_incidents_officer_occurred" in own
        assert "TEMP B-TREE" not in own
        deeper = plan(lambda: incidents.page(officer, cursor=later))
        assert "ix_incidents_officer_occurred (officer_id=? AND occurred_at<?)" in deeper
        everyone = plan(lambda: incidents.page(supervisor, scope="all"))
        assert "ix_incidents_occurred" in everyone and "TEMP B-TREE" not in everyone
        by_category = plan(lambda: incidents.page(supervisor, scope="all", category_code="FIGHT"))
        assert "ix_incident_offenses_incident_id (incident_id=?)" in by_category
        by_status = plan(
            lambda: incidents.page(officer, scope="school", status=IncidentStatus.SUBMITTED)
        )
        assert "ix_incidents_school_status_occurred (school_id=? AND status=?)" in by_status
        queue = plan(lambda: incidents.review_queue(supervisor))
        assert "ix_incidents_status_submitted (status=?)" in queue and "TEMP B-TREE" not in queue
    finally:
        event.remove(services.db.engine, "before_cursor_execute", capture)


# -- the command line ------------------------------------------------------------------------


def test_cli_list_and_show(
    services: Services, officer: Actor, other_officer: Actor, db_url: str, run_cli: RunCli
) -> None:
    created = services.incidents.create(officer, new_incident(services, categories=("THREAT",)))
    services.incidents.create(other_officer, new_incident(services, narrative="Not yours."))

    def sro(*argv: str) -> CliResult:
        return run_cli(
            "--db", db_url, "incident", *argv, "--password-stdin", stdin=TEST_PASSWORD + "\n"
        )

    result = sro("list", "--as", "1001")
    assert result.code == 0
    out = result.out
    assert created.number in out and "Threat" in out
    assert out.count("SRO-") == 1
    result = sro("show", created.number.lower(), "--as", "1001")
    assert result.code == 0
    out = result.out
    assert created.number in out and "Two students fought" in out
    assert "EC 49393 threat record: NOT RECORDED" in out
    result = sro("show", created.number, "--as", "1002")
    assert result.code == 2
    assert "draft" in result.err
    result = sro("list", "--scope", "all", "--as", "1001")
    assert result.code == 2
    assert "supervisor" in result.err
    result = sro("show", "SRO-1999-000001", "--as", "1001")
    assert result.code == 2
    assert "No incident report" in result.err
    reads = [e for e in services.audit.recent() if e.action == "incident.read"]
    assert [e.outcome for e in reads[:2]] == ["denied", "success"]
