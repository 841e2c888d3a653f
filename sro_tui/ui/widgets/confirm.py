"""Small dialogs: leaving a changed form, and yes/no questions."""

from __future__ import annotations

from typing import Literal, TypeGuard, get_args

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..keymap import key_display
from ..text import literal

__all__ = ["ConfirmScreen", "LeaveChoice", "LeaveFormScreen"]

LeaveChoice = Literal["keep", "discard", "back"]


def is_leave_choice(value: str) -> TypeGuard[LeaveChoice]:
    return value in get_args(LeaveChoice)


class LeaveFormScreen(ModalScreen[LeaveChoice]):
    """Asked when the officer leaves a form with changes: keep the draft, discard it, or go
    back to the form. Keys: k, d, and b or Escape."""

    CSS_PATH = "confirm.tcss"
    AUTO_FOCUS = "#keep"
    BINDINGS = [
        Binding("k", "choose('keep')", "Keep draft", id="leave.keep"),
        Binding("d", "choose('discard')", "Discard", id="leave.discard"),
        Binding("b,escape", "choose('back')", "Go back", id="leave.back"),
        Binding("left", "app.focus_previous", show=False, id="dialog.previous"),
        Binding("right", "app.focus_next", show=False, id="dialog.next"),
    ]

    def __init__(self, what: str = "this form") -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                literal(f"You changed {self.what}. Keep it as a draft to finish later?"),
                classes="question",
            )
            with Horizontal():  # each button names its key as the keymap has it
                yield Button(
                    self._label("Keep draft", "leave.keep", "k"), id="keep", variant="primary"
                )
                yield Button(
                    self._label("Discard", "leave.discard", "d"), id="discard", variant="error"
                )
                yield Button(self._label("Go back", "leave.back", "b"), id="back")

    def _label(self, text: str, binding_id: str, default: str) -> Text:
        return literal(f"{text} ({key_display(self, binding_id, default)})")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose(str(event.button.id))

    def action_choose(self, choice: str) -> None:
        assert is_leave_choice(choice)
        self.dismiss(choice)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question. Keys: y / n (Escape is no)."""

    CSS_PATH = "confirm.tcss"
    AUTO_FOCUS = "#yes"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
        Binding("left", "app.focus_previous", show=False, id="dialog.previous"),
        Binding("right", "app.focus_next", show=False, id="dialog.next"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(literal(self.question, multiline=True), classes="question")
            with Horizontal():  # each button names its key as the keymap has it
                yes = key_display(self, "confirm.yes", "y")
                no = key_display(self, "confirm.no", "n")
                yield Button(literal(f"{self.yes} ({yes})"), id="yes", variant="primary")
                yield Button(literal(f"{self.no} ({no})"), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
