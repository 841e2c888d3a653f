"""The retention schedule on real stores: a dry run lists what is past it (never content), a
purge by an administrator deletes it, each purge audited, and `audit verify --records` still
passes (the purged records are sealed as purged)."""

from __future__ import annotations

from datetime import date

import pytest

from sro_tui.domain.drafts import DraftSave
from sro_tui.domain.enums import ContactKind
from sro_tui.domain.errors import PermissionDenied
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ReferralCreate
from sro_tui.services.registry import Services
from sro_tui.services.retention import RetentionService

from .conftest import TEST_PASSWORD, Clock, RunCli
from .test_reports import Seed, local

NOW = "2026-10-20 11:00"


def retention(services: Services) -> RetentionService:
    return RetentionService(services.ctx, services.audit)


class Old:
    """Records of several ages; the clock ends at NOW (October 2026)."""

    def __init__(self, services: Services, clock: Clock, officer: Actor, supervisor: Actor):
        seed = Seed(services, clock, supervisor)
        s1, s2, s3 = (seed.student(f"S{i}", "VHS") for i in (1, 2, 3))
        fight = [("FIGHT", "none")]
        # School year 2020-21 ended June 2021: 5 years past in June 2026 -> expired.
        self.old_incident = seed.incident(
            officer, "VHS", "2021-03-01 09:00", fight, [(s1, "suspect", [])]
        )
        # 2021-22 ends June 2022 -> kept until June 2027.
        self.young_incident = seed.incident(officer, "VHS", "2021-09-01 09:00", fight)
        # An old incident a kept (open) referral came from: kept with it.
        self.linked_incident = seed.incident(
            officer, "VHS", "2020-10-01 09:00", fight, [(s3, "victim", [])]
        )
        # S1's last record is in 2022: a note about them then is past 3 years.
        self.old_note = seed.note(
            officer, ContactKind.MENTORING, "2022-09-01 10:00", students=(s1,)
        )
        # S2 is still around (an incident this school year): their old note stays.
        self.kept_note = seed.note(
            officer, ContactKind.MENTORING, "2022-09-01 11:00", students=(s2,)
        )
        seed.incident(officer, "VHS", "2026-09-10 09:00", fight, [(s2, "witness", [])])
        # A referral that ended in 2022 goes; an open one of the same age stays.
        self.ended = seed.referral(
            officer, s3, "SOCIAL", "2022-09-05", [("closed", "2022-10-01 10:00")]
        )
        seed._at(local("2022-09-06 13:00"))
        self.open_referral = services.referrals.create(
            officer,
            ReferralCreate(
                student_id=s3,
                program_code="SOCIAL",
                reason="Still open",
                referred_on=date(2022, 9, 6),
                incident_id=self.linked_incident,
            ),
        ).id
        clock.now = local(NOW)


@pytest.fixture
def old(services: Services, clock: Clock, officer: Actor, supervisor: Actor) -> Old:
    return Old(services, clock, officer, supervisor)


