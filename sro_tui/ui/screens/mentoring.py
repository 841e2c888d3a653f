"""Mentoring and contacts (F5): the officer's notes, newest first, a page at a time.

Filters: kind (``k`` cycles, or the Select), one student (type-ahead), a date range;
supervisors switch between their own notes and everyone's with ``s``. Pages come from
``services.notes.page`` (keyset paging), fetched in a thread worker when the cursor nears the
end of what is loaded. Enter opens a note, ``n`` writes a new one; on the officer's own
notes ``e`` edits and ``f`` marks a follow-up done. A confidential note of another officer
shows only that it exists and whose it is: the service blanks its content, and this screen
shows only what the service returns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, Select, Static
from textual.worker import get_current_worker

from ...domain.enums import ContactKind
from ...domain.errors import SroError
from ...domain.mentoring import NoteRead
from ...domain.paging import Page
from ..access import SessionAccess
from ..forms.base import student_search
from ..text import cell, literal, visible
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.typeahead import TypeAhead

__all__ = ["PAGE_SIZE", "PREFETCH_ROWS", "MentoringScreen", "note_summary"]

PAGE_SIZE = 50
PREFETCH_ROWS = 10
LOCK = "C"  # confidential (plain text: an emoji is double width in some terminals)

SCOPE_LABELS = {"own": "My notes", "all": "All officers' notes"}
KIND_SHORT: dict[ContactKind, str] = {
    ContactKind.MENTORING: "mentoring",
    ContactKind.PARENT: "parent",
    ContactKind.STAFF: "staff",
    ContactKind.MEDIATION: "mediation",
    ContactKind.SAP_GROUP: "SAP group",
    ContactKind.CLASSROOM: "lecture",
    ContactKind.STAFF_TRAINING: "training",
    ContactKind.LIAISON: "liaison",
}
KIND_FILTER_OPTIONS = [(KIND_SHORT[k].capitalize(), k.value) for k in ContactKind]


def note_summary(note: NoteRead, names: dict[int, str]) -> str:
    """Who or what a note is about, in a few words; for a redacted note only its author."""
    if note.redacted:
        return f"confidential note by {note.officer_name}"
    if note.kind is ContactKind.CLASSROOM:
        topic = f", {note.lecture_topic.value}" if note.lecture_topic else ""
        return f"{note.class_name}{topic}"
    if note.kind is ContactKind.STAFF_TRAINING:
        return note.topics or "staff training"
    if note.kind is ContactKind.LIAISON:
        return note.agency
    who = [names.get(i, "…") for i in note.student_ids]
    if len(who) > 2:
        return f"{who[0]}; {who[1]} +{len(who) - 2}"
    return "; ".join(who) or note.topics


def _parse_day(text: str) -> date | None:
    text = text.strip()
    return date.fromisoformat(text) if text else None


class NoteTable(DataTable[str]):
    """The list's table; Home / End go to the first / last loaded note."""

    BINDINGS = [
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]


