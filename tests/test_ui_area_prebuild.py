"""Areas made ahead while the officer is idle (ui/area_prebuild.py, ui/shown_later.py; issue
16): composed, mounted and laid out without being shown, nothing read or audited until the
officer opens one, and then that very screen shown, its rows in its first frame. Behaviour
only: the quiet spell is set, never waited for."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable

from sro_tui.services.registry import Services
from sro_tui.ui.app import SroApp
from sro_tui.ui.screens.incidents import IncidentListScreen
from sro_tui.ui.screens.mentoring import MentoringScreen
from sro_tui.ui.screens.reports import ReportsScreen
from sro_tui.ui.widgets.paged import PagedList

from .conftest import Clock, make_officer
from .test_ui_list_loading import _one_of_each
from .ui_shell_support import make_app, settle, sign_in, until_filled

READS = {"incident.list", "note.list", "referral.list", "report.run"}


def reads_audited(services: Services) -> list[str]:
    """The reads of lists and reports audited, oldest first."""
    return [e.action for e in reversed(services.audit.recent(limit=200)) if e.action in READS]


def made(app: SroApp, mode: str) -> Screen[Any] | None:
    stack = app._screen_stacks.get(mode)
    return stack[0] if stack else None


@contextlib.asynccontextmanager
async def signed_in(services: Services, clock: Clock) -> AsyncIterator[tuple[SroApp, Any]]:
    """The real app, 100x30, with badge 1001 signed in at the first school (making ahead
    is off unless a test calls it)."""
    app = make_app(services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "1001")
        yield app, pilot


async def make_every_area(pilot: Any, app: SroApp) -> None:
    for mode in app.PREBUILT_AREAS:
        app.prebuild(mode)
    await until_filled(
        pilot,
        lambda: all((s := made(app, m)) is not None and s.is_mounted for m in app.PREBUILT_AREAS),
    )
    await settle(pilot)


async def test_areas_made_ahead_read_nothing_until_opened(
    sqlite_services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = make_officer(sqlite_services, "1001")
    ids = _one_of_each(sqlite_services, officer, clock)
    warmed: list[str] = []
    for name in ("incidents", "notes"):
        service = getattr(sqlite_services, name)
        real = service.warm_first_page

        def warm(actor: Any, *, scope: str = "own", name: str = name, real: Any = real) -> None:
            warmed.append(f"{name} {scope}")
            real(actor, scope=scope)

        monkeypatch.setattr(service, "warm_first_page", warm)
    async with signed_in(sqlite_services, clock) as (app, pilot):
        before = reads_audited(sqlite_services)
        await make_every_area(pilot, app)
        assert app.current_mode == "today"
        # Their first pages' statements prepared (for no rows), nothing more.
        assert sorted(warmed) == ["incidents own", "notes own"]
        for mode in app.PREBUILT_AREAS:
            screen = made(app, mode)
            assert screen is not None and not screen.is_current
            assert screen.size == app.size  # laid out for the terminal already
            if isinstance(screen, PagedList):
                assert screen.paged_table().row_count == 0 and not screen.page_loading
        assert reads_audited(sqlite_services) == before  # nothing read, nothing audited

        incidents = made(app, "incidents")
        await pilot.press("f4")
        await settle(pilot)
        assert app.screen is incidents and isinstance(incidents, IncidentListScreen)
        assert incidents.highlighted_id() == ids["incident"]
        assert reads_audited(sqlite_services) == [*before, "incident.list"]

        notes = made(app, "mentoring")
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen is notes and isinstance(notes, MentoringScreen)
        assert notes.paged_table().row_count == 1

        reports = made(app, "reports")
        await pilot.press("f8")
        await settle(pilot)
        assert app.screen is reports and isinstance(reports, ReportsScreen)
        assert reads_audited(sqlite_services) == [
            *before,
            "incident.list",
            "note.list",
            "report.run",
        ]


async def _rows_at_first_frame(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch, *, made_ahead: bool
) -> None:
    """F4's first frame waits for its first page (at most FIRST_ANSWER_WAIT, lengthened here:
    the page is held back until the test lets it go, so no clock decides the outcome)."""
    officer = make_officer(services, "1001")
    _one_of_each(services, officer, clock)
    monkeypatch.setattr(PagedList, "FIRST_ANSWER_WAIT", 30.0)
    page_may_come = threading.Event()
    fetch_page = IncidentListScreen.fetch_page

    def held_back(screen: IncidentListScreen, cursor: str | None) -> Any:
        page_may_come.wait(20)
        return fetch_page(screen, cursor)

    monkeypatch.setattr(IncidentListScreen, "fetch_page", held_back)
    async with signed_in(services, clock) as (app, pilot):
        if made_ahead:
            await make_every_area(pilot, app)
        assert (made(app, "incidents") is not None) == made_ahead
        rows_at_frames: list[int] = []
        display = app._display

        def counted(screen: Screen[Any], renderable: Any) -> None:
            drawn = renderable is not None and not app._batch_count  # App._display's test
            if isinstance(screen, IncidentListScreen) and drawn:
                rows_at_frames.append(screen.query_one(DataTable).row_count)
            display(screen, renderable)

        app._display = counted  # type: ignore[method-assign]
        await pilot.press("f4")
        await pilot.pause(0.3)  # time enough for frames, were any drawn
        assert isinstance(app.screen, IncidentListScreen)
        assert rows_at_frames == []  # not drawn empty
        page_may_come.set()
        await settle(pilot)
        assert rows_at_frames and rows_at_frames[0] == 1  # drawn with its rows


async def test_a_list_made_ahead_shows_its_rows_in_its_first_frame(
    sqlite_services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _rows_at_first_frame(sqlite_services, clock, monkeypatch, made_ahead=True)


async def test_a_list_opened_before_it_is_made_ahead_shows_its_rows_in_its_first_frame(
    sqlite_services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pressed at once after sign-in: composed then, and held the same way (one frame with
    its rows, not an empty table first)."""
    await _rows_at_first_frame(sqlite_services, clock, monkeypatch, made_ahead=False)


