"""The incident form off the UI thread and its refusals at the field: it takes keys while
another terminal holds the store's write lock (its load waits in a worker), keeps them, and
says why F9 did not submit under the field at fault, with the cursor there."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pytest import MonkeyPatch

from sro_tui.domain.enums import IncidentStatus
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, ReviewDecision
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services
from sro_tui.ui.incident_draft import IncidentDraft, OffenseDraft, merge_typed, read_draft
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.incident_view import IncidentView
from sro_tui.ui.widgets.incident_rows import OffenseRow

from .conftest import make_officer
from .test_ui_form_loading import SlowStore
from .test_ui_forms import FormHost, ui_officer, vhs
from .ui_shell_support import send_keys, settle

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


def _report(services: Services, actor: Actor, school: SchoolRead, narrative: str = "") -> int:
    data = IncidentCreate(
        school_id=school.id,
        occurred_at=datetime(2026, 9, 14, 15, 0, tzinfo=UTC),
        location_code="HALLWAY",
        offenses=[OffenseIn(category_code="FIGHT")],
        narrative=narrative,
    )
    return services.incidents.create(actor, data).id


def _report_host(
    services: Services, actor: Actor, school: SchoolRead, incident_id: int
) -> FormHost:
    """A host app that opens report ``incident_id`` for ``actor`` first."""
    return FormHost(
        services, actor, school=school, first=lambda: IncidentFormScreen(incident_id=incident_id)
    )


def _form(app: FormHost) -> IncidentFormScreen:
    screen = app.screen
    assert isinstance(screen, IncidentFormScreen), screen
    return screen


@contextmanager
def write_lock(path: str) -> Iterator[sqlite3.Connection]:
    """Another terminal in the middle of a write: it holds SQLite's write lock on ``path``
    (BEGIN IMMEDIATE) until the block ends."""
    other = sqlite3.connect(Path(path), isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


# --- refusals at the field ---------------------------------------------------------------------


async def test_f9_without_a_narrative_saves_and_says_why_at_the_narrative(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs, first=IncidentFormScreen)
    async with app.run_test() as pilot:
        await settle(pilot)
        form = _form(app)
        await pilot.press(*"fight", "enter")
        form.location.input.focus()
        await pilot.press(*"hall", "enter")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is form, "a refused submit leaves the form open"
        # Saved as a draft report, not submitted.
        assert form.incident_id is not None
        record = sqlite_services.incidents.get(ui_officer, form.incident_id)
        assert record.status is IncidentStatus.DRAFT
        # The reason is under the narrative, and the cursor is in it.
        narrative = form.field("narrative")
        assert narrative is not None
        assert "Write the narrative before submitting" in narrative.error
        assert app.focused is form.narrative
        # Written, F9 submits.
        await pilot.press(*"Two students pushing in the hallway.")
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is not form
    assert sqlite_services.incidents.get(ui_officer, record.id).status is (IncidentStatus.SUBMITTED)


async def test_f9_with_a_bad_field_shows_it_there_and_submits_nothing(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs, first=IncidentFormScreen)
    async with app.run_test() as pilot:
        await settle(pilot)
        form = _form(app)
        form.when.text = "31:00"
        form.narrative.text = "Written."
        await pilot.press("f9")
        await settle(pilot)
        when = form.field("occurred_at")
        assert when is not None and "not a time of day" in when.error
        assert app.focused is form.when.input
        assert form.incident_id is None, "nothing was saved or submitted"


# --- off the UI thread ---------------------------------------------------------------------------


async def test_keys_typed_while_another_terminal_holds_the_write_lock_land_in_the_fields(
    sqlite_services: Services, sqlite_url: str, ui_officer: Actor, vhs: SchoolRead
) -> None:
    """The report's audited read waits for the lock in the load worker; the form is drawn
    and takes keys meanwhile. Nothing here depends on how long anything takes: while the
    lock is held the load cannot finish, so every key seen by then was taken during it."""
    incident_id = _report(sqlite_services, ui_officer, vhs, "Pushing in the hallway.")
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await settle(pilot)
        with write_lock(sqlite_url):
            app.push_screen(IncidentFormScreen(incident_id=incident_id))
            await pilot.pause()
            form = _form(app)
            assert form.record_loading
            # A time, then a second category typed and taken with Enter before the
            # categories are even loaded.
            send_keys(pilot, [*"1040", "ctrl+o", *"thef", "enter"])
            for _ in range(50):  # however busy the machine: until the app took the keys
                await pilot.pause()
                if [r.category.text for r in form.offense_rows()] == ["", "thef"]:
                    break
            assert form.record_loading, (
                "the store is still locked: the keys came in during the load"
            )
            assert form.when.text == "1040"
            rows = form.offense_rows()
            assert [r.category.text for r in rows] == ["", "thef"]
        await settle(pilot)  # the lock is gone: the load finishes
        assert not form.record_loading
        # What was typed stays; what was loaded is there too.
        assert form.when.text == "1040"
        codes = [r.category.value for r in form.query(OffenseRow)]
        assert codes == ["FIGHT", "THEFT"]
        assert form.narrative.text == "Pushing in the hallway."
        assert form.is_changed()
        await pilot.press("ctrl+s")
        await settle(pilot)
    record = sqlite_services.incidents.get(ui_officer, incident_id)
    assert [o.category_code for o in record.offenses] == ["FIGHT", "THEFT"]
    assert record.occurred_at.astimezone(sqlite_services.ctx.tz).strftime("%H:%M") == "10:40"
    assert record.narrative == "Pushing in the hallway."


async def test_a_report_the_officer_may_not_edit_opens_read_only_after_loading(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    incident_id = _report(sqlite_services, ui_officer, vhs, "Pushing in the hallway.")
    sqlite_services.incidents.submit(ui_officer, incident_id)
    app = _report_host(sqlite_services, ui_officer, vhs, incident_id)
    async with app.run_test() as pilot:
        await settle(pilot)
        form = _form(app)
        assert not form.editable
        assert not form.query(OffenseRow), "the editor is gone"
        [view] = form.query(IncidentView)
        assert app.focused is view
        assert not form.check_action("save", ()) and not form.check_action("submit", ())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not form


# --- the draft model -------------------------------------------------------------------------


def test_a_damaged_or_old_draft_reads_with_defaults() -> None:
    assert read_draft({"a": 1}) == IncidentDraft()
    old = {"offenses": [{}], "compliance": {"ec48902": {"done": True, "at": "10:40"}}}
    draft = read_draft(old)
    assert draft is not None and draft.offenses == [OffenseDraft()]
    assert read_draft({"people": "nobody"}) is None


def test_lists_and_a_narrative_typed_ahead_add_to_the_loaded_report() -> None:
    loaded = IncidentDraft(
        offenses=[OffenseDraft(code="FIGHT", text="Fight")], narrative="Stored text."
    )
    typed = {
        "when": "10:40",
        "offenses": [OffenseDraft(text="thef").model_dump(mode="json")],
        "narrative": "More.",
    }
    merge_typed(typed, loaded, skeleton_narrative="")
    assert typed["when"] == "10:40"
    assert [o["text"] for o in typed["offenses"]] == ["Fight", "thef"]
    assert typed["narrative"] == "Stored text.\nMore."
    # A new report's note was in the skeleton already: typed text replaces nothing twice.
    typed = {"narrative": "Note. More."}
    merge_typed(typed, IncidentDraft(narrative="Note."), skeleton_narrative="Note.")
    assert typed["narrative"] == "Note. More."


# --- people not on the roster ----------------------------------------------------------------


async def test_a_name_is_kept_as_typed_only_by_choosing_to(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    """A person's typed name that picks nobody is refused at the row; '+ add … as a person
    not on the roster' keeps it; reopened, such a name stays a choice (saves unchanged)."""
    incident_id = _report(sqlite_services, ui_officer, vhs, "Pushing in the hallway.")
    app = _report_host(sqlite_services, ui_officer, vhs, incident_id)
    async with app.run_test() as pilot:
        await settle(pilot)
        form = _form(app)
        await pilot.press("ctrl+t", *"Visitor Vic")
        await settle(pilot)
        [row] = form.person_rows()
        await pilot.press("ctrl+s")
        await settle(pilot)
        field = form.field(row.field_name)
        assert field is not None and "Pick the student from the list" in field.error
        row.who.input.focus()
        await settle(pilot)
        await pilot.press("down")  # the list opens on its only entry: keep the name
        await pilot.press("enter")
        assert row.who.free_chosen
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not field.error
    [person] = sqlite_services.incidents.get(ui_officer, incident_id).people
    assert (person.name, person.student_id) == ("Visitor Vic", None)

    app = _report_host(sqlite_services, ui_officer, vhs, incident_id)
    async with app.run_test() as pilot:
        await settle(pilot)
        form = _form(app)
        [row] = form.person_rows()
        assert row.who.free_chosen and row.who.text == "Visitor Vic"
        form.narrative.focus()
        await pilot.press("end", *" Visitor left.")
        await pilot.press("ctrl+s")
        await settle(pilot)
    record = sqlite_services.incidents.get(ui_officer, incident_id)
    assert [p.name for p in record.people] == ["Visitor Vic"]
    assert record.narrative.endswith("Visitor left.")


