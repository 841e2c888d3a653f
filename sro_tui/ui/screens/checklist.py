"""The duty checklist (f3): today's shift at today's school, made from the agency's template
the first time it is opened. Each change is saved at once, with its time.

Keys: space or Enter marks the item done and moves to the next open item (on an item already
done it says when, and `u` puts it back to pending), `s` skips with a reason and moves on too,
`n` writes a note, `a` adds a one-off item, ctrl+n opens a quick incident prefilled with the
item's place and the time now. Twelve items take twelve keys.
"""

from __future__ import annotations

from collections.abc import Callable
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
from ..access import SessionAccess
from ..keymap import key_display
from ..text import cell, literal, visible
from ..unexpected import unexpected
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.prompt import PromptScreen

if TYPE_CHECKING:
    from ...domain.officers import Actor
    from ...services.checklist import ChecklistService

    Change = Callable[[ChecklistService, Actor], ChecklistItemRead]
    """One change to the checklist, as the service makes it."""

HINTS = (
    ("done", "done"),
    ("skip", "skip"),
    ("note", "note"),
    ("add", "add"),
    ("reset", "reset"),
    ("incident_here", "incident here"),
)
"""The summary line's key hints, by binding id (``checklist.<name>``)."""

STATUS_TEXT = {
    ChecklistStatus.DONE: Text("✓ done", style="bold green"),
    ChecklistStatus.SKIPPED: Text("- skipped", style="yellow"),
    ChecklistStatus.PENDING: Text("· pending", style="dim"),
}


