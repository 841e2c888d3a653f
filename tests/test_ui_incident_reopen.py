"""Closing an existing incident report as soon as it has loaded, after another form was open
(what ``scripts/bench_ui_under_lock.py`` does), must not kill the app.

Loading mounts the report's people rows without waiting for them, so the form can close while
they are still mounting. Textual mounts no children into a widget being removed, and a row's
Select then failed in its own mount handler on a missing part (``NoMatches`` on its
``SelectOverlay``, as in the bench, or on its ``SelectCurrent``'s label, as here), which took
the app down. The earlier form only shifts the timing; the test closes the report at the
moment a person row's Select is in the DOM but not composed yet, so it fails every time
without the fix."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from sro_tui.services.registry import Services
from sro_tui.ui.app import SroApp
from sro_tui.ui.forms.quick_incident import QuickIncidentScreen
from sro_tui.ui.screens.incident_form import IncidentFormScreen

from .scenarios import OFFICER, build_demo_template, make_app, open_demo_store, sign_in
from .test_ui_incident_form import write_lock
from .ui_shell_support import send_keys, settle


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_template(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def demo_services(demo_template: Path, tmp_path: Path) -> Iterator[Services]:
    services = open_demo_store(demo_template, tmp_path / "demo.db")
    yield services
    services.close()


def own_report(app: SroApp) -> int:
    assert app.services is not None and app.actor is not None
    return app.services.incidents.page(app.actor, scope="own", limit=1).items[0].id


async def type_into_narrative(pilot: Pilot[object], screen: object) -> None:
    """As the bench: once the form is up, Tab to its narrative and type three keys (waiting
    for them without waiting for the app to go idle)."""
    app = pilot.app
    for _ in range(5000):
        # (The narrative is mounted right after the form's first frame.)
        if app.screen is screen and app.focused is not None and app.screen.query(TextArea):
            break
        await asyncio.sleep(0.001)
    assert isinstance(screen, QuickIncidentScreen | IncidentFormScreen)
    area = screen.query_one(TextArea)
    area.focus()
    before = len(area.text)
    send_keys(pilot, ["1", "1", "1"])
    for _ in range(5000):
        if len(area.text) >= before + 3:
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the keys never showed")


async def until_loaded(screen: IncidentFormScreen | QuickIncidentScreen) -> None:
    """Wait for the load to reach the form, and no longer (as the bench does)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + 30
    while loop.time() < give_up:
        if not screen.record_loading:
            return
        await asyncio.sleep(0)  # one turn of the loop: the rows it mounts are not in yet
    raise AssertionError("the form never loaded")


async def until_a_select_is_mounting(screen: IncidentFormScreen) -> None:
    """Wait (a turn of the loop at a time) until a loaded person row's Select is in the DOM
    but has not composed yet: the moment the bench happened to close the form at."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + 30
    while loop.time() < give_up:
        if any(r.role.parent is not None and not r.role.children for r in screen.person_rows()):
            return
        await asyncio.sleep(0)
    raise AssertionError("no Select was seen mounting")


async def test_an_existing_report_closed_as_it_loads_after_another_form_does_not_crash(
    demo_services: Services, tmp_path: Path
) -> None:
    store = tmp_path / "demo.db"
    app = make_app(demo_services)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, OFFICER)
        today = app.screen
        report_id = own_report(app)
        record = demo_services.incidents.get(app.actor, report_id)  # type: ignore[arg-type]
        assert record.people, "the report must have people rows to mount"

        # Another form first: opened, typed into, closed.
        quick = QuickIncidentScreen()
        app.push_screen(quick)
        await type_into_narrative(pilot, quick)
        await until_loaded(quick)
        await app.pop_screen()
        await asyncio.sleep(0.05)

        # Then the existing report: typed into, shown once loaded, closed at once.
        # The report's read waits while another terminal holds the write lock (as in the
        # bench): the keys go in first, and the load lands only once the lock is gone.
        form = IncidentFormScreen(incident_id=report_id)
        with write_lock(str(store)):
            app.push_screen(form)
            await type_into_narrative(pilot, form)
            assert form.record_loading
        await until_loaded(form)
        await until_a_select_is_mounting(form)
        assert form.load_problem is None and form.editable
        assert form.record is not None and form.record.id == report_id
        assert record.number in str(form.query_one("#incident-title").render())
        # What was loaded and what was typed meanwhile are both there.
        assert record.narrative in form.narrative.text and "111" in form.narrative.text
        assert len(form.person_rows()) == len(record.people)
        await app.pop_screen()
        await settle(pilot)

        assert app.is_running, "the app died closing the report"
        assert app.screen is today

        # Opened again and left to mount, the report shows in full.
        again = IncidentFormScreen(incident_id=report_id)
        app.push_screen(again)
        await settle(pilot)
        assert app.screen is again and not again.record_loading
        people = again.person_rows()
        assert [row.who.text for row in people] == [p.name for p in record.people]
        assert [row.role.value for row in people] == [p.role.value for p in record.people]
    assert app.return_code in (None, 0)
