"""An unexpected error never strands the officer: a save that fails with something other than a
service's refusal shows one message, keeps everything typed, and the officer can save again or
leave; the app's exit status says when it crashed."""

from __future__ import annotations

import pytest

from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services
from sro_tui.ui.forms.quick_incident import QuickIncidentScreen

from .test_ui_forms import FormHost, Home, ui_officer, vhs
from .test_ui_quick_incident import NARRATIVE, keys_of

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


async def test_a_save_that_raises_keeps_the_text_and_can_be_retried(
    sqlite_services: Services,
    ui_officer: Actor,
    vhs: SchoolRead,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_create = sqlite_services.incidents.create
    failures: list[str] = []

    def broken_create(*args: object, **kwargs: object) -> object:
        failures.append("create")
        raise RuntimeError("driver went away")

    monkeypatch.setattr(sqlite_services.incidents, "create", broken_create)
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        for key in keys_of(NARRATIVE):  # ends with ctrl+s
            await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        form = app.screen
        assert failures == ["create"]
        assert isinstance(form, QuickIncidentScreen), "the form stays open"
        assert form.narrative.text == NARRATIVE, "what was typed is kept"
        messages = [n.message for n in app._notifications]
        assert len([m for m in messages if "Not saved" in m]) == 1, messages
        assert not any("driver went away" in m and "Traceback" in m for m in messages)

        # The store is back: ctrl+s saves what was kept.
        monkeypatch.setattr(sqlite_services.incidents, "create", real_create)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
        [created] = app.results
    assert sqlite_services.incidents.get(ui_officer, created.id).narrative == NARRATIVE


async def test_after_an_unexpected_save_error_escape_still_leaves(
    sqlite_services: Services,
    ui_officer: Actor,
    vhs: SchoolRead,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_create(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(sqlite_services.incidents, "create", broken_create)
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.pause()
        for key in keys_of(NARRATIVE):
            await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, QuickIncidentScreen)
        await pilot.press("escape")  # asks what to do with the typing
        await pilot.pause()
        assert not isinstance(app.screen, QuickIncidentScreen)
