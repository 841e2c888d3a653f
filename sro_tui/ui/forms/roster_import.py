"""Import a district roster (CSV) from the Students screen, with a progress bar.

The import itself (column matching, one transaction, rejected rows with reasons) is the
student service's; this dialog asks for the file (and, as the command's --map and
--map-school do, which column is which and what their school numbers are), runs it in a
thread worker and shows the report. Known students whose name or school the file changes
are listed once the rows are checked, and applied only after y (n or esc leaves them as
they are); the worker waits for the answer holding no transaction.
"""

from __future__ import annotations

import threading
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static
from textual.worker import get_current_worker

from ...domain.errors import SroError
from ...domain.roster import ImportReport, RosterChange, parse_pairs, split_pairs
from ..access import SessionAccess
from ..keymap import key_display
from ..text import literal
from ..unexpected import unexpected
from ..widgets.fields import LabelledField

__all__ = ["RosterImportScreen"]

MAX_REJECTS_SHOWN = 200


class RosterImportScreen(SessionAccess, ModalScreen[ImportReport | None]):
    """Ask for a CSV path, import it, and show what was added, updated and rejected."""

    AUTO_FOCUS = "#roster-path Input"
    BINDINGS = [
        Binding("escape", "close", "Close", id="roster.close"),
        Binding("y", "answer(True)", "Apply changes", id="roster.apply_changes"),
        Binding("n", "answer(False)", "Leave as they are", id="roster.keep_students"),
    ]

    CSS_PATH = "roster_import.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.path = Input(placeholder="/path/to/roster.csv")
        self.columns = Input(placeholder="district_id='Perm ID'", compact=True)
        self.school_numbers = Input(placeholder="1=VHS, 2=BHS", compact=True)
        self.report: ImportReport | None = None
        self.running = False
        # While the changes are shown: the worker waits for the answer.
        self.asking = False
        self._answer = False
        self._answered = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="roster-body") as body:
            body.border_title = "Import district roster (CSV)"
            yield LabelledField(
                "File",
                self.path,
                field="path",
                required=True,
                hint="headers like Perm ID, First Name, Last Name, School, Grade",
                id="roster-path",
            )
            with Horizontal(id="roster-maps"):
                yield LabelledField(
                    "Columns", self.columns, field="map", hint="ours=theirs", id="roster-map"
                )
                yield LabelledField(
                    "School numbers",
                    self.school_numbers,
                    field="school_map",
                    hint="theirs=code",
                    id="roster-school-map",
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
        maps: list[dict[str, str]] = []
        for box, name, label, example in (
            (self.columns, "map", "Columns", "district_id='Perm ID'"),
            (self.school_numbers, "school-map", "School numbers", "1=VHS"),
        ):
            where = self.query_one(f"#roster-{name}", LabelledField)
            try:
                maps.append(parse_pairs(split_pairs(box.value), label, example))
            except SroError as exc:
                where.set_error(exc.message)
                return
            where.set_error(None)
        self.running = True
        self.query_one("#roster-summary", Static).update("Importing…")
        self._import(path, maps[0], maps[1])

    @work(thread=True, exclusive=True, group="roster-import", exit_on_error=False)
    def _import(self, path: Path, mapping: dict[str, str], school_map: dict[str, str]) -> None:
        app = self.app
        services = self.services
        actor = self.actor
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            app.call_from_thread(self._progress, done, total)

        def confirm(changes: tuple[RosterChange, ...]) -> bool:
            self._answered.clear()
            app.call_from_thread(self._ask, changes)
            while not self._answered.wait(0.25):
                if worker.is_cancelled:
                    return False  # the dialog went away: nothing is applied
            return self._answer

        default_school = self.sro.school
        try:
            report = services.students.import_roster(
                actor,
                path,
                mapping=mapping,
                progress=progress,
                default_school=default_school.code if default_school else None,
                school_map=school_map,
                confirm=confirm,
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

    def _ask(self, changes: tuple[RosterChange, ...]) -> None:
        self.asking = True
        lines = [f"{len(changes)} known students would change name or school:"]
        lines += [f"  {change}" for change in changes[:MAX_REJECTS_SHOWN]]
        if len(changes) > MAX_REJECTS_SHOWN:
            lines.append(f"  … and {len(changes) - MAX_REJECTS_SHOWN} more")
        self.query_one("#roster-summary", Static).update(literal("\n".join(lines), multiline=True))
        self.query_one("#roster-result", VerticalScroll).focus()  # y and n are keys, not text
        self.refresh_bindings()
        yes = key_display(self, "roster.apply_changes", "y")
        no = key_display(self, "roster.keep_students", "n")
        self.query_one("#roster-keys", Label).update(
            literal(f"{yes} applies these changes · {no} or esc leaves these students as they are")
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            return self.asking
        return True

    def action_answer(self, yes: bool) -> None:
        if self.asking:
            self.asking = False
            self._answer = yes
            self._answered.set()
            self.query_one("#roster-summary", Static).update("Importing…")
            self.query_one("#roster-keys", Label).update("")
            self.refresh_bindings()

    def on_unmount(self) -> None:
        self._answer = False
        self._answered.set()

    def _failed(self, error: SroError) -> None:
        self.running = False
        self.asking = False
        where = "#roster-school-map" if error.field == "school_map" else "#roster-path"
        self.query_one(where, LabelledField).set_error(error.message)
        self.query_one("#roster-summary", Static).update("Nothing was changed.")
        self.query_one("#roster-keys", Label).update("Enter imports · esc closes")

    def _done(self, report: ImportReport) -> None:
        self.running = False
        self.report = report
        bar = self.query_one(ProgressBar)
        bar.update(total=max(report.total, 1), progress=max(report.total, 1))
        lines = [report.summary()]
        for change in report.changes[:MAX_REJECTS_SHOWN]:
            lines.append(f"  {'changed' if report.changes_applied else 'held'} {change}")
        if report.held:
            lines.append(f"  {len(report.held)} held: left as they are (import again to apply)")
        if report.changed_meanwhile:
            lines.append("  changed on another terminal meanwhile: left as they are")
        for rejected in report.rejected[:MAX_REJECTS_SHOWN]:
            lines.append(f"  {rejected}")
        if len(report.rejected) > MAX_REJECTS_SHOWN:
            lines.append(f"  … and {len(report.rejected) - MAX_REJECTS_SHOWN} more")
        self.query_one("#roster-summary", Static).update(literal("\n".join(lines), multiline=True))
        self.query_one("#roster-keys", Label).update("esc closes")

    def action_close(self) -> None:
        if self.asking:
            self.action_answer(False)
        elif not self.running:
            self.dismiss(self.report)
