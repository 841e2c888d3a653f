"""Threat assessment cases (ctrl+t in Campus security, or "Threat assessment cases" in the
command palette): the cases the officer reads (their team's, and others by the agency's
rules: domain/threats.py), open ones first by the soonest follow-up due; ``a`` shows closed
ones too. Enter opens a case. A case is opened from its report of a threat (``t`` on the
incident screen). Reads run in a thread worker; the service audits each."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label

from ...domain.errors import SroError
from ...domain.threats import ThreatCaseLine
from ..access import SessionAccess
from ..live import StoreChanged
from ..messages import OpenRecord
from ..text import cell, literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.status_line import StatusLine
from ..widgets.steady_table import SteadyTable

__all__ = ["ThreatCasesScreen"]


class ThreatCasesScreen(SessionAccess, Screen[None]):
    """The list of threat assessment cases."""

    CSS_PATH = "threats.tcss"
    AUTO_FOCUS = "#threat-table"
    KINDS = frozenset({"threat"})

    BINDINGS: ClassVar[list[Any]] = [
        Binding("a", "toggle_closed", "Open/all", id="threats.all"),
        Binding("escape", "back", "Back", id="threats.back"),
    ]
    HELP_KEYS = (("enter", "Open the highlighted case"),)

    def __init__(self) -> None:
        super().__init__()
        self.cases: list[ThreatCaseLine] = []
        self.include_closed = False

    def compose(self) -> ComposeResult:
        yield SroHeader("Threat assessment cases")
        yield SteadyTable(id="threat-table", cursor_type="row", zebra_stripes=True)
        yield StatusLine("Loading…", id="threat-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Due", key="due", width=10)
        table.add_column("Stage", key="stage", width=11)
        table.add_column("Level", key="level", width=11)
        table.add_column("Student", key="student", width=16)
        table.add_column("School", key="school", width=5)
        table.add_column("Lead", key="lead", width=14)
        self.reload()

    def reload(self) -> None:
        self._load(self.include_closed)

    def on_store_changed(self, message: StoreChanged) -> None:
        if message.concerns(self.KINDS):
            self.reload()

    def on_screen_resume(self) -> None:
        self.reload()  # a case moved on its own screen

    @work(thread=True, exclusive=True, group="threat-list", exit_on_error=False)
    def _load(self, include_closed: bool) -> None:
        try:
            cases = self.services.threats.page(self.actor, include_closed=include_closed)
        except SroError as exc:
            self.app.call_from_thread(self._status, f"Not loaded: {exc.message}")
            return
        self.app.call_from_thread(self._show, cases)

    def _status(self, text: str) -> None:
        self.query_one("#threat-status", Label).update(literal(text))

    def _show(self, cases: list[ThreatCaseLine]) -> None:
        if not self.is_mounted:
            return
        table = self.query_one(SteadyTable)
        keep = self.cases[table.cursor_row].id if 0 <= table.cursor_row < len(self.cases) else 0
        self.cases = cases
        table.clear()
        today = self.services.ctx.today()
        for c in cases:
            due = c.next_due_on.isoformat() if c.next_due_on else ""
            overdue = c.next_due_on is not None and c.next_due_on < today
            table.add_row(
                Text(due, style="bold red" if overdue else ""),
                c.stage.value,
                c.level.value,
                cell(c.student_name),
                c.school_code,
                cell(c.lead_name),
                key=str(c.id),
            )
        table.settle()
        rows = [i for i, c in enumerate(cases) if c.id == keep]
        if rows:
            table.move_cursor(row=rows[0])
        which = "open and closed" if self.include_closed else "open"
        self._status(
            f"{len(cases)} {which} case{'s' if len(cases) != 1 else ''} you may read · "
            "Enter opens · a: open/all"
        )

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(OpenRecord("threat", int(event.row_key.value)))

    def action_toggle_closed(self) -> None:
        self.include_closed = not self.include_closed
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)