class ChecklistScreen(SessionAccess, Screen[None]):
    """Today's duty checklist for the signed-in officer at today's school."""

    CSS_PATH = "checklist.tcss"

    BINDINGS = [
        Binding("space", "done", "Done", id="checklist.done"),
        Binding("s", "skip", "Skip", id="checklist.skip"),
        Binding("n", "note", "Note", id="checklist.note"),
        Binding("a", "add", "Add item", id="checklist.add"),
        Binding("u", "reset", "Reset", id="checklist.reset"),
        Binding("ctrl+n", "incident_here", "Incident here", id="checklist.incident_here"),
        Binding("j", "cursor_down", "Down", show=False, id="checklist.down"),
        Binding("k", "cursor_up", "Up", show=False, id="checklist.up"),
        Binding("r", "reload", "Refresh", show=False, id="checklist.reload"),
    ]
    AUTO_FOCUS = "#checklist-table"

    def __init__(self) -> None:
        super().__init__()
        self.shift: ShiftRead | None = None
        self.problem = ""
        self._changes = 0
        """Counts saves started and finished: a reload read while a save was on its way
        would show the item as it was before, so its result is dropped."""
        self._settling: set[int] = set()
        """Items marked done or skipped whose save is on its way: the cursor passes them
        by (keys typed ahead never mark the same item twice)."""

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

    @work(thread=True, exclusive=True, group="checklist-load", exit_on_error=False)
    def open_shift(self, actor: Actor, school_id: int, day: date, changes: int) -> None:
        try:
            shift = self.services.checklist.open_shift(actor, school_id, day)
        except SroError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        except Exception as exc:  # said on the screen: the table would stay empty
            problem = unexpected(exc, "The checklist could not be read", "r tries again.")
            self.app.call_from_thread(self._failed, problem.message)
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
        first_show = self.shift is None
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
            if first_show:  # the officer starts where the work is: the first open item
                row = self.next_open(-1) or 0
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
        hints = " · ".join(f"{self.key_of(name)} {what}" for name, what in HINTS)
        self.query_one("#checklist-summary", Static).update(
            literal(
                f"{school}, {self.shift.shift_date:%a %b %-d}: {settled} of {total} settled. "
                + hints
            )
        )

    def key_of(self, name: str) -> str:
        """The key bound now to ``checklist.<name>``, as the footer shows it (a department's
        keymap may move it)."""
        binding_id = f"checklist.{name}"
        default = next(
            b.key for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id
        )
        return key_display(self, binding_id, default)

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
        if item is None or item.id in self._settling:
            return
        if item.status is ChecklistStatus.DONE:
            when = f" at {item.status_at.astimezone(self.sro.tz):%H:%M}" if item.status_at else ""
            self.notify(f"Already done{when}; u puts it back to pending", markup=False)
            row = self.next_open(self.table.cursor_row)
            if row is not None:  # space keeps walking the list, as on an open item
                self.table.move_cursor(row=row)
            return
        item_id = item.id
        self.change(lambda checklist, actor: checklist.mark_done(actor, item_id), settles=item_id)

    def action_reset(self) -> None:
        item = self.current()
        if item is not None and item.status is not ChecklistStatus.PENDING:
            item_id = item.id
            self.change(lambda checklist, actor: checklist.reset(actor, item_id))

    def next_open(self, after: int) -> int | None:
        """The row of the first open item after row ``after`` (from the top again past the
        last), or None when every item is settled or on its way."""
        if self.shift is None:
            return None
        items = self.shift.items
        for step in range(1, len(items) + 1):
            row = (after + step) % len(items)
            item = items[row]
            if item.status is ChecklistStatus.PENDING and item.id not in self._settling:
                return row
        return None

    def action_skip(self) -> None:
        item = self.current()
        if item is None or item.id in self._settling:
            return
        item_id = item.id

        def skipped(reason: str | None) -> None:
            if reason:
                data = SkipItem(reason=reason)
                self.change(
                    lambda checklist, actor: checklist.skip(actor, item_id, data),
                    settles=item_id,
                )

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

        item_id = item.id

        def noted(text: str | None) -> None:
            if text is not None:
                data = ItemNote(note=text)
                self.change(lambda checklist, actor: checklist.set_note(actor, item_id, data))

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
                data = OneOffItem(label=label)
                self.change(
                    lambda checklist, actor: checklist.add_item(actor, shift_id, data), added=True
                )

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

    def change(self, save: Change, *, added: bool = False, settles: int | None = None) -> None:
        """Save one change at once. A change that settles an item (done, skipped) moves the
        cursor to the next open item now, so the next key is for that one."""
        if self.sro.actor is None or self.shift is None:
            return
        self._changes += 1
        if settles is not None:
            self._settling.add(settles)
            row = self.next_open(self.table.cursor_row)
            if row is not None:
                self.table.move_cursor(row=row)
        self.save(self.actor, save, added, settles)

    @work(thread=True, group="checklist-save", exit_on_error=False)
    def save(self, actor: Actor, save: Change, added: bool, settles: int | None) -> None:
        """One change, saved at once; the screen then shows the item as the store holds it
        (its time included)."""
        try:
            result = save(self.services.checklist, actor)
        except SroError as exc:
            self.app.call_from_thread(self._not_saved, visible(exc), settles)
            return
        except Exception as exc:
            problem = unexpected(exc, "Not saved", "Press the key again to retry.")
            self.app.call_from_thread(self._not_saved, problem.message, settles)
            return
        self.app.call_from_thread(self._saved, result, added, settles)

    def _not_saved(self, message: str, settles: int | None) -> None:
        self._changes += 1
        self._settling.discard(settles or 0)
        self.notify(message, markup=False, severity="error")

    def _saved(self, result: ChecklistItemRead, added: bool, settles: int | None) -> None:
        self._changes += 1
        self._settling.discard(settles or 0)
        if self.shift is None:
            return
        items = [result if item.id == result.id else item for item in self.shift.items]
        if not any(item.id == result.id for item in self.shift.items):
            items.append(result)
        shift = self.shift.model_copy(update={"items": tuple(items)})
        self.show(shift)
        if added and shift.items:
            self.table.move_cursor(row=len(shift.items) - 1)
