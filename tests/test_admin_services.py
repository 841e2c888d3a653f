"""Issue 12, administration through the services (both backends): only an administrator
changes schools, code lists, the checklist template and agency settings (anyone else is
refused and the try audited); values are checked (time zone, idle lock at most 30 minutes,
lockout 0 or at least 10); a used code or school is retired, never removed, and stays on its
records; each change is audited with its old and new values; reports print the agency's own
name (never another agency's) and the store's time zone reaches every terminal."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from sro_tui.bootstrap import use_store_timezone
from sro_tui.domain.enums import Role, SchoolLevel
from sro_tui.domain.errors import Conflict, NotFound, PermissionDenied, SroError
from sro_tui.domain.officers import Actor, OfficerUpdate
from sro_tui.domain.schools import (
    ReferenceItemCreate,
    ReferenceKind,
    SchoolCreate,
    SchoolUpdate,
    TemplateItemCreate,
)
from sro_tui.services.registry import Services, build_services

from .conftest import TEST_AUDIT_KEY
from .test_incidents import new_incident


def audited(services: Services, action: str) -> list[tuple[str, str, str]]:
    return [
        (e.badge, str(e.outcome), e.detail)
        for e in services.audit.recent(limit=200)
        if e.action == action
    ]


def test_only_an_administrator_changes_reference_data_and_the_try_is_audited(
    services: Services, admin: Actor, supervisor: Actor
) -> None:
    reference, settings = services.reference, services.settings
    with pytest.raises(PermissionDenied):
        reference.add_school(supervisor, SchoolCreate(code="CMS", name="Cabrillo Middle"))
    with pytest.raises(PermissionDenied):
        reference.set_school_active(supervisor, "VHS", False)
    with pytest.raises(PermissionDenied):
        reference.add_reference(
            supervisor, ReferenceKind.LOCATION, ReferenceItemCreate(code="GYM2", name="Gym")
        )
    with pytest.raises(PermissionDenied):
        reference.add_template_item(supervisor, TemplateItemCreate(label="Gate"))
    with pytest.raises(PermissionDenied):
        settings.change(supervisor, "agency_name", "Somewhere PD")
    assert [o for b, o, _ in audited(services, "school.create")] == ["denied"]
    assert [b for b, _, _ in audited(services, "school.retire")] == ["2001"]
    assert audited(services, "location.create")[0][1] == "denied"
    assert audited(services, "setting.change")[0][:2] == ("2001", "denied")
    assert "CMS" not in [s.code for s in reference.schools(include_inactive=True)]
    assert settings.stored("agency_name") is None


def test_schools_with_district_numbers_edited_and_retired(
    services: Services, admin: Actor, officer: Actor
) -> None:
    reference = services.reference
    cms = reference.add_school(
        admin,
        SchoolCreate(
            code="cms", name="Cabrillo Middle", level=SchoolLevel.MIDDLE, district_number="0412"
        ),
    )
    assert (cms.code, cms.district_number) == ("CMS", "0412")
    assert reference.school_for_key("0412").id == cms.id
    with pytest.raises(Conflict) as taken:
        reference.add_school(admin, SchoolCreate(code="MES", name="M", district_number="0412"))
    assert taken.value.field == "district_number"
    with pytest.raises(Conflict):
        reference.add_school(admin, SchoolCreate(code="X", name="X", district_number="VHS"))
    with pytest.raises(Conflict):  # a code that is already another school's number
        reference.add_school(admin, SchoolCreate(code="0412", name="Y"))

    edited = reference.edit_school(
        admin, "CMS", SchoolUpdate(name="Cabrillo Middle School", district_number="0413")
    )
    assert (edited.name, edited.district_number) == ("Cabrillo Middle School", "0413")
    detail = audited(services, "school.update")[0][2]
    assert "'Cabrillo Middle' -> 'Cabrillo Middle School'" in detail and "0412 -> 0413" in detail
    assert (
        reference.edit_school(admin, "CMS", SchoolUpdate(district_number="")).district_number
        is None
    )

    # VHS has an incident: retired, it leaves the pickers and stays on the record.
    incident = services.incidents.create(officer, new_incident(services))
    reference.set_school_active(admin, "VHS", False)
    assert "VHS" not in [s.code for s in reference.schools()]
    assert (
        services.incidents.get(officer, incident.id).school_id == reference.school_by_code("VHS").id
    )
    assert "active True -> False" in audited(services, "school.retire")[0][2]
    assert reference.set_school_active(admin, "VHS", True).active
    with pytest.raises(NotFound):
        reference.edit_school(admin, "NOPE", SchoolUpdate(name="x"))


def test_code_lists_add_rename_retire_with_uses(
    services: Services, admin: Actor, officer: Actor
) -> None:
    reference = services.reference
    services.incidents.create(officer, new_incident(services, categories=("FIGHT",)))
    fight = next(r for r in reference.reference_items(ReferenceKind.CATEGORY) if r.code == "FIGHT")
    assert fight.uses == 1
    retired = reference.set_reference_active(admin, ReferenceKind.CATEGORY, "fight", False)
    assert not retired.active and retired.uses == 1
    assert "FIGHT" not in [c.code for c in reference.categories()]
    # Kept on its record: the incident still reads with its category.
    kept = reference.reference_items(ReferenceKind.CATEGORY)
    assert any(r.code == "FIGHT" and not r.active for r in kept)

    added = reference.add_reference(
        admin,
        ReferenceKind.PROGRAM,
        ReferenceItemCreate(code="teen-court", name="Teen court", consent_required=False),
    )
    assert added.code == "TEEN-COURT"
    program = next(p for p in reference.programs() if p.code == "TEEN-COURT")
    assert program.consent_required is False
    reference.add_reference(
        admin,
        ReferenceKind.CATEGORY,
        ReferenceItemCreate(code="DRESS", name="Dress code", criminal=False, severity=5),
    )
    dress = next(c for c in reference.categories() if c.code == "DRESS")
    assert (dress.criminal, dress.severity, dress.compliance) == (False, 5, ())
    with pytest.raises(Conflict):
        reference.add_reference(
            admin, ReferenceKind.PROGRAM, ReferenceItemCreate(code="TEEN-COURT", name="Again")
        )
    reference.rename_reference(admin, ReferenceKind.PROGRAM, "TEEN-COURT", "Youth court")
    assert "'Teen court' -> 'Youth court'" in audited(services, "program.rename")[0][2]
    with pytest.raises(SroError):
        reference.rename_reference(admin, ReferenceKind.PROGRAM, "TEEN-COURT", "  ")


def test_checklist_template_items_per_school(
    services: Services, admin: Actor, officer: Actor
) -> None:
    reference = services.reference
    vhs = reference.school_by_code("VHS").id
    bhs = reference.school_by_code("BHS").id
    item = reference.add_template_item(
        admin, TemplateItemCreate(label="Walk the bus loop", location_code="parking", school_id=vhs)
    )
    everywhere = reference.add_template_item(admin, TemplateItemCreate(label="Radio check"))
    with pytest.raises(NotFound):
        reference.add_template_item(admin, TemplateItemCreate(label="X", location_code="NOWHERE"))
    shift = services.checklist.open_shift(officer, vhs)
    labels = [i.label for i in shift.items]
    assert "Walk the bus loop" in labels and "Radio check" in labels
    assert "Walk the bus loop" not in [i.label for i in reference.template_items(bhs)]
    reference.edit_template_item(admin, everywhere.id, active=False)
    reference.edit_template_item(admin, item.id, label="Walk the bus loop twice")
    assert (
        "label 'Walk the bus loop' -> 'Walk the bus loop twice'"
        in (audited(services, "checklist_template.update")[0][2])
    )
    # The shift already opened keeps its items.
    assert "Radio check" in [i.label for i in services.checklist.open_shift(officer, vhs).items]


def test_agency_settings_are_checked_and_audited(services: Services, admin: Actor) -> None:
    settings = services.settings
    for key, value, why in (
        ("timezone", "Mars/Olympus", "not a time zone"),
        ("timezone", "../etc/passwd", "not a time zone"),
        ("idle_lock_minutes", "31", "1 to 30"),
        ("idle_lock_minutes", "0", "1 to 30"),
        ("lockout_minutes", "5", "0 (until an administrator unlocks) or 10"),
        ("supervisors_read_confidential", "maybe", "yes or no"),
        ("agency_name", "   ", "required"),
    ):
        with pytest.raises(SroError, match=why.replace("(", r"\(").replace(")", r"\)")):
            settings.change(admin, key, value)
    with pytest.raises(NotFound):
        settings.change(admin, "demo_store", "1")  # not an agency setting
    settings.change(admin, "lockout_minutes", "30")
    settings.change(admin, "supervisors_read_confidential", "Yes")
    assert settings.stored("supervisors_read_confidential") == "1"
    settings.change(admin, "idle-lock-minutes", "15")
    assert settings.stored("idle_lock_minutes") == "15"
    details = [d for _, _, d in audited(services, "setting.change")]
    assert "'0' -> '30'" not in details  # lockout had no stored value before
    assert "(not set) -> '30'" in details and "(not set) -> '15'" in details
    settings.change(admin, "idle_lock_minutes", "20")
    assert "'15' -> '20'" in [d for _, _, d in audited(services, "setting.change")]


def test_reports_print_the_agency_name_and_the_store_time_zone_reaches_every_terminal(
    services: Services, admin: Actor
) -> None:
    header = services.reports.monthly(admin, month="2026-09").header
    assert header.agency == "(agency name not set)"  # never another agency's name
    services.settings.change(admin, "agency_name", "Oxnard Police Department")
    assert (
        services.reports.monthly(admin, month="2026-09").header.agency == "Oxnard Police Department"
    )

    services.settings.change(admin, "timezone", "America/Denver")
    assert services.ctx.tz == ZoneInfo("America/Denver")
    # Another terminal, set to another zone, takes the store's when it opens it.
    other = build_services(services.db, audit_key=TEST_AUDIT_KEY, timezone="Pacific/Honolulu")
    use_store_timezone(other)
    assert other.ctx.tz == ZoneInfo("America/Denver")


def test_an_administrator_cannot_demote_or_disable_themself(
    services: Services, admin: Actor
) -> None:
    """Otherwise the last administrator could leave the agency with none."""
    with pytest.raises(SroError, match="own administrator role"):
        services.officers.update(admin, admin.officer_id or 0, OfficerUpdate(role=Role.OFFICER))
    with pytest.raises(SroError, match="own account"):
        services.officers.set_active(admin, admin.badge, False)
    assert services.officers.by_badge(admin.badge).role is Role.ADMIN
