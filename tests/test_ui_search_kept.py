"""ctrl+f shows the session's search screen again (built once: issue 16), with its box
selected and its last search read again; sign-out drops it with what it showed; a search
screen left under a record in another area stays there and ctrl+f opens another."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import OptionList

from sro_tui.domain.incidents import IncidentCreate, IncidentRead, OffenseIn
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.search import SearchScreen
from sro_tui.ui.search_opener import SEARCH
from sro_tui.ui.widgets.status_line import StatusLine

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


def incident(services: Services, officer: Actor, clock: Clock, narrative: str) -> IncidentRead:
    return services.incidents.create(
        officer,
        IncidentCreate(
            school_id=services.reference.school_by_code("VHS").id,
            occurred_at=clock.now - timedelta(minutes=30),
            location_code="GYM",
            offenses=[OffenseIn(category_code="THEFT")],
            narrative=narrative,
        ),
    )


async def search_for(pilot: object, words: str) -> SearchScreen:
    app = pilot.app  # type: ignore[attr-defined]
    await pilot.press("ctrl+f")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    await type_text(pilot, words)  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    return screen


async def test_ctrl_f_shows_the_same_search_again_read_anew(
    services: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    first = incident(services, officer, clock, "A skateboard taken from the rack.")
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        screen = await search_for(pilot, "skateboard")
        assert [h.record_id for h in screen.hits] == [first.id]
        await pilot.press("escape")  # from the results to the box
        await pilot.press("escape")  # and away
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)
        second = incident(services, officer, clock, "Another skateboard, this one broken.")
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert app.screen is screen  # the same screen, not built again
        box = screen.query_one("#search-query")
        assert screen.focused is box and box.value == "skateboard"  # type: ignore[attr-defined]
        assert box.selected_text == "skateboard"  # type: ignore[attr-defined]
        assert {h.record_id for h in screen.hits} == {first.id, second.id}  # read again


async def test_sign_out_drops_the_search_and_what_it_showed(
    services: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    make_officer(services, "1002")
    incident(services, officer, clock, "A skateboard taken from the rack.")
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        kept = await search_for(pilot, "skateboard")
        assert kept.hits
        app.sign_out()
        await settle(pilot)
        assert not app.is_screen_installed(SEARCH)
        assert not kept.is_attached  # removed, with its results
        await sign_in(pilot, "1002")
        await pilot.press("ctrl+f")
        await settle(pilot)
        fresh = app.screen
        assert isinstance(fresh, SearchScreen) and fresh is not kept
        assert fresh.query_one("#search-query").value == ""  # type: ignore[attr-defined]
        assert fresh.hits == []


async def test_a_search_under_a_record_elsewhere_stays_and_ctrl_f_opens_another(
    services: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    incident(services, officer, clock, "A skateboard taken from the rack.")
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        kept = await search_for(pilot, "skateboard")
        await pilot.press("enter")  # open the first result
        await settle(pilot)
        assert isinstance(app.screen, IncidentFormScreen)
        await pilot.press("f4")  # another area; the search stays under the record
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        other = app.screen
        assert isinstance(other, SearchScreen) and other is not kept
        assert kept.is_attached


async def test_the_same_answer_leaves_the_results_as_they_are(
    services: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    incident(services, officer, clock, "A skateboard taken from the rack.")
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        screen = await search_for(pilot, "skateboard")
        results = screen.query_one("#search-results", OptionList)
        shown = results.get_option_at_index(0)
        status = screen.query_one("#search-status", StatusLine)
        line = status.content
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("ctrl+f")  # read again: nothing changed
        await settle(pilot)
        assert app.screen is screen
        assert results.get_option_at_index(0) is shown  # not rebuilt
        assert status.content == line
        # A word typed whose answer is the same: its "Searching…" gives way to the count.
        await type_text(pilot, "skateboar")
        await pilot.press("enter")
        await settle(pilot)
        assert results.get_option_at_index(0) is shown
        assert status.content == line
