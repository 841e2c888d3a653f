"""A small dialog asking for one line of text (a skip reason, a note, a one-off item)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ..text import VISIBLE_HIGHLIGHTER, literal


class PromptScreen(ModalScreen[str | None]):
    """Dismissed with the text typed (stripped), or None on escape. ``required`` refuses an
    empty answer with a message under the field; ``check`` returns what is wrong with an
    answer (None when it is fine), shown under the field while the dialog stays open."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]
    AUTO_FOCUS = "#prompt-input"

    CSS_PATH = "prompt.tcss"

    def __init__(
        self,
        title: str,
        label: str,
        *,
        value: str = "",
        required: bool = False,
        required_message: str = "This cannot be empty",
        max_length: int = 500,
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.value = value
        self.required = required
        self.required_message = required_message
        self.max_length = max_length
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box") as box:
            box.border_title = literal(self.title_text)  # "Skip: <item label>": record text
            yield Label(literal(self.label))
            yield Input(
                self.value,
                id="prompt-input",
                max_length=self.max_length,
                compact=True,
                highlighter=VISIBLE_HIGHLIGHTER,  # a note or reason being changed: record text
            )
            yield Static("", id="prompt-error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="prompt-cancel", compact=True)
                yield Button("OK", id="prompt-ok", variant="primary", compact=True)

    @on(Input.Submitted, "#prompt-input")
    @on(Button.Pressed, "#prompt-ok")
    def submit(self) -> None:
        field = self.query_one("#prompt-input", Input)
        text = field.value.strip()
        problem = self.required_message if self.required and not text else None
        if problem is None and self.check is not None:
            problem = self.check(text)
        if problem is not None:
            self.query_one("#prompt-error", Static).update(literal(problem))  # may quote typing
            field.focus()
            return
        self.dismiss(text)

    @on(Button.Pressed, "#prompt-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
