"""Campus security (ctrl+g): the trespass watch check at the office window.

Type part of a name or a description word: the warnings found show as you type, in force
first, each marked IN FORCE or expired, and REPEATED when the same person has been warned
before. With nothing typed, the list shows the warnings in force today. Enter goes to the
list (or, when nothing was found, opens a new warning with the name typed); on the list,
``v`` makes a draft incident of a return within the period and opens it, ``w`` records a new
warning, ``c`` logs a call for service (also ctrl+y from anywhere).

Every look-up runs in a thread worker (exclusive: only the newest typing counts), so typing
never waits for the store; the service audits each one.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from ...domain.errors import SroError
from ...domain.incidents import IncidentRead
from ...domain.trespass import WarningState, WatchHit
from ..access import SessionAccess
from ..kept_styles import KeptStyles
from ..live import StoreChanged
from ..messages import OpenRecord
from ..text import cell, literal
from ..unexpected import unexpected
from ..whole_frame import WholeFrame
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.status_line import StatusLine
from ..widgets.steady_table import SteadyTable

__all__ = ["WATCH_CHECK_KEYS", "CampusScreen"]

WATCH_CHECK_KEYS: list[tuple[str, str]] = [
    ("ctrl+g", "Campus security, from any screen: the cursor is in the watch check"),
    ("…", "type part of the name or a description word: warnings show as you type"),
]
"""Checking a name: one key and the name (the Pilot test presses exactly these)."""


class CampusScreen(SessionAccess, KeptStyles, WholeFrame, Screen[None]):
    """The watch check and the warnings in force."""

    CSS_PATH = "trespass.tcss"
    AUTO_FOCUS = "#watch-input"
    WATCH_KINDS = frozenset({"trespass"})

    BINDINGS: ClassVar[list[Any]] = [
        Binding("w", "warn", "New warning", id="campus.warn"),
        Binding("v", "violation", "Returned: incident", id="campus.violation"),
        Binding("c", "call", "Log a call", id="campus.call"),
        Binding("ctrl+t", "threats", "Threat cases", id="campus.threats"),
        Binding("slash", "search", "Check a name", id="campus.search"),
        Binding("escape", "back", "Back", id="campus.back"),
        Binding("down", "to_list", "To the list", id="campus.to_list", show=False),
    ]
    HELP_KEYS = (("enter", "In the check: to the list, or a new warning when none was found"),)

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[WatchHit] = []
        self.query_text = ""
        self.generation = 0
        self._pending: str | None = None  # look_for before the screen was mounted

    def compose(self) -> ComposeResult:
        yield SroHeader("Campus security")
        yield Input(
            placeholder="Watch check: part of a name or a description word", id="watch-input"
        )
        yield SteadyTable(id="watch-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="watch-detail", markup=False)
        yield StatusLine("", id="watch-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="state", width=9)
        table.add_column("Name", key="name", width=20)
        table.add_column("Rep", key="repeat", width=3)
        table.add_column("Age/born", key="who", width=10)
        table.add_column("Schools", key="schools", width=11)
        table.add_column("Until", key="until", width=10)
        if self._pending is not None:
            self.query_one("#watch-input", Input).value = self._pending  # looks it up
        else:
            self.reload()
        self._pending = None

    # -- looking up ----------------------------------------------------------------------------

    @on(Input.Changed, "#watch-input")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.reload()

    @on(Input.Submitted, "#watch-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.hits:
            self.query_one(DataTable).focus()
        else:
            self.action_warn()

    def reload(self) -> None:
        self.generation += 1
        self._look_up(self.generation, self.query_text)

    def on_store_changed(self, message: StoreChanged) -> None:
        """Another terminal gave a warning or recorded a return: look again."""
        if message.concerns(self.WATCH_KINDS):
            self.reload()

    @work(thread=True, exclusive=True, group="watch-check", exit_on_error=False)
    def _look_up(self, generation: int, typed: str) -> None:
        try:
            if typed.strip():
                hits = self.services.trespass.check(self.actor, typed)
            else:
                hits = self.services.trespass.in_force(self.actor)
        except SroError as exc:
            self.app.call_from_thread(self._failed, generation, exc.message)
            return
        except Exception as exc:
            problem = unexpected(exc, "Not checked", "Type again to retry.")
            self.app.call_from_thread(self._failed, generation, problem.message)
            return
        self.app.call_from_thread(self._show, generation, typed, hits)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self.generation:
            self.query_one("#watch-status", Label).update(literal(f"Not checked: {message}"))

    def _show(self, generation: int, typed: str, hits: list[WatchHit]) -> None:
        if generation != self.generation or not self.is_mounted:
            return  # newer typing is on its way
        self.hits = hits
        table = self.query_one(SteadyTable)
        table.clear()
        for hit in hits:
            w = hit.warning
            in_force = hit.state is WarningState.IN_FORCE
            state = Text(
                "IN FORCE" if in_force else "expired",
                style="bold reverse red" if in_force else "dim",
            )
            repeat = Text(f"{hit.warnings_of_person}x" if hit.repeated else "", style="bold yellow")
            who = w.birth_date.isoformat() if w.birth_date else f"age {w.age}"
            table.add_row(
                state,
                cell(w.person_name),
                repeat,
                who,
                ",".join(w.school_codes),
                w.last_day.isoformat(),
                key=str(w.id),
            )
        table.settle()
        self._describe()
        self._status(typed)
        self.refresh_bindings()

    def _status(self, typed: str) -> None:
        status = self.query_one("#watch-status", Label)
        found = len(self.hits)
        in_force = sum(1 for h in self.hits if h.state is WarningState.IN_FORCE)
        repeated = any(h.repeated for h in self.hits)
        if not typed.strip():
            status.update(
                f"{found} warning{'s' if found != 1 else ''} in force today · type to check a name"
            )
        elif not found:
            status.update("No warning found · Enter: record a new warning")
        else:
            flags = f"{in_force} IN FORCE" + (" · REPEATED" if repeated else "")
            status.update(f"{found} found: {flags} · Enter: to the list · v returned · w new")

    def _describe(self) -> None:
        detail = self.query_one("#watch-detail", Static)
        hit = self.highlighted()
        if hit is None:
            detail.update("")
            return
        w = hit.warning
        local = w.warned_at.astimezone(self.sro.tz)
        text = literal(
            f"#{w.id} {w.person_name}: {w.description or 'no description'}"
            + (f" · photo {w.photo_ref}" if w.photo_ref else "")
        )
        text.append(
            f"\nPC {w.statute.value}, given {local:%Y-%m-%d %H:%M} by {w.officer_name}, "
            f"{w.days} days, in force through {w.last_day.isoformat()}"
            + (" · juvenile" if w.juvenile else "")
            + (f" · {len(w.violation_incident_ids)} return(s)" if w.violation_incident_ids else "")
        )
        detail.update(text)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._describe()
        self.refresh_bindings()

    def highlighted(self) -> WatchHit | None:
        table = self.query_one(DataTable)
        if not self.hits or table.cursor_row < 0 or table.cursor_row >= len(self.hits):
            return None
        return self.hits[table.cursor_row]

    # -- keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("warn", "violation", "call") and isinstance(self.focused, Input):
            return False  # letters type into the check
        if action == "violation":
            hit = self.highlighted()
            return (hit is not None and hit.state is WarningState.IN_FORCE) or None
        return True

    def action_search(self) -> None:
        self.query_one("#watch-input", Input).focus()

    def look_for(self, text: str) -> None:
        """Check ``text`` (a warning found by search): typed into the check, which looks up."""
        if not self.is_mounted or not self.query("#watch-input"):
            self._pending = text  # opened just now: on_mount types it
            return
        box = self.query_one("#watch-input", Input)
        box.value = text
        box.focus()

    def action_to_list(self) -> None:
        if self.hits:
            self.query_one(DataTable).focus()

    def action_back(self) -> None:
        """Escape in the check clears it, then goes to the list; on the list, to the check."""
        box = self.query_one("#watch-input", Input)
        if self.focused is box:
            if box.value:
                box.value = ""
            elif self.hits:
                self.query_one(DataTable).focus()
        else:
            box.focus()

    def action_warn(self) -> None:
        from .trespass_warning import TrespassWarningForm

        typed = self.query_text.strip()
        self.app.push_screen(TrespassWarningForm(prefill={"person_name": typed}), self._after)

    def _after(self, result: object) -> None:
        if result is not None:
            self.reload()

    def action_call(self) -> None:
        from ..forms.call_form import CallFormScreen

        self.app.push_screen(CallFormScreen())

    def action_threats(self) -> None:
        """The threat assessment cases (the app's command)."""
        from .threats import ThreatCasesScreen

        self.app.push_screen(ThreatCasesScreen())

    def action_violation(self) -> None:
        hit = self.highlighted()
        if hit is None or hit.state is not WarningState.IN_FORCE:
            self.notify("Highlight a warning in force first", severity="warning", markup=False)
            return
        self._record_violation(hit.warning.id)

    @work(thread=True, group="violation", exit_on_error=False)
    def _record_violation(self, warning_id: int) -> None:
        try:
            incident = self.services.trespass.record_violation(self.actor, warning_id)
        except SroError as exc:
            self.app.call_from_thread(
                self.notify, exc.message, severity="error", markup=False, timeout=8
            )
            return
        self.app.call_from_thread(self._violation_recorded, incident)

    def _violation_recorded(self, incident: IncidentRead) -> None:
        self.notify(f"Return within the period: draft incident {incident.number}", markup=False)
        self.reload()
        self.post_message(OpenRecord("incident", incident.id))
