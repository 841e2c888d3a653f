"""A list's scrollbar is drawn again when it changes, not at every layout of its screen
(issue 16: each search key's results came in three frames, two of them the same scrollbar)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Label
from textual.widgets.option_list import Option

from sro_tui.ui.widgets.steady_scrollbars import SteadyOptionList
from sro_tui.ui.widgets.steady_table import SteadyTable

from .ui_shell_support import Calls


class Lists(App[None]):
    """A box whose every key changes a label (a layout of the screen, as a search's status
    line does), over a table and an option list, each with more rows than fit."""

    def compose(self) -> ComposeResult:
        yield Input(id="box")
        yield Label("", id="status")
        yield SteadyTable(id="table")
        yield SteadyOptionList(id="options")

    def on_mount(self) -> None:
        table = self.query_one(SteadyTable)
        table.styles.height = 8
        table.add_columns("Number", "Status")
        table.add_rows([(f"SRO-2026-{i:06}", "draft") for i in range(40)])
        options = self.query_one(SteadyOptionList)
        options.styles.height = 8
        options.add_options(Option(f"hit {i}\n  its snippet") for i in range(40))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#status", Label).update(f"{len(event.value)} letters typed")


def bar_matches(widget: Any) -> bool:
    """The vertical scrollbar is shown when the rows do not fit, and then shows the
    widget's own rows and where it is in them."""
    bar = widget.vertical_scrollbar
    overflows = widget.virtual_size.height > widget.scrollable_content_region.height
    if widget.show_vertical_scrollbar != overflows:
        return False
    return not overflows or (
        bar.window_virtual_size == widget.virtual_size.height and bar.position == widget.scroll_y
    )


@pytest.mark.asyncio
async def test_layouts_of_the_screen_do_not_redraw_the_lists_scrollbars() -> None:
    app = Lists()
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        table, options = app.query_one(SteadyTable), app.query_one(SteadyOptionList)
        assert table.show_vertical_scrollbar and options.show_vertical_scrollbar
        counts = [Calls(w.vertical_scrollbar, "refresh") for w in (table, options)]
        layouts = Calls(app.screen, "_refresh_layout")
        for key in "garcia":
            await pilot.press(key)
            await pilot.pause()
        assert app.query_one("#status", Label).content == "6 letters typed"
        assert layouts.count >= 6  # the screen was laid out again at each key
        assert [c.count for c in counts] == [0, 0]
        assert bar_matches(table) and bar_matches(options)


@pytest.mark.asyncio
async def test_the_scrollbars_follow_rows_added_removed_and_scrolled() -> None:
    app = Lists()
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        table, options = app.query_one(SteadyTable), app.query_one(SteadyOptionList)
        table.add_rows([(f"SRO-2025-{i:06}", "approved") for i in range(60)])
        options.add_options(Option(f"more {i}") for i in range(60))
        await pilot.pause()
        assert table.virtual_size.height > 100 and bar_matches(table)
        assert options.virtual_size.height == 140 and bar_matches(options)

        table.focus()
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert table.scroll_y > 0 and bar_matches(table)

        table.clear()
        table.add_rows([("SRO-2026-000001", "draft")])
        options.clear_options()
        options.add_options([Option("one hit")])
        await pilot.pause()
        assert not table.show_vertical_scrollbar and bar_matches(table)
        assert not options.show_vertical_scrollbar and bar_matches(options)

        await pilot.resize_terminal(60, 12)
        options.add_options(Option(f"again {i}") for i in range(30))
        await pilot.pause()
        assert options.show_vertical_scrollbar and bar_matches(options)


class EmptyTable(App[None]):
    def compose(self) -> ComposeResult:
        yield SteadyTable(id="table")

    def on_mount(self) -> None:
        table = self.query_one(SteadyTable)
        table.styles.height = 8
        table.add_columns("Number", "Status")


@pytest.mark.asyncio
async def test_rows_settled_set_the_scrollbar_before_the_frame_that_draws_them() -> None:
    """A first page longer than the table: its scrollbar is there as the rows are settled,
    not after the frame's layout (which asked for a second layout and frame: the table drawn
    again one column narrower)."""
    app = EmptyTable()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(SteadyTable)
        assert table.size and not table.show_vertical_scrollbar
        table.add_rows([(f"SRO-2026-{i:06}", "draft") for i in range(40)])
        table.settle()
        assert table.show_vertical_scrollbar  # before any layout of the screen
        await pilot.pause()
        assert bar_matches(table)
        table.clear()
        table.settle()
        assert not table.show_vertical_scrollbar
        await pilot.pause()
        assert bar_matches(table)
