"""The filter line over a record list (incidents, mentoring notes): one Select (a status, a
kind), one thing picked by type-ahead (a category, a student), a day range in two
:class:`~sro_tui.ui.widgets.day_field.DayField` (the one day grammar), and Clear. A day that
is not one is named under the line and the list keeps its rows; the screen hears
:class:`ListFilters.Changed` and asks :meth:`ListFilters.read` for the new question.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Select, Static

from ...domain.days import DayError
from ..text import literal
from .day_field import DayField
from .typeahead import TypeAhead

__all__ = ["FilterValues", "ListFilters"]


@dataclass(frozen=True)
class FilterValues:
    """What the filter line asks for; None / "" where it asks nothing."""

    choice: str | None
    picked: Any
    picked_label: str
    since: date | None
    until: date | None


class ListFilters(Vertical):
    """``Select`` ``TypeAhead`` ``from`` ``to`` ``Clear``, and a line for a bad day."""

    DEFAULT_CSS = """
    ListFilters {
        height: auto;
    }
    ListFilters > #filters {
        height: 1;
        padding: 0 1;
    }
    ListFilters > #filters > * {
        margin-right: 1;
    }
    ListFilters > #filters > Select {
        width: 16;
    }
    ListFilters > #filters > TypeAhead {
        width: 1fr;
    }
    ListFilters > #filters TypeAhead > _Suggestions {
        overlay: screen;
        constrain: inside inflect;
        width: 40;
    }
    ListFilters > #filters > DayField {
        width: 15;
    }
    ListFilters > #filter-error {
        color: $error;
        height: auto;
        padding: 0 1;
        display: none;
    }
    ListFilters > #filter-error.-shown {
        display: block;
    }
    """

    class Changed(Message):
        """The officer changed a filter; ``to_list``: a pick or Enter, so back to the list."""

        def __init__(self, filters: ListFilters, *, to_list: bool) -> None:
            super().__init__()
            self.filters = filters
            self.to_list = to_list

        @property
        def control(self) -> ListFilters:
            return self.filters

    def __init__(
        self,
        *,
        options: Sequence[tuple[str, str]],
        prompt: str,
        select_id: str,
        typeahead_id: str,
        typeahead_placeholder: str,
        today: Callable[[], date],
        day_placeholders: tuple[str, str] = ("from YYYY-MM-DD", "to YYYY-MM-DD"),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._options = list(options)
        self._prompt = prompt
        self._select_id = select_id
        self._typeahead_id = typeahead_id
        self._typeahead_placeholder = typeahead_placeholder
        self._day_placeholders = day_placeholders
        self._today = today

    def compose(self) -> ComposeResult:
        since, until = self._day_placeholders
        with Horizontal(id="filters"):
            yield Select(self._options, prompt=self._prompt, id=self._select_id, compact=True)
            yield TypeAhead(
                id=self._typeahead_id, placeholder=self._typeahead_placeholder, compact=True
            )
            for label, placeholder, field_id in (
                ("From", since, "filter-from"),
                ("To", until, "filter-to"),
            ):
                field = DayField(
                    label=label, placeholder=placeholder, today=self._today, id=field_id
                )
                field.compact = True
                yield field
            yield Button("Clear", id="filter-clear", compact=True)
        yield Static("", id="filter-error", markup=False)

    # -- the parts -------------------------------------------------------------------------------

    @property
    def select(self) -> Select[str]:
        return self.query_one(f"#{self._select_id}", Select)

    @property
    def typeahead(self) -> TypeAhead:
        return self.query_one(f"#{self._typeahead_id}", TypeAhead)

    # -- reading ---------------------------------------------------------------------------------

    def read(self) -> FilterValues | None:
        """The filters as typed, or None after naming a bad day under the line (and putting
        the cursor in it)."""
        days: list[date | None] = []
        for field in self.query(DayField):
            try:
                days.append(field.day())
            except DayError as exc:
                self.show_error(str(exc))
                field.focus()
                return None
        since, until = days
        if since and until and until < since:
            self.show_error(f"The 'to' day ({until}) is before the 'from' day ({since})")
            self.query_one("#filter-to", Input).focus()
            return None
        self.show_error("")
        value = self.select.value
        typeahead = self.typeahead
        return FilterValues(
            choice=None if value is Select.NULL else str(value),
            picked=typeahead.value,
            picked_label=typeahead.choice.label if typeahead.choice else "",
            since=since,
            until=until,
        )

    @property
    def has_error(self) -> bool:
        """A bad day is named under the line now."""
        return self.query_one("#filter-error", Static).has_class("-shown")

    def show_error(self, message: str) -> None:
        error = self.query_one("#filter-error", Static)
        error.update(literal(message))
        error.set_class(bool(message), "-shown")

    def clear(self) -> None:
        """Every filter back to "any"."""
        self.select.clear()
        self.typeahead.set_choice(None)
        self.query_one("#filter-from", Input).value = ""
        self.query_one("#filter-to", Input).value = ""

    # -- what the officer did --------------------------------------------------------------------

    @on(Select.Changed)
    def _chose(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, to_list=False))

    @on(TypeAhead.Picked)
    def _picked(self, event: TypeAhead.Picked) -> None:
        event.stop()
        self.post_message(self.Changed(self, to_list=event.choice is not None))

    @on(Input.Submitted, "#filter-from, #filter-to")
    def _day_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Changed(self, to_list=True))

    @on(Button.Pressed, "#filter-clear")
    def _cleared(self, event: Button.Pressed) -> None:
        event.stop()
        with self.prevent(Select.Changed):  # one Changed for the lot, not one per field
            self.clear()
        self.post_message(self.Changed(self, to_list=False))
