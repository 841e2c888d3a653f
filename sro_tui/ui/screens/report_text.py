"""The reports' Markdown drawn for the screen without a Markdown parser (issue 16: memory).

The Reports screen drew ``report_output.report_markdown`` with Rich's ``Markdown``, which
imports markdown-it (72 modules) and, for code blocks the reports never have, Pygments: some
4 MiB of the app's peak memory for a handful of Markdown forms. The report renderer writes
only these, so they are read here line by line and drawn with the same Rich parts and styles
as Rich's ``Markdown`` (``tests/test_ui_report_text.py`` compares the two, report by report):

- ``# `` .. ``###### `` headings (the first level centred);
- pipe tables: a heading row, an alignment row (``---:`` right-aligned), the rows;
- ``- `` bullet items, one line each;
- paragraphs: lines joined by a space, a line ending in two spaces breaks there.

Inside a line, ``**bold**`` is bold, a backslash shows the punctuation after it as written,
and ``<br>`` (a line break inside a table cell) is left out, as Rich's ``Markdown`` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from string import punctuation

from rich import box
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderableType
from rich.containers import Renderables
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

__all__ = ["draw_report_text"]

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_ALIGN_CELL = re.compile(r"^:?-+:?$")
_PUNCTUATION = frozenset(punctuation)


def draw_report_text(source: str, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
    """The segments of ``source`` (the reports' Markdown) at ``options``' width."""
    base = console.get_style("none", default="none")
    first = True
    for block in _blocks(source.splitlines(), console, base):
        if not first:
            yield Segment.line()
        first = False
        yield from console.render(block, options.update(height=None))


def _styled(console: Console, base: Style, *names: str) -> Style:
    style = base
    for name in names:
        style = style + console.get_style(name, default="none")
    return style


def _blocks(lines: list[str], console: Console, base: Style) -> Iterator[RenderableType]:
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        heading = _HEADING.match(line.strip())
        if heading:
            level = len(heading.group(1))
            text = _inline(heading.group(2), console, _styled(console, base, f"markdown.h{level}"))
            text.justify = "center" if level == 1 else "left"
            yield text
            index += 1
            continue
        if _is_table(lines, index):
            end = index + 2
            while end < len(lines) and lines[end].strip().startswith("|"):
                end += 1
            yield _table(lines[index:end], console, base)
            index = end
            continue
        if _is_item(line):
            end = index
            while end < len(lines) and _is_item(lines[end]):
                end += 1
            yield _Bullets([item.lstrip()[2:] for item in lines[index:end]], console, base)
            index = end
            continue
        end = index
        while end < len(lines) and lines[end].strip() and not _starts_block(lines, end):
            end += 1
        yield _paragraph(lines[index:end], console, _styled(console, base, "markdown.paragraph"))
        index = end


def _is_item(line: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith("- ") and len(line) - len(stripped) < 4


def _is_table(lines: list[str], index: int) -> bool:
    if index + 1 >= len(lines) or not lines[index].strip().startswith("|"):
        return False
    aligns = _cells(lines[index + 1])
    return bool(aligns) and all(_ALIGN_CELL.match(cell.strip()) for cell in aligns)


def _starts_block(lines: list[str], index: int) -> bool:
    line = lines[index]
    return bool(_HEADING.match(line.strip())) or _is_item(line) or _is_table(lines, index)


def _paragraph(lines: list[str], console: Console, style: Style) -> Text:
    text = Text(justify="left")
    last = len(lines) - 1
    for number, line in enumerate(lines):
        body = line.strip()
        text.append_text(_inline(body, console, style))
        if number < last:
            text.append("\n" if line.endswith("  ") else " ", style)
    return text


def _cells(line: str) -> list[str]:
    """A table row's cells: split at each ``|`` that no backslash escapes."""
    row = line.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    cells: list[str] = []
    current: list[str] = []
    escaped = False
    for char in row:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
    cells.append("".join(current))
    return cells


def _table(lines: list[str], console: Console, base: Style) -> Table:
    headings = _cells(lines[0])
    justify = [_justify(cell.strip()) for cell in _cells(lines[1])]
    table = Table(
        box=box.SIMPLE,
        pad_edge=False,
        style="markdown.table.border",
        show_edge=True,
        collapse_padding=True,
    )
    for position, heading in enumerate(headings):
        cell = _inline(heading.strip(), console, base)
        cell.justify = justify[position] if position < len(justify) else "default"
        cell.stylize("markdown.table.header")
        table.add_column(cell)
    for line in lines[2:]:
        values = _cells(line)
        row = []
        for position in range(len(headings)):
            value = values[position].strip() if position < len(values) else ""
            cell = _inline(value, console, base)
            cell.justify = justify[position] if position < len(justify) else "default"
            row.append(cell)
        table.add_row(*row)
    return table


def _justify(align: str) -> JustifyMethod:
    """A column's alignment row cell: ``---:`` right, ``:---:`` centre, ``:---`` left, else
    the table's default."""
    if align.startswith(":") and align.endswith(":"):
        return "center"
    if align.endswith(":"):
        return "right"
    return "left" if align.startswith(":") else "default"


def _inline(source: str, console: Console, style: Style) -> Text:
    """One line's text: ``**bold**``, backslash escapes, ``<br>`` left out."""
    text = Text()
    strong = _styled(console, style, "markdown.strong")
    bold = False
    plain: list[str] = []

    def flush() -> None:
        if plain:
            text.append("".join(plain), strong if bold else style)
            plain.clear()

    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source) and source[index + 1] in _PUNCTUATION:
            plain.append(source[index + 1])
            index += 2
        elif source.startswith("**", index) and (bold or "**" in source[index + 2 :]):
            flush()
            bold = not bold
            index += 2
        elif source.startswith("<br>", index):
            index += 4
        else:
            plain.append(char)
            index += 1
    flush()
    return text


class _Bullets:
    """``- `` items, as Rich's Markdown draws a bullet list."""

    def __init__(self, items: list[str], console: Console, base: Style) -> None:
        self.style = _styled(console, base, "markdown.item")
        paragraph = _styled(console, base, "markdown.item", "markdown.paragraph")
        self.items = [_paragraph([item], console, paragraph) for item in items]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        bullet_style = console.get_style("markdown.item.bullet", default="none")
        bullet = Segment(" • ", bullet_style)
        padding = Segment(" " * 3, bullet_style)
        render_options = options.update(width=options.max_width - 3)
        for item in self.items:
            lines = console.render_lines(Renderables([item]), render_options, style=self.style)
            for number, line in enumerate(lines):
                yield bullet if number == 0 else padding
                yield from line
                yield Segment("\n")
