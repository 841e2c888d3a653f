"""Mentoring and contacts (F5): the list, the note form and the note view, driven with keys
as an officer would, each checked in the store afterwards."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.widgets import DataTable, Input, Static

from sro_tui.domain.enums import ContactKind, LectureTopic
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.forms.note_form import NoteFormScreen, model_error_field
from sro_tui.ui.messages import OpenRecord
from sro_tui.ui.screens.mentoring import MentoringScreen
from sro_tui.ui.screens.note_view import NoteViewScreen
from sro_tui.ui.widgets.confirm import LeaveFormScreen
from sro_tui.ui.widgets.day_field import DayField

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text

SECRET = "Talked about trouble at home"


def add_student(services: Services, actor: Actor, district_id: str, first: str, last: str) -> int:
    vhs = services.reference.school_by_code("VHS").id
    return services.students.create(
        actor,
        StudentCreate(district_id=district_id, first_name=first, last_name=last, school_id=vhs),
    ).id


def rows(screen: MentoringScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def screen_text(screen: object) -> str:
    """Everything the screen's Static widgets show."""
    return "\n".join(str(s.content) for s in screen.query(Static))  # type: ignore[attr-defined]


async def open_mentoring(pilot: object, app: object) -> MentoringScreen:
    await pilot.press("f5")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MentoringScreen)
    return screen


