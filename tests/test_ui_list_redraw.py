"""A list read again with the same answer (back on it, a live refresh) draws nothing again:
not the whole screen for a loading flag, not its status line for the same words (issue 16:
each was a second full frame some 30 ms after a return)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import OptionList

from sro_tui.services.registry import Services
from sro_tui.ui.screens.today import TodayScreen
from sro_tui.ui.widgets.paged import PagedList
from sro_tui.ui.widgets.status_line import StatusLine

from .conftest import Clock, make_officer
from .test_ui_list_loading import LISTS, _one_of_each
from .ui_list_support import ListHost, settle
from .ui_shell_support import Calls, make_app, sign_in


@pytest.mark.parametrize(("screen_type", "field"), LISTS, ids=lambda v: getattr(v, "__name__", v))
async def test_the_same_answer_draws_nothing_again(
    sqlite_services: Services,
    clock: Clock,
    screen_type: Callable[[], Screen[Any]],
    field: str | None,
) -> None:
    officer = make_officer(sqlite_services, "1001")
    _one_of_each(sqlite_services, officer, clock)
    app = ListHost(sqlite_services, officer, screen_type)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PagedList) and screen.loaded == 1
        screen_draws = Calls(screen, "refresh")
        status_draws = Calls(screen.query_one(StatusLine), "refresh")
        rows_replaced = Calls(screen.paged_table(), "clear")
        screen.reload_on_resume()  # what coming back to the list does
        assert screen.page_loading
        await settle(pilot)
        assert not screen.page_loading and screen.loaded == 1
        assert screen_draws.count == 0
        assert status_draws.count == 0
        assert rows_replaced.count == 0  # (the notes' page once differed by names known)


class OneLine(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusLine("3 shown", id="status")


async def test_the_status_line_draws_only_new_words() -> None:
    app = OneLine()
    async with app.run_test() as pilot:
        line = app.query_one(StatusLine)
        draws = Calls(line, "refresh")
        line.update("3 shown")
        assert draws.count == 0
        line.update("4 shown")
        await pilot.pause()
        assert draws.count == 1
        assert "4 shown" in str(line.render())


async def test_today_read_again_with_the_same_answer_draws_nothing(
    services: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    _one_of_each(services, officer, clock)
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen) and screen.sections
        shown = screen.query_one("#today-list", OptionList).get_option_at_index(0)
        summary_draws = Calls(screen.query_one("#today-summary", StatusLine), "refresh")
        screen.action_reload()  # what coming back to Today does
        await settle(pilot)
        assert screen.query_one("#today-list", OptionList).get_option_at_index(0) is shown
        assert summary_draws.count == 0


@pytest.mark.parametrize(("screen_type", "field"), LISTS, ids=lambda v: getattr(v, "__name__", v))
async def test_a_page_is_measured_in_the_frame_that_draws_it(
    sqlite_services: Services,
    clock: Clock,
    screen_type: Callable[[], Screen[Any]],
    field: str | None,
) -> None:
    """The table's size (hence its scrollbar) counts a page's rows as they are added, not at
    the table's next idle, a frame later."""
    officer = make_officer(sqlite_services, "1001")
    _one_of_each(sqlite_services, officer, clock)
    app = ListHost(sqlite_services, officer, screen_type)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PagedList)
        table = screen.paged_table()
        measured: list[tuple[int, int]] = []
        arrived = screen._page_arrived

        def arrived_and_measured(generation: int, page: Any) -> None:
            arrived(generation, page)
            rows = sum(row.height for row in table.rows.values())
            measured.append((table.virtual_size.height, table.header_height + rows))

        screen._page_arrived = arrived_and_measured  # type: ignore[method-assign]
        screen.reload()  # the table emptied, the first page read again
        await settle(pilot)
        assert measured and table.row_count == 1
        assert measured[-1][0] == measured[-1][1]
