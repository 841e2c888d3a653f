"""Open a threat assessment case from a report of a threat (``t`` on the incident screen):
the student (one of the report's students), what was reported (the report's first line to
start from) and whether the case is confidential (yes: its team only). Saved in a thread
worker; the dialog closes with the new case's id, which the incident screen opens."""

from __future__ import annotations

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from ...domain.errors import SroError
from ...domain.incidents import IncidentRead
from ...domain.threats import THREAT_CATEGORY_CODES, ThreatCaseCreate
from ...domain.validation import first_message
from ..access import SessionAccess
from ..text import VISIBLE_HIGHLIGHTER, literal

__all__ = ["ThreatOpenForm", "may_open_case_from"]


def may_open_case_from(record: IncidentRead | None) -> bool:
    """A saved report of a threat that names a student."""
    return (
        record is not None
        and any(o.category_code in THREAT_CATEGORY_CODES for o in record.offenses)
        and any(p.student_id for p in record.people)
    )


class ThreatOpenForm(SessionAccess, ModalScreen[int | None]):
    """Dismissed with the new case's id, or None on escape."""

    CSS_PATH = "threat_form.tcss"
    AUTO_FOCUS = "#threat-summary"
    BINDINGS = [
        Binding("ctrl+s", "save", "Open case", id="threat_form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="threat_form.cancel"),
    ]

    def __init__(self, record: IncidentRead) -> None:
        super().__init__()
        self.record = record
        self.students = [(p.name, p.student_id) for p in record.people if p.student_id]
        self.saving = False

    def compose(self) -> ComposeResult:
        record = self.record
        first_line = next((line for line in record.narrative.splitlines() if line.strip()), "")
        with Vertical(id="threat-box") as box:
            box.border_title = literal(f"Threat assessment case from {record.number}")
            yield Label("Student")
            yield Select(
                [(literal(name), sid) for name, sid in self.students],
                value=self.students[0][1],
                allow_blank=False,
                id="threat-student",
                compact=True,
            )
            yield Label("What was reported")
            yield Input(
                first_line[:500],
                id="threat-summary",
                max_length=2000,
                compact=True,
                highlighter=VISIBLE_HIGHLIGHTER,
            )
            yield Checkbox("Confidential: the case's team only", True, id="threat-confidential")
            yield Static("", id="threat-error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="threat-cancel", compact=True)
                yield Button("Open case", id="threat-ok", variant="primary", compact=True)

    @on(Input.Submitted, "#threat-summary")
    @on(Button.Pressed, "#threat-ok")
    def action_save(self) -> None:
        if self.saving:
            return
        student = self.query_one("#threat-student", Select).value
        try:
            data = ThreatCaseCreate(
                student_id=int(student),  # type: ignore[arg-type]
                incident_id=self.record.id,
                summary=self.query_one("#threat-summary", Input).value.strip(),
                confidential=self.query_one("#threat-confidential", Checkbox).value,
            )
        except ValidationError as exc:
            self._problem(first_message(exc, ThreatCaseCreate))
            return
        self.saving = True
        self._save(data)

    @work(thread=True, group="threat-open", exit_on_error=False)
    def _save(self, data: ThreatCaseCreate) -> None:
        try:
            case = self.services.threats.open(self.actor, data)
        except SroError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        self.app.call_from_thread(self.dismiss, case.id)

    def _refused(self, message: str) -> None:
        self.saving = False
        self._problem(message)

    def _problem(self, message: str) -> None:
        self.query_one("#threat-error", Static).update(literal(message))

    @on(Button.Pressed, "#threat-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
