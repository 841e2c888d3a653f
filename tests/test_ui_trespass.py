"""Campus security in the real app at 80x24 (Pilot, SQLite): a name checked in one key plus
the name, a warning recorded and a call logged in the documented keys (counted here), a
return within the period flagged and made an incident with one key, a call from inside
another form, and every widget inside the screen."""

from __future__ import annotations

from datetime import timedelta

from textual.pilot import Pilot
from textual.widgets import DataTable

from sro_tui.domain.calls import Disposition
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.students import StudentCreate
from sro_tui.domain.trespass import TrespassWarningCreate
from sro_tui.services.registry import Services
from sro_tui.ui.forms.call_form import CALL_KEYS, CallFormScreen
from sro_tui.ui.messages import OpenRecord
from sro_tui.ui.screens.trespass import WATCH_CHECK_KEYS, CampusScreen
from sro_tui.ui.screens.trespass_warning import WARNING_KEYS, TrespassWarningForm

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text

SIZE = (80, 24)


def keys_only(sequence: list[tuple[str, str]]) -> list[str]:
    """The keys of a documented sequence, without the typed text ("…")."""
    return [k for keys, _ in sequence if keys != "…" for k in keys.split()]


async def press_sequence(
    pilot: Pilot[object], sequence: list[tuple[str, str]], texts: list[str]
) -> None:
    """Press a documented sequence; each "…" types the next of ``texts``."""
    typed = iter(texts)
    for keys, _ in sequence:
        if keys == "…":
            await type_text(pilot, next(typed))
            await settle(pilot)
        else:
            for key in keys.split():
                await pilot.press(key)
                await settle(pilot)


def warn(services: Services, officer: Actor, name: str, **values: object) -> int:
    data = {"person_name": name, "age": 40, "description": "grey hoodie"}
    data.update(values)
    data.setdefault("school_ids", [services.reference.school_by_code("VHS").id])
    return services.trespass.warn(officer, TrespassWarningCreate.model_validate(data)).id


def inside(app: object, selector: str) -> None:
    widget = app.screen.query_one(selector)  # type: ignore[attr-defined]
    region = widget.region
    assert region.width > 0 and region.height > 0, selector
    assert region.right <= SIZE[0] and region.bottom <= SIZE[1], (selector, region)


async def test_a_name_is_checked_in_one_key_plus_the_name(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    warn(sqlite_services, officer, "John Doe")  # expired by now
    clock.advance(days=10)
    warn(sqlite_services, officer, "John Doe")  # in force: a repeat
    warn(sqlite_services, officer, "Mary Major")
    assert len(keys_only(WATCH_CHECK_KEYS)) <= 5
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await press_sequence(pilot, WATCH_CHECK_KEYS, ["doe"])
        assert isinstance(app.screen, CampusScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["IN FORCE", "expired"]
        assert all(r[1] == "John Doe" and r[2] == "2x" for r in rows)
        status = str(app.screen.query_one("#watch-status").render())
        assert "1 IN FORCE" in status and "REPEATED" in status
        for selector in ("#watch-input", "#watch-table", "#watch-detail", "#watch-status"):
            inside(app, selector)
        await pilot.press("escape")  # clears the check: the warnings in force today
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 2


async def test_a_warning_is_recorded_in_the_documented_keys(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    assert len(keys_only(WARNING_KEYS)) <= 10
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        typed = ["Mary Major", "35", "red jacket, white van"]
        sequence = WARNING_KEYS
        # Up to the form: then check that it fits before finishing.
        await press_sequence(pilot, sequence[:3], typed[:1])
        assert isinstance(app.screen, TrespassWarningForm)
        for selector in ("#warn-name", "#warn-age", "#warn-text", "#warn-status"):
            inside(app, selector)
        assert "Penal Code 626.8" in str(app.screen.query_one("#warn-text").render())
        await press_sequence(pilot, sequence[3:], typed[1:])
        assert isinstance(app.screen, CampusScreen)
    officer = sqlite_services.officers.authenticate("1001", "correct horse battery")
    [hit] = sqlite_services.trespass.check(officer, "major")
    warning = hit.warning
    assert (warning.person_name, warning.age, warning.description) == (
        "Mary Major",
        35,
        "red jacket, white van",
    )
    assert (warning.school_codes, warning.days, warning.statute.value) == (("VHS",), 7, "626.8")
    assert warning.last_day == clock.now.astimezone(sqlite_services.ctx.tz).date() + timedelta(7)


async def test_a_call_is_logged_in_the_documented_keys_from_inside_a_form(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    assert len(keys_only(CALL_KEYS)) <= 8
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n")  # in the middle of a quick incident's narrative
        await settle(pilot)
        await press_sequence(pilot, CALL_KEYS[:1], [])
        assert isinstance(app.screen, CallFormScreen)
        for selector in ("#call-caller", "#call-what", "#call-report", "#call-status"):
            inside(app, selector)
        await press_sequence(
            pilot, CALL_KEYS[1:], ["Ms. Lee, front office", "Parent at the gate, upset", "gate"]
        )
        assert not isinstance(app.screen, CallFormScreen)
    [logged] = sqlite_services.calls.page(officer)
    assert (logged.caller, logged.what, logged.location) == (
        "Ms. Lee, front office",
        "Parent at the gate, upset",
        "gate",
    )
    assert (logged.disposition, logged.school_code) == (Disposition.RESOLVED, "VHS")


async def test_a_return_within_the_period_is_one_key_to_an_incident(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    warning_id = warn(sqlite_services, officer, "Rex Return")
    clock.advance(days=2)
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+g")
        await type_text(pilot, "rex")
        await settle(pilot)
        await pilot.press("enter")  # to the list
        await pilot.press("v")
        await settle(pilot)
        assert type(app.screen).__name__ == "IncidentFormScreen"
    [hit] = sqlite_services.trespass.check(officer, "rex")
    [incident_id] = hit.warning.violation_incident_ids
    incident = sqlite_services.incidents.get(officer, incident_id)
    assert [o.category_code for o in incident.offenses] == ["TRESPASS"]
    assert f"warning #{warning_id}" in incident.narrative


async def test_enter_on_a_warning_in_a_students_timeline_opens_campus_security(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    student = sqlite_services.students.create(
        SYSTEM_ACTOR,
        StudentCreate(
            district_id="S99",
            first_name="Kid",
            last_name="Visiting",
            school_id=sqlite_services.reference.school_by_code("BHS").id,
            grade=9,
        ),
    )
    warning_id = warn(sqlite_services, officer, "Kid Visiting", student_id=student.id)
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        app.post_message(OpenRecord("student", student.id))
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(f"trespass:{warning_id}"))
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CampusScreen)