async def test_areas_are_made_one_at_a_time_only_when_the_keyboard_is_quiet(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        app._prebuild_when_quiet()
        assert made(app, "incidents") is None  # nobody signed in
        await sign_in(pilot, "1001")

        app.note_input()  # a key just now
        app._prebuild_when_quiet()
        assert made(app, "incidents") is None

        app._last_input = time.monotonic() - 60
        app._prebuild_when_quiet()
        form = app._form_ahead  # the quick incident first (its CSS before the areas')
        assert form is not None and made(app, "incidents") is None
        await until_filled(pilot, lambda: form.is_mounted)
        app._prebuild_when_quiet()
        first = made(app, "incidents")
        assert first is not None
        app._prebuild_when_quiet()  # the first is still being made: nothing more yet
        if not first.is_mounted:
            assert made(app, "mentoring") is None
        await until_filled(pilot, lambda: first.is_mounted)
        app._prebuild_when_quiet()
        assert made(app, "mentoring") is not None

        app.lock()
        await settle(pilot)
        app._prebuild_when_quiet()
        assert made(app, "reports") is None  # locked: nothing made
        await pilot.press("escape")


async def test_signing_out_drops_the_areas_made_ahead(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    async with signed_in(sqlite_services, clock) as (app, pilot):
        await make_every_area(pilot, app)
        kept = [made(app, mode) for mode in app.PREBUILT_AREAS]
        app.sign_out()
        await settle(pilot)
        assert all(made(app, mode) is None for mode in app.PREBUILT_AREAS)
        assert all(screen is not None and not screen.is_attached for screen in kept)


async def test_a_screen_made_ahead_is_drawn_unseen_once(
    sqlite_services: Services, clock: Clock
) -> None:
    """What does not change by its first showing (its header) is not drawn again then."""
    from sro_tui.ui.widgets.header import SroHeader

    from .ui_shell_support import Calls

    make_officer(sqlite_services, "1001")
    async with signed_in(sqlite_services, clock) as (app, pilot):
        await make_every_area(pilot, app)
        referrals = made(app, "referrals")
        assert referrals is not None
        header = referrals.query_one(SroHeader)
        drawn = Calls(header, "render")
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen is referrals
        assert drawn.count == 0


async def make_quick_incident_ahead(pilot: Any, app: SroApp) -> Screen[Any]:
    await make_every_area(pilot, app)
    app._last_input = time.monotonic() - 60
    app._prebuild_when_quiet()  # the areas are made: the quick incident next
    form = app._form_ahead
    assert form is not None
    await until_filled(pilot, lambda: form.is_mounted)
    await settle(pilot)
    return form


async def test_ctrl_n_shows_the_quick_incident_made_ahead_with_the_time_it_was_opened(
    sqlite_services: Services, clock: Clock
) -> None:
    from sro_tui.domain.enums import IncidentStatus
    from sro_tui.ui.forms.quick_incident import QuickIncidentScreen

    from .test_ui_quick_incident import NARRATIVE, keys_of

    officer = make_officer(sqlite_services, "1001")
    async with signed_in(sqlite_services, clock) as (app, pilot):
        form = await make_quick_incident_ahead(pilot, app)
        assert isinstance(form, QuickIncidentScreen) and not form.is_current
        # Nothing set or read yet: no time, no categories, no place.
        assert form.when.text == "" and form.category.find_choice("FIGHT") is None
        assert form.location.text == ""
        assert sqlite_services.drafts.for_actor(officer) == []

        clock.advance(minutes=40)  # opened long after it was made
        for key in keys_of(NARRATIVE):
            await pilot.press(key)
            if key == "ctrl+n":
                await settle(pilot)
                assert app.screen is form
                assert form.when.text.endswith(clock.now.astimezone(form.when.tz).strftime("%H:%M"))
        await settle(pilot)
        assert app.screen is not form and app._form_ahead is None  # saved and closed
    [saved] = sqlite_services.incidents.page(officer).items
    record = sqlite_services.incidents.get(officer, saved.id)
    assert record.narrative == NARRATIVE and record.status is IncidentStatus.DRAFT


async def test_a_quick_incident_asked_with_more_prefill_is_a_new_one(
    sqlite_services: Services, clock: Clock
) -> None:
    from sro_tui.ui.forms.quick_incident import QuickIncidentScreen

    officer = make_officer(sqlite_services, "1001")
    async with signed_in(sqlite_services, clock) as (app, pilot):
        form = await make_quick_incident_ahead(pilot, app)
        app.open_quick_incident({"location_code": "GATE"})  # the checklist's "incident here"
        await settle(pilot)
        assert isinstance(app.screen, QuickIncidentScreen) and app.screen is not form
        assert app._form_ahead is form
        await pilot.press("escape")
        await settle(pilot)
        app.sign_out()
        await settle(pilot)
        assert app._form_ahead is None and not form.is_attached
    # Neither the form made ahead nor the one left with Escape kept a draft.
    assert sqlite_services.drafts.for_actor(officer) == []


async def test_areas_made_after_the_form_are_not_restyled_when_first_shown(
    sqlite_services: Services, clock: Clock
) -> None:
    """The quick incident is made first: its widgets' CSS, loaded after an area was made,
    would restyle that area at its first showing."""
    from .ui_shell_support import Calls

    make_officer(sqlite_services, "1001")
    async with signed_in(sqlite_services, clock) as (app, pilot):
        app._last_input = time.monotonic() - 60
        for _ in range(len(app.PREBUILT_AREAS) + 1):
            app._prebuild_when_quiet()
            await until_filled(pilot, lambda: all(s.is_mounted for s in app._made_screens()))
        await settle(pilot)
        incidents = made(app, "incidents")
        assert incidents is not None and app._form_ahead is not None
        restyled = Calls(incidents, "update_node_styles")
        await pilot.press("f4")
        await settle(pilot)
        assert app.screen is incidents and restyled.count == 0


@contextlib.asynccontextmanager
async def on_the_school_pick(services: Services, clock: Clock) -> AsyncIterator[tuple[SroApp, Any]]:
    """The real app, 100x30, badge 1001 signed in and the school pick shown, the keyboard
    quiet for the pick's spell only."""
    from sro_tui.ui.area_prebuild import PICK_QUIET_SECONDS, QUIET_SECONDS
    from sro_tui.ui.screens.school_pick import SchoolPickScreen

    app = make_app(services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "1001", confirm_school=False)
        assert isinstance(app.screen, SchoolPickScreen)
        app._last_input = time.monotonic() - (PICK_QUIET_SECONDS + QUIET_SECONDS) / 2
        yield app, pilot


async def test_the_form_and_the_areas_are_made_while_the_school_is_picked(
    sqlite_services: Services, clock: Clock
) -> None:
    """Read while the officer reads the school list: the quick incident first (its CSS
    before the areas'), then the areas, nothing read or audited; the form made then takes
    the school picked when ctrl+n shows it."""
    from sro_tui.ui.forms.quick_incident import QuickIncidentScreen

    make_officer(sqlite_services, "1001", school_codes=("VHS", "BHS"))
    before = reads_audited(sqlite_services)
    async with on_the_school_pick(sqlite_services, clock) as (app, pilot):
        for _ in range(len(app.PREBUILT_AREAS) + 1):
            app._prebuild_when_quiet()
            await until_filled(pilot, lambda: all(s.is_mounted for s in app._made_screens()))
        form = app._form_ahead
        assert isinstance(form, QuickIncidentScreen)
        assert all(made(app, mode) is not None for mode in app.PREBUILT_AREAS)
        assert reads_audited(sqlite_services) == before

        await pilot.press("down", "enter")  # the second school
        await settle(pilot)
        assert app.school is not None and app.current_mode == "today"
        picked = app.school.id
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.screen is form and form.school_id == picked


async def test_leaving_the_school_pick_drops_what_was_made_there(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    async with on_the_school_pick(sqlite_services, clock) as (app, pilot):
        for _ in range(2):
            app._prebuild_when_quiet()
            await until_filled(pilot, lambda: all(s.is_mounted for s in app._made_screens()))
        kept = [app._form_ahead, made(app, "incidents")]
        assert all(screen is not None for screen in kept)
        await pilot.press("escape")  # back to sign-in
        await settle(pilot)
        assert app.actor is None and app._form_ahead is None and made(app, "incidents") is None
        assert all(screen is not None and not screen.is_attached for screen in kept)
        app._prebuild_when_quiet()  # nobody signed in: nothing made
        assert app._form_ahead is None and made(app, "incidents") is None
