"""A day typed the way every form reads one (``domain/days.py``: 2026-09-14, t, y, +14, -1w).

:class:`DayField` is an Input: its placeholder says what to type, its tooltip the whole
grammar, and a day that cannot be read gets its reason under the field (in the
:class:`~sro_tui.ui.widgets.fields.LabelledField` around it) when the cursor leaves it, and
again from the form's ctrl+s.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from textual import on
from textual.widgets import Input

from ...domain.days import DAY_HELP, DayError, parse_day
from ..access import agency_today
from .fields import LabelledField

if TYPE_CHECKING:
    pass

__all__ = ["DayField"]


class DayField(Input):
    """One day. ``required``: empty is refused too. ``today`` defaults to the app's clock in
    the agency's zone (no store call)."""

    def __init__(
        self,
        value: str = "",
        *,
        label: str = "Day",
        required: bool = False,
        placeholder: str = "YYYY-MM-DD, t, +14",
        today: Callable[[], date] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(value, placeholder=placeholder, max_length=40, id=id, classes=classes)
        self.label = label
        self.required = required
        self._today = today

    def on_mount(self) -> None:
        self.tooltip = f"Type {DAY_HELP}"

    def today(self) -> date:
        return self._today() if self._today is not None else agency_today(self.app)

    def day(self) -> date | None:
        """The day typed; None when empty (and not required). Raises :class:`DayError`
        with the officer's message, which starts with the field's label."""
        try:
            day = parse_day(self.value, self.today())
        except DayError as exc:
            raise DayError(f"{self.label}: {exc}") from None
        if day is None and self.required:
            raise DayError(f"{self.label} is required: type {DAY_HELP}")
        return day

    def problem(self) -> str | None:
        """What is wrong with the text typed, or None."""
        try:
            self.day()
        except DayError as exc:
            return str(exc)
        return None

    def set_day(self, day: date | None) -> None:
        self.value = day.isoformat() if day else ""
        self.cursor_position = len(self.value)

    def _labelled(self) -> LabelledField | None:
        return next((n for n in self.ancestors if isinstance(n, LabelledField)), None)

    @on(Input.Blurred)
    def _checked_on_leaving(self, _event: Input.Blurred) -> None:
        field = self._labelled()
        if field is not None and (self.value.strip() or not self.required):
            field.set_error(self.problem())
