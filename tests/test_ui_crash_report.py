"""An unexpected crash never prints record content: the traceback has no local variables."""

from __future__ import annotations

import pytest

from sro_tui.config import Settings
from sro_tui.services.registry import Services
from sro_tui.ui.app import create_app, exit_status

from .conftest import Clock

SECRET = "Maria Garcia told me about her uncle"


class Boom(Exception):
    pass


async def test_crash_report_has_no_locals(sqlite_services: Services, clock: Clock) -> None:
    app = create_app(Settings(database_url="unused"), services=sqlite_services, clock=clock)

    def explode() -> None:
        narrative = SECRET  # a local a full traceback would print
        raise Boom(f"failed after {len(narrative)} characters")

    async with app.run_test() as pilot:
        await pilot.pause()
        try:
            explode()
        except Boom:
            app._fatal_error()  # what Textual calls for an unhandled exception
        rendered = "".join(
            segment.text for renderable in app._exit_renderables for segment in renderable.segments
        )
    assert "Boom: failed after 36 characters" in rendered
    assert SECRET not in rendered


async def test_a_crash_exits_with_a_failure_status(sqlite_services: Services, clock: Clock) -> None:
    app = create_app(Settings(database_url="unused"), services=sqlite_services, clock=clock)
    with pytest.raises(Boom):  # run_test hands the crash on to the test
        async with app.run_test() as pilot:
            await pilot.pause()
            app._handle_exception(Boom("unexpected"))  # what Textual does with a crash
            await pilot.pause()
    assert exit_status(app, None) == 1


async def test_a_normal_quit_exits_with_success(sqlite_services: Services, clock: Clock) -> None:
    app = create_app(Settings(database_url="unused"), services=sqlite_services, clock=clock)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert exit_status(app, None) == 0
