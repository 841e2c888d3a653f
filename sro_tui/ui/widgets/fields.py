"""Form fields: a label, the control, and an error line under it; and the time field.

Every form builds its fields from :class:`LabelledField`, so an error always appears in the
same place (right under the control) and in the same words (``domain.validation``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from ...domain.timeparse import TIME_HELP, TimeParseError, format_local, parse_when
from ..access import agency_now, agency_tz
from ..text import append_literal, literal

__all__ = ["LabelledField", "TimeField", "first_focusable"]


def first_focusable(widget: Widget) -> Widget | None:
    """The widget itself if it takes focus, else its first descendant that does."""
    if widget.focusable:
        return widget
    for child in widget.query("*"):
        if isinstance(child, Widget) and child.focusable:
            return child
    return None


class LabelledField(Vertical):
    """One field of a form: its label, its control and an error line under it.

    ``field`` is the name the schema and the services use (``SroError.field``,
    ``FieldError.field``), so an error from anywhere lands under the right control.
    """

    DEFAULT_CSS = """
    LabelledField {
        height: auto;
        margin: 0 0 0 0;
    }
    LabelledField > .field-label {
        color: $text-muted;
        height: 1;
    }
    LabelledField > .field-error {
        color: $error;
        height: auto;
        display: none;
    }
    LabelledField.-invalid > .field-error {
        display: block;
    }
    LabelledField.-invalid > .field-label {
        color: $error;
    }
    """

    def __init__(
        self,
        label: str,
        control: Widget,
        *,
        field: str,
        required: bool = False,
        hint: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id or f"field-{field.replace('.', '-')}", classes=classes)
        self.field = field
        self.label_text = label
        self.required = required
        self.hint = hint
        self.control = control
        self._error = Static("", classes="field-error", markup=False)

    def compose(self) -> ComposeResult:
        if self.label_text:
            label = literal(self.label_text + (" *" if self.required else ""))
            if self.hint:
                append_literal(label.append("  "), self.hint, "dim")
            yield Label(label, classes="field-label")
        yield self.control
        yield self._error

    @property
    def error(self) -> str:
        """The message shown under the control ("" when the field is fine)."""
        return str(self._error.content)

    def set_error(self, message: str | None) -> None:
        """Show ``message`` under the control, or clear it with None / "".

        The app's stylesheet hides every ``.field-error`` without ``-shown`` (and colours
        every ``.field-label``); app CSS outranks a widget's DEFAULT_CSS whatever the
        selector, so the line gets ``-shown`` and the label its colour inline: without
        them the reason stayed hidden and nothing turned red.
        """
        self._error.update(literal(message or ""))
        self._error.set_class(bool(message), "-shown")
        self.set_class(bool(message), "-invalid")
        for label in self.query(".field-label"):
            if message:
                error = self.app.get_css_variables().get("error")
                if error:
                    label.styles.color = Color.parse(error)
            else:
                label.styles.clear_rule("color")

    def focus_control(self) -> None:
        """Put the cursor in this field (its first focusable part)."""
        target = first_focusable(self.control)
        if target is not None:
            target.focus()


class TimeField(Horizontal):
    """A time typed the way officers write it, with what it was read as shown beside it.

    ``t`` fills in now; ``-15m`` and ``-2h`` count back from now; ``10:40`` or ``1040`` is
    today (or yesterday, if that time is still ahead); ``2026-09-14 10:40`` is exact.
    ``now`` and ``tz`` default to the app's services (its clock and the agency's zone).
    """

    DEFAULT_CSS = """
    TimeField {
        height: auto;
    }
    TimeField > Input {
        width: 24;
    }
    TimeField > .time-preview {
        width: 1fr;
        padding: 1 0 0 1;
        color: $text-muted;
        height: 2;
    }
    """

    def __init__(
        self,
        value: datetime | None = None,
        *,
        text: str = "",
        required: bool = True,
        now: Callable[[], datetime] | None = None,
        tz: ZoneInfo | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.required = required
        self._now = now
        self._tz = tz
        self._initial = value
        self.input = Input(text, placeholder="t = now, -15m, 10:40", classes="time-input")
        self.input.tooltip = TIME_HELP

    # -- clock and zone ------------------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        return self._tz if self._tz is not None else agency_tz(self.app)

    def now(self) -> datetime:
        return self._now() if self._now is not None else agency_now(self.app)

    # -- widget --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.input
        yield Static("", classes="time-preview", markup=False)

    def on_mount(self) -> None:
        if not self.children:
            return  # removed before it composed (its form closed while it was mounting)
        if self._initial is not None:
            self.set_moment(self._initial)
        self._preview()

    @property
    def text(self) -> str:
        return self.input.value

    @text.setter
    def text(self, value: str) -> None:
        self.input.value = value

    def set_moment(self, moment: datetime | None) -> None:
        """Show ``moment`` (aware) in local time, or empty the field with None."""
        self.input.value = format_local(moment, self.tz) if moment else ""
        self.input.cursor_position = len(self.input.value)

    def parse(self) -> datetime | None:
        """The moment typed, as aware UTC; None when empty and not required.

        Raises ``TimeParseError`` with a message for the officer.
        """
        text = self.input.value.strip()
        if not text:
            if self.required:
                raise TimeParseError("is required: " + TIME_HELP[0].lower() + TIME_HELP[1:])
            return None
        return parse_when(text, now=self.now(), tz=self.tz)

    def problem(self) -> str | None:
        """What is wrong with the text typed, or None."""
        try:
            self.parse()
        except TimeParseError as exc:
            return str(exc)
        return None

    def _preview(self) -> None:
        preview = self.query_one(".time-preview", Static)
        text = self.input.value.strip()
        if not text:
            preview.update("")
            return
        try:
            moment = self.parse()
        except TimeParseError:
            preview.update("?")
            return
        if moment is None:
            preview.update("")
            return
        local = moment.astimezone(self.tz)
        today = self.now().astimezone(self.tz).date()
        if local.date() == today:
            day = "today"
        elif (today - local.date()).days == 1:
            day = "yesterday"
        elif local.year == today.year:
            day = local.strftime("%a %d %b")
        else:
            day = local.strftime("%d %b %Y")
        preview.update(f"= {day} {local:%H:%M}")

    @on(Input.Changed, ".time-input")
    def _changed(self, event: Input.Changed) -> None:
        if event.value.strip().lower() == "t":
            # "t" means now: write the time out so the officer sees what will be saved.
            self.set_moment(self.now())
            return
        self._preview()

    @on(Input.Blurred, ".time-input")
    def _blurred(self, _event: Input.Blurred) -> None:
        field = self._labelled_parent()
        if field is None:
            return
        text = self.input.value.strip()
        if text:
            field.set_error(self.problem())
        elif not self.required:
            field.set_error(None)

    def _labelled_parent(self) -> LabelledField | None:
        for node in self.ancestors:
            if isinstance(node, LabelledField):
                return node
        return None
