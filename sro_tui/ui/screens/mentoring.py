"""Mentoring and contacts (F5): the officer's notes, newest first, a page at a time.

Filters: kind (``k`` cycles, or the Select), one student (type-ahead), a day range;
supervisors switch between their own notes and everyone's with ``s``. Pages come from
``services.notes.page`` (keyset paging) through :class:`PagedList`, fetched in a thread worker
when the cursor nears the end of what is loaded. Enter opens a note (the app hears
:class:`~sro_tui.ui.messages.OpenRecord`), ``n`` writes a new one; on the officer's own
notes ``e`` edits and ``f`` marks a follow-up done. A confidential note of another officer
shows only that it exists and whose it is: the service blanks its content, and this screen
shows only what the service returns.
"""

from __future__ import annotations

import contextlib
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label, Select, Static

from ...domain.enums import ContactKind
from ...domain.errors import SroError
from ...domain.mentoring import NoteRead
from ...domain.paging import Page
from ..forms.base import student_search
from ..kept_styles import KeptStyles
from ..text import cell, literal, visible
from ..whole_frame import WholeFrame
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.list_filters import ListFilters
from ..widgets.paged import PagedList, PagedTable
from ..widgets.status_line import StatusLine

__all__ = ["PAGE_SIZE", "MentoringScreen", "NotePage", "note_summary"]

PAGE_SIZE = 50
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


class NotePage(Page[NoteRead]):
    """A page of notes with the names of the students they name (read in the same worker)."""

    names: dict[int, str] = {}