class MentoringScreen(SessionAccess, Screen[None]):
    """Mentoring notes and contacts, newest first."""

    AUTO_FOCUS = "#notes"

    BINDINGS = [
        Binding("n", "new", "New note", id="mentoring.new"),
        Binding("e", "edit", "Edit", id="mentoring.edit"),
        Binding("f", "follow_up_done", "Follow-up done", id="mentoring.follow_up"),
        Binding("k", "cycle_kind", "Kind", id="mentoring.kind"),
        Binding("s", "cycle_scope", "Mine/all", id="mentoring.scope"),
        Binding("slash", "filters", "Filter", id="mentoring.filter"),
        Binding("escape", "back", "Back", id="mentoring.back"),
    ]

    DEFAULT_CSS = """
    MentoringScreen #list-title {
        height: 1;
        background: $primary 30%;
        padding: 0 1;
        text-style: bold;
    }
    MentoringScreen #filters {
        height: 1;
        padding: 0 1;
    }
    MentoringScreen #filters > * {
        margin-right: 1;
    }
    MentoringScreen #filters > Select {
        width: 16;
    }
    MentoringScreen #filters > TypeAhead {
        width: 1fr;
    }
    MentoringScreen #filters TypeAhead > _Suggestions {
        overlay: screen;
        constrain: inside inflect;
        width: 44;
    }
    MentoringScreen #filters > Input {
        width: 13;
    }
    MentoringScreen #filter-error {
        color: $error;
        height: auto;
        padding: 0 1;
        display: none;
    }
    MentoringScreen #filter-error.-shown {
        display: block;
    }
    MentoringScreen DataTable {
        height: 1fr;
    }
    MentoringScreen #list-status {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.scope = "own"
        self.cursor: str | None = None
        self.exhausted = False
        self.loading = False
        self.generation = 0
        self.loaded = 0
        self.filters: dict[str, Any] = {}
        self.notes: dict[int, NoteRead] = {}
        self.names: dict[int, str] = {}
        self._keep_cursor_on: int | None = None

    def compose(self) -> ComposeResult:
        yield SroHeader("Mentoring and contacts")
        yield Static("", id="list-title", markup=False)
        with Horizontal(id="filters"):
            yield Select(KIND_FILTER_OPTIONS, prompt="Any kind", id="filter-kind", compact=True)
            yield TypeAhead(id="filter-student", placeholder="student", compact=True)
            yield Input(placeholder="from Y-M-D", id="filter-from", compact=True)
            yield Input(placeholder="to Y-M-D", id="filter-to", compact=True)
            yield Button("Clear", id="filter-clear", compact=True)
        yield Static("", id="filter-error", markup=False)
        yield NoteTable(cursor_type="row", zebra_stripes=True, id="notes")
        yield Label("", id="list-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(" ", key="lock", width=2)
        table.add_column("Date", key="date", width=10)
        table.add_column("Kind", key="kind", width=9)
        table.add_column("Students / class / agency", key="what", width=33)
        table.add_column("Min", key="minutes", width=3)
        table.add_column("Follow-up", key="follow_up", width=10)
        services = self.services
        actor = self.actor
        self.query_one("#filter-student", TypeAhead)._search = student_search(services, actor)
        self.reload()
        table.focus()

    # -- scope and filters -------------------------------------------------------------------------

    @property
    def is_supervisor(self) -> bool:
        actor = self.sro.actor
        return actor is not None and actor.is_supervisor

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle_scope":
            return self.is_supervisor
        if action in ("edit", "follow_up_done"):
            # Only for the officer's own notes (and a set follow-up): dimmed otherwise.
            note = self.highlighted_note()
            if note is None or not self.is_own(note):
                return None
            return True if action == "edit" or note.follow_up_on is not None else None
        return True

    def is_own(self, note: NoteRead) -> bool:
        actor = self.sro.actor
        return actor is not None and not note.redacted and note.officer_id == actor.officer_id

    def highlighted_note(self) -> NoteRead | None:
        note_id = self.highlighted_id()
        return self.notes.get(note_id) if note_id is not None else None

    def action_cycle_scope(self) -> None:
        if not self.is_supervisor:
            return
        self.scope = "all" if self.scope == "own" else "own"
        self.reload()

    def action_cycle_kind(self) -> None:
        """k: any kind -> mentoring -> … -> liaison -> any kind."""
        select = self.query_one("#filter-kind", Select)
        kinds = [k.value for k in ContactKind]
        current = select.value
        if current is Select.NULL:
            select.value = kinds[0]
        elif current == kinds[-1]:
            select.clear()
        else:
            select.value = kinds[kinds.index(str(current)) + 1]

    def action_filters(self) -> None:
        self.query_one("#filter-kind", Select).focus()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id != "notes":
            self.query_one(DataTable).focus()
            return
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)

    def _read_filters(self) -> dict[str, Any] | None:
        kind = self.query_one("#filter-kind", Select).value
        student = self.query_one("#filter-student", TypeAhead)
        try:
            start = _parse_day(self.query_one("#filter-from", Input).value)
            end = _parse_day(self.query_one("#filter-to", Input).value)
        except ValueError:
            self._filter_error("Dates are written like 2026-09-14")
            return None
        if start and end and end < start:
            self._filter_error("The 'to' date is before the 'from' date")
            return None
        self._filter_error("")
        return {
            "kind": None if kind is Select.NULL else ContactKind(str(kind)),
            "student_id": student.value,
            "student_label": student.choice.label if student.choice else "",
            "since": start,
            "until": end,
        }

    def _filter_error(self, message: str) -> None:
        error = self.query_one("#filter-error", Static)
        error.update(literal(message))
        error.set_class(bool(message), "-shown")

    def on_select_changed(self, _event: Select.Changed) -> None:
        self.reload()

    def on_type_ahead_picked(self, event: TypeAhead.Picked) -> None:
        self.reload()
        if event.choice is not None:
            self.query_one(DataTable).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.reload()
        self.query_one(DataTable).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "filter-clear":
            event.stop()
            self.query_one("#filter-kind", Select).clear()
            self.query_one("#filter-student", TypeAhead).set_choice(None)
            self.query_one("#filter-from", Input).value = ""
            self.query_one("#filter-to", Input).value = ""
            self.reload()

    # -- paging ------------------------------------------------------------------------------------

    def reload(self, *, keep_cursor: bool = False) -> None:
        """Start again from the newest note with the current scope and filters."""
        filters = self._read_filters()
        if filters is None:
            return
        self._keep_cursor_on = self.highlighted_id() if keep_cursor else None
        self.filters = filters
        self.generation += 1
        self.cursor = None
        self.exhausted = False
        self.loaded = 0
        self.notes.clear()
        self.query_one(DataTable).clear()
        self._title()
        self.loading = True
        self._fetch(self.generation, None)

    def _title(self) -> None:
        parts = [SCOPE_LABELS[self.scope]]
        f = self.filters
        if f.get("kind"):
            parts.append(KIND_SHORT[f["kind"]])
        if f.get("student_label"):
            parts.append(str(f["student_label"]))
        if f.get("since") or f.get("until"):
            parts.append(f"{f.get('since') or '…'} to {f.get('until') or '…'}")
        keys = "k kind, / filter" + (", s mine/all" if self.is_supervisor else "")
        self.query_one("#list-title", Static).update(
            literal(f"Notes — {' · '.join(parts)}   ({keys})")
        )

    def load_more(self) -> None:
        if self.loading or self.exhausted:
            return
        self.loading = True
        self._fetch(self.generation, self.cursor)

    @work(thread=True, group="note-list", exit_on_error=False)
    def _fetch(self, generation: int, cursor: str | None) -> None:
        services = self.services
        actor = self.actor
        f = self.filters
        try:
            page = services.notes.page(
                actor,
                scope=self.scope,
                kind=f.get("kind"),
                student_id=f.get("student_id"),
                since=f.get("since"),
                until=f.get("until"),
                cursor=cursor,
                limit=PAGE_SIZE,
            )
        except SroError as exc:
            self.app.call_from_thread(self._failed, generation, exc)
            return
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._add_page, generation, page)
        # The rows are on screen; now the students' names (each looked up once per screen).
        known = set(self.names)
        missing = [i for n in page.items for i in n.student_ids if i not in known]
        if missing:
            names = self._student_names(dict.fromkeys(missing))
            self.app.call_from_thread(self._names_found, generation, names)

    def _student_names(self, student_ids: Iterable[int]) -> dict[int, str]:
        """Names of these students, in one look-up (runs in the worker thread)."""
        services = self.services
        actor = self.actor
        ids = list(student_ids)
        try:
            found = services.students.display_names(actor, ids)
        except SroError:
            found = {}
        return {i: found.get(i, f"student {i}") for i in ids}

    def _names_found(self, generation: int, names: dict[int, str]) -> None:
        self.names.update(names)
        if generation != self.generation:
            return
        table = self.query_one(DataTable)
        for note in self.notes.values():
            if any(i in names for i in note.student_ids):
                with contextlib.suppress(KeyError):
                    table.update_cell(str(note.id), "what", cell(self._summary(note)))

    def _failed(self, generation: int, error: SroError) -> None:
        if generation != self.generation:
            return
        self.loading = False
        self.query_one("#list-status", Label).update(literal(f"Could not load: {error.message}"))
        self.notify(visible(error.message), markup=False, severity="error")

    def _add_page(self, generation: int, page: Page[NoteRead]) -> None:
        if generation != self.generation:
            return  # an answer to an older question (scope or filters changed since)
        self.loading = False
        table = self.query_one(DataTable)
        for note in page.items:
            self.notes[note.id] = note
            table.add_row(*self._cells(note), key=str(note.id))
        self.loaded += len(page.items)
        self.cursor = page.next_cursor
        self.exhausted = page.next_cursor is None
        self._status()
        self.refresh_bindings()
        if self._keep_cursor_on is not None and self._keep_cursor_on in self.notes:
            table.move_cursor(row=table.get_row_index(str(self._keep_cursor_on)))
            self._keep_cursor_on = None
        if not self.exhausted and table.cursor_row >= table.row_count - PREFETCH_ROWS:
            self.load_more()

    def _cells(self, note: NoteRead) -> tuple[str | Text, ...]:
        tz = self.sro.tz
        summary = self._summary(note)
        follow = note.follow_up_on.isoformat() if note.follow_up_on else ""
        return (
            LOCK if note.confidential else "",
            note.occurred_at.astimezone(tz).strftime("%Y-%m-%d"),
            KIND_SHORT.get(note.kind, note.kind.value),
            cell(summary),
            str(note.minutes) if note.minutes else "",
            follow,
        )

    def _summary(self, note: NoteRead) -> str:
        summary = note_summary(note, self.names)
        if self.scope == "all" and not note.redacted:
            surname = note.officer_name.split()[-1] if note.officer_name.split() else ""
            summary = f"{surname}: {summary}"
        return summary

    def _status(self) -> None:
        status = self.query_one("#list-status", Label)
        if self.loaded == 0:
            status.update("No notes match. n writes one")
            return
        more = "" if self.exhausted else "+"
        status.update(f"{self.loaded}{more} shown · Enter opens · n new · e edit · f follow-up")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()
        if event.cursor_row >= event.data_table.row_count - PREFETCH_ROWS:
            self.load_more()

    def on_screen_resume(self) -> None:
        """Back from a note or the form: show what changed, keeping the cursor's note."""
        if self.loaded or self.exhausted:
            self.reload(keep_cursor=True)

    # -- actions -----------------------------------------------------------------------------------

    def highlighted_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(row_key.value) if row_key.value is not None else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.open(int(event.row_key.value))

    def open(self, note_id: int) -> None:
        from .note_view import NoteViewScreen

        self.app.push_screen(NoteViewScreen(note_id))

    def action_new(self) -> None:
        from ..forms.note_form import NoteFormScreen

        prefill: dict[str, Any] = {}
        student_id = self.filters.get("student_id")
        if student_id is not None:
            prefill["student_ids"] = [student_id]
        kind = self.filters.get("kind")
        if kind is not None:
            prefill["kind"] = kind.value
        self.app.push_screen(NoteFormScreen(prefill=prefill))

    def action_edit(self) -> None:
        note = self.highlighted_note()
        if note is None or not self.is_own(note):
            return
        from ..forms.note_form import NoteFormScreen

        self.app.push_screen(NoteFormScreen(note_id=note.id))

    def action_follow_up_done(self) -> None:
        note = self.highlighted_note()
        if note is None:
            self.notify("Highlight a note first", markup=False, severity="warning")
            return
        if note.follow_up_on is None:
            self.notify("This note has no follow-up date", markup=False, severity="warning")
            return
        self._complete(note.id)

    @work(thread=True, group="note-follow-up", exit_on_error=False)
    def _complete(self, note_id: int) -> None:
        services = self.services
        actor = self.actor
        try:
            note = services.notes.complete_follow_up(actor, note_id)
        except SroError as exc:
            self.app.call_from_thread(
                self.notify, visible(exc.message), markup=False, severity="error"
            )
            return
        self.app.call_from_thread(self._completed, note)

    def _completed(self, note: NoteRead) -> None:
        self.notes[note.id] = note
        table = self.query_one(DataTable)
        with contextlib.suppress(KeyError):  # the list was reloaded meanwhile
            table.update_cell(str(note.id), "follow_up", "")
        self.refresh_bindings()
        self.notify("Follow-up marked done", markup=False)
