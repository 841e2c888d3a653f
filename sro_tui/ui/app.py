"""Placeholder app until the TUI lands: shows which store is open."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from ..config import Settings


class SroApp(App[int]):
    TITLE = "sro-tui"
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Store: {self.settings.store_location()}")
        yield Footer()


def run(settings: Settings) -> int:
    from ..bootstrap import open_store

    open_store(settings).close()  # create or upgrade before the first frame
    SroApp(settings).run()
    return 0
