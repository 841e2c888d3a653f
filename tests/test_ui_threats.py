"""Threat assessment cases in the real app at 80x24 (Pilot, SQLite): a case opened with t on
a submitted report of a threat (the form fits the screen), the case list reached with ctrl+t
from Campus security, the case screen moving a case and adding a follow-up in its keys, and a
follow-up due shown on Today, Enter opening its case."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, OptionList

from sro_tui.domain.enums import PersonRole
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn
from sro_tui.domain.officers import Actor
from sro_tui.domain.students import StudentCreate
from sro_tui.domain.threats import ThreatCaseCreate, ThreatStage
from sro_tui.services.registry import Services
from sro_tui.ui.forms.threat_form import ThreatOpenForm
from sro_tui.ui.messages import OpenRecord
from sro_tui.ui.screens.threat_case import ThreatCaseScreen
from sro_tui.ui.screens.threats import ThreatCasesScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text

SIZE = (80, 24)


def inside(app: object, selector: str) -> None:
    widget = app.screen.query_one(selector)  # type: ignore[attr-defined]
    region = widget.region
    assert region.width > 0 and region.height > 0, selector
    assert region.right <= SIZE[0] and region.bottom <= SIZE[1], (selector, region)


def threat_report(services: Services, officer: Actor, clock: Clock) -> tuple[int, int]:
    vhs = services.reference.school_by_code("VHS").id
    student = services.students.create(
        officer, StudentCreate(district_id="S1", first_name="Ana", last_name="Ruiz", school_id=vhs)
    )
    incident = services.incidents.create(
        officer,
        IncidentCreate(
            school_id=vhs,
            occurred_at=clock.now - timedelta(hours=1),
            location_code="CLASSROOM",
            offenses=[OffenseIn(category_code="THREAT", most_severe=True)],
            people=[PersonIn(role=PersonRole.SUSPECT, student_id=student.id)],
            narrative="Said he would bring a gun tomorrow.\nOverheard by a teacher.",
        ),
    )
    services.incidents.submit(officer, incident.id)
    return student.id, incident.id


async def test_a_case_is_opened_from_a_threat_report(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    _student, incident_id = threat_report(sqlite_services, officer, clock)
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        app.post_message(OpenRecord("incident", incident_id))
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ThreatOpenForm)
        for selector in ("#threat-student", "#threat-summary", "#threat-confidential"):
            inside(app, selector)
        inside(app, "#threat-ok")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ThreatCaseScreen)
        text = str(app.screen.query_one("#threat-text").render())
        assert "Ruiz, Ana" in text and "Said he would bring a gun tomorrow." in text
        assert "confidential: the team" in text
    [line] = sqlite_services.threats.page(officer)
    case = sqlite_services.threats.get(officer, line.id)
    assert (case.incident_id, case.stage, case.confidential) == (
        incident_id,
        ThreatStage.REPORTED,
        True,
    )


async def test_the_case_list_and_screen_move_a_case(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    student_id, incident_id = threat_report(sqlite_services, officer, clock)
    case_id = sqlite_services.threats.open(
        officer,
        ThreatCaseCreate(student_id=student_id, incident_id=incident_id, summary="Gun threat"),
    ).id
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        # Today: the triage follow-up is due; Enter on it opens the case.
        listing = app.screen.query_one(OptionList)
        texts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        [due] = [i for i, t in enumerate(texts) if "Ruiz, Ana" in t]
        assert "Threat case follow-ups due" in " ".join(texts)
        listing.highlighted = due
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreatCaseScreen) and app.screen.case_id == case_id
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("ctrl+t")  # from inside the watch check's field
        await settle(pilot)
        assert isinstance(app.screen, ThreatCasesScreen)
        inside(app, "#threat-table")
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreatCaseScreen)
        await pilot.press("m")  # move: triage is the first choice
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "Team met at 10")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f")  # a follow-up: due in a week (the default), then what
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "Call the parent")
        await pilot.press("enter")
        await settle(pilot)
        text = str(app.screen.query_one("#threat-text").render())
        assert "Stage:     triage" in text and "Call the parent" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ThreatCasesScreen)
        assert "triage" in [str(c) for c in app.screen.query_one(DataTable).get_row_at(0)]
    case = sqlite_services.threats.get(officer, case_id)
    assert case.stage is ThreatStage.TRIAGE and case.events[-1].note == "Team met at 10"
    assert [f.what for f in case.follow_ups][-1] == "Call the parent"
    assert case.follow_ups[-1].due_on - case.follow_ups[0].due_on == timedelta(days=7)


async def test_the_palette_opens_the_case_list_by_name(
    sqlite_services: Services, clock: Clock
) -> None:
    from textual.command import CommandPalette

    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        await type_text(pilot, "threat assessment")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        if CommandPalette.is_open(app):
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, ThreatCasesScreen)
        status = str(app.screen.query_one("#threat-status").render())
        assert status.startswith("0 open cases you may read")
