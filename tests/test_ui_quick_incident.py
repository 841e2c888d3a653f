"""Quick incident: the documented keystrokes log a trespass warning; the database shows it."""

from __future__ import annotations

from datetime import UTC, datetime

from textual import events
from textual.widgets import TextArea

from sro_tui.domain.enums import IncidentStatus, PersonRole
from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.forms.quick_incident import QUICK_INCIDENT_KEYS, QuickIncidentScreen
from sro_tui.ui.widgets.confirm import LeaveFormScreen
from sro_tui.ui.widgets.fields import LabelledField

from .test_ui_forms import FormHost, Home, ui_officer, vhs

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms

NARRATIVE = "Adult at the north gate without a visitor pass; warned under PC 626.8 and left."


def keys_of(narrative: str) -> list[str]:
    """QUICK_INCIDENT_KEYS as Pilot presses them; the narrative goes where "…" is."""
    pressed: list[str] = []
    for keys, _what in QUICK_INCIDENT_KEYS:
        if keys == "…":
            pressed.extend(narrative)
        else:
            pressed.extend(keys.split())
    return pressed


def test_documented_sequence_is_short() -> None:
    keystrokes = [k for keys, _ in QUICK_INCIDENT_KEYS if keys != "…" for k in keys.split()]
    assert len(keystrokes) < 10
    assert keystrokes[0] == "ctrl+n" and keystrokes[-1] == "ctrl+s"


async def test_trespass_warning_in_the_documented_keystrokes(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    # The officer's last incident was at the gate: that is the default location.
    earlier = sqlite_services.incidents.create(
        ui_officer,
        IncidentCreate(
            school_id=vhs.id,
            occurred_at=datetime(2026, 9, 14, 15, 0, tzinfo=UTC),
            location_code="PERIMETER",
            offenses=[OffenseIn(category_code="TRUANCY")],
        ),
    )
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        for key in keys_of(NARRATIVE):
            await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
        [created] = app.results
        assert any(created.number in n.message for n in app._notifications)
    assert created.id != earlier.id

    record = sqlite_services.incidents.get(ui_officer, created.id)
    assert record.status is IncidentStatus.DRAFT
    assert [o.category_code for o in record.offenses] == ["TRESPASS"]
    assert record.most_severe is not None and record.most_severe.category_code == "TRESPASS"
    assert record.narrative == NARRATIVE
    assert record.school_id == vhs.id
    assert record.people == ()
    assert record.occurred_at == datetime(2026, 9, 14, 15, 30, tzinfo=UTC)
    assert record.location_code == "PERIMETER"
    # No draft is left behind once the record is saved.
    assert sqlite_services.drafts.for_actor(ui_officer) == []


async def test_first_incident_of_a_new_officer_in_the_documented_keystrokes(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    """No earlier incident to take the location from: the front office is assumed, so the
    documented keys still save."""
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.pause()
        for key in keys_of(NARRATIVE):
            await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        [created] = app.results
    record = sqlite_services.incidents.get(ui_officer, created.id)
    assert record.location_code == "OFFICE"
    assert record.narrative == NARRATIVE


async def test_location_defaults_to_the_last_one_and_students_can_be_added(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    students = sqlite_services.students
    ana = students.create(
        ui_officer, StudentCreate(district_id="S1001", first_name="Ana", last_name="Garcia")
    )
    ben = students.create(
        ui_officer, StudentCreate(district_id="S1002", first_name="Ben", last_name="Garner")
    )
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n", *"fight", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuickIncidentScreen)
        assert screen.category.value == "FIGHT"
        await pilot.press(*"garc")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [c.value for c in screen.students.typeahead.suggestions] == [ana.id]
        await pilot.press("enter", *"S1002")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        assert screen.students.values == [ana.id, ben.id]
        # Backspace in the empty input takes the last one off; pick him again.
        await pilot.press("backspace")
        assert screen.students.values == [ana.id]
        await pilot.press(*"garn")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter", "tab", *"Fight at lunch", "tab", *"caf", "enter")
        await pilot.pause()
        assert screen.location.value == "CAFETERIA"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [first] = app.results
    record = sqlite_services.incidents.get(ui_officer, first.id)
    assert [p.student_id for p in record.people] == [ana.id, ben.id]
    assert {p.role for p in record.people} == {PersonRole.SUSPECT}
    assert record.location_code == "CAFETERIA"

    # The next quick incident starts in the cafeteria.
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuickIncidentScreen)
        assert screen.location.value == "CAFETERIA"
        await pilot.press("escape")  # nothing typed: closes without a question
        await pilot.pause()
        assert isinstance(app.screen, Home)


async def test_prefill_from_a_checklist_item(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    seen = datetime(2026, 9, 14, 14, 50, tzinfo=UTC)
    prefill = {"location_code": "PARKING", "occurred_at": seen, "note": "Parking lot check: "}
    app = FormHost(
        sqlite_services, ui_officer, school=vhs, first=lambda: QuickIncidentScreen(prefill)
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuickIncidentScreen)
        assert screen.location.value == "PARKING"
        assert screen.when.parse() == seen
        assert screen.query_one(TextArea).text == "Parking lot check: "
        assert screen.draft_title() == "Quick incident — no category yet, 07:50"


async def test_pasted_control_character_in_the_narrative_is_refused_under_it(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    prefill = {"location_code": "PARKING"}
    app = FormHost(
        sqlite_services, ui_officer, school=vhs, first=lambda: QuickIncidentScreen(prefill)
    )
    async with app.run_test() as pilot:
        await pilot.press(*"tre", "enter", "tab")
        screen = app.screen
        assert isinstance(screen, QuickIncidentScreen)
        assert app.focused is screen.narrative
        app.post_message(events.Paste("Bell\x07 rang"))  # as a terminal paste arrives
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        field = screen.query_one("#quick-narrative", LabelledField)
        assert "control character (U+0007)" in field.error
        assert screen.narrative.text == "Bell\x07 rang"
        assert app.focused is screen.narrative
        assert app.results == []


async def test_missing_category_is_reported_under_the_field(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n", *"xyz", "tab", "tab", *"Something odd", "ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuickIncidentScreen)
        field = screen.query_one("#quick-category", LabelledField)
        assert "No category matches 'xyz'" in field.error
        assert app.focused is screen.category.input
        assert screen.category.text == "xyz"
        assert screen.narrative.text == "Something odd"
        # Escape on a changed form asks; keep the draft.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveFormScreen)
        await pilot.press("k")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
    [draft] = sqlite_services.drafts.for_actor(ui_officer)
    assert draft.form == "quick_incident"
    assert draft.payload["narrative"] == "Something odd"
    assert draft.title.startswith("Quick incident — no category yet, 08:30")
