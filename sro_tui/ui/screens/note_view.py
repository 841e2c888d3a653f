"""Read one mentoring note or contact.

Its author sees everything and may change it (``e``) or mark its follow-up done (``f``); a
confidential note of another officer shows only that it exists, by whom and when: the service
returns it blanked, and this screen shows nothing it was not given. ``r`` refers the note's
(first) student to a program, with the note linked.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from ...domain.enums import ContactKind
from ...domain.errors import SroError
from ...domain.mentoring import NoteRead
from ...domain.timeparse import format_local
from ..access import SessionAccess
from ..forms.note_form import kind_label
from ..text import literal, visible
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader

__all__ = ["NoteViewScreen"]


class NoteViewScreen(SessionAccess, Screen[None]):
    """One note, as the reader may see it."""

    BINDINGS = [
        Binding("e", "edit", "Edit", id="note_view.edit"),
        Binding("f", "follow_up_done", "Follow-up done", id="note_view.follow_up"),
        Binding("r", "refer", "Refer student", id="note_view.refer"),
        Binding("escape", "back", "Back", id="note_view.back"),
    ]

    CSS_PATH = "note_view.tcss"

    def __init__(self, note_id: int) -> None:
        super().__init__()
        self.note_id = note_id
        self.note: NoteRead | None = None
        self.student_names: list[str] = []

    def compose(self) -> ComposeResult:
        yield SroHeader("Mentoring note")
        yield Static("Loading…", id="note-title", markup=False)
        with VerticalScroll(id="note-view"):
            yield Static("", id="note-redacted", markup=False)
            yield Static("", id="note-details", classes="read-only", markup=False)
            yield Label("Note", classes="section", id="note-text-label")
            yield Static("", id="note-text", classes="read-only", markup=False)
        yield SroFooter()

    def on_mount(self) -> None:
        self.query_one("#note-redacted").display = False
        self.query_one("#note-view").focus()
        self.load()

    @work(thread=True, exclusive=True, group="note-view", exit_on_error=False)
    def load(self) -> None:
        services = self.services
        actor = self.actor
        try:
            note = services.notes.get(actor, self.note_id)
            names = []
            for student_id in note.student_ids:
                try:
                    student = services.students.get(actor, student_id)
                    names.append(f"{student.display_name} ({student.district_id})")
                except SroError:
                    names.append(f"student {student_id}")
            school = ""
            if note.school_id is not None:
                try:
                    school = services.reference.school(note.school_id).name
                except SroError:
                    school = ""
        except SroError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show, note, names, school)

    def _failed(self, error: SroError) -> None:
        self.query_one("#note-title", Static).update(
            literal(f"Could not open the note: {error.message}")
        )

    def _show(self, note: NoteRead, names: list[str], school: str) -> None:
        self.note = note
        self.student_names = names
        tz = self.sro.tz
        lock = " · confidential" if note.confidential else ""
        self.query_one("#note-title", Static).update(
            literal(
                f"{kind_label(note.kind)} · {format_local(note.occurred_at, tz)} · "
                f"{note.officer_name}{lock}"
            )
        )
        redacted = self.query_one("#note-redacted", Static)
        redacted.display = note.redacted
        text_label = self.query_one("#note-text-label")
        text = self.query_one("#note-text", Static)
        if note.redacted:
            redacted.update(
                literal(
                    f"Confidential note by {note.officer_name}. "
                    "Only its author can read what it says."
                )
            )
            lines = [
                f"Kind:      {kind_label(note.kind)}",
                f"When:      {format_local(note.occurred_at, tz)}",
                f"Officer:   {note.officer_name}",
            ]
            self.query_one("#note-details", Static).update(
                literal("\n".join(lines), multiline=True)
            )
            text_label.display = False
            text.display = False
            self.refresh_bindings()
            return
        lines = [
            f"Kind:      {kind_label(note.kind)}",
            f"When:      {format_local(note.occurred_at, tz)}"
            + (f" · {note.minutes} min" if note.minutes else ""),
            f"Officer:   {note.officer_name}",
        ]
        if school:
            lines.append(f"School:    {school}")
        if names:
            lines.append(f"Students:  {names[0]}")
            lines.extend(f"           {name}" for name in names[1:])
        pairs = (("parent", note.with_parent), ("staff", note.with_staff))
        with_whom = [who for who, present in pairs if present]
        if with_whom:
            lines.append(f"With:      {' and '.join(with_whom)}")
        if note.kind is ContactKind.CLASSROOM or note.class_name:
            lines.append(f"Class:     {note.class_name}")
        if note.lecture_topic is not None:
            lines.append(f"Lecture:   {note.lecture_topic.value}")
        if note.head_count is not None:
            label = "Attendees" if note.kind is ContactKind.STAFF_TRAINING else "Head count"
            lines.append(f"{label + ':':<11}{note.head_count}")
        if note.agency:
            lines.append(f"Agency:    {note.agency}")
        if note.topics:
            lines.append(f"Topics:    {note.topics}")
        follow = note.follow_up_on.isoformat() if note.follow_up_on else "none"
        lines.append(f"Follow-up: {follow}")
        lines.append(f"Confidential: {'yes' if note.confidential else 'no'}")
        self.query_one("#note-details", Static).update(literal("\n".join(lines), multiline=True))
        text_label.display = True
        text.display = True
        text.update(literal(note.text or "(no text)", multiline=True))
        self.refresh_bindings()

    # -- keys --------------------------------------------------------------------------------

    @property
    def is_own(self) -> bool:
        actor = self.sro.actor
        return (
            self.note is not None
            and actor is not None
            and not self.note.redacted
            and self.note.officer_id == actor.officer_id
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.is_own
        if action == "follow_up_done":
            return self.is_own and self.note is not None and self.note.follow_up_on is not None
        if action == "refer":
            return self.note is not None and bool(self.note.student_ids)
        return True

    def action_edit(self) -> None:
        if not self.is_own or self.note is None:
            return
        from ..forms.note_form import NoteFormScreen

        self.app.push_screen(NoteFormScreen(note_id=self.note.id), self._after_edit)

    def _after_edit(self, result: NoteRead | None) -> None:
        if result is not None:
            self.load()

    def action_follow_up_done(self) -> None:
        if self.is_own and self.note is not None and self.note.follow_up_on is not None:
            self._complete(self.note.id)

    @work(thread=True, group="note-follow-up", exit_on_error=False)
    def _complete(self, note_id: int) -> None:
        services = self.services
        actor = self.actor
        try:
            services.notes.complete_follow_up(actor, note_id)
        except SroError as exc:
            self.app.call_from_thread(
                self.notify, visible(exc.message), markup=False, severity="error"
            )
            return
        self.app.call_from_thread(self.notify, "Follow-up marked done", markup=False)
        self.app.call_from_thread(self.load)

    def action_refer(self) -> None:
        note = self.note
        if note is None or not note.student_ids:
            self.notify("This note names no student to refer", markup=False, severity="warning")
            return
        self.sro.open_new_referral({"student_id": note.student_ids[0], "note_id": note.id})

    def action_back(self) -> None:
        self.dismiss(None)
