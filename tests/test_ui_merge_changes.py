"""Saved elsewhere, then saved (issue 13 items 2 and 3), on real stores (SQLite and, with
SRO_TEST_DATABASE_URL, PostgreSQL): two Database objects on one store are two terminals of
one officer. The form shows the record as the other terminal saved it beside the typing,
field by field; the officer's choices are saved against the current version. A kept draft
reopened against a newer record gets the same merge; a newer draft typed on the other
terminal is named and can be taken."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot

from sro_tui.domain.drafts import DraftSave
from sro_tui.domain.incidents import IncidentCreate, IncidentUpdate, OffenseIn
from sro_tui.domain.merge import Side
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database
from sro_tui.ui.incident_load import DRAFT_FORM
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.merge_changes import MergeChangesScreen, MergeRow
from sro_tui.ui.widgets.confirm import ConfirmScreen

from .conftest import TEST_AUDIT_KEY, Clock, make_officer
from .test_ui_forms import FormHost
from .ui_shell_support import settle


@pytest.fixture
def laptop(db_url: str, services: Services, clock: Clock) -> Iterator[Services]:
    """The officer's second terminal on the same store."""
    database = Database(db_url)
    try:
        yield build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="laptop")
    finally:
        database.dispose()


def _report(services: Services, officer: Actor) -> int:
    data = IncidentCreate(
        school_id=services.reference.school_by_code("VHS").id,
        occurred_at=datetime(2026, 9, 14, 15, 0, tzinfo=UTC),
        location_code="HALLWAY",
        offenses=[OffenseIn(category_code="FIGHT")],
        narrative="Two students fought.",
    )
    return services.incidents.create(officer, data).id


def _host(services: Services, officer: Actor, incident_id: int) -> FormHost:
    vhs = services.reference.school_by_code("VHS")
    return FormHost(
        services, officer, school=vhs, first=lambda: IncidentFormScreen(incident_id=incident_id)
    )


def _elsewhere(laptop: Services, officer: Actor, incident_id: int) -> None:
    """The laptop moves the report to the parking lot and rewrites its narrative."""
    laptop.incidents.update(
        officer,
        incident_id,
        IncidentUpdate(version=1, location_code="PARKING", narrative="Fight in the lot."),
    )


async def _merge_screen(pilot: Pilot[None]) -> MergeChangesScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MergeChangesScreen), screen
    return screen


async def test_a_save_refused_as_saved_elsewhere_merges_field_by_field_and_saves(
    services: Services, laptop: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    incident_id = _report(services, officer)
    app = _host(services, officer, incident_id)
    async with app.run_test() as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentFormScreen) and form.version == 1
        form.narrative.focus()
        await pilot.press("end", *" Both sent to the office.")
        _elsewhere(laptop, officer, incident_id)
        await pilot.press("ctrl+s")
        merge = await _merge_screen(pilot)
        rows = list(merge.query(MergeRow))
        # Only the fields that differ, in the form's order, each value as typed.
        assert [r.shown.label for r in rows] == ["Where", "Narrative"]
        assert rows[1].shown.mine == "Two students fought. Both sent to the office."
        assert rows[1].shown.other == "Fight in the lot."
        assert "Parking" in rows[0].shown.other
        await pilot.press("o")  # Where: the laptop's; the cursor moves on
        await pilot.press("m")  # Narrative: mine
        assert merge.choices() == {"location": Side.OTHER, "narrative": Side.MINE}
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
    stored = services.incidents.get(officer, incident_id)
    assert stored.narrative == "Two students fought. Both sent to the office."
    assert stored.location_code == "PARKING"
    assert stored.version == 3  # saved against the laptop's version 2
    left = services.drafts.find(officer, DRAFT_FORM, str(incident_id))
    assert left is None, (left.payload["version"], left.payload["narrative"])


async def test_a_kept_draft_reopened_after_saved_elsewhere_can_be_saved(
    services: Services, laptop: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    incident_id = _report(services, officer)
    app = _host(services, officer, incident_id)
    async with app.run_test() as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentFormScreen)
        form.narrative.focus()
        await pilot.press("end", *" Mine.")
        _elsewhere(laptop, officer, incident_id)
        await pilot.press("ctrl+s")
        merge = await _merge_screen(pilot)
        await pilot.press("escape")  # not now: back to the form, the typing kept
        await settle(pilot)
        assert app.screen is form and form.version == 1
        await pilot.press("escape", "k")  # leave, keeping the draft
        await settle(pilot)
        assert not isinstance(app.screen, IncidentFormScreen)
        # Reopened: the draft (typed against version 1) beside the report as saved now.
        app.open_incident(incident_id)
        merge = await _merge_screen(pilot)
        assert [r.shown.label for r in merge.query(MergeRow)] == ["Where", "Narrative"]
        await pilot.press("A")  # all the laptop's ...
        await pilot.press("down", "m")  # ... but my narrative
        assert merge.choices() == {"location": Side.OTHER, "narrative": Side.MINE}
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentFormScreen) and form.version == 2
        assert form.narrative.text == "Two students fought. Mine."
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = services.incidents.get(officer, incident_id)
    assert (stored.narrative, stored.location_code, stored.version) == (
        "Two students fought. Mine.",
        "PARKING",
        3,
    )


