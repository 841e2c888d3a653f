"""The duty checklist (f3): today's shift at today's school, made from the agency's template
the first time it is opened. Each change is saved at once, with its time.

Keys: space or Enter marks the item done and moves to the next open item (on an item already
done it says when, and `u` puts it back to pending), `s` skips with a reason and moves on too,
`n` writes a note, `a` adds a one-off item, ctrl+n opens a quick incident prefilled with the
item's place and the time now. Twelve items take twelve keys.

Each change names the item's version. Changes to one item are saved one after another (a note
typed while the item's "done" is still saving waits for it and goes with the version that save
returned), so only a change made on another terminal meanwhile is refused; the item is then
read again and shown, and a typed skip reason or note is asked for again with the typing kept.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
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
from ..kept_styles import KeptStyles
from ..keymap import key_display
from ..text import cell, literal, visible
from ..unexpected import unexpected
from ..whole_frame import WholeFrame
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.prompt import PromptScreen
from ..widgets.retry_prompt import CHANGED_ELSEWHERE, RetryPrompt, saved_elsewhere
from ..widgets.steady_table import SteadyTable

if TYPE_CHECKING:
    from ...domain.officers import Actor
    from ...services.checklist import ChecklistService

    Change = Callable[[ChecklistService, Actor, int | None], ChecklistItemRead]
    """One change to the checklist, as the service makes it against the item's version."""


@dataclass
class Pending:
    """One change of the checklist on its way to the store."""

    save: Change
    item_id: int | None = None
    """The item changed (its changes are saved one after another); None: a new item."""
    added: bool = False
    settles: int | None = None
    ask_again: Callable[[str, ChecklistItemRead], None] | None = None
    """After a refusal as changed elsewhere: ask again (the typing kept), given why and the
    item as it is now."""


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


