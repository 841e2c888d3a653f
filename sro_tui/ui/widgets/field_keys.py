"""Tab, shift+Tab and Enter between the fields of a short form, at the speed keys arrive.

A badge reader or a fast typist sends "1001", Tab (or Enter) and the password in one burst.
Textual hands each key to whichever widget has focus when the app reads that key, but an
Input's own Tab or Enter handling (and ``Widget.focus()``) moves the focus only later, so the
rest of the burst, the password included, would land in the visible badge field. These
bindings run as the app reads the key and move the focus at once, so every following key
goes to the next field. Enter in the last field is left to the field itself (it submits once
it has taken every key typed before it).

They work on a screen or on a container of the fields (``SignInForm``): priority bindings of
the focused widget's ancestors run before the focused widget sees the key.
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input

# Give these to a screen's or a container's BINDINGS and list its fields, in order, in
# FIELD_ORDER.
FIELD_KEYS: list[BindingType] = [
    Binding("tab", "next_field", "Next field", show=False, priority=True),
    Binding("shift+tab", "previous_field", "Previous field", show=False, priority=True),
    Binding("enter", "enter_field", "Next field", show=False, priority=True),
]


class FieldKeys:
    """For a Screen or a container with FIELD_KEYS in its BINDINGS: the actions, moving focus
    at once."""

    FIELD_ORDER: tuple[str, ...] = ()  # selectors of the inputs inside, in order

    def _fields(self) -> list[Input]:
        assert isinstance(self, Widget)
        fields = [self.query_one(selector, Input) for selector in self.FIELD_ORDER]
        return [field for field in fields if field.display and not field.disabled]

    def _step(self, direction: int) -> bool:
        """Focus the field before or after the focused one; False when there is none."""
        assert isinstance(self, Widget)
        fields = self._fields()
        focused = self.screen.focused
        if not isinstance(focused, Input) or focused not in fields:
            return False
        position = fields.index(focused) + direction
        if not 0 <= position < len(fields):
            return False
        self.screen.set_focus(fields[position])
        return True

    def action_next_field(self) -> None:
        assert isinstance(self, Widget)
        if not self._step(1):
            self.screen.focus_next()

    def action_previous_field(self) -> None:
        assert isinstance(self, Widget)
        if not self._step(-1):
            self.screen.focus_previous()

    def action_enter_field(self) -> None:
        if not self._step(1):
            raise SkipAction()  # the last field (or a button) takes Enter itself
