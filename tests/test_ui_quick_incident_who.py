"""Quick incident (ctrl+n): who called you to it, one key (issue 11): Tab to the field after
When, s a school official (o you, p someone else, n not recorded; space and the arrows step
through them); saved with the report, kept in its draft, listed on the help screen. 80x24."""

from __future__ import annotations

from sro_tui.domain.enums import ContactInitiator
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services
from sro_tui.ui.forms.quick_incident import QuickIncidentScreen
from sro_tui.ui.screens.help import key_sections

from .test_ui_forms import FormHost, ui_officer, vhs

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


async def test_who_called_is_one_key_in_the_quick_incident(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", *"tre", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuickIncidentScreen)
        assert screen.initiated.value is None and screen.initiated.label == "not recorded"
        rows = [row for _title, rows in key_sections(screen) for row in rows]
        assert any("Who called" in what for _key, what in rows)
        # Students, Narrative, Where, When, Who called.
        await pilot.press("tab", *"Dean called about an adult at the gate.", "tab", "tab", "tab")
        await pilot.pause()
        assert screen.focused is screen.initiated
        await pilot.press("o", "space")  # you, then the next: someone else
        assert screen.initiated.value == ContactInitiator.OTHER.value
        await pilot.press("left", "n", "s")
        assert screen.initiated.value == ContactInitiator.SCHOOL.value
        assert screen.initiated.label == "school"
        assert screen.collect()["initiated_by"] == ContactInitiator.SCHOOL.value
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [created] = app.results
    record = sqlite_services.incidents.get(ui_officer, created.id)
    assert record.initiated_by is ContactInitiator.SCHOOL
    assert record.narrative == "Dean called about an adult at the gate."


async def test_who_called_comes_back_from_the_draft(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuickIncidentScreen)
        screen.initiated.focus()
        await pilot.press("p")
        payload = screen.collect()
        again = QuickIncidentScreen()
        await app.push_screen(again)
        await pilot.pause()
        again.restore(payload)
        assert again.initiated.value == ContactInitiator.OTHER.value
        again.restore({**payload, "initiated_by": "the principal"})  # an unknown value: kept
        assert again.initiated.value == ContactInitiator.OTHER.value
