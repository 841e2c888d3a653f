"""Court-ordered sealing (W&I 781, 786, 786.5) on real stores: a sealed student's records
vanish from lists, search, timelines, exports and look-ups for everyone, still count in the
statistics, and come back only when an administrator lifts the seal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sro_tui.domain.enums import ContactKind, IncidentStatus, OutcomeKind
from sro_tui.domain.errors import InvalidTransition, NotFound, PermissionDenied
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services
from sro_tui.services.sealing import SealingService, SealOrder, UnsealOrder

from .conftest import TEST_PASSWORD, Clock, RunCli
from .test_reports import LAW, Seed, values

SUSPECT, WITNESS = "suspect", "witness"


def sealing(services: Services) -> SealingService:
    return SealingService(services.ctx, services.audit)


class World:
    def __init__(self, services: Services, clock: Clock, officer: Actor, supervisor: Actor):
        seed = Seed(services, clock, supervisor)
        self.sealed = seed.student("S1", "VHS")
        self.other = seed.student("S2", "VHS")
        self.shared = seed.incident(
            officer,
            "VHS",
            "2026-09-14 09:40",
            [("FIGHT", "none")],
            [(self.sealed, SUSPECT, [OutcomeKind.ARREST]), (self.other, WITNESS, [])],
        )
        self.unrelated = seed.incident(
            officer, "VHS", "2026-09-15 09:40", [("FIGHT", "none")], [(self.other, SUSPECT, [])]
        )
        self.note = seed.note(
            officer, ContactKind.MENTORING, "2026-09-16 10:00", students=(self.sealed,)
        )
        self.other_note = seed.note(
            officer, ContactKind.MENTORING, "2026-09-16 11:00", students=(self.other,)
        )
        self.referral = seed.referral(officer, self.sealed, "SOCIAL", "2026-09-17")


@pytest.fixture
def world(services: Services, clock: Clock, officer: Actor, supervisor: Actor) -> World:
    return World(services, clock, officer, supervisor)


def visible(services: Services, actor: Actor, world: World) -> dict[str, set[int]]:
    scope = "all" if actor.is_supervisor else "school"
    mine = "all" if actor.is_supervisor else "own"
    incidents = {i.id for i in services.incidents.page(actor, scope=scope).items}
    notes = {n.id for n in services.notes.page(actor, scope=mine).items}
    referrals = {r.id for r in services.referrals.page(actor, scope=mine).items}
    students = {s.id for s in services.students.search(actor, "Last").items}
    found = {
        (h.kind.value, h.record_id)
        for text in ("Narrative", "lasts1", "Reason")
        for h in services.search.search(actor, text)
    }
    timeline = {(e.kind, e.record_id) for e in services.students.timeline(actor, world.other)}
    return {
        "incidents": incidents,
        "notes": notes,
        "referrals": referrals,
        "students": students,
        "search": {rid for _kind, rid in found},
        "timeline_incidents": {rid for kind, rid in timeline if kind == "incident"},
    }


def test_sealed_records_vanish_for_everyone_and_still_count(
    services: Services,
    world: World,
    clock: Clock,
    officer: Actor,
    supervisor: Actor,
    admin: Actor,
    tmp_path: Path,
) -> None:
    before = visible(services, supervisor, world)
    assert world.shared in before["incidents"] and world.note in before["notes"]
    assert world.referral in before["referrals"] and world.sealed in before["students"]
    assert world.shared in before["timeline_incidents"]

    def daily_kinds() -> list[str]:
        return [
            entry.kind
            for day in (14, 16, 17)
            for entry in services.reports.daily(
                supervisor, officer_badge="1001", day=date(2026, 9, day)
            ).entries
            if entry.kind in ("incident", "note", "referral")
        ]

    assert daily_kinds() == ["incident", "note", "note", "referral"]
    Seed(services, clock, supervisor).incident(
        officer,
        "VHS",
        "2026-09-18 09:40",
        [("FIGHT", "none")],
        [(world.sealed, SUSPECT, [])],
        status=IncidentStatus.SUBMITTED,
    )
    assert services.today.summary(supervisor, None).review_waiting == 1
    done = sealing(services).seal(
        supervisor, "s1", SealOrder(order_number="JV-2026-114", reason="W&I 786 dismissal")
    )
    # The officer's day lists the other student's note only; Today counts none of them.
    assert daily_kinds() == ["note"]
    assert services.today.summary(supervisor, None).review_waiting == 0
    assert done.order_number == "JV-2026-114"

    for actor in (officer, supervisor, admin):
        after = visible(services, actor, world)
        assert world.shared not in after["incidents"]
        assert world.unrelated in after["incidents"] or actor is admin
        assert world.note not in after["notes"]
        assert world.referral not in after["referrals"]
        assert world.sealed not in after["students"]
        assert world.shared not in after["timeline_incidents"]
        assert not {world.shared, world.note, world.referral, world.sealed} & after["search"]
        with pytest.raises(NotFound):
            services.incidents.get(actor, world.shared)
        with pytest.raises(NotFound):
            services.students.by_district_id(actor, "S1")
        with pytest.raises(NotFound):
            services.students.timeline(actor, world.sealed)
    summary = services.export.export(
        supervisor,
        fmt="json",
        since=services.ctx.today().replace(year=2026, month=9, day=1),
        out_dir=tmp_path / "out",
    )
    exported = " ".join(p.read_text() for p in summary.files)
    assert "LastS1" not in exported and "JV-2026" not in exported
    assert summary.counts["incidents"] == 1 and summary.counts["referrals"] == 0
    # Aggregate statistics (no names) still count the sealed events.
    report = services.reports.monthly(supervisor, month="2026-09")
    assert values(report, LAW, "Arrests (once per person per incident)") == (1, 0, 0)
    assert values(report, LAW, "Reports (incidents filed)") == (3, 0, 0)

    with pytest.raises(PermissionDenied):
        sealing(services).unseal(supervisor, "S1", UnsealOrder(reason="Vacated"))
    sealing(services).unseal(admin, "S1", UnsealOrder(reason="Order vacated"))
    again = visible(services, supervisor, world)
    assert world.shared in again["incidents"] and world.sealed in again["students"]
    actions = [(e.action, e.outcome) for e in services.audit.recent(limit=80)]
    assert ("student.seal", "success") in actions and ("student.unseal", "success") in actions
    assert ("student.unseal", "denied") in actions
    assert services.audit.verify_records(supervisor).ok


def test_only_a_supervisor_seals_and_twice_is_refused(
    services: Services, world: World, officer: Actor, supervisor: Actor
) -> None:
    order = SealOrder(order_number="JV-1", reason="W&I 781")
    with pytest.raises(PermissionDenied):
        sealing(services).seal(officer, "S1", order)
    with pytest.raises(NotFound):
        sealing(services).seal(supervisor, "NOPE", order)
    sealing(services).seal(supervisor, "S1", order)
    with pytest.raises(InvalidTransition):
        sealing(services).seal(supervisor, "S1", order)
    assert [s.order_number for s in sealing(services).seals(supervisor, "S1")] == ["JV-1"]


def test_cli_seal_and_unseal(
    services: Services, world: World, admin: Actor, supervisor: Actor, run_cli: RunCli, db_url: str
) -> None:
    def sro(*argv: str, badge: str):
        return run_cli(
            "--db", db_url, *argv, "--as", badge, "--password-stdin", stdin=TEST_PASSWORD + "\n"
        )

    result = sro("seal", "S1", "--order", "JV-9", "--reason", "W&I 786", badge="2001")
    assert result.code == 0, result.err
    assert "sealed" in result.out
    listed = sro("students", "search", "Last", badge="2001")
    assert "S1" not in listed.out and "S2" in listed.out
    refused = sro("unseal", "S1", "--reason", "vacated", badge="2001")
    assert refused.code == 2 and "administrator" in refused.err
    result = sro("unseal", "S1", "--reason", "vacated", badge="3001")
    assert result.code == 0, result.err
    assert "S1" in sro("students", "search", "Last", badge="2001").out
