"""A form's first opening parses no stylesheet (issue 10: a form takes keys within 100 ms of
the key that opens it). The forms' stylesheets are read with the areas' behind the sign-in
screen (``navigation.load_area_css``); Textual would otherwise parse the whole stylesheet
again and restyle every screen alive when each form first shows. Their styles apply all the
same. Behaviour only: no clock is looked at."""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet

from sro_tui.services.registry import Services
from sro_tui.ui.forms.note_form import NoteFormScreen
from sro_tui.ui.forms.quick_incident import QuickIncidentScreen
from sro_tui.ui.screens.incident_form import IncidentFormScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in

OWN_STYLE: dict[type, tuple[str, str, str]] = {
    QuickIncidentScreen: ("#quick-body", "max_height", "100h"),  # quick_incident.tcss
    IncidentFormScreen: ("#incident-body", "height", "1fr"),  # incident_form.tcss
    NoteFormScreen: ("#note-body", "height", "1fr"),  # note_form.tcss
}


async def test_first_opening_of_each_form_reparses_no_stylesheet(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "1001")
        await settle(pilot)
        stylesheet: Stylesheet = app.stylesheet
        reparsed: list[str] = []
        reparse = stylesheet.reparse

        def counted() -> None:
            reparsed.append(type(app.screen).__name__)
            reparse()

        stylesheet.reparse = counted  # type: ignore[method-assign]
        for form in (QuickIncidentScreen, IncidentFormScreen, NoteFormScreen):
            screen = form()
            await app.push_screen(screen)
            await settle(pilot)
            assert app.screen is screen
            # The form's own stylesheet applies (read behind the sign-in screen).
            selector, rule, value = OWN_STYLE[form]
            assert str(getattr(screen.query_one(selector).styles, rule)) == value
            await app.pop_screen()
            await settle(pilot)
        assert reparsed == []  # Textual reparsed it on each form's first opening
