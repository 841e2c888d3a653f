"""Record text on screen: always literal, and nothing in it reaches the terminal unseen.

The one rule for everything an officer, a roster or a store typed (names, topics, reasons,
narratives, badges, program names, comments, audit details): it is shown as the characters it
is. Textual and Rich read a plain ``str`` as markup in most widgets (``DataTable`` cells,
``Static``, ``Label``, ``OptionList`` prompts, border titles, ``notify``), so ``[/]`` in a name
would crash the screen and ``[x]`` or ``[bold red]`` would vanish or restyle; here record text
becomes a Rich :class:`~rich.text.Text` built from plain characters, which no widget parses.

Characters that would act on the terminal instead of being seen are shown in a dim visible form
(which ones, and how, is the domain's rule: ``sro_tui.domain.text.visible_pieces``):

* C0 and C1 control characters and DEL (ESC, BEL, CR, NUL...) as ``\\x1b``-style escapes;
* bidirectional overrides, embeddings, isolates and marks (U+202A to U+202E, U+2066 to U+2069,
  U+200E, U+200F, U+061C), line and paragraph separators (U+2028, U+2029) and unpaired
  surrogates as ``⟨U+202E⟩``.

Newline and tab are text in narratives and notes: kept where a view shows many lines
(``multiline=True``); in a one-line view (a list cell, a title) each becomes one space.
Ordinary spaces are always kept. Reports reach the screen as Markdown: their renderer
(``services/report_render.py``) escapes record text with the same rule.

* :func:`literal`: a ``Text`` for any widget that takes a renderable (prompts, titles, labels),
  and :func:`cell` for a ``DataTable`` cell;
* :func:`append_literal`: record text added to a ``Text`` being built, and
  :func:`literal_parts` to a Textual ``Content`` (``Content.assemble``);
* :func:`visible`: a plain ``str`` for what takes only a string, such as
  ``notify(visible(message), markup=False)``;
* :class:`RecordTextArea` and :data:`VISIBLE_HIGHLIGHTER` (for an ``Input``): record text being
  edited, each hidden character drawn as a one-character stand-in (``␛``, ``�``) so the cursor
  still counts right, the value itself untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from rich.highlighter import Highlighter
from rich.style import Style, StyleType
from rich.text import Text

from ..domain.characters import is_hidden, visible, visible_pieces

if TYPE_CHECKING:
    from .record_text_area import RecordTextArea

__all__ = [
    "VISIBLE_HIGHLIGHTER",
    "VISIBLE_STYLE",
    "RecordTextArea",
    "VisibleHighlighter",
    "append_literal",
    "cell",
    "is_hidden",
    "literal",
    "literal_parts",
    "stand_in",
    "visible",
]

VISIBLE_STYLE = "dim"
"""How a control or bidi character's visible form is drawn."""

Overflow = Literal["fold", "crop", "ellipsis", "ignore"]


def _dimmed(style: StyleType) -> StyleType:
    if isinstance(style, str):
        return f"{style} {VISIBLE_STYLE}".strip()
    return style + Style.parse(VISIBLE_STYLE)


def append_literal(
    text: Text, value: object, style: StyleType = "", *, multiline: bool = False
) -> Text:
    """Add record text to ``text`` as plain characters (never markup), hidden characters in
    their visible form; returns ``text``."""
    for piece, shown in visible_pieces(value, multiline=multiline):
        if shown:
            text.append(piece, style=_dimmed(style))
        else:
            text.append(piece, style=style)
    return text


def literal_parts(value: object, style: str = "") -> list[tuple[str, str]]:
    """Record text as ``(characters, style)`` parts for Textual's ``Content.assemble``
    (whose plain strings are never markup), hidden characters in their dim visible form."""
    dimmed = f"{style} {VISIBLE_STYLE}".strip()
    return [(piece, dimmed if shown else style) for piece, shown in visible_pieces(value)]


def literal(
    value: object,
    style: StyleType = "",
    *,
    multiline: bool = False,
    no_wrap: bool | None = None,
    overflow: Overflow | None = None,
) -> Text:
    """Record text as a ``Text`` to hand to any widget: shown exactly as typed, never read as
    markup, hidden characters in a dim visible form."""
    text = Text(no_wrap=no_wrap, overflow=overflow, end="")
    return append_literal(text, value, style, multiline=multiline)


def cell(value: object, style: StyleType = "") -> Text:
    """Record text for a ``DataTable`` cell: :func:`literal`, on one line cut at the column's
    edge, as the table draws a cell of its own."""
    return literal(value, style, no_wrap=True)


# --- editors: one character on screen for each character of the value -------------------------

_STAND_IN_STYLE = Style.parse(f"{VISIBLE_STYLE} reverse")


def stand_in(ch: str) -> str:
    """One visible character for a hidden one, where a field being edited must keep one
    character per character (its cursor counts them): ``␛`` for ESC and the other C0 control
    pictures, ``␡`` for DEL, ``�`` for the rest (C1 controls, bidi controls, separators)."""
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


class VisibleHighlighter(Highlighter):
    """An editor's text with each hidden character swapped for its :func:`stand_in` (dim,
    reversed); the value itself is untouched. Tabs stay tabs, as an editor shows them."""

    def highlight(self, text: Text) -> None:
        plain = text.plain
        hidden = [i for i, ch in enumerate(plain) if ch != "\t" and is_hidden(ch)]
        if not hidden:
            return
        chars = list(plain)
        for index in hidden:
            chars[index] = stand_in(chars[index])
        text.plain = "".join(chars)  # the same length: styles keep their places
        for index in hidden:
            text.stylize(_STAND_IN_STYLE, index, index + 1)


VISIBLE_HIGHLIGHTER = VisibleHighlighter()
"""For an ``Input`` holding record text: ``Input(value, highlighter=VISIBLE_HIGHLIGHTER)``."""


def __getattr__(name: str) -> object:
    """:class:`RecordTextArea` on first use: Textual's TextArea is not imported with the
    sign-in screen (issue 16)."""
    if name == "RecordTextArea":
        from .record_text_area import RecordTextArea

        return RecordTextArea
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
