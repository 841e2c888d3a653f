"""A form's first frame is light (issue 10: a form takes keys within 100 ms of the key that
opened it). The incident form and the note form compose only their top and mount the rest
right after the first frame; keys typed into the top meanwhile stay where they were typed and
the store's answer fills the whole form once it is there. A type-ahead makes its suggestion
list only when it has something to show. The first form freezes the objects alive then, so
full garbage collections skip them. No timing is asserted: what is checked is what is mounted
when, and that nothing typed is lost."""

from __future__ import annotations

import gc

import pytest
from textual.widgets import Select

from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services
from sro_tui.ui.forms.base import FieldProblems
from sro_tui.ui.forms.note_form import NoteFormScreen
from sro_tui.ui.forms.quick_incident import QuickIncidentScreen
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.widgets.typeahead import TypeAhead

from .test_ui_forms import FormHost, ui_officer, vhs
from .ui_shell_support import at_first_frame, until_filled

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


async def test_incident_form_mounts_its_lower_part_after_the_first_frame(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = IncidentFormScreen()
        await app.push_screen(screen)  # composed and mounted: its first frame is next
        editor = screen.editor
        assert screen.offense_rows()[0].category.input.is_mounted
        assert not screen.narrative.is_mounted and not editor.rest_mounted
        assert not screen.query("#people") and not screen.query("#save")
        # Keys typed at once go into the category the cursor starts in.
        await pilot.press(*"tre")
        await until_filled(pilot, lambda: editor.rest_mounted and not screen.record_loading)
        assert editor.rest_mounted and screen.narrative.is_mounted
        assert screen.query_one("#people") and screen.query_one("#save")
        row = screen.offense_rows()[0]
        assert row.category.text == "tre"
        assert screen.focused is row.category.input
        # Filled from the store once all of it was there: the school and the choices.
        assert not screen.record_loading
        assert screen.editor.school.value == vhs.id
        await pilot.press("enter")
        await pilot.pause()
        assert row.category.value == "TRESPASS"
        # ctrl+t adds a person into the box mounted after the first frame.
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert len(screen.person_rows()) == 1


async def test_incident_form_first_frame_has_no_select(
    sqlite_services: Services,
    ui_officer: Actor,
    vhs: SchoolRead,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The school and the first category's weapon, use and gang Selects (the heaviest widgets
    to mount) come right after the first frame; a category typed at once with a fast Tab and
    a space lands where it was typed, and the Selects then hold the school and the defaults."""
    first = at_first_frame(
        monkeypatch,
        IncidentFormScreen,
        lambda screen: (
            bool(screen.query(Select)),
            screen.editor.school.is_mounted or screen.offense_rows()[0].weapon.is_mounted,
            bool(screen.query("#school-slot")),
        ),
    )
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = IncidentFormScreen()
        await app.push_screen(screen)
        await pilot.pause()
        assert first == [(False, False, True)]  # no Select yet; the school's slot is there
        row = screen.offense_rows()[0]
        await pilot.press(*"tre", "tab", "space")  # Tab takes the category, space marks it
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.editor.rest_mounted and row.weapon.is_mounted and row.gang.is_mounted
        assert screen.editor.school.is_mounted and screen.editor.school.value == vhs.id
        assert row.category.value == "TRESPASS" and row.most_severe.value
        assert screen.focused is row.most_severe
        assert (row.weapon.value, row.suspected_use.value, row.gang.value) == (
            "none",
            "none",
            "none",
        )
        values = screen.editor.values(FieldProblems())
        assert values["school_id"] == vhs.id
        assert values["offenses"][0].category_code == "TRESPASS"


async def test_note_form_mounts_its_lower_part_after_the_first_frame(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = NoteFormScreen()
        await app.push_screen(screen)
        assert screen.kind.is_mounted and screen.students.is_mounted
        assert not screen.text.is_mounted and not screen.class_name.is_mounted
        await until_filled(pilot, lambda: screen.text.is_mounted and not screen.record_loading)
        assert screen.text.is_mounted and screen.when.is_mounted
        # The kind's own fields came later and are shown or hidden as the kind says.
        class_field = screen.field("class_name")
        assert class_field is not None and not class_field.display
        assert screen.when.text  # now, set before the field was mounted
        screen.text.focus()
        await pilot.press(*"Talked about attendance.")
        await pilot.pause()
        assert screen.text.text == "Talked about attendance."


async def test_type_ahead_makes_its_list_when_it_has_something_to_show(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuickIncidentScreen)
        category = screen.category
        assert isinstance(category, TypeAhead)
        assert not category.query("_Suggestions")  # none made for a list never opened
        await pilot.press(*"tre")
        await pilot.pause()
        assert category.query("_Suggestions") and category.list_open
        assert category.suggestions and category.suggestions[0].value == "TRESPASS"
        await pilot.press("enter")
        await pilot.pause()
        assert category.value == "TRESPASS"
        assert not screen.location.query("_Suggestions")


async def test_the_first_form_freezes_the_objects_alive_then(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert gc.get_freeze_count() > 0
