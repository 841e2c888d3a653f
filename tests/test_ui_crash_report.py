"""An unexpected crash never prints record content: the traceback has no local variables."""

from __future__ import annotations

from sro_tui.config import Settings
from sro_tui.services.registry import Services
from sro_tui.ui.app import create_app

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