async def test_a_newer_draft_on_the_other_terminal_is_named_and_can_be_taken(
    services: Services, laptop: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    incident_id = _report(services, officer)
    key = str(incident_id)
    services.drafts.save(
        officer,
        DraftSave(
            form=DRAFT_FORM,
            key=key,
            payload=_payload(services, officer, incident_id, "Typed here first."),
        ),
    )
    clock.advance(minutes=3)
    laptop.drafts.save(
        officer,
        DraftSave(
            form=DRAFT_FORM,
            key=key,
            payload=_payload(services, officer, incident_id, "Typed on the laptop later."),
        ),
    )
    app = _host(services, officer, incident_id)
    async with app.run_test() as pilot:
        await settle(pilot)
        ask = app.screen
        assert isinstance(ask, ConfirmScreen), ask
        assert "terminal laptop" in ask.question and "newer draft" in ask.question
        await pilot.press("y")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentFormScreen)
        assert form.narrative.text == "Typed on the laptop later."
        form.flush_autosave()
        await settle(pilot)
    # Both terminals' drafts are kept; this one's now holds what it took.
    kept = {d.terminal: d.payload["narrative"] for d in services.drafts.for_actor(officer)}
    assert kept == {"pytest": "Typed on the laptop later.", "laptop": "Typed on the laptop later."}


def _payload(services: Services, officer: Actor, incident_id: int, narrative: str) -> dict:
    from sro_tui.ui.incident_draft import draft_of_record

    record = services.incidents.get(officer, incident_id)
    draft = draft_of_record(record, services.ctx.tz)
    draft.narrative = narrative
    return draft.payload()


# --- mentoring notes ----------------------------------------------------------------------------


async def test_a_note_saved_elsewhere_merges_and_saves(
    services: Services, laptop: Services, clock: Clock
) -> None:
    from sro_tui.ui.forms.note_form import NoteFormScreen

    from .test_notes import note_data, student

    officer = make_officer(services, "1001")
    sid = student(services, officer)
    note = services.notes.create(officer, note_data(sid, clock, text="First words"))
    vhs = services.reference.school_by_code("VHS")
    app = FormHost(services, officer, school=vhs, first=lambda: NoteFormScreen(note_id=note.id))
    async with app.run_test() as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen) and form.version == 1
        form.text.focus()
        await pilot.press("end", *" and mine")
        laptop.notes.update(
            officer, note.id, note_data(sid, clock, text="Laptop words", minutes=45), version=1
        )
        await pilot.press("ctrl+s")
        merge = await _merge_screen(pilot)
        rows = list(merge.query(MergeRow))
        assert [r.shown.label for r in rows] == ["Minutes", "Note"]
        assert (rows[0].shown.mine, rows[0].shown.other) == ("20", "45")
        assert (rows[1].shown.mine, rows[1].shown.other) == ("First words and mine", "Laptop words")
        await pilot.press("o", "m", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, NoteFormScreen | MergeChangesScreen)  # saved, closed
    stored = services.notes.get(officer, note.id)
    assert (stored.text, stored.minutes, stored.version) == ("First words and mine", 45, 3)
    assert services.drafts.find(officer, "note", f"note-{note.id}") is None


async def test_a_taken_draft_typed_against_an_older_version_is_merged_first(
    services: Services, laptop: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    incident_id = _report(services, officer)
    # The laptop kept a draft typed against version 1; then the report was saved (version 2).
    laptop.drafts.save(
        officer,
        DraftSave(
            form=DRAFT_FORM,
            key=str(incident_id),
            payload=_payload(services, officer, incident_id, "Laptop typing."),
        ),
    )
    _elsewhere(services, officer, incident_id)
    app = _host(services, officer, incident_id)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        merge = await _merge_screen(pilot)
        rows = {r.shown.label: r.shown for r in merge.query(MergeRow)}
        assert rows["Narrative"].mine == "Laptop typing."
        assert rows["Narrative"].other == "Fight in the lot."
        await pilot.press("a", "enter")  # all of the laptop's typing
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentFormScreen) and form.version == 2
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = services.incidents.get(officer, incident_id)
    assert (stored.narrative, stored.location_code, stored.version) == (
        "Laptop typing.",
        "HALLWAY",
        3,
    )
