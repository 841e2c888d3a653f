"""A list's table keeps its drawn cells when its screen comes back unchanged (issue 16), and
draws them again when their look has changed (a theme switch)."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from sro_tui.ui.text import cell
from sro_tui.ui.widgets.steady_table import SteadyTable


class CountingTable(SteadyTable):
    """Counts the cells it renders through Rich."""

    cells_drawn = 0

    def _render_cell(self, *args: Any, **kwargs: Any) -> list[list[Segment]]:
        self.cells_drawn += 1
        return super()._render_cell(*args, **kwargs)


class Rows(Screen[None]):
    def compose(self) -> ComposeResult:
        yield CountingTable(cursor_type="row", zebra_stripes=True, id="rows")

    def on_mount(self) -> None:
        table = self.query_one(CountingTable)
        table.add_columns("Number", "Status")
        table.add_rows([(f"SRO-2026-{i:06}", "draft") for i in range(30)])


class Other(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("another area")


class TwoAreas(App[None]):
    MODES = {"rows": Rows, "other": Other}
    DEFAULT_MODE = "rows"


def cursor_background(table: CountingTable) -> object:
    """The background the cursor row's first cell is drawn with."""
    strip = table.render_line(table.cursor_row + 1)  # line 0 is the header
    return next(s.style.bgcolor for s in strip if s.style is not None and s.text.strip())


async def test_returning_to_the_screen_draws_no_cell_again() -> None:
    app = TwoAreas()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(CountingTable)
        assert table.cells_drawn > 0  # the first drawing
        # The first return draws once more: the table's first Resize comes after its first
        # frame and is part of its cache keys (Textual's DataTable).
        await app.switch_mode("other")
        await app.switch_mode("rows")
        await pilot.pause()
        for _ in range(3):
            await app.switch_mode("other")
            await pilot.pause()
            drawn = table.cells_drawn
            await app.switch_mode("rows")  # Textual restyles every widget of the screen
            await pilot.pause()
            assert table.cells_drawn == drawn


async def test_a_new_look_draws_the_cells_again() -> None:
    app = TwoAreas()
    app.theme = "textual-dark"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(CountingTable)
        dark = cursor_background(table)
        drawn = table.cells_drawn
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        light = cursor_background(table)
        assert table.cells_drawn > drawn
        assert light != dark


CELLS: list[object] = [
    "plain",
    "",
    "a value far longer than any column it is drawn in",
    Text("styled", style="bold red"),
    Text.assemble(("Garcia", "bold"), ", ", ("Maria", "italic")),
    cell("Ünïcödé naïve"),
    cell("日本語の名前です長い名前"),
    cell("emoji 🚓 in a car"),
    cell("trailing spaces      "),
    cell("bell \x07 and escape \x1b[31m shown"),
    Text("ended with an ellipsis when cut", overflow="ellipsis"),
    Text("cropped when cut", overflow="crop"),
    Text("right", justify="right"),  # DataTable's own drawing
    cell("two\nlines"),  # DataTable's own drawing (one line of the table)
    12.5,
    42,
]


class Cells(App[None]):
    def compose(self) -> ComposeResult:
        yield SteadyTable(id="cells")

    def on_mount(self) -> None:
        table = self.query_one(SteadyTable)
        table.add_column("A", width=4)
        table.add_column("B", width=12)
        table.add_column("C", width=30)
        for value in CELLS:
            table.add_row(value, value, value)


async def test_a_cell_is_drawn_as_datatable_draws_it() -> None:
    app = Cells()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(SteadyTable)
        base = table.rich_style
        compared = 0
        for row in range(len(CELLS)):
            for column, width in enumerate((6, 14, 32)):
                for cursor in (False, True):
                    for hover in (False, True):
                        table._cell_render_cache.clear()
                        ours = table._render_cell(row, column, base, width, cursor, hover)
                        table._cell_render_cache.clear()
                        theirs = DataTable._render_cell(
                            table, row, column, base, width, cursor, hover
                        )
                        assert ours == theirs, (CELLS[row], width, cursor, hover)
                        compared += 1
        assert compared == len(CELLS) * 12
