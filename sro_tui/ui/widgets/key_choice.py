"""One of a few values picked with one key (the quick incident's "who called you to it").

Lighter than a ``Select`` (no overlay, one widget): each choice has a key letter that picks it
at once; space or → moves to the next choice, ← to the previous. The keys are handled here
(not bindings), so they are listed by the form that uses it (its help keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

__all__ = ["KeyChoice"]


class KeyChoice(Static, can_focus=True):
    """``choices``: (key letter, label, value); the first is the one shown at first."""

    DEFAULT_CSS = """
    KeyChoice {
        height: 3;
        width: 1fr;
        border: tall $border-blurred;
        padding: 0 1;
        background: $surface;
    }
    KeyChoice:focus {
        border: tall $border;
        background-tint: $foreground 5%;
    }
    """

    class Changed(Message):
        """Another choice was picked."""

        def __init__(self, choice: KeyChoice) -> None:
            super().__init__()
            self.choice = choice

    def __init__(self, choices: Sequence[tuple[str, str, Any]], *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.choices = list(choices)
        self.index = 0
        self._show()

    @property
    def value(self) -> Any:
        return self.choices[self.index][2]

    @value.setter
    def value(self, value: Any) -> None:
        for n, (_key, _label, choice) in enumerate(self.choices):
            if choice == value:
                self._pick(n)
                return
        raise ValueError(f"{value!r} is not one of the choices")

    @property
    def label(self) -> str:
        return self.choices[self.index][1]

    def _pick(self, index: int) -> None:
        changed = index != self.index
        self.index = index
        self._show()
        if changed:
            self.post_message(self.Changed(self))

    def _show(self) -> None:
        self.update(Text(self.label, no_wrap=True, overflow="ellipsis"))

    def on_key(self, event: events.Key) -> None:
        step = {"space": 1, "right": 1, "left": -1}.get(event.key)
        if step is not None:
            self._pick((self.index + step) % len(self.choices))
        else:
            found = [n for n, (key, _l, _v) in enumerate(self.choices) if key == event.key]
            if not found:
                return
            self._pick(found[0])
        event.stop()
        event.prevent_default()
