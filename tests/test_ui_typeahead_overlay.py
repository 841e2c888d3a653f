"""A type-ahead's suggestions open over the fields below it: the form does not move or grow
as an officer types (a key then redraws the list alone, issue 16), and where there is no room
below, the list opens above the input, never over it."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.geometry import Region
from textual.widgets import Static

from sro_tui.ui.widgets.typeahead import Choice, TypeAhead

PLACES = [Choice(f"P{i}", f"Place {i}") for i in range(6)]


class Form(App[None]):
    """A type-ahead at the top (``at_bottom``: the bottom) of an 80x24 screen."""

    def __init__(self, *, at_bottom: bool) -> None:
        super().__init__()
        self.at_bottom = at_bottom

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.at_bottom:
                yield Static("above", id="filler")
            yield TypeAhead(choices=PLACES, id="where")
            yield Static("the next field", id="next")

    def on_mount(self) -> None:
        if self.at_bottom:  # the type-ahead's input on the last rows, with "next" under it
            self.query_one("#filler", Static).styles.height = 24 - 3 - 1


async def _typed(app: Form, pilot: Any) -> None:
    """Type "p" into the type-ahead: its six places are listed."""
    where = app.query_one("#where", TypeAhead)
    where.input.focus()
    await pilot.pause()
    await pilot.press("p")
    await pilot.pause()
    assert where.list_open and len(where.suggestions) == 6


def _regions(app: Form) -> tuple[Region, Region, Region]:
    where = app.query_one("#where", TypeAhead)
    suggestions = where.query_one("_Suggestions")
    return (
        where.input.region,
        app.query_one("#next", Static).region,
        suggestions.region,
    )


async def test_the_list_opens_below_the_input_over_the_next_field() -> None:
    app = Form(at_bottom=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        next_before = app.query_one("#next", Static).region
        await _typed(app, pilot)
        field, next_after, listed = _regions(app)
        assert next_after == next_before  # the form did not move
        assert listed.y == field.bottom  # right under the input
        assert listed.overlaps(next_after)  # over the next field, for the moment


async def test_with_no_room_below_the_list_opens_above_the_input() -> None:
    app = Form(at_bottom=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _typed(app, pilot)
        field, _, listed = _regions(app)
        assert listed.bottom <= field.y  # above the input, leaving it in sight
        assert not listed.overlaps(field)
