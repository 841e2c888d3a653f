"""Saved elsewhere: the officer's kept typing beside the record as another terminal saved it,
field by field (only the fields that differ), to keep theirs (m), take the other (o), or all
of one side (a, A), then Enter. Dismissed with each field's side, or None (Escape: back to the
form, the typing untouched). Keyboard only; values are record text, shown literally."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...domain.merge import Side
from ..keymap import key_display
from ..text import literal
from ..widgets.footer import SroFooter

__all__ = ["MergeChangesScreen", "MergeRow", "ShownDifference"]

SHOWN_LINES = 4
"""Lines of each value shown in a row (the rest is cut with "…"; the form shows it all)."""


@dataclass(frozen=True)
class ShownDifference:
    """One field that differs, as the dialog shows it."""

    key: str
    label: str
    mine: str
    other: str


def _cut(value: str) -> str:
    lines = value.splitlines() or [""]
    if len(lines) > SHOWN_LINES:
        lines = [*lines[: SHOWN_LINES - 1], lines[SHOWN_LINES - 1] + " …"]
    return "\n".join(lines)


class MergeRow(Static, can_focus=True):
    """One field: its name, the side kept, and both values."""

    def __init__(self, shown: ShownDifference) -> None:
        super().__init__(classes="merge-row")
        self.shown = shown
        self.side = Side.MINE

    def on_mount(self) -> None:
        self.draw()

    def choose(self, side: Side) -> None:
        self.side = side
        self.draw()

    def draw(self) -> None:
        shown = self.shown
        text = Text()
        text.append(shown.label, "bold")
        keeping = "yours" if self.side is Side.MINE else "the other terminal's"
        text.append(f"  → keeping {keeping}\n", "italic")
        for side, name, value in (
            (Side.MINE, "Yours: ", shown.mine),
            (Side.OTHER, "Other: ", shown.other),
        ):
            mark = "●" if self.side is side else "○"
            text.append(f"{mark} {name}", "bold" if self.side is side else "")
            text.append_text(literal(_cut(value) if value else "(empty)", multiline=True))
            text.append("\n")
        text.rstrip()
        self.update(text)
        self.set_class(self.side is Side.OTHER, "-other")


class MergeChangesScreen(ModalScreen[dict[str, Side] | None]):
    """The fields that differ between the officer's typing and the record saved elsewhere."""

    CSS_PATH = "merge_changes.tcss"
    BINDINGS = [
        Binding("m", "choose('mine')", "Mine", id="merge.mine"),
        Binding("o", "choose('other')", "Other", id="merge.other"),
        Binding("a", "choose_all('mine')", "All mine", id="merge.all_mine"),
        Binding("A", "choose_all('other')", "All other", id="merge.all_other"),
        Binding("enter", "done", "Done", id="merge.done", priority=True),
        Binding("escape", "cancel", "Back", id="merge.cancel"),
        Binding("down", "move(1)", "Next field", show=False, id="merge.next"),
        Binding("up", "move(-1)", "Previous field", show=False, id="merge.previous"),
    ]

    def __init__(self, what: str, rows: Sequence[ShownDifference], *, then: str) -> None:
        """``what``: "this report"; ``then``: what Enter does next ("save", "go on typing")."""
        super().__init__()
        self.what = what
        self.rows = list(rows)
        self.then = then

    def compose(self) -> ComposeResult:
        with Vertical(id="merge-box") as box:
            box.border_title = "Saved elsewhere"
            mine = key_display(self, "merge.mine", "m")
            other = key_display(self, "merge.other", "o")
            done = key_display(self, "merge.done", "enter")
            yield Static(
                literal(
                    f"Another terminal saved {self.what} since your typing began. "
                    f"For each field that differs: {mine} keeps yours, {other} takes the "
                    f"other. {done}: done, then {self.then}."
                ),
                id="merge-intro",
            )
            with VerticalScroll(id="merge-rows", can_focus=False):
                for shown in self.rows:
                    yield MergeRow(shown)
        yield SroFooter()

    def on_mount(self) -> None:
        rows = self.query(MergeRow)
        if rows:
            rows.first().focus()

    def _current(self) -> MergeRow | None:
        focused = self.focused
        return focused if isinstance(focused, MergeRow) else None

    def action_move(self, step: int) -> None:
        rows = list(self.query(MergeRow))
        row = self._current()
        if not rows or row is None:
            return
        at = max(0, min(len(rows) - 1, rows.index(row) + step))
        rows[at].focus()
        rows[at].scroll_visible(animate=False)

    def action_choose(self, side: str) -> None:
        """The highlighted field keeps ``side``; the cursor moves on to the next field."""
        row = self._current()
        if row is None:
            return
        row.choose(Side(side))
        rows = list(self.query(MergeRow))
        if row is not rows[-1]:
            self.action_move(1)

    def action_choose_all(self, side: str) -> None:
        for row in self.query(MergeRow):
            row.choose(Side(side))

    def choices(self) -> dict[str, Side]:
        return {row.shown.key: row.side for row in self.query(MergeRow)}

    def action_done(self) -> None:
        self.dismiss(self.choices())

    def action_cancel(self) -> None:
        self.dismiss(None)
