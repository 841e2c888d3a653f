"""A one-line prompt asked again after a refusal: what was typed kept in the field, the reason
under it (a change refused because another terminal changed the record meanwhile)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from ...domain.errors import Conflict, SroError
from ..text import literal
from .prompt import PromptScreen

__all__ = ["CHANGED_ELSEWHERE", "RetryPrompt", "saved_elsewhere"]

CHANGED_ELSEWHERE = "Changed on another terminal — reloaded, check and try again"
"""What a screen says when a change was made against a version another terminal moved on."""


class RetryPrompt(PromptScreen):
    """:class:`PromptScreen` opened with ``value`` (the typing kept) and ``problem`` shown
    under the field (none: the plain prompt)."""

    CSS_PATH = "prompt.tcss"

    def __init__(self, title: str, label: str, *, problem: str = "", **options: Any) -> None:
        super().__init__(title, label, **options)
        self.problem = problem

    def on_mount(self) -> None:
        self.query_one("#prompt-error", Static).update(literal(self.problem))


def saved_elsewhere(error: SroError) -> bool:
    """A change refused because the record was saved elsewhere since it was shown."""
    return isinstance(error, Conflict) and error.field == "version"
