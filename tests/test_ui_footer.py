"""The footer draws its keys in one widget (issue 16: Textual's Footer made a widget of each
key, some ten per screen, and the app keeps its area screens alive). It looks as Textual's
Footer does, cell for cell, and its keys work with the mouse as FooterKey's do."""

from __future__ import annotations

from typing import Any

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from sro_tui.services.registry import Services
from sro_tui.ui.widgets.footer import FooterKeys, SroFooter

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in


class KeysScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Cancel"),
        Binding("f2", "today", "Today"),
        Binding("f3", "checklist", "Checklist", tooltip="The duty checklist"),
        Binding("f4", "incidents", "Incidents"),
        Binding("x", "hidden", "Hidden", show=False),
    ]

    def __init__(self, footer: type[Footer], compact: bool) -> None:
        super().__init__()
        self.footer, self.compact = footer, compact
        self.done: list[str] = []
        self.today_enabled = False

    def compose(self) -> ComposeResult:
        yield Static("keys")
        yield self.footer(compact=self.compact)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "today" and not self.today_enabled else True

    def action_checklist(self) -> None:
        self.done.append("checklist")

    def action_today(self) -> None:
        self.done.append("today")


class KeysApp(App[None]):
    BINDINGS = [Binding("ctrl+q", "quit", "Quit")]

    def __init__(self, footer: type[Footer], compact: bool) -> None:
        super().__init__()
        self.keys_screen = KeysScreen(footer, compact)
        self.bells = 0

    def on_mount(self) -> None:
        self.push_screen(self.keys_screen)

    def bell(self) -> None:
        self.bells += 1


class TextualFooter(Footer):
    """Textual's Footer, its keys (the palette's too) following its compact flag: the footer
    the app had (the screenshots in tests/__snapshots__ show it)."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget


def cells(line: list[Segment]) -> list[tuple[Any, ...]]:
    """What a terminal shows of a line: each cell's character and look (a blank's colour and
    the mouse offsets Textual keeps in each style are not seen)."""
    shown = []
    for text, style, _ in line:
        assert style is not None
        for char in text:
            shown.append(
                (
                    char,
                    style.color if char.strip() else None,
                    style.bgcolor,
                    bool(style.bold),
                    bool(style.dim),
                    bool(style.italic),
                    bool(style.underline),
                    bool(style.reverse),
                )
            )
    return shown


async def footer_line(footer: type[Footer], compact: bool, width: int, lit: bool) -> list[Any]:
    app = KeysApp(footer, compact)
    async with app.run_test(size=(width, 6)) as pilot:
        await pilot.pause()
        if lit:  # a key lit after the footer was drawn: redrawn in place
            app.keys_screen.today_enabled = True
            app.keys_screen.refresh_bindings()
        for _ in range(5):  # Textual's footer makes its keys a refresh later
            await pilot.pause()
        return cells(list(app.screen._compositor.render_strips()[-1]))


@pytest.mark.parametrize("compact", [True, False])
@pytest.mark.parametrize("width", [40, 80, 120])
@pytest.mark.parametrize("lit", [False, True])
async def test_the_footer_looks_as_textuals_footer(compact: bool, width: int, lit: bool) -> None:
    theirs = await footer_line(TextualFooter, compact, width, lit)
    ours = await footer_line(SroFooter, compact, width, lit)
    assert ours == theirs


async def test_the_keys_are_one_widget_and_work_with_the_mouse() -> None:
    app = KeysApp(SroFooter, compact=True)
    async with app.run_test(size=(100, 6)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.keys_screen
        footer = screen.query_one(SroFooter)
        (row,) = footer.query(FooterKeys)
        # Only the palette's key is a FooterKey of its own (Textual made one per key).
        assert [key.action for key in footer.query(FooterKey)] == ["command_palette"]
        actions = [key.action for key in row.keys]
        assert actions == ["back", "today", "checklist", "incidents", "quit"]
        start, _end = row._spans[actions.index("checklist")]
        await pilot.hover(row, offset=(start + 1, 0))
        assert row.hovered == actions.index("checklist")
        assert row.tooltip == "The duty checklist"
        await pilot.click(row, offset=(start + 1, 0))
        await pilot.pause()
        assert screen.done == ["checklist"]
        start, _end = row._spans[actions.index("today")]
        await pilot.click(row, offset=(start, 0))  # dimmed: a bell, nothing done
        await pilot.pause()
        assert screen.done == ["checklist"]
        assert app.bells == 1


async def test_an_app_screen_has_one_widget_of_keys(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f4")
        await settle(pilot)
        footer = app.screen.query_one(SroFooter)
        assert len(footer.query(FooterKeys)) == 1
        assert len(footer.query(FooterKey)) <= 1  # the palette's key
        assert {"n", "f1", "ctrl+q"} <= {key.key for key in footer.query_one(FooterKeys).keys}


async def test_the_keys_are_composed_with_the_screen_not_a_frame_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Textual's Footer composes nothing until the screen's bindings are announced and then
    rebuilds itself after the next frame: the screen's first frame had no keys. This one has
    its keys from its first composition, and nothing rebuilds it."""
    rebuilt: list[SroFooter] = []
    recompose = SroFooter.recompose

    def counted(self: SroFooter) -> Any:
        rebuilt.append(self)
        return recompose(self)

    monkeypatch.setattr(SroFooter, "recompose", counted)
    app = KeysApp(SroFooter, compact=True)
    async with app.run_test(size=(100, 6)) as pilot:
        for _ in range(5):
            await pilot.pause()
        (row,) = app.keys_screen.query_one(SroFooter).query(FooterKeys)
        assert [key.action for key in row.keys] == [
            "back",
            "today",
            "checklist",
            "incidents",
            "quit",
        ]
        assert rebuilt == []
        app.keys_screen.today_enabled = True  # a key lit: drawn in place, not rebuilt
        app.keys_screen.refresh_bindings()
        for _ in range(3):
            await pilot.pause()
        assert rebuilt == []
        assert not row.keys[1].disabled
