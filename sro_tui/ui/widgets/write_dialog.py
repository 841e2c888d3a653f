"""A dialog to write a block of text: a supplement to an approved report, a reviewer's
comment when returning one."""

from __future__ import annotations

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from ...domain.incidents import SupplementCreate
from ...domain.validation import field_errors
from ..text import RecordTextArea, literal

__all__ = ["SupplementScreen", "WriteScreen"]


class WriteScreen(ModalScreen[str | None]):
    """Write a block of text (ctrl+s takes it, Escape cancels): a supplement, a reviewer's
    comment. ``required`` is the message shown when it is left empty ("" allows empty)."""

    CSS_PATH = "write_dialog.tcss"
    AUTO_FOCUS = "TextArea"
    BINDINGS = [
        Binding("ctrl+s", "take", "Done", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, *, verb: str = "add", required: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.verb = verb
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = literal(self.title_text)
            yield RecordTextArea(soft_wrap=True)
            yield Static("", classes="field-error", markup=False)
            yield Label(f"ctrl+s {self.verb} · esc cancel")

    def show_error(self, message: str) -> None:
        """The reason the text was refused, under it (the cursor stays in the text)."""
        error = self.query_one(".field-error", Static)
        error.update(literal(message))
        error.set_class(bool(message), "-shown")
        self.query_one(TextArea).focus()

    def action_take(self) -> None:
        text = self.query_one(TextArea).text
        if self.required and not text.strip():
            self.show_error(self.required)
            return
        try:
            SupplementCreate(text=text or "-")  # the same text rules as every report field
        except ValidationError as exc:
            self.show_error(field_errors(exc, SupplementCreate)[0].message.capitalize())
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


def SupplementScreen() -> WriteScreen:
    """The supplement dialog of an approved report."""
    return WriteScreen(
        "Supplement (the report itself stays as approved)",
        required="Supplement is required: write the correction or addition",
    )