class MentoringScreen(PagedList, KeptStyles, WholeFrame, Screen[None]):
    """Mentoring notes and contacts, newest first."""

    CSS_PATH = "mentoring.tcss"
    AUTO_FOCUS = "#notes"
    PAGE_SIZE = PAGE_SIZE
    RECORD_KIND = "note"
    WATCH_KINDS = frozenset({"note"})

    BINDINGS = [
        Binding("n", "new", "New note", id="mentoring.new"),
        Binding("e", "edit", "Edit", id="mentoring.edit"),
        Binding("f", "follow_up_done", "Follow-up done", id="mentoring.follow_up"),
        Binding("k", "cycle_kind", "Kind", id="mentoring.kind"),
        Binding("s", "cycle_scope", "Mine/all", id="mentoring.scope"),
        Binding("slash", "filters", "Filter", id="mentoring.filter"),
        Binding("escape", "back", "Back", id="mentoring.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.init_paging()
        self.scope = "own"
        self.filters: dict[str, Any] = {}
        self.notes: dict[int, NoteRead] = {}
        self.names: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield SroHeader("Mentoring and contacts")
        yield Static("", id="list-title", markup=False)
        yield ListFilters(
            options=KIND_FILTER_OPTIONS,
            prompt="Any kind",
            select_id="filter-kind",
            typeahead_id="filter-student",
            typeahead_placeholder="student",
            today=lambda: self.services.ctx.today(),
            day_placeholders=("from Y-M-D", "to Y-M-D"),
        )
        yield PagedTable(id="notes")
        yield StatusLine("", id="list-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.paged_table()
        table.add_column(" ", key="lock", width=2)
        table.add_column("Date", key="date", width=10)
        table.add_column("Kind", key="kind", width=9)
        table.add_column("Students / class / agency", key="what", width=33)
        table.add_column("Min", key="minutes", width=3)
        table.add_column("Follow-up", key="follow_up", width=10)
        # The type-ahead searches in its own worker, never on this thread.
        search = student_search(self.services, self.actor)
        self.query_one(ListFilters).typeahead.set_search(search)
        self.when_shown(self.reload)  # read when opened, not when made ahead
        table.focus()

    # -- scope and filters -------------------------------------------------------------------------

    @property
    def is_supervisor(self) -> bool:
        actor = self.sro.actor
        return actor is not None and actor.is_supervisor

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle_scope" and not self.is_supervisor:
            return False
        if action == "back":
            return self.can_go_back()
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
        select = self.query_one(ListFilters).select
        kinds = [k.value for k in ContactKind]
        current = select.value
        if current is Select.NULL:
            select.value = kinds[0]
        elif current == kinds[-1]:
            select.clear()
        else:
            select.value = kinds[kinds.index(str(current)) + 1]

    def action_filters(self) -> None:
        self.query_one(ListFilters).select.focus()

    def action_back(self) -> None:
        self.back_to_list_or_leave()

    @on(ListFilters.Changed)
    def _filters_changed(self, event: ListFilters.Changed) -> None:
        self.reload()
        if event.to_list and not event.filters.has_error:
            self.paged_table().focus()  # picked or Enter: back to the list

    # -- paging ------------------------------------------------------------------------------------

    def reload(self, *, keep_cursor: bool = False) -> None:
        """Start again from the newest note with the current scope and filters (a filter day
        that is not one is named at the filter, and the list stays as it was)."""
        values = self.query_one(ListFilters).read()
        if values is None:
            return
        self.filters = {
            "kind": ContactKind(values.choice) if values.choice else None,
            "student_id": values.picked,
            "student_label": values.picked_label,
            "since": values.since,
            "until": values.until,
        }
        self.notes.clear()
        self._title()
        super().reload(keep_cursor=keep_cursor)

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

    def warm_first_page(self) -> None:
        self.services.notes.warm_first_page(self.actor, scope=self.scope)

    def fetch_page(self, cursor: str | None) -> NotePage:
        services, actor, f = self.services, self.actor, self.filters
        page = services.notes.page(
            actor,
            scope=self.scope,
            kind=f.get("kind"),
            student_id=f.get("student_id"),
            since=f.get("since"),
            until=f.get("until"),
            cursor=cursor,
            limit=self.PAGE_SIZE,
        )
        # The students' names, in one look-up per page (each name once per screen).
        known = set(self.names)
        missing = list(dict.fromkeys(i for n in page.items for i in n.student_ids))
        missing = [i for i in missing if i not in known]
        found: dict[int, str] = {}
        if missing:
            try:
                found = services.students.display_names(actor, missing)
            except SroError:
                found = {}
        names = {i: found.get(i, f"student {i}") for i in missing}
        return NotePage(items=page.items, next_cursor=page.next_cursor, names=names)

    def show_page(self, page: Page[NoteRead]) -> None:
        if isinstance(page, NotePage):
            self.names.update(page.names)
        table = self.paged_table()
        for note in page.items:
            self.notes[note.id] = note
            table.add_row(*self._cells(note), key=str(note.id))

    def page_failed(self, error: SroError) -> None:
        super().page_failed(error)
        self.query_one("#list-status", Label).update(literal(f"Could not load: {error.message}"))

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

    def paging_changed(self) -> None:
        if self.failed is not None:
            return  # page_failed said why
        status = self.query_one("#list-status", Label)
        if self.loaded == 0:
            status.update("No notes match. n writes one")
            return
        more = "" if self.exhausted else "+"
        keys = ["Enter opens", "n new"]
        note = self.highlighted_note()
        if note is not None and self.is_own(note):  # e and f only on the officer's own
            keys.append("e edit")
            if note.follow_up_on is not None:
                keys.append("f follow-up done")
        status.update(f"{self.loaded}{more} shown · {' · '.join(keys)}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        super().on_data_table_row_highlighted(event)
        self.refresh_bindings()  # e and f depend on the note under the cursor
        if not self.page_loading:
            self.paging_changed()

    def on_screen_resume(self) -> None:
        """Back from a note or the form: show what changed, keeping the cursor's note."""
        self.reload_on_resume()  # the question as last asked; rows kept until the answer

    # -- actions -----------------------------------------------------------------------------------

    def action_new(self) -> None:
        prefill: dict[str, Any] = {}
        student_id = self.filters.get("student_id")
        if student_id is not None:
            prefill["student_ids"] = [student_id]
        kind = self.filters.get("kind")
        if kind is not None:
            prefill["kind"] = kind.value
        from ..forms.note_form import NoteFormScreen

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
        with contextlib.suppress(KeyError):  # the list was reloaded meanwhile
            self.paged_table().update_cell(str(note.id), "follow_up", "")
        self.refresh_bindings()
        self.paging_changed()  # f is no longer offered for it
        self.notify("Follow-up marked done", markup=False)
