"""The federal counts and campus checks of the demo department, recomputed independently of
services/reports.py (one plain query per measure, written from the definitions in the
report's notes) on every backend: the report's figures must be these exactly."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, distinct, exists, func, or_, select

from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.domain.reports import (
    Period,
    regular_school_year_months,
    school_year_for_day,
)
from sro_tui.services.registry import Services
from sro_tui.store import models

I = models.Incident.__table__  # noqa: E741
P = models.IncidentPerson.__table__
O = models.IncidentPersonOutcome.__table__  # noqa: E741
L = models.Location.__table__
S = models.Student.__table__
OFF = models.IncidentOffense.__table__


def _count(services: Services, query: Any) -> int:
    with services.db.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def test_demo_federal_counts_and_campus_checks_match_plain_queries(services: Services) -> None:
    services.demo.seed(SYSTEM_ACTOR, scale=1)
    tz = services.ctx.tz
    label = school_year_for_day(services.ctx.today())
    start_year = int(label[:4])
    months = regular_school_year_months(start_year)
    start = Period.month(*months[0], tz).start_utc
    end = Period.month(*months[-1], tz).end_utc
    filed = and_(
        I.c.status != "draft",
        I.c.voided_at.is_(None),
        I.c.occurred_at >= start,
        I.c.occurred_at < end,
        P.c.student_id.is_not(None),
    )
    people = P.join(I, I.c.id == P.c.incident_id).join(L, L.c.id == I.c.location_id)
    on_grounds = and_(L.c.code != "ONLINE", L.c.nibrs_location != "58")
    by_school = I.c.initiated_by == "school official"
    arrested = exists().where(O.c.person_id == P.c.id, O.c.outcome == "arrest")
    referred = _count(
        services,
        select(func.count(distinct(P.c.student_id)))
        .select_from(people)
        .where(filed, P.c.role == "suspect", by_school, on_grounds),
    )
    arrests = _count(
        services,
        select(func.count(distinct(P.c.student_id)))
        .select_from(people)
        .where(filed, arrested, or_(on_grounds, by_school)),
    )
    unknown = _count(
        services,
        select(func.count(distinct(P.c.student_id)))
        .select_from(people)
        .where(filed, P.c.role == "suspect", I.c.initiated_by.is_(None)),
    )
    armed = exists().where(
        OFF.c.incident_id == I.c.id, OFF.c.weapon.in_(("firearm", "explosive device"))
    )
    gfsa = _count(
        services,
        select(func.count(distinct(P.c.student_id)))
        .select_from(people)
        .where(filed, P.c.role == "suspect", armed),
    )
    federal = services.reports.federal(SYSTEM_ACTOR, school_year=label)
    assert referred > 0 and arrests > 0  # the demo has some of each
    assert (
        federal.referrals_to_law_enforcement,
        federal.school_related_arrests,
        federal.initiator_not_recorded,
        federal.gfsa_students,
    ) == (referred, arrests, unknown, gfsa)

    # The demo records the two weapon types the federal report and GFSA name (issue 11).
    incidents_with = {w.weapon.value: w.incidents for w in federal.incidents_by_weapon}
    gfsa_with = {g.weapon.value: g.students for g in federal.gfsa_by_weapon}
    for weapon in ("imitation firearm", "explosive device"):
        on_any = exists().where(OFF.c.incident_id == I.c.id, OFF.c.weapon == weapon)
        reports = _count(
            services,
            select(func.count(I.c.id)).where(
                I.c.status != "draft",
                I.c.voided_at.is_(None),
                I.c.occurred_at >= start,
                I.c.occurred_at < end,
                on_any,
            ),
        )
        assert reports > 0 and incidents_with.get(weapon) == reports
        students = _count(
            services,
            select(func.count(distinct(P.c.student_id)))
            .select_from(people)
            .where(filed, P.c.role == "suspect", on_any),
        )
        if weapon == "explosive device":
            assert students > 0 and gfsa_with.get(weapon) == students
        else:
            assert weapon not in gfsa_with  # an imitation is not a GFSA firearm

    # By the student's school: the schools' shares add up to the department's students
    # only where no student is counted at two schools (one school each: always).
    shares = 0
    for school in services.reference.schools():
        scoped = services.reports.federal(SYSTEM_ACTOR, school_year=label, school_code=school.code)
        shares += scoped.referrals_to_law_enforcement
    assert shares == referred

    # Campus checks this month: the done items of the month's shifts whose kind is security.
    today = services.ctx.today()
    month = Period.month(today.year, today.month, tz)
    checks = _count(
        services,
        select(func.count())
        .select_from(models.ChecklistItem)
        .join(models.Shift, models.Shift.id == models.ChecklistItem.shift_id)
        .where(
            models.ChecklistItem.status == "done",
            models.ChecklistItem.kind == "security",
            models.Shift.shift_date >= month.start,
            models.Shift.shift_date < month.end,
        ),
    )
    monthly = services.reports.monthly(SYSTEM_ACTOR, month=f"{today:%Y-%m}")
    law = "Law enforcement"
    assert monthly.figure(law, "Campus checks (security checks done)").current == checks
    assert checks > 0