class ChecklistScreen(SessionAccess, KeptStyles, WholeFrame, Screen[None]):
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
        self._queues: dict[int, deque[Pending]] = {}
        """Items with a save on its way, each with the changes waiting for it to end."""

    def compose(self) -> ComposeResult:
        yield SroHeader("Duty checklist")
        yield Static("", id="checklist-summary")
        yield SteadyTable(id="checklist-table", cursor_type="row", zebra_stripes=True)
        yield SroFooter(compact=True)

    @property
    def table(self) -> SteadyTable:
        return self.query_one("#checklist-table", SteadyTable)

    def on_screen_resume(self) -> None:
        self.query_one(SroHeader).redraw_with_screen()
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
        if shift == self.shift and not self.problem:
            return  # read again (back on the checklist) with the same answer: nothing to draw
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
        table.settle()
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
        self.change(
            Pending(
                lambda checklist, actor, version: checklist.mark_done(
                    actor, item_id, version=version
                ),
                item_id,
                settles=item_id,
            )
        )

    def action_reset(self) -> None:
        item = self.current()
        if item is not None and item.status is not ChecklistStatus.PENDING:
            item_id = item.id
            self.change(
                Pending(
                    lambda checklist, actor, version: checklist.reset(
                        actor, item_id, version=version
                    ),
                    item_id,
                )
            )

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
        self._ask_skip(item, item.skip_reason)

    def _ask_skip(self, item: ChecklistItemRead, typed: str, problem: str = "") -> None:
        """The skip reason, then the skip; after a refusal ``problem`` shows under it."""
        item_id = item.id

        def skipped(reason: str | None) -> None:
            if reason:
                data = SkipItem(reason=reason)
                self.change(
                    Pending(
                        lambda checklist, actor, version: checklist.skip(
                            actor, item_id, data, version=version
                        ),
                        item_id,
                        settles=item_id,
                        ask_again=lambda why, now: self._ask_skip(now, reason, why),
                    )
                )

        title, label = f"Skip: {item.label}", "Why is it skipped?"
        options: dict[str, Any] = {
            "value": typed,
            "required": True,
            "required_message": "A reason is required to skip an item",
        }
        self.app.push_screen(RetryPrompt(title, label, problem=problem, **options), skipped)

    def action_note(self) -> None:
        item = self.current()
        if item is None:
            return
        self._ask_note(item, item.note)

    def _ask_note(self, item: ChecklistItemRead, typed: str, problem: str = "") -> None:
        """The note, then its save; after a refusal ``problem`` shows under it."""
        item_id = item.id

        def noted(text: str | None) -> None:
            if text is not None:
                data = ItemNote(note=text)
                self.change(
                    Pending(
                        lambda checklist, actor, version: checklist.set_note(
                            actor, item_id, data, version=version
                        ),
                        item_id,
                        ask_again=lambda why, now: self._ask_note(now, text, why),
                    )
                )

        title, label = f"Note: {item.label}", "Note (empty removes it)"
        self.app.push_screen(RetryPrompt(title, label, problem=problem, value=typed), noted)

    def action_add(self) -> None:
        if self.shift is None:
            return
        shift_id = self.shift.id

        def added(label: str | None) -> None:
            if label:
                data = OneOffItem(label=label)
                self.change(
                    Pending(
                        lambda checklist, actor, _version: checklist.add_item(
                            actor, shift_id, data
                        ),
                        added=True,
                    )
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

    def change(self, pending: Pending) -> None:
        """Save one change at once, or once the item's previous change is saved. A change
        that settles an item (done, skipped) moves the cursor to the next open item now, so
        the next key is for that one."""
        if self.sro.actor is None or self.shift is None:
            return
        self._changes += 1
        if pending.settles is not None:
            self._settling.add(pending.settles)
            row = self.next_open(self.table.cursor_row)
            if row is not None:
                self.table.move_cursor(row=row)
        item_id = pending.item_id
        if item_id is not None:
            waiting = self._queues.get(item_id)
            if waiting is not None:  # the item's last change is on its way: this one follows
                waiting.append(pending)
                return
            self._queues[item_id] = deque()
        self._start(pending)

    def _start(self, pending: Pending) -> None:
        """Send a change against the item's version as shown, which is what the item's own
        previous save returned (UI thread)."""
        if self.shift is None:
            return
        shown = next((i for i in self.shift.items if i.id == pending.item_id), None)
        version = shown.version if shown is not None else None
        self.save(self.actor, pending, version, self.shift.id)

    def _next(self, item_id: int | None) -> None:
        """The item's save ended: start the change waiting for it, if any."""
        if item_id is None or item_id not in self._queues:
            return
        waiting = self._queues[item_id]
        if waiting:
            self._start(waiting.popleft())
        else:
            del self._queues[item_id]

    @work(thread=True, group="checklist-save", exit_on_error=False)
    def save(self, actor: Actor, pending: Pending, version: int | None, shift_id: int) -> None:
        """One change, saved at once; the screen then shows the item as the store holds it
        (its time included)."""
        checklist = self.services.checklist
        try:
            result = pending.save(checklist, actor, version)
        except SroError as exc:
            if saved_elsewhere(exc) and pending.item_id is not None:
                try:  # the item as the other terminal left it
                    shift = checklist.get_shift(actor, shift_id)
                    now = next((i for i in shift.items if i.id == pending.item_id), None)
                except SroError:
                    now = None
                self.app.call_from_thread(self._changed_elsewhere, pending, now)
                return
            self.app.call_from_thread(self._not_saved, visible(exc), pending)
            return
        except Exception as exc:
            problem = unexpected(exc, "Not saved", "Press the key again to retry.")
            self.app.call_from_thread(self._not_saved, problem.message, pending)
            return
        self.app.call_from_thread(self._saved, result, pending)

    def _not_saved(self, message: str, pending: Pending) -> None:
        self._changes += 1
        self._settling.discard(pending.settles or 0)
        self.notify(message, markup=False, severity="error")
        self._next(pending.item_id)

    def _changed_elsewhere(self, pending: Pending, now: ChecklistItemRead | None) -> None:
        """Refused: another terminal changed the item. Show it as it is now; the changes
        waiting behind this one were made against the old item too, so they are dropped,
        and the first with typing is asked again."""
        self._changes += 1
        assert pending.item_id is not None
        dropped = [pending, *self._queues.pop(pending.item_id, ())]
        for change in dropped:
            self._settling.discard(change.settles or 0)
        if now is not None:
            self._put(now)
        self.notify(CHANGED_ELSEWHERE, markup=False, severity="error")
        again = next((c.ask_again for c in dropped if c.ask_again is not None), None)
        if again is not None and now is not None:
            again(CHANGED_ELSEWHERE, now)

    def _saved(self, result: ChecklistItemRead, pending: Pending) -> None:
        self._changes += 1
        self._settling.discard(pending.settles or 0)
        self._put(result, added=pending.added)
        self._next(pending.item_id)

    def _put(self, result: ChecklistItemRead, *, added: bool = False) -> None:
        """Show one item as the store returned it."""
        if self.shift is None:
            return
        items = [result if item.id == result.id else item for item in self.shift.items]
        if not any(item.id == result.id for item in self.shift.items):
            items.append(result)
        shift = self.shift.model_copy(update={"items": tuple(items)})
        self.show(shift)
        if added and shift.items:
            self.table.move_cursor(row=len(shift.items) - 1)