def test_dry_run_lists_then_purge_deletes_and_records_still_verify(
    services: Services, old: Old, admin: Actor, officer: Actor, supervisor: Actor
) -> None:
    listed = {(e.kind, e.record_id) for e in retention(services).expired(admin)}
    assert listed == {
        ("incident", old.old_incident),
        ("incident", old.linked_incident),
        ("note", old.old_note),
        ("referral", old.ended),
    }
    with pytest.raises(PermissionDenied):
        retention(services).purge(supervisor)
    with pytest.raises(PermissionDenied):
        retention(services).expired(officer)

    services.drafts.save(
        officer,
        DraftSave(form="incident", key=str(old.old_incident), payload={"narrative": "old text"}),
    )
    services.drafts.save(
        officer, DraftSave(form="incident", key=str(old.young_incident), payload={"n": "kept"})
    )
    result = retention(services).purge(admin)
    assert result.purged == {"incident": 1, "note": 1, "referral": 1, "trespass": 0, "call": 0}
    kept_drafts = {d.key for d in services.drafts.for_actor(officer)}
    assert kept_drafts == {str(old.young_incident)}  # the purged report's draft went with it
    assert result.kept_linked == 1  # the incident the open referral came from

    page = services.incidents.page(supervisor, scope="all")
    ids = {i.id for i in page.items}
    assert old.old_incident not in ids and {old.young_incident, old.linked_incident} <= ids
    assert {n.id for n in services.notes.page(supervisor, scope="all").items} == {old.kept_note}
    assert {r.id for r in services.referrals.page(supervisor, scope="all").items} == {
        old.open_referral
    }
    events = [
        e
        for e in services.audit.recent(limit=40)
        if e.action.endswith(".purge") and e.outcome == "success"
    ]
    assert sorted(e.action for e in events) == [
        "incident.purge",
        "note.purge",
        "referral.purge",
        "retention.purge",
    ]
    assert not any("Narrative" in e.detail or "Reason" in e.detail for e in events)
    report = services.audit.verify_records(supervisor)
    assert report.ok, report.problems
    assert report.purged == 3
    # Nothing is past the schedule any more but the linked incident.
    assert [e.record_id for e in retention(services).expired(admin)] == [old.linked_incident]


def test_a_record_deleted_by_hand_is_still_reported(
    services: Services, old: Old, admin: Actor, supervisor: Actor
) -> None:
    """Purged records verify; a record removed outside sro-tui still does not."""
    from sqlalchemy import text

    retention(services).purge(admin)
    services.notes.get(supervisor, old.kept_note)  # exists
    with services.db.write() as session:
        session.execute(text("DELETE FROM note_students WHERE note_id = :i"), {"i": old.kept_note})
        session.execute(text("DELETE FROM notes WHERE id = :i"), {"i": old.kept_note})
    problems = services.audit.verify_records(supervisor).problems
    assert problems == [f"note #{old.kept_note} was deleted outside sro-tui"]


def test_schedule_from_settings_and_cli(
    services: Services, old: Old, admin: Actor, run_cli: RunCli, db_url: str
) -> None:
    changed = run_cli(
        "--db",
        db_url,
        "settings",
        "set",
        "retention_incident_years",
        "3",
        "--as",
        "3001",
        "--password-stdin",
        stdin=TEST_PASSWORD + "\n",
    )
    assert changed.code == 0, changed.err
    bad = run_cli(
        "--db",
        db_url,
        "settings",
        "set",
        "retention_note_years",
        "0",
        "--as",
        "3001",
        "--password-stdin",
        stdin=TEST_PASSWORD + "\n",
    )
    assert bad.code == 2 and "1 to 100" in bad.err
    listed = {(e.kind, e.record_id) for e in retention(services).expired(admin)}
    assert ("incident", old.young_incident) in listed  # 2021-22 + 3 years: June 2025

    # Signed in: a shared (PostgreSQL) store has no local administrator.
    dry = run_cli(
        "--db", db_url, "retention", "--dry-run", "--as", "3001", "--password-stdin",
        stdin=TEST_PASSWORD + "\n",
    )  # fmt: skip
    assert dry.code == 0, dry.err
    assert "incidents 3 years" in dry.out and "nothing purged" in dry.out
    assert "Narrative" not in dry.out
    refused = run_cli("--db", db_url, "retention", "--purge")
    assert refused.code == 2 and "--as" in refused.err
    done = run_cli(
        "--db",
        db_url,
        "retention",
        "--purge",
        "--as",
        "3001",
        "--password-stdin",
        stdin=TEST_PASSWORD + "\n",
    )
    assert done.code == 0, done.err
    assert "Purged 2 incident(s), 1 note(s), 1 referral(s)\n" in done.out  # no kind at 0
    assert "trespass warnings 3 years after their last day in force" in dry.out
    verify = run_cli("--db", db_url, "audit", "verify", "--records")
    assert verify.code == 0, verify.out + verify.err
    assert "Purged under the retention schedule (audited): 4 record(s)" in verify.out
