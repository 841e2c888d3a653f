"""Text field types that both SQLite and PostgreSQL can store, and how stored text is shown.

pydantic lets any Python string through, but PostgreSQL refuses NUL in text, both stores
choke on lone surrogates (they cannot be encoded as UTF-8), and control characters in a
report are never intended. Newline and tab are the only control characters allowed, and
only in multi-line fields; a one-line field refuses the Unicode line and paragraph separators
too. Names (of students, officers, people in a report) also refuse the characters that turn
the direction of text around (bidi overrides, embeddings and isolates): in a name they only
ever disguise what it says.

Whatever a store holds (older records, another program's rows) is shown literally: the
characters that act on a terminal or on the text's direction instead of being seen are shown
in a visible form (:func:`visible`, :func:`visible_pieces`; the screens build on them in
``sro_tui/ui/text.py``).
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StringConstraints

from .characters import (
    ALLOWED_MULTILINE as _ALLOWED_MULTILINE,
)
from .characters import (
    DIRECTION_CONTROLS,
    DIRECTION_MARKS,
    LINE_SEPARATORS,
    is_hidden,
    visible,
    visible_form,
    visible_pieces,
)

__all__ = [
    "DIRECTION_CONTROLS",
    "DIRECTION_MARKS",
    "LINE_SEPARATORS",
    "is_hidden",
    "visible",
    "visible_form",
    "visible_pieces",
]


def _bad_character(value: str, *, multiline: bool) -> str | None:
    """Return a human description of the first character a store cannot hold, if any."""
    for ch in value:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return "a broken character (unpaired surrogate)"
        if ch in _ALLOWED_MULTILINE and multiline:
            continue
        if ch == "\x00":
            return "a NUL character"
        category = unicodedata.category(ch)
        if category == "Cc":
            if ch in _ALLOWED_MULTILINE:
                return "a line break or tab (this field is one line)"
            return f"a control character (U+{code:04X})"
        if code in LINE_SEPARATORS and not multiline:
            return f"a line or paragraph separator (U+{code:04X}; this field is one line)"
    return None


def _bad_name_character(value: str) -> str | None:
    for ch in value:
        if ord(ch) in DIRECTION_CONTROLS:
            return f"a text-direction control character (U+{ord(ch):04X})"
    return None


def _normalise_newlines(value: object) -> object:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _check_line(value: str) -> str:
    problem = _bad_character(value, multiline=False)
    if problem:
        raise ValueError(f"contains {problem}; please retype it")
    return value


def _check_name(value: str) -> str:
    _check_line(value)
    problem = _bad_name_character(value)
    if problem:
        raise ValueError(f"contains {problem}; please retype it")
    return value


def _check_multiline(value: str) -> str:
    problem = _bad_character(value, multiline=True)
    if problem:
        raise ValueError(f"contains {problem}; please retype it")
    return value


# One line of text: names, labels, reasons. Trimmed; empty is allowed unless min_length says.
Line = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(_check_line),
]
RequiredLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_check_line),
]
# A person's name: one line that keeps its direction (no bidi overrides, embeddings, isolates).
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(_check_name),
]
RequiredName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_check_name),
]
# Free text: narratives, notes. Newlines and tabs kept; trailing space trimmed.
Text = Annotated[
    str,
    BeforeValidator(_normalise_newlines),
    StringConstraints(max_length=100_000),
    AfterValidator(_check_multiline),
]


def check_line(value: str) -> str:
    """Validate one line of text outside a schema (used by services for ad-hoc arguments)."""
    return _check_line(value.strip())
