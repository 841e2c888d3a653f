"""Version checks on mentoring notes (issue 13, item 3): an update names the version it was
typed against; a change made elsewhere meanwhile is refused as "saved elsewhere" and nothing is
overwritten. Store tests run on SQLite and, with SRO_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from sro_tui.domain.errors import Conflict
from sro_tui.domain.mentoring import NoteCreate, NoteRead
from sro_tui.domain.officers import Actor
from sro_tui.services import record_seals
from sro_tui.services.registry import Services
from sro_tui.ui.forms.note_form import NoteFormScreen

from .conftest import Clock, make_officer
from .test_notes import note_data, student

CONFLICT = "saved elsewhere"


def _note(services: Services, officer: Actor, clock: Clock) -> tuple[int, NoteRead]:
    sid = student(services, officer)
    return sid, services.notes.create(officer, note_data(sid, clock, text="First words"))


def test_an_update_names_the_version_it_was_typed_against(
    services: Services, officer: Actor, clock: Clock
) -> None:
    sid, note = _note(services, officer, clock)
    assert note.version == 1
    assert services.notes.get(officer, note.id).version == 1
    # Terminal A saves against version 1: accepted, the version moves on.
    a = services.notes.update(officer, note.id, note_data(sid, clock, text="A"), version=1)
    assert (a.text, a.version) == ("A", 2)
    # Terminal B opened the note at version 1 too: refused, A's text stays.
    with pytest.raises(Conflict, match=CONFLICT) as caught:
        services.notes.update(officer, note.id, note_data(sid, clock, text="B"), version=1)
    assert caught.value.field == "version"
    stored = services.notes.get(officer, note.id)
    assert (stored.text, stored.version) == ("A", 2)
    # B reloads (version 2) and saves.
    b = services.notes.update(officer, note.id, note_data(sid, clock, text="B"), version=2)
    assert (b.text, b.version) == ("B", 3)
    updates = [e for e in services.audit.recent(limit=50) if e.action == "note.update"]
    assert len(updates) == 2  # the refused one wrote nothing


def test_marking_the_follow_up_done_moves_the_version(
    services: Services, officer: Actor, clock: Clock
) -> None:
    sid = student(services, officer)
    due = clock.now.date() + timedelta(days=1)
    note = services.notes.create(officer, note_data(sid, clock, follow_up_on=due))
    done = services.notes.complete_follow_up(officer, note.id)
    assert done.version == note.version + 1
    # An editor opened before would otherwise bring the follow-up date back.
    with pytest.raises(Conflict, match=CONFLICT):
        services.notes.update(
            officer, note.id, note_data(sid, clock, follow_up_on=due), version=note.version
        )
    assert services.notes.get(officer, note.id).follow_up_on is None


def test_two_terminals_saving_the_same_version_at_once_one_wins(
    services: Services, officer: Actor, clock: Clock
) -> None:
    sid, note = _note(services, officer, clock)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(name: str) -> None:
        data: NoteCreate = note_data(sid, clock, text=f"from {name}")
        start.wait()
        try:
            outcomes[name] = services.notes.update(officer, note.id, data, version=note.version)
        except Exception as exc:  # recorded for the asserts below
            outcomes[name] = exc

    threads = [threading.Thread(target=save, args=(name,)) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    saved = [o for o in outcomes.values() if isinstance(o, NoteRead)]
    refused = [o for o in outcomes.values() if isinstance(o, Conflict)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    stored = services.notes.get(officer, note.id)
    assert (stored.text, stored.version) == (saved[0].text, note.version + 1)


def test_seals_do_not_cover_the_version(services: Services, officer: Actor, clock: Clock) -> None:
    """A note sealed before migration 0007 had no version column: the seal must still match
    after the upgrade, so the version is left out of the sealed state (it moves only with an
    audited change). Any other column still counts."""
    sid, note = _note(services, officer, clock)
    services.notes.update(officer, note.id, note_data(sid, clock, text="Sealed"), version=1)
    db = services.ctx.db
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE notes SET version = 7 WHERE id = :id"), {"id": note.id})
    with db.read() as session:
        assert record_seals.check_records(session, services.ctx.audit_key).ok
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE notes SET text = 'forged' WHERE id = :id"), {"id": note.id})
    with db.read() as session:
        report = record_seals.check_records(session, services.ctx.audit_key)
    assert not report.ok


# --- the note form ------------------------------------------------------------------------------


async def test_the_note_form_shows_a_change_made_elsewhere_and_keeps_the_typing(
    sqlite_services: Services, clock: Clock
) -> None:
    from .test_ui_forms import FormHost
    from .ui_shell_support import settle

    officer = make_officer(sqlite_services, "1001", "officer")
    sid, note = _note(sqlite_services, officer, clock)
    vhs = sqlite_services.reference.school_by_code("VHS")
    app = FormHost(
        sqlite_services, officer, school=vhs, first=lambda: NoteFormScreen(note_id=note.id)
    )
    async with app.run_test() as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        assert form.text.text == "First words" and form.version == 1
        # Another terminal saves the note meanwhile.
        sqlite_services.notes.update(
            officer, note.id, note_data(sid, clock, text="Other terminal"), version=1
        )
        form.text.focus()
        await pilot.press("end", *" and mine")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")  # the merge it offers (test_ui_merge_changes): not now
        await settle(pilot)
        assert app.screen is form  # still open, the typing in it
        message = str(form.query_one(".form-message").render())
        assert CONFLICT in message and "kept in the draft" in message
        assert form.text.text == "First words and mine"
        form.flush_autosave()
        await settle(pilot)
        [draft] = sqlite_services.drafts.for_actor(officer)
        assert draft.key == f"note-{note.id}"
        assert draft.payload["text"] == "First words and mine"
        assert draft.payload["version"] == 1  # what it was typed against
    # The other terminal's save stands.
    assert sqlite_services.notes.get(officer, note.id).text == "Other terminal"


async def test_a_draft_keeps_the_version_its_note_was_loaded_at(
    sqlite_services: Services, clock: Clock
) -> None:
    """Reopened from its draft after a change elsewhere, the form still sends the version the
    typing was done against (so the change elsewhere is not overwritten unseen)."""
    from .test_ui_forms import FormHost
    from .ui_shell_support import settle

    officer = make_officer(sqlite_services, "1001", "officer")
    sid, note = _note(sqlite_services, officer, clock)
    vhs = sqlite_services.reference.school_by_code("VHS")

    def host() -> FormHost:
        return FormHost(
            sqlite_services, officer, school=vhs, first=lambda: NoteFormScreen(note_id=note.id)
        )

    app = host()
    async with app.run_test() as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        form.text.focus()
        await pilot.press("end", *" typed")
        form.flush_autosave()
        await settle(pilot)
        assert sqlite_services.drafts.for_actor(officer)
    sqlite_services.notes.update(
        officer, note.id, note_data(sid, clock, text="Other terminal"), version=1
    )
    app = host()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("escape")  # the merge it offers (test_ui_merge_changes): not now
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        assert form.text.text == "First words typed" and form.version == 1
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form
        assert CONFLICT in str(form.query_one(".form-message").render())
    assert sqlite_services.notes.get(officer, note.id).text == "Other terminal"