async def test_confidential_mentoring_note_written_with_keys(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    maria = add_student(sqlite_services, officer, "S-100", "Maria", "Garcia")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        screen = await open_mentoring(pilot, app)
        assert rows(screen) == []
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        assert app.focused is form.kind  # the kind first; mentoring is the default
        await pilot.press("tab")
        await type_text(pilot, "garcia")
        await settle(pilot)
        await pilot.press("enter")  # take Maria; the cursor stays for another student
        assert form.students.values == [maria]
        await pilot.press("tab", "space")  # with parent
        await pilot.press("tab", "tab", "tab")  # with staff, when (now), minutes
        await type_text(pilot, "25")
        await pilot.press("tab")
        await type_text(pilot, "+7")
        await pilot.press("tab")
        await type_text(pilot, "home, grades")
        await pilot.press("tab")
        await type_text(pilot, SECRET)
        await pilot.press("tab", "space")  # confidential
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        table_rows = rows(screen)
        assert len(table_rows) == 1
        lock, _day, kind, what, minutes, follow = table_rows[0]
        assert lock and kind == "mentoring" and what == "Garcia, Maria" and minutes == "25"
        assert follow == (clock.now.date() + timedelta(days=7)).isoformat()
    page = sqlite_services.notes.page(officer)
    assert len(page.items) == 1
    note = page.items[0]
    assert note.kind is ContactKind.MENTORING and note.student_ids == (maria,)
    assert note.confidential and note.with_parent and not note.with_staff
    assert (note.minutes, note.topics, note.text) == (25, "home, grades", SECRET)
    today = sqlite_services.ctx.today()
    assert note.follow_up_on == today + timedelta(days=7)
    assert note.school_id == sqlite_services.reference.school_by_code("VHS").id
    assert sqlite_services.drafts.for_actor(officer) == []  # saving dropped the draft


async def test_lecture_without_head_count_shows_the_error_under_it(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        screen = await open_mentoring(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        await pilot.press("enter", *["down"] * 5, "enter")  # Classroom lecture
        await settle(pilot)
        assert form.current_kind is ContactKind.CLASSROOM
        assert not form.query_one("#field-student_ids").display
        assert form.query_one("#field-head_count").display
        await pilot.press("tab")
        await type_text(pilot, "Health 3")
        await pilot.press("tab", "enter", "down", "enter")  # the first lecture topic
        await settle(pilot)
        assert form.lecture_topic.value == LectureTopic.DRUG_RESISTANCE.value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        head = form.query_one("#field-head_count")
        assert "Head count is required" in head.error  # type: ignore[attr-defined]
        assert form.class_name.value == "Health 3"
        assert app.focused is form.head_count
        assert sqlite_services.notes.page(officer).items == []
        await type_text(pilot, "28")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    note = sqlite_services.notes.page(officer).items[0]
    assert note.kind is ContactKind.CLASSROOM
    assert (note.class_name, note.lecture_topic, note.head_count) == (
        "Health 3",
        LectureTopic.DRUG_RESISTANCE,
        28,
    )
    assert note.student_ids == ()


async def test_others_see_a_confidential_note_exists_but_not_its_text(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    make_officer(sqlite_services, "2001", "supervisor", ("VHS", "BHS"))
    make_officer(sqlite_services, "1002")
    maria = add_student(sqlite_services, officer, "S-100", "Maria", "Garcia")
    note = sqlite_services.notes.create(
        officer,
        NoteCreate(
            occurred_at=clock.now - timedelta(hours=2),
            student_ids=[maria],
            topics="family",
            text=SECRET,
            confidential=True,
            minutes=30,
            follow_up_on=clock.now.date(),
        ),
    )
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "2001")
        screen = await open_mentoring(pilot, app)
        assert rows(screen) == []  # a supervisor's own notes: none
        await pilot.press("s")  # everyone's
        await settle(pilot)
        (row,) = rows(screen)
        assert row[0] and row[2] == "mentoring"
        assert row[3] == "confidential note by Officer 1001"
        listed = "\n".join(" ".join(r) for r in rows(screen))
        assert "Garcia" not in listed and "family" not in listed
        await pilot.press("e", "f")  # not the supervisor's note: both keys are dimmed
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, NoteViewScreen)
        shown = screen_text(view)
        assert "Confidential note by Officer 1001" in shown
        assert SECRET not in shown and "family" not in shown and "Garcia" not in shown
        assert view.note is not None and view.note.redacted
        assert app.active_bindings.get("e") is None or not view.check_action("edit", ())
        await pilot.press("e")  # not the reader's note: nothing opens
        await settle(pilot)
        assert app.screen is view
    # A plain officer opening the note directly is told the same, and the read is audited.
    other_app = make_app(sqlite_services, clock)
    async with other_app.run_test() as pilot:
        await sign_in(pilot, "1002")
        other_app.push_screen(NoteViewScreen(note.id))
        await settle(pilot)
        shown = screen_text(other_app.screen)
        assert "Confidential note by Officer 1001" in shown and SECRET not in shown
    events = sqlite_services.audit.recent(limit=50)
    denied = [e for e in events if e.action == "note.read"]
    assert denied and all(e.outcome.value == "denied" for e in denied)
    assert not [e for e in events if e.action == "note.follow_up_done"]


async def test_own_note_view_edit_and_refer(sqlite_services: Services, clock: Clock) -> None:
    officer = make_officer(sqlite_services, "1001")
    maria = add_student(sqlite_services, officer, "S-100", "Maria", "Garcia")
    note = sqlite_services.notes.create(
        officer,
        NoteCreate(
            occurred_at=clock.now - timedelta(hours=1),
            student_ids=[maria],
            text=SECRET,
            confidential=True,
            follow_up_on=clock.now.date(),
        ),
    )
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        screen = await open_mentoring(pilot, app)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, NoteViewScreen)
        assert SECRET in screen_text(view) and "Garcia, Maria (S-100)" in screen_text(view)
        await pilot.press("r")  # refer Maria, the note linked
        await settle(pilot)
        referral = app.screen
        assert type(referral).__name__ == "ReferralFormScreen"
        assert referral.prefill == {"student_id": maria, "note_id": note.id}  # type: ignore[attr-defined]
        app.pop_screen()
        await settle(pilot)
        assert app.screen is view
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        assert form.text.text == SECRET and form.students.values == [maria]
        form.minutes.focus()
        await type_text(pilot, "40")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is view
        assert "40 min" in screen_text(view)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("f")  # the follow-up is done
        await settle(pilot)
        assert rows(screen)[0][5] == ""
    saved = sqlite_services.notes.get(officer, note.id)
    assert saved.minutes == 40 and saved.text == SECRET and saved.follow_up_on is None


async def test_list_filters_by_kind(sqlite_services: Services, clock: Clock) -> None:
    officer = make_officer(sqlite_services, "1001")
    maria = add_student(sqlite_services, officer, "S-100", "Maria", "Garcia")
    ana = add_student(sqlite_services, officer, "S-200", "Ana", "Ruiz")
    for hours, data in enumerate(
        [
            {"student_ids": [maria]},
            {"kind": ContactKind.LIAISON, "agency": "County Probation"},
            {"student_ids": [ana], "kind": ContactKind.MEDIATION},
            {"student_ids": [ana]},
        ],
        start=1,
    ):
        sqlite_services.notes.create(
            officer, NoteCreate(occurred_at=clock.now - timedelta(hours=hours), **data)
        )
    sqlite_services.notes.create(
        officer,
        NoteCreate(occurred_at=clock.now - timedelta(days=3), student_ids=[maria, ana]),
    )
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        screen = await open_mentoring(pilot, app)
        kinds = [r[2] for r in rows(screen)]
        assert kinds == ["mentoring", "liaison", "mediation", "mentoring", "mentoring"]
        await pilot.press("k")  # mentoring
        await settle(pilot)
        both = "Garcia, Maria; Ruiz, Ana"
        assert [r[3] for r in rows(screen)] == ["Garcia, Maria", "Ruiz, Ana", both]
        # From a day on: the older note drops out.
        await pilot.press("slash", "tab", "tab")
        assert app.focused is screen.query_one("#filter-from")
        await type_text(pilot, "2026-09-14")
        await pilot.press("enter")
        await settle(pilot)
        assert [r[3] for r in rows(screen)] == ["Garcia, Maria", "Ruiz, Ana"]
        screen.query_one("#filter-from", Input).value = ""
        await pilot.press("k")  # the next kind; the emptied date box counts again
        await settle(pilot)
        await pilot.press(*["k"] * 6)  # … to liaison, the last kind
        await settle(pilot)
        assert [r[3] for r in rows(screen)] == ["County Probation"]
        await pilot.press("k")  # any kind again
        await settle(pilot)
        assert len(rows(screen)) == 5
        # By student: the type-ahead in the filter row.
        screen.query_one("#filter-student Input").focus()
        await type_text(pilot, "ruiz")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert [r[3] for r in rows(screen)] == ["Ruiz, Ana", "Ruiz, Ana", both]


async def test_list_pages_as_the_cursor_nears_the_end(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    for minutes in range(1, 76):
        sqlite_services.notes.create(
            officer,
            NoteCreate(
                kind=ContactKind.LIAISON,
                agency=f"Agency {minutes}",
                occurred_at=clock.now - timedelta(minutes=minutes),
            ),
        )
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        screen = await open_mentoring(pilot, app)
        assert screen.query_one(DataTable).row_count == 50
        await pilot.press("end")
        await settle(pilot)
        assert screen.query_one(DataTable).row_count == 75
        assert rows(screen)[-1][3] == "Agency 75"


async def test_half_written_note_kept_as_draft_and_reopened(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    maria = add_student(sqlite_services, officer, "S-100", "Maria", "Garcia")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        screen = await open_mentoring(pilot, app)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        await pilot.press("tab")
        await type_text(pilot, "S-100")
        await settle(pilot)
        await pilot.press("enter")
        form.text.focus()
        await type_text(pilot, "Half of a note")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LeaveFormScreen)
        await pilot.press("k")  # keep the draft
        await settle(pilot)
        assert app.screen is screen
        (draft,) = sqlite_services.drafts.for_actor(officer)
        assert draft.form == "note" and "Garcia, Maria" in draft.title
        assert sqlite_services.notes.page(officer).items == []
        app.post_message(OpenRecord("draft", draft.id))  # as Today's draft list does
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        assert form.text.text == "Half of a note" and form.students.values == [maria]
        assert form.is_changed()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    (note,) = sqlite_services.notes.page(officer).items
    assert note.text == "Half of a note" and note.student_ids == (maria,)
    assert sqlite_services.drafts.for_actor(officer) == []


async def test_prefill_from_a_timeline(sqlite_services: Services, clock: Clock) -> None:
    officer = make_officer(sqlite_services, "1001")
    ana = add_student(sqlite_services, officer, "S-200", "Ana", "Ruiz")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        app.open_new_note({"student_ids": [ana], "kind": ContactKind.MEDIATION.value})
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        assert form.current_kind is ContactKind.MEDIATION
        assert form.students.values == [ana]
        assert not form.query_one("#note-with").display
        await pilot.press("ctrl+s")
        await settle(pilot)
    (note,) = sqlite_services.notes.page(officer).items
    assert note.kind is ContactKind.MEDIATION and note.student_ids == (ana,)


async def test_mentoring_without_a_student_is_told_under_students(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        app.push_screen(NoteFormScreen())
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteFormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        students = form.query_one("#field-student_ids")
        assert "needs at least one student" in students.error  # type: ignore[attr-defined]
        assert app.focused is form.students.typeahead.input


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("A mediation needs at least one student", "student_ids"),
        ("Class is required for a classroom lecture", "class_name"),
        ("Lecture topic is required for a classroom lecture", "lecture_topic"),
        ("Head count (attendees) is required for a staff training", "head_count"),
        ("Agency is required for a liaison contact", "agency"),
        ("Something else", None),
    ],
)
def test_note_rules_map_to_their_field(message: str, field: str | None) -> None:
    assert model_error_field(message) == field


async def test_follow_up_days() -> None:
    """The follow-up is a DayField: the one day grammar, its message naming the field."""
    from textual.app import App

    today = date(2026, 9, 14)
    field = DayField(label="Follow-up", today=lambda: today)
    app: App[None] = App()
    async with app.run_test():
        await app.mount(field)
        for text, day in [
            ("", None),
            ("+14", date(2026, 9, 28)),
            ("+3d", date(2026, 9, 17)),
            ("+2 days", date(2026, 9, 16)),
            ("2026-10-01", date(2026, 10, 1)),
            ("t", today),
        ]:
            field.value = text
            assert field.day() == day
        for bad in ("+x", "next week", "2026-02-30"):
            field.value = bad
            with pytest.raises(ValueError, match="Follow-up"):
                field.day()
