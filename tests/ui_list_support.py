"""Helpers for the list screens' Pilot tests (incidents, mentoring, referrals, students).

``ListHost`` stands in for the app around one list on any test store (the ``services``
fixture: SQLite, and PostgreSQL when ``SRO_TEST_DATABASE_URL`` is set): it carries
``services``, ``actor``, ``school`` and ``tz`` as the real app does, and opens what a list asks
for through the real app's own kind → screen table (``navigation.record_screen``), as
``SroApp.on_open_record`` does. Tests that need the whole app sign in with
``ui_shell_support.sign_in``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Label
from textual.worker import WorkerCancelled

from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services
from sro_tui.ui.messages import OpenRecord
from sro_tui.ui.navigation import record_screen


class Below(Screen[None]):
    """What is under the list (so Escape has somewhere to go)."""

    def compose(self) -> ComposeResult:
        yield Label("below")


class ListHost(App[None]):
    """One list screen over a test store, signed in as ``actor``."""

    def __init__(
        self,
        services: Services,
        actor: Actor,
        first: Callable[[], Screen[Any]],
        school: SchoolRead | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.actor = actor
        self.school = school
        self.first = first
        self.demo = False
        self.opened: list[OpenRecord] = []

    @property
    def tz(self) -> tzinfo:
        return self.services.ctx.tz

    def local_now(self) -> datetime:
        return self.services.ctx.now().astimezone(self.services.ctx.tz)

    def on_mount(self) -> None:
        self.push_screen(Below())
        self.push_screen(self.first())

    def on_open_record(self, message: OpenRecord) -> None:
        message.stop()
        self.opened.append(message)
        self.push_screen(record_screen(message.kind, message.record_id))


async def settle(pilot: Pilot[Any]) -> None:
    """Let the workers finish and their pages reach the table."""
    for _ in range(3):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def row_keys(table: DataTable[Any]) -> list[int]:
    """The record ids of the loaded rows, top to bottom."""
    return [int(str(row.key.value)) for row in table.ordered_rows]
