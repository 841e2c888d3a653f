"""A student's timeline: every incident, mentoring note and referral, newest first.

Each row opens its record with Enter. A confidential note of another officer shows only that
it exists, by whom and when (the service decides; this screen only shows what it is given).
Opening the timeline is audited by the service.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from ...domain.errors import SroError
from ...domain.students import StudentRead, grade_label
from ...domain.timeline import TimelineEntry
from ..access import SessionAccess
from ..keymap import key_display
from ..messages import OpenRecord
from ..text import cell, literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.status_line import StatusLine
from ..widgets.steady_table import SteadyTable

__all__ = ["StudentTimelineScreen"]

KIND_LABELS = {
    "incident": "Incident",
    "note": "Note",
    "referral": "Referral",
    "trespass": "Trespass",
    "threat": "Threat",
}


class StudentTimelineScreen(SessionAccess, Screen[None]):
    """One student's history, in date order (newest first)."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="timeline.back"),
        Binding("r", "refer", "Refer", id="timeline.refer"),
        Binding("m", "mentoring_note", "Mentoring note", id="timeline.note"),
    ]

    CSS_PATH = "student_timeline.tcss"

    def __init__(self, student_id: int) -> None:
        super().__init__()
        self.student_id = student_id
        self.student: StudentRead | None = None
        self.entries: dict[str, TimelineEntry] = {}

    def compose(self) -> ComposeResult:
        yield SroHeader("Student timeline")
        yield Static("Loading…", id="student-title", markup=False)
        yield SteadyTable(cursor_type="row", zebra_stripes=True, id="timeline")
        yield StatusLine("", id="timeline-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Date", key="date", width=10)
        table.add_column("Kind", key="kind", width=8)
        table.add_column("What", key="what", width=38)
        table.add_column("Officer", key="officer", width=14)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def load(self) -> None:
        services = self.services
        actor = self.actor
        try:
            student = services.students.get(actor, self.student_id)
            entries = services.students.timeline(actor, self.student_id)
            schools = {s.id: s.name for s in services.reference.schools(include_inactive=True)}
        except SroError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show, student, entries, schools)

    def _failed(self, error: SroError) -> None:
        self.query_one("#student-title", Static).update(literal(f"Could not load: {error.message}"))

    def _show(
        self, student: StudentRead, entries: list[TimelineEntry], schools: dict[int, str]
    ) -> None:
        self.student = student
        grade = f" · grade {grade_label(student.grade)}" if student.grade is not None else ""
        school = schools.get(student.school_id or 0, "")
        self.query_one("#student-title", Static).update(
            literal(
                f"{student.display_name} · {student.district_id}{grade}"
                + (f" · {school}" if school else "")
            )
        )
        table = self.query_one(SteadyTable)
        table.clear()
        self.entries.clear()
        tz = self.sro.tz
        for entry in entries:
            key = f"{entry.kind}:{entry.record_id}"
            self.entries[key] = entry
            what = entry.title if not entry.summary else f"{entry.title} — {entry.summary}"
            table.add_row(
                entry.at.astimezone(tz).strftime("%Y-%m-%d"),
                KIND_LABELS.get(entry.kind, entry.kind),
                cell(what),
                cell(entry.officer_name),
                key=key,
            )
        table.settle()
        count = len(entries)
        keys = (
            f"{key_display(self, 'timeline.refer', 'r')} refer · "
            f"{key_display(self, 'timeline.note', 'm')} mentoring note"
        )
        self.query_one("#timeline-status", Label).update(
            f"{count} record(s) · Enter opens · {keys}"
            if count
            else f"No records for this student yet · {keys}"
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        entry = self.entries.get(str(event.row_key.value))
        if entry is None:
            return
        if entry.redacted:
            self.notify(
                "This record is confidential to its author", markup=False, severity="warning"
            )
            return
        if entry.kind == "trespass":  # a warning shows in Campus security's watch check
            self.sro.action_go("campus")
            return
        self.post_message(OpenRecord(entry.kind, entry.record_id))

    def action_refer(self) -> None:
        self.sro.open_new_referral({"student_id": self.student_id})

    def action_mentoring_note(self) -> None:
        self.sro.open_new_note({"student_ids": [self.student_id]})

    def action_back(self) -> None:
        self.dismiss(None)
