"""Search (ctrl+f) in the real app at 80x24 (Pilot, SQLite): a trespass warning found by a
description word opens Campus security with the person's name in the watch check; a call
found by its text opens the report made of it, and one without a report says so."""

from __future__ import annotations

from textual.widgets import DataTable, Input, OptionList

from sro_tui.domain.calls import CallCreate
from sro_tui.domain.trespass import TrespassWarningCreate
from sro_tui.services.registry import Services
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.search import SearchScreen
from sro_tui.ui.screens.trespass import CampusScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text

SIZE = (80, 24)


def index(screen: SearchScreen, call_id: int) -> int:
    return next(
        i for i, h in enumerate(screen.hits) if h.kind.value == "call" and h.record_id == call_id
    )


async def test_enter_on_a_warning_found_by_search_checks_the_name(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    data = {
        "person_name": "Marcus Fencewalker",
        "age": 40,
        "description": "orange skateboard",
        "school_ids": [sqlite_services.reference.school_by_code("VHS").id],
    }
    sqlite_services.trespass.warn(officer, TrespassWarningCreate.model_validate(data))
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        await type_text(pilot, "skateb")
        await pilot.press("enter")  # search now, to the results
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert [h.kind.value for h in app.screen.hits] == ["warning"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CampusScreen)
        assert app.screen.query_one("#watch-input", Input).value == "Marcus Fencewalker"
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert str(table.get_row_at(0)[1]) == "Marcus Fencewalker"


async def test_enter_on_a_call_opens_its_report(sqlite_services: Services, clock: Clock) -> None:
    officer = make_officer(sqlite_services, "1001")
    school = sqlite_services.reference.school_by_code("VHS").id
    plain = sqlite_services.calls.add(
        officer, CallCreate(caller="Coach Ray", school_id=school, what="Loose dog on field")
    )
    reported = sqlite_services.calls.add(
        officer, CallCreate(caller="Ms. Lee", school_id=school, what="Stolen bike, dog seen")
    )
    report = sqlite_services.calls.to_report(officer, reported.id)
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        await type_text(pilot, "dog")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        calls = [(h.kind.value, h.record_id) for h in screen.hits if h.kind.value == "call"]
        assert calls == [("call", reported.id), ("call", plain.id)]
        results = screen.query_one("#search-results", OptionList)
        results.highlighted = index(screen, plain.id)  # no report made: said, nothing opens
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        results.highlighted = index(screen, reported.id)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IncidentFormScreen)
        assert app.screen.incident_id == report.id
