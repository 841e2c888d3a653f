"""What a type-ahead offers: :class:`Choice` (a value with its label), and
:func:`match_choices`, the matching of a fixed list (categories, locations) by code or by the
start of any word."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from ..text import append_literal, literal

__all__ = ["FREE_TEXT", "Choice", "match_choices"]

_WORD = re.compile(r"[0-9A-Za-z]+")

FREE_TEXT = "\x00free-text"
"""The value of the suggestion that keeps the typed text as it is (a non-student's name)."""


@dataclass(frozen=True)
class Choice:
    """Something that can be picked: ``value`` is what the form saves (a code, an id)."""

    value: Any
    label: str
    detail: str = ""
    words: str = field(default="", compare=False)

    def prompt(self) -> Text:
        """The suggestion as shown: label and detail are record text (student names), never
        markup."""
        text = literal(self.label)
        if self.detail:
            text.append("  ")
            append_literal(text, self.detail, "dim")
        return text


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def match_choices(choices: Sequence[Choice], text: str, *, limit: int = 8) -> list[Choice]:
    """The choices ``text`` names, best first.

    A choice matches when the text starts its code (``value``) or when every word typed starts
    some word of its label or search words ("dru sal" finds "Drugs: sale"). An exact code comes
    first, then code prefixes, then word matches, each in the list's own order.
    """
    query = text.strip().lower()
    if not query:
        return list(choices[:limit])
    tokens = _words(query)
    exact: list[Choice] = []
    prefix: list[Choice] = []
    worded: list[Choice] = []
    for choice in choices:
        code = str(choice.value).lower()
        if code == query or choice.label.lower() == query:
            exact.append(choice)
        elif code.startswith(query):
            prefix.append(choice)
        elif tokens:
            words = _words(f"{choice.label} {choice.words} {code}")
            if all(any(w.startswith(t) for w in words) for t in tokens):
                worded.append(choice)
    return (exact + prefix + worded)[:limit]
