"""How stored text is shown: the characters that act on a terminal or on the text's
direction, and their visible forms. Plain Python, no pydantic: the sign-in screen and the app
shell use it before anything else is imported (issue 16). The field types that refuse such
characters are in :mod:`sro_tui.domain.text`, which re-exports these.
"""

from __future__ import annotations

from collections.abc import Iterator

ALLOWED_MULTILINE = {"\n", "\t"}

DIRECTION_CONTROLS = frozenset(
    [
        *range(0x202A, 0x202F),  # LRE RLE PDF LRO RLO: embeddings and overrides
        *range(0x2066, 0x206A),  # LRI RLI FSI PDI: isolates
    ]
)
"""Bidi formatting characters that change the direction of the text after them."""
DIRECTION_MARKS = frozenset([0x061C, 0x200E, 0x200F])  # ALM, LRM, RLM
LINE_SEPARATORS = frozenset([0x2028, 0x2029])  # LINE SEPARATOR, PARAGRAPH SEPARATOR


def is_hidden(ch: str) -> bool:
    """Whether a character acts on a terminal (or on the text's direction) instead of being
    seen: C0 and C1 controls, DEL, bidi controls and marks, line and paragraph separators,
    lone surrogates. Newline and tab count too (a view showing many lines keeps them)."""
    code = ord(ch)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or code in DIRECTION_CONTROLS
        or code in DIRECTION_MARKS
        or code in LINE_SEPARATORS
        or 0xD800 <= code <= 0xDFFF
    )


def visible_form(ch: str) -> str:
    """How a hidden character is shown: ``\\x1b`` for a control, ``⟨U+202E⟩`` for the rest."""
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"⟨U+{code:04X}⟩"


def visible_pieces(value: object, *, multiline: bool = False) -> Iterator[tuple[str, bool]]:
    """Text in runs, for showing it: ``(characters, False)`` as they are and ``(form, True)``
    for each hidden character's visible form. Newline and tab stay as they are where many
    lines are shown (``multiline``), else each is one space. ``None`` is empty."""
    text = "" if value is None else str(value)
    start = 0
    for index, ch in enumerate(text):
        if not is_hidden(ch):
            continue
        if start < index:
            yield text[start:index], False
        start = index + 1
        if ch in ALLOWED_MULTILINE:
            yield (ch if multiline else " "), False
        else:
            yield visible_form(ch), True
    if start < len(text):
        yield text[start:], False


def visible(value: object, *, multiline: bool = False) -> str:
    """Text with every hidden character in its visible form (see :func:`visible_pieces`)."""
    return "".join(piece for piece, _ in visible_pieces(value, multiline=multiline))