# --- every store call in a worker ------------------------------------------------------------


async def test_open_save_submit_supplement_and_review_never_touch_the_store_on_the_ui_thread(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead, monkeypatch: MonkeyPatch
) -> None:
    sergeant = make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    mine = _report(sqlite_services, ui_officer, vhs, "Pushing in the hallway.")
    approved = _report(sqlite_services, ui_officer, vhs, "Approved one.")
    sqlite_services.incidents.submit(ui_officer, approved)
    sqlite_services.incidents.approve(sergeant, approved, ReviewDecision())
    waiting = _report(sqlite_services, ui_officer, vhs, "Waiting one.")
    sqlite_services.incidents.submit(ui_officer, waiting)
    store = SlowStore(sqlite_services, monkeypatch)
    store.gate.set()  # workers go straight through; calls on the UI thread are recorded

    async def run(actor: Actor, incident_id: int, *keys: str) -> None:
        store.watching = True
        app = _report_host(sqlite_services, actor, vhs, incident_id)
        async with app.run_test() as pilot:
            await settle(pilot)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            assert store.on_ui_thread == [], keys
            store.watching = False  # leaving the app may keep a draft from the UI thread

    # The officer: edit, save, submit; a supplement on the approved report.
    await run(ui_officer, mine, "tab", "tab", "ctrl+s", "f9")
    await run(ui_officer, approved, "a", *"Video reviewed.", "ctrl+s")
    # The supervisor: return the waiting report with a comment.
    await run(sergeant, waiting, "r", *"Name the witness.", "ctrl+s")
    assert sqlite_services.incidents.get(ui_officer, mine).status is IncidentStatus.SUBMITTED
    record = sqlite_services.incidents.get(ui_officer, approved)
    assert [s.text for s in record.supplements] == ["Video reviewed."]
    returned = sqlite_services.incidents.get(ui_officer, waiting)
    assert returned.status is IncidentStatus.RETURNED
    assert returned.review_comment == "Name the witness."


async def test_a_report_the_officer_may_not_read_says_so_and_offers_no_form(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    other = make_officer(sqlite_services, "1002", "officer", ("VHS",))
    theirs = _report(sqlite_services, other, vhs, "Their draft.")  # drafts are the author's
    app = _report_host(sqlite_services, ui_officer, vhs, theirs)
    async with app.run_test() as pilot:
        await settle(pilot)
        form = _form(app)
        assert form.load_problem
        assert "Cannot open this report" in str(form.query_one("#incident-title").render())
        assert not form.query(OffenseRow)
        assert not form.check_action("save", ())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not form
