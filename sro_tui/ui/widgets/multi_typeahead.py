"""Pick several things with one type-ahead (the students of a quick incident or a note): each
pick becomes a chip above the input."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static

from ..text import append_literal
from .choice import Choice
from .typeahead import TypeAhead

__all__ = ["MultiTypeAhead"]


class MultiTypeAhead(Vertical):
    """Pick several things (students of a quick incident): each pick is added to a line of
    chips above the input; Enter picks and stays for another, Tab moves on, Backspace in the
    empty input takes the last one off."""

    DEFAULT_CSS = """
    MultiTypeAhead {
        height: auto;
    }
    MultiTypeAhead > .chips {
        height: auto;
        color: $text;
    }
    MultiTypeAhead > .chips.-empty {
        display: none;
    }
    """

    class Changed(Message):
        def __init__(self, multi: MultiTypeAhead) -> None:
            super().__init__()
            self.multi = multi

        @property
        def control(self) -> MultiTypeAhead:
            return self.multi

    def __init__(
        self,
        *,
        choices: Sequence[Choice] = (),
        search: Callable[[str], list[Choice]] | None = None,
        placeholder: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.picked: list[Choice] = []
        self.typeahead = TypeAhead(
            choices=choices, search=search, placeholder=placeholder, advance_on_enter=False
        )
        self.typeahead.on_backspace_empty = self.drop_last

    def compose(self) -> ComposeResult:
        with Horizontal(classes="chips -empty"):
            yield Static("", classes="chip-text", markup=False)
        yield self.typeahead

    @property
    def values(self) -> list[Any]:
        return [c.value for c in self.picked]

    def set_picked(self, choices: Sequence[Choice]) -> None:
        self.picked = list(dict.fromkeys(choices))
        self._render_chips()

    def _render_chips(self) -> None:
        chips = self.query_one(".chips")
        chips.set_class(not self.picked, "-empty")
        text = Text()
        for number, choice in enumerate(self.picked):
            text.append("  [" if number else "[")
            append_literal(text, choice.label)
            text.append("]")
        self.query_one(".chip-text", Static).update(text)

    @on(TypeAhead.Picked)
    def _picked(self, event: TypeAhead.Picked) -> None:
        event.stop()
        if event.choice is None:
            return
        if event.choice not in self.picked:
            self.picked.append(event.choice)
            self._render_chips()
            self.post_message(self.Changed(self))
        if not event.deferred:
            # Clear the input for the next name; focus stays for another pick. (A deferred
            # pick's input was cleared at Enter and may hold the next name by now.)
            self.typeahead.set_choice(None)

    def drop_last(self) -> bool:
        """Take the last pick off (Backspace in the empty input); False if there is none."""
        if not self.picked:
            return False
        self.picked.pop()
        self._render_chips()
        self.post_message(self.Changed(self))
        return True
