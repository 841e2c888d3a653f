"""Export: every record the officer may read from a date range, as CSV or JSON files in a folder.

A small form (from, to, format, folder); ctrl+s or Enter starts the export in a thread worker,
a progress bar follows each kind of record, and the summary (how many of each, which files)
shows at the end. The service refuses a folder that already holds an export.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from ...domain.errors import SroError
from ..access import SessionAccess
from ..keymap import key_display
from ..text import literal, visible
from ..widgets.day_field import DayField

__all__ = ["ExportScreen", "default_folder"]

FORMATS = [("CSV (a file per kind)", "csv"), ("JSON (a file per kind)", "json")]
DAY_PLACEHOLDER = "2026-09-14, t today, y, -7"
KIND_LABELS = {
    "incidents": "Incidents",
    "notes": "Notes and contacts",
    "referrals": "Referrals",
    "shifts": "Shifts",
    "students": "Students",
}


def default_folder(today: date) -> Path:
    """``sro-export-YYYY-MM-DD`` in the current folder, or in the home folder when the
    current one cannot be written."""
    base = Path.cwd()
    try:
        writable = base.is_dir() and _writable(base)
    except OSError:
        writable = False
    return (base if writable else Path.home()) / f"sro-export-{today.isoformat()}"


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK)


class ExportScreen(SessionAccess, ModalScreen[Any]):
    """The export form, its progress and its summary. Dismissed with the service's
    ``ExportSummary`` after a finished export (None on escape)."""

    AUTO_FOCUS = "#export-since"

    BINDINGS = [
        Binding("ctrl+s", "start", "Export", id="export.start"),
        Binding("escape", "close", "Close", id="export.close"),
    ]

    CSS_PATH = "export.tcss"

    def __init__(
        self, *, since: date | None = None, until: date | None = None, folder: Path | None = None
    ) -> None:
        super().__init__()
        self._since = since
        self._until = until
        self._folder = folder
        self.running = False
        self.summary: Any = None
        self.steps: list[tuple[str, int, int]] = []
        """Each progress report shown (kind, done, total), for the officer's status line."""

    def compose(self) -> ComposeResult:
        today = self.services.ctx.today()
        since = self._since or today.replace(day=1)
        until = self._until or today
        folder = self._folder or default_folder(today)
        with Vertical(id="export-box") as box:
            box.border_title = "Export records"
            for label, name, day in (("From", "since", since), ("To", "until", until)):
                with Horizontal(classes="row"):
                    yield Label(label)
                    field = DayField(
                        day.isoformat(),
                        label=label,
                        required=True,
                        placeholder=DAY_PLACEHOLDER,
                        today=self.services.ctx.today,
                        id=f"export-{name}",
                    )
                    field.compact = True
                    yield field
                yield Static("", id=f"export-{name}-error", classes="field-error", markup=False)
            with Horizontal(classes="row"):
                yield Label("Format")
                yield Select(
                    FORMATS, value="csv", allow_blank=False, id="export-format", compact=True
                )
            with Horizontal(classes="row"):
                yield Label("Folder")
                yield Input(str(folder), id="export-folder", compact=True)
            yield Static("", id="export-error", markup=False)
            yield Static("", id="export-kind", markup=False)
            yield ProgressBar(total=None, show_eta=False, id="export-progress")
            yield Static("", id="export-summary", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Close", id="export-close", compact=True)
                yield Button("Export", id="export-start", variant="primary", compact=True)
            yield Label("", id="export-keys", classes="muted")

    def on_mount(self) -> None:
        start = key_display(self, "export.start", "ctrl+s")
        close = key_display(self, "export.close", "escape")
        self.query_one("#export-keys", Label).update(
            literal(f"{start} exports · {close} closes")  # as the keymap has them
        )

    # -- starting --------------------------------------------------------------------------------

    def _show_day_problem(self, field: DayField) -> str | None:
        """The reason a From/To day cannot be read, under that field ("" hides it)."""
        problem = field.problem()
        error = self.query_one(f"#{field.id}-error", Static)
        error.update(literal(problem or ""))  # it quotes what was typed
        error.set_class(problem is not None, "-shown")
        return problem

    @on(Input.Blurred, "DayField")
    def _day_left(self, event: Input.Blurred) -> None:
        if isinstance(event.input, DayField):
            self._show_day_problem(event.input)

    def _day(self, name: str) -> date | None:
        """The day typed in the From or To field (the one day grammar), or None with the
        reason under that field, which takes the focus."""
        field = self.query_one(f"#export-{name}", DayField)
        if self._show_day_problem(field) is not None:
            field.focus()
            return None
        return field.day()

    @on(Input.Submitted)
    @on(Button.Pressed, "#export-start")
    def action_start(self) -> None:
        if self.running:
            return
        error = self.query_one("#export-error", Static)
        since = self._day("since")
        until = self._day("until")
        if since is None or until is None:
            return
        folder_text = self.query_one("#export-folder", Input).value.strip()
        if not folder_text:
            error.update("Say which folder to write to")
            return
        fmt = str(self.query_one("#export-format", Select).value)
        error.update("")
        self.running = True
        self.query_one("#export-summary", Static).update("")
        self.query_one("#export-kind", Static).update("Starting…")
        self.query_one("#export-start", Button).disabled = True
        self._export(fmt, since, until, Path(folder_text).expanduser())

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, fmt: str, since: date, until: date, folder: Path) -> None:
        app = self.app

        def progress(kind: str, done: int, total: int) -> None:
            app.call_from_thread(self._progress, kind, done, total)

        try:
            summary = self.services.export.export(
                self.actor, fmt=fmt, since=since, until=until, out_dir=folder, progress=progress
            )
        except SroError as exc:
            app.call_from_thread(self._failed, exc.message)
            return
        except OSError as exc:
            app.call_from_thread(self._failed, f"Could not write the files: {exc.strerror or exc}")
            return
        app.call_from_thread(self._done, summary)

    # -- progress and the end --------------------------------------------------------------------

    def _progress(self, kind: str, done: int, total: int) -> None:
        self.steps.append((kind, done, total))
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=min(done, max(total, 1)))
        self.query_one("#export-kind", Static).update(
            f"{KIND_LABELS.get(kind, kind)}: {done} of {total}"
        )

    def _failed(self, message: str) -> None:
        self.running = False
        self.query_one("#export-start", Button).disabled = False
        self.query_one("#export-kind", Static).update("")
        self.query_one("#export-error", Static).update(literal(message))

    def _done(self, summary: Any) -> None:
        self.running = False
        self.summary = summary
        self.query_one("#export-start", Button).disabled = False
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=1, progress=1)
        self.query_one("#export-kind", Static).update("Done.")
        counts = ", ".join(
            f"{KIND_LABELS.get(kind, kind).lower()} {n}" for kind, n in summary.counts.items()
        )
        self.query_one("#export-summary", Static).update(
            literal(
                f"{summary.since} to {summary.until}, {summary.fmt.value}: {counts}\n"
                f"{len(summary.files)} files in {summary.out_dir}\n{summary.redaction}",
                multiline=True,
            )
        )
        self.app.notify(visible(f"Export written to {summary.out_dir}"), markup=False)

    @on(Button.Pressed, "#export-close")
    def action_close(self) -> None:
        if self.running:
            self.app.notify("The export is still running", markup=False, severity="warning")
            return
        self.dismiss(self.summary)
