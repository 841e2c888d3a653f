"""A small dialog to pick one of a few choices with the arrows and Enter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ..keymap import key_display
from ..text import literal

__all__ = ["ChoiceScreen"]


class ChoiceScreen(ModalScreen[str | None]):
    """Dismissed with the chosen value, or None on escape."""

    AUTO_FOCUS = "OptionList"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    CSS_PATH = "choice_prompt.tcss"

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = literal(self.title_text)
            yield OptionList(*[Option(literal(label), id=value) for label, value in self.options])
            cancel = key_display(self, "choice.cancel", "escape")  # as the keymap has it
            yield Label(literal(f"arrows pick · Enter chooses · {cancel} cancels"), classes="muted")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
