"""The checklist's changes name each item's version (issue 13 item 3), on real stores (SQLite
and, with SRO_TEST_DATABASE_URL, PostgreSQL; two Database objects on one store are two
terminals). A note typed on an item whose "done" is still on its way waits for that save and
goes with the version it returned, so the officer's own quick keys never conflict; a change
made on another terminal meanwhile does: the item is read again and shown, and the typed skip
reason is asked for again, kept, with the reason under it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from sqlalchemy.orm import Session
from textual.widgets import DataTable, Input, Static

from sro_tui.domain.checklist import ItemNote
from sro_tui.domain.enums import ChecklistStatus
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database
from sro_tui.ui.widgets.prompt import PromptScreen
from sro_tui.ui.widgets.retry_prompt import CHANGED_ELSEWHERE

from .conftest import TEST_AUDIT_KEY, Clock, make_officer
from .test_ui_checklist import open_checklist, shift_items
from .ui_shell_support import make_app, settle, type_text


@pytest.fixture
def laptop(db_url: str, services: Services, clock: Clock) -> Iterator[Services]:
    """The officer's second terminal on the same store."""
    database = Database(db_url)
    try:
        yield build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="laptop")
    finally:
        database.dispose()


class WriteGate:
    """Holds the store's writes from worker threads while closed (the real store then
    writes): a save stays "on its way" as long as the test needs."""

    def __init__(self, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
        self.open = threading.Event()
        self.open.set()
        self.waiting = 0
        db = services.ctx.db
        monkeypatch.setattr(db, "write", self._wrap(db.write))

    def _wrap(
        self, real: Callable[..., AbstractContextManager[Session]]
    ) -> Callable[..., AbstractContextManager[Session]]:
        @contextmanager
        def wrapped(**options: Any) -> Iterator[Session]:
            if threading.current_thread() is not threading.main_thread():
                self.waiting += 1
                self.open.wait(20)
            with real(**options) as session:
                yield session

        return wrapped


def _messages(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def test_done_then_a_note_typed_while_it_saves_never_conflicts(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = make_officer(services, "1001")
    gate = WriteGate(services, monkeypatch)
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_checklist(pilot, app)
        assert screen.query_one(DataTable).cursor_row == 0
        gate.open.clear()
        await pilot.press("space")  # done: its save waits at the gate
        await pilot.pause()
        assert gate.waiting >= 1
        await pilot.press("k", "n")  # back to it: a note while "done" is on its way
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await type_text(pilot, "Door propped open")
        await pilot.press("enter")
        await pilot.pause()
        gate.open.set()
        await settle(pilot)
        await settle(pilot)
        assert not any(CHANGED_ELSEWHERE in m for m in _messages(app)), _messages(app)
        assert app.screen is screen
    first = shift_items(services, actor)[0]
    assert (first.status, first.note) == (ChecklistStatus.DONE, "Door propped open")
    assert first.version == 3  # done, then the note against the version done returned


async def test_a_skip_after_a_change_on_another_terminal_is_refused_and_asked_again(
    services: Services, laptop: Services, clock: Clock
) -> None:
    actor = make_officer(services, "1001")
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_checklist(pilot, app)
        first = shift_items(services, actor)[0]
        laptop.checklist.set_note(actor, first.id, ItemNote(note="Checked from the laptop"))
        await pilot.press("s")
        await pilot.pause()
        await type_text(pilot, "Gate locked")
        await pilot.press("enter")
        await settle(pilot)
        # Refused: the laptop's note stays and shows; the reason is asked for again, kept.
        stored = shift_items(services, actor)[0]
        assert (stored.status, stored.note) == (ChecklistStatus.PENDING, "Checked from the laptop")
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value == "Gate locked"
        assert CHANGED_ELSEWHERE in str(prompt.query_one("#prompt-error", Static).content)
        table = screen.query_one(DataTable)
        assert "Checked from the laptop" in str(table.get_cell(str(first.id), "note"))
        await pilot.press("enter")  # checked: skip it after all
        await settle(pilot)
        assert app.screen is screen
    final = shift_items(services, actor)[0]
    assert (final.status, final.skip_reason, final.note) == (
        ChecklistStatus.SKIPPED,
        "Gate locked",
        "Checked from the laptop",
    )
