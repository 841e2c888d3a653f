"""The duty checklist (f3): today's shift at today's school, made from the agency's template
the first time it is opened. Each change is saved at once, with its time.

Keys: space or Enter marks the item done (on an item already done it says when, and `u`
puts it back to pending), `s` skips with a reason, `n` writes a note, `a` adds a one-off item,
ctrl+n opens a quick incident prefilled with the item's place and the time now.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...domain.checklist import ChecklistItemRead, ItemNote, OneOffItem, ShiftRead, SkipItem
from ...domain.enums import ChecklistStatus
from ...domain.errors import SroError
from ..access import SroAccess
from ..text import cell, literal, visible
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.prompt import PromptScreen

if TYPE_CHECKING:
    from ...domain.officers import Actor

STATUS_TEXT = {
    ChecklistStatus.DONE: Text("✓ done", style="bold green"),
    ChecklistStatus.SKIPPED: Text("- skipped", style="yellow"),
    ChecklistStatus.PENDING: Text("· pending", style="dim"),
}


class ChecklistScreen(SroAccess, Screen[None]):
    """Today's duty checklist for the signed-in officer at today's school."""

    BINDINGS = [
        Binding("space", "done", "Done"),
        Binding("s", "skip", "Skip"),
        Binding("n", "note", "Note"),
        Binding("a", "add", "Add item"),
        Binding("u", "reset", "Reset"),
        Binding("ctrl+n", "incident_here", "Incident here"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("r", "reload", "Refresh", show=False),
    ]
    AUTO_FOCUS = "#checklist-table"

    def __init__(self) -> None:
        super().__init__()
        self.shift: ShiftRead | None = None
        self.problem = ""
        self._changes = 0
        """Counts saves started and finished: a reload read while a save was on its way
        would show the item as it was before, so its result is dropped."""

    def compose(self) -> ComposeResult:
        yield SroHeader("Duty checklist")
        yield Static("", id="checklist-summary")
        yield DataTable(id="checklist-table", cursor_type="row", zebra_stripes=True)
        yield SroFooter(compact=True)

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#checklist-table", DataTable)

    def on_screen_resume(self) -> None:
        self.query_one(SroHeader).refresh()
        self.action_reload()

    # -- loading -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        app = self.sro
        if app.actor is None or app.school is None or app.services is None:
            return
        self.open_shift(app.actor, app.school.id, app.local_now().date(), self._changes)

    @work(thread=True, exclusive=True, group="checklist-load")
    def open_shift(self, actor: Actor, school_id: int, day: date, changes: int) -> None:
        services = self.sro.services
        assert services is not None
        try:
            shift = services.checklist.open_shift(actor, school_id, day)
        except (ImportError, AttributeError, NotImplementedError):
            self.app.call_from_thread(self._failed, "The checklist is not available yet")
            return
        except SroError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:
            from ..app import store_problem

            self.app.call_from_thread(self._failed, store_problem(exc))
            return
        self.app.call_from_thread(self._loaded, shift, changes)

    def _loaded(self, shift: ShiftRead, changes: int) -> None:
        if changes != self._changes and self.shift is not None:
            return  # a save started or ended meanwhile: what it returns is newer
        self.show(shift)

    def _failed(self, message: str) -> None:
        self.problem = message
        summary = self.query_one("#checklist-summary", Static)
        summary.update(literal(message, "bold red"))

    def show(self, shift: ShiftRead) -> None:
        self.shift = shift
        self.problem = ""
        table = self.table
        row = table.cursor_row
        table.clear(columns=True)
        self._add_columns(shift)
        tz = self.sro.tz
        for item in shift.items:
            time = f"{item.status_at.astimezone(tz):%H:%M}" if item.status_at else ""
            notes = []
            if item.status is ChecklistStatus.SKIPPED and item.skip_reason:
                notes.append(f"skipped: {item.skip_reason}")
            if item.note:
                notes.append(item.note.splitlines()[0])
            label = item.label + (" (one-off)" if item.one_off else "")
            table.add_row(
                STATUS_TEXT[item.status],
                cell(label),
                time,
                cell("; ".join(notes)),
                key=str(item.id),
            )
        if shift.items:
            table.move_cursor(row=min(row, len(shift.items) - 1))
        self._summarise()

    def _add_columns(self, shift: ShiftRead) -> None:
        """Item and note share the width left (so nothing needs scrolling sideways at 80
        columns): the item up to its longest label, at most 60% of it."""
        width = self.size.width or self.app.size.width
        fixed = 9 + 5 + 4 * 2 + 2  # status, time, each column's padding, the scrollbar
        free = max(30, width - fixed)
        longest = max((len(i.label) + (11 if i.one_off else 0) for i in shift.items), default=20)
        label = min(longest, int(free * 0.6))
        table = self.table
        table.add_column("Status", key="status", width=9)
        table.add_column("Item", key="label", width=label)
        table.add_column("Time", key="time", width=5)
        table.add_column("Note", key="note", width=max(8, free - label))

    def on_resize(self) -> None:
        if self.shift is not None:
            self.show(self.shift)

    def _summarise(self) -> None:
        if self.shift is None:
            return
        settled, total = self.shift.progress
        school = self.shift.school_name or (self.sro.school.name if self.sro.school else "")
        self.query_one("#checklist-summary", Static).update(
            literal(
                f"{school}, {self.shift.shift_date:%a %b %-d}: {settled} of {total} settled. "
                "space done · s skip · n note · a add · u reset · ctrl+n incident here"
            )
        )

    # -- the item under the cursor -----------------------------------------------------------

    def current(self) -> ChecklistItemRead | None:
        if self.shift is None or not self.shift.items:
            return None
        row = self.table.cursor_row
        if 0 <= row < len(self.shift.items):
            return self.shift.items[row]
        return None

    @on(DataTable.RowSelected, "#checklist-table")
    def _enter(self) -> None:
        self.action_done()

    def action_done(self) -> None:
        item = self.current()
        if item is None:
            return
        if item.status is ChecklistStatus.DONE:
            when = f" at {item.status_at.astimezone(self.sro.tz):%H:%M}" if item.status_at else ""
            self.notify(f"Already done{when}; u puts it back to pending", markup=False)
            return
        self.change("mark_done", item.id)

    def action_reset(self) -> None:
        item = self.current()
        if item is not None and item.status is not ChecklistStatus.PENDING:
            self.change("reset", item.id)

    def action_skip(self) -> None:
        item = self.current()
        if item is None:
            return

        def skipped(reason: str | None) -> None:
            if reason:
                self.change("skip", item.id, SkipItem(reason=reason))

        self.app.push_screen(
            PromptScreen(
                f"Skip: {item.label}",
                "Why is it skipped?",
                value=item.skip_reason,
                required=True,
                required_message="A reason is required to skip an item",
            ),
            skipped,
        )

    def action_note(self) -> None:
        item = self.current()
        if item is None:
            return

        def noted(text: str | None) -> None:
            if text is not None:
                self.change("set_note", item.id, ItemNote(note=text))

        self.app.push_screen(
            PromptScreen(f"Note: {item.label}", "Note (empty removes it)", value=item.note),
            noted,
        )

    def action_add(self) -> None:
        if self.shift is None:
            return
        shift_id = self.shift.id

        def added(label: str | None) -> None:
            if label:
                self.change("add_item", shift_id, OneOffItem(label=label), added=True)

        self.app.push_screen(
            PromptScreen(
                "Add a one-off item",
                "What is to be done (today only)?",
                required=True,
                required_message="Type what the item is",
                max_length=200,
            ),
            added,
        )

    def action_incident_here(self) -> None:
        item = self.current()
        prefill: dict[str, Any] = {"occurred_at": self.sro.now()}
        if self.sro.school is not None:
            prefill["school_id"] = self.sro.school.id
        if item is not None and item.location_code:
            prefill["location_code"] = item.location_code
        self.sro.open_quick_incident(prefill)

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    # -- saving ------------------------------------------------------------------------------

    def change(self, call: str, target: int, *args: Any, added: bool = False) -> None:
        actor = self.sro.actor
        if actor is None or self.shift is None:
            return
        self._changes += 1
        self.save(actor, call, target, args, added)

    @work(thread=True, group="checklist-save")
    def save(
        self, actor: Actor, call: str, target: int, args: tuple[Any, ...], added: bool
    ) -> None:
        """One change, saved at once; the screen then shows the item as the store holds it
        (its time included)."""
        services = self.sro.services
        assert services is not None and self.shift is not None
        try:
            result = getattr(services.checklist, call)(actor, target, *args)
            if not isinstance(result, ChecklistItemRead):
                result = services.checklist.get_shift(actor, self.shift.id)
        except SroError as exc:
            self.app.call_from_thread(self.notify, visible(exc), markup=False, severity="error")
            return
        except Exception as exc:
            from ..app import store_problem

            self.app.call_from_thread(
                self.notify,
                visible(f"Not saved. {store_problem(exc)}"),
                markup=False,
                severity="error",
            )
            return
        self.app.call_from_thread(self._saved, result, added)

    def _saved(self, result: ChecklistItemRead | ShiftRead, added: bool) -> None:
        self._changes += 1
        if self.shift is None:
            return
        if isinstance(result, ShiftRead):
            shift = result
        else:
            items = [result if item.id == result.id else item for item in self.shift.items]
            if not any(item.id == result.id for item in self.shift.items):
                items.append(result)
            shift = self.shift.model_copy(update={"items": tuple(items)})
        self.show(shift)
        if added and shift.items:
            self.table.move_cursor(row=len(shift.items) - 1)
