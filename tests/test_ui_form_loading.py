"""Forms draw at once and take keys while the store is slow: every store read of a form runs
in its load() worker, never on the UI thread, and what the officer typed meanwhile survives
the fill. A store that answers only when the test says so stands for a busy one (another
terminal's roster import holding the write lock); no timing is asserted."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from sqlalchemy.orm import Session
from textual.screen import Screen

from sro_tui.domain.errors import StoreUnreachable
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.forms.base import FormLogic
from sro_tui.ui.forms.note_form import NoteFormScreen
from sro_tui.ui.forms.quick_incident import QuickIncidentScreen
from sro_tui.ui.forms.referral_form import ReferralFormScreen
from sro_tui.ui.forms.student_form import StudentFormScreen

from .test_ui_forms import FormHost, Home, ui_officer, vhs
from .ui_shell_support import send_keys, settle

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


class SlowStore:
    """Wraps the store's read/write: calls from worker threads wait for ``gate``; calls on
    the UI thread (the test's main thread, where the app runs) are recorded. ``fail`` makes
    worker calls fail as an unreachable store does."""

    def __init__(self, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gate = threading.Event()
        self.on_ui_thread: list[str] = []
        self.fail: Exception | None = None
        self.watching = True  # off for the way out (a quitting app keeps its draft there)
        db = services.ctx.db
        for name in ("read", "write"):
            monkeypatch.setattr(db, name, self._wrap(name, getattr(db, name)))

    def _wrap(
        self, name: str, real: Callable[..., AbstractContextManager[Session]]
    ) -> Callable[..., AbstractContextManager[Session]]:
        @contextmanager
        def wrapped(**options: Any) -> Iterator[Session]:
            if threading.current_thread() is threading.main_thread():
                if self.watching:
                    self.on_ui_thread.append(name)
            else:
                self.gate.wait(20)
                if self.fail is not None:
                    raise self.fail
            with real(**options) as session:  # write(wait=...) too
                yield session

        return wrapped


def chars(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def _form(host: FormHost) -> FormLogic:
    screen = host.screen
    assert isinstance(screen, FormLogic), screen
    return screen


async def _open_slow(
    pilot: Any, store: SlowStore, host: FormHost, keys: list[str], focus: str | None = None
) -> FormLogic:
    """The form is up and loading; ``keys`` typed in one burst have landed."""
    await pilot.pause()
    form = _form(host)
    assert form.record_loading
    if focus is not None:
        form.query_one(focus).focus()
        await pilot.pause()
    send_keys(pilot, keys)
    await pilot.pause()
    assert form.record_loading, "the store answered before the test let it"
    # The skeleton is on screen (not Textual's loading indicator over the whole form);
    # every form names its save key.
    assert "ctrl+s" in host.export_screenshot()
    return form


@pytest.fixture
def store(sqlite_services: Services, monkeypatch: pytest.MonkeyPatch) -> SlowStore:
    return SlowStore(sqlite_services, monkeypatch)


async def test_quick_incident_typed_ahead_of_its_choices_saves_once_loaded(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead, store: SlowStore
) -> None:
    host = FormHost(sqlite_services, ui_officer, school=vhs, first=QuickIncidentScreen)
    async with host.run_test() as pilot:
        # The documented keys, all of them before the store has answered anything.
        keys = [*chars("tre"), "enter", "tab", *chars("Adult at the gate"), "ctrl+s"]
        form = await _open_slow(pilot, store, host, keys)
        assert isinstance(form, QuickIncidentScreen)
        assert form.category.text == "tre"
        assert form.narrative.text == "Adult at the gate"
        assert isinstance(host.screen, QuickIncidentScreen)  # not saved while loading
        store.gate.set()
        await settle(pilot)
        assert isinstance(host.screen, Home)
        [created] = host.results
    assert store.on_ui_thread == []
    record = sqlite_services.incidents.get(ui_officer, created.id)
    assert [o.category_code for o in record.offenses] == ["TRESPASS"]
    assert record.narrative == "Adult at the gate"


def _student(services: Services, actor: Actor, school: SchoolRead) -> int:
    return services.students.create(
        actor,
        StudentCreate(
            district_id="S-100", first_name="Maria", last_name="Garcia", school_id=school.id
        ),
    ).id


@pytest.mark.parametrize(
    ("make", "focus", "typed", "read"),
    [
        (
            lambda sid: NoteFormScreen(prefill={"student_ids": [sid]}),
            "#field-topics Input",
            "bullying",
            lambda f: f.topics.value,
        ),
        (
            lambda sid: ReferralFormScreen(prefill={"student_id": sid, "reason": "Needs help"}),
            "#field-consent_on Input",
            "t",
            lambda f: f.consent_on.value,
        ),
        (lambda sid: StudentFormScreen(), None, "100234", lambda f: f.district_id.value),
        (lambda sid: StudentFormScreen(student_id=sid), None, "Ana", lambda f: f.last_name.value),
    ],
    ids=["note", "referral", "new-student", "edit-student"],
)
async def test_each_form_takes_keys_while_the_store_is_slow(
    sqlite_services: Services,
    ui_officer: Actor,
    vhs: SchoolRead,
    store: SlowStore,
    make: Callable[[int], Screen[Any]],
    focus: str | None,
    typed: str,
    read: Callable[[Any], str],
) -> None:
    store.watching = False
    student_id = _student(sqlite_services, ui_officer, vhs)
    store.watching = True
    host = FormHost(sqlite_services, ui_officer, school=vhs, first=lambda: make(student_id))
    async with host.run_test(size=(100, 40)) as pilot:
        form = await _open_slow(pilot, store, host, chars(typed), focus)
        assert read(form) == typed
        store.gate.set()
        await settle(pilot)
        assert not form.record_loading
        # The fill did not overwrite what was typed while it loaded.
        assert read(form) == typed
        assert store.on_ui_thread == []
        store.watching = False


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (StoreUnreachable("The store is not answering"), "not answering"),
        (RuntimeError("driver said: Garcia"), "unexpected error (RuntimeError)"),
    ],
    ids=["store-unavailable", "unexpected"],
)
async def test_a_failed_load_says_so_keeps_the_text_and_ctrl_r_retries(
    sqlite_services: Services,
    ui_officer: Actor,
    vhs: SchoolRead,
    store: SlowStore,
    error: Exception,
    words: str,
) -> None:
    host = FormHost(sqlite_services, ui_officer, school=vhs, first=QuickIncidentScreen)
    async with host.run_test() as pilot:
        form = await _open_slow(pilot, store, host, chars("fig"))
        assert isinstance(form, QuickIncidentScreen)
        store.fail = error
        store.gate.set()
        await settle(pilot)
        assert form.load_failed and form.record_loading
        message = str(form.query_one(".form-message").render())
        assert words in message and "ctrl+r" in message
        assert "Garcia" not in message  # an unexpected error names its kind only
        assert form.category.text == "fig"
        await pilot.press("ctrl+s")  # refused with a reason, the form stays
        await settle(pilot)
        assert isinstance(host.screen, QuickIncidentScreen)
        store.fail = None
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not form.record_loading and not form.load_failed
        assert form.category.text == "fig"
        assert [c.value for c in form.category.suggestions][:1] == ["FIGHT"]
        store.watching = False
    assert store.on_ui_thread == []


async def test_edit_form_types_while_another_terminal_holds_the_write_lock(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead, sqlite_url: str
) -> None:
    """A real second connection holds SQLite's write lock (a roster import elsewhere): the
    student form's audited read waits for it in the worker while the officer types."""
    student_id = _student(sqlite_services, ui_officer, vhs)
    other = sqlite3.connect(sqlite_url, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = False
    try:
        host = FormHost(
            sqlite_services, ui_officer, school=vhs, first=lambda: StudentFormScreen(student_id)
        )
        async with host.run_test() as pilot:
            await pilot.pause()
            form = host.screen
            assert isinstance(form, StudentFormScreen)
            form.first_name.focus()
            await pilot.pause()
            send_keys(pilot, chars("Ana"))
            await pilot.pause()
            assert form.record_loading  # still waiting for the lock
            assert form.first_name.value == "Ana"
            other.execute("COMMIT")
            released = True
            await settle(pilot)
            assert not form.record_loading and not form.load_failed
            assert form.first_name.value == "Ana"  # typed while it waited: kept
            assert form.last_name.value == "Garcia"  # loaded
    finally:
        if not released:
            other.execute("ROLLBACK")
        other.close()


async def test_text_typed_before_the_choices_gets_its_suggestions_once_loaded(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead, store: SlowStore
) -> None:
    """ "tre" typed into the category while the form loads (a slow store, a busy terminal):
    once the choices are in, its suggestions show under the field, as if typed after."""
    host = FormHost(sqlite_services, ui_officer, school=vhs, first=QuickIncidentScreen)
    async with host.run_test() as pilot:
        form = await _open_slow(pilot, store, host, chars("tre"))
        assert isinstance(form, QuickIncidentScreen)
        assert form.category.text == "tre" and form.category.suggestions == []
        store.gate.set()
        await settle(pilot)
        assert form.category.input.has_focus
        assert "TRESPASS" in [c.value for c in form.category.suggestions]
