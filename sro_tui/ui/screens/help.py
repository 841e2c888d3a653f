"""Help (f1): the keys of the screen it was opened on, read as the footer reads them (the
screen's active bindings, after the department's keymap), then the keys that work everywhere,
then the quick-incident sequence as the quick-incident form documents it. Nothing here is
written by hand twice, so the page cannot go stale or list a key that does nothing there."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ..forms.quick_incident import QUICK_INCIDENT_KEYS
from ..keys import COMMANDS, own_bindings
from ..text import literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from .checklist import ChecklistScreen
from .login import LoginScreen
from .school_pick import SchoolPickScreen
from .today import TodayScreen

__all__ = ["HelpScreen", "key_sections"]

EVERYWHERE = "Everywhere"
EXTRA_KEYS: dict[type[Screen[Any]], list[tuple[str, str]]] = {
    # Keys handled by widgets rather than bindings, said once here.
    TodayScreen: [("enter", "Open the record on the highlighted line")],
    ChecklistScreen: [
        ("enter", "Mark done and move to the next open item (on a done item: says when)"),
        ("up / down", "Move between items"),
    ],
    LoginScreen: [("enter", "Next field; on the password: sign in")],
    SchoolPickScreen: [("enter", "Confirm the highlighted school")],
}
EVERYWHERE_EXTRA = [
    ("ctrl+p", "Command palette: every command by name, and this screen's actions"),
    ("tab / shift+tab", "Next / previous field"),
]


def _key(key: str) -> str:
    return {"slash": "/", "space": "space", "escape": "esc"}.get(key, key)


def screen_title(screen: Screen[Any]) -> str:
    """What the screen's header calls it (its class name if it has no header)."""
    headers = screen.query(SroHeader)
    title = headers.first().title if headers else ""
    return title or type(screen).__name__.removesuffix("Screen")


def key_sections(screen: Screen[Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The keys that work on ``screen`` now, its own first, then the app's: each active
    binding with a description, as the footer finds them (the focused widget's, the
    screen's, the app's), keys the officer cannot use there now left out. Textual's own
    widget keys (cursor, scroll, copy) are left to the widgets: sro-tui declares the rest."""
    app = screen.app
    own: list[tuple[str, str]] = []
    everywhere: list[tuple[str, str]] = []
    declared: dict[type, set[str]] = {}
    helps = {command.id: command.help for command in COMMANDS}  # the app's, said in full
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if not binding.description or not active.enabled:
            continue
        node_type = type(active.node)
        if node_type not in declared:
            declared[node_type] = {b.action for b in own_bindings(node_type)}
        if binding.action not in declared[node_type]:
            continue
        row = (_key(key), helps.get(binding.id or "", binding.tooltip or binding.description))
        (everywhere if active.node is app else own).append(row)
    own += EXTRA_KEYS.get(type(screen), []) or list(getattr(screen, "HELP_KEYS", ()))
    for command in COMMANDS:  # commands without a key: by name in the palette
        if not command.key and app.check_action(command.action, ()):
            everywhere.append(("ctrl+p", f"{command.help} (type “{command.label}”)"))
    everywhere += EVERYWHERE_EXTRA
    sections = [(screen_title(screen), own)] if own else []
    sections.append((EVERYWHERE, everywhere))
    return sections


def _table(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, width=16)
    table.add_column(ratio=1)
    for key, text in rows:  # a Rich table reads a str as markup: keys like "[" stay keys
        table.add_row(literal(key), literal(text))
    return table


class HelpScreen(Screen[None]):
    """The keys of the screen below, the keys that work everywhere, and the written
    quick-incident sequence."""

    CSS_PATH = "help.tcss"

    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("f1", "close", "Close", show=False, id="help.close_f1"),
        Binding("j", "scroll_down", "Down", show=False, id="help.down"),
        Binding("k", "scroll_up", "Up", show=False, id="help.up"),
    ]

    def __init__(self, below: Screen[Any]) -> None:
        super().__init__()
        self.sections = key_sections(below)
        self.sequence = list(QUICK_INCIDENT_KEYS)

    def compose(self) -> ComposeResult:
        yield SroHeader("Help")
        with VerticalScroll(id="help-body"):
            for title, rows in self.sections:
                yield Static(literal(title, "bold underline"), classes="help-title")
                yield Static(_table(rows), classes="help-table")
            yield Static(
                Text("Log a trespass warning in a few keys", style="bold underline"),
                classes="help-title",
            )
            rows = [(_key(k), t) for k, t in self.sequence]
            yield Static(_table(rows), classes="help-table")
        yield SroFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_up()
