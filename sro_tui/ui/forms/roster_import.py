"""Import a district roster (CSV) from the Students screen, with a progress bar.

The import itself (column matching, one transaction, rejected rows with reasons) is the
student service's; this dialog asks for the file, runs it in a thread worker and shows the
report.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from ...domain.errors import SroError
from ...domain.roster import ImportReport
from ..access import SessionAccess
from ..text import literal
from ..unexpected import unexpected
from ..widgets.fields import LabelledField

__all__ = ["RosterImportScreen"]

MAX_REJECTS_SHOWN = 200


class RosterImportScreen(SessionAccess, ModalScreen[ImportReport | None]):
    """Ask for a CSV path, import it, and show what was added, updated and rejected."""

    AUTO_FOCUS = "#roster-path Input"
    BINDINGS = [Binding("escape", "close", "Close", id="roster.close")]

    CSS_PATH = "roster_import.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.path = Input(placeholder="/path/to/roster.csv")
        self.report: ImportReport | None = None
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(id="roster-body") as body:
            body.border_title = "Import district roster (CSV)"
            yield LabelledField(
                "File",
                self.path,
                field="path",
                required=True,
                hint="headers like Student ID, First Name, Last Name, School, Grade",
                id="roster-path",
            )
            yield ProgressBar(total=None, show_eta=False, id="roster-progress")
            with VerticalScroll(id="roster-result"):
                yield Static("", id="roster-summary", markup=False)
            yield Label("Enter imports · esc closes", id="roster-keys")

    @on(Input.Submitted)
    def _start(self, event: Input.Submitted) -> None:
        event.stop()
        if self.running:
            return
        field = self.query_one("#roster-path", LabelledField)
        text = self.path.value.strip()
        if not text:
            field.set_error("File is required: type the path of the roster CSV")
            return
        path = Path(text).expanduser()
        if not path.is_file():
            field.set_error(f"No file at {path}")
            return
        field.set_error(None)
        self.running = True
        self.query_one("#roster-summary", Static).update("Importing…")
        self._import(path)

    @work(thread=True, exclusive=True, group="roster-import", exit_on_error=False)
    def _import(self, path: Path) -> None:
        app = self.app
        services = self.services
        actor = self.actor

        def progress(done: int, total: int) -> None:
            app.call_from_thread(self._progress, done, total)

        default_school = self.sro.school
        try:
            report = services.students.import_roster(
                actor,
                path,
                progress=progress,
                default_school=default_school.code if default_school else None,
            )
        except SroError as exc:
            app.call_from_thread(self._failed, exc)
            return
        except Exception as exc:  # never leave the dialog "importing" for good
            problem = unexpected(exc, "Not imported", "Nothing was changed; try again.")
            app.call_from_thread(self._failed, problem)
            return
        app.call_from_thread(self._done, report)

    def _progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def _failed(self, error: SroError) -> None:
        self.running = False
        self.query_one("#roster-path", LabelledField).set_error(error.message)
        self.query_one("#roster-summary", Static).update("Nothing was changed.")

    def _done(self, report: ImportReport) -> None:
        self.running = False
        self.report = report
        bar = self.query_one(ProgressBar)
        bar.update(total=max(report.total, 1), progress=max(report.total, 1))
        lines = [
            f"{report.total} rows: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.rejected)} rejected"
        ]
        for rejected in report.rejected[:MAX_REJECTS_SHOWN]:
            lines.append(f"  {rejected}")
        if len(report.rejected) > MAX_REJECTS_SHOWN:
            lines.append(f"  … and {len(report.rejected) - MAX_REJECTS_SHOWN} more")
        self.query_one("#roster-summary", Static).update(literal("\n".join(lines), multiline=True))
        self.query_one("#roster-keys", Label).update("esc closes")

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.report)
